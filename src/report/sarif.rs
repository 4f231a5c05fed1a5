//! SARIF 2.1.0 for GitHub code scanning, built on `serde-sarif`'s typed model
//! (docs/output-formats.md describes every mapping).

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Component, Path, PathBuf};

use anyhow::Result;
use serde_json::{Value, json};
use serde_sarif::sarif::{
    self, ArtifactLocation, Invocation, Location, LogicalLocation, Message,
    MultiformatMessageString, Notification, PhysicalLocation, PropertyBag, Region,
    ReportingConfiguration, ReportingDescriptor, ResultLevel, Run, RunAutomationDetails, Sarif,
    Suppression, Tool, ToolComponent,
};

use super::{Report, RuleEntry};
use crate::findings::Finding;
use crate::policy::RuleStatus;
use crate::vocab::Severity;

pub const INFORMATION_URI: &str = "https://github.com/drready/drready";
const HELP_URI_BASE: &str = "https://github.com/drready/drready/blob/main/docs/rules";
const SCHEMA_URI: &str = "https://json.schemastore.org/sarif-2.1.0.json";
/// The file results are anchored to when the report was made without a configuration file.
pub const ANCHOR_FILE: &str = "drready.toml";
/// Base id of every artifact location: the root of the repository being scanned.
pub const SRCROOT: &str = "%SRCROOT%";
/// Key of the one partial fingerprint every result carries.
pub const FINGERPRINT_KEY: &str = "drready/v1";
/// GitHub code scanning accepts at most this many results per run.
pub const MAX_RESULTS: usize = 25_000;

/// Rendering options.
#[derive(Debug, Clone)]
pub struct SarifOptions {
    /// List every rule in `tool.driver.rules`, not only those that produced a result.
    pub all_rules: bool,
    /// Results kept per run, the most severe first (default [`MAX_RESULTS`]).
    pub max_results: usize,
    /// The repository root: absolute config and policy paths under it become relative URIs.
    pub root: Option<PathBuf>,
}

impl Default for SarifOptions {
    fn default() -> Self {
        SarifOptions {
            all_rules: false,
            max_results: MAX_RESULTS,
            root: None,
        }
    }
}

/// How a severity shows in SARIF and GitHub code scanning.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SarifSeverity {
    pub level: ResultLevel,
    /// `properties."security-severity"` (GitHub: ≥9 critical, ≥7 high, ≥4 medium, else low).
    pub security_severity: &'static str,
    /// `properties."problem.severity"`.
    pub problem_severity: &'static str,
}

/// The one place severity maps to SARIF level and GitHub security severity.
pub fn severity(s: Severity) -> SarifSeverity {
    let (level, security_severity, problem_severity) = match s {
        Severity::Critical => (ResultLevel::Error, "9.5", "error"),
        Severity::High => (ResultLevel::Error, "8.0", "error"),
        Severity::Medium => (ResultLevel::Warning, "5.5", "warning"),
        Severity::Low => (ResultLevel::Note, "2.0", "recommendation"),
    };
    SarifSeverity {
        level,
        security_severity,
        problem_severity,
    }
}

fn level_str(l: ResultLevel) -> &'static str {
    match l {
        ResultLevel::Error => "error",
        ResultLevel::Warning => "warning",
        ResultLevel::Note => "note",
        ResultLevel::None => "none",
    }
}

/// `runs[0].automationDetails.id`: one category per site pair in code scanning.
pub fn automation_id(report: &Report) -> String {
    format!(
        "drready/{}-{}/",
        report.sites.primary.region, report.sites.standby.region
    )
}

pub fn render(report: &Report, opts: &SarifOptions) -> Result<String> {
    let mut s = serde_json::to_string_pretty(&log(report, opts))?;
    s.push('\n');
    Ok(s)
}

/// The SARIF log of a report: one run.
pub fn log(report: &Report, opts: &SarifOptions) -> Sarif {
    log_of(vec![run(report, opts, automation_id(report))])
}

/// A SARIF 2.1.0 log of the given runs.
pub fn log_of(runs: Vec<Run>) -> Sarif {
    Sarif::builder()
        .schema(SCHEMA_URI)
        .version(json!("2.1.0"))
        .runs(runs)
        .build()
}

