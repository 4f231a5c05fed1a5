//! Comparing two reports: new, resolved and changed findings (matched by fingerprint) and the
//! score change. Used by `drready diff` and by the trend section of the Markdown report.

use std::collections::BTreeMap;
use std::fmt::Write;

use anyhow::Result;
use chrono::{DateTime, Utc};
use comfy_table::{ContentArrangement, Table, presets};
use serde::Serialize;

use super::Report;
use super::text::{cell, code, plural, score, short_resource, time};
use crate::findings::{AppliedWaiver, Finding};
use crate::vocab::Category;

/// The comparison of an old and a new report.
#[derive(Debug, Clone, Serialize)]
pub struct ReportDiff {
    pub old: Origin,
    pub new: Origin,
    pub score: ScoreChanges,
    /// In the new report only (by fingerprint).
    pub new_findings: Vec<Finding>,
    /// In the old report only.
    pub resolved_findings: Vec<Finding>,
    /// In both, with a different message or waiver state (as in the new report, plus `before`).
    pub changed_findings: Vec<ChangedFinding>,
    /// In both (as in the new report), changed or not.
    pub still_open: Vec<Finding>,
    /// Readiness got worse: the overall score dropped, or an unwaived finding appeared.
    pub regressed: bool,
    /// Why it regressed (empty when it did not).
    pub reasons: Vec<String>,
}

