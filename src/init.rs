//! `drready init`: writes a commented `drready.toml` listing every option at its default.
//! It detects nothing and touches nothing in AWS.
//!
//! Settings that have no default (site regions, profiles, roles, `gate.fail_under`, waivers) are
//! written commented out as `#key = value` (no space after `#`), so uncommenting them gives a valid
//! file; explanations are `# text`. A test keeps this template equal to `Config::default()`.

use std::io::Write;
use std::path::Path;

use anyhow::Result;

use crate::error::Error;

/// The file `drready init` writes.
pub const TEMPLATE: &str = r#"# drready.toml: configuration of drready, which tells whether the standby site could take over
# from the primary site. Every option is listed with its default; delete what you do not change.
# Command-line flags override this file. Unknown keys are errors. Written by `drready init`.

# The primary site: the AWS account and region serving production today.
[primary]
# AWS region of the primary site (required for `drready scan`).
#region = "us-east-1"
# Named profile from ~/.aws/config; unset: the standard credential chain (env, SSO, IMDS, ...).
#profile = "prod"
# Read-only role to assume in the primary account.
#role_arn = "arn:aws:iam::111111111111:role/drready-readonly"
# External id the role's trust policy requires.
#external_id = "drready"
# Endpoint override, e.g. a moto server or a VPC endpoint.
#endpoint_url = "http://127.0.0.1:5000"

# The standby site: the account and region that would take over (may be the same account).
[standby]
# AWS region of the standby site (required for `drready scan`).
#region = "us-west-2"
# Named profile for the standby account.
#profile = "dr"
# Read-only role to assume in the standby account (cross-account standby).
#role_arn = "arn:aws:iam::222222222222:role/drready-readonly"
# External id the standby role's trust policy requires.
#external_id = "drready"
# Endpoint override for the standby site.
#endpoint_url = "http://127.0.0.1:5000"

# Many site pairs in one run (docs/organisation.md): one [[targets]] table per pair, with its own
# [targets.primary] / [targets.standby] (each key over the tables above), [targets.objectives]
# and [targets.scope]. `drready scan` then judges every target and writes an organisation report.
#[[targets]]
# A unique name: letters, digits, - _ . (it names the target's report file).
#name = "payments-prod"
#[targets.primary]
# The target's primary region (and any other [primary] key).
#region = "us-east-1"
#[targets.standby]
# The target's standby region (and any other [standby] key).
#region = "us-west-2"
#[targets.objectives]
# Each objective over the top-level [objectives].
#rpo = "15m"

# Which resources are collected and judged.
[scope]
# Services to collect. A service left out is neither collected nor judged.
services = ["ec2", "s3", "route53", "iam", "rds", "dynamodb", "autoscaling", "elbv2", "acm", "kms",
            "secretsmanager", "servicequotas"]
# A resource whose tag of this name is `none` is left out of scope.
scope_tag = "dr:scope"
# Tag keys whose values become `[redacted]` in snapshots and reports (also --redact-tags).
# Tags drready reads (Name, the pairing, app and scope tags, dr:*) cannot be redacted.
redact_tags = []
# ARN globs (* and ?) left out of scope, e.g. ["arn:aws:s3:::scratch-*"].
exclude = []
# Service and tooling buckets (CDK bootstrap, cf-templates, CloudTrail, Config, access-log and
# load-balancer log targets, Athena results, Terraform state, logs shipped to a log archive) are
# not DR data: reported apart and not judged. ARN globs here are DR data whatever they look like.
include = []
# A resource tagged with this key = "true" is DR data, = "false" is not, whatever it looks like.
data_tag = "dr:data"

# How a primary resource finds its standby twin: pairing tag, then name (region tokens, then role
# words), then lineage, then generated names (CloudFormation stack, Terraform name_prefix) and the
# network's structure (the only VPC left on each side, subnets at the same AZ and CIDR offset).
[pairing]
# Equal values of this tag on a primary and a standby resource make them twins.
pair_tag = "dr:pair"
# Tag that groups instances into workloads (applications).
app_tag = "app"
# Tag giving a workload's DR tier: pilot-light or warm-standby (else objectives.default_tier).
tier_tag = "dr:tier"
# Name rewrites applied after the region tokens (us-east-1 -> us-west-2, use1 -> usw2).
rewrites = []
# Example: names that say "east" in the primary and "west" in the standby.
#rewrites = [{ from = "east", to = "west" }]
# Role words: [primary word, standby word], tried one pair at a time and in order on names the
# region tokens did not pair (prod-main-app -> prod-dr-app). Whole words between - _ . or /, any
# case. A list here replaces this one; [] turns role words off.
role_words = [
  ["primary", "standby"],
  ["primary", "secondary"],
  ["primary", "dr"],
  ["main", "dr"],
  ["prod", "dr"],
  ["production", "dr"],
  ["active", "passive"],
]

