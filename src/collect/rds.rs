//! RDS and Aurora of one site: DB instances, DB clusters, the Aurora global databases with a
//! member in the site's region, and the DB and DB cluster snapshots the account owns.
//!
//! Six listings, all concurrent, each at the API's largest page (`MaxRecords` 100); tags come
//! inline (`TagList`), so there is no per-resource call. DescribeDBSnapshots answers automated
//! and manual snapshots by default and AWS Backup's (`awsbackup`) only when asked, so it is
//! listed twice; DescribeDBClusterSnapshots has no `awsbackup` type (AWS Backup's Aurora
//! recovery points are listed with the others). A failed listing is one collection error for
//! the service: the rules that read RDS are then unknown for the site, never judged on half a
//! listing.

use std::collections::{BTreeMap, BTreeSet};

use aws_sdk_rds::types as sdk;
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;

use super::client::{SiteCtx, for_each_page};
use super::{Outcome, error, smithy_time};
use crate::snapshot::{
    CollectionError, DbCluster, DbInstance, DbSnapshot, GlobalCluster, GlobalClusterMember,
    RdsInventory, Tags,
};
use crate::vocab::Service;

/// Largest page every RDS Describe call accepts.
const PAGE: i32 = 100;

fn failed<E>(result: Result<(), SdkError<E, HttpResponse>>, api: &str) -> Vec<CollectionError>
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
{
    match result {
        Ok(()) => Vec::new(),
        Err(e) => vec![error::from_sdk(Service::Rds, api, &e, None)],
    }
}

fn tags(list: &[sdk::Tag]) -> Tags {
    list.iter()
        .filter_map(|t| {
            Some((
                t.key()?.to_string(),
                t.value().unwrap_or_default().to_string(),
            ))
        })
        .collect()
}

fn owned(s: Option<&str>) -> Option<String> {
    s.map(str::to_string)
}

/// Reads the RDS inventory of a site.
pub(super) async fn collect(ctx: &SiteCtx) -> Outcome<RdsInventory> {
    let client = ctx.rds();
    let c = &client;
    let (instances, clusters, globals, snapshots, backup_snapshots, cluster_snapshots) = futures::join!(
        db_instances(ctx, c),
        db_clusters(ctx, c),
        global_clusters(ctx, c),
        db_snapshots(ctx, c, None),
        db_snapshots(ctx, c, Some("awsbackup")),
        db_cluster_snapshots(ctx, c),
    );
    let mut errors = Vec::new();
    fn take<T>(errors: &mut Vec<CollectionError>, (items, errs): Outcome<Vec<T>>) -> Vec<T> {
        errors.extend(errs);
        items
    }
    let db_instances = take(&mut errors, instances);
    let mut db_clusters = take(&mut errors, clusters);
    let global_clusters = take(&mut errors, globals);
    let mut db_snapshots = take(&mut errors, snapshots);
    db_snapshots.extend(take(&mut errors, backup_snapshots));
    db_snapshots.extend(take(&mut errors, cluster_snapshots));
    let mut seen = BTreeSet::new();
    db_snapshots.retain(|s| seen.insert(s.arn.clone()));

    link_clusters(ctx, &mut db_clusters, &db_instances, &global_clusters);
    let region = ctx.region.as_str();
    let global_clusters = global_clusters
        .into_iter()
        .filter(|g| {
            g.members
                .iter()
                .any(|m| arn_region(&m.db_cluster_arn) == Some(region))
        })
        .collect();
    (
        RdsInventory {
            db_instances,
            db_clusters,
            global_clusters,
            db_snapshots,
        },
        errors,
    )
}

/// The region field of an ARN (`arn:PARTITION:SERVICE:REGION:...`).
fn arn_region(arn: &str) -> Option<&str> {
    arn.split(':').nth(3)
}

