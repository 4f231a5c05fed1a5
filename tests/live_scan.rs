//! `drready scan` end to end against a real moto server: the binary, the real SDK clients, an
//! endpoint override, and a seeded two-region estate with known defects.

mod support;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde_json::Value;
use support::moto::{Moto, drready, free_port};

/// The issue-2 rule each seeded defect must trigger.
const EXPECTED: [(&str, &str); 5] = [
    ("bucket_without_replication", "DR-S3-001"),
    ("ami_not_copied", "DR-EC2-001"),
    ("launch_template_without_twin", "DR-EC2-003"),
    ("failover_without_secondary", "DR-DNS-001"),
    ("standby_instance_profile_missing", "DR-IAM-001"),
];

fn read_json(path: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(path).expect("report written")).expect("JSON")
}

/// Which seeded application a finding concerns: by the resource ids the seed reported, or by an
/// `appNN` name in the resource or message.
fn app_of(finding: &Value, ids: &BTreeMap<String, String>) -> Option<String> {
    let text = format!(
        "{} {} {}",
        finding["resource"], finding["message"], finding["related"]
    );
    ids.iter()
        .find(|(id, _)| text.contains(id.as_str()))
        .map(|(_, app)| app.clone())
        .or_else(|| {
            let at = text.find("app")?;
            let name = &text[at..at + 5];
            name[3..]
                .chars()
                .all(|c| c.is_ascii_digit())
                .then(|| name.to_string())
        })
}

fn seeded_ids(seed: &Value) -> BTreeMap<String, String> {
    let mut ids = BTreeMap::new();
    for app in seed["apps"].as_array().unwrap() {
        let name = app["name"].as_str().unwrap().to_string();
        for site in ["primary", "standby"] {
            for v in app[site].as_object().unwrap().values() {
                if let Some(id) = v.as_str() {
                    ids.insert(id.to_string(), name.clone());
                }
            }
        }
    }
    ids
}

/// Every seeded defect is found by its rule, and every finding concerns a defective application.
fn assert_findings_match_defects(seed: &Value, report: &Value) {
    let ids = seeded_ids(seed);
    let defects = seed["defects"].as_object().unwrap();
    let broken: BTreeSet<String> = defects
        .values()
        .map(|v| v.as_str().unwrap().to_string())
        .collect();
    let mut found: BTreeSet<(String, String)> = BTreeSet::new();
    for f in report["findings"].as_array().unwrap() {
        let rule = f["rule_id"].as_str().unwrap().to_string();
        let app = app_of(f, &ids).unwrap_or_else(|| panic!("finding on no seeded app: {f}"));
        assert!(
            broken.contains(&app),
            "{rule} flags healthy application {app}: {}",
            f["message"]
        );
        found.insert((rule, app));
    }
    for (defect, rule) in EXPECTED {
        let app = defects[defect].as_str().unwrap().to_string();
        assert!(
            found.contains(&(rule.to_string(), app.clone())),
            "{defect} on {app} is not reported by {rule}; found {found:?}"
        );
    }
}

fn scan(moto: &Moto, dir: &Path, extra: &[&str]) -> (i32, Value, Value, String) {
    let report = dir.join("scan.json");
    let snapshot = dir.join("scan-snapshot.json");
    let mut args = vec![
        "scan",
        "--primary-region",
        "us-east-1",
        "--standby-region",
        "us-west-2",
        "--endpoint-url",
        &moto.endpoint,
    ];
    let report_arg = format!("json={}", report.display());
    args.extend(["--format", "table", "--format", &report_arg]);
    let snap_arg = snapshot.display().to_string();
    args.extend(["--save-snapshot", &snap_arg]);
    args.extend_from_slice(extra);
    let (code, stdout, stderr) = drready(&args);
    assert!(report.exists(), "no report: {stderr}");
    (
        code,
        read_json(&report),
        read_json(&snapshot),
        stdout + &stderr,
    )
}

fn without_volatile(mut report: Value) -> Value {
    report.as_object_mut().unwrap().remove("generated_at");
    report
}

#[test]
fn scan_finds_every_seeded_defect_in_one_account() {
    let moto = Moto::start();
    let seed = moto.seed(&["--apps", "6", "--defects"]);
    let dir = tempfile::tempdir().unwrap();
    let (code, report, _, out) = scan(&moto, dir.path(), &[]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("NOT READY"), "{out}");
    assert_findings_match_defects(&seed, &report);
    assert_eq!(report["gate"]["incomplete"], false);
    for site in ["primary", "standby"] {
        assert_eq!(
            report["sites"][site]["collection_errors"],
            Value::Array(vec![])
        );
        assert!(report["sites"][site]["api_calls"]["ec2"].as_u64().unwrap() > 0);
    }

    // The saved snapshot evaluates offline to the same report.
    let saved = dir.path().join("scan-snapshot.json");
    let again = dir.path().join("again.json");
    let (code2, _, err) = drready(&[
        "evaluate",
        saved.to_str().unwrap(),
        "--format",
        &format!("json={}", again.display()),
    ]);
    assert_eq!(code2, code, "{err}");
    assert_eq!(
        without_volatile(read_json(&again)),
        without_volatile(report.clone())
    );

    // `snapshot` then `evaluate` judges like `scan` (a second collection, so only the clock differs).
    let snap = dir.path().join("snap.json");
    let (code3, _, err) = drready(&[
        "snapshot",
        "--primary-region",
        "us-east-1",
        "--standby-region",
        "us-west-2",
        "--endpoint-url",
        &moto.endpoint,
        "-o",
        snap.to_str().unwrap(),
    ]);
    assert_eq!(code3, 0, "{err}");
    let third = dir.path().join("third.json");
    drready(&[
        "evaluate",
        snap.to_str().unwrap(),
        "--format",
        &format!("json={}", third.display()),
    ]);
    let third = read_json(&third);
    let key = |r: &Value| -> Vec<(Value, Value, Value)> {
        r["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                (
                    f["rule_id"].clone(),
                    f["resource"].clone(),
                    f["fingerprint"].clone(),
                )
            })
            .collect()
    };
    assert_eq!(key(&third), key(&report));
    assert_eq!(third["score"], report["score"]);
}

