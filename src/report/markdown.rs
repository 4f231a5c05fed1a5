//! The Markdown audit report: renders on GitHub (PR comments, wikis, archived evidence).
//!
//! Deterministic: sorted as the report is, and no clock but the report's own fields.

use std::collections::BTreeSet;
use std::fmt::Write;

use anyhow::Result;

use super::text::{cell, code, duration, fence_for, html, plural, score, time};
use super::{Report, SiteSummary};
use crate::findings::{Finding, WaiverReport, WaiverStatus};
use crate::policy::RuleStatus;
use crate::vocab::{Category, Severity, Verdict};

/// Waivers that expire within this many days are flagged.
pub const EXPIRY_WARNING_DAYS: i64 = 30;

/// Renders the audit report; with `previous`, adds a trend section against it.
pub fn render(report: &Report, previous: Option<&Report>) -> Result<String> {
    let mut out = String::new();
    sections(&mut out, report, previous, 1);
    Ok(out)
}

/// The whole audit report with its title at heading `level` (1: `#`), its sections one level
/// deeper: the organisation report nests each target's report under its own.
pub(crate) fn sections(out: &mut String, report: &Report, previous: Option<&Report>, level: usize) {
    header(out, report, level);
    verdict(out, report, level);
    workloads(out, report, level);
    scores(out, report, level);
    if let Some(prev) = previous {
        let diff = super::diff::compare(prev, report);
        let _ = writeln!(
            out,
            "{} Trend since the previous report\n",
            hashes(level + 1)
        );
        super::diff::markdown_body(out, &diff, &hashes(level + 2));
    }
    objectives(out, report, level);
    findings(out, report, level);
    waivers(out, report, level);
    collection(out, report, level);
}

/// The `#`s of a heading at `level` (at most 6, Markdown's deepest).
fn hashes(level: usize) -> String {
    "#".repeat(level.clamp(1, 6))
}

