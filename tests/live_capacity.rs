//! Live test of the capacity rules (Auto Scaling and Service Quotas) against moto: the seeder
//! (`scripts/seed_platform/capacity.py`) plants one defect per rule on group pairs of their own
//! and lowers the standby's vCPU quota; the scan must report exactly those (rule, resource)
//! pairs, in one account and across two, and none of them on the healthy estate.

mod support;

use std::collections::BTreeSet;
use std::path::Path;

use serde_json::Value;
use support::moto::{Moto, drready};
use support::proxy::{Fault, Proxy, Rule};

const RULES: [&str; 6] = [
    "DR-ASG-001",
    "DR-ASG-002",
    "DR-ASG-003",
    "DR-ASG-004",
    "DR-ASG-005",
    "DR-QUOTA-001",
];

/// moto stamps snapshots with the current time: turn the copy grace off, as the other live tests.
const CONFIG: &str = "[objectives]\ncopy_grace = \"0s\"\n";

/// `drready scan` against moto; the JSON report and the saved snapshot.
fn scan(moto: &Moto, dir: &Path, name: &str, extra: &[&str]) -> (Value, Value) {
    let (code, report, snapshot) = scan_at(&moto.endpoint, dir, name, extra);
    assert!(code == 0 || code == 1, "scan {name} exited {code}");
    // The capacity services were read completely.
    for site in ["primary", "standby"] {
        let errors = capacity_errors(&report, site);
        assert!(errors.is_empty(), "scan {name}, {site}: {errors:?}");
    }
    (report, snapshot)
}

/// The collection errors of a site in the capacity services.
fn capacity_errors(report: &Value, site: &str) -> Vec<Value> {
    report["sites"][site]["collection_errors"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| ["autoscaling", "servicequotas"].contains(&e["service"].as_str().unwrap_or("")))
        .cloned()
        .collect()
}

/// `drready scan` against `endpoint`: the exit code, the JSON report and the saved snapshot.
fn scan_at(endpoint: &str, dir: &Path, name: &str, extra: &[&str]) -> (i32, Value, Value) {
    let report = dir.join(format!("{name}.json"));
    let snapshot = dir.join(format!("{name}.snapshot.json"));
    let config = dir.join("drready.toml");
    std::fs::write(&config, CONFIG).unwrap();
    let report_arg = format!("json={}", report.display());
    let (snapshot_arg, config_arg) = (snapshot.display().to_string(), config.display().to_string());
    let mut args = vec![
        "scan",
        "--primary-region",
        "us-east-1",
        "--standby-region",
        "us-west-2",
        "--endpoint-url",
        endpoint,
        "--config",
        &config_arg,
        "--format",
        &report_arg,
        "--save-snapshot",
        &snapshot_arg,
    ];
    args.extend_from_slice(extra);
    let (code, _, stderr) = drready(&args);
    assert!(
        [0, 1, 3].contains(&code),
        "scan {name} exited {code}:\n{stderr}"
    );
    let read = |p: &Path| -> Value {
        serde_json::from_slice(&std::fs::read(p).expect("written")).expect("JSON")
    };
    (code, read(&report), read(&snapshot))
}

/// (rule, resource) of the findings of the capacity rules.
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

/// (rule, resource) the seeder says the rules must report.
fn expected(seed: &Value) -> BTreeSet<(String, String)> {
    let defects = seed["platform"]["capacity"]["defects"].as_object().unwrap();
    let mut out = BTreeSet::new();
    for (rule, arns) in defects {
        for arn in arns.as_array().unwrap() {
            out.insert((rule.clone(), arn.as_str().unwrap().to_string()));
        }
    }
    out
}

fn rule_status<'a>(report: &'a Value, id: &str) -> &'a Value {
    report["rules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == id)
        .unwrap_or_else(|| panic!("rule {id} in the report"))
}

fn check_defects(moto: &Moto, dir: &Path, name: &str, two_accounts: bool) {
    let mut args = vec!["--apps", "3", "--platform-defects", "--no-counts"];
    let mut role: Vec<&str> = Vec::new();
    if two_accounts {
        args.push("--two-accounts");
        role = vec![
            "--standby-role-arn",
            "arn:aws:iam::222222222222:role/drready-read",
            "--external-id",
            "drready-test",
        ];
    }
    let seed = moto.seed(&args);
    let want = expected(&seed);
    // Every rule has its defect.
    let rules: BTreeSet<&str> = want.iter().map(|(r, _)| r.as_str()).collect();
    assert_eq!(rules, RULES.into_iter().collect(), "{name}: {want:?}");
    let (report, snapshot) = scan(moto, dir, name, &role);
    if two_accounts {
        assert_eq!(report["sites"]["standby"]["account"], "222222222222");
    }
    assert_eq!(found(&report), want, "{name}");
    // The planted quota and the vCPUs it is compared with are in the snapshot.
    let quotas = &snapshot["standby"]["servicequotas"];
    assert_eq!(quotas["quotas"][0]["value"], 1.0, "{name}");
    assert_eq!(quotas["instance_type_vcpus"]["t3.small"], 2, "{name}");
    // The two DR-ASG-002 defects: a deleted template and a broken $Latest version.
    let messages: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule_id"] == "DR-ASG-002")
        .map(|f| f["message"].as_str().unwrap())
        .collect();
    assert!(
        messages
            .iter()
            .any(|m| m.contains("which does not exist in the standby site, so every launch")),
        "{messages:?}"
    );
    assert!(
        messages
            .iter()
            .any(|m| m.contains("launches version 2 ($Latest)") && m.contains("AMI ami-")),
        "{messages:?}"
    );
}

