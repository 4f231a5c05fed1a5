//! Pairing of the database, capacity, load-balancing, certificate, key and secret kinds: tag,
//! names (region tokens, role words), the lineage each service records, then generated names.

use super::{KindResult, Matching, PairingOptions, unscoped};
use crate::snapshot::{Resource, Site};
use crate::vocab::ResourceKind;

/// Tag, names, `lineage` (when given), then generated names.
fn matched<R: Resource>(
    kind: ResourceKind,
    primary: &[R],
    standby: &[R],
    opts: &PairingOptions,
    lineage: Option<(&dyn Fn(&R) -> Vec<String>, &dyn Fn(&R) -> Vec<String>)>,
) -> KindResult {
    let mut m = Matching::new(kind, primary, standby);
    m.tag(&opts.pair_tag);
    if let Some((p, s)) = lineage {
        // Lineage first after the tag: a replica that names its source is that source's twin
        // whatever its name.
        m.lineage(p, s);
    }
    m.names(&opts.rewriter, &unscoped, &unscoped);
    m.generated(&opts.rewriter, &unscoped, &unscoped);
    m.finish()
}

/// Every pairable kind of these services, in kind order.
pub(super) fn pair(primary: &Site, standby: &Site, opts: &PairingOptions) -> Vec<KindResult> {
    let (p, s) = (primary, standby);
    vec![
        // A cross-region read replica names its source by ARN.
        matched(
            ResourceKind::DbInstance,
            &p.rds.db_instances,
            &s.rds.db_instances,
            opts,
            Some((&|db| vec![db.arn.clone()], &|db| {
                db.read_replica_source.iter().cloned().collect()
            })),
        ),
        // Members of one global database, or a replica cluster naming its source.
        matched(
            ResourceKind::DbCluster,
            &p.rds.db_clusters,
            &s.rds.db_clusters,
            opts,
            Some((
                &|c| c.global_cluster_arn.iter().chain([&c.arn]).cloned().collect(),
                &|c| {
                    c.global_cluster_arn
                        .iter()
                        .chain(&c.replication_source)
                        .cloned()
                        .collect()
                },
            )),
        ),
        // A copied snapshot names its source when AWS records it.
        matched(
            ResourceKind::DbSnapshot,
            &p.rds.db_snapshots,
            &s.rds.db_snapshots,
            opts,
            Some((&|x| vec![x.arn.clone()], &|x| {
                x.source_snapshot_arn.iter().cloned().collect()
            })),
        ),
        // Global table replicas share the table name.
        matched(
            ResourceKind::Table,
            &p.dynamodb.tables,
            &s.dynamodb.tables,
            opts,
            None,
        ),
        matched(
            ResourceKind::AutoScalingGroup,
            &p.autoscaling.groups,
            &s.autoscaling.groups,
            opts,
            None,
        ),
        matched(
            ResourceKind::LoadBalancer,
            &p.elbv2.load_balancers,
            &s.elbv2.load_balancers,
            opts,
            None,
        ),
        matched(
            ResourceKind::TargetGroup,
            &p.elbv2.target_groups,
            &s.elbv2.target_groups,
            opts,
            None,
        ),
        matched(
            ResourceKind::Certificate,
            &p.acm.certificates,
            &s.acm.certificates,
            opts,
            None,
        ),
        // A multi-Region replica key has the primary key's id (`mrk-...`).
        matched(
            ResourceKind::KmsKey,
            &p.kms.keys,
            &s.kms.keys,
            opts,
            Some((&|k| mrk(k), &|k| mrk(k))),
        ),
        // A replica secret has its primary's name.
        matched(
            ResourceKind::Secret,
            &p.secretsmanager.secrets,
            &s.secretsmanager.secrets,
            opts,
            None,
        ),
    ]
}

fn mrk(key: &crate::snapshot::KmsKey) -> Vec<String> {
    if key.multi_region {
        vec![key.id.clone()]
    } else {
        Vec::new()
    }
}
