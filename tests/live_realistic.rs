//! `drready scan` against the realistic estate (`scripts/seed_moto.py --realistic`, see
//! `scripts/seed_realistic.py`) in a real moto server: what real AWS accounts contain must raise
//! no false alarm, and the launch and failover breakers real estates have must all be found.
//!
//! The seed's summary lists every healthy trap (`healthy_traps`: messy but correct constructs),
//! the healthy applications (`healthy_apps`, with their resources under `apps`) and every planted
//! defect (`defects`, one application each, with the ARN a finding should name). Each test checks
//! all of it and fails once, listing every problem: each false alarm (rule, resource, message),
//! each missed defect with every finding of its application, each service bucket judged as data.
//!
//! ARNs are compared exactly, after one normalisation: an AMI's ARN has no account
//! (`arn:aws:ec2:REGION::image/ami-...`, as AWS writes it and drready reports it) while the seed
//! writes the owner's account into it; both forms are accepted for images.

mod support;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::time::Instant;

use serde_json::Value;
use support::moto::{Moto, drready};

const PRIMARY: &str = "us-east-1";
const STANDBY: &str = "us-west-2";

/// The rules (and whose ARN they must name) each planted defect kind must trigger.
enum Expect {
    /// This rule on the defect's `resource_arn`.
    OnResource(&'static str),
    /// DR-EC2-007 on the standby template (`resource_arn`), or DR-EC2-001 on the primary AMI the
    /// failed copy was made from (the application's `primary.image_arn`; the summary's `related`
    /// names only the failed standby copy).
    FailedAmiCopy,
}

fn expected(defect: &str) -> Expect {
    match defect {
        "key_pair_missing_in_standby" => Expect::OnResource("DR-EC2-008"),
        "kms_key_other_region" => Expect::OnResource("DR-EC2-009"),
        "security_group_subnet_vpc_mismatch" => Expect::OnResource("DR-NET-003"),
        // Both variants (role_absent, trust_excludes_s3): on the primary bucket.
        "replication_role_missing" => Expect::OnResource("DR-S3-008"),
        // On the SECONDARY record.
        "shared_health_check" => Expect::OnResource("DR-DNS-006"),
        // On the PRIMARY record.
        "calculated_health_check_ineffective" | "metric_health_check_healthy_on_no_data" => {
            Expect::OnResource("DR-DNS-007")
        }
        "failed_ami_copy" => Expect::FailedAmiCopy,
        other => panic!("the seed planted a defect this test does not know: {other}"),
    }
}

/// An image ARN without its account (`arn:aws:ec2:R:ACCOUNT:image/ami-x` -> `arn:aws:ec2:R::image/ami-x`).
fn accountless_image(arn: &str) -> Option<String> {
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    (parts.len() == 6 && parts[2] == "ec2" && parts[5].starts_with("image/")).then(|| {
        format!(
            "{}:{}:{}:{}::{}",
            parts[0], parts[1], parts[2], parts[3], parts[5]
        )
    })
}

/// The ARN as the seed wrote it and, for images, its account-less form.
fn arn_forms(arn: &str) -> Vec<String> {
    let mut forms = vec![arn.to_string()];
    forms.extend(accountless_image(arn));
    forms
}

fn s(v: &Value) -> &str {
    v.as_str().unwrap_or_default()
}

fn severe(f: &Value) -> bool {
    matches!(s(&f["severity"]), "high" | "critical")
}

fn line(f: &Value) -> String {
    format!(
        "  {} [{}] {} ({}): {}",
        s(&f["rule_id"]),
        s(&f["severity"]),
        s(&f["resource"]),
        s(&f["site"]),
        s(&f["message"])
    )
}

/// Every ARN and id of one application in the seed summary: its resources in both sites, its DNS
/// records and health checks, its IAM role and instance profiles.
fn app_resources(summary: &Value, app: &Value) -> BTreeSet<String> {
    let name = s(&app["name"]);
    let mut arns = BTreeSet::new();
    for site in ["primary", "standby"] {
        let account = s(&summary[site]["account"]);
        let region = s(&summary[site]["region"]);
        let token = s(&summary[site]["token"]);
        let ec2 = |kind: &str, id: &str| format!("arn:aws:ec2:{region}:{account}:{kind}/{id}");
        let r = &app[site];
        for key in [
            "image_arn",
            "instance_arn",
            "launch_template_arn",
            "replication_role",
        ] {
            if let Some(arn) = r[key].as_str() {
                arns.extend(arn_forms(arn));
            }
        }
        for (key, kind) in [
            ("instance", "instance"),
            ("launch_template", "launch-template"),
            ("subnet", "subnet"),
            ("volume", "volume"),
            ("snapshot", "snapshot"),
        ] {
            if let Some(id) = r[key].as_str() {
                arns.insert(ec2(kind, id));
            }
        }
        for group in r["security_groups"].as_array().into_iter().flatten() {
            arns.insert(ec2("security-group", s(group)));
        }
        if let Some(bucket) = r["bucket"].as_str() {
            arns.insert(format!("arn:aws:s3:::{bucket}"));
        }
        arns.insert(format!("arn:aws:iam::{account}:role/{name}-web"));
        arns.insert(format!(
            "arn:aws:iam::{account}:instance-profile/{name}-web-{token}"
        ));
    }
    let dns = &app["dns"];
    for key in ["primary_record_arn", "secondary_record_arn"] {
        if let Some(arn) = dns[key].as_str() {
            arns.insert(arn.to_string());
        }
    }
    for key in ["primary_health_check", "secondary_health_check"] {
        if let Some(id) = dns[key].as_str() {
            arns.insert(format!("arn:aws:route53:::healthcheck/{id}"));
        }
    }
    arns
}

/// The resources of one application that no other application uses (the shared network,
/// replication role and the like are left out).
fn own_resources(summary: &Value, name: &str) -> BTreeSet<String> {
    let mut own = BTreeSet::new();
    let mut others = BTreeSet::new();
    for app in summary["apps"].as_array().unwrap() {
        let arns = app_resources(summary, app);
        if app["name"] == name {
            own = arns;
        } else {
            others.extend(arns);
        }
    }
    own.retain(|a| !others.contains(a));
    own
}

/// Whether a finding concerns an application: by its resource, or by the application's name
/// (`appNN` not followed by a digit) or one of its own ARNs in its message or related resources.
fn concerns(f: &Value, name: &str, arns: &BTreeSet<String>) -> bool {
    if arns.contains(s(&f["resource"])) {
        return true;
    }
    let text = format!("{} {} {}", f["resource"], f["message"], f["related"]);
    let named = text.match_indices(name).any(|(at, _)| {
        !text[at + name.len()..]
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_digit())
    });
    named || arns.iter().any(|a| text.contains(a.as_str()))
}

