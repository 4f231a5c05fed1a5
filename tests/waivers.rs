//! Waivers (`[[waiver]]` in drready.toml) through the real binary: active waivers hide findings
//! from the gate and the score, expired ones stop hiding and are reported, unmatched ones warn,
//! malformed ones are usage errors with file:line.

mod common;

use std::path::PathBuf;

use common::*;
use serde_json::Value;

const EXPORTS: &str = "arn:aws:s3:::acme-prod-use1-reports-exports";

/// A drready.toml in a fresh temp dir.
fn config(text: &str) -> (tempfile::TempDir, PathBuf) {
    temp_file("drready.toml", text.as_bytes())
}

fn waiver(rule: &str, resource: &str, expires: &str) -> String {
    format!(
        "[[waiver]]\nrule = \"{rule}\"\nresource = \"{resource}\"\n\
         reason = \"Exports are rebuilt from the warehouse\"\nexpires = {expires}\n\
         owner = \"data-team\"\nticket = \"DR-42\"\n\n"
    )
}

/// Evaluates example.json with a config: (exit code, JSON report, stderr).
fn evaluate(config: &std::path::Path, extra: &[&str]) -> (i32, Value, String) {
    let mut args = vec![
        "evaluate",
        "fixtures/snapshots/example.json",
        "--format",
        "json",
        "--config",
        config.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    let (code, out, err) = run(&args);
    let v = serde_json::from_str(&out).unwrap_or_else(|e| panic!("JSON report: {e}\n{err}"));
    (code, v, err)
}

fn finding<'a>(report: &'a Value, rule: &str, resource: &str) -> &'a Value {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["rule_id"] == rule && f["resource"] == resource)
        .unwrap_or_else(|| panic!("no {rule} finding on {resource}"))
}

fn overall(report: &Value) -> f64 {
    report["score"]["overall"].as_f64().unwrap()
}

fn baseline() -> Value {
    report_json(&snapshot("example"), &[]).1
}

#[test]
fn active_waiver_hides_a_finding_from_the_gate_and_the_score() {
    let base = baseline();
    let (_dir, path) = config(&waiver("DR-S3-001", EXPORTS, "2099-12-31"));
    let (code, report, err) = evaluate(&path, &[]);
    assert_eq!(code, 1, "other findings still fail the gate");
    assert!(
        !err.contains("warning"),
        "an active waiver warns about nothing: {err}"
    );

    // Shown as waived, with the waiver's details and location.
    let f = finding(&report, "DR-S3-001", EXPORTS);
    assert_eq!(
        f["waived"]["reason"],
        "Exports are rebuilt from the warehouse"
    );
    assert_eq!(f["waived"]["owner"], "data-team");
    assert_eq!(f["waived"]["ticket"], "DR-42");
    assert_eq!(f["waived"]["expires"], "2099-12-31");
    assert_eq!(f["waived"]["location"], format!("{}:1", path.display()));
    assert_eq!(report["waivers"][0]["status"], "active");
    assert_eq!(report["waivers"][0]["matched"], 1);

    // Out of the gate's count and the score.
    assert_eq!(report["summary"]["waived"], 1);
    assert_eq!(
        report["summary"]["findings"].as_u64().unwrap() + 1,
        base["summary"]["findings"].as_u64().unwrap()
    );
    assert!(overall(&report) > overall(&base), "score goes up");
    let count = |r: &Value| r["gate"]["reasons"][0].as_str().unwrap().to_string();
    assert_ne!(count(&report), count(&base));

    // Still visible in the table and the Markdown audit, as waived.
    let (_, table, _) = run(&[
        "evaluate",
        "fixtures/snapshots/example.json",
        "--config",
        path.to_str().unwrap(),
    ]);
    assert!(table.contains(", 1 waived)"), "{table}");
}

#[test]
fn waiving_every_failing_rule_passes_the_gate() {
    let base = baseline();
    let rules: std::collections::BTreeSet<&str> = base["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule_id"].as_str().unwrap())
        .collect();
    let text: String = rules.iter().map(|r| waiver(r, "*", "2099-12-31")).collect();
    let (_dir, path) = config(&text);
    let (code, report, err) = evaluate(&path, &[]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(report["gate"]["passed"], true);
    assert_eq!(overall(&report), 100.0);
    assert_eq!(report["summary"]["findings"], 0);
    assert_eq!(
        report["summary"]["waived"].as_u64().unwrap() as usize,
        base["findings"].as_array().unwrap().len()
    );
}

