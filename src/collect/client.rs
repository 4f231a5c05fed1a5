//! SDK configuration per site, the shared concurrency limit, and API call counting.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use aws_config::{BehaviorVersion, Region, SdkConfig};
use aws_credential_types::provider::SharedCredentialsProvider;
use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::interceptors::context::BeforeSerializationInterceptorContextRef;
use aws_smithy_types::config_bag::ConfigBag;
use aws_smithy_types::retry::RetryConfig;
use aws_smithy_types::timeout::TimeoutConfig;
use tokio::sync::{Semaphore, SemaphorePermit};

use crate::config::{CollectConfig, SiteConfig};
use crate::vocab::SiteRole;

/// Longest wait for a TCP connection, whatever the attempt timeout.
const MAX_CONNECT_TIMEOUT: Duration = Duration::from_secs(5);

/// The SDK configuration loader every site (and `doctor`'s region lookup) starts from. Its HTTPS
/// client is the SDK's default (`default-https-client`): hyper and rustls with aws-lc, trusting
/// the platform's root certificates (and `SSL_CERT_FILE` / `SSL_CERT_DIR`), going through the
/// proxy of HTTPS_PROXY / NO_PROXY (docs/configuration.md; tests/live_tls.rs).
pub(crate) fn loader() -> aws_config::ConfigLoader {
    aws_config::defaults(BehaviorVersion::latest())
}

/// Builds the SDK configuration of one site: region, profile, optional role to assume, endpoint
/// override, standard retry with backoff, and timeouts. Never fails: a missing region or credential surfaces
/// as an error of the first call.
pub(crate) async fn sdk_config(site: &SiteConfig, tuning: &CollectConfig) -> SdkConfig {
    let attempt = Duration::from_secs(tuning.attempt_timeout_secs.max(1));
    let timeouts = TimeoutConfig::builder()
        .connect_timeout(attempt.min(MAX_CONNECT_TIMEOUT))
        .operation_attempt_timeout(attempt)
        .operation_timeout(Duration::from_secs(tuning.call_timeout_secs.max(1)))
        .build();
    // Standard retry (exponential backoff with jitter, a retry quota), not adaptive: the adaptive
    // client-side rate limiter charges every waiting call's cost up front, so with drready's
    // concurrent calls a few throttling answers queue the rest for minutes and they end in
    // call timeouts (tests/faults.rs, 20% throttling). The shared semaphore bounds concurrency.
    let retry = RetryConfig::standard().with_max_attempts(tuning.max_attempts.max(1));

    let mut loader = loader().retry_config(retry).timeout_config(timeouts);
    if let Some(region) = &site.region {
        loader = loader.region(Region::new(region.clone()));
    }
    if let Some(profile) = &site.profile {
        loader = loader.profile_name(profile);
    }
    if let Some(endpoint) = &site.endpoint_url {
        loader = loader.endpoint_url(endpoint);
    }
    let base = loader.load().await;

    let Some(role_arn) = &site.role_arn else {
        return base;
    };
    tracing::debug!(role_arn, "assuming role for site");
    let mut assume = aws_config::sts::AssumeRoleProvider::builder(role_arn.clone())
        .session_name("drready")
        .configure(&base);
    if let Some(external_id) = &site.external_id {
        assume = assume.external_id(external_id.clone());
    }
    let provider = assume.build().await;
    base.into_builder()
        .credentials_provider(SharedCredentialsProvider::new(provider))
        .build()
}

/// Counts API calls (executions, not retry attempts) of one service client.
#[derive(Debug, Clone)]
pub(crate) struct CallCounter(Arc<AtomicU64>);

impl Intercept for CallCounter {
    fn name(&self) -> &'static str {
        "drready::collect::CallCounter"
    }

    fn read_before_execution(
        &self,
        _context: &BeforeSerializationInterceptorContextRef<'_>,
        _cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        self.0.fetch_add(1, Ordering::Relaxed);
        Ok(())
    }
}

