//! `drready doctor`: can a scan read everything? For each site: do the credentials resolve and
//! is the identity readable, does the region answer, can the site's role be assumed, and is every
//! action of [`API_ACTIONS`] allowed — checked with one cheap read-only call per action (a page of
//! at most a few items), through the same SDK configuration, concurrency limit and error
//! classification as a scan.
//!
//! The probe table ([`probes`]) has one entry per action; a unit test fails when an action of
//! [`API_ACTIONS`] has no probe, or two. Calls that need a resource (a bucket's replication, a
//! zone's records) use one found by an earlier probe; without one the action is *not checked*,
//! which a scan would not need either.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use futures::future::BoxFuture;
use tokio::sync::Semaphore;

use super::API_ACTIONS;
use super::client::{self, CallCounts, SiteCtx};
use super::error;
use crate::config::{Config, SiteConfig};
use crate::vocab::{Service, SiteRole};

/// Error codes that prove a call was allowed: AWS answered that the thing asked for is absent.
const ALLOWED_BUT_ABSENT: [&str; 4] = [
    "ReplicationConfigurationNotFoundError",
    "ServerSideEncryptionConfigurationNotFoundError",
    "NoSuchTagSet",
    // Service Quotas: the quota is not set in this region (AWS checks permissions first).
    "NoSuchResourceException",
];

/// A failed call: the error code (AWS's, or a transport class such as `ConnectionRefused`) and
/// the sanitized message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub code: String,
    pub message: String,
}

impl Failure {
    /// A missing IAM permission.
    pub fn is_denied(&self) -> bool {
        error::is_access_denied(&self.code)
    }

    /// Nothing answered (refused, timed out, name not resolved): the region or endpoint.
    pub fn is_unreachable(&self) -> bool {
        let m = self.message.to_ascii_lowercase();
        matches!(
            self.code.as_str(),
            "ConnectionRefused" | "Timeout" | "DispatchFailure"
        ) || m.contains("dns error")
    }
}

/// The outcome of one probe.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The call was allowed; `on` names the resource it read, if any.
    Allowed { on: Option<String> },
    /// The call failed; `on` names the resource it was for, if any.
    Failed {
        on: Option<String>,
        failure: Failure,
    },
    /// Not called, and why (no bucket to ask about, service out of scope, ...).
    NotChecked(String),
}

/// One action's line of the checklist.
#[derive(Debug, Clone)]
pub struct ActionCheck {
    /// IAM action, e.g. `s3:GetReplicationConfiguration`.
    pub action: &'static str,
    /// The API operation called for it, e.g. `GetBucketReplication`.
    pub api: &'static str,
    pub outcome: Outcome,
}

/// Everything `doctor` learned about one site.
#[derive(Debug, Clone)]
pub struct SiteDiagnosis {
    pub role: SiteRole,
    pub region: Option<String>,
    /// The identity of the site's own credentials (before any role): its ARN.
    pub credentials: Result<String, Failure>,
    /// With a `role_arn`: the assumed identity's ARN, or why the role could not be assumed.
    pub assumed: Option<Result<String, Failure>>,
    /// The account the site is read in, when its identity could be read.
    pub account: Option<String>,
    /// One entry per action of [`API_ACTIONS`], in that order (empty when the site could not be
    /// read at all).
    pub actions: Vec<ActionCheck>,
}

impl SiteDiagnosis {
    /// Whether a scan could read this site completely.
    pub fn passed(&self) -> bool {
        self.credentials.is_ok()
            && !matches!(self.assumed, Some(Err(_)))
            && self.account.is_some()
            && self
                .actions
                .iter()
                .all(|a| !matches!(a.outcome, Outcome::Failed { .. }))
    }
}

/// Something a probe finds for the probes after it: a resource to ask about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Fact {
    /// The account's bucket listing.
    Buckets,
    /// A bucket located in the site's region.
    BucketHere,
    Zone,
    Certificate,
    Table,
    LoadBalancer,
    Listener,
    Key,
    Secret,
}

