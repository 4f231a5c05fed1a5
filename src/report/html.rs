//! The HTML audit report: one self-contained file (styles, script and SVG charts inline, no
//! network access: a Content-Security-Policy forbids every request), for an organisation run or
//! a single pair (an organisation of one target).
//!
//! Everything that comes from AWS, a snapshot or a report goes through [`esc`]; the script is a
//! constant that reads the page, never data. Deterministic: the only clock is the report's own
//! `generated_at`, shown once in the header.

mod charts;
mod findings;
mod targets;

use std::fmt::Write;

use anyhow::Result;
use sha2::{Digest, Sha256};

use super::org::{Org, OrgReport, TargetSummary};
use super::text::{plural, score, time};
use crate::verdicts::WorkloadVerdict;
use crate::vocab::{Category, Severity, Verdict};

const STYLE: &str = include_str!("html/style.css");
const SCRIPT: &str = include_str!("html/script.js");

/// The HTML report of an organisation run (a single-pair run is an organisation of one target):
/// `history` holds earlier organisation reports, oldest first, for the score-over-time chart.
pub fn render(org: &Org, history: &[OrgReport]) -> Result<String> {
    let mut out = String::with_capacity(64 * 1024);
    head(&mut out, org);
    banner(&mut out, org);
    nav(&mut out, !history.is_empty());
    out.push_str("<main id=\"main\" class=\"wrap\">\n");
    overview(&mut out, org);
    if !history.is_empty() {
        trend(&mut out, org, history);
    }
    targets::workloads(&mut out, org);
    findings::findings(&mut out, org);
    findings::fixes(&mut out, org);
    targets::recovery_points(&mut out, org);
    targets::collection(&mut out, org);
    out.push_str("</main>\n");
    footer(&mut out, org);
    let _ = writeln!(out, "<script>{SCRIPT}</script>\n</body>\n</html>");
    Ok(out)
}

/// The one escaping function: text and (double-quoted) attribute values from any report.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// An anchor id made of `[A-Za-z0-9_-]` only.
fn slug(prefix: &str, s: &str) -> String {
    let body: String = s
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .collect();
    format!("{prefix}-{body}")
}

/// The anchor of a rule's "how to fix" entry.
fn fix_anchor(rule_id: &str) -> String {
    slug("fix", rule_id)
}

/// `good` (100), `warn` (80 and over), `bad` or `na`: the table report's thresholds.
fn score_class(s: Option<f64>) -> &'static str {
    match s {
        Some(v) if v >= 100.0 => "good",
        Some(v) if v >= 80.0 => "warn",
        Some(_) => "bad",
        None => "na",
    }
}

fn score_badge(s: Option<f64>) -> String {
    format!(
        "<span class=\"badge {}\">{}</span>",
        score_class(s),
        score(s)
    )
}

fn verdict_word(v: Verdict) -> &'static str {
    match v {
        Verdict::Ready => "READY",
        Verdict::NotReady => "NOT READY",
        Verdict::Incomplete => "INCOMPLETE",
    }
}

fn verdict_badge(v: Verdict) -> String {
    let class = match v {
        Verdict::Ready => "good",
        Verdict::NotReady => "bad",
        Verdict::Incomplete => "warn",
    };
    format!(
        "<span class=\"badge {class}\">{}</span>",
        verdict_word(v).to_lowercase()
    )
}

fn workload_badge(v: WorkloadVerdict) -> String {
    let class = match v {
        WorkloadVerdict::Ready => "good",
        WorkloadVerdict::NotReady => "bad",
        WorkloadVerdict::Unknown => "warn",
        WorkloadVerdict::NotApplicable => "na",
    };
    format!("<span class=\"badge {class}\">{}</span>", v.as_str())
}

fn severity_badge(s: Severity) -> String {
    format!("<span class=\"badge sev-{s}\">{s}</span>")
}

/// A table in a keyboard-scrollable region, with its caption.
fn table_open(out: &mut String, id: &str, caption: &str) {
    let _ = write!(
        out,
        "<div class=\"scroll\" role=\"region\" tabindex=\"0\" aria-labelledby=\"{id}-c\">\n\
         <table id=\"{id}\"><caption id=\"{id}-c\">{}</caption>\n",
        esc(caption)
    );
}

fn table_close(out: &mut String) {
    out.push_str("</tbody></table></div>\n");
}

/// A `<thead>` row of column headers (already escaped: they are the renderer's own words);
/// `num` columns are right-aligned.
fn thead(out: &mut String, cols: &[(&str, bool)]) {
    out.push_str("<thead><tr>");
    for (c, num) in cols {
        let _ = write!(
            out,
            "<th scope=\"col\"{}>{c}</th>",
            if *num { " class=\"num\"" } else { "" }
        );
    }
    out.push_str("</tr></thead><tbody>\n");
}

