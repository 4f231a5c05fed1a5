//! drready on the worst day: a fault-injecting proxy (tests/support/proxy.rs) between the real
//! binary's AWS SDK clients and a real moto server throttles, fails, slows down, denies and drops
//! calls. Each test asserts the outcome: results equal to a clean scan, unknowns reported as
//! unknown (never as a pass), the documented exit code, a bounded run time, and messages that say
//! what to fix. docs/reliability.md maps each failure mode to its test here.

mod support;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use serde_json::Value;
use support::moto::Moto;
use support::proxy::{Fault, Outcome, Proxy, Record, Rule, iam_action};

const PRIMARY: &str = "us-east-1";
const STANDBY: &str = "us-west-2";

/// Short timeouts so a fault costs seconds, not minutes. At most 16 calls in flight: moto answers
/// one call at a time, so at the default 64 a call can wait in its queue for longer than the 2 s
/// attempt timeout on a busy CI host (measured: with both cores busy, clean scans at 64 lost
/// calls to that timeout).
const FAST: &str = "[collect]\nattempt_timeout_secs = 2\ncall_timeout_secs = 20\nmax_attempts = 3\n\
                    max_concurrency = 16\n";

/// The default timeouts, for scans that inject no delay.
const STEADY: &str = "[collect]\nmax_concurrency = 16\n";

/// A moto server seeded with a six-application estate with the five known defects.
fn estate() -> (Moto, Value) {
    let moto = Moto::start();
    let seed = moto.seed(&["--apps", "6", "--defects"]);
    (moto, seed)
}