/// The run of one report, under the given `automationDetails.id` (its code-scanning category).
pub fn run(report: &Report, opts: &SarifOptions, automation_id: String) -> Run {
    // The most severe first (stable: findings are already in a deterministic order).
    let mut kept: Vec<&Finding> = report.findings.iter().collect();
    kept.sort_by_key(|f| (std::cmp::Reverse(f.severity), f.waived.is_some()));
    let omitted = kept.len().saturating_sub(opts.max_results);
    kept.truncate(opts.max_results);

    let used: BTreeSet<&str> = kept.iter().map(|f| f.rule_id.as_str()).collect();
    let rules: BTreeMap<&str, &RuleEntry> = report
        .rules
        .iter()
        .filter(|r| opts.all_rules || used.contains(r.id.as_str()))
        .map(|r| (r.id.as_str(), r))
        .collect();
    let index: BTreeMap<&str, usize> = rules.keys().enumerate().map(|(i, k)| (*k, i)).collect();

    let results = kept
        .iter()
        .map(|f| {
            result(
                report,
                opts,
                f,
                rules.get(f.rule_id.as_str()).copied(),
                &index,
            )
        })
        .collect::<Vec<_>>();

    let driver = ToolComponent::builder()
        .name(report.tool.name.as_ref())
        .full_name(format!("{} {}", report.tool.name, report.tool.version))
        .version(report.tool.version.as_ref())
        .semantic_version(report.tool.version.as_ref())
        .information_uri(INFORMATION_URI)
        .rules(rules.values().map(|r| descriptor(r)).collect::<Vec<_>>())
        .build();

    let mut notes = Vec::new();
    if omitted > 0 {
        notes.push(notification(
            "warning",
            format!(
                "{omitted} of {} results were left out to stay within {} results per run; \
                 the most severe were kept. The JSON report has them all.",
                report.findings.len(),
                opts.max_results
            ),
        ));
    }
    for r in report
        .rules
        .iter()
        .filter(|r| r.status == RuleStatus::Unknown)
    {
        notes.push(notification(
            "warning",
            format!(
                "Rule {} could not be judged and counts against the score: {}.",
                r.id,
                r.unknown_because.join("; ")
            ),
        ));
    }

    let mut run_props = BTreeMap::new();
    run_props.insert("drready/sitePair".to_string(), json!(report.site_pair));
    run_props.insert("drready/resultsTotal".into(), json!(report.findings.len()));
    run_props.insert("drready/resultsOmitted".into(), json!(omitted));
    run_props.insert("drready/score".into(), json!(report.score.overall));

    let mut run = Run::builder()
        .tool(Tool::builder().driver(driver).build())
        .automation_details(RunAutomationDetails::builder().id(automation_id).build())
        .results(results)
        .properties(
            PropertyBag::builder()
                .additional_properties(run_props)
                .build(),
        )
        .build();
    if !notes.is_empty() {
        run.invocations = Some(vec![
            Invocation::builder()
                .execution_successful(true)
                .tool_execution_notifications(notes)
                .build(),
        ]);
    }
    run
}

fn notification(level: &str, text: String) -> Notification {
    Notification::builder()
        .level(json!(level))
        .message(Message::builder().text(text).build())
        .build()
}

fn text(s: impl Into<String>) -> MultiformatMessageString {
    MultiformatMessageString::builder().text(s.into()).build()
}

/// Ends a message with a period (SARIF2001).
fn sentence(s: &str) -> String {
    let s = s.trim_end();
    if s.ends_with(['.', '!', '?']) {
        s.to_string()
    } else {
        format!("{s}.")
    }
}

fn descriptor(r: &RuleEntry) -> ReportingDescriptor {
    let sev = severity(r.severity);
    let mut props = BTreeMap::new();
    props.insert(
        "security-severity".to_string(),
        json!(sev.security_severity),
    );
    props.insert("problem.severity".to_string(), json!(sev.problem_severity));
    ReportingDescriptor::builder()
        .id(r.id.clone())
        .name(rule_name(r))
        .short_description(text(r.title.clone()))
        .full_description(text(sentence(&r.why)))
        .help(
            MultiformatMessageString::builder()
                .text(help_text(r))
                .markdown(help_markdown(r))
                .build(),
        )
        .help_uri(format!("{HELP_URI_BASE}/{}.md", r.id))
        .default_configuration(
            ReportingConfiguration::builder()
                .level(json!(level_str(sev.level)))
                .build(),
        )
        .properties(
            PropertyBag::builder()
                .tags(vec![
                    r.category.to_string(),
                    "disaster-recovery".to_string(),
                    r.severity.to_string(),
                ])
                .additional_properties(props)
                .build(),
        )
        .build()
}

/// PascalCase of the rule's file stem (`s3_replication_missing.rego` → `S3ReplicationMissing`).
fn rule_name(r: &RuleEntry) -> String {
    let stem = Path::new(&r.file)
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or_default();
    let name: String = stem
        .split(['_', '-'])
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_uppercase().chain(c).collect::<String>())
                .unwrap_or_default()
        })
        .collect();
    if name.is_empty() { r.id.clone() } else { name }
}

fn help_text(r: &RuleEntry) -> String {
    let mut s = format!("{}\n\nFix: {}\n", r.why, r.remediation);
    if !r.remediation_detail.is_empty() {
        s.push_str(&format!("\n{}\n", r.remediation_detail));
    }
    if !r.references.is_empty() {
        s.push_str("\nReferences:\n");
        for u in &r.references {
            s.push_str(&format!("- {u}\n"));
        }
    }
    s
}

