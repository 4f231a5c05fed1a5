//! JUnit XML for CI systems: one `<testsuite>` per category, one `<testcase>` per rule × judged
//! resource (docs/output-formats.md).

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};
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

pub(crate) struct Case<'a> {
    rule: &'a RuleEntry,
    name: Cow<'a, str>,
    outcome: Outcome<'a>,
}

impl Case<'_> {
    pub(crate) fn category(&self) -> Category {
        self.rule.category
    }
}

/// Where a rule's passing cases come from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Passing {
    /// One case per judged resource (`RuleEntry::judged`, filled by evaluation and not kept in
    /// the JSON report).
    PerResource,
    /// Only what the JSON report carries: a case per resource with a finding or that could not
    /// be judged, and one case per rule for its passing resources, `(N passed)`.
    Counted,
}

pub fn render(report: &Report) -> Result<String> {
    let mut suites: BTreeMap<Category, Vec<Case>> = BTreeMap::new();
    for case in rule_cases(report, Passing::PerResource) {
        suites.entry(case.category()).or_default().push(case);
    }

    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let mut totals = count(suites.values().flatten());
    let (wcounts, wcases) = workload_cases(report);
    totals.0 += wcounts.0;
    totals.1 += wcounts.1;
    totals.2 += wcounts.2;
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
    if !report.workloads.workloads.is_empty() {
        let _ = writeln!(
            out,
            "  <testsuite name=\"drready.workloads\" tests=\"{}\" failures=\"{}\" \
             errors=\"{}\" skipped=\"0\">",
            wcounts.0, wcounts.1, wcounts.2
        );
        out.push_str(&wcases);
        out.push_str("  </testsuite>\n");
    }
    out.push_str("</testsuites>\n");
    Ok(out)
}

/// The cases of every rule, in the report's rule order.
pub(crate) fn rule_cases(report: &Report, passing: Passing) -> Vec<Case<'_>> {
    // Findings per (rule, resource), in report order.
    let mut by_case: BTreeMap<(&str, &str), Vec<&Finding>> = BTreeMap::new();
    for f in &report.findings {
        by_case
            .entry((f.rule_id.as_str(), f.resource.as_str()))
            .or_default()
            .push(f);
    }
    let mut cases = Vec::new();
    for rule in &report.rules {
        if rule.status == RuleStatus::Unknown {
            cases.push(Case {
                rule,
                name: Cow::Borrowed(UNKNOWN_CASE),
                outcome: Outcome::Error(format!(
                    "could not be judged: {}",
                    rule.unknown_because.join("; ")
                )),
            });
            continue;
        }
        let outcome = |resource: &str| {
            let found = by_case
                .get(&(rule.id.as_str(), resource))
                .cloned()
                .unwrap_or_default();
            let unwaived: Vec<&Finding> = found
                .iter()
                .copied()
                .filter(|f| f.waived.is_none())
                .collect();
            if !unwaived.is_empty() {
                Outcome::Failure(unwaived)
            } else if let Some(f) = found.first() {
                Outcome::Skipped(f)
            } else {
                Outcome::Pass
            }
        };
        match passing {
            Passing::PerResource => {
                for resource in &rule.judged {
                    cases.push(Case {
                        rule,
                        name: Cow::Borrowed(resource),
                        outcome: outcome(resource),
                    });
                }
            }
            Passing::Counted => {
                let mut named: BTreeSet<&str> = by_case
                    .range((rule.id.as_str(), "")..)
                    .take_while(|((id, _), _)| *id == rule.id)
                    .map(|((_, resource), _)| *resource)
                    .collect();
                named.extend(rule.unknown_resources.keys().map(String::as_str));
                for resource in &named {
                    let outcome = match rule.unknown_resources.get(*resource) {
                        Some(why) if !by_case.contains_key(&(rule.id.as_str(), *resource)) => {
                            Outcome::Error(format!("could not be judged: {why}"))
                        }
                        _ => outcome(resource),
                    };
                    cases.push(Case {
                        rule,
                        name: Cow::Borrowed(resource),
                        outcome,
                    });
                }
                let passed = rule.resources.saturating_sub(named.len());
                if passed > 0 {
                    cases.push(Case {
                        rule,
                        name: Cow::Owned(format!(
                            "({passed} resource{} passed)",
                            super::text::plural(passed)
                        )),
                        outcome: Outcome::Pass,
                    });
                }
            }
        }
    }
    cases
}

/// One test case per workload: it fails when a blocking finding stops the workload from failing
/// over, and errs when what it needs could not be read. Returns (tests, failures, errors, 0) and
/// the cases' XML.
pub(crate) fn workload_cases(report: &Report) -> (Counts, String) {
    use crate::verdicts::WorkloadVerdict;
    let w = &report.workloads.workloads;
    let failures = w
        .iter()
        .filter(|e| e.verdict == WorkloadVerdict::NotReady)
        .count();
    let errors = w
        .iter()
        .filter(|e| e.verdict == WorkloadVerdict::Unknown)
        .count();
    let mut xml = String::new();
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
    ((w.len(), failures, errors, 0), xml)
}

/// (tests, failures, errors, skipped)
pub(crate) type Counts = (usize, usize, usize, usize);

pub(crate) fn count<'a, 'b: 'a>(cases: impl Iterator<Item = &'a Case<'b>>) -> Counts {
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

pub(crate) fn write_case(out: &mut String, case: &Case) {
    let open = format!(
        "    <testcase classname=\"{}\" name=\"{}\"",
        escape(&case.rule.id),
        escape(&case.name)
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
pub(crate) fn escape_text(s: &str) -> String {
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