/// Runs the drready binary with test credentials and a clean environment.
fn drready_env(args: &[&str], env: &[(&str, &str)]) -> (i32, String, String) {
    let mut cmd = support::moto::drready_command();
    cmd.args(args).env("COLUMNS", "200");
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("drready runs");
    (
        out.status.code().expect("exit code"),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn drready(args: &[&str]) -> (i32, String, String) {
    drready_env(args, &[])
}

/// Writes a drready.toml for both sites behind `endpoint` with the given extra sections.
fn config(dir: &Path, endpoint: &str, extra: &str) -> PathBuf {
    let path = dir.join("drready.toml");
    std::fs::write(
        &path,
        format!(
            "[primary]\nregion = \"{PRIMARY}\"\nendpoint_url = \"{endpoint}\"\n\n[standby]\n\
             region = \"{STANDBY}\"\nendpoint_url = \"{endpoint}\"\n\n{extra}"
        ),
    )
    .unwrap();
    path
}

fn read_json(path: &Path) -> Value {
    let bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_slice(&bytes).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// One `drready scan` run.
struct Scan {
    code: i32,
    report: Value,
    snapshot: Value,
    /// stdout then stderr.
    out: String,
    elapsed: Duration,
}

/// Scans through `endpoint` with `collect` tuning, writing the JSON report and the snapshot.
fn scan(dir: &Path, name: &str, endpoint: &str, collect: &str, extra: &[&str]) -> Scan {
    let cfg = config(dir, endpoint, collect);
    let report = dir.join(format!("{name}.json"));
    let snapshot = dir.join(format!("{name}-snapshot.json"));
    let report_arg = format!("json={}", report.display());
    let mut args = vec![
        "scan",
        "--config",
        cfg.to_str().unwrap(),
        "--format",
        "table",
        "--format",
        &report_arg,
        "--save-snapshot",
        snapshot.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    let started = Instant::now();
    let (code, stdout, stderr) = drready(&args);
    let elapsed = started.elapsed();
    let out = format!("{stdout}{stderr}");
    assert!(report.exists(), "{name}: no report (exit {code}):\n{out}");
    Scan {
        code,
        report: read_json(&report),
        snapshot: read_json(&snapshot),
        out,
        elapsed,
    }
}

/// A snapshot without what differs between two collections of the same estate: times, the
/// generator and the API call counts (retries and faults change those).
/// A scan through a proxy that injects nothing: the reference result, read completely, and the
/// proxy that recorded its calls.
/// A scan without faults, with the default timeouts, which must read everything.
fn clean_scan(moto: &Moto, dir: &Path) -> (Scan, Proxy) {
    let proxy = Proxy::builder(&moto.endpoint).start();
    let clean = scan(dir, "clean", &proxy.endpoint, STEADY, &[]);
    // A clean scan that is not clean (a call past its attempt timeout on a busy host) would make
    // every comparison below fail for the wrong reason: say so here.
    for site in ["primary", "standby"] {
        let errs = errors(&clean.snapshot, site);
        assert!(
            errs.is_empty(),
            "the clean scan failed to read {site}: {errs:?}\n{}",
            clean.out
        );
    }
    assert_eq!(clean.code, 1, "{}", clean.out);
    (clean, proxy)
}

fn normalized(snapshot: &Value) -> Value {
    let mut s = snapshot.clone();
    let o = s.as_object_mut().unwrap();
    o.remove("collected_at");
    o.remove("generator");
    for site in ["primary", "standby"] {
        let site = o[site].as_object_mut().unwrap();
        site.remove("collected_at");
        site.remove("api_calls");
    }
    s
}

/// A finding as (rule, resource, site, fingerprint).
type FindingKey = (Value, Value, Value, Value);

/// A report's findings as (rule, resource, site, fingerprint), and the scores.
fn verdict(report: &Value) -> (Vec<FindingKey>, Value, Value) {
    let findings = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule_id"].clone(),
                f["resource"].clone(),
                f["site"].clone(),
                f["fingerprint"].clone(),
            )
        })
        .collect();
    (findings, report["score"].clone(), report["rules"].clone())
}

fn errors(snapshot: &Value, site: &str) -> Vec<Value> {
    snapshot[site]["collection_errors"]
        .as_array()
        .unwrap()
        .clone()
}

fn injected(records: &[Record], label: &str) -> usize {
    records
        .iter()
        .filter(|r| r.outcome == Outcome::Injected(label.to_string()))
        .count()
}

#[test]
fn twenty_percent_throttling_gives_the_clean_result() {
    let (moto, _) = estate();
    let dir = tempfile::tempdir().unwrap();

    let (clean, clean_proxy) = clean_scan(&moto, dir.path());

    // 20% of all requests, plus the first attempt of one call per service so that every
    // service's throttling wire format is exercised whatever the dice say.
    let throttled_proxy = Proxy::builder(&moto.endpoint)
        .seed(20)
        .rule(Rule::new(Fault::Throttle).service("sts").first_attempts(1))
        .rule(
            Rule::new(Fault::Throttle)
                .operation("ListInstanceProfiles")
                .first_attempts(1),
        )
        .rule(
            Rule::new(Fault::Throttle)
                .operation("ListHostedZones")
                .first_attempts(1),
        )
        .rule(Rule::new(Fault::Throttle).rate(0.2))
        .start();
    // Faults are independent per attempt here, so a call fails only when all its attempts are
    // throttled: 0.2^8 (3e-6) per call with 8 attempts. Some request bodies hold moto's random
    // ids, so which calls are hit can change between runs; the attempts keep that harmless.
    let collect = "[collect]\nmax_attempts = 8\nmax_concurrency = 16\n";
    let throttled = scan(
        dir.path(),
        "throttled",
        &throttled_proxy.endpoint,
        collect,
        &[],
    );
    let records = throttled_proxy.records();
    let throttles = injected(&records, "throttle");
    eprintln!(
        "clean {:?} ({} calls), throttled {:?} ({} requests, {throttles} throttled)",
        clean.elapsed,
        clean_proxy.records().len(),
        throttled.elapsed,
        records.len()
    );
    // Every service was throttled, in its own wire format, and retried.
    for service in ["ec2", "s3", "iam", "sts", "route53"] {
        assert!(
            records
                .iter()
                .any(|r| r.service == service && r.outcome == Outcome::Injected("throttle".into())),
            "no {service} call was throttled"
        );
    }
    let share = throttles as f64 / records.len() as f64;
    assert!((0.1..0.3).contains(&share), "throttled share {share}");

    assert_eq!(throttled.code, clean.code, "{}", throttled.out);
    assert_eq!(
        normalized(&throttled.snapshot),
        normalized(&clean.snapshot),
        "a throttled scan must read exactly what a clean scan reads"
    );
    assert_eq!(verdict(&throttled.report), verdict(&clean.report));
}

/// Rules that read `service` per `drready policies list --json`.
fn rules_reading(service: &str) -> BTreeSet<String> {
    let (code, stdout, stderr) = drready(&["policies", "list", "--json"]);
    assert_eq!(code, 0, "{stderr}");
    let rules: Value = serde_json::from_str(&stdout).unwrap();
    rules
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["inputs"].as_array().unwrap().iter().any(|i| i == service))
        .map(|r| r["id"].as_str().unwrap().to_string())
        .collect()
}

