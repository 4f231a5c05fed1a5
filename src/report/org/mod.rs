//! The organisation report: many targets (named site pairs) judged in one run, or in shards
//! merged later (`drready merge`). It is a pure function of the per-target JSON reports, so a
//! merged run and a one-process run of the same targets give the same organisation report
//! (docs/organisation.md).

pub mod junit;
pub mod markdown;
pub mod sarif;
pub mod table;

use std::borrow::Cow;
use std::collections::BTreeMap;

use anyhow::Result;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{Report, Summary, Tool};
use crate::error::Error;
use crate::findings::Finding;
use crate::score::CategoryScore;
use crate::vocab::{Severity, Verdict};

/// Version of the organisation JSON report (docs/org-report.schema.json).
pub const ORG_REPORT_VERSION: u32 = 1;

/// The organisation JSON report: one summary per target and every finding with its target.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct OrgReport {
    pub org_report_version: u32,
    pub tool: Tool,
    /// Wall-clock time the report was made: the only volatile field.
    pub generated_at: DateTime<Utc>,
    /// The worst target verdict: `incomplete` before `not_ready` before `ready`.
    pub verdict: Verdict,
    /// The run's exit code, from the verdict (docs/exit-codes.md).
    pub exit_code: u8,
    pub summary: OrgSummary,
    /// Worst first: by verdict, then lowest score (no score first), then name.
    pub targets: Vec<TargetSummary>,
    /// Every finding of every target (waived ones included, marked), in target order.
    pub findings: Vec<OrgFinding>,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct OrgSummary {
    pub targets: usize,
    pub ready: usize,
    pub not_ready: usize,
    pub incomplete: usize,
    /// Unwaived findings over all targets.
    pub findings: usize,
    pub waived: usize,
    pub by_severity: BTreeMap<Severity, usize>,
    /// Workloads over all targets, and how many of them could fail over now.
    pub workloads: usize,
    pub workloads_ready: usize,
}

/// One target's verdict and scores.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct TargetSummary {
    /// The target's name (`[[targets]] name`; the site pair for a report of a single-pair run).
    pub name: String,
    /// `PRIMARY_REGION/STANDBY_REGION`.
    pub site_pair: String,
    pub primary: SiteRef,
    pub standby: SiteRef,
    pub collected_at: DateTime<Utc>,
    pub verdict: Verdict,
    pub exit_code: u8,
    /// Why the gate failed (empty when it passed).
    pub reasons: Vec<String>,
    pub score: Option<f64>,
    pub categories: Vec<CategoryScore>,
    pub summary: Summary,
    pub workloads: usize,
    pub workloads_ready: usize,
    /// Sites that could not be read at all, with the first error (`primary us-east-1: ...`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unreadable: Vec<String>,
}

/// Where a site is.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct SiteRef {
    pub account: String,
    pub region: String,
    /// Everything in scope could be read.
    pub complete: bool,
}

/// A finding with the target it belongs to.
#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct OrgFinding {
    pub target: String,
    #[serde(flatten)]
    pub finding: Finding,
}

/// The organisation report and the per-target reports it summarises, in the same (worst-first)
/// order: what every organisation renderer reads.
#[derive(Debug, Clone)]
pub struct Org {
    pub report: OrgReport,
    pub reports: Vec<Report>,
}

/// The name a report goes by in an organisation report.
pub fn target_name(report: &Report) -> String {
    report
        .target
        .clone()
        .unwrap_or_else(|| report.site_pair.clone())
}

