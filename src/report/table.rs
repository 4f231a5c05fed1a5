//! The terminal report: scores per category, then findings with the short fix.

use std::collections::BTreeMap;
use std::fmt::Write;

use comfy_table::{Attribute, Cell, Color, ContentArrangement, Table, presets};

use super::Report;
use super::text::{score, short_resource};
use crate::findings::WaiverStatus;
use crate::policy::RuleStatus;
use crate::verdicts::WorkloadVerdict;
use crate::vocab::{Severity, Verdict};

/// Rendering options.
#[derive(Debug, Clone, Copy)]
pub struct TableOptions {
    pub color: bool,
    pub width: u16,
}

/// `90061` → `1d 1h`, `5400` → `1h 30m`, `None` → `none`.
pub fn fmt_age(secs: Option<i64>) -> String {
    let Some(s) = secs else {
        return "none".into();
    };
    let (d, h, m) = (s / 86_400, (s % 86_400) / 3600, (s % 3600) / 60);
    match (d, h, m) {
        (0, 0, m) => format!("{m}m"),
        (0, h, 0) => format!("{h}h"),
        (0, h, m) => format!("{h}h {m}m"),
        (d, 0, _) => format!("{d}d"),
        (d, h, _) => format!("{d}d {h}h"),
    }
}

fn verdict_color(v: WorkloadVerdict) -> Color {
    match v {
        WorkloadVerdict::Ready => Color::Green,
        WorkloadVerdict::NotReady => Color::Red,
        WorkloadVerdict::Unknown => Color::Yellow,
        WorkloadVerdict::NotApplicable => Color::Grey,
    }
}

/// "4 of 6 workloads can fail over now", then one row per workload: the first thing a DR owner
/// is asked on the day.
fn workloads(out: &mut String, r: &Report, opts: TableOptions) {
    let w = &r.workloads;
    if w.workloads.is_empty() {
        return;
    }
    let _ = writeln!(
        out,
        "Workloads: {} of {} can fail over now (blocking = unwaived findings at or above fail_on)",
        w.ready(),
        w.workloads.len()
    );
    // The JSON report keeps every category; the table only those judged for some workload.
    let cats = w.judged_categories();
    let mut t = new_table(opts);
    let mut header = vec![
        "Workload".to_string(),
        "Tier".into(),
        "Verdict".into(),
        "Blocking".into(),
    ];
    header.extend(cats.iter().map(|c| c.as_str().to_string()));
    t.set_header(header);
    for e in &w.workloads {
        let mut row = vec![
            Cell::new(&e.name),
            Cell::new(&e.tier),
            cell(
                e.verdict.as_str().to_string(),
                Some(verdict_color(e.verdict)),
                opts,
            ),
            Cell::new(blocking_summary(&e.blocking)),
        ];
        for c in &cats {
            let v = e
                .categories
                .get(c)
                .copied()
                .unwrap_or(WorkloadVerdict::NotApplicable);
            row.push(cell(v.as_str().to_string(), Some(verdict_color(v)), opts));
        }
        t.add_row(row);
    }
    let _ = writeln!(out, "{t}");
    if !w.shared_blocking.is_empty() {
        let _ = writeln!(
            out,
            "Shared (no single workload): {}",
            blocking_summary(&w.shared_blocking)
        );
    }
    out.push('\n');
}

/// `2 critical, 1 high (DR-EC2-001, DR-S3-002)`, or `-`.
fn blocking_summary(b: &[crate::verdicts::Blocking]) -> String {
    if b.is_empty() {
        return "-".into();
    }
    let mut by_sev: BTreeMap<Severity, usize> = BTreeMap::new();
    let mut rules: Vec<&str> = Vec::new();
    for x in b {
        *by_sev.entry(x.severity).or_default() += 1;
        if !rules.contains(&x.rule_id.as_str()) {
            rules.push(&x.rule_id);
        }
    }
    let counts: Vec<String> = by_sev
        .iter()
        .rev()
        .map(|(s, n)| format!("{n} {s}"))
        .collect();
    format!("{} ({})", counts.join(", "), rules.join(", "))
}

pub(crate) fn score_color(s: Option<f64>) -> Color {
    match s {
        Some(v) if v >= 100.0 => Color::Green,
        Some(v) if v >= 80.0 => Color::Yellow,
        Some(_) => Color::Red,
        None => Color::Grey,
    }
}

pub(crate) fn severity_color(s: Severity) -> Color {
    match s {
        Severity::Critical => Color::Red,
        Severity::High => Color::Magenta,
        Severity::Medium => Color::Yellow,
        Severity::Low => Color::Cyan,
    }
}

pub(crate) fn new_table(opts: TableOptions) -> Table {
    let mut t = Table::new();
    t.load_style(presets::UTF8_FULL)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_width(opts.width);
    if !opts.color {
        t.force_no_tty();
    }
    t
}