fn rule_status(report: &Value) -> BTreeMap<String, String> {
    report["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["id"].as_str().unwrap().to_string(),
                r["status"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// The resources of one service in one site of a snapshot.
fn service_inventory(snapshot: &Value, site: &str, service: &str) -> Value {
    snapshot[site][service].clone()
}

#[test]
fn a_service_failing_with_500_is_unknown_and_the_others_complete() {
    let (moto, _) = estate();
    let dir = tempfile::tempdir().unwrap();
    let (clean, _clean_proxy) = clean_scan(&moto, dir.path());

    let proxy = Proxy::builder(&moto.endpoint)
        .rule(Rule::new(Fault::Status(500)).service("s3"))
        .start();
    let broken = scan(dir.path(), "s3-500", &proxy.endpoint, FAST, &[]);
    assert_eq!(
        broken.code, 3,
        "incomplete inventory exits 3:\n{}",
        broken.out
    );
    assert!(
        broken.elapsed < Duration::from_secs(60),
        "{:?}",
        broken.elapsed
    );

    // Each S3 call was retried (3 attempts), then given up.
    let records = proxy.records();
    let s3: Vec<&Record> = records.iter().filter(|r| r.service == "s3").collect();
    assert!(!s3.is_empty());
    assert!(
        s3.iter()
            .all(|r| r.outcome == Outcome::Injected("http500".into()))
    );
    assert_eq!(
        s3.iter().map(|r| r.attempt).max(),
        Some(2),
        "3 attempts per call"
    );

    for site in ["primary", "standby"] {
        let errs = errors(&broken.snapshot, site);
        assert!(!errs.is_empty(), "{site} has the S3 error");
        for e in &errs {
            assert_eq!(e["service"], "s3", "only S3 failed: {e}");
            assert_eq!(e["code"], "InternalError", "{e}");
        }
        // The other services are complete and equal to the clean scan.
        for service in ["ec2", "iam", "route53"] {
            assert_eq!(
                service_inventory(&broken.snapshot, site, service),
                service_inventory(&clean.snapshot, site, service),
                "{site} {service} must be read in full"
            );
        }
        assert_eq!(broken.report["sites"][site]["complete"], false);
    }

    // DR-INV-001 reports S3 of both sites.
    let inv: Vec<&Value> = broken.report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule_id"] == "DR-INV-001")
        .collect();
    assert_eq!(inv.len(), 2, "{inv:?}");
    for f in &inv {
        assert!(
            f["resource"].as_str().unwrap().starts_with("arn:aws:s3:"),
            "{f}"
        );
        assert!(
            f["message"].as_str().unwrap().contains("InternalError"),
            "{f}"
        );
    }

    // No rule that reads S3 passes (or fails) on data that was not read.
    let statuses = rule_status(&broken.report);
    let s3_rules = rules_reading("s3");
    assert!(!s3_rules.is_empty());
    for id in &s3_rules {
        assert_eq!(statuses[id], "unknown", "{id} reads S3");
    }
    // Rules that do not read S3 are judged as in the clean scan.
    let clean_statuses = rule_status(&clean.report);
    for (id, status) in &statuses {
        if !s3_rules.contains(id) && id != "DR-INV-001" {
            assert_eq!(status, &clean_statuses[id], "{id}");
        }
    }
    assert!(broken.report["score"]["overall"].as_f64() < clean.report["score"]["overall"].as_f64());

    // --allow-partial leaves the verdict to the gate: DR-INV-001 is high, so the default gate
    // fails (1); with --fail-on never nothing fails it (0).
    let partial = scan(
        dir.path(),
        "partial",
        &proxy.endpoint,
        FAST,
        &["--allow-partial"],
    );
    assert_eq!(partial.code, 1, "{}", partial.out);
    let lenient = scan(
        dir.path(),
        "lenient",
        &proxy.endpoint,
        FAST,
        &["--allow-partial", "--fail-on", "never"],
    );
    assert_eq!(lenient.code, 0, "{}", lenient.out);
    assert_eq!(rule_status(&lenient.report), statuses);
}

/// The primary region is gone: every call signed for it is refused (reset) or never answered.
fn primary_region_unreachable(fault: Fault, name: &str) {
    let (moto, _) = estate();
    let dir = tempfile::tempdir().unwrap();
    let (clean, _clean_proxy) = clean_scan(&moto, dir.path());

    let proxy = Proxy::builder(&moto.endpoint)
        .rule(Rule::new(fault).region(PRIMARY))
        .start();
    let dead = scan(dir.path(), name, &proxy.endpoint, FAST, &[]);
    let records = proxy.records();
    assert!(
        records
            .iter()
            .filter(|r| r.region == PRIMARY)
            .all(|r| !r.forwarded()),
        "nothing reaches the dead region"
    );
    assert!(
        records.iter().any(|r| r.region == PRIMARY),
        "the primary was tried"
    );
    assert!(
        dead.elapsed < Duration::from_secs(45),
        "the run must end within its timeouts, took {:?}",
        dead.elapsed
    );
    assert_eq!(dead.code, 3, "{}", dead.out);

    // The standby is fully inventoried, exactly as in the clean scan.
    assert!(errors(&dead.snapshot, "standby").is_empty(), "{}", dead.out);
    let mut standby = normalized(&dead.snapshot)["standby"].clone();
    let mut clean_standby = normalized(&clean.snapshot)["standby"].clone();
    standby.as_object_mut().unwrap().remove("collection_errors");
    clean_standby
        .as_object_mut()
        .unwrap()
        .remove("collection_errors");
    // The standby looks up the vCPUs of the primary's instance types too (what a failover would
    // launch there): with the primary unread there are none of those to look up.
    for s in [&mut standby, &mut clean_standby] {
        s["servicequotas"]
            .as_object_mut()
            .unwrap()
            .remove("instance_type_vcpus");
    }
    assert_eq!(standby, clean_standby, "standby must be read in full");

    // The primary is unknown: no account, every service an error, every rule unknown.
    let p = &dead.report["sites"]["primary"];
    assert_eq!(p["account"], "unknown");
    assert_eq!(p["complete"], false);
    let failed: BTreeSet<&str> = p["collection_errors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["service"].as_str().unwrap())
        .collect();
    let every_service: BTreeSet<&str> = drready::vocab::Service::ALL
        .iter()
        .map(|s| s.as_str())
        .collect();
    assert_eq!(failed, every_service);
    for (id, status) in rule_status(&dead.report) {
        if id != "DR-INV-001" {
            assert_ne!(status, "pass", "{id} cannot pass without the primary");
        }
    }
    assert!(dead.out.contains("primary"), "{}", dead.out);
}

#[test]
fn a_primary_region_that_refuses_every_call_leaves_the_standby_fully_read() {
    primary_region_unreachable(Fault::Reset, "refused");
}

#[test]
fn a_primary_region_that_never_answers_ends_within_the_timeouts() {
    primary_region_unreachable(Fault::Hang, "silent");
}

#[test]
fn slow_answers_past_the_attempt_timeout_are_retried_then_reported() {
    let (moto, _) = estate();
    let dir = tempfile::tempdir().unwrap();
    let collect = FAST;
    let (clean, _clean_proxy) = clean_scan(&moto, dir.path());

    // DescribeVolumes is always too slow; DescribeSnapshots only on its first attempt.
    let proxy = Proxy::builder(&moto.endpoint)
        .rule(Rule::new(Fault::Latency(Duration::from_secs(6))).operation("DescribeVolumes"))
        .rule(
            Rule::new(Fault::Latency(Duration::from_secs(6)))
                .operation("DescribeSnapshots")
                .first_attempts(1),
        )
        .start();
    let slow = scan(dir.path(), "slow", &proxy.endpoint, collect, &[]);
    assert!(
        slow.elapsed < Duration::from_secs(30),
        "a slow API must not hang the run: {:?}",
        slow.elapsed
    );
    assert_eq!(slow.code, 3, "{}", slow.out);

    let records = proxy.records();
    for region in [PRIMARY, STANDBY] {
        let attempts = |op: &str| {
            records
                .iter()
                .filter(|r| r.region == region && r.operation == op)
                .count()
        };
        assert_eq!(
            attempts("DescribeVolumes"),
            3,
            "{region}: 3 attempts, then given up"
        );
        assert_eq!(
            attempts("DescribeSnapshots"),
            2,
            "{region}: one retry, then success"
        );
    }
    for site in ["primary", "standby"] {
        let errs = errors(&slow.snapshot, site);
        assert_eq!(errs.len(), 1, "{site}: {errs:?}");
        assert_eq!(errs[0]["api"], "DescribeVolumes");
        assert_eq!(errs[0]["code"], "Timeout");
        // The retried listing is complete.
        assert_eq!(
            slow.snapshot[site]["ec2"]["snapshots"],
            clean.snapshot[site]["ec2"]["snapshots"]
        );
        assert_eq!(slow.snapshot[site]["ec2"]["volumes"], Value::Array(vec![]));
    }
    assert!(
        slow.out.contains("DescribeVolumes") && slow.out.contains("Timeout"),
        "the table names the failed call:\n{}",
        slow.out
    );
}

#[test]
fn access_denied_names_the_missing_iam_action() {
    let (moto, _) = estate();
    let dir = tempfile::tempdir().unwrap();
    let proxy = Proxy::builder(&moto.endpoint)
        .rule(Rule::new(Fault::AccessDenied).operation("GetBucketReplication"))
        .rule(
            Rule::new(Fault::AccessDenied)
                .operation("DescribeSnapshots")
                .region(STANDBY),
        )
        .start();
    let denied = scan(dir.path(), "denied", &proxy.endpoint, FAST, &[]);
    assert_eq!(denied.code, 3, "{}", denied.out);
    // A denial is final: not retried.
    assert!(
        proxy
            .records()
            .iter()
            .filter(|r| r.operation == "GetBucketReplication")
            .all(|r| r.attempt == 0)
    );

    let standby = errors(&denied.snapshot, "standby");
    let snap_err = standby
        .iter()
        .find(|e| e["api"] == "DescribeSnapshots")
        .expect("standby DescribeSnapshots error");
    assert_eq!(snap_err["code"], "UnauthorizedOperation");
    let m = snap_err["message"].as_str().unwrap();
    assert!(
        m.starts_with("missing IAM permission ec2:DescribeSnapshots"),
        "{m}"
    );

    for site in ["primary", "standby"] {
        let repl: Vec<Value> = errors(&denied.snapshot, site)
            .into_iter()
            .filter(|e| e["api"] == "GetBucketReplication")
            .collect();
        assert_eq!(repl.len(), 6, "one per bucket of the {site} site: {repl:?}");
        for e in &repl {
            assert_eq!(e["code"], "AccessDenied");
            assert!(e["resource"].as_str().unwrap().starts_with("arn:aws:s3:::"));
            let m = e["message"].as_str().unwrap();
            assert!(
                m.starts_with("missing IAM permission s3:GetReplicationConfiguration:"),
                "{m}"
            );
            assert!(m.contains("docs/permissions.md"), "{m}");
        }
    }
    // The user sees it in the table, and the S3 rules are unknown, not passed.
    assert!(
        denied.out.contains("s3:GetReplicationConfiguration"),
        "{}",
        denied.out
    );
    let statuses = rule_status(&denied.report);
    for id in rules_reading("s3") {
        assert_eq!(statuses[&id], "unknown", "{id}");
    }
}

/// A finding's (rule, resource, site, fingerprint) and its message, for failure output.
fn finding_line(f: &Value) -> String {
    format!(
        "{} {} [{}]: {}",
        f["rule_id"], f["resource"], f["site"], f["message"]
    )
}

#[test]
fn access_denied_on_one_bucket_leaves_only_that_bucket_unknown() {
    let (moto, seed) = estate();
    let dir = tempfile::tempdir().unwrap();
    // The primary data bucket of the first healthy application.
    let broken: BTreeSet<&str> = seed["defects"]
        .as_object()
        .unwrap()
        .values()
        .map(|v| v.as_str().unwrap())
        .collect();
    let app = seed["apps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| !broken.contains(a["name"].as_str().unwrap()))
        .expect("a healthy application");
    let bucket = app["primary"]["bucket"].as_str().unwrap().to_string();
    let arn = format!("arn:aws:s3:::{bucket}");
    eprintln!("denying GetBucketReplication on {bucket} ({})", app["name"]);

    let (clean, _clean_proxy) = clean_scan(&moto, dir.path());

    let proxy = Proxy::builder(&moto.endpoint)
        .rule(
            Rule::new(Fault::AccessDenied)
                .operation("GetBucketReplication")
                .bucket(&bucket),
        )
        .start();
    let denied = scan(dir.path(), "one-bucket", &proxy.endpoint, FAST, &[]);

    // The proxy denied that bucket's replication, and only it.
    let records = proxy.records();
    let of_bucket =
        |r: &Record| r.target.split(['/', '?']).find(|s| !s.is_empty()) == Some(bucket.as_str());
    let hit: Vec<&Record> = records
        .iter()
        .filter(|r| r.outcome == Outcome::Injected("access-denied".into()))
        .collect();
    assert!(!hit.is_empty(), "the rule never fired");
    for r in &hit {
        assert_eq!(r.operation, "GetBucketReplication", "{r:?}");
        assert!(of_bucket(r), "denied another request: {r:?}");
    }
    assert!(
        records
            .iter()
            .filter(|r| r.operation == "GetBucketReplication")
            .filter(|r| !of_bucket(r))
            .all(Record::forwarded),
        "every other bucket's replication is read"
    );

    // The snapshot holds exactly one collection error: that bucket's replication.
    let errs: Vec<Value> = errors(&denied.snapshot, "primary")
        .into_iter()
        .chain(errors(&denied.snapshot, "standby"))
        .collect();
    assert_eq!(errs.len(), 1, "{errs:?}");
    assert_eq!(errs[0]["api"], "GetBucketReplication", "{errs:?}");
    assert_eq!(errs[0]["resource"], arn.as_str(), "{errs:?}");
    assert_eq!(errs[0]["code"], "AccessDenied", "{errs:?}");

    // Every S3 rule leaves that bucket unknown, saying which permission is missing.
    let s3_rules = rules_reading("s3");
    assert!(!s3_rules.is_empty());
    let mut problems = Vec::new();
    for r in denied.report["rules"].as_array().unwrap() {
        let id = r["id"].as_str().unwrap();
        if !s3_rules.contains(id) {
            continue;
        }
        match r["unknown_resources"][arn.as_str()].as_str() {
            None => problems.push(format!(
                "{id} (status {}): {arn} not in unknown_resources {}",
                r["status"], r["unknown_resources"]
            )),
            Some(why) if !why.contains("s3:GetReplicationConfiguration") => problems.push(format!(
                "{id}: why {why:?} does not name s3:GetReplicationConfiguration"
            )),
            Some(_) => {}
        }
    }
    assert!(
        problems.is_empty(),
        "the denied bucket must be unknown to every S3 rule:\n{}",
        problems.join("\n")
    );

    // Every other finding of the clean scan is still reported, and nothing is said about the
    // unread bucket but DR-INV-001.
    let key = |f: &Value| -> (String, String) {
        (
            f["rule_id"].as_str().unwrap_or_default().to_string(),
            format!("{} {} {}", f["resource"], f["site"], f["fingerprint"]),
        )
    };
    let expected: BTreeMap<(String, String), String> = clean.report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["resource"] != arn.as_str())
        .map(|f| (key(f), finding_line(f)))
        .collect();
    let got: BTreeMap<(String, String), String> = denied.report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule_id"] != "DR-INV-001")
        .map(|f| (key(f), finding_line(f)))
        .collect();
    let missing: Vec<&String> = expected
        .iter()
        .filter(|(k, _)| !got.contains_key(k))
        .map(|(_, l)| l)
        .collect();
    let extra: Vec<&String> = got
        .iter()
        .filter(|(k, _)| !expected.contains_key(k))
        .map(|(_, l)| l)
        .collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "one unreadable bucket must not change the other findings\nmissing:\n{}\nextra:\n{}",
        missing
            .iter()
            .map(|l| l.as_str())
            .collect::<Vec<_>>()
            .join("\n"),
        extra
            .iter()
            .map(|l| l.as_str())
            .collect::<Vec<_>>()
            .join("\n")
    );
    let s3_clean = expected.keys().filter(|k| s3_rules.contains(&k.0)).count();
    assert!(
        s3_clean > 0,
        "the estate's S3 defect is found in the clean scan"
    );

    // Incomplete: exit 3; with --allow-partial the gate decides, and the estate has defects.
    assert_eq!(denied.code, 3, "{}", denied.out);
    assert_eq!(denied.report["gate"]["incomplete"], true);
    let partial = scan(
        dir.path(),
        "one-bucket-partial",
        &proxy.endpoint,
        FAST,
        &["--allow-partial"],
    );
    assert_eq!(partial.code, 1, "{}", partial.out);

    // DR-INV-001 names the bucket and the IAM action.
    let inv: Vec<&Value> = denied.report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule_id"] == "DR-INV-001")
        .collect();
    assert!(
        inv.iter().any(|f| {
            let text = format!("{} {} {}", f["resource"], f["message"], f["related"]);
            text.contains(&bucket) && text.contains("s3:GetReplicationConfiguration")
        }),
        "DR-INV-001 must name {bucket} and s3:GetReplicationConfiguration: {inv:?}"
    );
}

/// The least-privilege policy of docs/permissions.md: its `Action` list.
fn documented_actions() -> BTreeSet<String> {
    let doc =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/permissions.md"))
            .unwrap();
    let start = doc.find("```json\n").expect("a ```json block") + "```json\n".len();
    let end = start + doc[start..].find("```").expect("end of the json block");
    let policy: Value = serde_json::from_str(&doc[start..end]).expect("policy JSON");
    policy["Statement"][0]["Action"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a.as_str().unwrap().to_string())
        .collect()
}

fn assert_reads_only(records: &[Record]) {
    for r in records {
        let read = ["Describe", "List", "Get"]
            .iter()
            .any(|p| r.operation.starts_with(p))
            || (r.service == "sts" && r.operation == "AssumeRole");
        assert!(
            read,
            "{} {} {} is not a read ({} {})",
            r.region, r.service, r.operation, r.method, r.target
        );
    }
}

#[test]
fn a_full_scan_only_reads_and_needs_exactly_the_documented_policy() {
    let moto = Moto::start();
    let dir = tempfile::tempdir().unwrap();
    let documented = documented_actions();

    // With the platform services seeded, so that every per-resource read (DescribeTable,
    // DescribeKey, DescribeListeners, DescribeCertificate, ...) is made.
    for (estate, extra) in [
        (vec!["--apps", "6", "--defects", "--platform"], vec![]),
        (
            vec!["--apps", "3", "--defects", "--platform", "--two-accounts"],
            vec![
                "--standby-role-arn",
                "arn:aws:iam::222222222222:role/drready-read",
                "--external-id",
                "drready-test",
            ],
        ),
    ] {
        moto.seed(&estate);
        let proxy = Proxy::builder(&moto.endpoint).start();
        let run = scan(dir.path(), "readonly", &proxy.endpoint, FAST, &extra);
        assert!(run.code == 1, "{}", run.out);
        assert!(errors(&run.snapshot, "primary").is_empty(), "{}", run.out);
        assert!(errors(&run.snapshot, "standby").is_empty(), "{}", run.out);
        let records = proxy.records();
        assert!(records.iter().all(Record::forwarded));
        assert_reads_only(&records);

        let used: BTreeSet<String> = records
            .iter()
            .map(|r| iam_action(&r.service, &r.operation))
            .collect();
        let mut expected = documented.clone();
        if !extra.is_empty() {
            // The standby's role is assumed; the role's trust policy grants that, not this one.
            expected.insert("sts:AssumeRole".into());
        }
        assert_eq!(
            used, expected,
            "the calls of a full scan and docs/permissions.md differ"
        );
    }
}

const ACCESS_KEY: &str = "AKIAFAULTPROXYTEST01";
const SECRET_KEY: &str = "fAuLtPr0xySecretKey/ShouldNeverLeak+0001";
const SESSION_TOKEN: &str = "FwoGZXIvYXdzEFaultProxySessionToken//ShouldNeverLeak0001==";

/// Every file under `dir`, recursively.
fn files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(files(&p));
        } else {
            out.push(p);
        }
    }
    out
}

