//! The report model — everything a renderer needs — and the renderers, one per format.

pub mod diff;
pub mod html;
pub mod json;
pub mod junit;
pub mod markdown;
pub mod org;
pub mod sarif;
pub mod table;
pub mod text;

use crate::error::Error;
use std::borrow::Cow;
use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::config::{Config, Objectives};
use crate::findings::{Finding, WaiverReport, WaiverStatus};
use crate::gate::GateResult;
use crate::parity::{KindSummary, Pair, Parity, Unpaired};
use crate::policy::{RuleResult, RuleStatus};
use crate::score::Scores;
use crate::snapshot::{CollectionError, Site, Snapshot};
use crate::vocab::{Category, Severity};

/// Version of the JSON report format (docs/report.schema.json).
pub const REPORT_VERSION: u32 = 1;

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Report {
    pub report_version: u32,
    pub tool: Tool,
    /// Wall-clock time the report was made: the only volatile field.
    pub generated_at: DateTime<Utc>,
    /// When the snapshot was collected; rules judge ages against this time.
    pub collected_at: DateTime<Utc>,
    /// `PRIMARY_REGION/STANDBY_REGION`.
    pub site_pair: String,
    /// The target (`[[targets]] name`) this report judges, in a multi-target run.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
    /// The configuration file used, if any (SARIF anchors results to it).
    pub config_file: Option<String>,
    pub sites: Sites,
    /// Resources left out: the scope tag with value `none`, `scope.exclude`, `scope.services`
    /// (not those listed in `not_dr_data` or `other_site_pairs`).
    pub out_of_scope: usize,
    /// Resources that are not DR data (service and tooling buckets, log targets), with the
    /// reason: not judged, listed so a reviewer can see what was set aside.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub not_dr_data: Vec<crate::snapshot::dr_data::NotDrData>,
    /// Global resources (IAM roles, Route 53 record sets and health checks) set aside because
    /// they serve another site pair of the account, or name no region while another target of
    /// the account owns such resources, with the reason (`snapshot::attribution`). Not judged
    /// and not counted in `out_of_scope`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub other_site_pairs: Vec<crate::snapshot::attribution::OtherSitePair>,
    /// Services in scope that the snapshot never set out to read in one site or both (a snapshot
    /// written before drready read them, or collected with a narrower `scope.services`): their
    /// rules judged nothing, which says nothing about readiness.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub not_collected: Vec<crate::vocab::Service>,
    pub objectives: Objectives,
    /// Which workloads could fail over now: a verdict per workload with its blocking findings,
    /// and the blocking findings that belong to no workload.
    #[serde(default)]
    pub workloads: crate::verdicts::WorkloadVerdicts,
    /// Observed recovery points per workload, next to the RPO (docs/output-formats.md).
    #[serde(default)]
    pub recovery_points: Vec<crate::evidence::RecoveryPoint>,
    pub score: ScoreSection,
    pub gate: GateResult,
    pub summary: Summary,
    pub rules: Vec<RuleEntry>,
    pub findings: Vec<Finding>,
    pub parity: ParitySection,
    pub waivers: Vec<WaiverReport>,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Tool {
    pub name: Cow<'static, str>,
    pub version: Cow<'static, str>,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Sites {
    pub primary: SiteSummary,
    pub standby: SiteSummary,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct SiteSummary {
    pub account: String,
    pub region: String,
    pub collected_at: DateTime<Utc>,
    /// Resources per kind (after scope).
    pub resources: BTreeMap<String, usize>,
    pub complete: bool,
    pub collection_errors: Vec<CollectionError>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub api_calls: BTreeMap<String, u64>,
}

impl SiteSummary {
    fn of(site: &Site) -> Self {
        SiteSummary {
            account: site.account.clone(),
            region: site.region.clone(),
            collected_at: site.collected_at,
            resources: site
                .counts()
                .into_iter()
                .map(|(k, v)| (k.to_string(), v))
                .collect(),
            complete: site.collection_errors.is_empty(),
            collection_errors: site.collection_errors.clone(),
            api_calls: site.api_calls.clone(),
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ScoreSection {
    pub overall: Option<f64>,
    pub formula: Cow<'static, str>,
    pub categories: Vec<crate::score::CategoryScore>,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Summary {
    /// Unwaived findings.
    pub findings: usize,
    pub waived: usize,
    pub by_severity: BTreeMap<Severity, usize>,
    pub rules_passed: usize,
    pub rules_failed: usize,
    pub rules_unknown: usize,
    pub rules_not_applicable: usize,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct RuleEntry {
    pub id: String,
    pub title: String,
    pub severity: Severity,
    pub category: Category,
    pub status: RuleStatus,
    pub weight: f64,
    pub resources: usize,
    pub failed: usize,
    pub waived: usize,
    pub share: Option<f64>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unknown_because: Vec<String>,
    /// Resources this rule could not judge (ARN → the failed reads and the IAM actions they
    /// need); they count against the score.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub unknown_resources: BTreeMap<String, String>,
    pub why: String,
    pub remediation: String,
    pub remediation_detail: String,
    pub references: Vec<String>,
    pub file: String,
    pub line: usize,
    pub builtin: bool,
    /// Every resource judged (applicable or reported), sorted: the passing cases of JUnit.
    #[serde(skip)]
    pub judged: Vec<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ParitySection {
    pub summary: BTreeMap<String, KindSummary>,
    pub pairs: Vec<Pair>,
    pub missing_in_standby: Vec<Unpaired>,
    pub extra_in_standby: Vec<Unpaired>,
}

/// Everything evaluation produced, before it becomes a report.
pub struct Evaluated<'a> {
    pub snapshot: &'a Snapshot,
    pub parity: Parity,
    pub results: Vec<RuleResult>,
    pub findings: Vec<Finding>,
    pub waivers: Vec<WaiverReport>,
    pub scores: Scores,
    pub out_of_scope: usize,
    pub not_dr_data: Vec<crate::snapshot::dr_data::NotDrData>,
    pub other_site_pairs: Vec<crate::snapshot::attribution::OtherSitePair>,
    pub recovery_points: Vec<crate::evidence::RecoveryPoint>,
    pub workloads: crate::verdicts::WorkloadVerdicts,
}

impl Report {
    pub fn build(e: Evaluated<'_>, config: &Config, gate: GateResult) -> Report {
        let Evaluated {
            snapshot,
            parity,
            results,
            findings,
            waivers,
            scores,
            out_of_scope,
            not_dr_data,
            other_site_pairs,
            recovery_points,
            workloads,
        } = e;
        let rules: Vec<RuleEntry> = results
            .iter()
            .zip(&scores.rules)
            .map(|(r, s)| RuleEntry {
                id: r.rule.id.clone(),
                title: r.rule.title.clone(),
                severity: r.rule.severity,
                category: r.rule.category,
                status: s.status,
                weight: s.weight,
                resources: s.resources,
                failed: s.failed,
                waived: s.waived,
                share: s.share,
                unknown_because: r.unknown_because.clone(),
                unknown_resources: r.unknown_resources.clone(),
                why: r.rule.why.clone(),
                remediation: r.rule.remediation.clone(),
                remediation_detail: r.rule.remediation_detail.clone(),
                references: r.rule.references.clone(),
                file: r.rule.file.clone(),
                line: r.rule.line,
                builtin: r.rule.builtin,
                judged: judged(r, &findings),
            })
            .collect();
        let count = |st: RuleStatus| rules.iter().filter(|r| r.status == st).count();
        let mut by_severity = BTreeMap::new();
        for f in findings.iter().filter(|f| f.waived.is_none()) {
            *by_severity.entry(f.severity).or_insert(0) += 1;
        }
        let summary = Summary {
            findings: findings.iter().filter(|f| f.waived.is_none()).count(),
            waived: findings.iter().filter(|f| f.waived.is_some()).count(),
            by_severity,
            rules_passed: count(RuleStatus::Pass),
            rules_failed: count(RuleStatus::Fail),
            rules_unknown: count(RuleStatus::Unknown),
            rules_not_applicable: count(RuleStatus::NotApplicable),
        };
        Report {
            report_version: REPORT_VERSION,
            tool: Tool {
                name: Cow::Borrowed("drready"),
                version: Cow::Borrowed(env!("CARGO_PKG_VERSION")),
            },
            generated_at: Utc::now(),
            collected_at: snapshot.collected_at,
            site_pair: snapshot.site_pair(),
            target: config.target.clone(),
            config_file: config.path.as_ref().map(|p| p.display().to_string()),
            sites: Sites {
                primary: SiteSummary::of(&snapshot.primary),
                standby: SiteSummary::of(&snapshot.standby),
            },
            out_of_scope,
            not_dr_data,
            other_site_pairs,
            not_collected: config
                .scope
                .services
                .iter()
                .filter_map(|s| crate::vocab::Service::parse(s))
                .filter(|s| !snapshot.primary.collected(*s) || !snapshot.standby.collected(*s))
                .collect(),
            objectives: config.objectives.clone(),
            workloads,
            recovery_points,
            score: ScoreSection {
                overall: scores.overall,
                formula: Cow::Borrowed(crate::score::FORMULA),
                categories: scores.categories,
            },
            gate,
            summary,
            rules,
            findings,
            parity: ParitySection {
                summary: parity.summary(),
                pairs: parity.pairs,
                missing_in_standby: parity.missing_in_standby,
                extra_in_standby: parity.extra_in_standby,
            },
            waivers,
        }
    }

    pub fn unwaived(&self) -> impl Iterator<Item = &Finding> {
        self.findings.iter().filter(|f| f.waived.is_none())
    }

    pub fn waivers_with(&self, status: WaiverStatus) -> impl Iterator<Item = &WaiverReport> {
        self.waivers.iter().filter(move |w| w.status == status)
    }
}

/// A rule's judged resources as the score counts them: its `applicable` set plus every
/// resource it reported, sorted and unique.
fn judged(r: &RuleResult, findings: &[Finding]) -> Vec<String> {
    let reported = findings.iter().filter(|f| f.rule_id == r.rule.id);
    let mut all: std::collections::BTreeSet<&str> =
        r.applicable.iter().map(String::as_str).collect();
    all.extend(reported.map(|f| f.resource.as_str()));
    all.into_iter().map(str::to_string).collect()
}

/// Reads a JSON report written by `--format json=FILE` (for `--previous` and `drready diff`).
pub fn load(path: &std::path::Path) -> anyhow::Result<Report> {
    let text = std::fs::read_to_string(path).map_err(|e| {
        Error::Report(format!(
            "cannot read report {}: {e}; write one with `drready evaluate SNAPSHOT --format \
             json=FILE`",
            path.display()
        ))
    })?;
    parse(&text, &path.display().to_string())
}

/// Parses a JSON report; `origin` names it in errors.
pub fn parse(text: &str, origin: &str) -> anyhow::Result<Report> {
    let bad = |msg: String| -> anyhow::Error { Error::Report(msg).into() };
    match probe(text, origin)? {
        DocumentKind::Snapshot => {
            return Err(bad(format!(
                "{origin} is a snapshot, not a report; evaluate it first (`drready evaluate \
                 {origin} --format json=report.json`) or compare snapshots with `drready diff`"
            )));
        }
        DocumentKind::Report => {}
    }
    let de = &mut serde_json::Deserializer::from_str(text);
    serde_path_to_error::deserialize(de).map_err(|e| {
        bad(format!(
            "report {origin}: at $.{}: {}; write it again with `--format json=FILE`",
            e.path(),
            e.inner()
        ))
    })
}

/// What kind of drready JSON file a text is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocumentKind {
    /// A JSON report (`report_version`).
    Report,
    /// A snapshot (`schema_version`).
    Snapshot,
}

/// Tells a report from a snapshot by its version field, and checks the report version.
pub fn probe(text: &str, origin: &str) -> anyhow::Result<DocumentKind> {
    #[derive(Deserialize)]
    struct Versions {
        report_version: Option<serde_json::Value>,
        schema_version: Option<serde_json::Value>,
    }
    let v: Versions = serde_json::from_str(text).map_err(|e| {
        Error::Report(format!(
            "{origin} is not a drready JSON report or snapshot: {e}"
        ))
    })?;
    match (v.report_version, v.schema_version) {
        (Some(serde_json::Value::Number(n)), _) if n.as_u64() == Some(REPORT_VERSION as u64) => {
            Ok(DocumentKind::Report)
        }
        (Some(other), _) => Err(Error::Report(format!(
            "report {origin}: report_version {other} is not supported; this drready reads \
             report_version {REPORT_VERSION}. Evaluate the snapshot again with this release"
        ))
        .into()),
        (None, Some(_)) => Ok(DocumentKind::Snapshot),
        (None, None) => Err(Error::Report(format!(
            "{origin} has neither `report_version` nor `schema_version`; it is not a drready JSON \
             report or snapshot"
        ))
        .into()),
    }
}

/// A report, or a snapshot still to evaluate.
#[derive(Debug)]
pub enum Document {
    Report(Box<Report>),
    Snapshot(Box<Snapshot>),
}

/// Reads a JSON report or a snapshot, telling them apart by `report_version` / `schema_version`.
pub fn load_document(path: &std::path::Path) -> anyhow::Result<Document> {
    let meta = std::fs::metadata(path)
        .map_err(|e| Error::Report(format!("cannot read {}: {e}", path.display())))?;
    if meta.len() > crate::snapshot::max_snapshot_bytes() {
        // Only a snapshot can be this large; let the snapshot loader explain the limit.
        return crate::snapshot::load(path).map(|s| Document::Snapshot(Box::new(s)));
    }
    let bytes = std::fs::read(path)
        .map_err(|e| Error::Report(format!("cannot read {}: {e}", path.display())))?;
    let origin = path.display().to_string();
    let text = std::str::from_utf8(&bytes).map_err(|_| {
        Error::Report(format!(
            "{origin} is not UTF-8 text; give a JSON report or a snapshot"
        ))
    })?;
    match probe(text, &origin)? {
        DocumentKind::Report => Ok(Document::Report(Box::new(parse(text, &origin)?))),
        DocumentKind::Snapshot => Ok(Document::Snapshot(Box::new(crate::snapshot::parse(
            &bytes, &origin,
        )?))),
    }
}
