//! Recovery-point evidence per workload: how old the standby's copies are, next to the RPO.
//!
//! A workload is the set of primary resources sharing the app tag (default `app`). For each, the
//! observed recovery point is the age (against the snapshot's collection time) of the data the
//! standby could restore: the newest AMI copy of an image the workload runs, the newest EBS
//! snapshot copy of one of its volumes (aged by the source snapshot's start time), and whether its
//! buckets replicate with Replication Time Control, and the newest standby copy of each of its
//! databases ([`standby_copy_of_database`]). Missing data stays `None` — never a guess.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::parity::Parity;
use crate::snapshot::{EbsSnapshot, Resource, Snapshot, bucket_name};
use crate::workload::Workload;

/// One kind of copied data of a workload.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct CopyEvidence {
    /// Primary resources of this kind the workload uses (volumes: those with snapshots).
    pub primary: usize,
    /// How many of them have a standby copy.
    pub copied: usize,
    /// Age in seconds of the newest recovery point in the standby; `None` when there is none.
    pub newest_copy_age_seconds: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct RecoveryPoint {
    pub workload: String,
    /// `pilot-light` or `warm-standby` (tag `dr:tier`, else the configured default).
    pub tier: String,
    pub images: CopyEvidence,
    pub snapshots: CopyEvidence,
    /// Primary databases of the workload (RDS DB instances and Aurora clusters) and their
    /// standby copies.
    #[serde(default)]
    pub databases: DatabaseEvidence,
    /// Buckets of the workload, and how many replicate to the standby with RTC.
    pub buckets: usize,
    pub buckets_replicated_with_rtc: usize,
    pub rpo_seconds: u64,
    /// `Some(true)` when every volume has a standby copy no older than the RPO, every image in
    /// use has a standby copy, and every database has a standby copy (a snapshot copy no older
    /// than the RPO, or a replica whose lag is unknown); `None` when the workload has no volumes,
    /// owned images or databases.
    pub within_rpo: Option<bool>,
}

/// The newest standby copy of a primary volume's data.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct VolumeCopy {
    /// The standby snapshot.
    pub arn: String,
    /// Start time of the copied primary snapshot (the copy's own when the source is unknown):
    /// the copy holds the volume's data as of then.
    pub source_time: DateTime<Utc>,
    pub source_time_ns: i64,
    /// `pairing` (tag, `[Copied snap-… from …]` or an AMI copy's `SourceSnapshot`) or
    /// `aws backup` (tag `aws:backup:source-resource` naming the volume).
    pub via: &'static str,
}

/// Primary volume id → the newest standby copy of its data, however AWS made it. One definition,
/// read by the recovery points here and by the rules (`index.primary.standby_copy_of_volume`).
pub fn standby_copy_of_volume(
    snapshot: &Snapshot,
    parity: &Parity,
) -> BTreeMap<String, VolumeCopy> {
    let primary_by_arn: HashMap<&str, &EbsSnapshot> = snapshot
        .primary
        .ec2
        .snapshots
        .iter()
        .map(|s| (s.arn.as_str(), s))
        .collect();
    let source_of = parity.primary_of();
    let mut best: BTreeMap<String, VolumeCopy> = BTreeMap::new();
    for copy in snapshot
        .standby
        .ec2
        .snapshots
        .iter()
        .filter(|c| c.state == "completed")
    {
        let paired = source_of
            .get(copy.arn.as_str())
            .and_then(|a| primary_by_arn.get(a));
        let (volume, time, via) = if let Some(src) = paired {
            let Some(vol) = src.volume_id.as_deref() else {
                continue;
            };
            (vol, src.start_time.or(copy.start_time), "pairing")
        } else if let Some(vol) = copy
            .tag("aws:backup:source-resource")
            .and_then(|arn| arn.rsplit_once(":volume/").map(|(_, id)| id))
        {
            (vol, copy.start_time, "aws backup")
        } else {
            continue;
        };
        let Some(time) = time else { continue };
        if best.get(volume).is_some_and(|b| b.source_time >= time) {
            continue;
        }
        best.insert(
            volume.to_string(),
            VolumeCopy {
                arn: copy.arn.clone(),
                source_time: time,
                source_time_ns: time.timestamp_nanos_opt().unwrap_or_default(),
                via,
            },
        );
    }
    best
}

