//! Live load balancers and certificates: seed ALBs, NLBs, ACM certificates and failover records
//! into moto (scripts/seed_platform/traffic.py), scan them with the drready binary through the
//! real SDK clients, and hold the DR-ELB and DR-ACM rules and DR-DNS-008 to exactly the seeded
//! defects, in one account and in two, and to nothing on a healthy estate.
//!
//! What moto cannot produce: a standby listener naming a certificate ARN of the primary region
//! (CreateListener answers CertificateNotFound, as AWS does); DR-ACM-001 is seeded with an
//! imported certificate that expired after it was attached, and the cross-region branch is proven
//! by the example fixture and the Rego tests.

mod support;

use std::collections::BTreeSet;
use std::path::Path;

use serde_json::Value;
use support::moto::{Moto, drready};
use support::proxy::{Fault, Proxy, Rule};

const CONFIG: &str = "[objectives]\ncopy_grace = \"0s\"\n";

const TWO_ACCOUNTS: &[&str] = &[
    "--standby-role-arn",
    "arn:aws:iam::222222222222:role/drready-read",
    "--external-id",
    "drready-test",
];

const RULES: &[&str] = &[
    "DR-ELB-001",
    "DR-ELB-002",
    "DR-ELB-003",
    "DR-ACM-001",
    "DR-ACM-002",
    "DR-ACM-003",
    "DR-DNS-008",
];

/// The JSON report of `drready scan`, and the snapshot it saved; no ELB or ACM call failed.
fn scan(moto: &Moto, dir: &Path, name: &str, extra: &[&str]) -> (Value, Value) {
    let (report, snapshot) = scan_at(&moto.endpoint, dir, name, extra);
    for site in ["primary", "standby"] {
        let errors = traffic_errors(&report, site);
        assert!(errors.is_empty(), "scan {name}, {site}: {errors:?}");
    }
    (report, snapshot)
}

/// The ELB and ACM collection errors of a site.
fn traffic_errors<'a>(report: &'a Value, site: &str) -> Vec<&'a Value> {
    report["sites"][site]["collection_errors"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["service"] == "elbv2" || e["service"] == "acm")
        .collect()
}

/// `drready scan` against `endpoint` (moto, or a fault proxy in front of it).
fn scan_at(endpoint: &str, dir: &Path, name: &str, extra: &[&str]) -> (Value, Value) {
    let report = dir.join(format!("{name}.json"));
    let snapshot = dir.join(format!("{name}.snapshot.json"));
    let report_arg = format!("json={}", report.display());
    let snapshot_arg = snapshot.display().to_string();
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
        code == 0 || code == 1,
        "scan {name}: exit {code} (0 or 1 expected)\n{stderr}"
    );
    let read = |p: &Path| -> Value {
        serde_json::from_slice(&std::fs::read(p).expect("written")).expect("JSON")
    };
    (read(&report), read(&snapshot))
}

