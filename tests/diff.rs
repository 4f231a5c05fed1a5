//! `drready diff OLD NEW` through the real binary: reports and snapshots, new / resolved /
//! changed findings, the score change, and the exit code of a regression gate.

mod common;

use std::path::Path;

use common::*;
use serde_json::Value;

/// Writes the JSON report of a fixture snapshot into `dir`, optionally with a config file.
fn json_report(dir: &Path, name: &str, config: Option<&Path>) -> String {
    let path = dir.join(format!("{name}-{}.report.json", config.is_some()));
    let spec = format!("json={}", path.display());
    let snap = format!("fixtures/snapshots/{name}.json");
    let mut args = vec!["evaluate", snap.as_str(), "--format", spec.as_str()];
    let cfg;
    if let Some(c) = config {
        cfg = c.display().to_string();
        args.extend(["--config", cfg.as_str()]);
    }
    let (code, _, err) = run(&args);
    assert!(code == 0 || code == 1, "{err}");
    path.display().to_string()
}

fn diff_json(args: &[&str]) -> (i32, Value, String) {
    let mut all = vec!["diff"];
    all.extend_from_slice(args);
    all.extend(["--format", "json"]);
    let (code, out, err) = run(&all);
    let v = serde_json::from_str(&out).unwrap_or_else(|e| panic!("diff JSON: {e}\n{out}\n{err}"));
    (code, v, err)
}

fn len(v: &Value) -> usize {
    v.as_array().unwrap().len()
}

fn example_findings() -> usize {
    len(&report_json(&snapshot("example"), &[]).1["findings"])
}

#[test]
fn new_findings_are_a_regression() {
    let (code, stdout, err) = run(&[
        "diff",
        "fixtures/snapshots/healthy.json",
        "fixtures/snapshots/example.json",
    ]);
    assert_eq!(code, 1, "{stdout}\n{err}");
    let n = example_findings();
    assert!(stdout.contains(&format!("New findings ({n})")), "{stdout}");
    assert!(stdout.contains("Resolved findings: none"), "{stdout}");
    assert!(stdout.contains("Readiness REGRESSED"), "{stdout}");
    assert!(
        stdout.contains("the overall score dropped from 100.0"),
        "{stdout}"
    );
    assert!(
        stdout.contains("old: fixtures/snapshots/healthy.json (snapshot)"),
        "{stdout}"
    );
}

#[test]
fn resolved_findings_are_not_a_regression() {
    let (code, d, err) = diff_json(&[
        "fixtures/snapshots/example.json",
        "fixtures/snapshots/healthy.json",
    ]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(d["regressed"], false);
    assert_eq!(len(&d["resolved_findings"]), example_findings());
    assert_eq!(len(&d["new_findings"]), 0);
    assert_eq!(d["score"]["overall"]["new"], 100.0);
    assert!(d["score"]["overall"]["change"].as_f64().unwrap() > 0.0);
    assert_eq!(d["old"]["kind"], "snapshot");
}

#[test]
fn reports_and_snapshots_mix_and_match_by_fingerprint() {
    let dir = tempfile::tempdir().unwrap();
    let healthy = json_report(dir.path(), "healthy", None);
    let example = json_report(dir.path(), "example", None);

    // Report vs snapshot.
    let (code, d, _) = diff_json(&[&healthy, "fixtures/snapshots/example.json"]);
    assert_eq!(code, 1);
    assert_eq!(d["old"]["kind"], "report");
    assert_eq!(d["new"]["kind"], "snapshot");
    assert_eq!(d["old"]["source"], healthy.as_str());
    let n = example_findings();
    assert_eq!(len(&d["new_findings"]), n);
    let overall = &d["score"]["overall"];
    let change = overall["new"].as_f64().unwrap() - overall["old"].as_f64().unwrap();
    assert_eq!(
        overall["change"].as_f64().unwrap(),
        (change * 10.0).round() / 10.0
    );
    assert!(
        d["reasons"]
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r.as_str().unwrap() == format!("{n} new unwaived findings")),
        "{d}"
    );

    // The same estate as a report and as a snapshot: nothing changed, exit 0.
    let (code, d, _) = diff_json(&[&example, "fixtures/snapshots/example.json"]);
    assert_eq!(code, 0, "{d}");
    assert_eq!(len(&d["new_findings"]), 0);
    assert_eq!(len(&d["resolved_findings"]), 0);
    assert_eq!(len(&d["changed_findings"]), 0);
    assert_eq!(len(&d["still_open"]), n);
    assert_eq!(d["score"]["overall"]["change"], 0.0);
    let categories = d["score"]["categories"].as_array().unwrap();
    assert_eq!(categories.len(), drready::vocab::Category::ALL.len());
    assert!(
        categories
            .iter()
            .all(|c| c["change"] == 0.0 || c["change"].is_null())
    );
}

