//! The Markdown audit report through the real binary: golden files (insta) of the example
//! fixture alone and with a previous report, `--previous` errors, escaping and determinism.

mod common;

use std::path::Path;

use common::*;

/// Replaces the wall-clock `report generated …` time, the only volatile value.
fn redact(md: &str) -> String {
    const KEY: &str = "report generated ";
    let Some(at) = md.find(KEY) else {
        return md.to_string();
    };
    let start = at + KEY.len();
    let end = start + "2026-11-25 22:52:20 UTC".len();
    assert!(
        md[start..end].ends_with(" UTC"),
        "unexpected time format: {}",
        &md[start..end]
    );
    format!("{}[generated_at]{}", &md[..start], &md[end..])
}

/// Overall score (one decimal) and number of findings of the example fixture, as the JSON
/// report has them: the rules evolve, the Markdown must agree with the JSON.
fn example_numbers() -> (String, f64, usize) {
    let (_, r) = report_json(&snapshot("example"), &[]);
    let overall = r["score"]["overall"].as_f64().unwrap();
    let n = r["findings"].as_array().unwrap().len();
    (format!("{overall:.1}"), overall, n)
}

fn markdown(args: &[&str]) -> (i32, String, String) {
    let mut all = vec!["evaluate"];
    all.extend_from_slice(args);
    let (code, out, err) = run(&all);
    (code, redact(&out), err)
}

/// Writes the JSON report of a fixture snapshot into `dir`.
fn json_report(dir: &Path, name: &str, extra: &[&str]) -> String {
    let path = dir.join(format!("{name}.report.json"));
    let spec = format!("json={}", path.display());
    let snap = format!("fixtures/snapshots/{name}.json");
    let mut args = vec!["evaluate", snap.as_str(), "--format", spec.as_str()];
    args.extend_from_slice(extra);
    let (code, _, err) = run(&args);
    assert!(code == 0 || code == 1, "{err}");
    path.display().to_string()
}

#[test]
fn markdown_example() {
    let (code, md, _) = markdown(&["fixtures/snapshots/example.json", "--format", "markdown"]);
    assert_eq!(code, 1);
    insta::assert_snapshot!(md);
}

#[test]
fn markdown_example_with_previous_shows_the_trend() {
    let dir = tempfile::tempdir().unwrap();
    let previous = json_report(dir.path(), "healthy", &[]);
    let (code, md, err) = markdown(&[
        "fixtures/snapshots/example.json",
        "--format",
        "markdown",
        "--previous",
        &previous,
    ]);
    assert_eq!(code, 1, "{err}");
    let (score, overall, n) = example_numbers();
    let drop = format!("{:.1}", ((overall - 100.0) * 10.0).round() / 10.0);
    assert!(md.contains("## Trend since the previous report"), "{md}");
    assert!(
        md.contains(&format!("| **overall** | 100.0 | **{score}** | {drop} ▼ |")),
        "{md}"
    );
    assert!(md.contains(&format!("### New findings ({n})")), "{md}");
    assert!(md.contains("### Resolved findings (0)"), "{md}");
    assert!(md.contains("**Readiness regressed:**"), "{md}");
    assert!(
        !md.contains(dir.path().to_str().unwrap()),
        "no temp paths in the golden"
    );
    insta::assert_snapshot!(md);
}

#[test]
fn trend_shows_resolved_and_still_open_findings() {
    let dir = tempfile::tempdir().unwrap();
    let previous = json_report(dir.path(), "example", &[]);
    // Healthy now: everything the example had is resolved.
    let (code, md, err) = markdown(&[
        "fixtures/snapshots/healthy.json",
        "--format",
        "markdown",
        "--previous",
        &previous,
    ]);
    assert_eq!(code, 0, "{err}");
    let (score, overall, n) = example_numbers();
    let rise = format!("+{:.1}", ((100.0 - overall) * 10.0).round() / 10.0);
    assert!(md.contains(&format!("### Resolved findings ({n})")), "{md}");
    assert!(md.contains("### New findings (0)"), "{md}");
    assert!(md.contains("Readiness did not regress."), "{md}");
    assert!(
        md.contains(&format!("| **overall** | {score} | **100.0** | {rise} ▲ |")),
        "{md}"
    );

    // The same estate again: nothing new or resolved, every finding still open.
    let (_, md, _) = markdown(&[
        "fixtures/snapshots/example.json",
        "--format",
        "markdown",
        "--previous",
        &previous,
    ]);
    assert!(
        md.contains(&format!("0 new, 0 resolved, 0 changed, {n} still open.")),
        "{md}"
    );
    assert!(md.contains(&format!("### Still open ({n})")), "{md}");
    assert!(
        md.contains(&format!("| **overall** | {score} | **{score}** | ±0.0 |")),
        "{md}"
    );
}