impl Fact {
    /// The action whose probe finds it, and what is missing when it finds none.
    fn source(self) -> (&'static str, &'static str) {
        match self {
            Fact::Buckets => ("s3:ListAllMyBuckets", "no bucket in the account"),
            Fact::BucketHere => ("s3:GetBucketLocation", "no bucket in the site's region"),
            Fact::Zone => ("route53:ListHostedZones", "no hosted zone"),
            Fact::Certificate => ("acm:ListCertificates", "no certificate"),
            Fact::Table => ("dynamodb:ListTables", "no table"),
            Fact::LoadBalancer => (
                "elasticloadbalancing:DescribeLoadBalancers",
                "no load balancer",
            ),
            Fact::Listener => ("elasticloadbalancing:DescribeListeners", "no listener"),
            Fact::Key => ("kms:ListKeys", "no KMS key"),
            Fact::Secret => ("secretsmanager:ListSecrets", "no secret"),
        }
    }

    /// How the checklist names the resource a probe read.
    fn label(self) -> &'static str {
        match self {
            Fact::Buckets | Fact::BucketHere => "bucket",
            Fact::Zone => "hosted zone",
            Fact::Certificate => "certificate",
            Fact::Table => "table",
            Fact::LoadBalancer => "load balancer",
            Fact::Listener => "listener",
            Fact::Key => "KMS key",
            Fact::Secret => "secret",
        }
    }
}

/// What probes found, for the probes of later rounds.
#[derive(Debug, Default, Clone)]
struct Facts {
    region: String,
    account: String,
    partition: &'static str,
    /// Bucket names (sorted), with their region when ListBuckets gave it.
    buckets: Vec<(String, Option<String>)>,
    found: BTreeMap<Fact, String>,
    /// Actions whose probe failed.
    failed: BTreeSet<&'static str>,
}

impl Facts {
    /// The resource found for `fact` ("" when none: probes run only when it was found).
    fn get(&self, fact: Fact) -> &str {
        self.found.get(&fact).map_or("", String::as_str)
    }

    /// The bucket the bucket-level probes read.
    fn bucket(&self) -> &str {
        self.get(Fact::BucketHere)
    }

    /// Why a probe that needs `fact` cannot run, if it cannot.
    fn missing(&self, fact: Fact) -> Option<String> {
        let found = match fact {
            Fact::Buckets => !self.buckets.is_empty(),
            _ => self.found.contains_key(&fact),
        };
        if found {
            return None;
        }
        // The first failed probe up the chain of needs, if any.
        let (action, none) = fact.source();
        let upstream = match fact {
            Fact::BucketHere => Some(Fact::Buckets),
            Fact::Listener => Some(Fact::LoadBalancer),
            _ => None,
        };
        if let Some(why) = upstream.and_then(|up| {
            let (up_action, _) = up.source();
            self.failed
                .contains(up_action)
                .then(|| format!("not checked: needs {up_action}, which failed"))
        }) {
            return Some(why);
        }
        Some(if self.failed.contains(action) {
            format!("not checked: needs {action}, which failed")
        } else if fact == Fact::BucketHere {
            format!("not checked: no bucket in {}", self.region)
        } else {
            format!("not checked: {none}")
        })
    }
}

/// What a successful probe found for later probes.
enum Found {
    Nothing,
    Buckets(Vec<(String, Option<String>)>),
    /// The first resource of a listing, if there was one.
    One(Fact, Option<String>),
}

type Probed = Result<Found, Failure>;
type Run = for<'a> fn(&'a SiteCtx, &'a Facts) -> BoxFuture<'a, Probed>;

/// One probe: the IAM action it proves, the API operation it calls, what it needs first.
struct Probe {
    action: &'static str,
    service: &'static str,
    api: &'static str,
    needs: Option<Fact>,
    run: Run,
}