/// Standard base64 (RFC 4648), for the policy's hashes.
fn base64(bytes: &[u8]) -> String {
    const ABC: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for (i, shift) in [18, 12, 6, 0].into_iter().enumerate() {
            if i <= chunk.len() {
                out.push(ABC[(n >> shift) as usize & 63] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

fn csp_hash(text: &str) -> String {
    format!("'sha256-{}'", base64(&Sha256::digest(text.as_bytes())))
}

/// What the page is about: the pair (and target name) of one target, else the count.
fn subject(org: &Org) -> String {
    match org.report.targets.as_slice() {
        [t] => {
            let pair = format!("{} → {}", t.primary.region, t.standby.region);
            if t.name == t.site_pair {
                pair
            } else {
                format!("{} ({pair})", t.name)
            }
        }
        ts => format!("{} targets", ts.len()),
    }
}

fn head(out: &mut String, org: &Org) {
    let _ = write!(
        out,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src {}; \
         script-src {}; img-src 'none'; base-uri 'none'; form-action 'none'\">\n\
         <meta name=\"generator\" content=\"drready {}\">\n\
         <title>DR readiness audit: {}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n\
         <a class=\"skip\" href=\"#main\">Skip to the report</a>\n",
        csp_hash(STYLE),
        csp_hash(SCRIPT),
        esc(&org.report.tool.version),
        esc(&subject(org))
    );
}

fn banner(out: &mut String, org: &Org) {
    let r = &org.report;
    let s = &r.summary;
    let _ = write!(
        out,
        "<header class=\"banner v-{}\">\n<div class=\"wrap\">\n\
         <p class=\"eyebrow\">Disaster-recovery readiness audit</p>\n<h1>{}</h1>\n\
         <div class=\"headline\">\n<p class=\"verdict-word\"><span class=\"big-label\">Verdict</span>{}</p>\n",
        r.verdict.as_str(),
        esc(&subject(org)),
        verdict_word(r.verdict)
    );
    match r.targets.as_slice() {
        [t] => {
            let _ = writeln!(
                out,
                "<p class=\"big-score\"><span class=\"big-label\">Readiness score</span>{}<small> / 100</small></p>",
                score(t.score)
            );
        }
        ts => {
            let lowest = ts.iter().filter_map(|t| t.score).reduce(f64::min);
            let _ = writeln!(
                out,
                "<p class=\"big-score\"><span class=\"big-label\">Targets ready</span>{}<small> of {}</small></p>\n\
                 <p class=\"big-score\"><span class=\"big-label\">Lowest score</span>{}<small> / 100</small></p>",
                s.ready,
                s.targets,
                score(lowest)
            );
        }
    }
    out.push_str("</div>\n<ul class=\"facts\">\n");
    if let [t] = r.targets.as_slice() {
        let _ = writeln!(
            out,
            "<li>Primary <strong>{}</strong> ({}) → standby <strong>{}</strong> ({})</li>\n\
             <li>Collected {}</li>",
            esc(&t.primary.region),
            esc(&t.primary.account),
            esc(&t.standby.region),
            esc(&t.standby.account),
            time(t.collected_at)
        );
    } else {
        let _ = writeln!(
            out,
            "<li>{} ready · {} not ready · {} incomplete</li>",
            s.ready, s.not_ready, s.incomplete
        );
    }
    let _ = writeln!(
        out,
        "<li><strong>{} of {}</strong> workload{} can fail over now</li>\n<li>{}</li>\n<li>Exit code {}</li>",
        s.workloads_ready,
        s.workloads,
        plural(s.workloads),
        severity_counts(s.findings, &s.by_severity),
        r.exit_code
    );
    out.push_str("</ul>\n");
    if let [t] = r.targets.as_slice()
        && !(t.reasons.is_empty() && t.unreadable.is_empty())
    {
        out.push_str("<ul class=\"reasons\">\n");
        for reason in t.reasons.iter().chain(&t.unreadable) {
            let _ = writeln!(out, "<li>{}</li>", esc(reason));
        }
        out.push_str("</ul>\n");
    }
    out.push_str("</div>\n</header>\n");
}

/// `54 unwaived findings: 15 critical, 39 high`.
fn severity_counts(total: usize, by: &std::collections::BTreeMap<Severity, usize>) -> String {
    let parts: Vec<String> = Severity::DESCENDING
        .iter()
        .filter_map(|sev| by.get(sev).map(|n| format!("{n} {sev}")))
        .collect();
    if parts.is_empty() {
        format!("{total} unwaived finding{}", plural(total))
    } else {
        format!(
            "{total} unwaived finding{}: {}",
            plural(total),
            parts.join(", ")
        )
    }
}

fn nav(out: &mut String, trend: bool) {
    out.push_str("<nav class=\"toc\" aria-label=\"Sections\"><ul>\n");
    let mut links = vec![("overview", "Overview")];
    if trend {
        links.push(("trend", "Score over time"));
    }
    links.extend([
        ("workloads", "Workloads"),
        ("findings", "Findings"),
        ("fixes", "How to fix"),
        ("recovery", "Recovery points"),
        ("collection", "What was collected"),
    ]);
    for (id, label) in links {
        let _ = writeln!(out, "<li><a href=\"#{id}\">{label}</a></li>");
    }
    out.push_str("</ul></nav>\n");
}

/// The categories any target has a score entry for, in category order.
fn categories(targets: &[TargetSummary]) -> Vec<Category> {
    Category::ALL
        .iter()
        .copied()
        .filter(|c| {
            targets
                .iter()
                .any(|t| t.categories.iter().any(|x| x.category == *c))
        })
        .collect()
}

/// Targets × categories, worst first, and a chart of the scores.
fn overview(out: &mut String, org: &Org) {
    let r = &org.report;
    out.push_str(
        "<section id=\"overview\" aria-labelledby=\"overview-h\">\n\
         <h2 id=\"overview-h\">Readiness by target and category</h2>\n",
    );
    let s = &r.summary;
    out.push_str("<div class=\"cards\">\n");
    for (n, k) in [
        (format!("{} / {}", s.ready, s.targets), "targets ready"),
        (
            format!("{} / {}", s.workloads_ready, s.workloads),
            "workloads can fail over now",
        ),
        (s.findings.to_string(), "unwaived findings"),
        (s.waived.to_string(), "waived findings"),
    ] {
        let _ = writeln!(
            out,
            "<div class=\"card\"><span class=\"n\">{n}</span><span class=\"k\">{k}</span></div>"
        );
    }
    out.push_str("</div>\n");
    let cats = categories(&r.targets);
    table_open(
        out,
        "grid",
        "Verdict and score (0–100) of every target and category, worst target first",
    );
    // A single-pair run's target is named after its pair: no column that repeats it.
    let pairs = r.targets.iter().any(|t| t.name != t.site_pair);
    let mut cols: Vec<(&str, bool)> = vec![("Target", false)];
    if pairs {
        cols.push(("Site pair", false));
    }
    cols.extend([("Verdict", false), ("Overall", true)]);
    let names: Vec<&str> = cats.iter().map(|c| c.as_str()).collect();
    cols.extend(names.iter().map(|n| (*n, true)));
    cols.extend([("Findings", true), ("Workloads ready", true)]);
    thead(out, &cols);
    for t in &r.targets {
        let _ = write!(
            out,
            "<tr><th scope=\"row\">{}</th>{}<td>{}</td><td class=\"num\">{}</td>",
            esc(&t.name),
            if pairs {
                format!("<td><code>{}</code></td>", esc(&t.site_pair))
            } else {
                String::new()
            },
            verdict_badge(t.verdict),
            score_badge(t.score)
        );
        for c in &cats {
            let cell = t.categories.iter().find(|x| x.category == *c);
            let _ = write!(
                out,
                "<td class=\"num\">{}</td>",
                cell.map_or_else(|| "—".to_string(), |x| score_badge(x.score))
            );
        }
        let _ = writeln!(
            out,
            "<td class=\"num\">{}</td><td class=\"num\">{} / {}</td></tr>",
            t.summary.findings, t.workloads_ready, t.workloads
        );
    }
    table_close(out);
    let items: Vec<(String, Option<f64>)> = match r.targets.as_slice() {
        [t] => t
            .categories
            .iter()
            .map(|c| (c.category.to_string(), c.score))
            .chain([("overall".to_string(), t.score)])
            .collect(),
        ts => ts.iter().map(|t| (t.name.clone(), t.score)).collect(),
    };
    let title = if r.targets.len() == 1 {
        "Readiness score by category"
    } else {
        "Readiness score by target"
    };
    let _ = writeln!(
        out,
        "<figure>\n{}\n<figcaption>{title} (0–100). The numbers are in the table above.</figcaption>\n</figure>",
        charts::score_bars("chart-scores", title, &items)
    );
    let _ = writeln!(
        out,
        "<p class=\"lede\">How a score is computed: {}.</p>\n</section>",
        org.reports
            .first()
            .map_or_else(String::new, |x| esc(&x.score.formula))
    );
}

/// When a run's estate was read: the newest collection time of its targets.
fn run_label(r: &OrgReport, fmt: &str) -> String {
    r.targets
        .iter()
        .map(|t| t.collected_at)
        .max()
        .map_or_else(|| "unknown".to_string(), |t| t.format(fmt).to_string())
}

/// Score over time: the earlier reports and this one, a line per target (up to eight; past
/// that the mean and the lowest target score), and the same numbers as a table.
fn trend(out: &mut String, org: &Org, history: &[OrgReport]) {
    let runs: Vec<&OrgReport> = history.iter().chain([&org.report]).collect();
    let labels: Vec<String> = runs.iter().map(|r| run_label(r, "%Y-%m-%d")).collect();
    let names: Vec<&str> = org.report.targets.iter().map(|t| t.name.as_str()).collect();
    let of = |r: &OrgReport, name: &str| -> Option<f64> {
        r.targets
            .iter()
            .find(|t| t.name == name)
            .and_then(|t| t.score)
    };
    let per_target: Vec<charts::Series> = names
        .iter()
        .map(|n| charts::Series {
            name: n.to_string(),
            values: runs.iter().map(|r| of(r, n)).collect(),
        })
        .collect();
    let aggregate = |f: fn(&[f64]) -> f64| -> Vec<Option<f64>> {
        runs.iter()
            .map(|r| {
                let v: Vec<f64> = r.targets.iter().filter_map(|t| t.score).collect();
                (!v.is_empty()).then(|| (f(&v) * 10.0).round() / 10.0)
            })
            .collect()
    };
    let mean = aggregate(|v| v.iter().sum::<f64>() / v.len() as f64);
    let lowest = aggregate(|v| v.iter().copied().fold(f64::INFINITY, f64::min));
    let many = names.len() > 8;
    let series = if many {
        vec![
            charts::Series {
                name: "mean of targets".into(),
                values: mean.clone(),
            },
            charts::Series {
                name: "lowest target".into(),
                values: lowest.clone(),
            },
        ]
    } else {
        per_target
    };
    out.push_str(
        "<section id=\"trend\" aria-labelledby=\"trend-h\">\n<h2 id=\"trend-h\">Score over time</h2>\n",
    );
    let _ = writeln!(
        out,
        "<p class=\"lede\">{} earlier report{} (<code>--previous</code>) and this one, by the time \
         the estate was collected.</p>",
        history.len(),
        plural(history.len())
    );
    let _ = writeln!(
        out,
        "<figure>\n{}",
        charts::score_lines("chart-trend", "Readiness score over time", &labels, &series)
    );
    out.push_str("<ul class=\"legend\">");
    for (k, s) in series.iter().enumerate() {
        let _ = write!(
            out,
            "<li><span class=\"swatch s{}\"></span>{}</li>",
            k % 8,
            esc(&s.name)
        );
    }
    out.push_str(
        "</ul>\n<figcaption>Readiness score (0–100) per run. The numbers are in the table below.</figcaption>\n</figure>\n",
    );
    table_open(out, "trend-table", "Readiness score per run, oldest first");
    let mut cols: Vec<(&str, bool)> = vec![("Collected", false)];
    if many {
        cols.extend([("Mean", true), ("Lowest", true)]);
    }
    let escaped: Vec<String> = names.iter().map(|n| esc(n)).collect();
    cols.extend(escaped.iter().map(|n| (n.as_str(), true)));
    thead(out, &cols);
    for (i, r) in runs.iter().enumerate() {
        let _ = write!(
            out,
            "<tr><th scope=\"row\">{}{}</th>",
            esc(&run_label(r, "%Y-%m-%d %H:%M UTC")),
            if i + 1 == runs.len() {
                " (this report)"
            } else {
                ""
            }
        );
        if many {
            let _ = write!(
                out,
                "<td class=\"num\">{}</td><td class=\"num\">{}</td>",
                score(mean[i]),
                score(lowest[i])
            );
        }
        for n in &names {
            let _ = write!(out, "<td class=\"num\">{}</td>", score(of(r, n)));
        }
        out.push_str("</tr>\n");
    }
    table_close(out);
    out.push_str("</section>\n");
}

fn footer(out: &mut String, org: &Org) {
    let _ = writeln!(
        out,
        "<footer><div class=\"wrap\">Generated {} by drready {}. One self-contained file: it loads \
         nothing from the network. The JSON report (<code>--format json</code>) holds every \
         detail.</div></footer>",
        time(org.report.generated_at),
        esc(&org.report.tool.version)
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn esc_covers_text_and_attributes() {
        assert_eq!(
            esc("<a href=\"x\" title='y'>&</a>"),
            "&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;"
        );
    }

    #[test]
    fn base64_matches_rfc_4648() {
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foo"), "Zm9v");
        assert_eq!(base64(b"foobar"), "Zm9vYmFy");
    }

    #[test]
    fn slugs_keep_only_safe_characters() {
        assert_eq!(fix_anchor("DR-S3-001"), "fix-DR-S3-001");
        assert_eq!(fix_anchor("a\"><x"), "fix-a___x");
    }
}