/// The primary databases of a workload and their standby copies.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct DatabaseEvidence {
    /// Primary databases: Aurora (and Multi-AZ) DB clusters, and DB instances that are neither
    /// cluster members nor read replicas (DocumentDB and Neptune left out).
    pub primary: usize,
    /// How many of them have a standby copy of any kind.
    pub copied: usize,
    /// Copies whose recovery point the snapshot cannot tell: read replicas, global secondaries,
    /// replica clusters and replicated automated backups (their lag is a CloudWatch metric, not
    /// in the inventory; it is usually seconds to minutes).
    pub lag_unknown: usize,
    /// Age in seconds of the oldest among the newest snapshot copies of databases whose copy is
    /// a snapshot; `None` when no database's copy is a snapshot.
    pub newest_copy_age_seconds: Option<i64>,
}

/// The newest standby copy of a primary database.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct DatabaseCopy {
    /// The standby copy: a DB instance, a DB cluster, a snapshot, or the replicated automated
    /// backups' ARN.
    pub arn: String,
    /// `replica`, `global secondary`, `replica cluster`, `replicated automated backups` or
    /// `snapshot copy`.
    pub via: &'static str,
    /// For a snapshot copy, when its data was captured; `None` for a live copy (lag unknown).
    pub source_time: Option<DateTime<Utc>>,
}

/// Whether a primary-site DB instance or cluster is a primary database (as the DR-RDS rules
/// define it in policies/lib/rds.rego).
fn primary_instance(db: &crate::snapshot::DbInstance) -> bool {
    db.db_cluster_identifier.is_none()
        && db.read_replica_source.is_none()
        && judged_engine(&db.engine, &db.status)
}

fn primary_cluster(db: &crate::snapshot::DbCluster) -> bool {
    db.replication_source.is_none() && judged_engine(&db.engine, &db.status)
}

fn judged_engine(engine: &str, status: &str) -> bool {
    !matches!(engine, "docdb" | "neptune") && status != "deleting"
}

