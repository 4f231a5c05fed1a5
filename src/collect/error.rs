//! Turning SDK failures into [`CollectionError`] data: an AWS error code when AWS answered, a
//! transport class (`ConnectionRefused`, `Timeout`, `DispatchFailure`, ...) when it did not.

use std::error::Error as StdError;

use aws_credential_types::provider::error::CredentialsError;
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;

use crate::snapshot::CollectionError;

use crate::vocab::Service;

/// Longest error message kept in a snapshot.
const MAX_MESSAGE_CHARS: usize = 400;

/// The error code of an SDK error, if AWS answered with one.
pub(crate) fn code<E, R>(err: &SdkError<E, R>) -> Option<&str>
where
    E: ProvideErrorMetadata,
{
    match err {
        SdkError::ServiceError(ctx) => ctx.err().code(),
        _ => None,
    }
}

/// Converts a failed call into a collection error.
pub(crate) fn from_sdk<E>(
    service: Service,
    api: &str,
    err: &SdkError<E, HttpResponse>,
    resource: Option<&str>,
) -> CollectionError
where
    E: ProvideErrorMetadata + StdError + 'static,
{
    let (code, message) = classify_call(service.as_str(), api, err);
    let error = CollectionError {
        service,
        api: api.to_string(),
        code,
        message,
        resource: resource.map(str::to_string),
    };
    tracing::debug!(
        service = %error.service, api = %error.api, code = %error.code,
        resource = ?error.resource, "collection call failed"
    );
    error
}

/// The code and the sanitized message of a failed call.
pub(crate) fn classify<E>(err: &SdkError<E, HttpResponse>) -> (String, String)
where
    E: ProvideErrorMetadata + StdError + 'static,
{
    let (code, message) = match err {
        SdkError::ServiceError(ctx) => {
            let status = ctx.raw().status().as_u16();
            let code = ctx
                .err()
                .code()
                .map(str::to_string)
                .unwrap_or_else(|| format!("Http{status}"));
            let message = ctx
                .err()
                .message()
                .map(str::to_string)
                .unwrap_or_else(|| format!("HTTP status {status}"));
            (code, message)
        }
        other => (transport_class(other).to_string(), chain_message(other)),
    };
    (code, sanitize(&message))
}

/// [`classify`] for a call of `api` on `service` (`ec2`, `s3`, `route53`, `iam`, `sts`): when AWS
/// denied it, the message starts by naming the IAM action to grant.
pub(crate) fn classify_call<E>(
    service: &str,
    api: &str,
    err: &SdkError<E, HttpResponse>,
) -> (String, String)
where
    E: ProvideErrorMetadata + StdError + 'static,
{
    let (code, message) = classify(err);
    let message = explain_denied(service, api, &code, &message);
    (code, message)
}

/// Error codes AWS answers when the caller lacks a permission.
const ACCESS_DENIED_CODES: [&str; 4] = [
    "AccessDenied",
    "AccessDeniedException",
    "UnauthorizedOperation",
    "UnauthorizedAccess",
];

/// Whether a collection error code means a missing permission.
pub fn is_access_denied(code: &str) -> bool {
    ACCESS_DENIED_CODES.contains(&code)
}

/// The IAM action that authorizes an API call: the operation name, except for the S3 operations
/// whose action is named differently (see [`super::API_ACTIONS`]).
pub fn iam_action(service: &str, api: &str) -> String {
    let action = match (service, api) {
        ("s3", "ListBuckets") => "ListAllMyBuckets",
        ("s3", "GetBucketReplication") => "GetReplicationConfiguration",
        ("s3", "GetBucketEncryption") => "GetEncryptionConfiguration",
        (_, api) => api,
    };
    let prefix = crate::vocab::Service::parse(service).map_or(service, |s| s.iam_prefix());
    format!("{prefix}:{action}")
}

/// A denied call's message, led by the missing IAM action (AWS's own message rarely names it:
/// S3 says `Access Denied`, EC2 `You are not authorized to perform this operation.`).
fn explain_denied(service: &str, api: &str, code: &str, message: &str) -> String {
    if !is_access_denied(code) {
        return message.to_string();
    }
    let action = iam_action(service, api);
    sanitize(&format!(
        "missing IAM permission {action}: grant `{action}` to the identity drready runs as in          this site (the read-only policy is in docs/permissions.md); AWS said: {message}"
    ))
}

