//! The findings of every target, filterable by severity, rule and target, and how to fix each
//! rule.

use std::collections::BTreeMap;
use std::fmt::Write;

use super::{esc, fix_anchor, severity_badge, table_close, table_open, thead};
use crate::findings::Finding;
use crate::report::RuleEntry;
use crate::report::org::{Org, target_name};
use crate::vocab::Severity;

fn rank(s: Severity) -> usize {
    Severity::DESCENDING
        .iter()
        .position(|x| *x == s)
        .unwrap_or(usize::MAX)
}

/// Every finding with its target name, most severe first (then in target order).
fn all(org: &Org, waived: bool) -> Vec<(String, &Finding)> {
    let mut v: Vec<(String, &Finding)> = org
        .reports
        .iter()
        .flat_map(|r| {
            let name = target_name(r);
            r.findings
                .iter()
                .filter(move |f| f.waived.is_some() == waived)
                .map(move |f| (name.clone(), f))
        })
        .collect();
    v.sort_by_key(|(_, f)| rank(f.severity));
    v
}

/// A `<select>` of one filter, with the count of each value.
fn select(
    out: &mut String,
    key: &str,
    label: &str,
    all_label: &str,
    values: &BTreeMap<String, usize>,
) {
    let _ = write!(
        out,
        "<div><label for=\"filter-{key}\">{label}</label><select id=\"filter-{key}\" data-filter=\"{key}\">\
         <option value=\"\">{all_label}</option>"
    );
    for (v, n) in values {
        let _ = write!(
            out,
            "<option value=\"{}\">{} ({n})</option>",
            esc(v),
            esc(v)
        );
    }
    out.push_str("</select></div>\n");
}

pub fn findings(out: &mut String, org: &Org) {
    let open = all(org, false);
    let multi = org.reports.len() > 1;
    out.push_str(
        "<section id=\"findings\" aria-labelledby=\"findings-h\">\n<h2 id=\"findings-h\">Findings</h2>\n",
    );
    let _ = writeln!(
        out,
        "<p class=\"lede\">{} unwaived finding{}, most severe first. Each row gives the one-line \
         fix; <a href=\"#fixes\">How to fix</a> has the commands per rule.</p>",
        open.len(),
        super::plural(open.len())
    );
    if open.is_empty() {
        out.push_str("<p>No unwaived findings.</p>\n");
    } else {
        let mut sev: Vec<(String, usize)> = Vec::new();
        for s in Severity::DESCENDING {
            let n = open.iter().filter(|(_, f)| f.severity == s).count();
            if n > 0 {
                sev.push((s.to_string(), n));
            }
        }
        let mut rules: BTreeMap<String, usize> = BTreeMap::new();
        let mut targets: BTreeMap<String, usize> = BTreeMap::new();
        for (t, f) in &open {
            *rules.entry(f.rule_id.clone()).or_default() += 1;
            *targets.entry(t.clone()).or_default() += 1;
        }
        // Hidden until the script runs: without it, every finding shows and no dead control.
        out.push_str(
            "<div class=\"filters\" role=\"search\" aria-label=\"Filter findings\" data-filters hidden>\n",
        );
        // Severities in severity order, not alphabetical.
        let _ = write!(
            out,
            "<div><label for=\"filter-severity\">Severity</label><select id=\"filter-severity\" \
             data-filter=\"severity\"><option value=\"\">All severities</option>"
        );
        for (s, n) in &sev {
            let _ = write!(out, "<option value=\"{s}\">{s} ({n})</option>");
        }
        out.push_str("</select></div>\n");
        select(out, "rule", "Rule", "All rules", &rules);
        if multi {
            select(out, "target", "Target", "All targets", &targets);
        }
        out.push_str(
            "<div><button type=\"button\">Show all</button></div>\n\
             <output id=\"findings-count\" aria-live=\"polite\"></output>\n</div>\n",
        );
        table_open(
            out,
            "findings-table",
            "Unwaived findings, most severe first",
        );
        let mut cols = vec![("Severity", false)];
        if multi {
            cols.push(("Target", false));
        }
        cols.extend([
            ("Rule", false),
            ("Site", false),
            ("Resource", false),
            ("Finding", false),
            ("Fix", false),
        ]);
        thead(out, &cols);
        for (t, f) in &open {
            let _ = write!(
                out,
                "<tr data-severity=\"{}\" data-rule=\"{}\" data-target=\"{}\"><td>{}</td>",
                f.severity,
                esc(&f.rule_id),
                esc(t),
                severity_badge(f.severity)
            );
            if multi {
                let _ = write!(out, "<td>{}</td>", esc(t));
            }
            let _ = writeln!(
                out,
                "<th scope=\"row\"><a href=\"#{}\">{}</a></th><td>{}</td><td class=\"res\"><code>{}</code></td>\
                 <td>{}</td><td class=\"fix\">{}</td></tr>",
                fix_anchor(&f.rule_id),
                esc(&f.rule_id),
                f.site,
                esc(&f.resource),
                esc(&f.message),
                esc(&f.remediation)
            );
        }
        table_close(out);
    }
    waived(out, org, multi);
    out.push_str("</section>\n");
}