#[test]
fn capacity_rules_fire_exactly_on_their_defects_and_not_on_the_healthy_estate() {
    support::moto::fake_aws_env();
    let moto = Moto::start();
    let dir = tempfile::tempdir().unwrap();
    check_defects(&moto, dir.path(), "defects", false);

    let seed = moto.seed(&["--apps", "3", "--platform", "--no-counts"]);
    assert_eq!(
        seed["platform"]["capacity"]["defects"],
        serde_json::json!({})
    );
    let (report, snapshot) = scan(&moto, dir.path(), "healthy", &[]);
    assert_eq!(found(&report), BTreeSet::new());
    // The rules judged the healthy groups and quota (a pass that judged nothing proves nothing).
    for id in [
        "DR-ASG-001",
        "DR-ASG-002",
        "DR-ASG-003",
        "DR-ASG-004",
        "DR-ASG-005",
    ] {
        let r = rule_status(&report, id);
        assert_eq!(r["status"], "pass", "{id}: {r}");
        assert_eq!(r["resources"], 3, "{id}: {r}");
    }
    let quota = rule_status(&report, "DR-QUOTA-001");
    assert_eq!(quota["status"], "pass", "{quota}");
    assert_eq!(quota["resources"], 1, "{quota}");
    assert_eq!(
        snapshot["standby"]["servicequotas"]["quotas"][0]["value"],
        1152.0
    );
    assert_eq!(
        snapshot["primary"]["autoscaling"]["groups"]
            .as_array()
            .unwrap()
            .len(),
        3
    );
}

#[test]
fn capacity_rules_fire_exactly_on_their_defects_across_two_accounts() {
    support::moto::fake_aws_env();
    let moto = Moto::start();
    let dir = tempfile::tempdir().unwrap();
    check_defects(&moto, dir.path(), "two-accounts", true);
}

/// A quota that cannot be read, or whose instance types' vCPUs cannot, is unknown to
/// DR-QUOTA-001: no finding, the quota among the rule's unknown resources, the scan incomplete.
#[test]
fn an_unreadable_quota_or_vcpus_make_the_quota_unknown_not_failing() {
    support::moto::fake_aws_env();
    let moto = Moto::start();
    let dir = tempfile::tempdir().unwrap();
    let seed = moto.seed(&["--apps", "2", "--platform", "--no-counts"]);
    let quota = seed["platform"]["capacity"]["quota"]["standby_arn"]
        .as_str()
        .unwrap()
        .to_string();
    for (name, rule, api, action) in [
        (
            "quota-denied",
            Rule::new(Fault::AccessDenied)
                .region("us-west-2")
                .operation("GetServiceQuota"),
            "GetServiceQuota",
            "servicequotas:GetServiceQuota",
        ),
        (
            "vcpus-denied",
            Rule::new(Fault::AccessDenied)
                .region("us-west-2")
                .operation("DescribeInstanceTypes"),
            "DescribeInstanceTypes",
            "ec2:DescribeInstanceTypes",
        ),
    ] {
        let proxy = Proxy::builder(&moto.endpoint).rule(rule).start();
        let (code, report, snapshot) = scan_at(&proxy.endpoint, dir.path(), name, &[]);
        assert_eq!(
            code, 3,
            "{name}: an unread resource makes the scan incomplete"
        );
        let errors = capacity_errors(&report, "standby");
        assert_eq!(errors.len(), 1, "{name}: {errors:?}");
        assert_eq!(errors[0]["api"], api, "{name}");
        assert_eq!(errors[0]["resource"], quota.as_str(), "{name}");
        assert!(capacity_errors(&report, "primary").is_empty(), "{name}");
        assert_eq!(found(&report), BTreeSet::new(), "{name}");
        let rule = rule_status(&report, "DR-QUOTA-001");
        assert_eq!(rule["status"], "unknown", "{name}: {rule}");
        // The reason names the quota and the permission to grant.
        let why = rule.to_string();
        assert!(
            why.contains(&quota) && why.contains(action),
            "{name}: {rule}"
        );
        // The quota stays in the snapshot, without a value when it was not read.
        let q = &snapshot["standby"]["servicequotas"]["quotas"][0];
        assert_eq!(q["arn"], quota.as_str(), "{name}");
        assert_eq!(
            q.get("value").is_none(),
            api == "GetServiceQuota",
            "{name}: {q}"
        );
    }
}