/// (rule, resource) of every finding of the traffic rules.
fn traffic_findings(report: &Value) -> BTreeSet<(String, String)> {
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

/// (rule, resource) of every defect the seeder planted.
fn seeded(seed: &Value) -> BTreeSet<(String, String)> {
    let mut out = BTreeSet::new();
    for (rule, arns) in seed["platform"]["traffic"]["defects"].as_object().unwrap() {
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

fn judged(report: &Value, id: &str) -> u64 {
    rule(report, id)["resources"].as_u64().unwrap()
}

/// Every certificate the seeder made is in the snapshot, the first application's EC P-256
/// standby certificate (listed only when ListCertificates asks for every key type) included.
fn assert_certificates(name: &str, seed: &Value, snapshot: &Value) {
    let apps = seed["platform"]["traffic"]["apps"].as_object().unwrap();
    for (app, sites) in apps {
        for site in ["primary", "standby"] {
            let want = sites[site]["certificate"].as_str().unwrap();
            let found = snapshot[site]["acm"]["certificates"]
                .as_array()
                .unwrap()
                .iter()
                .find(|c| c["arn"] == want)
                .unwrap_or_else(|| panic!("scan {name}: {site} certificate of {app} missing"));
            assert_eq!(found["status"], "ISSUED", "scan {name}: {want}");
        }
    }
    let first = &seed["apps"][0]["name"];
    let ec = apps[first.as_str().unwrap()]["standby"]["certificate"]
        .as_str()
        .unwrap();
    let cert = snapshot["standby"]["acm"]["certificates"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["arn"] == ec)
        .unwrap();
    assert_eq!(cert["type"], "IMPORTED", "scan {name}");
    // The standby ALB uses it: InUseBy names the load balancer, as AWS does (a moto patch).
    let lb = apps[first.as_str().unwrap()]["standby"]["load_balancer"].clone();
    assert_eq!(cert["in_use_by"], Value::Array(vec![lb]), "scan {name}");
}

fn assert_defects(name: &str, seed: &Value, report: &Value) {
    let want = seeded(seed);
    let got = traffic_findings(report);
    assert_eq!(
        got, want,
        "scan {name}: traffic findings differ from the seeded defects"
    );
    let planted: BTreeSet<&str> = want.iter().map(|(r, _)| r.as_str()).collect();
    assert_eq!(
        planted,
        RULES.iter().copied().collect(),
        "scan {name}: rules with a planted defect"
    );
    for id in RULES {
        assert_eq!(rule(report, id)["status"], "fail", "scan {name}: {id}");
    }
    // 3 applications (one with an internal NLB too) and 7 defect applications; elb-nostandby
    // has no standby load balancer.
    assert_eq!(
        judged(report, "DR-ELB-001"),
        11,
        "scan {name}: primary load balancers"
    );
    assert_eq!(
        judged(report, "DR-ELB-002"),
        10,
        "scan {name}: standby twins"
    );
    // Internet-facing primaries in a record: 3 applications and 5 defect applications.
    assert_eq!(
        judged(report, "DR-DNS-008"),
        8,
        "scan {name}: internet-facing primaries"
    );
}

fn messages<'a>(report: &'a Value, id: &str) -> Vec<&'a str> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule_id"] == id)
        .map(|f| f["message"].as_str().unwrap())
        .collect()
}

#[test]
fn every_traffic_rule_fires_on_its_seeded_defect_in_one_account() {
    let moto = Moto::start();
    let seed = moto.seed(&["--apps", "3", "--platform-defects", "--no-counts"]);
    let dir = tempfile::tempdir().unwrap();
    let (report, snapshot) = scan(&moto, dir.path(), "one-account", &[]);
    assert_defects("one account", &seed, &report);
    assert_certificates("one account", &seed, &snapshot);
    let expired = messages(&report, "DR-ACM-001");
    assert!(expired[0].contains("which is EXPIRED"), "{expired:?}");
    let expiring = messages(&report, "DR-ACM-003");
    assert!(
        expiring[0].contains("it is imported, and ACM never renews imported certificates"),
        "{expiring:?}"
    );
    let wrong = messages(&report, "DR-ELB-003");
    assert!(
        wrong[0].contains("sends clients to load balancer dns-nofailover-web-usw2 (us-west-2) instead of elb-wrongsecondary-web-usw2"),
        "{wrong:?}"
    );
}

#[test]
fn traffic_rules_fire_on_their_seeded_defects_across_two_accounts() {
    let moto = Moto::start();
    let seed = moto.seed(&[
        "--apps",
        "3",
        "--platform-defects",
        "--two-accounts",
        "--no-counts",
    ]);
    let dir = tempfile::tempdir().unwrap();
    let (report, snapshot) = scan(&moto, dir.path(), "two-accounts", TWO_ACCOUNTS);
    assert_eq!(report["sites"]["standby"]["account"], "222222222222");
    assert_defects("two accounts", &seed, &report);
    assert_certificates("two accounts", &seed, &snapshot);
}

#[test]
fn healthy_load_balancers_raise_no_traffic_finding() {
    let moto = Moto::start();
    let dir = tempfile::tempdir().unwrap();
    for (name, seed_args, scan_args) in [
        (
            "healthy",
            &["--apps", "3", "--platform", "--no-counts"][..],
            &[][..],
        ),
        (
            "healthy-two-accounts",
            &["--apps", "3", "--platform", "--two-accounts", "--no-counts"][..],
            TWO_ACCOUNTS,
        ),
    ] {
        let seed = moto.seed(seed_args);
        assert_eq!(
            seed["platform"]["traffic"]["defects"],
            serde_json::json!({})
        );
        let (report, snapshot) = scan(&moto, dir.path(), name, scan_args);
        assert_eq!(traffic_findings(&report), BTreeSet::new(), "scan {name}");
        assert_certificates(name, &seed, &snapshot);
        // Every rule judged the healthy estate: 3 ALBs and an NLB per site, 3 failover pairs,
        // 3 standby certificates in use (the CloudFormation-named ALBs paired by their stem).
        for (id, n) in [
            ("DR-ELB-001", 4),
            ("DR-ELB-002", 4),
            ("DR-ELB-003", 3),
            ("DR-ACM-001", 3),
            ("DR-ACM-002", 3),
            ("DR-ACM-003", 3),
            ("DR-DNS-008", 3),
        ] {
            assert_eq!(rule(&report, id)["status"], "pass", "scan {name}: {id}");
            assert_eq!(judged(&report, id), n, "scan {name}: {id} resources");
        }
    }
}

/// A standby whose listeners and certificate details cannot be read: each standby load balancer
/// and certificate is unknown to the rules that read it (its findings dropped, listed among the
/// rule's unknown resources), while the primary's findings stand.
#[test]
fn unreadable_standby_listeners_and_certificates_are_unknown_not_failing() {
    let moto = Moto::start();
    let seed = moto.seed(&["--apps", "3", "--platform-defects", "--no-counts"]);
    let proxy = Proxy::builder(&moto.endpoint)
        .rule(
            Rule::new(Fault::AccessDenied)
                .service("elasticloadbalancing")
                .region("us-west-2")
                .operation("DescribeListeners"),
        )
        .rule(
            Rule::new(Fault::AccessDenied)
                .service("acm")
                .region("us-west-2")
                .operation("DescribeCertificate"),
        )
        .start();
    let dir = tempfile::tempdir().unwrap();
    let (report, snapshot) = scan_at(&proxy.endpoint, dir.path(), "denied", &["--allow-partial"]);
    assert!(traffic_errors(&report, "primary").is_empty());
    let errors = traffic_errors(&report, "standby");
    let standby_lbs = snapshot["standby"]["elbv2"]["load_balancers"]
        .as_array()
        .unwrap();
    let standby_certs = snapshot["standby"]["acm"]["certificates"]
        .as_array()
        .unwrap();
    // One error per load balancer and per certificate, none for a whole service.
    assert_eq!(
        errors.len(),
        standby_lbs.len() + standby_certs.len(),
        "{errors:?}"
    );
    assert!(
        errors.iter().all(|e| e["resource"].is_string()),
        "{errors:?}"
    );
    assert!(!standby_certs.is_empty());
    // The listing still gives each certificate's status and expiry.
    assert!(standby_certs.iter().all(|c| c["not_after"].is_string()));

    let want: BTreeSet<(String, String)> = seeded(&seed)
        .into_iter()
        .filter(|(rule, _)| rule == "DR-ELB-001" || rule == "DR-DNS-008")
        .collect();
    assert_eq!(
        traffic_findings(&report),
        want,
        "only the primary's findings stand"
    );
    let defects = &seed["platform"]["traffic"]["defects"];
    for id in [
        "DR-ELB-002",
        "DR-ACM-001",
        "DR-ACM-002",
        "DR-ACM-003",
        "DR-ELB-003",
    ] {
        let arn = defects[id][0].as_str().unwrap();
        let why = rule(&report, id)["unknown_resources"][arn].as_str();
        assert!(
            why.is_some_and(|w| w.contains("Describe")),
            "{id}: {arn} should be unknown: {:?}",
            rule(&report, id)["unknown_resources"]
        );
    }
}