fn waived(out: &mut String, org: &Org, multi: bool) {
    let list = all(org, true);
    if list.is_empty() {
        return;
    }
    let _ = writeln!(out, "<h3>Waived findings ({})</h3>", list.len());
    table_open(
        out,
        "waived-table",
        "Findings hidden from the gate and the score by a waiver",
    );
    let mut cols = vec![("Severity", false)];
    if multi {
        cols.push(("Target", false));
    }
    cols.extend([
        ("Rule", false),
        ("Resource", false),
        ("Finding", false),
        ("Reason", false),
        ("Expires", false),
        ("Owner", false),
    ]);
    thead(out, &cols);
    for (t, f) in &list {
        let w = f.waived.as_ref().expect("filtered on waived");
        let _ = write!(out, "<tr><td>{}</td>", severity_badge(f.severity));
        if multi {
            let _ = write!(out, "<td>{}</td>", esc(t));
        }
        let _ = writeln!(
            out,
            "<th scope=\"row\">{}</th><td><code>{}</code></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            esc(&f.rule_id),
            esc(&f.resource),
            esc(&f.message),
            esc(&w.reason),
            w.expires,
            esc(w.owner.as_deref().unwrap_or("—"))
        );
    }
    table_close(out);
}

/// One entry per rule with unwaived findings in any target: why it matters, the fix, the
/// commands, the references (links only when they are `https://`).
pub fn fixes(out: &mut String, org: &Org) {
    let mut failing: BTreeMap<&str, (usize, &RuleEntry)> = BTreeMap::new();
    for r in &org.reports {
        for f in r.unwaived() {
            if let Some(rule) = r.rules.iter().find(|x| x.id == f.rule_id) {
                failing.entry(rule.id.as_str()).or_insert((0, rule)).0 += 1;
            }
        }
    }
    let mut rules: Vec<(usize, &RuleEntry)> = failing.into_values().collect();
    rules.sort_by(|a, b| {
        rank(a.1.severity)
            .cmp(&rank(b.1.severity))
            .then_with(|| a.1.id.cmp(&b.1.id))
    });
    out.push_str(
        "<section id=\"fixes\" aria-labelledby=\"fixes-h\">\n<h2 id=\"fixes-h\">How to fix</h2>\n",
    );
    if rules.is_empty() {
        out.push_str("<p>Nothing to fix.</p>\n</section>\n");
        return;
    }
    let _ = writeln!(
        out,
        "<p class=\"lede\">{} rule{} with unwaived findings, most severe first. Open one for why \
         it matters and the AWS CLI / Terraform change.</p>",
        rules.len(),
        super::plural(rules.len())
    );
    for (n, rule) in rules {
        let _ = writeln!(
            out,
            "<details class=\"rule\" id=\"{}\"><summary>{} <code>{}</code> {} · {} finding{}</summary>\n\
             <p><strong>Why:</strong> {}</p>\n<p><strong>Fix:</strong> {}</p>",
            fix_anchor(&rule.id),
            severity_badge(rule.severity),
            esc(&rule.id),
            esc(&rule.title),
            n,
            super::plural(n),
            esc(&rule.why),
            esc(&rule.remediation)
        );
        if !rule.remediation_detail.is_empty() {
            let _ = writeln!(
                out,
                "<pre><code>{}</code></pre>",
                esc(&rule.remediation_detail)
            );
        }
        if !rule.references.is_empty() {
            out.push_str("<ul>");
            for link in &rule.references {
                if link.starts_with("https://") && !link.contains(char::is_whitespace) {
                    let _ = write!(
                        out,
                        "<li><a href=\"{}\" rel=\"noreferrer\">{}</a></li>",
                        esc(link),
                        esc(link)
                    );
                } else {
                    let _ = write!(out, "<li>{}</li>", esc(link));
                }
            }
            out.push_str("</ul>\n");
        }
        out.push_str("</details>\n");
    }
    out.push_str("</section>\n");
}