/// Which applications could fail over now, with what blocks each.
fn workloads(out: &mut String, r: &Report, level: usize) {
    let w = &r.workloads;
    if w.workloads.is_empty() {
        return;
    }
    let _ = writeln!(
        out,
        "{} Workloads\n\n**{} of {}** workloads can fail over now (blocking: unwaived findings at \
         or above the gate's `fail_on`).\n",
        hashes(level + 1),
        w.ready(),
        w.workloads.len()
    );
    let cats = w.judged_categories();
    let _ = write!(out, "| Workload | Tier | Verdict | Blocking |");
    for c in &cats {
        let _ = write!(out, " {c} |");
    }
    let _ = write!(out, "\n|---|---|---|---|");
    for _ in &cats {
        out.push_str("---|");
    }
    out.push('\n');
    for e in &w.workloads {
        let blocking: Vec<String> = e
            .blocking
            .iter()
            .map(|b| format!("{} {} {}", b.severity, code(&b.rule_id), code(&b.resource)))
            .collect();
        let _ = write!(
            out,
            "| {} | {} | **{}** | {} |",
            cell(&e.name),
            cell(&e.tier),
            e.verdict.as_str(),
            if blocking.is_empty() {
                "—".to_string()
            } else {
                blocking.join("<br>")
            }
        );
        for c in &cats {
            let _ = write!(out, " {} |", e.categories[c].as_str());
        }
        out.push('\n');
    }
    if !w.shared_blocking.is_empty() {
        let _ = writeln!(
            out,
            "\nBlocking findings on shared resources (no single workload): {}",
            w.shared_blocking
                .iter()
                .map(|b| format!("{} {} {}", b.severity, code(&b.rule_id), code(&b.resource)))
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    out.push('\n');
}

fn header(out: &mut String, r: &Report, level: usize) {
    let (p, s) = (&r.sites.primary, &r.sites.standby);
    // A target of a multi-target run is named in its title.
    let of = r
        .target
        .as_deref()
        .map_or_else(String::new, |t| format!(" of {}", code(t)));
    let _ = writeln!(
        out,
        "{} DR readiness audit{of}: {} → {}\n",
        hashes(level),
        cell(&p.region),
        cell(&s.region)
    );
    let _ = writeln!(
        out,
        "Site pair {} · snapshot collected **{}** · report generated {} by drready {} · \
         configuration {}\n",
        code(&r.site_pair),
        time(r.collected_at),
        time(r.generated_at),
        cell(&r.tool.version),
        r.config_file
            .as_deref()
            .map_or_else(|| "built-in defaults".to_string(), code)
    );
    let _ = writeln!(out, "| | Primary | Standby |\n|---|---|---|");
    let _ = writeln!(
        out,
        "| Account | {} | {} |",
        code(&p.account),
        code(&s.account)
    );
    let _ = writeln!(
        out,
        "| Region | {} | {} |",
        code(&p.region),
        code(&s.region)
    );
    let _ = writeln!(
        out,
        "| Collected | {} | {} |",
        time(p.collected_at),
        time(s.collected_at)
    );
    let _ = writeln!(
        out,
        "| Inventory | {} | {} |\n",
        completeness(p),
        completeness(s)
    );
}

fn completeness(s: &SiteSummary) -> String {
    match s.collection_errors.len() {
        0 => "complete".into(),
        n => format!("**incomplete** ({n} collection error{})", plural(n)),
    }
}

fn verdict(out: &mut String, r: &Report, level: usize) {
    let g = &r.gate;
    let word = match g.verdict {
        Verdict::Ready if g.incomplete => "READY (partial inventory)",
        Verdict::Ready => "READY",
        Verdict::NotReady => "NOT READY",
        Verdict::Incomplete => "UNKNOWN: inventory incomplete",
    };
    let _ = writeln!(out, "{} Verdict: {word}\n", hashes(level + 1));
    let _ = writeln!(
        out,
        "Overall readiness **{} / 100**. The gate {} (exit {}){}",
        score(r.score.overall),
        if g.passed { "passed" } else { "failed" },
        g.exit_code,
        if g.reasons.is_empty() { "." } else { ":" }
    );
    if !g.reasons.is_empty() {
        out.push('\n');
        for reason in &g.reasons {
            let _ = writeln!(out, "- {}", cell(reason));
        }
    }
    let _ = writeln!(
        out,
        "\nGate settings: fail under {} · fail on {} · partial inventory {}.\n",
        g.fail_under
            .map_or_else(|| "not set".to_string(), |v| format!("{v}")),
        g.fail_on
            .map_or_else(|| "never".to_string(), |s| s.to_string()),
        if g.allow_partial {
            "allowed"
        } else {
            "not allowed (exit 3)"
        }
    );
}

fn scores(out: &mut String, r: &Report, level: usize) {
    let _ = writeln!(out, "{} Scores\n", hashes(level + 1));
    let _ = writeln!(
        out,
        "| Category | Score | Rules passed | Failed | Unknown | Not applicable |\n\
         |---|--:|--:|--:|--:|--:|"
    );
    for c in &r.score.categories {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} |",
            c.category,
            score(c.score),
            c.rules_passed,
            c.rules_failed,
            c.rules_unknown,
            c.rules_not_applicable
        );
    }
    let s = &r.summary;
    let _ = writeln!(
        out,
        "| **overall** | **{}** | {} | {} | {} | {} |\n",
        score(r.score.overall),
        s.rules_passed,
        s.rules_failed,
        s.rules_unknown,
        s.rules_not_applicable
    );
    let _ = writeln!(
        out,
        "How the score is computed: {}.\n",
        cell(&r.score.formula)
    );
}

fn objectives(out: &mut String, r: &Report, level: usize) {
    let o = &r.objectives;
    let _ = writeln!(out, "{} Recovery objectives\n", hashes(level + 1));
    let _ = writeln!(out, "| Objective | Target | Observed |\n|---|---|---|");
    for (name, secs) in [
        ("RPO: most recent data that may be lost", o.rpo_seconds),
        ("RTO: longest time to recover", o.rto_seconds),
        ("Largest DNS TTL on failover records", o.dns_ttl_max_seconds),
    ] {
        let _ = writeln!(
            out,
            "| {name} | {} ({secs} s) | {} |",
            duration(secs),
            if name.starts_with("RPO") && !r.recovery_points.is_empty() {
                "per workload below"
            } else {
                "not measured"
            }
        );
    }
    let _ = writeln!(
        out,
        "| Failback to the primary region | {} | — |",
        if o.failback {
            "required"
        } else {
            "not required"
        }
    );
    let _ = writeln!(out, "| Default DR tier | {} | — |\n", cell(&o.default_tier));
    recovery_points(out, r, level);
}