/// The failure of a call, classified as a scan classifies it (AWS's own message: the checklist
/// names the action to grant on its own line).
fn failure<E>(
    e: &aws_smithy_runtime_api::client::result::SdkError<
        E,
        aws_smithy_runtime_api::client::orchestrator::HttpResponse,
    >,
) -> Failure
where
    E: aws_smithy_types::error::metadata::ProvideErrorMetadata + std::error::Error + 'static,
{
    let (code, message) = error::classify(e);
    Failure { code, message }
}

/// One table entry: `probe!(ACTION, client."API", NEEDS, |client, facts| REQUEST)` where NEEDS
/// is `-` or the [`Fact`] the request reads, optionally followed by `=> FACT, |output| FOUND` to
/// hand the first resource listed to later probes. The request is sent within the shared
/// concurrency limit (`SiteCtx::call`).
macro_rules! probe {
    (@needs -) => { None };
    (@needs $fact:ident) => { Some(Fact::$fact) };
    ($action:literal, $svc:ident . $api:literal, $needs:tt, |$c:ident, $f:pat_param| $req:expr
     $(, => $fact:ident, |$out:ident| $found:expr)?) => {
        Probe {
            action: $action,
            service: stringify!($svc),
            api: $api,
            needs: probe!(@needs $needs),
            run: |ctx, $f| {
                Box::pin(async move {
                    let $c = ctx.$svc();
                    match ctx.call($req.send()).await {
                        #[allow(unused_variables)]
                        Ok(out) => {
                            $(let $out = out; return Ok(Found::One(Fact::$fact, $found));)?
                            #[allow(unreachable_code)]
                            Ok(Found::Nothing)
                        }
                        Err(e) => ALLOWED_BUT_ABSENT
                            .contains(&error::code(&e).unwrap_or_default())
                            .then_some(Found::Nothing)
                            .ok_or_else(|| failure(&e)),
                    }
                })
            },
        }
    };
}