fn assert_no_secret(what: &str, text: &str) {
    for secret in [
        ACCESS_KEY,
        SECRET_KEY,
        SESSION_TOKEN,
        "Signature=",
        "Credential=",
        "X-Amz-Security-Token",
        "x-amz-security-token",
        "AWS4-HMAC-SHA256",
    ] {
        assert!(
            !text.contains(secret),
            "{what} contains `{secret}`:\n{text}"
        );
    }
    // Part of a secret is a leak too.
    for secret in [SECRET_KEY, SESSION_TOKEN] {
        assert!(
            !text.contains(&secret[..16]),
            "{what} contains part of a secret"
        );
    }
}

#[test]
fn no_output_format_or_log_level_shows_credentials() {
    let (moto, _) = estate();
    let dir = tempfile::tempdir().unwrap();
    // Error paths too: a denial, a reset, and an answer that echoes the signed request's headers
    // (AWS's SignatureDoesNotMatch does: the canonical request holds the session token).
    let proxy = Proxy::builder(&moto.endpoint)
        .rule(Rule::new(Fault::EchoSignatureMismatch).operation("GetBucketTagging"))
        .rule(Rule::new(Fault::EchoSignatureMismatch).operation("ListHealthChecks"))
        .rule(Rule::new(Fault::AccessDenied).operation("DescribeVolumes"))
        .rule(
            Rule::new(Fault::Reset)
                .operation("DescribeVpcs")
                .region(STANDBY),
        )
        .start();
    let cfg = config(dir.path(), &proxy.endpoint, FAST);
    let out_dir = dir.path().join("out");
    std::fs::create_dir(&out_dir).unwrap();
    let o = |f: &str| out_dir.join(f).display().to_string();
    let creds = [
        ("AWS_ACCESS_KEY_ID", ACCESS_KEY),
        ("AWS_SECRET_ACCESS_KEY", SECRET_KEY),
        ("AWS_SESSION_TOKEN", SESSION_TOKEN),
    ];
    let runs: [(&str, Vec<(&str, &str)>); 3] = [
        ("-vvv", vec![]),
        ("-vvv", vec![("DRREADY_LOG", "trace")]),
        ("-q", vec![]),
    ];
    for (i, (verbosity, log)) in runs.iter().enumerate() {
        let env: Vec<(&str, &str)> = creds.iter().copied().chain(log.iter().copied()).collect();
        let (json, sarif, md, junit, snap) = (
            format!("json={}", o(&format!("r{i}.json"))),
            format!("sarif={}", o(&format!("r{i}.sarif"))),
            format!("markdown={}", o(&format!("r{i}.md"))),
            format!("junit={}", o(&format!("r{i}.xml"))),
            o(&format!("s{i}.json")),
        );
        let (code, stdout, stderr) = drready_env(
            &[
                "scan",
                verbosity,
                "--config",
                cfg.to_str().unwrap(),
                "--format",
                "table",
                "--format",
                &json,
                "--format",
                &sarif,
                "--format",
                &md,
                "--format",
                &junit,
                "--save-snapshot",
                &snap,
                "--redact-tags",
                "purpose,replicate",
            ],
            &env,
        );
        assert_eq!(code, 3, "{stderr}");
        assert_no_secret("stdout", &stdout);
        assert_no_secret("stderr", &stderr);
        if *verbosity == "-vvv" {
            assert!(
                stderr.contains("TRACE") || stderr.contains("DEBUG"),
                "{stderr}"
            );
        }
    }
    // The secrets were really there to leak: every signed request carried the session token,
    // and the echoed errors were recorded.
    let records = proxy.records();
    assert!(records.iter().all(|r| r.security_token), "token sent");
    assert!(injected(&records, "signature-mismatch") > 0);

    let written = files(&out_dir);
    assert_eq!(
        written.len(),
        15,
        "5 files per run, no temp files: {written:?}"
    );
    for f in &written {
        let text = String::from_utf8_lossy(&std::fs::read(f).unwrap()).into_owned();
        assert_no_secret(&f.display().to_string(), &text);
    }
    let snapshot = read_json(&out_dir.join("s0.json"));
    let messages: Vec<String> = errors(&snapshot, "primary")
        .iter()
        .map(|e| e["code"].as_str().unwrap().to_string())
        .collect();
    assert!(
        messages.iter().any(|c| c == "SignatureDoesNotMatch"),
        "{messages:?}"
    );

    // The reset connection was retried, then recorded as a transport failure.
    let vpcs: Vec<Value> = errors(&snapshot, "standby")
        .into_iter()
        .filter(|e| e["api"] == "DescribeVpcs")
        .collect();
    assert_eq!(vpcs.len(), 1, "{vpcs:?}");
    assert_eq!(vpcs[0]["code"], "DispatchFailure");
    assert!(
        records
            .iter()
            .filter(|r| r.operation == "DescribeVpcs" && r.region == STANDBY)
            .count()
            >= 3,
        "retried in each run"
    );

    // --redact-tags: the saved snapshot holds `[redacted]` where the seed put the values (a
    // role's `purpose` tag, a replication rule's `replicate` tag filter).
    let role = snapshot["primary"]["iam"]["roles"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == "dr-s3-replication")
        .expect("the replication role");
    assert_eq!(role["tags"]["purpose"], "[redacted]", "{role}");
    let mut filters = Vec::new();
    for b in snapshot["primary"]["s3"]["buckets"].as_array().unwrap() {
        for r in b["replication"]["rules"].as_array().into_iter().flatten() {
            if let Some(v) = r["filter_tags"].get("replicate") {
                filters.push(v.clone());
            }
        }
    }
    assert!(!filters.is_empty(), "a tag-filtered replication rule");
    assert!(filters.iter().all(|v| v == "[redacted]"), "{filters:?}");
    for f in &written {
        let text = std::fs::read_to_string(f).unwrap();
        assert!(!text.contains("\"s3-replication\""), "{}", f.display());
    }
}