#[test]
fn markdown_is_deterministic_and_can_go_to_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("audit.md");
    let spec = format!("markdown={}", file.display());
    let (_, stdout, _) = markdown(&["fixtures/snapshots/example.json", "--format", "markdown"]);
    let (code, _, err) = markdown(&[
        "fixtures/snapshots/example.json",
        "--format",
        "table",
        "--format",
        &spec,
    ]);
    assert_eq!(code, 1, "{err}");
    let written = redact(&std::fs::read_to_string(&file).unwrap());
    assert_eq!(written, stdout);
}

#[test]
fn partial_inventory_lists_what_could_not_be_collected() {
    let (code, md, _) = markdown(&["fixtures/snapshots/partial.json", "--format", "markdown"]);
    assert_eq!(code, 3);
    assert!(
        md.contains("## Verdict: UNKNOWN: inventory incomplete"),
        "{md}"
    );
    assert!(
        md.contains("| Inventory | complete | **incomplete** (1 collection error) |"),
        "{md}"
    );
    assert!(
        md.contains("| standby | s3 | `ListBuckets` | `AccessDenied` |"),
        "{md}"
    );
    assert!(
        md.contains("Not judged, counted against the score:"),
        "{md}"
    );
    assert!(md.contains("- `DR-S3-001` "), "{md}");
    // Objectives are targets; what was observed is per workload, and RTO is never invented.
    assert!(
        md.contains(
            "| RPO: most recent data that may be lost | 1d (86400 s) | per workload below |"
        ),
        "{md}"
    );
    assert!(
        md.contains("| RTO: longest time to recover | 4h (14400 s) | not measured |"),
        "{md}"
    );
    assert!(md.contains("### Observed recovery points"), "{md}");
}

#[test]
fn table_cells_escape_pipes_and_newlines() {
    let (_dir, config) = temp_file(
        "drready.toml",
        b"[[waiver]]\nrule = \"DR-S3-001\"\nresource = \"arn:aws:s3:::acme-prod-use1-reports-*\"\n\
          reason = \"rebuilt | nightly\\nfrom the <warehouse>\"\nexpires = 2099-12-31\n",
    );
    let (_, md, err) = markdown(&[
        "fixtures/snapshots/example.json",
        "--config",
        config.to_str().unwrap(),
        "--format",
        "markdown",
    ]);
    assert!(
        md.contains("| rebuilt \\| nightly<br>from the &lt;warehouse&gt; |"),
        "{md}\n{err}"
    );
    // Every table row keeps its column count despite the pipe in the reason.
    for line in md.lines().filter(|l| l.starts_with("| in force")) {
        let cells = line.replace("\\|", "").matches('|').count();
        assert_eq!(cells, 10, "{line}");
    }
}

#[test]
fn previous_must_be_a_readable_json_report() {
    let dir = tempfile::tempdir().unwrap();
    let args = |prev: &str| {
        run(&[
            "evaluate",
            "fixtures/snapshots/example.json",
            "--format",
            "markdown",
            "--previous",
            prev,
        ])
    };

    let missing = dir.path().join("nope.json");
    let (code, _, err) = args(missing.to_str().unwrap());
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("nope.json"), "{err}");

    // A snapshot is not a report: the message says what to do.
    let (code, _, err) = args("fixtures/snapshots/healthy.json");
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("fixtures/snapshots/healthy.json is a snapshot"),
        "{err}"
    );

    let (_d, other) = temp_file("other.json", br#"{"hello": 1}"#);
    let (code, _, err) = args(other.to_str().unwrap());
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("other.json"), "{err}");
    assert!(err.contains("not a drready JSON report"), "{err}");

    let (_d, newer) = temp_file("newer.json", br#"{"report_version": 99}"#);
    let (code, _, err) = args(newer.to_str().unwrap());
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("report_version 99 is not supported"), "{err}");

    let (_d, broken) = temp_file("broken.json", br#"{"report_version": 1, "tool": 3}"#);
    let (code, _, err) = args(broken.to_str().unwrap());
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("broken.json: at $.tool"), "{err}");

    // --previous only feeds the Markdown report.
    let previous = json_report(dir.path(), "healthy", &[]);
    let (code, _, err) = run(&[
        "evaluate",
        "fixtures/snapshots/example.json",
        "--format",
        "json",
        "--previous",
        &previous,
    ]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("--format markdown"), "{err}");
}

#[test]
fn json_reports_load_back_unchanged() {
    // The report model deserializes: a report read back and compared with itself shows no change.
    let dir = tempfile::tempdir().unwrap();
    let report = json_report(dir.path(), "example", &[]);
    let (code, out, err) = run(&["diff", &report, &report, "--format", "json"]);
    assert_eq!(code, 0, "{err}");
    let d: serde_json::Value = serde_json::from_str(&out).unwrap();
    let (_, _, n) = example_numbers();
    assert_eq!(d["still_open"].as_array().unwrap().len(), n);
    assert_eq!(d["score"]["overall"]["change"], 0.0);
}