/// Seeds the realistic estate, scans it through the binary and returns (summary, report).
fn seed_and_scan(moto: &Moto, dir: &Path, two_accounts: bool) -> (Value, Value, i32, String) {
    let started = Instant::now();
    let mut seed_args = vec!["--realistic"];
    if two_accounts {
        seed_args.push("--two-accounts");
    }
    let summary = moto.seed(&seed_args);
    eprintln!("seeded the realistic estate in {:?}", started.elapsed());
    assert_eq!(summary["estate"], "realistic");
    assert_eq!(summary["two_accounts"], two_accounts);

    let report = dir.join("realistic.json");
    let report_arg = format!("json={}", report.display());
    let mut args = vec![
        "scan",
        "--primary-region",
        PRIMARY,
        "--standby-region",
        STANDBY,
        "--endpoint-url",
        &moto.endpoint,
        "--format",
        &report_arg,
        "--allow-partial",
    ];
    if two_accounts {
        args.extend([
            "--standby-role-arn",
            "arn:aws:iam::222222222222:role/drready-read",
            "--external-id",
            "drready-test",
        ]);
    }
    let started = Instant::now();
    let (code, stdout, stderr) = drready(&args);
    eprintln!("scanned in {:?} (exit {code})", started.elapsed());
    let out = format!("{stdout}{stderr}");
    assert!(report.exists(), "no report (exit {code}):\n{out}");
    let report: Value =
        serde_json::from_slice(&std::fs::read(&report).unwrap()).expect("the report is JSON");
    (summary, report, code, out)
}