fn help_markdown(r: &RuleEntry) -> String {
    let mut s = format!(
        "**{}** ({} severity, {} category)\n\n{}\n\n**Fix:** {}\n",
        r.title, r.severity, r.category, r.why, r.remediation
    );
    if !r.remediation_detail.is_empty() {
        // A fence longer than any backtick run inside the detail.
        let longest = r
            .remediation_detail
            .split(|c| c != '`')
            .map(str::len)
            .max()
            .unwrap_or(0);
        let fence = "`".repeat(longest.max(2) + 1);
        s.push_str(&format!(
            "\n{fence}text\n{}\n{fence}\n",
            r.remediation_detail.trim_end()
        ));
    }
    if !r.references.is_empty() {
        s.push_str("\n**References**\n\n");
        for u in &r.references {
            s.push_str(&format!("- <{u}>\n"));
        }
    }
    s
}

fn result(
    report: &Report,
    opts: &SarifOptions,
    f: &Finding,
    rule: Option<&RuleEntry>,
    index: &BTreeMap<&str, usize>,
) -> sarif::Result {
    let region = match f.site {
        crate::vocab::SiteRole::Primary => &report.sites.primary.region,
        crate::vocab::SiteRole::Standby => &report.sites.standby.region,
    };
    let message = format!(
        "{} Resource {} at the {} site ({region}).",
        sentence(&f.message),
        f.resource,
        f.site
    );
    let (uri, line) = anchor(report, opts, f, rule);
    let location = Location::builder()
        .physical_location(
            PhysicalLocation::builder()
                .artifact_location(
                    ArtifactLocation::builder()
                        .uri(uri)
                        .uri_base_id(SRCROOT)
                        .build(),
                )
                .region(Region::builder().start_line(line as i64).build())
                .build(),
        )
        .logical_locations(vec![
            LogicalLocation::builder()
                .fully_qualified_name(f.resource.clone())
                .name(super::text::short_resource(&f.resource).to_string())
                .kind("resource")
                .build(),
        ])
        .build();
    let mut fingerprints = BTreeMap::new();
    fingerprints.insert(FINGERPRINT_KEY.to_string(), f.fingerprint.clone());
    let mut props = BTreeMap::new();
    props.insert("drready/site".to_string(), json!(f.site.as_str()));
    props.insert("drready/siteRegion".to_string(), json!(region));
    props.insert("drready/category".to_string(), json!(f.category));
    let mut r = sarif::Result::builder()
        .rule_id(f.rule_id.clone())
        .level(severity(f.severity).level)
        .message(Message::builder().text(message).build())
        .locations(vec![location])
        .partial_fingerprints(fingerprints)
        .properties(PropertyBag::builder().additional_properties(props).build())
        .build();
    r.rule_index = index.get(f.rule_id.as_str()).map(|i| *i as i64);
    if let Some(w) = &f.waived {
        let mut wp = BTreeMap::new();
        wp.insert("expires".to_string(), json!(w.expires));
        wp.insert("location".to_string(), json!(w.location));
        if let Some(o) = &w.owner {
            wp.insert("owner".to_string(), json!(o));
        }
        if let Some(t) = &w.ticket {
            wp.insert("ticket".to_string(), json!(t));
        }
        r.suppressions = Some(vec![
            Suppression::builder()
                .kind(Value::from("external"))
                .status(Value::from("accepted"))
                .justification(w.reason.clone())
                .properties(PropertyBag::builder().additional_properties(wp).build())
                .build(),
        ]);
    }
    r
}

/// Where a result points in the repository: the waiver that hides it, else a custom rule's
/// policy file, else the configuration file (or the anchor `drready.toml`) at line 1.
fn anchor(
    report: &Report,
    opts: &SarifOptions,
    f: &Finding,
    rule: Option<&RuleEntry>,
) -> (String, usize) {
    let config = report
        .config_file
        .as_deref()
        .and_then(|c| repo_uri(c, opts.root.as_deref()))
        .unwrap_or_else(|| ANCHOR_FILE.to_string());
    if let Some(w) = &f.waived {
        let line = w
            .location
            .rsplit_once(':')
            .and_then(|(_, l)| l.parse().ok());
        return (config, line.unwrap_or(1).max(1));
    }
    let custom = rule.filter(|r| !r.builtin && Path::new(&r.file).is_relative());
    if let Some((r, uri)) = custom.and_then(|r| Some((r, repo_uri(&r.file, None)?))) {
        return (uri, r.line.max(1));
    }
    (config, 1)
}

/// A repository-relative URI for a path, or `None` when it lies outside the repository.
fn repo_uri(path: &str, root: Option<&Path>) -> Option<String> {
    let p = Path::new(path);
    let rel = if p.is_absolute() {
        p.strip_prefix(root?).ok()?
    } else {
        p
    };
    let mut parts = Vec::new();
    for c in rel.components() {
        match c {
            Component::Normal(s) => parts.push(s.to_str()?),
            Component::CurDir => {}
            _ => return None,
        }
    }
    if parts.is_empty() {
        return None;
    }
    Some(percent_encode(&parts.join("/")))
}

/// Percent-encodes everything but unreserved characters, sub-delimiters, `/`, `:` and `@`.
fn percent_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/!$&'()*+,;=:@".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}