/// Primary database ARN → its newest standby copy: a live copy first (a read replica naming it
/// by ARN, a replica cluster, the standby cluster of its global database; with the standby in
/// another account, a replica or secondary the primary lists in its own account's standby
/// region), else automated
/// backups replicated to the standby region, else the snapshot copy holding the newest data
/// (copied from the primary region with the database's identifier, paired with a snapshot of
/// the database, tagged by AWS Backup with the database as source, or a manual or AWS Backup
/// snapshot of its identifier that no standby database has). The same definition as
/// the DR-RDS rules' (policies/lib/rds.rego).
pub fn standby_copy_of_database(
    snapshot: &Snapshot,
    parity: &Parity,
) -> BTreeMap<String, DatabaseCopy> {
    let (p, s) = (&snapshot.primary, &snapshot.standby);
    let mut best: BTreeMap<String, DatabaseCopy> = BTreeMap::new();
    let mut live = |source: &str, arn: &str, via: &'static str| {
        best.entry(source.to_string()).or_insert(DatabaseCopy {
            arn: arn.to_string(),
            via,
            source_time: None,
        });
    };
    for db in &s.rds.db_instances {
        if let Some(src) = db
            .read_replica_source
            .as_deref()
            .filter(|x| x.starts_with("arn:"))
        {
            live(src, &db.arn, "replica");
        }
    }
    for c in &s.rds.db_clusters {
        if let Some(src) = c
            .replication_source
            .as_deref()
            .filter(|x| x.starts_with("arn:"))
        {
            live(src, &c.arn, "replica cluster");
        }
    }
    let by_global: HashMap<&str, &str> = s
        .rds
        .db_clusters
        .iter()
        .filter_map(|c| Some((c.global_cluster_arn.as_deref()?, c.arn.as_str())))
        .collect();
    for c in &p.rds.db_clusters {
        if let Some(copy) = c
            .global_cluster_arn
            .as_deref()
            .and_then(|g| by_global.get(g))
        {
            live(&c.arn, copy, "global secondary");
        }
    }
    // With the standby in another account, the copies the primary declares in its own account's
    // standby region (RDS has no cross-account replicas).
    let remote = |arn: &&String| {
        let mut parts = arn.split(':').skip(3);
        parts.next() == Some(s.region.as_str()) && parts.next() != Some(s.account.as_str())
    };
    for db in &p.rds.db_instances {
        if let Some(a) = db.read_replicas.iter().find(remote) {
            live(&db.arn, a, "replica");
        }
    }
    for c in &p.rds.db_clusters {
        let mut members = p
            .rds
            .global_clusters
            .iter()
            .filter(|g| c.global_cluster_arn.as_deref() == Some(g.arn.as_str()))
            .flat_map(|g| g.members.iter().map(|m| &m.db_cluster_arn));
        if let Some(a) = members.find(remote) {
            live(&c.arn, a, "global secondary");
        }
    }
    for db in &p.rds.db_instances {
        if let Some(a) = db
            .automated_backup_replications
            .iter()
            .find(|a| a.split(':').nth(3) == Some(s.region.as_str()))
        {
            live(&db.arn, a, "replicated automated backups");
        }
    }

    let key = |cluster: bool, id: &str| (cluster, id.to_lowercase());
    let mut primary_dbs: HashMap<(bool, String), &str> = HashMap::new();
    for db in &p.rds.db_instances {
        primary_dbs.insert(key(false, &db.id), db.arn.as_str());
    }
    for db in &p.rds.db_clusters {
        primary_dbs.insert(key(true, &db.id), db.arn.as_str());
    }
    let standby_dbs: HashSet<(bool, String)> = s
        .rds
        .db_instances
        .iter()
        .map(|d| key(false, &d.id))
        .chain(s.rds.db_clusters.iter().map(|c| key(true, &c.id)))
        .collect();
    let primary_snaps: HashMap<&str, &crate::snapshot::DbSnapshot> = p
        .rds
        .db_snapshots
        .iter()
        .map(|x| (x.arn.as_str(), x))
        .collect();
    let source_of = parity.primary_of();
    for copy in &s.rds.db_snapshots {
        let paired = source_of
            .get(copy.arn.as_str())
            .and_then(|a| primary_snaps.get(a));
        let db = if copy.source_region.as_deref() == Some(p.region.as_str()) {
            copy.source_identifier
                .as_deref()
                .and_then(|id| primary_dbs.get(&key(copy.cluster, id)).copied())
        } else {
            None
        }
        .or_else(|| {
            let src = paired?;
            primary_dbs
                .get(&key(src.cluster, src.source_identifier.as_deref()?))
                .copied()
        })
        .or_else(|| copy.tag("aws:backup:source-resource"))
        .or_else(|| {
            // A manual or AWS Backup snapshot of a primary database's identifier that no
            // standby database has: a copy whose source AWS did not record.
            let id = copy.source_identifier.as_deref()?;
            let k = key(copy.cluster, id);
            (copy.snapshot_type.as_deref() != Some("automated") && !standby_dbs.contains(&k))
                .then(|| primary_dbs.get(&k).copied())
                .flatten()
        });
        let Some(db) = db else { continue };
        let time = copy
            .original_create_time
            .or_else(|| {
                copy.source_snapshot_arn
                    .as_deref()
                    .and_then(|a| primary_snaps.get(a))
                    .and_then(|x| x.create_time)
            })
            .or_else(|| paired.and_then(|x| x.create_time))
            .or(copy.create_time);
        let Some(time) = time else { continue };
        if best
            .get(db)
            .is_some_and(|b| b.source_time.is_none_or(|t| t >= time))
        {
            continue;
        }
        best.insert(
            db.to_string(),
            DatabaseCopy {
                arn: copy.arn.clone(),
                via: "snapshot copy",
                source_time: Some(time),
            },
        );
    }
    best
}

