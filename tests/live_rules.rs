//! The whole rule catalogue proven live: `scripts/seed_moto.py --defects --rule-defects` seeds one
//! defect per rule whose inputs moto can produce, each on its own application, into a real moto
//! server; `drready scan` (the binary, the real SDK clients) must report each defect by its rule
//! on its application, and nothing on the healthy applications — under the default objectives,
//! under strict ones (rpo 15m, failback true), and, for the two rules that compare times, under an
//! rpo of one second.
//!
//! What moto cannot produce (each is noted where its defect is listed below):
//! - DR-EC2-002 with a real lag: moto stamps an AMI's CreationDate with the current time and
//!   cannot backdate it, so the newer primary build is at most seconds younger than the copied
//!   one; the rule is proven with `rpo = "1s"` (and stays silent under 24h and 15m).
//! - DR-EBS-002 on one stale volume: moto stamps a snapshot's StartTime with the current time and
//!   the rule compares the copy's age with now, so no copy can be older than another by more than
//!   the seconds seeding takes. With `rpo = "1s"` it fires on every copied volume (which proves
//!   the start times flow from the SDK into the rule); it is silent under 24h and 15m.
//! - DR-EC2-007's deprecation branch: moto has no EnableImageDeprecation (HTTP 500). The `state`
//!   branch is proven with DisableImage. Note: moto lists disabled images in DescribeImages,
//!   AWS only with `IncludeDisabled`, so on AWS the same template is reported by DR-EC2-004 (the
//!   image looks missing) unless the collector asks for disabled images.
//! - DR-IAM-002 in one account: IAM is global per account, so both sites read the same role,
//!   which pairs with itself. The seed lists it under `unavailable_defects` and the two-account
//!   test proves it.
//! - DR-INV-001 needs a failing API, not data: tests/live_scan.rs proves it against a dead
//!   standby endpoint.

mod support;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::time::{Duration, Instant};

use serde_json::Value;
use support::moto::{Moto, drready};

/// The rules each seeded defect must trigger on its application under the default objectives
/// (rpo 24h, failback false). A defect that rightly breaks more than one rule lists them all.
const DEFAULT: &[(&str, &[&str])] = &[
    // --defects (the first rules).
    ("bucket_without_replication", &["DR-S3-001"]),
    // Its standby template names the primary AMI, which does not exist in the standby.
    ("ami_not_copied", &["DR-EC2-001", "DR-EC2-004"]),
    // No standby template and no standby instance: the workload has no standby capacity.
    (
        "launch_template_without_twin",
        &["DR-EC2-003", "DR-EC2-006"],
    ),
    ("failover_without_secondary", &["DR-DNS-001"]),
    // The instance profile its standby template names is missing (DR-IAM-001's alone: DR-EC2-004
    // no longer reports profiles, so one missing profile is one critical finding).
    ("standby_instance_profile_missing", &["DR-IAM-001"]),
    // --rule-defects.
    ("destination_versioning_suspended", &["DR-S3-003"]),
    ("replication_only_filtered", &["DR-S3-004"]),
    ("kms_objects_not_replicated", &["DR-S3-006"]),
    // moto cannot backdate CreationDate: the newer build is ~2 s younger, within any real rpo.
    // Proven under TINY.
    ("ami_copy_stale", &[]),
    ("standby_template_broken_reference", &["DR-EC2-004"]),
    ("instance_type_drift", &["DR-EC2-005"]),
    ("workload_without_standby_capacity", &["DR-EC2-006"]),
    // DisableImage (moto has no EnableImageDeprecation; see the file comment). A disabled copy
    // is no usable copy of the primary AMI either.
    ("standby_ami_disabled", &["DR-EC2-007", "DR-EC2-001"]),
    ("snapshot_not_copied", &["DR-EBS-001"]),
    ("security_group_without_twin", &["DR-NET-001"]),
    ("security_group_ingress_drift", &["DR-NET-002"]),
    ("primary_without_health_check", &["DR-DNS-002"]),
    ("health_check_broken", &["DR-DNS-003"]),
    ("secondary_targets_primary_region", &["DR-DNS-004"]),
    ("failover_ttl_too_long", &["DR-DNS-005"]),
    // Seeded with --two-accounts only (IAM is global per account).
    ("role_policy_drift", &["DR-IAM-002"]),
    ("role_pinned_to_primary", &["DR-IAM-003"]),
    // Only under an rpo of 15 minutes or less.
    ("replication_without_rtc", &[]),
    // Only with failback = true.
    ("no_failback_replication", &[]),
    ("warm_standby_not_running", &["DR-EC2-006"]),
    ("replication_outside_standby", &["DR-S3-002"]),
];

