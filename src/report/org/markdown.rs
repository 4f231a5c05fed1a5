//! The organisation Markdown report: a summary, the targets × categories table worst first,
//! then each target's audit report one heading level down (docs/output-formats.md,
//! "Organisation runs").

use std::collections::BTreeMap;
use std::fmt::Write;

use anyhow::Result;

use super::{Org, TargetSummary};
use crate::report::text::{cell, code, plural, score, time};
use crate::score::CategoryScore;
use crate::vocab::{Category, Severity, Verdict};

/// The organisation Markdown report: targets × categories, worst first, then one section per
/// target.
pub fn render(org: &Org) -> Result<String> {
    let o = &org.report;
    let s = &o.summary;
    let mut out = String::new();
    let _ = writeln!(
        out,
        "# DR readiness of the organisation: {} target{}\n",
        s.targets,
        plural(s.targets)
    );
    let collected = o.targets.iter().map(|t| t.collected_at);
    let (first, last) = (collected.clone().min(), collected.max());
    let _ = writeln!(
        out,
        "Report generated {} by drready {} · snapshots collected {}\n",
        time(o.generated_at),
        cell(&o.tool.version),
        match (first, last) {
            (Some(a), Some(b)) if a != b => format!("**{}** to **{}**", time(a), time(b)),
            (Some(a), _) => format!("**{}**", time(a)),
            _ => "never".into(),
        }
    );

    let word = match o.verdict {
        Verdict::Ready => "READY",
        Verdict::NotReady => "NOT READY",
        Verdict::Incomplete => "UNKNOWN: inventory incomplete",
    };
    let _ = writeln!(out, "## Verdict: {word}\n");
    let by_sev: Vec<String> = Severity::DESCENDING
        .iter()
        .filter_map(|sev| s.by_severity.get(sev).map(|n| format!("{n} {sev}")))
        .collect();
    let _ = writeln!(
        out,
        "- Targets: **{} of {}** ready, {} not ready, {} incomplete (exit {}).\n\
         - Findings: {} unwaived{}, {} waived.\n\
         - Workloads: **{} of {}** can fail over now.\n",
        s.ready,
        s.targets,
        s.not_ready,
        s.incomplete,
        o.exit_code,
        s.findings,
        if by_sev.is_empty() {
            String::new()
        } else {
            format!(" ({})", by_sev.join(", "))
        },
        s.waived,
        s.workloads_ready,
        s.workloads
    );
    causes(&mut out, &o.targets);

    targets(&mut out, &o.targets);

    for report in &org.reports {
        // A blank line first: `---` under a paragraph would make it a heading.
        if !out.ends_with("\n\n") {
            out.push('\n');
        }
        out.push_str("---\n\n");
        crate::report::markdown::sections(&mut out, report, None, 2);
    }
    Ok(out)
}

/// Why each target that is not ready is not: the sites that could not be read, the gate's
/// reasons.
fn causes(out: &mut String, targets: &[TargetSummary]) {
    let failing: Vec<&TargetSummary> = targets
        .iter()
        .filter(|t| t.verdict != Verdict::Ready)
        .collect();
    if failing.is_empty() {
        return;
    }
    let _ = writeln!(out, "Why targets are not ready:\n");
    for t in failing {
        let mut why: Vec<String> = t
            .unreadable
            .iter()
            .map(|u| format!("site not read: {}", cell(u)))
            .collect();
        why.extend(t.reasons.iter().map(|r| cell(r)));
        let _ = writeln!(
            out,
            "- {} ({}): {}",
            code(&t.name),
            t.verdict.as_str(),
            if why.is_empty() {
                "see its report below".to_string()
            } else {
                why.join("; ")
            }
        );
    }
    out.push('\n');
}

/// The categories judged (a score) in at least one target, in category order.
pub fn judged_categories(targets: &[TargetSummary]) -> Vec<Category> {
    Category::ALL
        .iter()
        .copied()
        .filter(|c| {
            targets
                .iter()
                .any(|t| category(t, *c).is_some_and(|s| s.score.is_some()))
        })
        .collect()
}

fn category(t: &TargetSummary, c: Category) -> Option<&CategoryScore> {
    t.categories.iter().find(|x| x.category == c)
}

/// `3 critical, 1 high`, or `none`.
pub fn severities(by: &BTreeMap<Severity, usize>) -> String {
    let parts: Vec<String> = Severity::DESCENDING
        .iter()
        .filter_map(|s| by.get(s).filter(|n| **n > 0).map(|n| format!("{n} {s}")))
        .collect();
    if parts.is_empty() {
        "none".into()
    } else {
        parts.join(", ")
    }
}

fn targets(out: &mut String, targets: &[TargetSummary]) {
    let cats = judged_categories(targets);
    let _ = writeln!(out, "## Targets, worst first\n");
    let _ = write!(out, "| Target | Site pair | Verdict | Score |");
    for c in &cats {
        let _ = write!(out, " {c} |");
    }
    let _ = write!(
        out,
        " Unwaived findings | Workloads ready |\n|---|---|---|--:|"
    );
    for _ in &cats {
        out.push_str("--:|");
    }
    out.push_str("---|--:|\n");
    for t in targets {
        let _ = write!(
            out,
            "| {} | {} | **{}** | {} |",
            code(&t.name),
            code(&t.site_pair),
            t.verdict.as_str(),
            score(t.score)
        );
        for c in &cats {
            let _ = write!(out, " {} |", category_cell(category(t, *c)));
        }
        let _ = writeln!(
            out,
            " {} | {}/{} |",
            severities(&t.summary.by_severity),
            t.workloads_ready,
            t.workloads
        );
    }
    let _ = writeln!(
        out,
        "\nA category's score, with the rules that failed or could not be judged; `n/a`: nothing \
         to judge. Each target's report follows.\n"
    );
}

/// `62.5 (2 failed, 1 unknown)`, `100.0`, `n/a`, or `—` when the target has no such category.
fn category_cell(c: Option<&CategoryScore>) -> String {
    let Some(c) = c else {
        return "—".into();
    };
    let mut notes = Vec::new();
    if c.rules_failed > 0 {
        notes.push(format!("{} failed", c.rules_failed));
    }
    if c.rules_unknown > 0 {
        notes.push(format!("{} unknown", c.rules_unknown));
    }
    if notes.is_empty() {
        score(c.score)
    } else {
        format!("{} ({})", score(c.score), notes.join(", "))
    }
}