#[test]
fn a_missing_output_directory_fails_before_any_aws_call() {
    // Nothing listens upstream: any call that got through would be recorded, then fail.
    let proxy = Proxy::builder(&format!("http://127.0.0.1:{}", support::moto::free_port())).start();
    let dir = tempfile::tempdir().unwrap();
    let cfg = config(dir.path(), &proxy.endpoint, FAST);
    let missing = dir.path().join("no-such-dir");
    let cases: [Vec<String>; 4] = [
        vec![
            "scan".into(),
            "--format".into(),
            format!("json={}/r.json", missing.display()),
        ],
        vec![
            "scan".into(),
            "--format".into(),
            format!("sarif={}/r.sarif", missing.display()),
        ],
        vec![
            "scan".into(),
            "--save-snapshot".into(),
            format!("{}/s.json", missing.display()),
        ],
        vec![
            "snapshot".into(),
            "-o".into(),
            format!("{}/s.json", missing.display()),
        ],
    ];
    for case in cases {
        let mut args: Vec<&str> = case.iter().map(String::as_str).collect();
        args.extend(["--config", cfg.to_str().unwrap()]);
        let (code, _, stderr) = drready(&args);
        assert_eq!(code, 2, "{args:?}: {stderr}");
        assert!(
            stderr.contains(&format!("directory {} does not exist", missing.display())),
            "{args:?}: {stderr}"
        );
        assert!(proxy.records().is_empty(), "{args:?} called AWS first");
    }
    assert!(!missing.exists());
    assert_eq!(
        files(dir.path()).len(),
        1,
        "only the config: nothing half-written"
    );
}
