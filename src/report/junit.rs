//! JUnit XML for CI systems: one `<testsuite>` per category, one `<testcase>` per rule × judged
//! resource (docs/output-formats.md).

use std::collections::BTreeMap;
use std::fmt::Write;

use anyhow::Result;

use super::{Report, RuleEntry};
use crate::findings::Finding;
use crate::policy::RuleStatus;
use crate::vocab::Category;

/// Name of the single case of a rule that could not be judged.
pub const UNKNOWN_CASE: &str = "(not judged)";

enum Outcome<'a> {
    Pass,
    Failure(Vec<&'a Finding>),
    Skipped(&'a Finding),
    Error(String),
}

struct Case<'a> {
    rule: &'a RuleEntry,
    name: &'a str,
    outcome: Outcome<'a>,
}

pub fn render(report: &Report) -> Result<String> {
    // Findings per (rule, resource), in report order.
    let mut by_case: BTreeMap<(&str, &str), Vec<&Finding>> = BTreeMap::new();
    for f in &report.findings {
        by_case
            .entry((f.rule_id.as_str(), f.resource.as_str()))
            .or_default()
            .push(f);
    }
    let mut suites: BTreeMap<Category, Vec<Case>> = BTreeMap::new();
    for rule in &report.rules {
        let cases = suites.entry(rule.category).or_default();
        if rule.status == RuleStatus::Unknown {
            cases.push(Case {
                rule,
                name: UNKNOWN_CASE,
                outcome: Outcome::Error(format!(
                    "could not be judged: {}",
                    rule.unknown_because.join("; ")
                )),
            });
            continue;
        }
        for resource in &rule.judged {
            let found = by_case
                .get(&(rule.id.as_str(), resource.as_str()))
                .cloned()
                .unwrap_or_default();
            let unwaived: Vec<&Finding> = found
                .iter()
                .copied()
                .filter(|f| f.waived.is_none())
                .collect();
            let outcome = if !unwaived.is_empty() {
                Outcome::Failure(unwaived)
            } else if let Some(f) = found.first() {
                Outcome::Skipped(f)
            } else {
                Outcome::Pass
            };
            cases.push(Case {
                rule,
                name: resource,
                outcome,
            });
        }
    }

    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let mut totals = count(suites.values().flatten());
    let workloads = workload_cases(report);
    totals.0 += workloads.0;
    totals.1 += workloads.1;
    totals.2 += workloads.2;
    let _ = writeln!(
        out,
        "<testsuites name=\"drready {}\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\">",
        escape(&report.site_pair),
        totals.0,
        totals.1,
        totals.2,
        totals.3
    );
    for (category, cases) in &suites {
        let (tests, failures, errors, skipped) = count(cases.iter());
        let _ = writeln!(
            out,
            "  <testsuite name=\"drready.{category}\" tests=\"{tests}\" failures=\"{failures}\" \
             errors=\"{errors}\" skipped=\"{skipped}\">"
        );
        for case in cases {
            write_case(&mut out, case);
        }
        out.push_str("  </testsuite>\n");
    }
    out.push_str(&workloads.3);
    out.push_str("</testsuites>\n");
    Ok(out)
}