/// Rules proven live on the planted defects of `scripts/seed_moto.py --realistic`, in
/// tests/live_realistic.rs.
const REALISTIC_DEFECT_RULES: &[&str] = &[
    "DR-EC2-008",
    "DR-EC2-009",
    "DR-NET-003",
    "DR-S3-008",
    "DR-DNS-006",
    "DR-DNS-007",
];

/// Added under `rpo = "15m"`, `failback = true`.
const STRICT: &[(&str, &[&str])] = &[
    ("replication_without_rtc", &["DR-S3-005"]),
    ("no_failback_replication", &["DR-S3-007"]),
    // AWS refuses to suspend versioning on a bucket that replicates, so the suspended standby
    // bucket has no rule back to the primary.
    ("destination_versioning_suspended", &["DR-S3-007"]),
];

/// Added under `rpo = "1s"` (failback false); DR-EBS-002 also fires on every copied volume.
const TINY: &[(&str, &[&str])] = &[
    ("ami_copy_stale", &["DR-EC2-002"]),
    ("replication_without_rtc", &["DR-S3-005"]),
];

/// moto stamps a snapshot's StartTime with the current time, so every seeded snapshot is seconds
/// old: within the default copy grace (1 h), in which an uncopied snapshot is not yet a finding.
/// Every scan here turns the grace off so DR-EBS-001 judges them.
const DEFAULT_TOML: &str = "[objectives]\ncopy_grace = \"0s\"\n";
const STRICT_TOML: &str = "[objectives]\nrpo = \"15m\"\nfailback = true\ncopy_grace = \"0s\"\n";
const TINY_TOML: &str = "[objectives]\nrpo = \"1s\"\ncopy_grace = \"0s\"\n";

/// `drready scan` against moto with an optional objectives file; the JSON report.
fn scan(moto: &Moto, dir: &Path, name: &str, config: Option<&str>, extra: &[&str]) -> Value {
    let report = dir.join(format!("{name}.json"));
    let report_arg = format!("json={}", report.display());
    let config_path = dir.join(format!("{name}.toml"));
    let config_arg = config_path.display().to_string();
    let mut args = vec![
        "scan",
        "--primary-region",
        "us-east-1",
        "--standby-region",
        "us-west-2",
        "--endpoint-url",
        &moto.endpoint,
        "--format",
        &report_arg,
    ];
    if let Some(text) = config {
        std::fs::write(&config_path, text).unwrap();
        args.extend(["--config", &config_arg]);
    }
    args.extend_from_slice(extra);
    let started = Instant::now();
    let (code, _, stderr) = drready(&args);
    eprintln!("scan {name}: {:?}", started.elapsed());
    assert_eq!(
        code, 1,
        "scan {name}: the gate fails on the seeded defects\n{stderr}"
    );
    let report: Value =
        serde_json::from_slice(&std::fs::read(&report).expect("report written")).expect("JSON");
    assert_eq!(report["gate"]["incomplete"], false, "scan {name}");
    for site in ["primary", "standby"] {
        assert_eq!(
            report["sites"][site]["collection_errors"],
            Value::Array(vec![]),
            "scan {name}, {site}"
        );
    }
    report
}

/// Seeded resource id or name -> its application.
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

/// The applications `text` names: seeded ids it contains, and `appNN` tokens.
fn apps_in(text: &str, ids: &BTreeMap<String, String>) -> BTreeSet<String> {
    let mut apps: BTreeSet<String> = ids
        .iter()
        .filter(|(id, _)| text.contains(id.as_str()))
        .map(|(_, app)| app.clone())
        .collect();
    let bytes = text.as_bytes();
    for (at, _) in text.match_indices("app") {
        let digits = &bytes[at + 3..(at + 5).min(bytes.len())];
        let bounded = bytes.get(at + 5).is_none_or(|b| !b.is_ascii_digit());
        if digits.len() == 2 && digits.iter().all(u8::is_ascii_digit) && bounded {
            apps.insert(text[at..at + 5].to_string());
        }
    }
    apps
}

/// The one seeded application a finding concerns: by its resource, else by its message and
/// related resources.
fn app_of(finding: &Value, ids: &BTreeMap<String, String>) -> String {
    let by_resource = apps_in(finding["resource"].as_str().unwrap(), ids);
    let apps = if by_resource.is_empty() {
        apps_in(
            &format!("{} {}", finding["message"], finding["related"]),
            ids,
        )
    } else {
        by_resource
    };
    assert_eq!(
        apps.len(),
        1,
        "a finding must concern exactly one seeded application: {finding}"
    );
    apps.into_iter().next().unwrap()
}

/// (rule, application) of every finding.
fn found(seed: &Value, report: &Value) -> BTreeSet<(String, String)> {
    let ids = seeded_ids(seed);
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["rule_id"].as_str().unwrap().to_string(), app_of(f, &ids)))
        .collect()
}

