//! Live inventory collection: reads both sites through the AWS SDK into a [`Snapshot`].
//!
//! Read-only, always: every call is a Describe/List/Get (see [`API_ACTIONS`]). Both sites and all
//! services run concurrently; every API call (including each page of a listing) takes a slot of
//! one concurrency limit shared by both sites. A failed call becomes a [`CollectionError`] in its
//! site, never a crash: the rest of the collection goes on. IAM and Route 53 are global, so when
//! both sites are one account they are read once and stored in both sites; so is the S3 bucket
//! listing.
//!
//! `Site.api_calls` counts API calls (not retry attempts) per service, plus `sts`; calls made
//! once for both sites of one account are counted in the primary site. The AssumeRole calls the
//! credentials provider makes are not counted.

mod acm;
mod autoscaling;
mod client;
pub mod doctor;
mod dynamodb;
mod ec2;
mod ec2_templates;
mod elbv2;
mod error;
mod iam;
mod kms;
mod rds;
mod route53;
mod s3;
mod secretsmanager;
mod servicequotas;

use std::collections::BTreeSet;
use std::future::Future;
use std::sync::Arc;

use chrono::Utc;
use tokio::sync::Semaphore;

use crate::config::{Config, SiteConfig};
use crate::snapshot::{CollectionError, InventorySize, SCHEMA_VERSION, Site, Snapshot};
use crate::vocab::{Service, SiteRole};
use client::{CallCounts, SiteCtx};

/// Every IAM action the collectors need, and so the whole least-privilege read policy
/// (docs/permissions.md is tested against it). S3 operations map to differently named actions:
/// `ListBuckets` → `s3:ListAllMyBuckets`, `GetBucketReplication` → `s3:GetReplicationConfiguration`,
/// `GetBucketEncryption` → `s3:GetEncryptionConfiguration`.
pub const API_ACTIONS: &[&str] = &[
    "acm:DescribeCertificate",
    "acm:ListCertificates",
    "acm:ListTagsForCertificate",
    "autoscaling:DescribeAutoScalingGroups",
    "dynamodb:DescribeContinuousBackups",
    "dynamodb:DescribeTable",
    "dynamodb:ListTables",
    "dynamodb:ListTagsOfResource",
    "ec2:DescribeImages",
    "ec2:DescribeInstanceTypes",
    "ec2:DescribeInstances",
    "ec2:DescribeKeyPairs",
    "ec2:DescribeLaunchTemplateVersions",
    "ec2:DescribeLaunchTemplates",
    "ec2:DescribeManagedPrefixLists",
    "ec2:DescribeSecurityGroups",
    "ec2:DescribeSnapshots",
    "ec2:DescribeSubnets",
    "ec2:DescribeVolumes",
    "ec2:DescribeVpcs",
    "elasticloadbalancing:DescribeListenerCertificates",
    "elasticloadbalancing:DescribeListeners",
    "elasticloadbalancing:DescribeLoadBalancers",
    "elasticloadbalancing:DescribeTags",
    "elasticloadbalancing:DescribeTargetGroups",
    "iam:GetAccountAuthorizationDetails",
    "iam:ListInstanceProfiles",
    "kms:DescribeKey",
    "kms:ListAliases",
    "kms:ListKeys",
    "kms:ListResourceTags",
    "rds:DescribeDBClusterSnapshots",
    "rds:DescribeDBClusters",
    "rds:DescribeDBInstances",
    "rds:DescribeDBSnapshots",
    "rds:DescribeGlobalClusters",
    "route53:ListHealthChecks",
    "route53:ListHostedZones",
    "route53:ListResourceRecordSets",
    "route53:ListTagsForResources",
    "s3:GetBucketLocation",
    "s3:GetBucketLogging",
    "s3:GetBucketTagging",
    "s3:GetBucketVersioning",
    "s3:GetEncryptionConfiguration",
    "s3:GetReplicationConfiguration",
    "s3:ListAllMyBuckets",
    "secretsmanager:DescribeSecret",
    "secretsmanager:ListSecrets",
    "servicequotas:GetServiceQuota",
    "sts:GetCallerIdentity",
];

