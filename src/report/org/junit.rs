//! The organisation JUnit report: one `<testsuite>` per target, worst first
//! (docs/output-formats.md, "Organisation runs").
//!
//! Built only from what a target's JSON report carries, so a merged run and a one-process run
//! give the same bytes: a case per rule × resource with a finding or that could not be judged,
//! one case per rule for its passing resources, and the workload cases.

use std::fmt::Write;

use anyhow::Result;

use super::{Org, TargetSummary};
use crate::report::Report;
use crate::report::junit::{
    Counts, Passing, count, escape, rule_cases, workload_cases, write_case,
};
use crate::report::text::score;

/// `classname` of the case of a site that could not be read at all.
pub const SITE_CASE: &str = "site";

/// The organisation JUnit report: one `<testsuite>` per target.
pub fn render(org: &Org) -> Result<String> {
    let mut suites = Vec::with_capacity(org.reports.len());
    let mut totals: Counts = (0, 0, 0, 0);
    for (report, target) in org.reports.iter().zip(&org.report.targets) {
        let (n, xml) = suite(report, target);
        totals.0 += n.0;
        totals.1 += n.1;
        totals.2 += n.2;
        totals.3 += n.3;
        suites.push(xml);
    }
    let s = &org.report.summary;
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<testsuites name=\"drready organisation ({} target{}: {} ready, {} not ready, {} \
         incomplete)\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\">",
        s.targets,
        crate::report::text::plural(s.targets),
        s.ready,
        s.not_ready,
        s.incomplete,
        totals.0,
        totals.1,
        totals.2,
        totals.3
    );
    for xml in suites {
        out.push_str(&xml);
    }
    out.push_str("</testsuites>\n");
    Ok(out)
}

/// One target's suite: its counts and XML.
fn suite(report: &Report, target: &TargetSummary) -> (Counts, String) {
    let mut cases = rule_cases(report, Passing::Counted);
    // In category order, as the single-run report's suites are; rules keep their order.
    cases.sort_by_key(|c| c.category());
    let (mut n, mut body) = unreadable_cases(target);
    let rules = count(cases.iter());
    for case in &cases {
        write_case(&mut body, case);
    }
    let (w, workloads) = workload_cases(report);
    body.push_str(&workloads);
    n.0 += rules.0 + w.0;
    n.1 += rules.1 + w.1;
    n.2 += rules.2 + w.2;
    n.3 += rules.3 + w.3;

    let mut xml = String::new();
    let _ = writeln!(
        xml,
        "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\">",
        escape(&target.name),
        n.0,
        n.1,
        n.2,
        n.3
    );
    xml.push_str("    <properties>\n");
    for (name, value) in [
        ("drready.site_pair", target.site_pair.clone()),
        ("drready.verdict", target.verdict.as_str().to_string()),
        ("drready.score", score(target.score)),
    ] {
        let _ = writeln!(
            xml,
            "      <property name=\"{name}\" value=\"{}\"/>",
            escape(&value)
        );
    }
    xml.push_str("    </properties>\n");
    xml.push_str(&body);
    xml.push_str("  </testsuite>\n");
    (n, xml)
}

/// An `<error>` case per site that could not be read at all: the cause of an incomplete target,
/// before the rules it left unjudged.
fn unreadable_cases(target: &TargetSummary) -> (Counts, String) {
    let mut xml = String::new();
    for why in &target.unreadable {
        // `primary us-east-1: message (code)`
        let site = why.split_once(": ").map_or(why.as_str(), |(site, _)| site);
        let _ = writeln!(
            xml,
            "    <testcase classname=\"{SITE_CASE}\" name=\"{}\">\n      <error message=\"{}\" \
             type=\"unreadable\"/>\n    </testcase>",
            escape(site),
            escape(&format!("site could not be read: {why}"))
        );
    }
    let n = target.unreadable.len();
    ((n, 0, n, 0), xml)
}
