//! What is DR data. Every AWS account holds buckets that serve AWS services and tooling, not the
//! applications: CDK bootstrap assets, CloudFormation template uploads, CloudTrail, Config and
//! load-balancer logs, server-access-log targets, Athena results, Terraform state, logs shipped to
//! a central log archive — and DynamoDB tables of tooling (Terraform state locks, Amplify DataStore
//! sync tables). They are not replicated to a standby region on purpose, so judging them
//! as application data raises critical false alarms. They are recognised here, reported apart with
//! the reason, and not judged.
//!
//! The user overrides either way: tag `dr:data=true` (or an ARN in `scope.include`) makes a
//! resource DR data whatever it looks like; tag `dr:data=false` makes it not DR data.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use super::{Bucket, Site, Snapshot};
use crate::vocab::{ResourceKind, SiteRole};

/// A resource that is not DR data, and why.
#[derive(
    Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, schemars::JsonSchema,
)]
pub struct NotDrData {
    pub arn: String,
    pub kind: ResourceKind,
    pub site: SiteRole,
    /// Why, e.g. `CDK bootstrap assets`.
    pub reason: String,
}

/// The user's say over the classification.
#[derive(Debug, Clone, Copy, Default)]
pub struct DataOverrides<'a> {
    /// Tag whose value `true`/`false` says whether a resource is DR data (default `dr:data`).
    pub tag: &'a str,
    /// ARN globs that are DR data whatever they look like.
    pub include: &'a [String],
    /// What is in scope: only resources in scope are classified.
    pub scope: Option<&'a super::Scope>,
}

/// The words of a name: its lower-cased parts between `-`, `.` and `_`.
fn words(name: &str) -> Vec<String> {
    name.to_ascii_lowercase()
        .split(['-', '.', '_'])
        .map(String::from)
        .collect()
}

/// Bucket name patterns of AWS services and tooling: (test, reason).
fn tooling_reason(name: &str) -> Option<&'static str> {
    let n = name.to_ascii_lowercase();
    let tokens = words(name);
    let has = |t: &str| tokens.iter().any(|w| w == t);
    Some(if n.starts_with("cdk-") && n.contains("-assets-") {
        "CDK bootstrap assets"
    } else if n.starts_with("cf-templates-") {
        "CloudFormation template uploads"
    } else if n.starts_with("aws-cloudtrail-logs-") || has("cloudtrail") {
        "CloudTrail logs"
    } else if n.starts_with("config-bucket-") || n.starts_with("aws-config-") {
        "AWS Config delivery"
    } else if n.starts_with("aws-athena-query-results-") || (has("athena") && has("results")) {
        "Athena query results"
    } else if n.starts_with("elasticbeanstalk-") {
        "Elastic Beanstalk application versions"
    } else if n.starts_with("aws-sam-cli-managed-") {
        "SAM CLI artifacts"
    } else if (has("terraform") || has("tf") || has("tofu")) && (has("state") || has("tfstate"))
        || has("tfstate")
    {
        "Terraform state"
    } else if (has("elb") || has("alb") || has("nlb") || has("lb")) && (has("logs") || has("log")) {
        "load balancer access logs"
    } else {
        return None;
    })
}

/// DynamoDB table names of tooling: (test, reason). Terraform/OpenTofu/Terragrunt state locks
/// (`terraform-locks`, `acme-tfstate-lock`, `tf-state-lock`) hold a lock item per state file and
/// are recreated empty; Amplify DataStore delta-sync tables (`AmplifyDataStore-<api>-<env>`) are
/// rebuilt by AppSync from the data tables.
fn table_tooling_reason(name: &str) -> Option<&'static str> {
    let tokens = words(name);
    let has = |t: &str| tokens.iter().any(|w| w == t);
    let tool = has("terraform") || has("tf") || has("tofu") || has("terragrunt") || has("tfstate");
    let lock = has("lock") || has("locks") || has("locking");
    Some(if tool && lock {
        "Terraform state lock table"
    } else if name.starts_with("AmplifyDataStore-") {
        "Amplify DataStore sync table"
    } else {
        return None;
    })
}

/// Why a bucket is not DR data, if it is not.
fn bucket_reason(
    b: &Bucket,
    log_targets: &BTreeSet<&str>,
    standby_names: &BTreeSet<&str>,
) -> Option<String> {
    if let Some(r) = tooling_reason(&b.name) {
        return Some(r.to_string());
    }
    if log_targets.contains(b.name.as_str()) {
        return Some("server access log target of other buckets".to_string());
    }
    // Logs shipped to a central log archive: every enabled rule replicates to a bucket outside
    // the standby site, and the bucket is named as a log bucket.
    let is_log = words(&b.name)
        .iter()
        .any(|t| t == "logs" || t == "log" || t == "logging");
    if is_log && let Some(rep) = &b.replication {
        let enabled: Vec<_> = rep.rules.iter().filter(|r| r.status == "Enabled").collect();
        if !enabled.is_empty()
            && enabled
                .iter()
                .all(|r| !standby_names.contains(super::bucket_name(&r.destination.bucket)))
        {
            return Some("logs replicated to a log archive outside the DR pair".to_string());
        }
    }
    None
}