/// The messages of an error and its sources, joined with `: `, repeats left out.
fn chain_message(err: &(dyn StdError + 'static)) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut next: Option<&(dyn StdError + 'static)> = Some(err);
    while let Some(e) = next {
        let text = e.to_string();
        if !text.is_empty() && !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        next = e.source();
    }
    parts.join(": ")
}

/// Classifies an error AWS did not answer: `CredentialsError`, `ConnectionRefused`, `Timeout`,
/// `DispatchFailure`, `ResponseError` (an answer that could not be parsed) or
/// `ConstructionFailure`.
fn transport_class<E, R>(err: &SdkError<E, R>) -> &'static str
where
    E: StdError + 'static,
    R: std::fmt::Debug + 'static,
{
    let mut source: Option<&(dyn StdError + 'static)> = StdError::source(err);
    let mut io_kind = None;
    while let Some(e) = source {
        if e.downcast_ref::<CredentialsError>().is_some() {
            return "CredentialsError";
        }
        if let Some(io) = e.downcast_ref::<std::io::Error>() {
            io_kind.get_or_insert(io.kind());
        }
        source = e.source();
    }
    match err {
        SdkError::TimeoutError(_) => "Timeout",
        SdkError::DispatchFailure(d) => {
            if d.is_timeout() {
                "Timeout"
            } else if io_kind == Some(std::io::ErrorKind::ConnectionRefused)
                || chain_message(err).contains("Connection refused")
            {
                "ConnectionRefused"
            } else if matches!(io_kind, Some(std::io::ErrorKind::TimedOut)) {
                "Timeout"
            } else {
                "DispatchFailure"
            }
        }
        SdkError::ResponseError(_) => "ResponseError",
        SdkError::ConstructionFailure(_) => "ConstructionFailure",
        _ => "Unknown",
    }
}

/// Keeps a message short and free of anything that looks like a credential or a signature.
pub(crate) fn sanitize(message: &str) -> String {
    const SECRET_MARKERS: [&str; 6] = [
        "Signature=",
        "Credential=",
        "X-Amz-Security-Token",
        "x-amz-security-token",
        "authorization:",
        "Authorization:",
    ];
    let mut words = Vec::new();
    let mut redact_rest = false;
    for word in message.split_whitespace() {
        if redact_rest {
            break;
        }
        if SECRET_MARKERS.iter().any(|m| word.contains(m)) {
            words.push("[redacted]".to_string());
            redact_rest = word.starts_with("authorization") || word.starts_with("Authorization");
            continue;
        }
        words.push(redact_access_keys(word));
    }
    let joined = words.join(" ");
    if joined.chars().count() <= MAX_MESSAGE_CHARS {
        joined
    } else {
        let cut: String = joined.chars().take(MAX_MESSAGE_CHARS).collect();
        format!("{cut}…")
    }
}

/// Replaces AWS access key ids (`AKIA…`, `ASIA…`: 20 upper-case letters and digits).
fn redact_access_keys(word: &str) -> String {
    let bytes = word.as_bytes();
    let mut out = String::with_capacity(word.len());
    let mut i = 0;
    while i < bytes.len() {
        let rest = &word[i..];
        let is_key = (rest.starts_with("AKIA") || rest.starts_with("ASIA"))
            && rest.len() >= 20
            && rest.as_bytes()[..20]
                .iter()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit());
        if is_key {
            out.push_str("[redacted]");
            i += 20;
        } else {
            let ch = rest.chars().next().unwrap_or_default();
            out.push(ch);
            i += ch.len_utf8().max(1);
        }
    }
    out
}

