//! Findings: built in one place from rule results, with fingerprints and waivers applied.

use chrono::NaiveDate;
use serde::Serialize;
use sha2::{Digest, Sha256};

use crate::config::Waiver;
use crate::policy::RuleResult;
use crate::vocab::SiteRole;
use crate::vocab::{Category, Severity};

/// A finding as reported.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize, schemars::JsonSchema)]
pub struct Finding {
    pub rule_id: String,
    pub title: String,
    pub severity: Severity,
    pub category: Category,
    pub site: SiteRole,
    /// The ARN (or documented key) of the resource at fault.
    pub resource: String,
    pub message: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub related: Vec<String>,
    /// The one-line fix.
    pub remediation: String,
    /// Stable across runs and machines: sha256 of rule id, resource, site and site pair.
    pub fingerprint: String,
    /// The waiver hiding this finding from the gate and the score, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub waived: Option<AppliedWaiver>,
}

#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize, schemars::JsonSchema)]
pub struct AppliedWaiver {
    pub reason: String,
    pub expires: NaiveDate,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ticket: Option<String>,
    pub location: String,
}

/// What became of a configured waiver.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum WaiverStatus {
    /// In force and hiding at least one finding.
    Active,
    /// Past its date: hides nothing, and is reported.
    Expired,
    /// In force but matched no finding (a stale waiver or a typo).
    Unmatched,
}

#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize, schemars::JsonSchema)]
pub struct WaiverReport {
    #[serde(flatten)]
    pub waiver: Waiver,
    pub status: WaiverStatus,
    /// Findings it hides (active) or would hide (expired).
    pub matched: usize,
    /// Days until it expires (negative: expired that many days ago).
    pub days_left: i64,
}

/// The fingerprint of one finding.
pub fn fingerprint(rule_id: &str, resource: &str, site: SiteRole, site_pair: &str) -> String {
    let mut h = Sha256::new();
    for part in [rule_id, resource, site.as_str(), site_pair] {
        h.update(part.as_bytes());
        h.update([0u8]);
    }
    let digest = h.finalize();
    digest[..16].iter().map(|b| format!("{b:02x}")).collect()
}

pub use crate::snapshot::glob_match;

/// Builds findings from rule results and applies waivers as of `today`.
pub fn build(
    results: &[RuleResult],
    waivers: &[Waiver],
    site_pair: &str,
    today: NaiveDate,
) -> (Vec<Finding>, Vec<WaiverReport>) {
    let mut matched = vec![0usize; waivers.len()];
    let mut findings = Vec::new();
    for r in results {
        for f in &r.findings {
            let mut waived = None;
            for (i, w) in waivers.iter().enumerate() {
                if w.rule.eq_ignore_ascii_case(&r.rule.id) && glob_match(&w.resource, &f.resource) {
                    matched[i] += 1;
                    if waived.is_none() && w.expires >= today {
                        waived = Some(AppliedWaiver {
                            reason: w.reason.clone(),
                            expires: w.expires,
                            owner: w.owner.clone(),
                            ticket: w.ticket.clone(),
                            location: w.location.clone(),
                        });
                    }
                }
            }
            findings.push(Finding {
                rule_id: r.rule.id.clone(),
                title: r.rule.title.clone(),
                severity: r.rule.severity,
                category: r.rule.category,
                site: f.site,
                resource: f.resource.clone(),
                message: f.message.clone(),
                related: f.related.clone(),
                remediation: r.rule.remediation.clone(),
                fingerprint: fingerprint(&r.rule.id, &f.resource, f.site, site_pair),
                waived,
            });
        }
    }
    findings.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then_with(|| a.rule_id.cmp(&b.rule_id))
            .then_with(|| a.resource.cmp(&b.resource))
            .then_with(|| a.site.cmp(&b.site))
            .then_with(|| a.message.cmp(&b.message))
    });
    let reports = waivers
        .iter()
        .zip(matched)
        .map(|(w, n)| WaiverReport {
            waiver: w.clone(),
            status: if w.expires < today {
                WaiverStatus::Expired
            } else if n == 0 {
                WaiverStatus::Unmatched
            } else {
                WaiverStatus::Active
            },
            matched: n,
            days_left: (w.expires - today).num_days(),
        })
        .collect();
    (findings, reports)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs() {
        assert!(glob_match("arn:aws:s3:::logs-*", "arn:aws:s3:::logs-2024"));
        assert!(glob_match("*", "anything"));
        assert!(glob_match("a?c", "abc"));
        assert!(!glob_match("a?c", "abbc"));
        assert!(glob_match("*:instance/*", "arn:aws:ec2:r:1:instance/i-1"));
        assert!(!glob_match("arn:aws:s3:::logs", "arn:aws:s3:::logs-2024"));
    }

    #[test]
    fn fingerprints_are_stable_and_distinct() {
        let a = fingerprint(
            "DR-S3-001",
            "arn:aws:s3:::a",
            SiteRole::Primary,
            "us-east-1/us-west-2",
        );
        assert_eq!(a.len(), 32);
        assert_eq!(
            a,
            fingerprint(
                "DR-S3-001",
                "arn:aws:s3:::a",
                SiteRole::Primary,
                "us-east-1/us-west-2"
            )
        );
        assert_ne!(
            a,
            fingerprint(
                "DR-S3-001",
                "arn:aws:s3:::b",
                SiteRole::Primary,
                "us-east-1/us-west-2"
            )
        );
    }
}