#[test]
fn changed_message_and_waiver_state() {
    let dir = tempfile::tempdir().unwrap();
    let example = json_report(dir.path(), "example", None);

    // Same fingerprint, different message: edit the old report by hand.
    let mut old: Value = serde_json::from_str(&std::fs::read_to_string(&example).unwrap()).unwrap();
    let first = &mut old["findings"][0];
    let fingerprint = first["fingerprint"].as_str().unwrap().to_string();
    first["message"] = Value::from("an older wording of the same finding");
    let edited = dir.path().join("edited.json");
    std::fs::write(&edited, serde_json::to_string_pretty(&old).unwrap()).unwrap();
    let (code, d, _) = diff_json(&[edited.to_str().unwrap(), &example]);
    assert_eq!(code, 0, "a changed message alone is not a regression: {d}");
    let changed = d["changed_findings"].as_array().unwrap();
    assert_eq!(changed.len(), 1, "{d}");
    assert_eq!(changed[0]["fingerprint"], fingerprint.as_str());
    assert_eq!(changed[0]["changes"], serde_json::json!(["message"]));
    assert_eq!(
        changed[0]["before"]["message"],
        "an older wording of the same finding"
    );

    // A waiver added: the finding is now waived and the score goes up; removed: a regression.
    let (_cfg_dir, config) = temp_file(
        "drready.toml",
        b"[[waiver]]\nrule = \"DR-S3-001\"\nresource = \"arn:aws:s3:::acme-prod-use1-reports-exports\"\n\
          reason = \"Exports are rebuilt from the warehouse\"\nexpires = 2099-12-31\n",
    );
    let waived = json_report(dir.path(), "example", Some(&config));
    let (code, d, _) = diff_json(&[&example, &waived]);
    assert_eq!(code, 0, "{d}");
    let changed = d["changed_findings"].as_array().unwrap();
    assert_eq!(changed.len(), 1, "{d}");
    assert_eq!(changed[0]["changes"], serde_json::json!(["now waived"]));
    assert_eq!(
        changed[0]["waived"]["reason"],
        "Exports are rebuilt from the warehouse"
    );
    assert!(
        d["score"]["overall"]["change"].as_f64().unwrap() > 0.0,
        "{d}"
    );

    let (code, d, _) = diff_json(&[&waived, &example]);
    assert_eq!(code, 1, "{d}");
    assert_eq!(
        d["changed_findings"][0]["changes"],
        serde_json::json!(["no longer waived"])
    );
    let reasons: Vec<&str> = d["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r.as_str().unwrap())
        .collect();
    assert!(
        reasons.contains(&"1 finding no longer waived"),
        "{reasons:?}"
    );
    assert!(
        reasons[0].starts_with("the overall score dropped"),
        "{reasons:?}"
    );
}

#[test]
fn snapshots_are_evaluated_with_the_config() {
    // A waiver in the config applies to the snapshot side, so the "new" finding is waived and
    // does not count as a regression by itself.
    let (_dir, config) = temp_file(
        "drready.toml",
        b"[[waiver]]\nrule = \"DR-S3-001\"\nresource = \"*\"\nreason = \"accepted\"\n\
          expires = 2099-12-31\n",
    );
    let (_, d, _) = diff_json(&[
        "fixtures/snapshots/healthy.json",
        "fixtures/snapshots/example.json",
        "--config",
        config.to_str().unwrap(),
    ]);
    let new = d["new_findings"].as_array().unwrap();
    let s3: Vec<&Value> = new.iter().filter(|f| f["rule_id"] == "DR-S3-001").collect();
    assert!(!s3.is_empty());
    assert!(
        s3.iter().all(|f| f["waived"]["reason"] == "accepted"),
        "{d}"
    );
}

#[test]
fn diff_markdown_for_a_pull_request_comment() {
    let (code, md, err) = run(&[
        "diff",
        "fixtures/snapshots/healthy.json",
        "fixtures/snapshots/example.json",
        "--format",
        "markdown",
    ]);
    assert_eq!(code, 1, "{err}");
    assert!(md.starts_with("# DR readiness diff: regressed\n"), "{md}");
    assert!(md.contains("## New findings ("), "{md}");
    assert!(md.contains("## Resolved findings (0)\n\nNone."), "{md}");
    insta::assert_snapshot!(md);
}

#[test]
fn diff_writes_files_and_rejects_bad_input() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("diff.md");
    let spec = format!("markdown={}", out.display());
    let (code, stdout, err) = run(&[
        "diff",
        "fixtures/snapshots/example.json",
        "fixtures/snapshots/example.json",
        "--format",
        "table",
        "--format",
        &spec,
    ]);
    assert_eq!(code, 0, "{err}");
    assert!(
        stdout.contains("Readiness did not regress (exit 0)"),
        "{stdout}"
    );
    assert!(
        std::fs::read_to_string(&out)
            .unwrap()
            .starts_with("# DR readiness diff: no regression")
    );

    // Formats that make no sense for a diff, missing files, foreign JSON: exit 2, named.
    let (code, _, err) = run(&[
        "diff",
        "fixtures/snapshots/example.json",
        "fixtures/snapshots/example.json",
        "--format",
        "sarif",
    ]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("table, json or markdown"), "{err}");

    let (code, _, err) = run(&["diff", "nope.json", "fixtures/snapshots/example.json"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("nope.json"), "{err}");

    let (_d, foreign) = temp_file("foreign.json", br#"[1, 2, 3]"#);
    let (code, _, err) = run(&[
        "diff",
        "fixtures/snapshots/example.json",
        foreign.to_str().unwrap(),
    ]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("foreign.json"), "{err}");

    let (_d, corrupt) = temp_file("corrupt.json", br#"{"schema_version": 1, "primary": 3}"#);
    let (code, _, err) = run(&[
        "diff",
        corrupt.to_str().unwrap(),
        "fixtures/snapshots/example.json",
    ]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("corrupt.json"), "{err}");
}