pub(crate) fn cell(text: impl ToString, color: Option<Color>, opts: TableOptions) -> Cell {
    let c = Cell::new(text.to_string());
    match (opts.color, color) {
        (true, Some(col)) => c.fg(col),
        _ => c,
    }
}

pub fn render(r: &Report, opts: TableOptions) -> String {
    let mut out = String::new();
    let p = &r.sites.primary;
    let s = &r.sites.standby;
    let _ = writeln!(
        out,
        "drready {} — primary {} ({}) → standby {} ({}), collected {}",
        r.tool.version,
        p.region,
        p.account,
        s.region,
        s.account,
        r.collected_at.format("%Y-%m-%d %H:%M UTC")
    );
    out.push('\n');

    workloads(&mut out, r, opts);

    let mut t = new_table(opts);
    t.set_header(["Category", "Score", "Passed", "Failed", "Unknown", "N/A"]);
    for c in &r.score.categories {
        t.add_row(vec![
            Cell::new(c.category.as_str()),
            cell(score(c.score), Some(score_color(c.score)), opts),
            Cell::new(c.rules_passed),
            Cell::new(c.rules_failed),
            Cell::new(c.rules_unknown),
            Cell::new(c.rules_not_applicable),
        ]);
    }
    let overall = cell(
        score(r.score.overall),
        Some(score_color(r.score.overall)),
        opts,
    );
    t.add_row(vec![
        Cell::new("overall").add_attribute(Attribute::Bold),
        if opts.color {
            overall.add_attribute(Attribute::Bold)
        } else {
            overall
        },
        Cell::new(r.summary.rules_passed),
        Cell::new(r.summary.rules_failed),
        Cell::new(r.summary.rules_unknown),
        Cell::new(r.summary.rules_not_applicable),
    ]);
    let _ = writeln!(out, "Readiness by category (rules)\n{t}\n");

    if !r.parity.summary.is_empty() {
        let mut t = new_table(opts);
        t.set_header([
            "Resource",
            "Paired",
            "Missing in standby",
            "Extra in standby",
        ]);
        for (kind, k) in &r.parity.summary {
            let missing = cell(
                k.missing_in_standby,
                (k.missing_in_standby > 0).then_some(Color::Yellow),
                opts,
            );
            t.add_row(vec![
                Cell::new(kind),
                Cell::new(k.pairs),
                missing,
                Cell::new(k.extra_in_standby),
            ]);
        }
        let _ = writeln!(
            out,
            "Pairing (primary → standby; strategies per pair in the JSON report)\n{t}\n"
        );
    }

    if !r.recovery_points.is_empty() {
        let mut t = new_table(opts);
        t.set_header([
            "Workload",
            "Tier",
            "AMIs copied",
            "Newest AMI copy",
            "Volumes copied",
            "Oldest volume point",
            "Databases copied",
            "Buckets with RTC",
            "Within RPO",
        ]);
        for w in &r.recovery_points {
            let within = match w.within_rpo {
                Some(true) => cell("yes", Some(Color::Green), opts),
                Some(false) => cell("no", Some(Color::Red), opts),
                None => cell("unknown", Some(Color::Yellow), opts),
            };
            t.add_row(vec![
                Cell::new(&w.workload),
                Cell::new(&w.tier),
                Cell::new(format!("{}/{}", w.images.copied, w.images.primary)),
                Cell::new(fmt_age(w.images.newest_copy_age_seconds)),
                Cell::new(format!("{}/{}", w.snapshots.copied, w.snapshots.primary)),
                Cell::new(fmt_age(w.snapshots.newest_copy_age_seconds)),
                Cell::new(super::text::database_points(&w.databases)),
                Cell::new(format!("{}/{}", w.buckets_replicated_with_rtc, w.buckets)),
                within,
            ]);
        }
        let rpo = r.objectives.rpo_seconds;
        let _ = writeln!(
            out,
            "Recovery points in the standby (RPO {})\n{t}\n",
            fmt_age(Some(rpo as i64))
        );
    }

    let unwaived: Vec<_> = r.unwaived().collect();
    if unwaived.is_empty() {
        let _ = writeln!(out, "No findings.\n");
    } else {
        let mut t = new_table(opts);
        t.set_header(["Severity", "Rule", "Site", "Resource", "Finding", "Fix"]);
        for f in &unwaived {
            t.add_row(vec![
                cell(f.severity, Some(severity_color(f.severity)), opts),
                Cell::new(&f.rule_id),
                Cell::new(f.site),
                Cell::new(short_resource(&f.resource)),
                Cell::new(&f.message),
                Cell::new(&f.remediation),
            ]);
        }
        let _ = writeln!(
            out,
            "Findings ({} unwaived{})\n{t}\n",
            unwaived.len(),
            if r.summary.waived > 0 {
                format!(", {} waived", r.summary.waived)
            } else {
                String::new()
            }
        );
    }

    let unknown: Vec<_> = r
        .rules
        .iter()
        .filter(|x| x.status == RuleStatus::Unknown)
        .collect();
    if !unknown.is_empty() {
        let _ = writeln!(out, "Unknown — not judged, counted against the score:");
        for u in unknown {
            let _ = writeln!(
                out,
                "  {} {}: {}",
                u.id,
                u.title,
                u.unknown_because.join("; ")
            );
        }
        out.push('\n');
    }
    let partial: Vec<_> = r
        .rules
        .iter()
        .filter(|x| x.status != RuleStatus::Unknown && !x.unknown_resources.is_empty())
        .collect();
    if !partial.is_empty() {
        let _ = writeln!(
            out,
            "Judged in part — these resources could not be judged, counted against the score:"
        );
        for u in partial {
            for (arn, why) in &u.unknown_resources {
                let _ = writeln!(out, "  {} {}: {why}", u.id, short_resource(arn));
            }
        }
        out.push('\n');
    }
    for (role, site) in [("primary", p), ("standby", s)] {
        for e in &site.collection_errors {
            let _ = writeln!(
                out,
                "Collection error: {role} {} {} {}: {}{}",
                e.service,
                e.api,
                e.code,
                e.message,
                e.resource
                    .as_deref()
                    .map(|r| format!(" ({r})"))
                    .unwrap_or_default()
            );
        }
    }
    for w in r.waivers_with(WaiverStatus::Expired) {
        let _ = writeln!(
            out,
            "Expired waiver ({}): {} on {} expired {} and no longer hides findings",
            w.waiver.location, w.waiver.rule, w.waiver.resource, w.waiver.expires
        );
    }
    for w in r.waivers_with(WaiverStatus::Unmatched) {
        let _ = writeln!(
            out,
            "Unmatched waiver ({}): {} on {} matches no finding",
            w.waiver.location, w.waiver.rule, w.waiver.resource
        );
    }
    if r.out_of_scope > 0 {
        let _ = writeln!(
            out,
            "{} resources out of scope (scope tag `none`, scope.exclude or scope.services).",
            r.out_of_scope
        );
    }
    if !r.not_collected.is_empty() {
        let list: Vec<&str> = r.not_collected.iter().map(|s| s.as_str()).collect();
        let _ = writeln!(
            out,
            "Not collected in this snapshot, so not judged: {} (a snapshot from an older drready \
             or a narrower scope.services; collect a new one to judge them).",
            list.join(", ")
        );
    }
    if !r.not_dr_data.is_empty() {
        let mut reasons: BTreeMap<&str, usize> = BTreeMap::new();
        for n in &r.not_dr_data {
            *reasons.entry(n.reason.as_str()).or_default() += 1;
        }
        let list: Vec<String> = reasons
            .iter()
            .map(|(why, n)| format!("{why} {n}"))
            .collect();
        let _ = writeln!(
            out,
            "Not DR data, not judged ({} resources; tag dr:data=true to judge one): {}.",
            r.not_dr_data.len(),
            list.join(", ")
        );
    }
    if !r.other_site_pairs.is_empty() {
        let mut kinds: BTreeMap<String, usize> = BTreeMap::new();
        for o in &r.other_site_pairs {
            *kinds.entry(o.kind.to_string()).or_default() += 1;
        }
        let list: Vec<String> = kinds.iter().map(|(k, n)| format!("{k} {n}")).collect();
        let _ = writeln!(
            out,
            "Serve another site pair of the account, not judged here: {} (the JSON report \
             lists each with the reason).",
            list.join(", ")
        );
    }

    let verdict = match r.gate.verdict {
        Verdict::Ready if r.gate.incomplete => "READY (partial inventory)",
        Verdict::Ready => "READY",
        Verdict::NotReady => "NOT READY",
        Verdict::Incomplete => "UNKNOWN — inventory incomplete",
    };
    let verdict = if opts.color {
        let color = match r.gate.verdict {
            Verdict::Ready => "\x1b[1;32m",
            Verdict::NotReady => "\x1b[1;31m",
            _ => "\x1b[1;33m",
        };
        format!("{color}{verdict}\x1b[0m")
    } else {
        verdict.to_string()
    };
    let _ = write!(
        out,
        "Overall readiness {} / 100: {verdict}",
        score(r.score.overall)
    );
    if !r.gate.reasons.is_empty() {
        let _ = write!(out, " — {}", r.gate.reasons.join("; "));
    }
    let _ = writeln!(out, " (exit {})", r.gate.exit_code);
    out
}