/// Per-service call counters of one site.
#[derive(Debug, Default)]
pub(crate) struct CallCounts(std::sync::Mutex<BTreeMap<&'static str, Arc<AtomicU64>>>);

impl CallCounts {
    /// The interceptor that counts calls of `service` (`ec2`, `s3`, `route53`, `iam`, `sts`).
    pub(crate) fn counter(&self, service: &'static str) -> CallCounter {
        let mut map = self.0.lock().unwrap_or_else(|e| e.into_inner());
        CallCounter(map.entry(service).or_default().clone())
    }

    /// Calls made so far, per service; services never called are left out.
    pub(crate) fn snapshot(&self) -> BTreeMap<String, u64> {
        let map = self.0.lock().unwrap_or_else(|e| e.into_inner());
        map.iter()
            .map(|(k, v)| (k.to_string(), v.load(Ordering::Relaxed)))
            .filter(|(_, n)| *n > 0)
            .collect()
    }
}

/// Everything a service collector needs to read one site.
/// One client constructor per service: the site's SDK configuration plus the call counter of
/// the service (counted under the method's name).
macro_rules! clients {
    ($($name:ident => $krate:ident,)+) => {
        $(
            pub(crate) fn $name(&self) -> $krate::Client {
                let conf = $krate::config::Builder::from(&self.sdk)
                    .interceptor(self.calls.counter(stringify!($name)))
                    .build();
                $krate::Client::from_conf(conf)
            }
        )+
    };
}

#[derive(Debug, Clone)]
pub(crate) struct SiteCtx {
    pub role: SiteRole,
    pub account: String,
    pub region: String,
    pub partition: &'static str,
    pub sdk: SdkConfig,
    /// Set when an endpoint override is configured (S3 then uses path-style addressing).
    pub custom_endpoint: bool,
    pub limiter: Arc<Semaphore>,
    pub calls: Arc<CallCounts>,
}

impl SiteCtx {
    /// Waits for a slot of the concurrency limit shared by both sites.
    pub(crate) async fn permit(&self) -> Option<SemaphorePermit<'_>> {
        // The semaphore is never closed; `None` would only mean "run unthrottled".
        self.limiter.acquire().await.ok()
    }

    /// Runs one API call within the shared concurrency limit.
    pub(crate) async fn call<F: std::future::Future>(&self, fut: F) -> F::Output {
        let _permit = self.permit().await;
        fut.await
    }

    pub(crate) fn s3(&self) -> aws_sdk_s3::Client {
        let conf = aws_sdk_s3::config::Builder::from(&self.sdk)
            .interceptor(self.calls.counter("s3"))
            .force_path_style(self.custom_endpoint)
            .build();
        aws_sdk_s3::Client::from_conf(conf)
    }

    clients! {
        ec2 => aws_sdk_ec2,
        route53 => aws_sdk_route53,
        iam => aws_sdk_iam,
        sts => aws_sdk_sts,
        rds => aws_sdk_rds,
        dynamodb => aws_sdk_dynamodb,
        autoscaling => aws_sdk_autoscaling,
        elbv2 => aws_sdk_elasticloadbalancingv2,
        acm => aws_sdk_acm,
        kms => aws_sdk_kms,
        secretsmanager => aws_sdk_secretsmanager,
        servicequotas => aws_sdk_servicequotas,
    }

    pub(crate) fn arn(&self, service: &str, with_account: bool, resource: &str) -> String {
        let account = if with_account {
            self.account.as_str()
        } else {
            ""
        };
        format!(
            "arn:{}:{service}:{}:{account}:{resource}",
            self.partition, self.region
        )
    }
}

/// The ARN partition of a region.
pub(crate) fn partition(region: &str) -> &'static str {
    if region.starts_with("cn-") {
        "aws-cn"
    } else if region.starts_with("us-gov-") {
        "aws-us-gov"
    } else if region.starts_with("us-iso-") {
        "aws-iso"
    } else if region.starts_with("us-isob-") {
        "aws-iso-b"
    } else {
        "aws"
    }
}

/// Iterates the pages of an SDK paginator, taking a slot of the concurrency limit for each page
/// request. Evaluates to `Result<(), SdkError>`: the first error stops the walk.
macro_rules! for_each_page {
    ($ctx:expr, $paginator:expr, |$page:ident| $body:block) => {{
        let mut stream = $paginator.send();
        loop {
            let permit = $ctx.permit().await;
            let next = stream.next().await;
            drop(permit);
            match next {
                None => break Ok(()),
                Some(Err(e)) => break Err(e),
                Some(Ok($page)) => $body,
            }
        }
    }};
}
pub(crate) use for_each_page;