pub use crate::snapshot::UNKNOWN_ACCOUNT;

/// What one service collector returns: the inventory it could read and what it could not.
pub(crate) type Outcome<T> = (T, Vec<CollectionError>);

/// Hears about collection as it goes, for progress displays. Every method has a no-op default.
pub trait Progress: Send + Sync {
    /// A site's identity was read (or could not be: `account` is [`UNKNOWN_ACCOUNT`]).
    fn site_ready(&self, _role: SiteRole, _account: &str, _region: &str) {}
    /// One service of one site is done: resources read and errors met.
    fn service_done(&self, _role: SiteRole, _service: Service, _resources: usize, _errors: usize) {}
}

/// No progress display.
pub struct NoProgress;
impl Progress for NoProgress {}

/// Reports a finished service of both sites to `progress`, then hands the outcomes on.
async fn tracked<T: InventorySize>(
    progress: &dyn Progress,
    service: Service,
    both: impl Future<Output = (Option<Outcome<T>>, Option<Outcome<T>>)>,
) -> (Option<Outcome<T>>, Option<Outcome<T>>) {
    let (p, s) = both.await;
    for (role, out) in [(SiteRole::Primary, &p), (SiteRole::Standby, &s)] {
        if let Some((inv, errors)) = out {
            progress.service_done(role, service, inv.size(), errors.len());
        }
    }
    (p, s)
}

/// Collects both sites of `config` into a snapshot. Fails only on a bug-class problem (never on
/// an AWS error: those are recorded in the sites' `collection_errors`).
pub async fn collect(config: &Config) -> anyhow::Result<Snapshot> {
    collect_with(config, &NoProgress).await
}

/// [`collect`], reporting progress as services finish.
pub async fn collect_with(config: &Config, progress: &dyn Progress) -> anyhow::Result<Snapshot> {
    collect_shared(
        config,
        progress,
        &Shared::new(config.collect.max_concurrency),
    )
    .await
}

/// What the collections of several targets in one run share: the one limit on calls in flight,
/// and the global services (IAM, Route 53), read once per account whichever target asks first.
pub struct Shared {
    limiter: Arc<Semaphore>,
    iam: GlobalCache<Outcome<crate::snapshot::IamInventory>>,
    route53: GlobalCache<Outcome<crate::snapshot::Route53Inventory>>,
    /// The S3 bucket listing (ListBuckets and the buckets' locations) is per account too.
    buckets: GlobalCache<s3::Listing>,
}

/// One per-account read's result per account, computed once.
type GlobalCache<T> =
    std::sync::Mutex<std::collections::HashMap<String, Arc<tokio::sync::OnceCell<T>>>>;

impl Shared {
    /// At most `max_concurrency` AWS calls in flight over every site of every target.
    pub fn new(max_concurrency: usize) -> Shared {
        Shared {
            limiter: Arc::new(Semaphore::new(
                max_concurrency.clamp(1, Semaphore::MAX_PERMITS),
            )),
            iam: Default::default(),
            route53: Default::default(),
            buckets: Default::default(),
        }
    }
}