/// Fills what a cluster's own description lacks: the global database it belongs to (from the
/// global databases' member lists, else from `GlobalClusterIdentifier`) and its instance class
/// (`DBClusterInstanceClass`, else the writer's, else the largest member's).
fn link_clusters(
    ctx: &SiteCtx,
    clusters: &mut [DbCluster],
    instances: &[DbInstance],
    globals: &[GlobalCluster],
) {
    let global_of: BTreeMap<&str, &str> = globals
        .iter()
        .flat_map(|g| {
            g.members
                .iter()
                .map(move |m| (m.db_cluster_arn.as_str(), g.arn.as_str()))
        })
        .collect();
    let class_of: BTreeMap<&str, &str> = instances
        .iter()
        .filter_map(|i| Some((i.id.as_str(), i.instance_class.as_deref()?)))
        .collect();
    for cluster in clusters.iter_mut() {
        if let Some(g) = global_of.get(cluster.arn.as_str()) {
            cluster.global_cluster_arn = Some(g.to_string());
        } else if let Some(id) = cluster.global_cluster_arn.take() {
            // The collector parks `GlobalClusterIdentifier` here until the global databases
            // are known.
            cluster.global_cluster_arn = Some(if id.starts_with("arn:") {
                id
            } else {
                format!(
                    "arn:{}:rds::{}:global-cluster:{id}",
                    ctx.partition, ctx.account
                )
            });
        }
        if cluster.instance_class.is_none() {
            // The writer's class; without a writer (a global secondary) the largest member's,
            // the one Aurora would promote first at equal promotion tier.
            let largest = || {
                cluster
                    .members
                    .iter()
                    .filter_map(|m| class_of.get(m.as_str()).copied())
                    .max_by_key(|c| (class_rank(c), *c))
            };
            cluster.instance_class = cluster
                .writer
                .as_deref()
                .and_then(|w| class_of.get(w).copied())
                .or_else(largest)
                .map(str::to_string);
        }
    }
}

/// The size rank of a DB instance class (`db.r6g.2xlarge` → 7): nano 0 … large 4, xlarge 5,
/// `Nxlarge` 5 + N, metal last; 0 for anything else.
fn class_rank(class: &str) -> u32 {
    let size = class.rsplit('.').next().unwrap_or_default();
    match size {
        "nano" => 0,
        "micro" => 1,
        "small" => 2,
        "medium" => 3,
        "large" => 4,
        "xlarge" => 5,
        s if s.starts_with("metal") => 1000,
        s => s
            .strip_suffix("xlarge")
            .and_then(|n| n.parse::<u32>().ok())
            .map_or(0, |n| 5 + n),
    }
}

async fn db_instances(ctx: &SiteCtx, c: &aws_sdk_rds::Client) -> Outcome<Vec<DbInstance>> {
    let mut out = Vec::new();
    let paginator = c.describe_db_instances().max_records(PAGE).into_paginator();
    let result = for_each_page!(ctx, paginator, |page| {
        out.extend(
            page.db_instances()
                .iter()
                .filter_map(|i| db_instance(ctx, i)),
        );
    });
    (out, failed(result, "DescribeDBInstances"))
}

fn db_instance(ctx: &SiteCtx, i: &sdk::DbInstance) -> Option<DbInstance> {
    let id = i.db_instance_identifier()?.to_string();
    let arn = i
        .db_instance_arn()
        .map(str::to_string)
        .unwrap_or_else(|| ctx.arn("rds", true, &format!("db:{id}")));
    Some(DbInstance {
        arn,
        name: id.clone(),
        tags: tags(i.tag_list()),
        region: ctx.region.clone(),
        account: ctx.account.clone(),
        engine: i.engine().unwrap_or_default().to_string(),
        engine_version: owned(i.engine_version()),
        instance_class: owned(i.db_instance_class()),
        status: i.db_instance_status().unwrap_or_default().to_string(),
        multi_az: i.multi_az().unwrap_or_default(),
        storage_encrypted: i.storage_encrypted().unwrap_or_default(),
        kms_key_id: owned(i.kms_key_id()),
        db_cluster_identifier: owned(i.db_cluster_identifier()),
        read_replica_source: owned(i.read_replica_source_db_instance_identifier()),
        read_replicas: i.read_replica_db_instance_identifiers().to_vec(),
        automated_backup_replications: i
            .db_instance_automated_backups_replications()
            .iter()
            .filter_map(|r| owned(r.db_instance_automated_backups_arn()))
            .collect(),
        backup_retention_period: i.backup_retention_period().map(i64::from),
        db_subnet_group: owned(i.db_subnet_group().and_then(|g| g.db_subnet_group_name())),
        vpc_id: owned(i.db_subnet_group().and_then(|g| g.vpc_id())),
        security_group_ids: i
            .vpc_security_groups()
            .iter()
            .filter_map(|g| owned(g.vpc_security_group_id()))
            .collect(),
        availability_zone: owned(i.availability_zone()),
        deletion_protection: i.deletion_protection().unwrap_or_default(),
        create_time: i.instance_create_time().and_then(smithy_time),
        id,
    })
}