#[test]
fn expired_waiver_no_longer_hides_and_is_reported() {
    let base = baseline();
    let (_dir, path) = config(&waiver("DR-S3-001", EXPORTS, "2020-01-31"));
    let (code, report, err) = evaluate(&path, &[]);
    assert_eq!(code, 1);
    let f = finding(&report, "DR-S3-001", EXPORTS);
    assert!(f.get("waived").is_none(), "{f}");
    assert_eq!(overall(&report), overall(&base));
    assert_eq!(report["summary"]["waived"], 0);
    let w = &report["waivers"][0];
    assert_eq!(w["status"], "expired");
    assert_eq!(w["matched"], 1);
    assert!(w["days_left"].as_i64().unwrap() < 0);

    // A warning on stderr names the waiver and its location ...
    assert!(err.contains("warning: waiver at"), "{err}");
    assert!(err.contains(&format!("{}:1", path.display())), "{err}");
    assert!(err.contains("expired on 2020-01-31"), "{err}");
    assert!(err.contains("no longer hides its 1 finding"), "{err}");

    // ... and the table and the Markdown audit report it.
    let cfg = path.to_str().unwrap();
    let (_, table, _) = run(&["evaluate", "fixtures/snapshots/example.json", "-c", cfg]);
    assert!(table.contains("Expired waiver"), "{table}");
    let (_, md, _) = run(&[
        "evaluate",
        "fixtures/snapshots/example.json",
        "-c",
        cfg,
        "--format",
        "markdown",
    ]);
    assert!(
        md.contains("| **expired**: hides nothing | `DR-S3-001` |"),
        "{md}"
    );
    assert!(
        md.contains("0 in force (0 expiring within 30 days), 1 expired"),
        "{md}"
    );
}

#[test]
fn unmatched_waiver_warns() {
    let (_dir, path) = config(&waiver(
        "DR-S3-001",
        "arn:aws:s3:::no-such-bucket-*",
        "2099-12-31",
    ));
    let (code, report, err) = evaluate(&path, &[]);
    assert_eq!(code, 1, "a stale waiver does not change the verdict");
    assert_eq!(report["waivers"][0]["status"], "unmatched");
    assert_eq!(report["waivers"][0]["matched"], 0);
    assert!(err.contains("warning: waiver at"), "{err}");
    assert!(err.contains("matches no finding"), "{err}");
    assert!(err.contains("arn:aws:s3:::no-such-bucket-*"), "{err}");

    // A rule id that matches no rule is just as stale. --quiet silences warnings.
    let (_dir, path) = config(&waiver("DR-S3-999", EXPORTS, "2099-12-31"));
    let (_, _, err) = evaluate(&path, &[]);
    assert!(err.contains("DR-S3-999"), "{err}");
    let (_, _, err) = evaluate(&path, &["--quiet"]);
    assert!(!err.contains("warning"), "{err}");
}

#[test]
fn waiver_expiring_soon_is_flagged_in_the_audit() {
    let soon = (chrono_today() + 10).to_string();
    let (_dir, path) = config(&waiver("DR-S3-001", EXPORTS, &soon));
    let (_, md, err) = run(&[
        "evaluate",
        "fixtures/snapshots/example.json",
        "-c",
        path.to_str().unwrap(),
        "--format",
        "markdown",
    ]);
    assert!(
        md.contains("1 in force (1 expiring within 30 days)"),
        "{md}\n{err}"
    );
    assert!(md.contains("| in force · ⚠️ expires in 10 days |"), "{md}");
    assert!(md.contains("### Findings hidden by waivers (1)"), "{md}");
}

/// Today as a TOML date literal plus offsets, from the system clock like drready's waiver check.
fn chrono_today() -> TomlDate {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    TomlDate((secs / 86_400) as i64)
}

/// Days since 1970-01-01, printed as YYYY-MM-DD.
#[derive(Clone, Copy)]
struct TomlDate(i64);

impl std::ops::Add<i64> for TomlDate {
    type Output = TomlDate;
    fn add(self, days: i64) -> TomlDate {
        TomlDate(self.0 + days)
    }
}