/// Reads a global service of `ctx`'s account through `cache`: the first caller reads, the others
/// (other targets in the same account) wait for and copy its outcome.
async fn global<'a, T, F, Fut>(cache: &GlobalCache<T>, ctx: &'a SiteCtx, f: F) -> T
where
    T: Clone,
    F: FnOnce(&'a SiteCtx) -> Fut,
    Fut: Future<Output = T>,
{
    let cell = {
        let mut map = cache.lock().unwrap_or_else(|e| e.into_inner());
        map.entry(ctx.account.clone()).or_default().clone()
    };
    cell.get_or_init(|| f(ctx)).await.clone()
}

/// The account ids of a target's two sites, `None` where the identity cannot be read: one STS
/// call per site, under the shared limit. A multi-target run learns which targets share an
/// account before collecting, so every shard attributes global resources alike.
pub async fn accounts(config: &Config, shared: &Shared) -> [Option<String>; 2] {
    let none = BTreeSet::new();
    let (p, s) = futures::join!(
        prepare(
            SiteRole::Primary,
            &config.primary,
            config,
            &none,
            &shared.limiter
        ),
        prepare(
            SiteRole::Standby,
            &config.standby,
            config,
            &none,
            &shared.limiter
        ),
    );
    [p.0, s.0].map(|site| Some(site.account).filter(|a| a != UNKNOWN_ACCOUNT))
}

/// [`collect_with`] under the limits and caches of a multi-target run.
pub async fn collect_shared(
    config: &Config,
    progress: &dyn Progress,
    shared: &Shared,
) -> anyhow::Result<Snapshot> {
    // The joined collectors make one large future: on the heap, not on the caller's stack (a
    // test thread's 2 MiB overflowed in debug builds).
    Box::pin(collect_sites(config, progress, shared)).await
}

async fn collect_sites(
    config: &Config,
    progress: &dyn Progress,
    shared: &Shared,
) -> anyhow::Result<Snapshot> {
    let services: BTreeSet<Service> = config
        .scope
        .services
        .iter()
        .filter_map(|s| Service::parse(s))
        .collect();
    let limiter = shared.limiter.clone();
    tracing::info!(target_name = ?config.target, services = ?services, "collecting inventory of both sites");

    let (primary, standby) = futures::join!(
        prepare(
            SiteRole::Primary,
            &config.primary,
            config,
            &services,
            &limiter
        ),
        prepare(
            SiteRole::Standby,
            &config.standby,
            config,
            &services,
            &limiter
        ),
    );
    let (mut primary_site, primary_ctx) = primary;
    let (mut standby_site, standby_ctx) = standby;
    progress.site_ready(
        SiteRole::Primary,
        &primary_site.account,
        &primary_site.region,
    );
    progress.site_ready(
        SiteRole::Standby,
        &standby_site.account,
        &standby_site.region,
    );
    let (p, s) = (primary_ctx.as_ref(), standby_ctx.as_ref());
    let wants = |svc: Service| services.contains(&svc);

    let regional = |svc: Service| (p.filter(|_| wants(svc)), s.filter(|_| wants(svc)));
    let (ec2, s3, iam, r53, rds, ddb, asg, elb, acm, kms, sm) = futures::join!(
        tracked(progress, Service::Ec2, {
            let (a, b) = regional(Service::Ec2);
            ec2_stage(a, b)
        }),
        tracked(progress, Service::S3, {
            let (a, b) = regional(Service::S3);
            s3_stage(shared, a, b)
        }),
        tracked(progress, Service::Iam, {
            let (a, b) = regional(Service::Iam);
            per_account(a, b, |c| global(&shared.iam, c, iam::collect))
        }),
        tracked(progress, Service::Route53, {
            let (a, b) = regional(Service::Route53);
            per_account(a, b, |c| global(&shared.route53, c, route53::collect))
        }),
        regional_stage(progress, Service::Rds, regional(Service::Rds), rds::collect),
        regional_stage(
            progress,
            Service::Dynamodb,
            regional(Service::Dynamodb),
            dynamodb::collect
        ),
        regional_stage(
            progress,
            Service::Autoscaling,
            regional(Service::Autoscaling),
            autoscaling::collect
        ),
        regional_stage(
            progress,
            Service::Elbv2,
            regional(Service::Elbv2),
            elbv2::collect
        ),
        regional_stage(progress, Service::Acm, regional(Service::Acm), acm::collect),
        regional_stage(progress, Service::Kms, regional(Service::Kms), kms::collect),
        regional_stage(
            progress,
            Service::SecretsManager,
            regional(Service::SecretsManager),
            secretsmanager::collect
        ),
    );
    // Quotas last: which instance types' vCPUs to look up depends on EC2 and Auto Scaling.
    let quotas = {
        let (a, b) = regional(Service::ServiceQuotas);
        let types =
            |e: &Option<Outcome<crate::snapshot::Ec2Inventory>>,
             g: &Option<Outcome<crate::snapshot::AutoscalingInventory>>| {
                servicequotas::instance_types(
                    e.as_ref().map(|(inv, _)| inv),
                    g.as_ref().map(|(inv, _)| inv),
                )
            };
        let tp = types(&ec2.0, &asg.0);
        // The standby also looks up the primary's types: its quota is judged against the
        // capacity the primary runs.
        let ts: std::collections::BTreeSet<String> =
            types(&ec2.1, &asg.1).union(&tp).cloned().collect();
        tracked(progress, Service::ServiceQuotas, async {
            futures::join!(
                per_site(a, |c| servicequotas::collect(c, &tp)),
                per_site(b, |c| servicequotas::collect(c, &ts))
            )
        })
        .await
    };

    fn store<T>(slot: &mut T, errors: &mut Vec<CollectionError>, out: Option<Outcome<T>>) {
        if let Some((inv, errs)) = out {
            *slot = inv;
            errors.extend(errs);
        }
    }
    let mut sites = [(&mut primary_site, p), (&mut standby_site, s)];
    macro_rules! store_all {
        ($($field:ident <- $out:ident),+ $(,)?) => {
            let ($($field,)+) = ($([$out.0, $out.1],)+);
            let ($(mut $field,)+) = ($($field.into_iter(),)+);
            for (site, _) in sites.iter_mut() {
                $(store(&mut site.$field, &mut site.collection_errors, $field.next().flatten());)+
            }
        };
    }
    store_all!(
        ec2 <- ec2,
        s3 <- s3,
        iam <- iam,
        route53 <- r53,
        rds <- rds,
        dynamodb <- ddb,
        autoscaling <- asg,
        elbv2 <- elb,
        acm <- acm,
        kms <- kms,
        secretsmanager <- sm,
        servicequotas <- quotas,
    );
    for (site, ctx) in sites {
        if let Some(ctx) = ctx {
            site.api_calls = ctx.calls.snapshot();
        }
        site.collected_at = Utc::now();
        site.sort();
        tracing::info!(
            site = %ctx.map_or("?", |c| c.role.as_str()),
            account = %site.account, region = %site.region,
            resources = site.counts().values().sum::<usize>(),
            errors = site.collection_errors.len(),
            calls = site.api_calls.values().sum::<u64>(),
            calls_by_service = ?site.api_calls,
            "site collected"
        );
    }

    Ok(Snapshot {
        schema_version: SCHEMA_VERSION,
        generator: format!("drready {}", env!("CARGO_PKG_VERSION")),
        collected_at: Utc::now(),
        primary: primary_site,
        standby: standby_site,
    })
}

/// Builds a site's SDK configuration and learns its account id. On failure the site gets one
/// error per service in scope, keeps its configured region, and account [`UNKNOWN_ACCOUNT`].
async fn prepare(
    role: SiteRole,
    site: &SiteConfig,
    config: &Config,
    services: &BTreeSet<Service>,
    limiter: &Arc<Semaphore>,
) -> (Site, Option<SiteCtx>) {
    let sdk = client::sdk_config(site, &config.collect).await;
    let region = site
        .region
        .clone()
        .or_else(|| sdk.region().map(|r| r.to_string()));
    let mut out = Site {
        account: UNKNOWN_ACCOUNT.to_string(),
        region: region.clone().unwrap_or_else(|| "unknown".to_string()),
        collected_at: Utc::now(),
        services: Some(services.iter().copied().collect()),
        ..Default::default()
    };
    let fail_all = |out: &mut Site, api: &str, code: &str, why: &str| {
        out.collection_errors.extend(services.iter().map(|svc| {
            let message = format!("{role} site not collected: {why}");
            error::whole_service(*svc, api, code, &message)
        }));
    };
    let Some(region) = region else {
        fail_all(
            &mut out,
            "ResolveRegion",
            "MissingRegion",
            "no region configured; set `region` in the site's section of drready.toml or \
             AWS_REGION",
        );
        return (out, None);
    };

    let mut ctx = SiteCtx {
        role,
        account: UNKNOWN_ACCOUNT.to_string(),
        partition: client::partition(&region),
        region,
        sdk,
        custom_endpoint: site.endpoint_url.is_some(),
        limiter: limiter.clone(),
        calls: Arc::new(CallCounts::default()),
    };
    let sts = ctx.sts();
    let answer = ctx.call(sts.get_caller_identity().send()).await;
    match answer.map(|o| o.account().map(str::to_string)) {
        Ok(Some(account)) => {
            tracing::info!(site = %role, %account, region = %ctx.region, "site identity");
            ctx.account = account.clone();
            out.account = account;
            (out, Some(ctx))
        }
        Ok(None) => {
            fail_all(
                &mut out,
                "GetCallerIdentity",
                "MissingAccount",
                "STS GetCallerIdentity answered without an account id",
            );
            out.api_calls = ctx.calls.snapshot();
            (out, None)
        }
        Err(e) => {
            let (code, message) = error::classify_call("sts", "GetCallerIdentity", &e);
            tracing::warn!(site = %role, %code, "cannot read the site's identity");
            let why = format!(
                "its identity could not be read (STS GetCallerIdentity: {code}: {message}); \
                 check the site's credentials, profile, role_arn and endpoint_url"
            );
            fail_all(&mut out, "GetCallerIdentity", &code, &why);
            out.api_calls = ctx.calls.snapshot();
            (out, None)
        }
    }
}

/// A regional service of both sites, each site read on its own.
async fn regional_stage<'a, T, F, Fut>(
    progress: &dyn Progress,
    service: Service,
    (p, s): (Option<&'a SiteCtx>, Option<&'a SiteCtx>),
    f: F,
) -> (Option<Outcome<T>>, Option<Outcome<T>>)
where
    T: InventorySize,
    F: Fn(&'a SiteCtx) -> Fut,
    Fut: Future<Output = Outcome<T>>,
{
    tracked(progress, service, async {
        futures::join!(per_site(p, &f), per_site(s, &f))
    })
    .await
}

/// Runs a regional collector for a site that is readable and in scope.
async fn per_site<'a, T, F, Fut>(ctx: Option<&'a SiteCtx>, f: F) -> Option<Outcome<T>>
where
    F: Fn(&'a SiteCtx) -> Fut,
    Fut: Future<Output = Outcome<T>>,
{
    match ctx {
        Some(ctx) => Some(f(ctx).await),
        None => None,
    }
}

/// Runs a global (per-account) collector once per distinct account: when both sites are the same
/// account the primary's result is stored in both sites.
async fn per_account<'a, T, F, Fut>(
    p: Option<&'a SiteCtx>,
    s: Option<&'a SiteCtx>,
    f: F,
) -> (Option<Outcome<T>>, Option<Outcome<T>>)
where
    T: Clone,
    F: Fn(&'a SiteCtx) -> Fut,
    Fut: Future<Output = Outcome<T>>,
{
    match (p, s) {
        (Some(p), Some(s)) if p.account == s.account => {
            let shared = f(p).await;
            (Some(shared.clone()), Some(shared))
        }
        _ => futures::join!(per_site(p, &f), per_site(s, &f)),
    }
}

/// EC2 of both sites, then, in the standby site, the twins of the primary's images of other
/// owners (Amazon, Marketplace, shared AMIs): those need the primary's inventory first.
async fn ec2_stage(
    p: Option<&SiteCtx>,
    s: Option<&SiteCtx>,
) -> (
    Option<Outcome<crate::snapshot::Ec2Inventory>>,
    Option<Outcome<crate::snapshot::Ec2Inventory>>,
) {
    let (primary, mut standby) =
        futures::join!(per_site(p, ec2::collect), per_site(s, ec2::collect));
    if let (Some(p), Some(s), Some((p_inv, _)), Some((s_inv, s_errors))) =
        (p, s, &primary, &mut standby)
    {
        let (twins, errors) = ec2::counterparts(s, &p.account, &p_inv.images, &s_inv.images).await;
        s_inv.images.extend(twins);
        s_errors.extend(errors);
    }
    (primary, standby)
}

/// S3: the bucket listing is per account (read once per account, for both sites and every target
/// of a run); bucket details are per site, for the buckets located in the site's region.
async fn s3_stage(
    shared: &Shared,
    p: Option<&SiteCtx>,
    s: Option<&SiteCtx>,
) -> (
    Option<Outcome<crate::snapshot::S3Inventory>>,
    Option<Outcome<crate::snapshot::S3Inventory>>,
) {
    if let (Some(p), Some(s)) = (p, s)
        && p.account == s.account
    {
        // The primary reads the shared listing, so its calls are counted in the primary site.
        global(&shared.buckets, p, s3::list_buckets).await;
    }
    let site = |ctx| s3_site(shared, ctx);
    futures::join!(per_site(p, site), per_site(s, site))
}

/// S3 of one site: the account's listing (read once per account, whichever site or target asks
/// first), then the details of the buckets in the site's region.
async fn s3_site<'a>(
    shared: &'a Shared,
    ctx: &'a SiteCtx,
) -> Outcome<crate::snapshot::S3Inventory> {
    let listing = global(&shared.buckets, ctx, s3::list_buckets).await;
    s3::collect(ctx, &listing).await
}