/// Where one side of the comparison came from.
#[derive(Debug, Clone, Serialize)]
pub struct Origin {
    /// The file given on the command line, if any.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// `report` or `snapshot` (evaluated for the comparison), when known.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    pub site_pair: String,
    pub collected_at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ScoreChanges {
    pub overall: ScoreChange,
    pub categories: Vec<CategoryChange>,
}

#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ScoreChange {
    pub old: Option<f64>,
    pub new: Option<f64>,
    /// `new - old`, one decimal; `None` when either side has no score.
    pub change: Option<f64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct CategoryChange {
    pub category: Category,
    #[serde(flatten)]
    pub score: ScoreChange,
}

/// A finding present in both reports whose message or waiver state changed.
#[derive(Debug, Clone, Serialize)]
pub struct ChangedFinding {
    #[serde(flatten)]
    pub finding: Finding,
    pub before: Before,
    /// What changed: `message`, `now waived`, `no longer waived`.
    pub changes: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Before {
    pub message: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub waived: Option<AppliedWaiver>,
}

impl ScoreChange {
    fn of(old: Option<f64>, new: Option<f64>) -> Self {
        let change = match (old, new) {
            (Some(o), Some(n)) => Some(((n - o) * 10.0).round() / 10.0),
            _ => None,
        };
        ScoreChange { old, new, change }
    }
}

/// Compares two reports. Findings match by fingerprint (rule, resource, site, site pair).
pub fn compare(old: &Report, new: &Report) -> ReportDiff {
    let index = |r: &Report| -> BTreeMap<String, Finding> {
        let mut m = BTreeMap::new();
        for f in &r.findings {
            m.entry(f.fingerprint.clone()).or_insert_with(|| f.clone());
        }
        m
    };
    let (old_ix, new_ix) = (index(old), index(new));
    let mut new_findings = Vec::new();
    let mut changed_findings = Vec::new();
    let mut still_open = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    for f in &new.findings {
        if !seen.insert(&f.fingerprint) {
            continue;
        }
        let Some(before) = old_ix.get(&f.fingerprint) else {
            new_findings.push(f.clone());
            continue;
        };
        still_open.push(f.clone());
        let mut changes = Vec::new();
        if before.message != f.message {
            changes.push("message".to_string());
        }
        match (before.waived.is_some(), f.waived.is_some()) {
            (false, true) => changes.push("now waived".to_string()),
            (true, false) => changes.push("no longer waived".to_string()),
            _ => {}
        }
        if !changes.is_empty() {
            changed_findings.push(ChangedFinding {
                finding: f.clone(),
                before: Before {
                    message: before.message.clone(),
                    waived: before.waived.clone(),
                },
                changes,
            });
        }
    }
    let mut seen = std::collections::BTreeSet::new();
    let resolved_findings: Vec<Finding> = old
        .findings
        .iter()
        .filter(|f| seen.insert(&f.fingerprint) && !new_ix.contains_key(&f.fingerprint))
        .cloned()
        .collect();

    let overall = ScoreChange::of(old.score.overall, new.score.overall);
    let cat = |r: &Report, c: Category| {
        r.score
            .categories
            .iter()
            .find(|x| x.category == c)
            .and_then(|x| x.score)
    };
    let categories = Category::ALL
        .iter()
        .copied()
        .map(|c| CategoryChange {
            category: c,
            score: ScoreChange::of(cat(old, c), cat(new, c)),
        })
        .collect();

    let mut reasons = Vec::new();
    match (overall.old, overall.new) {
        (Some(o), Some(n)) if n < o => {
            reasons.push(format!("the overall score dropped from {o:.1} to {n:.1}"));
        }
        (Some(o), None) => reasons.push(format!(
            "nothing could be judged any more (the overall score was {o:.1})"
        )),
        _ => {}
    }
    let appeared = new_findings.iter().filter(|f| f.waived.is_none()).count();
    if appeared > 0 {
        reasons.push(format!(
            "{appeared} new unwaived finding{}",
            plural(appeared)
        ));
    }
    let unwaived = changed_findings
        .iter()
        .filter(|c| c.changes.iter().any(|x| x == "no longer waived"))
        .count();
    if unwaived > 0 {
        reasons.push(format!(
            "{unwaived} finding{} no longer waived",
            plural(unwaived)
        ));
    }
    let origin = |r: &Report| Origin {
        source: None,
        kind: None,
        site_pair: r.site_pair.clone(),
        collected_at: r.collected_at,
    };
    ReportDiff {
        old: origin(old),
        new: origin(new),
        score: ScoreChanges {
            overall,
            categories,
        },
        new_findings,
        resolved_findings,
        changed_findings,
        still_open,
        regressed: !reasons.is_empty(),
        reasons,
    }
}

impl ReportDiff {
    fn site_pairs_differ(&self) -> bool {
        self.old.site_pair != self.new.site_pair
    }
}

fn change(c: &ScoreChange) -> String {
    match c.change {
        Some(v) if v > 0.0 => format!("+{v:.1} ▲"),
        Some(v) if v < 0.0 => format!("{v:.1} ▼"),
        Some(_) => "±0.0".into(),
        None => "n/a".into(),
    }
}

const PAIRS_DIFFER: &str = "The site pairs differ; fingerprints include the site pair, so \
                            every finding shows as new or resolved.";

/// The diff as JSON.
pub fn render_json(d: &ReportDiff) -> Result<String> {
    let mut s = serde_json::to_string_pretty(d)?;
    s.push('\n');
    Ok(s)
}

/// The diff for a terminal.
pub fn render_text(d: &ReportDiff, width: u16) -> String {
    let mut out = String::new();
    let side = |o: &Origin| {
        format!(
            "{}{} {}, collected {}",
            o.source.as_deref().unwrap_or("report"),
            o.kind
                .as_deref()
                .map(|k| format!(" ({k})"))
                .unwrap_or_default(),
            o.site_pair,
            o.collected_at.format("%Y-%m-%d %H:%M UTC")
        )
    };
    let _ = writeln!(out, "old: {}\nnew: {}", side(&d.old), side(&d.new));
    if d.site_pairs_differ() {
        let _ = writeln!(out, "note: {PAIRS_DIFFER}");
    }
    out.push('\n');
    let mut t = table(width);
    t.set_header(["Score", "Old", "New", "Change"]);
    t.add_row(vec![
        "overall".to_string(),
        score(d.score.overall.old),
        score(d.score.overall.new),
        change(&d.score.overall),
    ]);
    for c in &d.score.categories {
        t.add_row(vec![
            c.category.to_string(),
            score(c.score.old),
            score(c.score.new),
            change(&c.score),
        ]);
    }
    let _ = writeln!(out, "{t}\n");
    for (title, list) in [
        ("New findings", &d.new_findings),
        ("Resolved findings", &d.resolved_findings),
    ] {
        if list.is_empty() {
            let _ = writeln!(out, "{title}: none\n");
            continue;
        }
        let mut t = table(width);
        t.set_header(["Severity", "Rule", "Site", "Resource", "Finding"]);
        for f in list {
            t.add_row(vec![
                format!(
                    "{}{}",
                    f.severity,
                    if f.waived.is_some() { " (waived)" } else { "" }
                ),
                f.rule_id.clone(),
                f.site.to_string(),
                short_resource(&f.resource).to_string(),
                f.message.clone(),
            ]);
        }
        let _ = writeln!(out, "{title} ({})\n{t}\n", list.len());
    }
    if d.changed_findings.is_empty() {
        let _ = writeln!(out, "Changed findings: none\n");
    } else {
        let mut t = table(width);
        t.set_header([
            "Severity",
            "Rule",
            "Site",
            "Resource",
            "Change",
            "Finding now",
        ]);
        for c in &d.changed_findings {
            let f = &c.finding;
            t.add_row(vec![
                f.severity.to_string(),
                f.rule_id.clone(),
                f.site.to_string(),
                short_resource(&f.resource).to_string(),
                c.changes.join(", "),
                f.message.clone(),
            ]);
        }
        let _ = writeln!(
            out,
            "Changed findings ({})\n{t}\n",
            d.changed_findings.len()
        );
    }
    let _ = writeln!(out, "Still open: {}", d.still_open.len());
    if d.regressed {
        let _ = writeln!(
            out,
            "Readiness REGRESSED: {} (exit 1)",
            d.reasons.join("; ")
        );
    } else {
        let _ = writeln!(out, "Readiness did not regress (exit 0)");
    }
    out
}

fn table(width: u16) -> Table {
    let mut t = Table::new();
    t.load_style(presets::UTF8_FULL)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_width(width)
        .force_no_tty();
    t
}

/// The diff as a Markdown document (a pull-request comment).
pub fn render_markdown(d: &ReportDiff) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# DR readiness diff: {}\n",
        if d.regressed {
            "regressed"
        } else {
            "no regression"
        }
    );
    for (label, o) in [("Old", &d.old), ("New", &d.new)] {
        let _ = writeln!(
            out,
            "- {label}: {}{} site pair {}, collected {}",
            o.source.as_deref().map(code).unwrap_or_default(),
            o.kind
                .as_deref()
                .map(|k| format!(" ({k})"))
                .unwrap_or_default(),
            code(&o.site_pair),
            time(o.collected_at)
        );
    }
    out.push('\n');
    markdown_body(&mut out, d, "##");
    out
}

