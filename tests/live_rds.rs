//! Live RDS and Aurora: seed databases into moto (scripts/seed_platform/rds.py), scan them with
//! the drready binary through the real SDK clients, and hold the DR-RDS rules to exactly the
//! seeded defects, in one account and in two, and to nothing on a healthy estate.

mod support;

use std::collections::BTreeSet;
use std::path::Path;

use serde_json::Value;
use support::moto::{Moto, drready};

const CONFIG: &str = "[objectives]\ncopy_grace = \"0s\"\n";

const TWO_ACCOUNTS: &[&str] = &[
    "--standby-role-arn",
    "arn:aws:iam::222222222222:role/drready-read",
    "--external-id",
    "drready-test",
];

fn scan(moto: &Moto, dir: &Path, name: &str, extra: &[&str]) -> Value {
    let report = dir.join(format!("{name}.json"));
    let report_arg = format!("json={}", report.display());
    let config = dir.join(format!("{name}.toml"));
    std::fs::write(&config, CONFIG).unwrap();
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
    assert!(
        code == 0 || code == 1,
        "scan {name}: exit {code} (0 or 1 expected)\n{stderr}"
    );
    let report: Value =
        serde_json::from_slice(&std::fs::read(&report).expect("report written")).expect("JSON");
    for site in ["primary", "standby"] {
        let rds_errors: Vec<&Value> = report["sites"][site]["collection_errors"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["service"] == "rds")
            .collect();
        assert!(rds_errors.is_empty(), "scan {name}, {site}: {rds_errors:?}");
    }
    report
}

/// (rule, resource) of every DR-RDS finding.
fn rds_findings(report: &Value) -> BTreeSet<(String, String)> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule_id"].as_str().unwrap().starts_with("DR-RDS-"))
        .map(|f| {
            (
                f["rule_id"].as_str().unwrap().to_string(),
                f["resource"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// (rule, resource) of every defect the seeder planted.
fn seeded(seed: &Value) -> BTreeSet<(String, String)> {
    let mut out = BTreeSet::new();
    for (rule, arns) in seed["platform"]["rds"]["defects"].as_object().unwrap() {
        for arn in arns.as_array().unwrap() {
            out.insert((rule.clone(), arn.as_str().unwrap().to_string()));
        }
    }
    out
}

fn rule<'a>(report: &'a Value, id: &str) -> &'a Value {
    report["rules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == id)
        .unwrap_or_else(|| panic!("{id} not in the report"))
}

fn assert_defects(name: &str, seed: &Value, report: &Value, rules: &[&str]) {
    let want = seeded(seed);
    let got = rds_findings(report);
    assert_eq!(
        got, want,
        "scan {name}: DR-RDS findings differ from the seeded defects"
    );
    let planted: BTreeSet<&str> = want.iter().map(|(r, _)| r.as_str()).collect();
    assert_eq!(
        planted,
        rules.iter().copied().collect(),
        "scan {name}: rules with a planted defect"
    );
    for id in rules {
        assert_eq!(rule(report, id)["status"], "fail", "scan {name}: {id}");
    }
}

#[test]
fn every_rds_rule_fires_on_its_seeded_defect_in_one_account() {
    let moto = Moto::start();
    let seed = moto.seed(&["--apps", "2", "--platform-defects", "--no-counts"]);
    assert_eq!(
        seed["platform"]["rds"]["unavailable_defects"],
        serde_json::json!({})
    );
    let dir = tempfile::tempdir().unwrap();
    let report = scan(&moto, dir.path(), "one-account", &[]);
    assert_defects(
        "one account",
        &seed,
        &report,
        &["DR-RDS-001", "DR-RDS-002", "DR-RDS-003", "DR-RDS-004"],
    );
    // The healthy databases (a Postgres replica and an Aurora global database with generated
    // names) are judged and pass: lineage pairs them, not their names.
    let judged = rule(&report, "DR-RDS-001")["resources"].as_u64().unwrap();
    assert_eq!(judged, 6, "primary databases judged by DR-RDS-001");
    let messages: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule_id"] == "DR-RDS-003")
        .map(|f| f["message"].as_str().unwrap())
        .collect();
    assert!(
        messages[0]
            .contains("instance class db.r6g.large, smaller than the primary's db.r6g.2xlarge"),
        "{messages:?}"
    );
}

#[test]
fn rds_rules_fire_on_their_seeded_defects_across_two_accounts() {
    let moto = Moto::start();
    let seed = moto.seed(&[
        "--apps",
        "2",
        "--platform-defects",
        "--two-accounts",
        "--no-counts",
    ]);
    let unavailable = seed["platform"]["rds"]["unavailable_defects"]
        .as_object()
        .unwrap();
    assert_eq!(
        unavailable.keys().map(String::as_str).collect::<Vec<_>>(),
        ["DR-RDS-002", "DR-RDS-003"],
        "RDS has no cross-account live copies"
    );
    let dir = tempfile::tempdir().unwrap();
    let report = scan(&moto, dir.path(), "two-accounts", TWO_ACCOUNTS);
    assert_eq!(report["sites"]["standby"]["account"], "222222222222");
    assert_defects(
        "two accounts",
        &seed,
        &report,
        &["DR-RDS-001", "DR-RDS-004"],
    );
}

#[test]
fn healthy_databases_raise_no_rds_finding() {
    let moto = Moto::start();
    let dir = tempfile::tempdir().unwrap();
    for (name, seed_args, scan_args) in [
        (
            "healthy",
            &["--apps", "2", "--platform", "--no-counts"][..],
            &[][..],
        ),
        (
            "healthy-two-accounts",
            &["--apps", "2", "--platform", "--two-accounts", "--no-counts"][..],
            TWO_ACCOUNTS,
        ),
    ] {
        let seed = moto.seed(seed_args);
        assert_eq!(seed["platform"]["rds"]["defects"], serde_json::json!({}));
        let report = scan(&moto, dir.path(), name, scan_args);
        assert_eq!(rds_findings(&report), BTreeSet::new(), "scan {name}");
        // Both seeded primary databases were judged (and their copies found).
        assert_eq!(
            rule(&report, "DR-RDS-001")["resources"].as_u64(),
            Some(2),
            "scan {name}"
        );
        assert_eq!(rule(&report, "DR-RDS-001")["status"], "pass", "scan {name}");
    }
}