fn explicit(tags: &super::Tags, tag: &str) -> Option<bool> {
    match tags.get(tag).map(|v| v.to_ascii_lowercase()) {
        Some(v) if v == "true" || v == "yes" => Some(true),
        Some(v) if v == "false" || v == "no" => Some(false),
        _ => None,
    }
}

/// The resources of both sites that are not DR data, sorted.
pub fn classify(snapshot: &Snapshot, over: &DataOverrides<'_>) -> Vec<NotDrData> {
    let log_targets: BTreeSet<&str> = [&snapshot.primary, &snapshot.standby]
        .into_iter()
        .flat_map(|s: &Site| &s.s3.buckets)
        .filter_map(|b| b.logging_target.as_deref().filter(|t| *t != b.name))
        .collect();
    let standby_names: BTreeSet<&str> = snapshot
        .standby
        .s3
        .buckets
        .iter()
        .map(|b| b.name.as_str())
        .collect();
    let mut out = Vec::new();
    for role in SiteRole::BOTH {
        for b in &snapshot.site(role).s3.buckets {
            if over
                .scope
                .is_some_and(|sc| !sc.keeps(ResourceKind::Bucket, b))
            {
                continue;
            }
            let included = over.include.iter().any(|g| super::glob_match(g, &b.arn));
            let reason = match explicit(&b.tags, over.tag) {
                Some(true) => None,
                Some(false) => Some(format!("tagged {}=false", over.tag)),
                None if included => None,
                None => bucket_reason(b, &log_targets, &standby_names),
            };
            if let Some(reason) = reason {
                out.push(NotDrData {
                    arn: b.arn.clone(),
                    kind: ResourceKind::Bucket,
                    site: role,
                    reason,
                });
            }
        }
    }
    for role in SiteRole::BOTH {
        for t in &snapshot.site(role).dynamodb.tables {
            if over
                .scope
                .is_some_and(|sc| !sc.keeps(ResourceKind::Table, t))
            {
                continue;
            }
            let included = over.include.iter().any(|g| super::glob_match(g, &t.arn));
            let reason = match explicit(&t.tags, over.tag) {
                Some(true) => None,
                Some(false) => Some(format!("tagged {}=false", over.tag)),
                None if included => None,
                None => table_tooling_reason(&t.name).map(str::to_string),
            };
            if let Some(reason) = reason {
                out.push(NotDrData {
                    arn: t.arn.clone(),
                    kind: ResourceKind::Table,
                    site: role,
                    reason,
                });
            }
        }
    }
    out.sort();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tooling_tables_are_recognised_and_application_tables_are_not() {
        for name in [
            "terraform-locks",
            "acme-prod-tfstate-lock",
            "tf-state-locking",
            "terragrunt-lock-table",
        ] {
            assert_eq!(
                table_tooling_reason(name),
                Some("Terraform state lock table"),
                "{name}"
            );
        }
        assert_eq!(
            table_tooling_reason("AmplifyDataStore-abc123-prod"),
            Some("Amplify DataStore sync table")
        );
        for name in [
            "orders",
            "web-sessions",
            "lock-service-leases",
            "tf-experiments",
        ] {
            assert_eq!(table_tooling_reason(name), None, "{name}");
        }
    }

    #[test]
    fn tooling_names_are_recognised_and_application_names_are_not() {
        for (name, reason) in [
            (
                "cdk-hnb659fds-assets-111111111111-us-east-1",
                "CDK bootstrap assets",
            ),
            (
                "cf-templates-1a2b3c4d5e6f-us-east-1",
                "CloudFormation template uploads",
            ),
            (
                "aws-cloudtrail-logs-111111111111-3f9a1c2d",
                "CloudTrail logs",
            ),
            ("config-bucket-111111111111", "AWS Config delivery"),
            (
                "aws-athena-query-results-111111111111-us-east-1",
                "Athena query results",
            ),
            ("acme-terraform-state", "Terraform state"),
            ("acme-prod-alb-logs", "load balancer access logs"),
        ] {
            assert_eq!(tooling_reason(name), Some(reason), "{name}");
        }
        for name in [
            "acme-prod-use1-orders",
            "acme-state-machine-data",
            "catalog-blob-store",
            "acme-prod-use1-web-logs-analytics-input",
            "alberta-assets",
        ] {
            assert_eq!(tooling_reason(name), None, "{name}");
        }
    }
}
