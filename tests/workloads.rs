//! Workload verdicts agree with the findings, on every fixture and in every output.

mod common;

use std::collections::BTreeSet;

use common::*;
use serde_json::Value;

const SEVERITIES: [&str; 4] = ["low", "medium", "high", "critical"];

fn at_least(sev: &str, floor: &str) -> bool {
    let rank = |s: &str| SEVERITIES.iter().position(|x| *x == s).unwrap();
    rank(sev) >= rank(floor)
}

/// Every blocking entry is an unwaived finding at or above `fail_on`; every such finding blocks a
/// workload or is shared; a workload is not ready exactly when something blocks it.
fn assert_agree(name: &str, report: &Value, fail_on: &str) {
    let findings = report["findings"].as_array().unwrap();
    let unwaived_blocking: BTreeSet<&str> = findings
        .iter()
        .filter(|f| f.get("waived").is_none() && at_least(f["severity"].as_str().unwrap(), fail_on))
        .map(|f| f["fingerprint"].as_str().unwrap())
        .collect();
    let w = &report["workloads"];
    let mut seen = BTreeSet::new();
    for e in w["workloads"].as_array().unwrap() {
        let blocking = e["blocking"].as_array().unwrap();
        let verdict = e["verdict"].as_str().unwrap();
        assert_eq!(
            verdict == "not_ready",
            !blocking.is_empty(),
            "{name}: {} is {verdict} with {} blocking",
            e["name"],
            blocking.len()
        );
        if verdict == "unknown" {
            assert!(!e["unknown"].as_array().unwrap().is_empty(), "{name}: {e}");
        }
        for b in blocking {
            let fp = b["fingerprint"].as_str().unwrap();
            assert!(
                unwaived_blocking.contains(fp),
                "{name}: {} blocks {} but is no unwaived finding at or above {fail_on}",
                b["rule_id"],
                e["name"]
            );
            seen.insert(fp);
        }
    }
    for b in w["shared_blocking"].as_array().unwrap() {
        seen.insert(b["fingerprint"].as_str().unwrap());
    }
    assert_eq!(
        seen, unwaived_blocking,
        "{name}: every blocking finding is a workload's or shared"
    );
}

#[test]
fn verdicts_agree_with_the_findings_on_every_fixture() {
    for name in ["example", "healthy", "partial"] {
        for fail_on in ["critical", "high", "low"] {
            let (_, report) = report_json(&snapshot(name), &["--fail-on", fail_on]);
            assert_agree(name, &report, fail_on);
        }
    }
}

#[test]
fn healthy_workloads_are_ready_and_unread_data_makes_them_unknown() {
    let (code, healthy) = report_json(&snapshot("healthy"), &[]);
    assert_eq!(code, 0);
    let verdicts: Vec<(&str, &str)> = healthy["workloads"]["workloads"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["name"].as_str().unwrap(), e["verdict"].as_str().unwrap()))
        .collect();
    assert_eq!(
        verdicts,
        [("api", "ready"), ("web", "ready"), ("worker", "ready")]
    );

    // The standby's buckets could not be listed: no workload with buckets is ready.
    let (_, partial) = report_json(&snapshot("partial"), &["--allow-partial"]);
    for e in partial["workloads"]["workloads"].as_array().unwrap() {
        assert_eq!(e["verdict"], "unknown", "{e}");
        assert_eq!(e["categories"]["data"], "unknown", "{e}");
        assert!(
            e["unknown"][0]
                .as_str()
                .unwrap()
                .contains("s3 could not be listed"),
            "{e}"
        );
    }

    // The example: nothing can fail over, and the table says so first.
    let (code, table, _) = run(&["evaluate", snapshot("example").to_str().unwrap()]);
    assert_eq!(code, 1);
    let first = table.lines().nth(2).unwrap();
    assert_eq!(
        first,
        "Workloads: 0 of 6 can fail over now (blocking = unwaived findings at or above fail_on)"
    );
    // A workload blocked only by findings below fail_on is ready.
    let (_, lenient) = report_json(&snapshot("example"), &["--fail-on", "never"]);
    for e in lenient["workloads"]["workloads"].as_array().unwrap() {
        assert_eq!(e["verdict"], "ready", "{e}");
    }
}

#[test]
fn junit_and_markdown_carry_one_entry_per_workload() {
    let ex = snapshot("example");
    let (_, xml, _) = run(&["evaluate", ex.to_str().unwrap(), "--format", "junit"]);
    let doc = roxmltree::Document::parse(&xml).unwrap();
    let suite = doc
        .descendants()
        .find(|n| n.attribute("name") == Some("drready.workloads"))
        .expect("a workloads suite");
    let cases: Vec<_> = suite
        .children()
        .filter(|n| n.has_tag_name("testcase"))
        .collect();
    assert_eq!(cases.len(), 6);
    assert_eq!(suite.attribute("failures"), Some("6"));
    assert!(
        cases
            .iter()
            .all(|c| c.children().any(|n| n.has_tag_name("failure")))
    );

    let (_, md, _) = run(&["evaluate", ex.to_str().unwrap(), "--format", "markdown"]);
    assert!(
        md.contains("## Workloads\n\n**0 of 6** workloads can fail over now"),
        "{md}"
    );
    assert!(md.contains("| `api` |") || md.contains("| api |"), "{md}");
}