impl std::fmt::Display for TomlDate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Civil from days (Howard Hinnant's algorithm).
        let z = self.0 + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z.rem_euclid(146_097);
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let d = doy - (153 * mp + 2) / 5 + 1;
        let m = if mp < 10 { mp + 3 } else { mp - 9 };
        let y = yoe + era * 400 + i64::from(m <= 2);
        write!(f, "{y:04}-{m:02}-{d:02}")
    }
}

/// Runs example.json with a config text and expects a usage error naming `file:line`.
fn expect_config_error(text: &str, line: usize, needle: &str) {
    let (_dir, path) = config(text);
    let (code, out, err) = run(&[
        "evaluate",
        "fixtures/snapshots/example.json",
        "--config",
        path.to_str().unwrap(),
    ]);
    assert_eq!(code, 2, "{out}\n{err}");
    let at = format!("{}:{line}", path.display());
    assert!(err.contains(&at), "expected {at} in: {err}");
    assert!(err.contains(needle), "expected `{needle}` in: {err}");
    assert!(out.is_empty(), "no report on a config error: {out}");
}

#[test]
fn malformed_waivers_are_usage_errors_with_file_and_line() {
    // Missing reason: points at the [[waiver]] header of the bad waiver (the second one here).
    let good = waiver("DR-S3-001", EXPORTS, "2099-12-31");
    let good_lines = good.lines().count();
    expect_config_error(
        &format!(
            "{good}[[waiver]]\nrule = \"DR-S3-002\"\nresource = \"*\"\nexpires = 2099-12-31\n"
        ),
        good_lines + 1,
        "waiver #2 is missing `reason`",
    );
    // Empty reason.
    expect_config_error(
        "[gate]\nfail_on = \"high\"\n\n[[waiver]]\nrule = \"DR-S3-001\"\nresource = \"*\"\n\
         reason = \"  \"\nexpires = 2099-12-31\n",
        7,
        "reason must not be empty",
    );
    // Missing expiry and missing rule.
    expect_config_error(
        "[[waiver]]\nrule = \"DR-S3-001\"\nresource = \"*\"\nreason = \"r\"\n",
        1,
        "missing `expires`",
    );
    expect_config_error(
        "\n\n[[waiver]]\nresource = \"*\"\nreason = \"r\"\nexpires = 2099-12-31\n",
        3,
        "missing `rule`",
    );
    // Bad dates: a string, a time without a date, an impossible date.
    expect_config_error(
        "[[waiver]]\nrule = \"DR-S3-001\"\nresource = \"*\"\nreason = \"r\"\nexpires = \"soon\"\n",
        5,
        "waiver expires must be a date",
    );
    expect_config_error(
        "[[waiver]]\nrule = \"DR-S3-001\"\nresource = \"*\"\nreason = \"r\"\nexpires = 10:30:00\n",
        5,
        "waiver expires must be a date",
    );
    expect_config_error(
        "[[waiver]]\nrule = \"DR-S3-001\"\nresource = \"*\"\nreason = \"r\"\nexpires = 2027-02-30\n",
        5,
        "",
    );
    // A misspelt field.
    expect_config_error(
        "[[waiver]]\nrule = \"DR-S3-001\"\nresource = \"*\"\nreson = \"r\"\nexpires = 2099-12-31\n",
        4,
        "reson",
    );
}

#[test]
fn waiver_errors_point_past_the_commented_example_of_init() {
    // `drready init` writes a commented-out example `#[[waiver]]`; a real waiver appended after
    // it must still be located on its own line.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("drready.toml");
    let (code, _, err) = run(&["init", "--path", path.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    let mut text = std::fs::read_to_string(&path).unwrap();
    let header_line = text.lines().count() + 2;
    text.push_str("\n[[waiver]]\nrule = \"DR-S3-001\"\nresource = \"*\"\nexpires = 2099-12-31\n");
    std::fs::write(&path, &text).unwrap();
    let (code, _, err) = run(&[
        "evaluate",
        "fixtures/snapshots/example.json",
        "--config",
        path.to_str().unwrap(),
    ]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains(&format!("{}:{header_line}:", path.display())),
        "expected line {header_line}: {err}"
    );
}