fn age(now: DateTime<Utc>, t: Option<DateTime<Utc>>) -> Option<i64> {
    t.map(|t| (now - t).num_seconds())
}

/// Computes the evidence for every workload (`crate::workload`) of the (scoped) snapshot.
pub fn recovery_points(
    snapshot: &Snapshot,
    parity: &Parity,
    workloads: &[Workload],
    volume_copies: &BTreeMap<String, VolumeCopy>,
    rpo_seconds: u64,
) -> Vec<RecoveryPoint> {
    let now = snapshot.collected_at;
    let p = &snapshot.primary;
    let s = &snapshot.standby;
    let standby_of = parity.standby_of();
    let volume_id: HashMap<&str, &str> = p
        .ec2
        .volumes
        .iter()
        .map(|v| (v.arn.as_str(), v.id.as_str()))
        .collect();
    let buckets_by_arn: HashMap<&str, &crate::snapshot::Bucket> =
        p.s3.buckets.iter().map(|b| (b.arn.as_str(), b)).collect();
    let images_by_arn: HashMap<&str, &crate::snapshot::Image> =
        p.ec2.images.iter().map(|i| (i.arn.as_str(), i)).collect();
    let standby_images: HashMap<&str, &crate::snapshot::Image> =
        s.ec2.images.iter().map(|i| (i.arn.as_str(), i)).collect();
    let mut snaps_of_volume: HashMap<&str, Vec<&crate::snapshot::EbsSnapshot>> = HashMap::new();
    for sn in &p.ec2.snapshots {
        if let Some(v) = sn.volume_id.as_deref() {
            snaps_of_volume.entry(v).or_default().push(sn);
        }
    }
    let standby_buckets: HashSet<&str> = s.s3.buckets.iter().map(|b| b.name.as_str()).collect();
    let db_copies = standby_copy_of_database(snapshot, parity);
    let primary_dbs: HashSet<&str> = p
        .rds
        .db_instances
        .iter()
        .filter(|d| primary_instance(d))
        .map(|d| d.arn.as_str())
        .chain(
            p.rds
                .db_clusters
                .iter()
                .filter(|c| primary_cluster(c))
                .map(|c| c.arn.as_str()),
        )
        .collect();

    workloads
        .iter()
        .map(|w| {
            // Images: the workload's owned images, and the newest standby copy among them.
            let owned: Vec<_> = w
                .primary
                .images
                .iter()
                .filter_map(|arn| images_by_arn.get(arn.as_str()).copied())
                .collect();
            let copies: Vec<_> = owned
                .iter()
                .filter_map(|img| standby_of.get(img.arn.as_str()))
                .filter_map(|arn| standby_images.get(arn).copied())
                .collect();
            let images = CopyEvidence {
                primary: owned.len(),
                copied: copies.len(),
                newest_copy_age_seconds: copies
                    .iter()
                    .filter_map(|c| age(now, c.creation_date))
                    .min(),
            };
            // Snapshots: per volume, the newest standby copy of its data.
            // Volumes never snapshotted (e.g. root volumes rebuilt from the AMI) are not tracked.
            let tracked: Vec<&str> = w
                .primary
                .volumes
                .iter()
                .filter_map(|arn| volume_id.get(arn.as_str()).copied())
                .filter(|v| snaps_of_volume.contains_key(v))
                .collect();
            let mut copied = 0;
            let mut newest: Option<i64> = None;
            for v in &tracked {
                if let Some(c) = volume_copies.get(*v) {
                    copied += 1;
                    let a = (now - c.source_time).num_seconds();
                    newest = Some(newest.map_or(a, |n: i64| n.max(a)));
                }
            }
            let rpo = rpo_seconds;
            let snapshots = CopyEvidence {
                primary: tracked.len(),
                copied,
                newest_copy_age_seconds: newest,
            };
            // Databases: per primary database, its newest standby copy.
            let mut databases = DatabaseEvidence::default();
            for arn in w
                .primary
                .databases
                .iter()
                .filter(|a| primary_dbs.contains(a.as_str()))
            {
                databases.primary += 1;
                let Some(c) = db_copies.get(arn) else {
                    continue;
                };
                databases.copied += 1;
                match c.source_time {
                    None => databases.lag_unknown += 1,
                    Some(t) => {
                        let a = (now - t).num_seconds();
                        databases.newest_copy_age_seconds =
                            Some(databases.newest_copy_age_seconds.map_or(a, |n| n.max(a)));
                    }
                }
            }
            let buckets: Vec<&crate::snapshot::Bucket> = w
                .primary
                .buckets
                .iter()
                .filter_map(|arn| buckets_by_arn.get(arn.as_str()).copied())
                .collect();
            let rtc = buckets
                .iter()
                .filter(|b| {
                    b.replication.iter().flat_map(|r| &r.rules).any(|r| {
                        r.status == "Enabled"
                            && r.destination.replication_time_control
                            && standby_buckets.contains(bucket_name(&r.destination.bucket))
                    })
                })
                .count();
            // Within the RPO when every volume has a copy no older than the RPO and every
            // image in use has a copy (an image's age says nothing about data loss; how far
            // copies lag behind new images is rule DR-EC2-002's job).
            let within_rpo = if tracked.is_empty() && owned.is_empty() && databases.primary == 0 {
                None
            } else {
                Some(
                    snapshots.copied == snapshots.primary
                        && images.copied == images.primary
                        && databases.copied == databases.primary
                        && snapshots
                            .newest_copy_age_seconds
                            .is_none_or(|a| a <= rpo as i64)
                        && databases
                            .newest_copy_age_seconds
                            .is_none_or(|a| a <= rpo as i64),
                )
            };
            RecoveryPoint {
                workload: w.name.clone(),
                tier: w.tier.clone(),
                images,
                snapshots,
                databases,
                buckets: buckets.len(),
                buckets_replicated_with_rtc: rtc,
                rpo_seconds: rpo,
                within_rpo,
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parity::{NameRewriter, PairingOptions};
    use crate::snapshot::Site;
    use serde_json::json;

    fn site(account: &str, region: &str, rds: serde_json::Value) -> Site {
        serde_json::from_value(json!({
            "account": account, "region": region, "collected_at": "2026-11-20T10:00:00Z",
            "rds": rds,
        }))
        .unwrap()
    }

    fn db(region: &str, account: &str, id: &str, extra: serde_json::Value) -> serde_json::Value {
        let mut v = json!({
            "arn": format!("arn:aws:rds:{region}:{account}:db:{id}"), "id": id, "name": id,
            "region": region, "account": account, "engine": "postgres", "status": "available",
        });
        v.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        v
    }

    fn snap(
        region: &str,
        id: &str,
        source: &str,
        t: &str,
        extra: serde_json::Value,
    ) -> serde_json::Value {
        let mut v = json!({
            "arn": format!("arn:aws:rds:{region}:111111111111:snapshot:{id}"), "id": id,
            "name": id, "region": region, "account": "111111111111", "engine": "postgres",
            "status": "available", "source_identifier": source, "create_time": t,
        });
        v.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        v
    }

    #[test]
    fn each_database_gets_its_newest_standby_copy() {
        let a = "111111111111";
        let (p, s) = ("us-east-1", "us-west-2");
        let primary = site(
            a,
            p,
            json!({
                "db_instances": [
                    db(p, a, "orders", json!({})),
                    db(p, a, "billing", json!({})),
                    db(p, a, "audit", json!({"automated_backup_replications": [
                        format!("arn:aws:rds:{s}:{a}:auto-backup:ab-1")]})),
                    db(p, a, "lonely", json!({})),
                    db(p, a, "crm", json!({"read_replicas": [
                        format!("arn:aws:rds:{s}:{a}:db:crm-dr")]})),
                ],
                "db_clusters": [{
                    "arn": format!("arn:aws:rds:{p}:{a}:cluster:ledger"), "id": "ledger",
                    "name": "ledger", "region": p, "account": a, "engine": "aurora-postgresql",
                    "status": "available", "global_cluster_arn": "arn:aws:rds::111111111111:global-cluster:g",
                }],
            }),
        );
        let standby = site(
            a,
            s,
            json!({
                "db_instances": [db(s, a, "orders-replica", json!({
                    "read_replica_source": format!("arn:aws:rds:{p}:{a}:db:orders")}))],
                "db_clusters": [{
                    "arn": format!("arn:aws:rds:{s}:{a}:cluster:ledger-dr"), "id": "ledger-dr",
                    "name": "ledger-dr", "region": s, "account": a, "engine": "aurora-postgresql",
                    "status": "available", "global_cluster_arn": "arn:aws:rds::111111111111:global-cluster:g",
                }],
                "db_snapshots": [
                    snap(s, "billing-old", "billing", "2026-11-18T01:00:00Z", json!({"source_region": p})),
                    snap(s, "billing-new", "billing", "2026-11-20T09:00:00Z",
                         json!({"source_region": p, "original_create_time": "2026-11-20T08:00:00Z"})),
                    // A snapshot of a standby database of the same name is no copy.
                    snap(s, "lonely-own", "lonely", "2026-11-20T09:00:00Z",
                     json!({"snapshot_type": "automated"})),
                // An AWS Backup copy without a recorded source.
                snap(s, "awsbackup:copyjob-1", "crm", "2026-11-20T07:00:00Z",
                     json!({"snapshot_type": "awsbackup"})),
                ],
            }),
        );
        let snapshot = Snapshot {
            schema_version: crate::snapshot::SCHEMA_VERSION,
            generator: String::new(),
            collected_at: primary.collected_at,
            primary,
            standby,
        };
        let opts = PairingOptions {
            pair_tag: "dr:pair".into(),
            rewriter: NameRewriter::new(p, s, &[]),
        };
        let parity = crate::parity::pair(&snapshot.primary, &snapshot.standby, &opts);
        let copies = standby_copy_of_database(&snapshot, &parity);
        let via = |id: &str, kind: &str| {
            copies
                .get(&format!("arn:aws:rds:{p}:{a}:{kind}:{id}"))
                .map(|c| {
                    (
                        c.arn.rsplit(':').next().unwrap().to_string(),
                        c.via,
                        c.source_time,
                    )
                })
        };
        assert_eq!(
            via("orders", "db"),
            Some(("orders-replica".into(), "replica", None))
        );
        assert_eq!(
            via("ledger", "cluster"),
            Some(("ledger-dr".into(), "global secondary", None))
        );
        assert_eq!(
            via("audit", "db"),
            Some(("ab-1".into(), "replicated automated backups", None))
        );
        // Same account: a replica must be in the standby to count; the backup copy does.
        assert_eq!(
            via("crm", "db"),
            Some((
                "copyjob-1".into(),
                "snapshot copy",
                Some("2026-11-20T07:00:00Z".parse::<DateTime<Utc>>().unwrap())
            ))
        );
        assert_eq!(
            via("billing", "db"),
            Some((
                "billing-new".into(),
                "snapshot copy",
                Some("2026-11-20T08:00:00Z".parse::<DateTime<Utc>>().unwrap())
            ))
        );
        assert_eq!(via("lonely", "db"), None);
    }
}