/// Observed recovery points per workload next to the RPO; unknown stays unknown.
fn recovery_points(out: &mut String, r: &Report, level: usize) {
    let _ = writeln!(out, "{} Observed recovery points\n", hashes(level + 2));
    if r.recovery_points.is_empty() {
        let _ = writeln!(
            out,
            "No workload (resources sharing the app tag) was found, so no recovery point could \
             be measured.\n"
        );
        return;
    }
    let _ = writeln!(
        out,
        "| Workload | Tier | AMIs copied | Newest AMI copy | Volumes copied | Oldest volume \
         point | Databases copied | Buckets with RTC | Within RPO ({}) |\n\
         |---|---|---|---|---|---|---|---|---|",
        duration(r.objectives.rpo_seconds)
    );
    for w in &r.recovery_points {
        let [amis, ami_age, volumes, volume_age, databases, buckets] =
            crate::report::text::recovery_point_cells(w);
        let _ = writeln!(
            out,
            "| {} | {} | {amis} | {ami_age} | {volumes} | {volume_age} | {} | {buckets} | {} |",
            cell(&w.workload),
            cell(&w.tier),
            cell(&databases),
            match w.within_rpo {
                Some(true) => "yes",
                Some(false) => "**no**",
                None => "unknown",
            }
        );
    }
    let _ = writeln!(
        out,
        "\nAges are measured against the collection time. A volume's point is the start time of \
         its newest snapshot that has a standby copy; volumes without snapshots are not \
         tracked.\n"
    );
}

fn findings(out: &mut String, r: &Report, level: usize) {
    let _ = writeln!(out, "{} Findings\n", hashes(level + 1));
    let unwaived: Vec<&Finding> = r.unwaived().collect();
    let by_sev: Vec<String> = Severity::DESCENDING
        .iter()
        .filter_map(|s| r.summary.by_severity.get(s).map(|n| format!("{n} {s}")))
        .collect();
    let _ = writeln!(
        out,
        "{} unwaived finding{}{}; {} waived (see Waivers).\n",
        unwaived.len(),
        plural(unwaived.len()),
        if by_sev.is_empty() {
            String::new()
        } else {
            format!(" ({})", by_sev.join(", "))
        },
        r.summary.waived
    );
    for &cat in Category::ALL {
        let in_cat: Vec<&Finding> = unwaived
            .iter()
            .copied()
            .filter(|f| f.category == cat)
            .collect();
        let cat_score = r
            .score
            .categories
            .iter()
            .find(|c| c.category == cat)
            .and_then(|c| c.score);
        let _ = writeln!(
            out,
            "{} {cat} (score {})\n",
            hashes(level + 2),
            score(cat_score)
        );
        if in_cat.is_empty() {
            let _ = writeln!(out, "No unwaived findings.\n");
        } else {
            let _ = writeln!(
                out,
                "| Severity | Rule | Site | Resource | Finding | Remediation |\n\
                 |---|---|---|---|---|---|"
            );
            for f in &in_cat {
                let _ = writeln!(
                    out,
                    "| {} | {} | {} | {} | {} | {} |",
                    f.severity,
                    code(&f.rule_id),
                    f.site,
                    code(&f.resource),
                    cell(&f.message),
                    cell(&f.remediation)
                );
            }
            out.push('\n');
        }
        let unknown: Vec<_> = r
            .rules
            .iter()
            .filter(|x| x.category == cat && x.status == RuleStatus::Unknown)
            .collect();
        if !unknown.is_empty() {
            let _ = writeln!(out, "Not judged, counted against the score:\n");
            for u in unknown {
                let _ = writeln!(
                    out,
                    "- {} {}: {}",
                    code(&u.id),
                    cell(&u.title),
                    cell(&u.unknown_because.join("; "))
                );
            }
            out.push('\n');
        }
        let partial: Vec<_> = r
            .rules
            .iter()
            .filter(|x| {
                x.category == cat
                    && x.status != RuleStatus::Unknown
                    && !x.unknown_resources.is_empty()
            })
            .collect();
        if !partial.is_empty() {
            let _ = writeln!(
                out,
                "Resources not judged (a read they need failed), counted against the score:\n"
            );
            for u in partial {
                for (arn, why) in &u.unknown_resources {
                    let _ = writeln!(out, "- {} {}: {}", code(&u.id), code(arn), cell(why));
                }
            }
            out.push('\n');
        }
        let failing: BTreeSet<&str> = in_cat.iter().map(|f| f.rule_id.as_str()).collect();
        for rule in r.rules.iter().filter(|x| failing.contains(x.id.as_str())) {
            let _ = writeln!(
                out,
                "<details><summary>How to fix {}: {}</summary>\n\n{}\n",
                rule.id,
                html(&rule.title),
                html(&rule.why)
            );
            if !rule.remediation_detail.is_empty() {
                let fence = fence_for(&rule.remediation_detail);
                let _ = writeln!(out, "{fence}text\n{}\n{fence}\n", rule.remediation_detail);
            }
            for link in &rule.references {
                let _ = writeln!(out, "- <{link}>");
            }
            if !rule.references.is_empty() {
                out.push('\n');
            }
            let _ = writeln!(out, "</details>\n");
        }
    }
}