/// One error per service for a site that could not be read at all (no identity, no region).
pub(crate) fn whole_service(
    service: Service,
    api: &str,
    code: &str,
    message: &str,
) -> CollectionError {
    CollectionError {
        service,
        api: api.to_string(),
        code: code.to_string(),
        message: sanitize(message),
        resource: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sanitize_redacts_signatures_and_keys() {
        let m = sanitize(
            "failed: Credential=AKIAABCDEFGHIJKLMNOP/20260101/us-east-1 Signature=abc key ASIAABCDEFGHIJKLMNOP.",
        );
        assert!(!m.contains("AKIA"), "{m}");
        assert!(!m.contains("ASIAABCD"), "{m}");
        assert!(!m.contains("abc"), "{m}");
        assert!(m.starts_with("failed:"), "{m}");
    }

    #[test]
    fn sanitize_drops_everything_after_an_authorization_header() {
        let m = sanitize("request Authorization: AWS4-HMAC-SHA256 secret stuff");
        assert_eq!(m, "request [redacted]");
    }

    #[test]
    fn every_collector_call_maps_to_an_action_of_the_read_policy() {
        let calls = [
            ("ec2", "DescribeInstances"),
            ("ec2", "DescribeImages"),
            ("ec2", "DescribeLaunchTemplates"),
            ("ec2", "DescribeLaunchTemplateVersions"),
            ("ec2", "DescribeVolumes"),
            ("ec2", "DescribeSnapshots"),
            ("ec2", "DescribeVpcs"),
            ("ec2", "DescribeSubnets"),
            ("ec2", "DescribeSecurityGroups"),
            ("ec2", "DescribeKeyPairs"),
            ("ec2", "DescribeManagedPrefixLists"),
            ("s3", "ListBuckets"),
            ("s3", "GetBucketLocation"),
            ("s3", "GetBucketVersioning"),
            ("s3", "GetBucketReplication"),
            ("s3", "GetBucketEncryption"),
            ("s3", "GetBucketTagging"),
            ("s3", "GetBucketLogging"),
            ("route53", "ListHostedZones"),
            ("route53", "ListResourceRecordSets"),
            ("route53", "ListHealthChecks"),
            ("route53", "ListTagsForResources"),
            ("iam", "GetAccountAuthorizationDetails"),
            ("iam", "ListInstanceProfiles"),
            ("sts", "GetCallerIdentity"),
            ("ec2", "DescribeInstanceTypes"),
            ("rds", "DescribeDBInstances"),
            ("rds", "DescribeDBClusters"),
            ("rds", "DescribeGlobalClusters"),
            ("rds", "DescribeDBSnapshots"),
            ("rds", "DescribeDBClusterSnapshots"),
            ("dynamodb", "ListTables"),
            ("dynamodb", "DescribeTable"),
            ("dynamodb", "DescribeContinuousBackups"),
            ("dynamodb", "ListTagsOfResource"),
            ("autoscaling", "DescribeAutoScalingGroups"),
            ("elbv2", "DescribeLoadBalancers"),
            ("elbv2", "DescribeListeners"),
            ("elbv2", "DescribeListenerCertificates"),
            ("elbv2", "DescribeTargetGroups"),
            ("elbv2", "DescribeTags"),
            ("acm", "ListCertificates"),
            ("acm", "DescribeCertificate"),
            ("acm", "ListTagsForCertificate"),
            ("kms", "ListKeys"),
            ("kms", "DescribeKey"),
            ("kms", "ListAliases"),
            ("kms", "ListResourceTags"),
            ("secretsmanager", "ListSecrets"),
            ("secretsmanager", "DescribeSecret"),
            ("servicequotas", "GetServiceQuota"),
        ];
        let mapped: Vec<String> = calls.iter().map(|(s, a)| iam_action(s, a)).collect();
        let mut sorted = mapped.clone();
        sorted.sort();
        assert_eq!(sorted, super::super::API_ACTIONS);
    }

    #[test]
    fn access_denied_names_the_missing_action() {
        let m = explain_denied(
            "s3",
            "GetBucketReplication",
            "AccessDenied",
            "Access Denied",
        );
        assert!(
            m.starts_with("missing IAM permission s3:GetReplicationConfiguration:"),
            "{m}"
        );
        assert!(m.ends_with("AWS said: Access Denied"), "{m}");
        let m = explain_denied("ec2", "DescribeSnapshots", "UnauthorizedOperation", "no");
        assert!(m.contains("`ec2:DescribeSnapshots`"), "{m}");
        assert_eq!(
            explain_denied("s3", "ListBuckets", "SlowDown", "slow"),
            "slow"
        );
        let long = "x ".repeat(600);
        let m = explain_denied("iam", "ListInstanceProfiles", "AccessDenied", &long);
        assert!(m.starts_with("missing IAM permission iam:ListInstanceProfiles"));
    }

    #[test]
    fn sanitize_truncates_long_messages() {
        let m = sanitize(&"x ".repeat(1000));
        assert!(m.chars().count() <= MAX_MESSAGE_CHARS + 1);
    }
}
