//! JUnit XML output: one suite per category, one case per rule × judged resource, counts that add
//! up, and text that survives XML escaping.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use common::{drready, root, snapshot};
use serde_json::Value;

/// Runs `drready evaluate SNAPSHOT --format junit --format json=FILE ARGS` in `cwd`;
/// returns (JUnit XML, JSON report).
fn junit_in(cwd: &Path, snap: &Path, extra: &[&str]) -> (String, Value) {
    let dir = tempfile::tempdir().unwrap();
    let json = dir.path().join("report.json");
    let out = drready()
        .current_dir(cwd)
        .args(["evaluate", snap.to_str().unwrap(), "--format", "junit"])
        .arg(format!("--format=json={}", json.display()))
        .args(extra)
        .output()
        .unwrap();
    let code = out.status.code().unwrap();
    assert!(
        code <= 3 && code != 2,
        "exit {code}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report = serde_json::from_slice(&std::fs::read(json).unwrap()).unwrap();
    (String::from_utf8(out.stdout).unwrap(), report)
}

fn junit(name: &str) -> (String, Value) {
    junit_in(&root(), &snapshot(name), &[])
}

fn attr<'a>(n: roxmltree::Node<'a, '_>, name: &str) -> &'a str {
    n.attribute(name)
        .unwrap_or_else(|| panic!("<{}> has no {name}", n.tag_name().name()))
}

fn num(n: roxmltree::Node, name: &str) -> usize {
    attr(n, name).parse().unwrap()
}

fn elements<'a, 'i>(n: roxmltree::Node<'a, 'i>, tag: &'a str) -> Vec<roxmltree::Node<'a, 'i>> {
    n.children()
        .filter(|c| c.is_element() && c.has_tag_name(tag))
        .collect()
}

#[derive(Debug, Default, PartialEq)]
struct Counts {
    tests: usize,
    failures: usize,
    errors: usize,
    skipped: usize,
}

/// Checks the structure and that every count attribute matches the cases; returns
/// (classname, name) → outcome tag ("pass", "failure", "error", "skipped") and the totals.
fn check(xml: &str, report: &Value) -> (BTreeMap<(String, String), String>, Counts) {
    let doc = roxmltree::Document::parse(xml).expect("well-formed XML");
    let top = doc.root_element();
    assert_eq!(top.tag_name().name(), "testsuites");
    let categories: BTreeMap<&str, &str> = report["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| (r["id"].as_str().unwrap(), r["category"].as_str().unwrap()))
        .collect();
    let mut cases = BTreeMap::new();
    let mut total = Counts::default();
    let mut names = BTreeSet::new();
    let mut workloads = Counts::default();
    for suite in elements(top, "testsuite") {
        let name = attr(suite, "name");
        assert!(names.insert(name.to_string()), "one suite per category");
        let category = name
            .strip_prefix("drready.")
            .expect("suite named drready.<category>");
        if category == "workloads" {
            // One case per workload (tests/workloads.rs checks them against the findings).
            let verdicts: BTreeMap<&str, &str> = report["workloads"]["workloads"]
                .as_array()
                .unwrap()
                .iter()
                .map(|w| (w["name"].as_str().unwrap(), w["verdict"].as_str().unwrap()))
                .collect();
            for case in elements(suite, "testcase") {
                assert_eq!(attr(case, "classname"), "workload");
                let kid = case.children().find(|k| k.is_element());
                let outcome = kid.map_or("pass", |k| k.tag_name().name());
                let want = match verdicts[attr(case, "name")] {
                    "not_ready" => "failure",
                    "unknown" => "error",
                    _ => "pass",
                };
                assert_eq!(outcome, want, "workload {}", attr(case, "name"));
                match outcome {
                    "failure" => workloads.failures += 1,
                    "error" => workloads.errors += 1,
                    _ => {}
                }
                workloads.tests += 1;
            }
            assert_eq!(workloads.tests, verdicts.len());
            continue;
        }
        let mut c = Counts::default();
        for case in elements(suite, "testcase") {
            let rule = attr(case, "classname");
            assert_eq!(categories[rule], category, "{rule} in its category's suite");
            let resource = attr(case, "name");
            assert!(!resource.is_empty());
            c.tests += 1;
            let kids: Vec<_> = case.children().filter(|k| k.is_element()).collect();
            assert!(kids.len() <= 1);
            let outcome = kids.first().map_or("pass", |k| k.tag_name().name());
            match outcome {
                "pass" => {}
                "failure" => {
                    c.failures += 1;
                    let f = kids[0];
                    assert!(!attr(f, "message").is_empty());
                    assert!(["critical", "high", "medium", "low"].contains(&attr(f, "type")));
                    assert!(
                        f.text().unwrap().contains("Fix: "),
                        "failure carries the fix"
                    );
                }
                "error" => {
                    c.errors += 1;
                    assert!(attr(kids[0], "message").starts_with("could not be judged: "));
                }
                "skipped" => {
                    c.skipped += 1;
                    assert!(attr(kids[0], "message").starts_with("waived: "));
                }
                other => panic!("unexpected <{other}>"),
            }
            let key = (rule.to_string(), resource.to_string());
            assert!(
                cases.insert(key, outcome.to_string()).is_none(),
                "unique case"
            );
        }
        let declared = Counts {
            tests: num(suite, "tests"),
            failures: num(suite, "failures"),
            errors: num(suite, "errors"),
            skipped: num(suite, "skipped"),
        };
        assert_eq!(declared, c, "counts of {name}");
        total.tests += c.tests;
        total.failures += c.failures;
        total.errors += c.errors;
        total.skipped += c.skipped;
    }
    let declared = Counts {
        tests: num(top, "tests"),
        failures: num(top, "failures"),
        errors: num(top, "errors"),
        skipped: num(top, "skipped"),
    };
    let all = Counts {
        tests: total.tests + workloads.tests,
        failures: total.failures + workloads.failures,
        errors: total.errors + workloads.errors,
        skipped: total.skipped,
    };
    assert_eq!(declared, all, "counts of <testsuites>");
    (cases, total)
}

#[test]
fn example_has_a_case_per_rule_and_judged_resource() {
    let (xml, report) = junit("example");
    let (cases, total) = check(&xml, &report);
    let rules = report["rules"].as_array().unwrap();
    let judged: usize = rules
        .iter()
        .map(|r| r["resources"].as_u64().unwrap() as usize)
        .sum();
    let failed: usize = rules
        .iter()
        .map(|r| r["failed"].as_u64().unwrap() as usize)
        .sum();
    assert_eq!(total.tests, judged);
    assert_eq!(total.failures, failed);
    assert_eq!((total.errors, total.skipped), (0, 0));
    // Every unwaived finding's (rule, resource) is a failed case.
    for f in report["findings"].as_array().unwrap() {
        let key = (
            f["rule_id"].as_str().unwrap().to_string(),
            f["resource"].as_str().unwrap().to_string(),
        );
        assert_eq!(cases[&key], "failure", "{key:?}");
    }
    let suites: BTreeSet<&str> = rules
        .iter()
        .map(|r| r["category"].as_str().unwrap())
        .collect();
    // One suite per category, and one for the workloads.
    assert_eq!(xml.matches("<testsuite ").count(), suites.len() + 1);
}

#[test]
fn healthy_passes_and_partial_reports_unknown_rules_as_errors() {
    let (xml, report) = junit("healthy");
    let (_, total) = check(&xml, &report);
    assert!(total.tests > 0);
    assert_eq!((total.failures, total.errors, total.skipped), (0, 0, 0));

    let (xml, report) = junit("partial");
    let (cases, total) = check(&xml, &report);
    let unknown: Vec<&str> = report["rules"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["status"] == "unknown")
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert!(unknown.contains(&"DR-S3-001"), "{unknown:?}");
    assert_eq!(total.errors, unknown.len());
    for id in unknown {
        assert!(
            cases
                .iter()
                .any(|((rule, _), outcome)| rule == id && outcome == "error"),
            "{id} is an error case"
        );
    }
}

#[test]
fn waived_findings_are_skipped_with_their_reason_escaped_correctly() {
    let dir = tempfile::tempdir().unwrap();
    let reason = "Rebuilt nightly <by design> & \"cheap\" 'enough'";
    let config = format!(
        "[[waiver]]\nrule = \"DR-S3-001\"\nresource = \"arn:aws:s3:::acme-prod-use1-reports-*\"\n\
         reason = {}\nexpires = 2099-12-31\n",
        toml_string(reason)
    );
    std::fs::write(dir.path().join("drready.toml"), config).unwrap();
    let (xml, report) = junit_in(dir.path(), &snapshot("example"), &[]);
    let (cases, total) = check(&xml, &report);
    assert_eq!(total.skipped, 1);
    let key = (
        "DR-S3-001".to_string(),
        "arn:aws:s3:::acme-prod-use1-reports-exports".to_string(),
    );
    assert_eq!(cases[&key], "skipped");
    let doc = roxmltree::Document::parse(&xml).unwrap();
    let skipped = doc
        .descendants()
        .find(|n| n.has_tag_name("skipped"))
        .unwrap();
    assert_eq!(attr(skipped, "message"), format!("waived: {reason}"));
}

fn toml_string(s: &str) -> String {
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}