fn waivers(out: &mut String, r: &Report, level: usize) {
    let _ = writeln!(out, "{} Waivers\n", hashes(level + 1));
    if r.waivers.is_empty() {
        let _ = writeln!(out, "No waivers are configured.\n");
        return;
    }
    let count = |s: WaiverStatus| r.waivers_with(s).count();
    let soon = r.waivers.iter().filter(|w| expiring_soon(w)).count();
    let _ = writeln!(
        out,
        "{} in force ({} expiring within {EXPIRY_WARNING_DAYS} days), {} expired, {} matching \
         nothing.\n",
        count(WaiverStatus::Active),
        soon,
        count(WaiverStatus::Expired),
        count(WaiverStatus::Unmatched)
    );
    let _ = writeln!(
        out,
        "| Status | Rule | Resources | Reason | Expires | Owner | Ticket | Findings | Declared at |\n\
         |---|---|---|---|---|---|---|--:|---|"
    );
    for w in &r.waivers {
        let status = match w.status {
            WaiverStatus::Active => "in force",
            WaiverStatus::Expired => "**expired**: hides nothing",
            WaiverStatus::Unmatched => "**unmatched**: matches no finding",
        };
        let flag = if expiring_soon(w) {
            format!(
                " · ⚠️ expires in {} day{}",
                w.days_left,
                plural(w.days_left)
            )
        } else {
            String::new()
        };
        let expires = if w.days_left < 0 {
            format!("{} ({} days ago)", w.waiver.expires, -w.days_left)
        } else {
            w.waiver.expires.to_string()
        };
        let _ = writeln!(
            out,
            "| {status}{flag} | {} | {} | {} | {expires} | {} | {} | {} | {} |",
            code(&w.waiver.rule),
            code(&w.waiver.resource),
            cell(&w.waiver.reason),
            w.waiver.owner.as_deref().map_or_else(|| "—".into(), cell),
            w.waiver.ticket.as_deref().map_or_else(|| "—".into(), cell),
            w.matched,
            code(&w.waiver.location)
        );
    }
    out.push('\n');
    let waived: Vec<&Finding> = r.findings.iter().filter(|f| f.waived.is_some()).collect();
    if !waived.is_empty() {
        let _ = writeln!(
            out,
            "{} Findings hidden by waivers ({})\n",
            hashes(level + 2),
            waived.len()
        );
        let _ = writeln!(
            out,
            "| Severity | Rule | Site | Resource | Finding | Waiver |\n|---|---|---|---|---|---|"
        );
        for f in waived {
            let w = f.waived.as_ref().expect("filtered on waived");
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} | {} | {} (until {}, {}) |",
                f.severity,
                code(&f.rule_id),
                f.site,
                code(&f.resource),
                cell(&f.message),
                cell(&w.reason),
                w.expires,
                code(&w.location)
            );
        }
        out.push('\n');
    }
}

/// In force but expiring within [`EXPIRY_WARNING_DAYS`].
pub fn expiring_soon(w: &WaiverReport) -> bool {
    w.status != WaiverStatus::Expired && w.days_left <= EXPIRY_WARNING_DAYS
}