# Recovery objectives; durations as 30s, 15m, 4h, 1d, 1w or sums such as 1h30m.
[objectives]
# Recovery point objective: the most recent data you may lose.
rpo = "1d"
# Recovery time objective: the longest a recovery may take.
rto = "4h"
# Largest TTL allowed on failover DNS records.
dns_ttl_max = "60s"
# How long a new snapshot may go uncopied before it is a finding (copies take time).
copy_grace = "1h"
# Whether the primary region must be able to take back over (failback) too.
failback = false
# DR tier of workloads without a `dr:tier` tag: pilot-light or warm-standby.
default_tier = "pilot-light"

# The release gate: exit 1 (not ready) or 3 (inventory incomplete) instead of 0.
[gate]
# Fail when the overall score (0-100) is below this; unset: the score alone never fails.
#fail_under = 80
# Fail when an unwaived finding has at least this severity: critical, high, medium, low or never.
fail_on = "high"
# Do not exit 3 when some inventory could not be read; unknown rules still count against the score.
allow_partial = false

# Collection tuning.
[collect]
# Most AWS calls in flight at once, over both sites.
max_concurrency = 64
# Timeout of one attempt of one call, in seconds.
attempt_timeout_secs = 10
# Timeout of one call including retries, in seconds.
call_timeout_secs = 60
# Attempts per call (standard retry: exponential backoff with jitter).
max_attempts = 5

# Waivers: accepted risks. A waiver hides the findings of one rule on resources matching an ARN
# glob (* any run, ? one character) from the gate and the score until it expires; an expired
# waiver hides nothing and is reported; a waiver that matches nothing is a warning.
# rule, resource, reason and expires are required; owner and ticket are optional.
#[[waiver]]
#rule = "DR-S3-001"
#resource = "arn:aws:s3:::acme-prod-use1-scratch-*"
#reason = "Scratch data, rebuilt from source in the standby region."
#expires = 2027-06-30
#owner = "platform-team"
#ticket = "DR-123"
"#;

/// Writes [`TEMPLATE`] to `path`; refuses to replace an existing file unless `force`.
pub fn write(path: &Path, force: bool) -> Result<()> {
    if force {
        return crate::fsutil::write_atomic(path, TEMPLATE.as_bytes());
    }
    let file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path);
    let mut file = match file {
        Ok(f) => f,
        Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
            return Err(Error::Usage(format!(
                "{} already exists; edit it, or pass --force to replace it with the defaults",
                path.display()
            ))
            .into());
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(Error::Usage(format!(
                "cannot write {}: {e}; create the folder first",
                path.display()
            ))
            .into());
        }
        Err(e) => {
            return Err(Error::Output(format!("cannot write {}: {e}", path.display())).into());
        }
    };
    file.write_all(TEMPLATE.as_bytes())
        .and_then(|()| file.sync_all())
        .map_err(|e| Error::Output(format!("cannot write {}: {e}", path.display())).into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;

    #[test]
    fn template_parses_to_the_defaults() {
        let c = Config::parse(TEMPLATE, Path::new("drready.toml")).unwrap();
        let d = Config::default();
        assert_eq!(c.primary, d.primary);
        assert_eq!(c.standby, d.standby);
        assert_eq!(c.scope, d.scope);
        assert_eq!(c.pairing, d.pairing);
        assert_eq!(c.objectives, d.objectives);
        assert_eq!(c.gate, d.gate);
        assert_eq!(c.collect, d.collect);
        assert!(c.waivers.is_empty());
    }

    #[test]
    fn uncommented_examples_are_valid() {
        let mut text = String::new();
        for line in TEMPLATE.lines() {
            let example = line.starts_with('#') && !line.starts_with("# ") && line != "#";
            let line = if example { &line[1..] } else { line };
            // The rewrites example replaces the `rewrites = []` default.
            if line == "rewrites = []" {
                continue;
            }
            text.push_str(line);
            text.push('\n');
        }
        let c = Config::parse(&text, Path::new("drready.toml")).unwrap();
        assert_eq!(c.primary.region.as_deref(), Some("us-east-1"));
        assert_eq!(
            c.standby.role_arn.as_deref().map(|r| r.contains("222")),
            Some(true)
        );
        assert_eq!(c.gate.fail_under, Some(80.0));
        assert_eq!(c.pairing.rewrites.len(), 1);
        assert_eq!(c.waivers.len(), 1);
        assert_eq!(c.waivers[0].ticket.as_deref(), Some("DR-123"));
    }

    #[test]
    fn every_option_has_a_comment() {
        let lines: Vec<&str> = TEMPLATE.lines().collect();
        for (i, line) in lines.iter().enumerate().skip(1) {
            let setting = line.trim_start_matches('#');
            if setting.contains(" = ") && !line.starts_with("# ") && !line.starts_with("#rewrites")
            {
                let prev = lines[i - 1];
                let in_waiver = lines[..i].iter().rev().take(8).any(|l| *l == "#[[waiver]]");
                assert!(
                    prev.starts_with("# ") || in_waiver,
                    "option `{line}` has no comment line above it"
                );
            }
        }
    }
}