impl Org {
    /// Builds the organisation report from per-target reports (any order). Two reports of one
    /// target name are an error: a shard was merged twice, or two targets share a name.
    pub fn build(mut reports: Vec<Report>) -> Result<Org> {
        if reports.is_empty() {
            return Err(Error::Usage("no target reports to combine".into()).into());
        }
        let mut seen: BTreeMap<String, usize> = BTreeMap::new();
        for (i, r) in reports.iter().enumerate() {
            if let Some(first) = seen.insert(target_name(r), i) {
                return Err(Error::Report(format!(
                    "two reports of target `{}` (inputs #{} and #{}): merge each shard's reports \
                     once, and give every target its own name",
                    target_name(r),
                    first + 1,
                    i + 1
                ))
                .into());
            }
        }
        reports.sort_by(|a, b| {
            crate::gate::verdict_rank(a.gate.verdict)
                .cmp(&crate::gate::verdict_rank(b.gate.verdict))
                .then_with(|| {
                    // No score is worse than any score.
                    let s = |r: &Report| r.score.overall.map_or(-1.0, |v| v);
                    s(a).total_cmp(&s(b))
                })
                .then_with(|| target_name(a).cmp(&target_name(b)))
        });
        let targets: Vec<TargetSummary> = reports.iter().map(summarise).collect();
        let verdict = crate::gate::for_targets(targets.iter().map(|t| t.verdict));
        let mut by_severity = BTreeMap::new();
        for r in &reports {
            for (sev, n) in &r.summary.by_severity {
                *by_severity.entry(*sev).or_insert(0) += n;
            }
        }
        let count = |v: Verdict| targets.iter().filter(|t| t.verdict == v).count();
        let summary = OrgSummary {
            targets: targets.len(),
            ready: count(Verdict::Ready),
            not_ready: count(Verdict::NotReady),
            incomplete: count(Verdict::Incomplete),
            findings: reports.iter().map(|r| r.summary.findings).sum(),
            waived: reports.iter().map(|r| r.summary.waived).sum(),
            by_severity,
            workloads: targets.iter().map(|t| t.workloads).sum(),
            workloads_ready: targets.iter().map(|t| t.workloads_ready).sum(),
        };
        let findings = reports
            .iter()
            .flat_map(|r| {
                let name = target_name(r);
                r.findings.iter().map(move |f| OrgFinding {
                    target: name.clone(),
                    finding: f.clone(),
                })
            })
            .collect();
        let report = OrgReport {
            org_report_version: ORG_REPORT_VERSION,
            tool: Tool {
                name: Cow::Borrowed("drready"),
                version: Cow::Borrowed(env!("CARGO_PKG_VERSION")),
            },
            generated_at: Utc::now(),
            verdict,
            exit_code: crate::gate::ExitStatus::from(verdict).code(),
            summary,
            targets,
            findings,
        };
        Ok(Org { report, reports })
    }

    /// The organisation report of a single-pair run (what `--format html` shows for it).
    pub fn of_one(report: &Report) -> Org {
        Org::build(vec![report.clone()]).expect("one report has no duplicate target")
    }
}

fn summarise(r: &Report) -> TargetSummary {
    let site = |s: &super::SiteSummary| SiteRef {
        account: s.account.clone(),
        region: s.region.clone(),
        complete: s.complete,
    };
    let unreadable = [("primary", &r.sites.primary), ("standby", &r.sites.standby)]
        .into_iter()
        .filter(|(_, s)| s.account == crate::snapshot::UNKNOWN_ACCOUNT)
        .filter_map(|(role, s)| {
            s.collection_errors
                .first()
                .map(|e| format!("{role} {}: {} ({})", s.region, e.message, e.code))
        })
        .collect();
    TargetSummary {
        name: target_name(r),
        site_pair: r.site_pair.clone(),
        primary: site(&r.sites.primary),
        standby: site(&r.sites.standby),
        collected_at: r.collected_at,
        verdict: r.gate.verdict,
        exit_code: r.gate.exit_code,
        reasons: r.gate.reasons.clone(),
        score: r.score.overall,
        categories: r.score.categories.clone(),
        summary: r.summary.clone(),
        workloads: r.workloads.workloads.len(),
        workloads_ready: r.workloads.ready(),
        unreadable,
    }
}

/// The organisation JSON report.
pub fn render_json(org: &Org) -> Result<String> {
    let mut text = serde_json::to_string_pretty(&org.report)?;
    text.push('\n');
    Ok(text)
}

/// An earlier run for the HTML score-over-time chart: an organisation JSON report, or a
/// single-pair JSON report (an organisation of one target).
pub fn load_history(path: &std::path::Path) -> Result<OrgReport> {
    let origin = path.display().to_string();
    let text = std::fs::read_to_string(path)
        .map_err(|e| Error::Report(format!("cannot read report {origin}: {e}")))?;
    #[derive(Deserialize)]
    struct Version {
        org_report_version: Option<serde_json::Value>,
    }
    let v: Version = serde_json::from_str(&text)
        .map_err(|e| Error::Report(format!("{origin} is not a drready JSON report: {e}")))?;
    match v.org_report_version {
        Some(serde_json::Value::Number(n)) if n.as_u64() == Some(ORG_REPORT_VERSION as u64) => {
            let de = &mut serde_json::Deserializer::from_str(&text);
            serde_path_to_error::deserialize(de).map_err(|e| {
                Error::Report(format!(
                    "organisation report {origin}: at $.{}: {}",
                    e.path(),
                    e.inner()
                ))
                .into()
            })
        }
        Some(other) => Err(Error::Report(format!(
            "organisation report {origin}: org_report_version {other} is not supported; this \
             drready reads org_report_version {ORG_REPORT_VERSION}"
        ))
        .into()),
        None => Ok(Org::of_one(&super::parse(&text, &origin)?).report),
    }
}