#[test]
fn scan_finds_every_seeded_defect_across_two_accounts() {
    let moto = Moto::start();
    let seed = moto.seed(&["--apps", "6", "--defects", "--two-accounts"]);
    let dir = tempfile::tempdir().unwrap();
    let (code, report, snapshot, out) = scan(
        &moto,
        dir.path(),
        &[
            "--standby-role-arn",
            "arn:aws:iam::222222222222:role/drready-read",
            "--external-id",
            "drready-test",
        ],
    );
    assert_eq!(code, 1, "{out}");
    assert_eq!(snapshot["standby"]["account"], "222222222222");
    assert_ne!(snapshot["primary"]["account"], "222222222222");
    assert_findings_match_defects(&seed, &report);
}

#[test]
fn a_healthy_estate_is_ready() {
    let moto = Moto::start();
    moto.seed(&["--apps", "3"]);
    let dir = tempfile::tempdir().unwrap();
    let (code, report, _, out) = scan(&moto, dir.path(), &[]);
    assert_eq!(report["findings"], Value::Array(vec![]), "{out}");
    assert_eq!(code, 0, "{out}");
    assert_eq!(report["score"]["overall"].as_f64(), Some(100.0));
}

#[test]
fn a_dead_standby_region_is_incomplete_not_ready_and_never_hangs() {
    let moto = Moto::start();
    moto.seed(&["--apps", "2"]);
    let dir = tempfile::tempdir().unwrap();
    let dead = format!("http://127.0.0.1:{}", free_port());
    let config = dir.path().join("drready.toml");
    std::fs::write(
        &config,
        format!(
            "[primary]\nregion = \"us-east-1\"\nendpoint_url = \"{}\"\n\n[standby]\nregion = \
             \"us-west-2\"\nendpoint_url = \"{dead}\"\n\n[collect]\nattempt_timeout_secs = 2\n\
             call_timeout_secs = 4\nmax_attempts = 2\n",
            moto.endpoint
        ),
    )
    .unwrap();
    let report_path = dir.path().join("r.json");
    let fmt = format!("json={}", report_path.display());
    let started = std::time::Instant::now();
    let (code, _, err) = drready(&[
        "scan",
        "--config",
        config.to_str().unwrap(),
        "--format",
        &fmt,
    ]);
    assert!(
        started.elapsed().as_secs() < 60,
        "took {:?}",
        started.elapsed()
    );
    assert_eq!(code, 3, "{err}");
    let report = read_json(&report_path);
    assert_eq!(report["gate"]["incomplete"], true);
    assert_eq!(report["sites"]["primary"]["complete"], true);
    assert!(
        report["sites"]["primary"]["resources"]["instance"]
            .as_u64()
            .unwrap()
            > 0
    );
    assert_eq!(report["sites"]["standby"]["complete"], false);
    let inv: Vec<&Value> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule_id"] == "DR-INV-001")
        .collect();
    assert_eq!(inv.len(), 4, "one per standby service: {inv:?}");
    assert!(inv.iter().all(|f| f["site"] == "standby"));
    // Nothing that needs the standby's data passes: those rules are unknown.
    for r in report["rules"].as_array().unwrap() {
        if r["id"] != "DR-INV-001" {
            assert_eq!(
                r["status"], "unknown",
                "{} must not pass without standby data",
                r["id"]
            );
        }
    }
    assert!(report["score"]["overall"].as_f64().unwrap() < 50.0);

    let (code, _, _) = drready(&[
        "scan",
        "--config",
        config.to_str().unwrap(),
        "--format",
        &fmt,
        "--allow-partial",
    ]);
    assert_eq!(code, 1, "DR-INV-001 is high: the default gate fails");
    let (code, _, _) = drready(&[
        "scan",
        "--config",
        config.to_str().unwrap(),
        "--format",
        &fmt,
        "--allow-partial",
        "--fail-on",
        "never",
    ]);
    assert_eq!(code, 0);
}

#[test]
fn scan_usage_errors_come_before_any_aws_call() {
    let (code, _, err) = drready(&["scan", "--standby-region", "us-west-2"]);
    assert_eq!(code, 2);
    assert!(err.contains("no primary region"), "{err}");
    let (code, _, err) = drready(&[
        "scan",
        "--primary-region",
        "us-east-1",
        "--standby-region",
        "us-east-1",
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("another region"), "{err}");
    let (code, _, err) = drready(&[
        "scan",
        "--primary-region",
        "us-east-1",
        "--standby-region",
        "us-west-2",
        "--save-snapshot",
        "/nonexistent-dir/s.json",
        "--endpoint-url",
        "http://127.0.0.1:9",
    ]);
    assert_eq!(code, 2);
    assert!(err.contains("/nonexistent-dir does not exist"), "{err}");
}