/// (rule, application) pairs the tables expect for the seeded defects.
fn expected(seed: &Value, tables: &[&[(&str, &[&str])]]) -> BTreeSet<(String, String)> {
    let defects = seed["defects"].as_object().unwrap();
    let mut out = BTreeSet::new();
    for table in tables {
        for (defect, rules) in table.iter() {
            if let Some(app) = defects.get(*defect) {
                for rule in rules.iter() {
                    out.insert((rule.to_string(), app.as_str().unwrap().to_string()));
                }
            }
        }
    }
    out
}

/// The findings are exactly the expected ones: every seeded defect reported by its rule on its
/// application, nothing on a healthy application, nothing unexpected on a defective one.
fn assert_exactly(
    name: &str,
    seed: &Value,
    found: &BTreeSet<(String, String)>,
    want: &BTreeSet<(String, String)>,
) {
    let broken: BTreeSet<&str> = seed["defects"]
        .as_object()
        .unwrap()
        .values()
        .map(|v| v.as_str().unwrap())
        .collect();
    let missing: Vec<_> = want.difference(found).collect();
    let on_healthy: Vec<_> = found
        .difference(want)
        .filter(|(_, app)| !broken.contains(app.as_str()))
        .collect();
    let unexpected: Vec<_> = found
        .difference(want)
        .filter(|(_, app)| broken.contains(app.as_str()))
        .collect();
    assert!(
        missing.is_empty() && on_healthy.is_empty() && unexpected.is_empty(),
        "scan {name}:\n  seeded defects not reported: {missing:?}\n  findings on healthy \
         applications: {on_healthy:?}\n  unexpected findings on defective applications: \
         {unexpected:?}\n  defects: {}",
        seed["defects"]
    );
}

/// The messages of `rule`'s findings on `app`.
fn messages(seed: &Value, report: &Value, rule: &str, app: &str) -> Vec<String> {
    let ids = seeded_ids(seed);
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule_id"] == rule && app_of(f, &ids) == app)
        .map(|f| f["message"].as_str().unwrap().to_string())
        .collect()
}

fn defect_app<'a>(seed: &'a Value, defect: &str) -> &'a str {
    seed["defects"][defect]
        .as_str()
        .unwrap_or_else(|| panic!("{defect} was not seeded: {}", seed["defects"]))
}