/// Every check on one scan of the realistic estate; panics once with every problem found.
fn assert_realistic(summary: &Value, report: &Value, code: i32, out: &str) {
    let findings = report["findings"].as_array().expect("findings[]");
    let apps: BTreeMap<&str, &Value> = summary["apps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| (s(&a["name"]), a))
        .collect();
    let mut problems: Vec<String> = Vec::new();

    // The scan read everything: with --allow-partial an unread service would silently make
    // rules unknown, and an unknown rule raises no false alarm and finds no defect.
    for site in ["primary", "standby"] {
        let errors = &report["sites"][site]["collection_errors"];
        if errors.as_array().is_none_or(|e| !e.is_empty()) {
            problems.push(format!("the {site} site was not read completely: {errors}"));
        }
    }
    if report["gate"]["incomplete"] != false {
        problems.push(format!("the gate says incomplete: {}", report["gate"]));
    }
    if code != 1 {
        problems.push(format!(
            "exit code {code}: the planted defects must fail the gate (1)\n{out}"
        ));
    }

    // 1. No high or critical finding on a healthy trap.
    let mut trap_arns: BTreeMap<String, String> = BTreeMap::new();
    for t in summary["healthy_traps"].as_array().unwrap() {
        let label = format!(
            "trap {} {}({}): {}",
            s(&t["construct"]),
            t["app"]
                .as_str()
                .map(|a| format!("{a} "))
                .unwrap_or_default(),
            s(&t["site"]),
            s(&t["detail"])
        );
        for form in arn_forms(s(&t["arn"])) {
            trap_arns.insert(form, label.clone());
        }
    }
    let on_traps: Vec<String> = findings
        .iter()
        .filter(|f| severe(f))
        .filter_map(|f| {
            trap_arns
                .get(s(&f["resource"]))
                .map(|t| format!("{}\n      on {t}", line(f)))
        })
        .collect();
    if !on_traps.is_empty() {
        problems.push(format!(
            "{} high/critical finding(s) on healthy traps:\n{}",
            on_traps.len(),
            on_traps.join("\n")
        ));
    }

    // 2. No high or critical finding on a resource of a healthy application.
    let healthy: Vec<&str> = summary["healthy_apps"]
        .as_array()
        .unwrap()
        .iter()
        .map(s)
        .collect();
    assert!(!healthy.is_empty(), "the summary lists no healthy app");
    let mut owner: BTreeMap<String, Vec<&str>> = BTreeMap::new();
    for name in &healthy {
        let app = apps
            .get(name)
            .unwrap_or_else(|| panic!("healthy app {name} is not in apps[]"));
        assert_eq!(app["healthy"], true, "{name}");
        for arn in app_resources(summary, app) {
            owner.entry(arn).or_default().push(name);
        }
    }
    let on_healthy: Vec<String> = findings
        .iter()
        .filter(|f| severe(f))
        .filter_map(|f| {
            owner.get(s(&f["resource"])).map(|apps| {
                format!(
                    "{}\n      a resource of healthy {}",
                    line(f),
                    apps.join(", ")
                )
            })
        })
        .collect();
    if !on_healthy.is_empty() {
        problems.push(format!(
            "{} high/critical finding(s) on resources of healthy applications:\n{}",
            on_healthy.len(),
            on_healthy.join("\n")
        ));
    }

    // 3. Every planted defect is found by its rule on the resource it breaks.
    let defects = summary["defects"].as_array().unwrap();
    assert!(!defects.is_empty(), "the summary lists no defect");
    let has = |rule: &str, arns: &[String]| {
        findings
            .iter()
            .any(|f| f["rule_id"] == rule && arns.iter().any(|a| a == s(&f["resource"])))
    };
    for d in defects {
        let kind = s(&d["defect"]);
        let name = s(&d["app"]);
        let app = apps[name];
        let resource = s(&d["resource_arn"]);
        let (found, wanted) = match expected(kind) {
            Expect::OnResource(rule) => (
                has(rule, &arn_forms(resource)),
                format!("{rule} on {resource}"),
            ),
            Expect::FailedAmiCopy => {
                let image = s(&app["primary"]["image_arn"]);
                (
                    has("DR-EC2-007", &arn_forms(resource)) || has("DR-EC2-001", &arn_forms(image)),
                    format!("DR-EC2-007 on {resource} or DR-EC2-001 on {image}"),
                )
            }
        };
        if !found {
            let arns = own_resources(summary, name);
            let of_app: Vec<String> = findings
                .iter()
                .filter(|f| concerns(f, name, &arns))
                .map(line)
                .collect();
            problems.push(format!(
                "defect {kind}{} on {name} not found: expected {wanted}\n    planted: {}\n    \
                 related: {}\n    findings of {name} ({}):\n{}",
                d["variant"]
                    .as_str()
                    .map(|v| format!(" ({v})"))
                    .unwrap_or_default(),
                s(&d["detail"]),
                d["related"],
                of_app.len(),
                if of_app.is_empty() {
                    "  (none)".to_string()
                } else {
                    of_app.join("\n")
                }
            ));
        }
    }

    // 4. The service and tooling buckets are reported as not DR data, with a reason, and are
    //    not judged; the applications' data buckets are judged.
    let not_dr: BTreeMap<&str, &Value> = report["not_dr_data"]
        .as_array()
        .expect("not_dr_data[]")
        .iter()
        .map(|n| (s(&n["arn"]), n))
        .collect();
    let service_buckets: Vec<&Value> = summary["healthy_traps"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|t| s(&t["arn"]).starts_with("arn:aws:s3:::"))
        .collect();
    let listed: BTreeSet<String> = summary["service_buckets"]
        .as_object()
        .unwrap()
        .iter()
        .filter(|(k, _)| *k != "log_archive") // in a third region: in neither site
        .map(|(_, v)| format!("arn:aws:s3:::{}", s(v)))
        .collect();
    let trapped: BTreeSet<String> = service_buckets
        .iter()
        .map(|t| s(&t["arn"]).to_string())
        .collect();
    assert_eq!(
        trapped, listed,
        "the summary's service_buckets and bucket traps differ"
    );
    for t in &service_buckets {
        let arn = s(&t["arn"]);
        let what = format!("{} {arn} ({})", s(&t["construct"]), s(&t["site"]));
        match not_dr.get(arn) {
            None => problems.push(format!("service bucket {what} is not in not_dr_data[]")),
            Some(n) => {
                if s(&n["reason"]).trim().is_empty() {
                    problems.push(format!("not_dr_data[] gives no reason for {what}: {n}"));
                }
                if n["site"] != t["site"] || n["kind"] != "bucket" {
                    problems.push(format!(
                        "not_dr_data[] has the wrong site or kind for {what}: {n}"
                    ));
                }
            }
        }
        let judged: Vec<String> = findings
            .iter()
            .filter(|f| f["resource"] == arn)
            .map(line)
            .collect();
        if !judged.is_empty() {
            problems.push(format!(
                "service bucket {what} is judged as DR data:\n{}",
                judged.join("\n")
            ));
        }
    }
    for app in apps.values() {
        for site in ["primary", "standby"] {
            if let Some(bucket) = app[site]["bucket"].as_str() {
                let arn = format!("arn:aws:s3:::{bucket}");
                if let Some(n) = not_dr.get(arn.as_str()) {
                    problems.push(format!(
                        "the {site} data bucket of {} is set aside as not DR data: {n}",
                        s(&app["name"])
                    ));
                }
            }
        }
    }

    // Workload verdicts agree: every healthy application can fail over, every application with
    // a planted defect cannot.
    let verdict_of = |name: &str| -> Option<String> {
        report["workloads"]["workloads"]
            .as_array()?
            .iter()
            .find(|w| w["name"] == name)
            .map(|w| s(&w["verdict"]).to_string())
    };
    for name in summary["healthy_apps"].as_array().unwrap() {
        let name = s(name);
        if verdict_of(name).as_deref() != Some("ready") {
            problems.push(format!(
                "healthy workload {name} is {:?}, not ready",
                verdict_of(name)
            ));
        }
    }
    for d in summary["defects"].as_array().unwrap() {
        let name = s(&d["app"]);
        if verdict_of(name).as_deref() != Some("not_ready") {
            problems.push(format!(
                "workload {name} with the planted {} is {:?}, not not_ready",
                s(&d["defect"]),
                verdict_of(name)
            ));
        }
    }

    if !problems.is_empty() {
        let all: Vec<String> = findings.iter().map(line).collect();
        panic!(
            "{} problem(s) with the realistic estate ({} findings):\n\n{}\n\nall findings:\n{}",
            problems.len(),
            findings.len(),
            problems.join("\n\n"),
            all.join("\n")
        );
    }
}

#[test]
fn the_realistic_estate_in_one_account() {
    let started = Instant::now();
    let moto = Moto::start();
    let dir = tempfile::tempdir().unwrap();
    let (summary, report, code, out) = seed_and_scan(&moto, dir.path(), false);
    assert_eq!(
        summary["primary"]["account"], summary["standby"]["account"],
        "one account"
    );
    assert_realistic(&summary, &report, code, &out);
    eprintln!("done in {:?}", started.elapsed());
}

#[test]
fn the_realistic_estate_across_two_accounts() {
    let started = Instant::now();
    let moto = Moto::start();
    let dir = tempfile::tempdir().unwrap();
    let (summary, report, code, out) = seed_and_scan(&moto, dir.path(), true);
    assert_eq!(summary["standby"]["account"], "222222222222");
    assert_ne!(summary["primary"]["account"], "222222222222");
    assert_eq!(
        report["sites"]["standby"]["account"], "222222222222",
        "{out}"
    );
    assert_realistic(&summary, &report, code, &out);
    eprintln!("done in {:?}", started.elapsed());
}