fn collection(out: &mut String, r: &Report, level: usize) {
    let (p, s) = (&r.sites.primary, &r.sites.standby);
    let _ = writeln!(out, "{} What was collected\n", hashes(level + 1));
    let _ = writeln!(
        out,
        "| Resource kind | Primary {} | Standby {} | Paired | Missing in standby | Extra in standby |\n\
         |---|--:|--:|--:|--:|--:|",
        cell(&p.region),
        cell(&s.region)
    );
    let kinds: BTreeSet<&str> = p
        .resources
        .keys()
        .chain(s.resources.keys())
        .chain(r.parity.summary.keys())
        .map(String::as_str)
        .collect();
    let count = |site: &SiteSummary, k: &str| {
        site.resources
            .get(k)
            .map_or_else(|| "—".to_string(), |n| n.to_string())
    };
    for k in kinds {
        // Kinds the pairing does not judge (volumes, zones, ...) have no pairing columns.
        let pairing = r.parity.summary.get(k).map_or_else(
            || "— | — | —".to_string(),
            |ps| {
                format!(
                    "{} | {} | {}",
                    ps.pairs, ps.missing_in_standby, ps.extra_in_standby
                )
            },
        );
        let _ = writeln!(
            out,
            "| {} | {} | {} | {pairing} |",
            cell(k),
            count(p, k),
            count(s, k),
        );
    }
    let total = |site: &SiteSummary| site.resources.values().sum::<usize>();
    let _ = writeln!(
        out,
        "| **total** | **{}** | **{}** | | | |\n",
        total(p),
        total(s)
    );
    if r.out_of_scope > 0 {
        let _ = writeln!(
            out,
            "{} resource{} left out of scope (scope tag `none`, `scope.exclude` or \
             `scope.services`).\n",
            r.out_of_scope,
            plural(r.out_of_scope)
        );
    }
    if !r.not_collected.is_empty() {
        let list: Vec<String> = r.not_collected.iter().map(|s| code(s.as_str())).collect();
        let _ = writeln!(
            out,
            "Not collected in this snapshot, so not judged: {} (a snapshot from an older drready \
             or a narrower `scope.services`; collect a new one to judge them).\n",
            list.join(", ")
        );
    }
    if !r.not_dr_data.is_empty() {
        let _ = writeln!(
            out,
            "Not DR data, set aside and not judged (tag `dr:data=true` or `scope.include` to \
             judge one):\n\n| Site | Resource | Why |\n|---|---|---|"
        );
        for n in &r.not_dr_data {
            let _ = writeln!(
                out,
                "| {} | {} | {} |",
                n.site,
                code(&n.arn),
                cell(&n.reason)
            );
        }
        out.push('\n');
    }
    if !r.other_site_pairs.is_empty() {
        let _ = writeln!(
            out,
            "Global resources that serve another site pair of the account, set aside and not \
             judged here:\n\n| Kind | Resource | Why |\n|---|---|---|"
        );
        for o in &r.other_site_pairs {
            let _ = writeln!(
                out,
                "| {} | {} | {} |",
                o.kind,
                code(&o.arn),
                cell(&o.reason)
            );
        }
        out.push('\n');
    }
    if !p.api_calls.is_empty() || !s.api_calls.is_empty() {
        let _ = writeln!(out, "| Site | API | Calls |\n|---|---|--:|");
        for (role, site) in [("primary", p), ("standby", s)] {
            for (api, n) in &site.api_calls {
                let _ = writeln!(out, "| {role} | {} | {n} |", code(api));
            }
        }
        out.push('\n');
    }
    let _ = writeln!(out, "{} What could not be collected\n", hashes(level + 2));
    if p.collection_errors.is_empty() && s.collection_errors.is_empty() {
        let _ = writeln!(out, "Nothing: both sites were read completely.");
        return;
    }
    let _ = writeln!(
        out,
        "| Site | Service | API | Error | Message | Resource |\n|---|---|---|---|---|---|"
    );
    for (role, site) in [("primary", p), ("standby", s)] {
        for e in &site.collection_errors {
            let _ = writeln!(
                out,
                "| {role} | {} | {} | {} | {} | {} |",
                e.service,
                code(&e.api),
                code(&e.code),
                cell(&e.message),
                e.resource.as_deref().map_or_else(|| "—".into(), code)
            );
        }
    }
    let _ = writeln!(
        out,
        "\nRules that read these services are unknown: not ready until they can be judged."
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_escape_pipes_newlines_and_html() {
        assert_eq!(cell("a|b\nc\r\nd<e>"), "a\\|b<br>c<br>d&lt;e&gt;");
        assert_eq!(code("x|y"), "`x\\|y`");
        assert_eq!(code("a`b"), "`` a`b ``");
        assert_eq!(code("l1\nl2"), "`l1 l2`");
    }

    #[test]
    fn durations_read_naturally() {
        assert_eq!(duration(86_400), "1d");
        assert_eq!(duration(14_400), "4h");
        assert_eq!(duration(5400), "90m");
        assert_eq!(duration(61), "61s");
    }
}