/// One probe per action of [`API_ACTIONS`]: the cheapest read-only call that needs it.
#[rustfmt::skip]
fn probes() -> Vec<Probe> {
    use aws_sdk_ec2::types::InstanceType;
    use aws_sdk_iam::types::EntityType;
    use aws_sdk_route53::types::TagResourceType;
    vec![
        probe!("acm:DescribeCertificate", acm."DescribeCertificate", Certificate,
            |c, f| c.describe_certificate().certificate_arn(f.get(Fact::Certificate))),
        probe!("acm:ListCertificates", acm."ListCertificates", -,
            |c, _| c.list_certificates().max_items(1),
            => Certificate, |o| o.certificate_summary_list().first()
                .and_then(|s| s.certificate_arn()).map(str::to_string)),
        probe!("acm:ListTagsForCertificate", acm."ListTagsForCertificate", Certificate,
            |c, f| c.list_tags_for_certificate().certificate_arn(f.get(Fact::Certificate))),
        probe!("autoscaling:DescribeAutoScalingGroups", autoscaling."DescribeAutoScalingGroups", -,
            |c, _| c.describe_auto_scaling_groups().max_records(1)),
        probe!("dynamodb:DescribeContinuousBackups", dynamodb."DescribeContinuousBackups", Table,
            |c, f| c.describe_continuous_backups().table_name(f.get(Fact::Table))),
        probe!("dynamodb:DescribeTable", dynamodb."DescribeTable", Table,
            |c, f| c.describe_table().table_name(f.get(Fact::Table))),
        probe!("dynamodb:ListTables", dynamodb."ListTables", -,
            |c, _| c.list_tables().limit(1),
            => Table, |o| o.table_names().first().cloned()),
        probe!("dynamodb:ListTagsOfResource", dynamodb."ListTagsOfResource", Table,
            |c, f| c.list_tags_of_resource().resource_arn(format!(
                "arn:{}:dynamodb:{}:{}:table/{}", f.partition, f.region, f.account,
                f.get(Fact::Table)))),
        probe!("ec2:DescribeImages", ec2."DescribeImages", -,
            |c, _| c.describe_images().owners("self").max_results(5)),
        probe!("ec2:DescribeInstanceTypes", ec2."DescribeInstanceTypes", -,
            |c, _| c.describe_instance_types().instance_types(InstanceType::T3Micro)),
        probe!("ec2:DescribeInstances", ec2."DescribeInstances", -,
            |c, _| c.describe_instances().max_results(5)),
        probe!("ec2:DescribeKeyPairs", ec2."DescribeKeyPairs", -,
            |c, _| c.describe_key_pairs()),
        probe!("ec2:DescribeLaunchTemplateVersions", ec2."DescribeLaunchTemplateVersions", -,
            |c, _| c.describe_launch_template_versions().versions("$Latest").max_results(5)),
        probe!("ec2:DescribeLaunchTemplates", ec2."DescribeLaunchTemplates", -,
            |c, _| c.describe_launch_templates().max_results(5)),
        probe!("ec2:DescribeManagedPrefixLists", ec2."DescribeManagedPrefixLists", -,
            |c, _| c.describe_managed_prefix_lists().max_results(5)),
        probe!("ec2:DescribeSecurityGroups", ec2."DescribeSecurityGroups", -,
            |c, _| c.describe_security_groups().max_results(5)),
        probe!("ec2:DescribeSnapshots", ec2."DescribeSnapshots", -,
            |c, _| c.describe_snapshots().owner_ids("self").max_results(5)),
        probe!("ec2:DescribeSubnets", ec2."DescribeSubnets", -,
            |c, _| c.describe_subnets().max_results(5)),
        probe!("ec2:DescribeVolumes", ec2."DescribeVolumes", -,
            |c, _| c.describe_volumes().max_results(5)),
        probe!("ec2:DescribeVpcs", ec2."DescribeVpcs", -,
            |c, _| c.describe_vpcs().max_results(5)),
        probe!("elasticloadbalancing:DescribeListenerCertificates", elbv2."DescribeListenerCertificates", Listener,
            |c, f| c.describe_listener_certificates().listener_arn(f.get(Fact::Listener))),
        probe!("elasticloadbalancing:DescribeListeners", elbv2."DescribeListeners", LoadBalancer,
            |c, f| c.describe_listeners().load_balancer_arn(f.get(Fact::LoadBalancer)).page_size(1),
            => Listener, |o| o.listeners().first()
                .and_then(|l| l.listener_arn()).map(str::to_string)),
        probe!("elasticloadbalancing:DescribeLoadBalancers", elbv2."DescribeLoadBalancers", -,
            |c, _| c.describe_load_balancers().page_size(1),
            => LoadBalancer, |o| o.load_balancers().first()
                .and_then(|l| l.load_balancer_arn()).map(str::to_string)),
        probe!("elasticloadbalancing:DescribeTags", elbv2."DescribeTags", LoadBalancer,
            |c, f| c.describe_tags().resource_arns(f.get(Fact::LoadBalancer))),
        probe!("elasticloadbalancing:DescribeTargetGroups", elbv2."DescribeTargetGroups", -,
            |c, _| c.describe_target_groups().page_size(1)),
        probe!("iam:GetAccountAuthorizationDetails", iam."GetAccountAuthorizationDetails", -,
            |c, _| c.get_account_authorization_details().filter(EntityType::Role).max_items(1)),
        probe!("iam:ListInstanceProfiles", iam."ListInstanceProfiles", -,
            |c, _| c.list_instance_profiles().max_items(1)),
        probe!("kms:DescribeKey", kms."DescribeKey", Key,
            |c, f| c.describe_key().key_id(f.get(Fact::Key))),
        probe!("kms:ListAliases", kms."ListAliases", -,
            |c, _| c.list_aliases().limit(1)),
        probe!("kms:ListKeys", kms."ListKeys", -,
            |c, _| c.list_keys().limit(1),
            => Key, |o| o.keys().first().and_then(|k| k.key_id()).map(str::to_string)),
        probe!("kms:ListResourceTags", kms."ListResourceTags", Key,
            |c, f| c.list_resource_tags().key_id(f.get(Fact::Key))),
        probe!("rds:DescribeDBClusterSnapshots", rds."DescribeDBClusterSnapshots", -,
            |c, _| c.describe_db_cluster_snapshots().max_records(20)),
        probe!("rds:DescribeDBClusters", rds."DescribeDBClusters", -,
            |c, _| c.describe_db_clusters().max_records(20)),
        probe!("rds:DescribeDBInstances", rds."DescribeDBInstances", -,
            |c, _| c.describe_db_instances().max_records(20)),
        probe!("rds:DescribeDBSnapshots", rds."DescribeDBSnapshots", -,
            |c, _| c.describe_db_snapshots().max_records(20)),
        probe!("rds:DescribeGlobalClusters", rds."DescribeGlobalClusters", -,
            |c, _| c.describe_global_clusters().max_records(20)),
        probe!("route53:ListHealthChecks", route53."ListHealthChecks", -,
            |c, _| c.list_health_checks().max_items(1)),
        probe!("route53:ListHostedZones", route53."ListHostedZones", -,
            |c, _| c.list_hosted_zones().max_items(1),
            => Zone, |o| o.hosted_zones().first().map(|z| zone_id(z.id()))),
        probe!("route53:ListResourceRecordSets", route53."ListResourceRecordSets", Zone,
            |c, f| c.list_resource_record_sets().hosted_zone_id(f.get(Fact::Zone)).max_items(1)),
        probe!("route53:ListTagsForResources", route53."ListTagsForResources", Zone,
            |c, f| c.list_tags_for_resources().resource_type(TagResourceType::Hostedzone)
                .resource_ids(f.get(Fact::Zone))),
        Probe {
            action: "s3:GetBucketLocation",
            service: "s3",
            api: "GetBucketLocation",
            needs: Some(Fact::Buckets),
            run: |ctx, f| Box::pin(bucket_here(ctx, f)),
        },
        probe!("s3:GetBucketLogging", s3."GetBucketLogging", BucketHere,
            |c, f| c.get_bucket_logging().bucket(f.bucket())),
        probe!("s3:GetBucketTagging", s3."GetBucketTagging", BucketHere,
            |c, f| c.get_bucket_tagging().bucket(f.bucket())),
        probe!("s3:GetBucketVersioning", s3."GetBucketVersioning", BucketHere,
            |c, f| c.get_bucket_versioning().bucket(f.bucket())),
        probe!("s3:GetEncryptionConfiguration", s3."GetBucketEncryption", BucketHere,
            |c, f| c.get_bucket_encryption().bucket(f.bucket())),
        probe!("s3:GetReplicationConfiguration", s3."GetBucketReplication", BucketHere,
            |c, f| c.get_bucket_replication().bucket(f.bucket())),
        Probe {
            action: "s3:ListAllMyBuckets",
            service: "s3",
            api: "ListBuckets",
            needs: None,
            run: |ctx, _| Box::pin(list_buckets(ctx)),
        },
        probe!("secretsmanager:DescribeSecret", secretsmanager."DescribeSecret", Secret,
            |c, f| c.describe_secret().secret_id(f.get(Fact::Secret))),
        probe!("secretsmanager:ListSecrets", secretsmanager."ListSecrets", -,
            |c, _| c.list_secrets().max_results(1),
            => Secret, |o| o.secret_list().first().and_then(|s| s.arn()).map(str::to_string)),
        // Running On-Demand Standard (A, C, D, H, I, M, R, T, Z) instances, in vCPUs.
        probe!("servicequotas:GetServiceQuota", servicequotas."GetServiceQuota", -,
            |c, _| c.get_service_quota().service_code("ec2").quota_code("L-1216C47A")),
        probe!("sts:GetCallerIdentity", sts."GetCallerIdentity", -,
            |c, _| c.get_caller_identity()),
    ]
}