/// Every table entry is a defect the seed knows, and every seeded defect has an entry.
fn assert_tables_cover_seed(seed: &Value) {
    let listed: BTreeSet<&str> = DEFAULT.iter().map(|(d, _)| *d).collect();
    for table in [STRICT, TINY] {
        for (d, _) in table {
            assert!(listed.contains(d), "{d} is not in DEFAULT");
        }
    }
    let seeded: BTreeSet<&str> = seed["defects"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .chain(
            seed["unavailable_defects"]
                .as_object()
                .unwrap()
                .keys()
                .map(String::as_str),
        )
        .collect();
    assert_eq!(
        listed, seeded,
        "the expectation tables and the seed's defects differ"
    );
}

fn seed(moto: &Moto, args: &[&str]) -> Value {
    let started = Instant::now();
    let seed = moto.seed(args);
    eprintln!("seed {args:?}: {:?}", started.elapsed());
    assert_tables_cover_seed(&seed);
    seed
}

#[test]
fn every_rule_fires_on_its_seeded_defect_and_nowhere_else() {
    let moto = Moto::start();
    let seed = seed(&moto, &["--defects", "--rule-defects", "--no-counts"]);
    let seeded_at = Instant::now();
    assert!(
        seed["unavailable_defects"]["role_policy_drift"].is_string(),
        "one account: IAM-002's defect cannot be seeded"
    );
    let dir = tempfile::tempdir().unwrap();

    // Default objectives (rpo 24h, failback false).
    let report = scan(&moto, dir.path(), "default", Some(DEFAULT_TOML), &[]);
    let got = found(&seed, &report);
    assert_exactly("default", &seed, &got, &expected(&seed, &[DEFAULT]));
    // The intended branch of the rules that have several.
    let m = messages(
        &seed,
        &report,
        "DR-DNS-003",
        defect_app(&seed, "health_check_broken"),
    );
    assert_eq!(m.len(), 2, "PRIMARY and SECONDARY: {m:?}");
    assert!(m.iter().any(|m| m.contains("inverted")), "{m:?}");
    assert!(m.iter().any(|m| m.contains("disabled")), "{m:?}");
    let m = messages(
        &seed,
        &report,
        "DR-DNS-005",
        defect_app(&seed, "failover_ttl_too_long"),
    );
    assert_eq!(m.len(), 2, "PRIMARY and SECONDARY: {m:?}");
    let app = defect_app(&seed, "standby_template_broken_reference");
    let m = messages(&seed, &report, "DR-EC2-004", app).join("\n");
    assert!(m.contains("security group") && m.contains("subnet"), "{m}");
    let app = defect_app(&seed, "secondary_targets_primary_region");
    let m = messages(&seed, &report, "DR-DNS-004", app).join("\n");
    assert!(m.contains("(in us-east-1)"), "{m}");
    let m = messages(
        &seed,
        &report,
        "DR-EC2-007",
        defect_app(&seed, "standby_ami_disabled"),
    );
    assert!(m.join("\n").contains("is disabled"), "{m:?}");
    let app = defect_app(&seed, "warm_standby_not_running");
    let m = messages(&seed, &report, "DR-EC2-006", app).join("\n");
    assert!(m.contains("warm-standby"), "{m}");
    let app = defect_app(&seed, "workload_without_standby_capacity");
    let m = messages(&seed, &report, "DR-EC2-006", app).join("\n");
    assert!(m.contains("no launch template and no instance"), "{m}");

    // Strict objectives: DR-S3-005 and DR-S3-007 judge, and the healthy applications (RTC on
    // every rule, a failback rule on every replicated standby bucket) stay silent.
    let report = scan(&moto, dir.path(), "strict", Some(STRICT_TOML), &[]);
    let got = found(&seed, &report);
    assert_exactly("strict", &seed, &got, &expected(&seed, &[DEFAULT, STRICT]));

    // rpo 1s: the two rules that compare times. Every snapshot must be at least 2 s old (the
    // rule floors ages to seconds), so DR-EBS-002 fires on every copied volume.
    std::thread::sleep(Duration::from_secs(2).saturating_sub(seeded_at.elapsed()));
    let report = scan(&moto, dir.path(), "tiny", Some(TINY_TOML), &[]);
    let got = found(&seed, &report);
    let mut want = expected(&seed, &[DEFAULT, TINY]);
    for app in seed["apps"].as_array().unwrap() {
        // Every application's data volume has a copied snapshot.
        want.insert(("DR-EBS-002".into(), app["name"].as_str().unwrap().into()));
    }
    assert_exactly("tiny", &seed, &got, &want);

    // Every rule of the catalogue is proven by a table above, but DR-INV-001 (tests/live_scan.rs,
    // dead standby endpoint), the launch and failover breakers that the realistic estate plants
    // (tests/live_realistic.rs asserts each on its resource), and the platform rules: their
    // seeders (scripts/seed_platform/) plant one defect per rule and list it by rule id, and
    // tests/live_{rds,keys,capacity,traffic}.rs assert the exact (rule, resource) set of each.
    let platform = moto.seed(&["--apps", "2", "--platform-defects", "--no-counts"]);
    let platform_rules: Vec<String> = platform["platform"]
        .as_object()
        .expect("the seed summary's platform families")
        .values()
        .flat_map(|family| family["defects"].as_object().into_iter().flatten())
        .map(|(rule, _)| rule.clone())
        .collect();
    let proven: BTreeSet<&str> = [DEFAULT, STRICT, TINY]
        .iter()
        .flat_map(|t| t.iter().flat_map(|(_, rules)| rules.iter().copied()))
        .chain(["DR-EBS-002", "DR-INV-001"])
        .chain(REALISTIC_DEFECT_RULES.iter().copied())
        .chain(platform_rules.iter().map(String::as_str))
        .collect();
    for rule in report["rules"].as_array().unwrap() {
        let id = rule["id"].as_str().unwrap();
        assert!(
            proven.contains(id),
            "{id} is not proven live (add a seeded defect)"
        );
    }
}

#[test]
fn every_rule_fires_on_its_seeded_defect_across_two_accounts() {
    let moto = Moto::start();
    let seed = seed(
        &moto,
        &[
            "--defects",
            "--rule-defects",
            "--two-accounts",
            "--no-counts",
        ],
    );
    assert_eq!(seed["unavailable_defects"], serde_json::json!({}));
    let dir = tempfile::tempdir().unwrap();
    let role = [
        "--standby-role-arn",
        "arn:aws:iam::222222222222:role/drready-read",
        "--external-id",
        "drready-test",
    ];

    let report = scan(&moto, dir.path(), "default", Some(DEFAULT_TOML), &role);
    assert_eq!(report["sites"]["standby"]["account"], "222222222222");
    let got = found(&seed, &report);
    assert_exactly(
        "default, two accounts",
        &seed,
        &got,
        &expected(&seed, &[DEFAULT]),
    );
    let app = defect_app(&seed, "role_policy_drift");
    let m = messages(&seed, &report, "DR-IAM-002", app).join("\n");
    assert!(m.contains("dr-common-read"), "{m}");

    let report = scan(&moto, dir.path(), "strict", Some(STRICT_TOML), &role);
    let got = found(&seed, &report);
    assert_exactly(
        "strict, two accounts",
        &seed,
        &got,
        &expected(&seed, &[DEFAULT, STRICT]),
    );
}