async fn db_clusters(ctx: &SiteCtx, c: &aws_sdk_rds::Client) -> Outcome<Vec<DbCluster>> {
    let mut out = Vec::new();
    let paginator = c.describe_db_clusters().max_records(PAGE).into_paginator();
    let result = for_each_page!(ctx, paginator, |page| {
        out.extend(page.db_clusters().iter().filter_map(|x| db_cluster(ctx, x)));
    });
    (out, failed(result, "DescribeDBClusters"))
}

fn db_cluster(ctx: &SiteCtx, x: &sdk::DbCluster) -> Option<DbCluster> {
    let id = x.db_cluster_identifier()?.to_string();
    let arn = x
        .db_cluster_arn()
        .map(str::to_string)
        .unwrap_or_else(|| ctx.arn("rds", true, &format!("cluster:{id}")));
    let members = x.db_cluster_members();
    Some(DbCluster {
        arn,
        name: id.clone(),
        tags: tags(x.tag_list()),
        region: ctx.region.clone(),
        account: ctx.account.clone(),
        engine: x.engine().unwrap_or_default().to_string(),
        engine_version: owned(x.engine_version()),
        engine_mode: owned(x.engine_mode()),
        status: x.status().unwrap_or_default().to_string(),
        members: members
            .iter()
            .filter_map(|m| owned(m.db_instance_identifier()))
            .collect(),
        writer: members
            .iter()
            .find(|m| m.is_cluster_writer().unwrap_or_default())
            .and_then(|m| owned(m.db_instance_identifier())),
        // The identifier for now; `link_clusters` turns it into the global database's ARN.
        global_cluster_arn: owned(x.global_cluster_identifier()).filter(|g| !g.is_empty()),
        replication_source: owned(x.replication_source_identifier()),
        storage_encrypted: x.storage_encrypted().unwrap_or_default(),
        kms_key_id: owned(x.kms_key_id()),
        backup_retention_period: x.backup_retention_period().map(i64::from),
        db_subnet_group: owned(x.db_subnet_group()),
        deletion_protection: x.deletion_protection().unwrap_or_default(),
        instance_class: owned(x.db_cluster_instance_class()),
        id,
    })
}

async fn global_clusters(ctx: &SiteCtx, c: &aws_sdk_rds::Client) -> Outcome<Vec<GlobalCluster>> {
    let mut out = Vec::new();
    let paginator = c
        .describe_global_clusters()
        .max_records(PAGE)
        .into_paginator();
    let result = for_each_page!(ctx, paginator, |page| {
        out.extend(
            page.global_clusters()
                .iter()
                .filter_map(|g| global_cluster(ctx, g)),
        );
    });
    (out, failed(result, "DescribeGlobalClusters"))
}

fn global_cluster(ctx: &SiteCtx, g: &sdk::GlobalCluster) -> Option<GlobalCluster> {
    let id = g.global_cluster_identifier()?.to_string();
    let arn = g
        .global_cluster_arn()
        .map(str::to_string)
        .unwrap_or_else(|| {
            format!(
                "arn:{}:rds::{}:global-cluster:{id}",
                ctx.partition, ctx.account
            )
        });
    Some(GlobalCluster {
        arn,
        name: id.clone(),
        tags: tags(g.tag_list()),
        region: "global".to_string(),
        account: ctx.account.clone(),
        engine: g.engine().unwrap_or_default().to_string(),
        engine_version: owned(g.engine_version()),
        status: g.status().unwrap_or_default().to_string(),
        storage_encrypted: g.storage_encrypted().unwrap_or_default(),
        members: g
            .global_cluster_members()
            .iter()
            .filter_map(|m| {
                Some(GlobalClusterMember {
                    db_cluster_arn: m.db_cluster_arn()?.to_string(),
                    is_writer: m.is_writer().unwrap_or_default(),
                    write_forwarding: m
                        .global_write_forwarding_status()
                        .map(|s| s.as_str().to_string()),
                    readers: m.readers().to_vec(),
                })
            })
            .collect(),
        id,
    })
}

async fn db_snapshots(
    ctx: &SiteCtx,
    c: &aws_sdk_rds::Client,
    snapshot_type: Option<&str>,
) -> Outcome<Vec<DbSnapshot>> {
    let mut out = Vec::new();
    let paginator = c
        .describe_db_snapshots()
        .set_snapshot_type(owned(snapshot_type))
        .max_records(PAGE)
        .into_paginator();
    let result = for_each_page!(ctx, paginator, |page| {
        out.extend(
            page.db_snapshots()
                .iter()
                .filter_map(|s| db_snapshot(ctx, s)),
        );
    });
    (out, failed(result, "DescribeDBSnapshots"))
}