/// `/hostedzone/Z123` → `Z123`.
fn zone_id(id: &str) -> String {
    id.trim_start_matches("/hostedzone/").to_string()
}

/// ListBuckets: every bucket of the account, with its region when AWS gives it.
async fn list_buckets(ctx: &SiteCtx) -> Probed {
    let c = ctx.s3();
    match ctx.call(c.list_buckets().max_buckets(1000).send()).await {
        Ok(o) => Ok(Found::Buckets(
            o.buckets()
                .iter()
                .filter_map(|b| {
                    Some((b.name()?.to_string(), b.bucket_region().map(str::to_string)))
                })
                .collect(),
        )),
        Err(e) => Err(failure(&e)),
    }
}

/// Most GetBucketLocation calls spent looking for a bucket of the site's region.
const MAX_LOCATION_CALLS: usize = 50;

/// GetBucketLocation: on a bucket ListBuckets placed in this region, else on listed buckets
/// one by one until one is located here.
async fn bucket_here(ctx: &SiteCtx, facts: &Facts) -> Probed {
    let c = ctx.s3();
    let known = facts.found.get(&Fact::BucketHere).cloned();
    let candidates: Vec<&str> = match &known {
        Some(b) => vec![b.as_str()],
        None => facts
            .buckets
            .iter()
            .filter(|(_, region)| region.is_none())
            .map(|(name, _)| name.as_str())
            .take(MAX_LOCATION_CALLS)
            .collect(),
    };
    for name in candidates {
        let answer = ctx.call(c.get_bucket_location().bucket(name).send()).await;
        match answer {
            Ok(out) => {
                let region = match out.location_constraint().map(|l| l.as_str()) {
                    None | Some("") => "us-east-1",
                    Some("EU") => "eu-west-1",
                    Some(r) => r,
                };
                if known.is_some() || region == ctx.region {
                    return Ok(Found::One(Fact::BucketHere, Some(name.to_string())));
                }
            }
            Err(e) => return Err(failure(&e)),
        }
    }
    Ok(Found::One(Fact::BucketHere, known))
}

