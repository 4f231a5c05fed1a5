//! Recovery-point evidence per workload: how old the standby's copies are, next to the RPO.
//!
//! A workload is the set of primary resources sharing the app tag (default `app`). For each, the
//! observed recovery point is the age (against the snapshot's collection time) of the data the
//! standby could restore: the newest AMI copy of an image the workload runs, the newest EBS
//! snapshot copy of one of its volumes (aged by the source snapshot's start time), and whether its
//! buckets replicate with Replication Time Control. Missing data stays `None` — never a guess.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::config::Config;
use crate::parity::{Parity, bucket_name};
use crate::snapshot::{Resource, Snapshot};

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
    /// Buckets of the workload, and how many replicate to the standby with RTC.
    pub buckets: usize,
    pub buckets_replicated_with_rtc: usize,
    pub rpo_seconds: u64,
    /// `Some(true)` when every volume has a standby copy no older than the RPO and every image
    /// in use has a standby copy; `None` when the workload has neither volumes nor owned images.
    pub within_rpo: Option<bool>,
}

fn age(now: DateTime<Utc>, t: Option<DateTime<Utc>>) -> Option<i64> {
    t.map(|t| (now - t).num_seconds())
}

/// Computes the evidence for every workload of the (scoped) snapshot.
pub fn recovery_points(
    snapshot: &Snapshot,
    parity: &Parity,
    config: &Config,
) -> Vec<RecoveryPoint> {
    let app_tag = config.pairing.app_tag.as_str();
    let now = snapshot.collected_at;
    let p = &snapshot.primary;
    let s = &snapshot.standby;
    let standby_of: HashMap<&str, &str> = parity
        .pairs
        .iter()
        .map(|x| (x.primary.as_str(), x.standby.as_str()))
        .collect();

    #[derive(Default)]
    struct W<'a> {
        tier: Option<&'a str>,
        images: HashSet<&'a str>,
        volumes: HashSet<&'a str>,
        buckets: Vec<&'a crate::snapshot::Bucket>,
    }
    let mut workloads: BTreeMap<&str, W> = BTreeMap::new();
    let lt_image: HashMap<&str, &str> = p
        .ec2
        .launch_templates
        .iter()
        .filter_map(|lt| {
            Some((
                lt.id.as_str(),
                lt.latest_version.as_ref()?.image_id.as_deref()?,
            ))
        })
        .collect();
    for i in p.ec2.instances.iter().filter(|i| i.state != "terminated") {
        let Some(app) = i.tag(app_tag) else { continue };
        let w = workloads.entry(app).or_default();
        // As rule DR-EC2-006: warm-standby if any instance says so, else the first tier given.
        match i.tag(&config.pairing.tier_tag) {
            Some(t) if t == "warm-standby" => w.tier = Some(t),
            Some(t) if w.tier.is_none() => w.tier = Some(t),
            _ => {}
        }
        w.images.extend(i.image_id.as_deref());
        if let Some(lt) = i.launch_template_id.as_deref() {
            w.images.extend(lt_image.get(lt).copied());
        }
    }
    for lt in &p.ec2.launch_templates {
        if let (Some(app), Some(img)) = (lt.tag(app_tag), lt_image.get(lt.id.as_str())) {
            workloads.entry(app).or_default().images.insert(img);
        }
    }
    let instance_app: HashMap<&str, &str> = p
        .ec2
        .instances
        .iter()
        .filter_map(|i| Some((i.id.as_str(), i.tag(app_tag)?)))
        .collect();
    for v in &p.ec2.volumes {
        let app = v.tag(app_tag).or_else(|| {
            v.attached_instance_ids
                .iter()
                .find_map(|id| instance_app.get(id.as_str()).copied())
        });
        if let Some(app) = app {
            workloads
                .entry(app)
                .or_default()
                .volumes
                .insert(v.id.as_str());
        }
    }
    for b in &p.s3.buckets {
        if let Some(app) = b.tag(app_tag) {
            workloads.entry(app).or_default().buckets.push(b);
        }
    }

    let images_by_id: HashMap<&str, &crate::snapshot::Image> =
        p.ec2.images.iter().map(|i| (i.id.as_str(), i)).collect();
    let standby_images: HashMap<&str, &crate::snapshot::Image> =
        s.ec2.images.iter().map(|i| (i.arn.as_str(), i)).collect();
    let mut snaps_of_volume: HashMap<&str, Vec<&crate::snapshot::EbsSnapshot>> = HashMap::new();
    for sn in &p.ec2.snapshots {
        if let Some(v) = sn.volume_id.as_deref() {
            snaps_of_volume.entry(v).or_default().push(sn);
        }
    }
    let standby_buckets: HashSet<&str> = s.s3.buckets.iter().map(|b| b.name.as_str()).collect();

    workloads
        .into_iter()
        .map(|(name, w)| {
            // Images: the workload's owned images, and the newest standby copy among them.
            let owned: Vec<_> = w
                .images
                .iter()
                .filter_map(|id| images_by_id.get(id).copied())
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
            // Snapshots: per volume, the newest primary snapshot that has a standby copy.
            // Volumes never snapshotted (e.g. root volumes rebuilt from the AMI) are not tracked.
            let tracked: Vec<&&str> = w
                .volumes
                .iter()
                .filter(|v| snaps_of_volume.contains_key(**v))
                .collect();
            let mut copied = 0;
            let mut newest: Option<i64> = None;
            for v in &tracked {
                let best = snaps_of_volume
                    .get(**v)
                    .into_iter()
                    .flatten()
                    .filter(|sn| standby_of.contains_key(sn.arn.as_str()))
                    .filter_map(|sn| sn.start_time)
                    .max();
                if let Some(t) = best {
                    copied += 1;
                    let a = (now - t).num_seconds();
                    newest = Some(newest.map_or(a, |n: i64| n.max(a)));
                }
            }
            let rpo = config.objectives.rpo_seconds;
            let snapshots = CopyEvidence {
                primary: tracked.len(),
                copied,
                newest_copy_age_seconds: newest,
            };
            let rtc = w
                .buckets
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
            let within_rpo = if tracked.is_empty() && owned.is_empty() {
                None
            } else {
                Some(
                    snapshots.copied == snapshots.primary
                        && images.copied == images.primary
                        && snapshots
                            .newest_copy_age_seconds
                            .is_none_or(|a| a <= rpo as i64),
                )
            };
            RecoveryPoint {
                workload: name.to_string(),
                tier: w
                    .tier
                    .unwrap_or(config.objectives.default_tier.as_str())
                    .to_string(),
                images,
                snapshots,
                buckets: w.buckets.len(),
                buckets_replicated_with_rtc: rtc,
                rpo_seconds: rpo,
                within_rpo,
            }
        })
        .collect()
}
