//! The keys family proven live: `scripts/seed_moto.py --platform-defects` seeds, through
//! scripts/seed_platform/keys.py, one defect per DynamoDB, KMS and Secrets Manager rule
//! (DR-DDB-001..003, DR-KMS-001..002, DR-SEC-001..002) into a real moto server, patched by
//! scripts/moto_patches/keys.py (global table replicas, multi-Region replica keys, secret replica
//! keys); `drready scan` (the binary, the real SDK clients) must report exactly those (rule,
//! resource) pairs for these rules, in one account and across two accounts, and nothing of these
//! rules on the healthy estate (`--platform`), where every rule still judges something.

mod support;

use std::collections::BTreeSet;
use std::path::Path;

use serde_json::Value;
use support::moto::{Moto, drready};

const RULES: &[&str] = &[
    "DR-DDB-001",
    "DR-DDB-002",
    "DR-DDB-003",
    "DR-KMS-001",
    "DR-KMS-002",
    "DR-SEC-001",
    "DR-SEC-002",
];

/// moto stamps snapshots with the current time; the copy grace is turned off as in the other
/// live tests, so the estate is judged as it is.
const TOML: &str = "[objectives]\ncopy_grace = \"0s\"\n";

/// `drready scan` against moto; the JSON report. Every service must have been read completely.
fn scan(moto: &Moto, dir: &Path, name: &str, extra: &[&str]) -> Value {
    let report = dir.join(format!("{name}.json"));
    let report_arg = format!("json={}", report.display());
    let config = dir.join(format!("{name}.toml"));
    std::fs::write(&config, TOML).unwrap();
    let config_arg = config.display().to_string();
    let mut args = vec![
        "scan",
        "--primary-region",
        "us-east-1",
        "--standby-region",
        "us-west-2",
        "--endpoint-url",
        &moto.endpoint,
        "--config",
        &config_arg,
        "--format",
        &report_arg,
    ];
    args.extend_from_slice(extra);
    let (code, _, stderr) = drready(&args);
    assert!(code == 0 || code == 1, "scan {name}: exit {code}\n{stderr}");
    let report: Value =
        serde_json::from_slice(&std::fs::read(&report).expect("report written")).expect("JSON");
    for site in ["primary", "standby"] {
        assert_eq!(
            report["sites"][site]["collection_errors"],
            Value::Array(vec![]),
            "scan {name}, {site}"
        );
    }
    report
}

/// (rule, resource) of every finding of the keys family's rules.
fn found(report: &Value) -> BTreeSet<(String, String)> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| RULES.contains(&f["rule_id"].as_str().unwrap()))
        .map(|f| {
            (
                f["rule_id"].as_str().unwrap().to_string(),
                f["resource"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// (rule, resource) pairs the seeder planted: `platform.keys.defects`.
fn planted(seed: &Value) -> BTreeSet<(String, String)> {
    let defects = seed["platform"]["keys"]["defects"]
        .as_object()
        .expect("platform.keys.defects");
    let mut out = BTreeSet::new();
    for (rule, arns) in defects {
        for arn in arns.as_array().unwrap() {
            out.insert((rule.clone(), arn.as_str().unwrap().to_string()));
        }
    }
    out
}

/// The status of a rule in the report (`pass`, `fail`, `not_applicable`, `unknown`).
fn status<'a>(report: &'a Value, rule: &str) -> &'a str {
    report["rules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == rule)
        .unwrap_or_else(|| panic!("rule {rule} in the report"))["status"]
        .as_str()
        .unwrap()
}

fn assert_exact(what: &str, seed: &Value, report: &Value) {
    let want = planted(seed);
    let planted_rules: BTreeSet<&str> = want.iter().map(|(r, _)| r.as_str()).collect();
    assert_eq!(
        planted_rules,
        RULES.iter().copied().collect(),
        "{what}: one defect per rule is planted"
    );
    let got = found(report);
    let missing: Vec<_> = want.difference(&got).collect();
    let extra: Vec<_> = got.difference(&want).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "{what}: missing {missing:#?}\nunexpected {extra:#?}"
    );
}

#[test]
fn keys_rules_report_exactly_their_defects_in_one_account() {
    support::moto::fake_aws_env();
    let moto = Moto::start();
    let seed = moto.seed(&["--apps", "3", "--platform-defects", "--no-counts"]);
    let dir = tempfile::tempdir().unwrap();
    let report = scan(&moto, dir.path(), "one-account", &[]);
    assert_exact("one account", &seed, &report);
}

#[test]
fn keys_rules_report_exactly_their_defects_across_two_accounts() {
    support::moto::fake_aws_env();
    let moto = Moto::start();
    let seed = moto.seed(&[
        "--apps",
        "3",
        "--platform-defects",
        "--two-accounts",
        "--no-counts",
    ]);
    let dir = tempfile::tempdir().unwrap();
    let report = scan(
        &moto,
        dir.path(),
        "two-accounts",
        &[
            "--standby-role-arn",
            "arn:aws:iam::222222222222:role/drready-read",
            "--external-id",
            "drready-test",
        ],
    );
    assert_eq!(report["sites"]["standby"]["account"], "222222222222");
    assert_exact("two accounts", &seed, &report);
}

#[test]
fn healthy_keys_estate_passes_every_keys_rule() {
    support::moto::fake_aws_env();
    let moto = Moto::start();
    let seed = moto.seed(&["--apps", "3", "--platform", "--no-counts"]);
    assert_eq!(seed["platform"]["keys"]["defects"], serde_json::json!({}));
    let dir = tempfile::tempdir().unwrap();
    let report = scan(&moto, dir.path(), "healthy", &[]);
    assert_eq!(found(&report), BTreeSet::new(), "healthy: no keys finding");
    // Judged, not merely silent: every rule has something to judge on the healthy estate.
    for rule in RULES {
        assert_eq!(status(&report, rule), "pass", "healthy: {rule}");
    }
    // And the whole healthy platform estate — every family's seeder ran — is ready: score 100,
    // no finding of any rule.
    assert_eq!(
        report["findings"],
        serde_json::json!([]),
        "healthy: no finding"
    );
    assert_eq!(report["score"]["overall"].as_f64(), Some(100.0));
    assert_eq!(report["gate"]["verdict"], "ready");
}