/// Reads the identity behind an SDK configuration: its ARN and account.
async fn whoami(ctx: &SiteCtx) -> Result<(String, String), Failure> {
    let answer = ctx.call(ctx.sts().get_caller_identity().send()).await;
    match answer {
        Ok(out) => match (out.arn(), out.account()) {
            (Some(arn), Some(account)) => Ok((arn.to_string(), account.to_string())),
            _ => Err(Failure {
                code: "MissingAccount".into(),
                message: "STS GetCallerIdentity answered without an ARN or account id".into(),
            }),
        },
        Err(e) => Err(failure(&e)),
    }
}

/// A site's SDK context, for `site` as configured (with its role) or without the role.
async fn context(
    role: SiteRole,
    site: &SiteConfig,
    config: &Config,
    region: &str,
    limiter: &Arc<Semaphore>,
) -> SiteCtx {
    SiteCtx {
        role,
        account: super::UNKNOWN_ACCOUNT.to_string(),
        region: region.to_string(),
        partition: client::partition(region),
        sdk: client::sdk_config(site, &config.collect).await,
        custom_endpoint: site.endpoint_url.is_some(),
        limiter: limiter.clone(),
        calls: Arc::new(CallCounts::default()),
    }
}

/// Checks the credentials, region and role of one site; the context to probe it with.
async fn identify(
    role: SiteRole,
    site: &SiteConfig,
    config: &Config,
    limiter: &Arc<Semaphore>,
) -> (SiteDiagnosis, Option<SiteCtx>) {
    let mut out = SiteDiagnosis {
        role,
        region: None,
        credentials: Err(Failure {
            code: "MissingRegion".into(),
            message: "no region configured".into(),
        }),
        assumed: None,
        account: None,
        actions: Vec::new(),
    };
    let region = match &site.region {
        Some(r) => r.clone(),
        None => match client::loader().load().await.region() {
            Some(r) => r.to_string(),
            None => return (out, None),
        },
    };
    out.region = Some(region.clone());
    let own = SiteConfig {
        role_arn: None,
        external_id: None,
        ..site.clone()
    };
    let base = context(role, &own, config, &region, limiter).await;
    let (arn, account) = match whoami(&base).await {
        Ok(who) => who,
        Err(f) => {
            out.credentials = Err(f);
            return (out, None);
        }
    };
    out.credentials = Ok(arn);
    let mut ctx = match &site.role_arn {
        None => base,
        Some(_) => {
            let ctx = context(role, site, config, &region, limiter).await;
            match whoami(&ctx).await {
                Ok((assumed, account)) => {
                    out.assumed = Some(Ok(assumed));
                    out.account = Some(account);
                }
                Err(f) => {
                    out.assumed = Some(Err(f));
                    return (out, None);
                }
            }
            ctx
        }
    };
    let account = out.account.get_or_insert(account).clone();
    ctx.account = account;
    (out, Some(ctx))
}