/// A smithy timestamp as a chrono time.
pub(crate) fn smithy_time(t: &aws_smithy_types::DateTime) -> Option<chrono::DateTime<Utc>> {
    chrono::DateTime::from_timestamp(t.secs(), t.subsec_nanos())
}

/// An RFC 3339 time string (EC2 gives AMI creation and deprecation times as strings).
pub(crate) fn parse_time(s: &str) -> Option<chrono::DateTime<Utc>> {
    chrono::DateTime::parse_from_rfc3339(s)
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The policy in docs/permissions.md is exactly the actions the collectors call.
    #[test]
    fn permissions_doc_policy_equals_api_actions() {
        let doc = include_str!("../../docs/permissions.md");
        let start = doc.find("```json\n").expect("a ```json block") + "```json\n".len();
        let end = start + doc[start..].find("```").expect("end of the ```json block");
        let policy: serde_json::Value =
            serde_json::from_str(&doc[start..end]).expect("the policy is JSON");
        let statements = policy["Statement"].as_array().expect("Statement array");
        assert_eq!(statements.len(), 1, "one read-only statement");
        assert_eq!(statements[0]["Effect"], "Allow");
        assert_eq!(statements[0]["Resource"], "*");
        let actions: Vec<&str> = statements[0]["Action"]
            .as_array()
            .expect("Action array")
            .iter()
            .map(|a| a.as_str().expect("action string"))
            .collect();
        assert_eq!(
            actions, API_ACTIONS,
            "docs/permissions.md and API_ACTIONS differ"
        );
    }

    #[test]
    fn api_actions_are_sorted_unique_and_read_only() {
        let mut sorted = API_ACTIONS.to_vec();
        sorted.sort();
        sorted.dedup();
        assert_eq!(sorted, API_ACTIONS);
        for action in API_ACTIONS {
            let (_, name) = action.split_once(':').expect("service:Action");
            assert!(
                ["Describe", "List", "Get"]
                    .iter()
                    .any(|p| name.starts_with(p)),
                "{action} is not a read action"
            );
        }
    }

    #[test]
    fn arn_partition_follows_the_region() {
        assert_eq!(client::partition("us-east-1"), "aws");
        assert_eq!(client::partition("cn-north-1"), "aws-cn");
        assert_eq!(client::partition("us-gov-west-1"), "aws-us-gov");
    }

    #[test]
    fn ec2_time_strings_parse() {
        let t = parse_time("2026-11-01T10:20:30.000Z").expect("RFC 3339");
        assert_eq!(t.to_rfc3339(), "2026-11-01T10:20:30+00:00");
        assert_eq!(parse_time("yesterday"), None);
    }
}
