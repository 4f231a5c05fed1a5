//! Pairing of the database, capacity, load-balancing, certificate, key and secret kinds: tag,
//! names (region tokens, role words), the lineage each service records, then generated names.

use super::{KindResult, Matching, PairingOptions, Strategy, unscoped};
use crate::snapshot::{Resource, Site};
use crate::vocab::ResourceKind;

/// Lineage keys of a resource (a primary's, a standby's).
type LineageKeys<'a, R> = &'a dyn Fn(&R) -> Vec<String>;

/// Tag, names, `lineage` (when given), then generated names.
fn matched<R: Resource>(
    kind: ResourceKind,
    primary: &[R],
    standby: &[R],
    opts: &PairingOptions,
    lineage: Option<(LineageKeys<'_, R>, LineageKeys<'_, R>)>,
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
        // A cross-region read replica names its source by ARN. Aurora cluster members pair
        // through their clusters (a secondary cluster's members have names of their own), so
        // they are neither paired nor missing here.
        matched(
            ResourceKind::DbInstance,
            &standalone(&p.rds.db_instances),
            &standalone(&s.rds.db_instances),
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
                &|c| {
                    c.global_cluster_arn
                        .iter()
                        .chain([&c.arn])
                        .cloned()
                        .collect()
                },
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
        // Groups that EKS managed node groups and Elastic Beanstalk environments make have
        // generated names (`eks-NODEGROUP-UUID`, `awseb-e-ID-stack-...`): their service's names,
        // rewritten, are their lineage.
        matched(
            ResourceKind::AutoScalingGroup,
            &p.autoscaling.groups,
            &s.autoscaling.groups,
            opts,
            Some((&|g| managed_group_keys(g, Some(&opts.rewriter)), &|g| {
                managed_group_keys(g, None)
            })),
        ),
        load_balancing(
            ResourceKind::LoadBalancer,
            &p.elbv2.load_balancers,
            &s.elbv2.load_balancers,
            opts,
        ),
        load_balancing(
            ResourceKind::TargetGroup,
            &p.elbv2.target_groups,
            &s.elbv2.target_groups,
            opts,
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

/// DB instances that are not members of a DB cluster.
fn standalone(instances: &[crate::snapshot::DbInstance]) -> Vec<crate::snapshot::DbInstance> {
    instances
        .iter()
        .filter(|db| db.db_cluster_identifier.is_none())
        .cloned()
        .collect()
}

fn mrk(key: &crate::snapshot::KmsKey) -> Vec<String> {
    if key.multi_region {
        vec![key.id.clone()]
    } else {
        Vec::new()
    }
}

/// Tags the AWS Load Balancer Controller of Kubernetes puts on what it makes: the ingress (or
/// ingress group) or service the load balancer serves, `NAMESPACE/NAME`.
const K8S_STACK_TAGS: [&str; 2] = ["ingress.k8s.aws/stack", "service.k8s.aws/stack"];

/// Load balancers and target groups: tag, names, CloudFormation stack and Terraform prefix, then
/// the Kubernetes ingress or service they serve (the controller's names end in a hash that
/// differs per cluster), then names CloudFormation generated, without their random suffix
/// (`MyStack-WebAlb-1A2B3C4D5E6F` pairs with `MyStack-WebAlb-9Z8Y7X6W5V4U` when the tags that
/// would pair them by stack could not be read or were never propagated).
fn load_balancing<R: Resource>(
    kind: ResourceKind,
    primary: &[R],
    standby: &[R],
    opts: &PairingOptions,
) -> KindResult {
    let mut m = Matching::new(kind, primary, standby);
    m.tag(&opts.pair_tag);
    m.names(&opts.rewriter, &unscoped, &unscoped);
    m.generated(&opts.rewriter, &unscoped, &unscoped);
    m.rewritten(
        Strategy::Stack,
        &opts.rewriter,
        &|r: &R| {
            K8S_STACK_TAGS.iter().find_map(|t| {
                let v = r.tag(t).filter(|v| !v.is_empty())?;
                Some((v.to_string(), (*t).to_string()))
            })
        },
        &unscoped,
        &unscoped,
    );
    m.rewritten(
        Strategy::Prefix,
        &opts.rewriter,
        &|r: &R| cloudformation_stem(r.name()).map(|s| (s.to_string(), String::new())),
        &unscoped,
        &unscoped,
    );
    m.finish()
}

/// A name CloudFormation generated, without its random suffix: `MyStack-WebAlb-1A2B3C4D5E6F` →
/// `MyStack-WebAlb`. The suffix is the last `-` part, 6 to 13 upper-case letters and digits with
/// at least one digit and one letter.
fn cloudformation_stem(name: &str) -> Option<&str> {
    let (stem, suffix) = name.rsplit_once('-')?;
    let ok = !stem.is_empty()
        && (6..=13).contains(&suffix.len())
        && suffix
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
        && suffix.bytes().any(|b| b.is_ascii_digit())
        && suffix.bytes().any(|b| b.is_ascii_uppercase());
    ok.then_some(stem)
}

/// An Auto Scaling group's service identity: `eks/CLUSTER/NODEGROUP` (tags `eks:cluster-name`,
/// `eks:nodegroup-name`) or `eb/ENVIRONMENT` (tag `elasticbeanstalk:environment-name`), the
/// primary's rewritten into the standby's names.
fn managed_group_keys(
    g: &crate::snapshot::AutoScalingGroup,
    rewrite: Option<&super::NameRewriter>,
) -> Vec<String> {
    let tag = |k: &str| g.tags.get(k).filter(|v| !v.is_empty());
    let name = |v: &str| rewrite.map_or_else(|| v.to_string(), |r| r.rewrite(v));
    let mut keys = Vec::new();
    if let (Some(cluster), Some(group)) = (tag("eks:cluster-name"), tag("eks:nodegroup-name")) {
        keys.push(format!("eks/{}/{}", name(cluster), name(group)));
    }
    if let Some(env) = tag("elasticbeanstalk:environment-name") {
        keys.push(format!("eb/{}", name(env)));
    }
    keys
}

#[cfg(test)]
mod load_balancing_tests {
    use super::*;
    use crate::snapshot::{LoadBalancer, Tags};

    fn lb(region: &str, name: &str, tags: &[(&str, &str)]) -> LoadBalancer {
        LoadBalancer {
            arn: format!("arn:aws:elasticloadbalancing:{region}:1:loadbalancer/app/{name}/x"),
            id: name.into(),
            name: name.into(),
            tags: tags
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect::<Tags>(),
            region: region.into(),
            account: "1".into(),
            lb_type: "application".into(),
            scheme: "internet-facing".into(),
            state: "active".into(),
            dns_name: format!("{name}-1.{region}.elb.amazonaws.com"),
            canonical_hosted_zone_id: None,
            vpc_id: None,
            availability_zones: Vec::new(),
            subnet_ids: Vec::new(),
            security_group_ids: Vec::new(),
            listeners: Vec::new(),
        }
    }

    #[test]
    fn cloudformation_stems() {
        assert_eq!(
            cloudformation_stem("MyStack-Alb-1ABCDEF"),
            Some("MyStack-Alb")
        );
        assert_eq!(
            cloudformation_stem("app02stack-WebAlb-1A2B3C4D5E6F7"),
            Some("app02stack-WebAlb")
        );
        assert_eq!(cloudformation_stem("web-ALB"), None);
        assert_eq!(cloudformation_stem("web-use1"), None);
        assert_eq!(cloudformation_stem("prod-web-ABCDEFGH"), None);
        assert_eq!(cloudformation_stem("-1ABCDEF"), None);
    }

    #[test]
    fn generated_and_kubernetes_names_pair() {
        let opts = PairingOptions {
            pair_tag: "dr:pair".into(),
            rewriter: super::super::NameRewriter::new("us-east-1", "us-west-2", &[]),
        };
        let p = vec![
            lb("us-east-1", "MyStack-Alb-1ABCDEF", &[]),
            lb(
                "us-east-1",
                "k8s-shop-web-0a1b2c3d4e",
                &[("ingress.k8s.aws/stack", "shop/web")],
            ),
            lb("us-east-1", "lonely-use1", &[]),
        ];
        let s = vec![
            lb(
                "us-west-2",
                "k8s-shop-web-9f8e7d6c5b",
                &[("ingress.k8s.aws/stack", "shop/web")],
            ),
            lb("us-west-2", "MyStack-Alb-9ZYXWVU", &[]),
        ];
        let r = load_balancing(ResourceKind::LoadBalancer, &p, &s, &opts);
        let got: Vec<(&str, &str, Strategy)> = r
            .pairs
            .iter()
            .map(|x| (x.primary_id.as_str(), x.standby_id.as_str(), x.strategy))
            .collect();
        assert_eq!(
            got,
            vec![
                (
                    "MyStack-Alb-1ABCDEF",
                    "MyStack-Alb-9ZYXWVU",
                    Strategy::Prefix
                ),
                (
                    "k8s-shop-web-0a1b2c3d4e",
                    "k8s-shop-web-9f8e7d6c5b",
                    Strategy::Stack
                ),
            ]
        );
        assert_eq!(r.missing.len(), 1);
        assert_eq!(r.missing[0].id, "lonely-use1");
    }
}

#[cfg(test)]
mod capacity_tests {
    use super::*;
    use crate::snapshot::{AutoScalingGroup, Site, Tags};

    fn group(region: &str, name: &str, tags: &[(&str, &str)]) -> AutoScalingGroup {
        AutoScalingGroup {
            arn: format!(
                "arn:aws:autoscaling:{region}:1:autoScalingGroup:x:autoScalingGroupName/{name}"
            ),
            id: name.into(),
            name: name.into(),
            tags: tags
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect::<Tags>(),
            region: region.into(),
            account: "1".into(),
            launch_template: None,
            launch_configuration_name: None,
            instance_type_overrides: Vec::new(),
            on_demand_base_capacity: None,
            on_demand_percentage_above_base: None,
            min_size: 0,
            max_size: 2,
            desired_capacity: 1,
            availability_zones: Vec::new(),
            subnet_ids: Vec::new(),
            target_group_arns: Vec::new(),
            load_balancer_names: Vec::new(),
            suspended_processes: Vec::new(),
            health_check_type: None,
            status: None,
            instance_ids: Vec::new(),
        }
    }

    #[test]
    fn eks_and_beanstalk_groups_pair_by_their_service_names() {
        let opts = PairingOptions {
            pair_tag: "dr:pair".into(),
            rewriter: super::super::NameRewriter::new("us-east-1", "us-west-2", &[]),
        };
        let mut p = Site::default();
        let mut s = Site::default();
        p.autoscaling.groups = vec![
            group(
                "us-east-1",
                "eks-ng-web-1a2b3c4d-0000",
                &[
                    ("eks:cluster-name", "prod-use1"),
                    ("eks:nodegroup-name", "ng-web"),
                ],
            ),
            group(
                "us-east-1",
                "awseb-e-abc123-stack-AWSEBAutoScalingGroup-1XYZ",
                &[("elasticbeanstalk:environment-name", "shop-us-east-1")],
            ),
            group(
                "us-east-1",
                "eks-ng-api-5e6f-0000",
                &[("eks:cluster-name", "x")],
            ),
        ];
        s.autoscaling.groups = vec![
            group(
                "us-west-2",
                "awseb-e-def456-stack-AWSEBAutoScalingGroup-9QRS",
                &[("elasticbeanstalk:environment-name", "shop-us-west-2")],
            ),
            group(
                "us-west-2",
                "eks-ng-web-9f8e7d6c-1111",
                &[
                    ("eks:cluster-name", "prod-usw2"),
                    ("eks:nodegroup-name", "ng-web"),
                ],
            ),
        ];
        let results = pair(&p, &s, &opts);
        let groups = results
            .iter()
            .find(|r| {
                r.pairs
                    .iter()
                    .any(|x| x.kind == ResourceKind::AutoScalingGroup)
                    || r.missing
                        .iter()
                        .any(|x| x.kind == ResourceKind::AutoScalingGroup)
            })
            .expect("the Auto Scaling result");
        let got: Vec<(&str, &str)> = groups
            .pairs
            .iter()
            .map(|x| (x.primary_id.as_str(), x.standby_id.as_str()))
            .collect();
        assert_eq!(
            got,
            vec![
                ("eks-ng-web-1a2b3c4d-0000", "eks-ng-web-9f8e7d6c-1111"),
                (
                    "awseb-e-abc123-stack-AWSEBAutoScalingGroup-1XYZ",
                    "awseb-e-def456-stack-AWSEBAutoScalingGroup-9QRS"
                ),
            ]
        );
        assert_eq!(groups.missing.len(), 1);
        assert_eq!(groups.missing[0].id, "eks-ng-api-5e6f-0000");
    }
}