/// One test case per workload, in a suite of its own: it fails when a blocking finding stops the
/// workload from failing over, and errs when what it needs could not be read.
/// Returns (tests, failures, errors, the suite's XML).
fn workload_cases(report: &Report) -> (usize, usize, usize, String) {
    use crate::verdicts::WorkloadVerdict;
    let w = &report.workloads.workloads;
    if w.is_empty() {
        return (0, 0, 0, String::new());
    }
    let failures = w
        .iter()
        .filter(|e| e.verdict == WorkloadVerdict::NotReady)
        .count();
    let errors = w
        .iter()
        .filter(|e| e.verdict == WorkloadVerdict::Unknown)
        .count();
    let mut xml = format!(
        "  <testsuite name=\"drready.workloads\" tests=\"{}\" failures=\"{failures}\" \
         errors=\"{errors}\" skipped=\"0\">\n",
        w.len()
    );
    for e in w {
        let open = format!(
            "    <testcase classname=\"workload\" name=\"{}\"",
            escape(&e.name)
        );
        match e.verdict {
            WorkloadVerdict::NotReady => {
                let message = format!(
                    "{} ({}) cannot fail over: {} blocking finding(s)",
                    e.name,
                    e.tier,
                    e.blocking.len()
                );
                let body: String = e
                    .blocking
                    .iter()
                    .map(|b| format!("{} {} {}\n", b.severity, b.rule_id, b.resource))
                    .collect();
                let _ = writeln!(
                    xml,
                    "{open}>\n      <failure message=\"{}\" type=\"not_ready\">{}</failure>\n    </testcase>",
                    escape(&message),
                    escape_text(&body)
                );
            }
            WorkloadVerdict::Unknown => {
                let _ = writeln!(
                    xml,
                    "{open}>\n      <error message=\"{}\" type=\"unknown\"/>\n    </testcase>",
                    escape(&format!("could not be judged: {}", e.unknown.join("; ")))
                );
            }
            _ => {
                let _ = writeln!(xml, "{open}/>");
            }
        }
    }
    xml.push_str("  </testsuite>\n");
    (w.len(), failures, errors, xml)
}

/// (tests, failures, errors, skipped)
fn count<'a, 'b: 'a>(cases: impl Iterator<Item = &'a Case<'b>>) -> (usize, usize, usize, usize) {
    let mut n = (0, 0, 0, 0);
    for c in cases {
        n.0 += 1;
        match c.outcome {
            Outcome::Pass => {}
            Outcome::Failure(_) => n.1 += 1,
            Outcome::Error(_) => n.2 += 1,
            Outcome::Skipped(_) => n.3 += 1,
        }
    }
    n
}

fn write_case(out: &mut String, case: &Case) {
    let open = format!(
        "    <testcase classname=\"{}\" name=\"{}\"",
        escape(&case.rule.id),
        escape(case.name)
    );
    match &case.outcome {
        Outcome::Pass => {
            let _ = writeln!(out, "{open}/>");
        }
        Outcome::Failure(found) => {
            let message = found
                .iter()
                .map(|f| format!("[{}] {}", f.site, f.message))
                .collect::<Vec<_>>()
                .join(" ");
            let mut body = format!("{}: {}\n", case.rule.id, case.rule.title);
            for f in found {
                let _ = writeln!(body, "{} site: {}", f.site, f.message);
            }
            let _ = writeln!(body, "Fix: {}", case.rule.remediation);
            if !case.rule.remediation_detail.is_empty() {
                let _ = writeln!(body, "{}", case.rule.remediation_detail.trim_end());
            }
            let _ = writeln!(
                out,
                "{open}>\n      <failure message=\"{}\" type=\"{}\">{}</failure>\n    </testcase>",
                escape(&message),
                case.rule.severity,
                escape_text(&body)
            );
        }
        Outcome::Skipped(f) => {
            let reason = f.waived.as_ref().map_or("", |w| w.reason.as_str());
            let _ = writeln!(
                out,
                "{open}>\n      <skipped message=\"{}\"/>\n    </testcase>",
                escape(&format!("waived: {reason}"))
            );
        }
        Outcome::Error(message) => {
            let _ = writeln!(
                out,
                "{open}>\n      <error message=\"{}\" type=\"unknown\"/>\n    </testcase>",
                escape(message)
            );
        }
    }
}

/// Escapes text for an XML attribute value; drops characters XML 1.0 cannot carry.
pub fn escape(s: &str) -> String {
    escape_xml(s, true)
}

/// Escapes element text (line breaks stay as they are).
fn escape_text(s: &str) -> String {
    escape_xml(s, false)
}

fn escape_xml(s: &str, attr: bool) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' if attr => out.push_str("&quot;"),
            '\'' if attr => out.push_str("&apos;"),
            '\n' if attr => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            '\t' if attr => out.push_str("&#9;"),
            '\n' | '\t' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_drops_control_characters() {
        assert_eq!(escape("a<b>&\"c'\nd"), "a&lt;b&gt;&amp;&quot;c&apos;&#10;d");
        assert_eq!(escape_text("x < y\n\u{1}z"), "x &lt; y\nz");
    }
}