/// The round a probe runs in: after the probes that find what it needs.
fn round(table: &[Probe], probe: &Probe) -> usize {
    match probe.needs {
        None => 0,
        Some(fact) => {
            let (source, _) = fact.source();
            table
                .iter()
                .find(|p| p.action == source)
                .map_or(0, |p| round(table, p) + 1)
        }
    }
}

/// Runs every probe of one site, round by round. `shared_account`: the other site is the same
/// account and reads its global services (IAM, Route 53) for both, as a scan does.
async fn probe_site(ctx: &SiteCtx, config: &Config, shared_account: bool) -> Vec<ActionCheck> {
    let in_scope: BTreeSet<&str> = config.scope.services.iter().map(String::as_str).collect();
    let table = probes();
    let mut facts = Facts {
        region: ctx.region.clone(),
        account: ctx.account.clone(),
        partition: ctx.partition,
        ..Facts::default()
    };
    let rounds = table.iter().map(|p| round(&table, p)).max().unwrap_or(0);
    let mut outcomes: BTreeMap<&'static str, Outcome> = BTreeMap::new();
    for r in 0..=rounds {
        let mut runs = Vec::new();
        for p in table.iter().filter(|p| round(&table, p) == r) {
            if let Some(svc) = Service::parse(p.service) {
                if !in_scope.contains(svc.as_str()) {
                    let why = format!("not checked: {svc} is not in scope.services");
                    outcomes.insert(p.action, Outcome::NotChecked(why));
                    continue;
                }
                if shared_account && svc.is_global() {
                    let why = format!(
                        "checked in the primary site: {svc} is global, read once for the account"
                    );
                    outcomes.insert(p.action, Outcome::NotChecked(why));
                    continue;
                }
            }
            if let Some(why) = p.needs.and_then(|f| facts.missing(f)) {
                outcomes.insert(p.action, Outcome::NotChecked(why));
                continue;
            }
            let on = p
                .needs
                .filter(|f| *f != Fact::Buckets)
                .map(|f| format!("{} {}", f.label(), facts.get(f)));
            let facts = &facts;
            runs.push(async move { (p, on, (p.run)(ctx, facts).await) });
        }
        for (p, on, result) in futures::future::join_all(runs).await {
            let outcome = match result {
                Ok(found) => {
                    let on = match &found {
                        Found::One(Fact::BucketHere, Some(b)) => Some(format!("bucket {b}")),
                        _ => on,
                    };
                    learn(&mut facts, found);
                    Outcome::Allowed { on }
                }
                Err(failure) => {
                    facts.failed.insert(p.action);
                    Outcome::Failed { on, failure }
                }
            };
            outcomes.insert(p.action, outcome);
        }
    }
    API_ACTIONS
        .iter()
        .map(|action| {
            let probe = table.iter().find(|p| p.action == *action);
            ActionCheck {
                action,
                api: probe.map_or("", |p| p.api),
                outcome: outcomes.remove(action).unwrap_or_else(|| {
                    Outcome::NotChecked("not checked: drready has no probe for it".into())
                }),
            }
        })
        .collect()
}