/// The comparison's Markdown sections; `level` is the heading marker (`##`, `###`).
pub fn markdown_body(out: &mut String, d: &ReportDiff, level: &str) {
    if d.site_pairs_differ() {
        let _ = writeln!(out, "> [!WARNING]\n> {PAIRS_DIFFER}\n");
    }
    let _ = writeln!(
        out,
        "Compared with the report of the snapshot collected {} (site pair {}).\n",
        time(d.old.collected_at),
        code(&d.old.site_pair)
    );
    let _ = writeln!(
        out,
        "| Score | Previous | Current | Change |\n|---|--:|--:|--:|"
    );
    let o = &d.score.overall;
    let _ = writeln!(
        out,
        "| **overall** | {} | **{}** | {} |",
        score(o.old),
        score(o.new),
        change(o)
    );
    for c in &d.score.categories {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} |",
            c.category,
            score(c.score.old),
            score(c.score.new),
            change(&c.score)
        );
    }
    out.push('\n');
    if d.regressed {
        let _ = writeln!(out, "**Readiness regressed:**\n");
        for r in &d.reasons {
            let _ = writeln!(out, "- {}", cell(r));
        }
        out.push('\n');
    } else {
        let _ = writeln!(out, "Readiness did not regress.\n");
    }
    let _ = writeln!(
        out,
        "{} new, {} resolved, {} changed, {} still open.\n",
        d.new_findings.len(),
        d.resolved_findings.len(),
        d.changed_findings.len(),
        d.still_open.len()
    );
    for (title, list) in [
        ("New findings", &d.new_findings),
        ("Resolved findings", &d.resolved_findings),
    ] {
        let _ = writeln!(out, "{level} {title} ({})\n", list.len());
        if list.is_empty() {
            let _ = writeln!(out, "None.\n");
            continue;
        }
        let _ = writeln!(
            out,
            "| Severity | Rule | Category | Site | Resource | Finding |\n|---|---|---|---|---|---|"
        );
        for f in list {
            let _ = writeln!(
                out,
                "| {}{} | {} | {} | {} | {} | {} |",
                f.severity,
                if f.waived.is_some() { " (waived)" } else { "" },
                code(&f.rule_id),
                f.category,
                f.site,
                code(&f.resource),
                cell(&f.message)
            );
        }
        out.push('\n');
    }
    let _ = writeln!(
        out,
        "{level} Changed findings ({})\n",
        d.changed_findings.len()
    );
    if d.changed_findings.is_empty() {
        let _ = writeln!(out, "None.\n");
    } else {
        let _ = writeln!(
            out,
            "| Severity | Rule | Site | Resource | Change | Before | Now |\n\
             |---|---|---|---|---|---|---|"
        );
        for c in &d.changed_findings {
            let f = &c.finding;
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} | {} | {} |",
                f.severity,
                code(&f.rule_id),
                f.site,
                code(&f.resource),
                cell(&c.changes.join(", ")),
                cell(&c.before.message),
                cell(&f.message)
            );
        }
        out.push('\n');
    }
    let _ = writeln!(out, "{level} Still open ({})\n", d.still_open.len());
    if d.still_open.is_empty() {
        let _ = writeln!(out, "None.\n");
    } else {
        let _ = writeln!(
            out,
            "| Severity | Rule | Site | Resource |\n|---|---|---|---|"
        );
        for f in &d.still_open {
            let _ = writeln!(
                out,
                "| {}{} | {} | {} | {} |",
                f.severity,
                if f.waived.is_some() { " (waived)" } else { "" },
                code(&f.rule_id),
                f.site,
                code(&f.resource)
            );
        }
        out.push('\n');
    }
}