fn db_snapshot(ctx: &SiteCtx, s: &sdk::DbSnapshot) -> Option<DbSnapshot> {
    let id = s.db_snapshot_identifier()?.to_string();
    let arn = s
        .db_snapshot_arn()
        .map(str::to_string)
        .unwrap_or_else(|| ctx.arn("rds", true, &format!("snapshot:{id}")));
    // A copy names its source by ARN; a snapshot restored from nothing else has no source.
    let source = s
        .source_db_snapshot_identifier()
        .filter(|x| x.starts_with("arn:"));
    Some(DbSnapshot {
        arn,
        name: id.clone(),
        tags: tags(s.tag_list()),
        region: ctx.region.clone(),
        account: ctx.account.clone(),
        cluster: false,
        source_identifier: owned(s.db_instance_identifier()),
        snapshot_type: owned(s.snapshot_type()),
        status: s.status().unwrap_or_default().to_string(),
        create_time: s.snapshot_create_time().and_then(smithy_time),
        original_create_time: s.original_snapshot_create_time().and_then(smithy_time),
        engine: s.engine().unwrap_or_default().to_string(),
        engine_version: owned(s.engine_version()),
        encrypted: s.encrypted().unwrap_or_default(),
        kms_key_id: owned(s.kms_key_id()),
        source_region: owned(s.source_region())
            .or_else(|| source.and_then(arn_region).map(str::to_string)),
        source_snapshot_arn: owned(source),
        id,
    })
}

async fn db_cluster_snapshots(ctx: &SiteCtx, c: &aws_sdk_rds::Client) -> Outcome<Vec<DbSnapshot>> {
    let mut out = Vec::new();
    let paginator = c
        .describe_db_cluster_snapshots()
        .max_records(PAGE)
        .into_paginator();
    let result = for_each_page!(ctx, paginator, |page| {
        out.extend(
            page.db_cluster_snapshots()
                .iter()
                .filter_map(|s| db_cluster_snapshot(ctx, s)),
        );
    });
    (out, failed(result, "DescribeDBClusterSnapshots"))
}

fn db_cluster_snapshot(ctx: &SiteCtx, s: &sdk::DbClusterSnapshot) -> Option<DbSnapshot> {
    let id = s.db_cluster_snapshot_identifier()?.to_string();
    let arn = s
        .db_cluster_snapshot_arn()
        .map(str::to_string)
        .unwrap_or_else(|| ctx.arn("rds", true, &format!("cluster-snapshot:{id}")));
    let source = s
        .source_db_cluster_snapshot_arn()
        .filter(|x| x.starts_with("arn:"));
    Some(DbSnapshot {
        arn,
        name: id.clone(),
        tags: tags(s.tag_list()),
        region: ctx.region.clone(),
        account: ctx.account.clone(),
        cluster: true,
        source_identifier: owned(s.db_cluster_identifier()),
        snapshot_type: owned(s.snapshot_type()),
        status: s.status().unwrap_or_default().to_string(),
        create_time: s.snapshot_create_time().and_then(smithy_time),
        original_create_time: None,
        engine: s.engine().unwrap_or_default().to_string(),
        engine_version: owned(s.engine_version()),
        encrypted: s.storage_encrypted().unwrap_or_default(),
        kms_key_id: owned(s.kms_key_id()),
        source_region: source.and_then(arn_region).map(str::to_string),
        source_snapshot_arn: owned(source),
        id,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arn_region_is_the_fourth_field() {
        assert_eq!(
            arn_region("arn:aws:rds:us-west-2:111111111111:db:orders"),
            Some("us-west-2")
        );
        assert_eq!(
            arn_region("arn:aws:rds::111111111111:global-cluster:g"),
            Some("")
        );
        assert_eq!(arn_region("orders"), None);
    }

    #[test]
    fn class_ranks_follow_sizes() {
        let ranks: Vec<u32> = [
            "db.t4g.micro",
            "db.r6g.large",
            "db.r6g.xlarge",
            "db.r6g.2xlarge",
            "db.r6g.16xlarge",
            "db.r6g.metal",
        ]
        .iter()
        .map(|c| class_rank(c))
        .collect();
        assert!(ranks.windows(2).all(|w| w[0] < w[1]), "{ranks:?}");
        assert_eq!(class_rank("db.serverless"), 0);
    }
}