/// Adds what a probe found to the facts.
fn learn(facts: &mut Facts, found: Found) {
    match found {
        Found::Nothing | Found::One(_, None) => {}
        Found::Buckets(mut buckets) => {
            buckets.sort();
            if let Some((name, _)) = buckets
                .iter()
                .find(|(_, r)| r.as_deref() == Some(facts.region.as_str()))
            {
                facts.found.insert(Fact::BucketHere, name.clone());
            }
            facts.buckets = buckets;
        }
        Found::One(fact, Some(value)) => {
            facts.found.insert(fact, value);
        }
    }
}

/// Diagnoses both sites of `config`: identities first, then every probe of both sites at once.
pub async fn diagnose(config: &Config) -> Vec<SiteDiagnosis> {
    let permits = config
        .collect
        .max_concurrency
        .clamp(1, Semaphore::MAX_PERMITS);
    let limiter = Arc::new(Semaphore::new(permits));
    let ((mut primary, p_ctx), (mut standby, s_ctx)) = futures::join!(
        identify(SiteRole::Primary, &config.primary, config, &limiter),
        identify(SiteRole::Standby, &config.standby, config, &limiter),
    );
    let shared = primary.account.is_some() && primary.account == standby.account;
    let probe = |ctx: Option<SiteCtx>, shared: bool| async move {
        match ctx {
            Some(ctx) => probe_site(&ctx, config, shared).await,
            None => Vec::new(),
        }
    };
    let (p, s) = futures::join!(probe(p_ctx, false), probe(s_ctx, shared));
    primary.actions = p;
    standby.actions = s;
    vec![primary, standby]
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A new action in API_ACTIONS without a probe (or with two) fails here.
    #[test]
    fn every_api_action_has_exactly_one_probe() {
        let table = probes();
        for action in API_ACTIONS {
            let n = table.iter().filter(|p| p.action == *action).count();
            assert_eq!(
                n, 1,
                "{action}: {n} probes in collect/doctor.rs (want exactly 1)"
            );
        }
        for p in &table {
            assert!(
                API_ACTIONS.contains(&p.action),
                "probe for {} which is not in API_ACTIONS",
                p.action
            );
            assert_eq!(
                error::iam_action(p.service, p.api),
                p.action,
                "the probe of {} calls {}.{}, which another action authorizes",
                p.action,
                p.service,
                p.api
            );
        }
    }

    #[test]
    fn needs_come_from_earlier_rounds() {
        let table = probes();
        for p in &table {
            let Some(fact) = p.needs else { continue };
            let (source, _) = fact.source();
            let producer = table
                .iter()
                .find(|q| q.action == source)
                .unwrap_or_else(|| panic!("{}: no probe finds {fact:?}", p.action));
            assert!(round(&table, producer) < round(&table, p), "{}", p.action);
        }
    }

    #[test]
    fn missing_needs_say_why() {
        let mut facts = Facts {
            region: "us-west-2".into(),
            ..Facts::default()
        };
        assert_eq!(
            facts.missing(Fact::BucketHere).as_deref(),
            Some("not checked: no bucket in us-west-2")
        );
        assert_eq!(
            facts.missing(Fact::Table).as_deref(),
            Some("not checked: no table")
        );
        facts.failed.insert("s3:ListAllMyBuckets");
        assert_eq!(
            facts.missing(Fact::Buckets).as_deref(),
            Some("not checked: needs s3:ListAllMyBuckets, which failed")
        );
        assert_eq!(
            facts.missing(Fact::BucketHere).as_deref(),
            Some("not checked: needs s3:ListAllMyBuckets, which failed")
        );
        learn(
            &mut facts,
            Found::Buckets(vec![
                ("b".into(), Some("us-west-2".into())),
                ("a".into(), Some("us-east-1".into())),
            ]),
        );
        assert_eq!(facts.bucket(), "b");
        assert_eq!(facts.missing(Fact::BucketHere), None);
    }
}
