//! The organisation table for the terminal: one row per target worst first, the top blocking
//! findings across targets, and a one-line summary (docs/output-formats.md, "Organisation runs").

use std::fmt::Write;

use anyhow::Result;
use comfy_table::{Cell, Color, ColumnConstraint};

use super::markdown::{judged_categories, severities};
use super::{Org, TargetSummary};
use crate::findings::Finding;
use crate::report::table::{TableOptions, cell, new_table, score_color, severity_color};
use crate::report::text::{plural, score, short_resource};
use crate::vocab::Verdict;

/// Blocking findings listed across targets before "… N more".
pub const TOP_FINDINGS: usize = 10;

fn verdict_color(v: Verdict) -> Color {
    match v {
        Verdict::Ready => Color::Green,
        Verdict::NotReady => Color::Red,
        Verdict::Incomplete => Color::Yellow,
    }
}

/// The organisation table for the terminal: one row per target, worst first.
pub fn render(org: &Org, opts: TableOptions) -> Result<String> {
    let o = &org.report;
    let mut out = String::new();
    let collected = o.targets.iter().map(|t| t.collected_at);
    let fmt = |t: chrono::DateTime<chrono::Utc>| t.format("%Y-%m-%d %H:%M UTC").to_string();
    let when = match (collected.clone().min(), collected.max()) {
        (Some(a), Some(b)) if a != b => format!("collected {} to {}", fmt(a), fmt(b)),
        (Some(a), _) => format!("collected {}", fmt(a)),
        _ => String::new(),
    };
    let _ = writeln!(
        out,
        "drready {} — organisation of {} target{}, {when}\n",
        o.tool.version,
        o.summary.targets,
        plural(o.summary.targets)
    );

    targets(&mut out, &o.targets, opts);
    blocking(&mut out, org, opts);
    causes(&mut out, &o.targets);

    let s = &o.summary;
    let word = match o.verdict {
        Verdict::Ready => "READY",
        Verdict::NotReady => "NOT READY",
        Verdict::Incomplete => "UNKNOWN — inventory incomplete",
    };
    let word = if opts.color {
        let color = match o.verdict {
            Verdict::Ready => "\x1b[1;32m",
            Verdict::NotReady => "\x1b[1;31m",
            Verdict::Incomplete => "\x1b[1;33m",
        };
        format!("{color}{word}\x1b[0m")
    } else {
        word.to_string()
    };
    let _ = writeln!(
        out,
        "Organisation: {} of {} targets ready, {} not ready, {} incomplete; {} unwaived finding{} \
         ({}), {} waived; {} of {} workloads can fail over now: {word} (exit {})",
        s.ready,
        s.targets,
        s.not_ready,
        s.incomplete,
        s.findings,
        plural(s.findings),
        severities(&s.by_severity),
        s.waived,
        s.workloads_ready,
        s.workloads,
        o.exit_code
    );
    Ok(out)
}

fn targets(out: &mut String, targets: &[TargetSummary], opts: TableOptions) {
    let cats = judged_categories(targets);
    let mut t = new_table(opts);
    let mut header = vec![
        "Target".to_string(),
        "Site pair".into(),
        "Verdict".into(),
        "Score".into(),
    ];
    header.extend(cats.iter().map(|c| c.as_str().to_string()));
    header.extend(["Findings".to_string(), "Workloads ready".into()]);
    t.set_header(header);
    // Names, site pairs, verdicts and severities stay on one line; the findings below wrap.
    for i in [0, 1, 2, 4 + cats.len()] {
        if let Some(c) = t.column_mut(i) {
            c.set_constraint(ColumnConstraint::ContentWidth);
        }
    }
    for target in targets {
        let mut row = vec![
            Cell::new(&target.name),
            // Two short lines rather than one wide column.
            Cell::new(format!(
                "{}\n→ {}",
                target.primary.region, target.standby.region
            )),
            cell(
                target.verdict.as_str(),
                Some(verdict_color(target.verdict)),
                opts,
            ),
            cell(score(target.score), Some(score_color(target.score)), opts),
        ];
        for c in &cats {
            let s = target
                .categories
                .iter()
                .find(|x| x.category == *c)
                .and_then(|x| x.score);
            row.push(cell(score(s), Some(score_color(s)), opts));
        }
        // One severity a line: `18 critical`, `36 high`, ...
        row.push(Cell::new(
            severities(&target.summary.by_severity).replace(", ", "\n"),
        ));
        row.push(Cell::new(format!(
            "{}/{}",
            target.workloads_ready, target.workloads
        )));
        t.add_row(row);
    }
    let _ = writeln!(out, "Targets, worst first\n{t}\n");
}

/// Unwaived findings at or above each target's `fail_on`, most severe first, then in target
/// order (worst first).
fn blocking(out: &mut String, org: &Org, opts: TableOptions) {
    let mut all: Vec<(&str, &Finding)> = Vec::new();
    for (report, target) in org.reports.iter().zip(&org.report.targets) {
        let Some(fail_on) = report.gate.fail_on else {
            continue;
        };
        all.extend(
            report
                .unwaived()
                .filter(|f| f.severity >= fail_on)
                .map(|f| (target.name.as_str(), f)),
        );
    }
    if all.is_empty() {
        let _ = writeln!(
            out,
            "No blocking findings (unwaived at or above a target's fail_on).\n"
        );
        return;
    }
    all.sort_by_key(|(_, f)| std::cmp::Reverse(f.severity));
    let total = all.len();
    let mut t = new_table(opts);
    t.set_header(["Target", "Severity", "Rule", "Resource", "Finding"]);
    for (target, f) in all.iter().take(TOP_FINDINGS) {
        t.add_row(vec![
            Cell::new(target),
            cell(f.severity, Some(severity_color(f.severity)), opts),
            Cell::new(&f.rule_id),
            Cell::new(short_resource(&f.resource)),
            Cell::new(&f.message),
        ]);
    }
    let _ = writeln!(
        out,
        "Blocking findings (unwaived at or above the target's fail_on), most severe first\n{t}"
    );
    if total > TOP_FINDINGS {
        let _ = writeln!(
            out,
            "… {} more (each target's report lists them all)",
            total - TOP_FINDINGS
        );
    }
    out.push('\n');
}

/// Why incomplete targets are: the sites that could not be read at all.
fn causes(out: &mut String, targets: &[TargetSummary]) {
    let mut any = false;
    for t in targets.iter().filter(|t| t.verdict == Verdict::Incomplete) {
        any = true;
        let why = if t.unreadable.is_empty() {
            t.reasons.join("; ")
        } else {
            t.unreadable
                .iter()
                .map(|u| format!("site not read: {u}"))
                .collect::<Vec<_>>()
                .join("; ")
        };
        let _ = writeln!(out, "Incomplete: {}: {why}", t.name);
    }
    if any {
        out.push('\n');
    }
}
