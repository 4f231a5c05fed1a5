//! `drready runbook`: goldens of every fixture (Markdown and JSON), blockers at the steps they
//! block, every command a well-formed AWS CLI command naming what exists in the snapshot, the
//! ARC Region switch template through `cfn-lint`, and — live — the pre-flight checks run against
//! a moto estate.
//!
//! The pre-flight commands run through boto3, not the AWS CLI: each parsed command is turned into
//! the same API call with botocore's own service model (the operation and every flag must exist
//! there, or the test fails), so no second, separately pinned botocore (awscli's) has to agree
//! with moto's in the test virtualenv.

mod common;
mod support;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use common::{root, run, snapshot};
use serde_json::{Value, json};

const FIXTURES: &[&str] = &["healthy", "example", "partial"];

fn runbook_json(path: &Path, extra: &[&str]) -> (i32, Value) {
    let mut args = vec!["runbook", path.to_str().unwrap(), "--format", "json"];
    args.extend_from_slice(extra);
    let (code, out, err) = run(&args);
    let v = serde_json::from_str(&out).unwrap_or_else(|e| panic!("runbook JSON: {e}\n{err}"));
    (code, v)
}

fn report_json(path: &Path) -> Value {
    common::report_json(path, &[]).1
}

fn markdown(name: &str) -> String {
    let (_, out, err) = run(&["runbook", snapshot(name).to_str().unwrap()]);
    assert!(!out.is_empty(), "no Markdown: {err}");
    out
}

#[test]
fn markdown_healthy() {
    insta::assert_snapshot!(markdown("healthy"));
}

#[test]
fn markdown_example() {
    insta::assert_snapshot!(markdown("example"));
}

#[test]
fn markdown_partial() {
    insta::assert_snapshot!(markdown("partial"));
}

#[test]
fn json_healthy() {
    insta::assert_json_snapshot!(runbook_json(&snapshot("healthy"), &[]).1);
}

#[test]
fn json_example() {
    insta::assert_json_snapshot!(runbook_json(&snapshot("example"), &[]).1);
}

#[test]
fn json_partial() {
    insta::assert_json_snapshot!(runbook_json(&snapshot("partial"), &[]).1);
}

#[test]
fn same_snapshot_same_bytes() {
    for name in FIXTURES {
        for format in ["markdown", "json", "region-switch"] {
            let path = snapshot(name);
            let args = ["runbook", path.to_str().unwrap(), "--format", format];
            let a = run(&args).1;
            let b = run(&args).1;
            assert!(!a.is_empty(), "{name} {format}: empty");
            assert_eq!(a, b, "{name} {format}: two runs differ");
        }
    }
}

#[test]
fn exit_codes() {
    let code = |name: &str, extra: &[&str]| {
        let path = snapshot(name);
        let mut args = vec!["runbook", path.to_str().unwrap(), "--format", "json"];
        args.extend_from_slice(extra);
        run(&args).0
    };
    assert_eq!(code("healthy", &[]), 0, "every workload ready");
    assert_eq!(code("example", &[]), 1, "a workload is not ready");
    assert_eq!(code("partial", &[]), 3, "inventory incomplete");
    // Unknown is never ready.
    assert_eq!(code("partial", &["--allow-partial"]), 1);
    assert_eq!(
        code("example", &["--fail-on", "never"]),
        0,
        "nothing blocks"
    );
}

#[test]
fn workload_narrows_and_unknown_names_are_usage_errors() {
    let (code, rb) = runbook_json(&snapshot("healthy"), &["--workload", "web"]);
    assert_eq!(code, 0);
    let names: Vec<&str> = rb["workloads"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| w["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["web"]);
    let path = snapshot("healthy");
    let (code, out, err) = run(&["runbook", path.to_str().unwrap(), "--workload", "nope"]);
    assert_eq!(code, 2, "{err}");
    assert!(out.is_empty());
    assert!(
        err.contains("nope") && err.contains("api, web, worker"),
        "names the workloads: {err}"
    );
    let (code, _, err) = run(&["runbook", path.to_str().unwrap(), "--format", "table"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("markdown, json, region-switch"), "{err}");
}

#[test]
fn runbook_json_matches_the_committed_schema() {
    let (code, generated, _) = run(&["schema", "runbook"]);
    assert_eq!(code, 0);
    let committed = std::fs::read_to_string(root().join("docs/runbook.schema.json")).unwrap();
    assert_eq!(
        generated, committed,
        "docs/runbook.schema.json is out of date: run `cargo run -- schema runbook > \
         docs/runbook.schema.json`"
    );
    let schema: Value = serde_json::from_str(&committed).unwrap();
    let v = jsonschema::validator_for(&schema).expect("a valid JSON Schema");
    for path in all_snapshots().iter().map(|(_, p)| p) {
        let rb = runbook_json(path, &[]).1;
        let errors: Vec<String> = v.iter_errors(&rb).map(|e| e.to_string()).collect();
        assert!(errors.is_empty(), "{}: {errors:?}", path.display());
    }
}

/// The estimate table of docs/runbook.md is the one the code uses.
#[test]
fn documented_estimates_are_the_code_s() {
    let doc = std::fs::read_to_string(root().join("docs/runbook.md")).unwrap();
    let rows: BTreeMap<String, String> = doc
        .lines()
        .filter(|l| l.starts_with("| `"))
        .filter_map(|l| {
            let cells: Vec<&str> = l.split('|').map(str::trim).collect();
            Some((
                cells.get(1)?.trim_matches('`').to_string(),
                cells.get(3)?.to_string(),
            ))
        })
        .collect();
    for row in drready::runbook::ESTIMATES {
        let documented = rows
            .get(row.key)
            .unwrap_or_else(|| panic!("docs/runbook.md has no row for `{}`", row.key));
        assert_eq!(
            *documented,
            format!("{} min", row.seconds / 60),
            "estimate of `{}`",
            row.key
        );
    }
    assert_eq!(rows.len(), drready::runbook::ESTIMATES.len(), "{rows:?}");
}

// ---------------------------------------------------------------------------------------------
// A snapshot with the platform services: the healthy estate plus, for `api`, an RDS read
// replica, an Aurora global database, an Auto Scaling group, a load balancer, a DynamoDB global
// table, a replicated secret and the EC2 quota — so every kind of step is built (the fixtures
// gain these services as their collectors land).
// ---------------------------------------------------------------------------------------------

const UUID_P: &str = "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0";
const UUID_S: &str = "1a2b3c4d-5e6f-7081-92a3-b4c5d6e7f809";

fn platform_snapshot() -> (tempfile::TempDir, PathBuf) {
    let text = std::fs::read_to_string(snapshot("healthy")).unwrap();
    let mut s: Value = serde_json::from_str(&text).unwrap();
    let (pa, sa) = ("111111111111", "222222222222");
    let (pr, sr) = ("us-east-1", "us-west-2");
    let tags = |name: &str, pair: &str| json!({"Name": name, "app": "api", "dr:pair": pair});
    let global_arn = format!("arn:aws:rds::{pa}:global-cluster:prod-api-global");
    let pc_arn = format!("arn:aws:rds:{pr}:{pa}:cluster:prod-use1-api-aurora");
    let sc_arn = format!("arn:aws:rds:{sr}:{sa}:cluster:prod-usw2-api-aurora");
    let pdb = format!("arn:aws:rds:{pr}:{pa}:db:prod-use1-api-orders");
    let sdb = format!("arn:aws:rds:{sr}:{sa}:db:prod-usw2-api-orders");
    let global = json!({
        "arn": global_arn, "id": "prod-api-global", "name": "prod-api-global", "tags": {},
        "region": "global", "account": pa, "engine": "aurora-postgresql", "status": "available",
        "members": [
            {"db_cluster_arn": pc_arn, "is_writer": true, "readers": [sc_arn]},
            {"db_cluster_arn": sc_arn, "is_writer": false}
        ]
    });
    let cluster = |arn: &str, id: &str, region: &str, account: &str| {
        json!({"arn": arn, "id": id, "name": id, "tags": tags(id, "api-aurora"), "region": region,
               "account": account, "engine": "aurora-postgresql", "status": "available",
               "members": [], "global_cluster_arn": global_arn})
    };
    let db = |arn: &str, id: &str, region: &str, account: &str, source: Option<&str>| {
        let mut v = json!({"arn": arn, "id": id, "name": id, "tags": tags(id, "api-orders"),
               "region": region, "account": account, "engine": "postgres",
               "instance_class": "db.r6g.large", "status": "available"});
        if let Some(src) = source {
            v["read_replica_source"] = json!(src);
        } else {
            v["read_replicas"] = json!([sdb]);
        }
        v
    };
    let group = |region: &str, account: &str, uuid: &str, name: &str, lt: &str, desired: i64| {
        json!({"arn": format!("arn:aws:autoscaling:{region}:{account}:autoScalingGroup:{uuid}:autoScalingGroupName/{name}"),
               "id": name, "name": name, "tags": tags(name, "api-asg"), "region": region,
               "account": account, "launch_template": {"id": lt, "version": "$Default"},
               "min_size": desired.min(1), "max_size": 6, "desired_capacity": desired,
               "target_group_arns": [format!("arn:aws:elasticloadbalancing:{region}:{account}:targetgroup/{name}/0123456789abcdef")]})
    };
    let lb = |region: &str, account: &str, name: &str, dns: &str| {
        json!({"arn": format!("arn:aws:elasticloadbalancing:{region}:{account}:loadbalancer/app/{name}/0123456789abcdef"),
               "id": name, "name": name, "tags": tags(name, "api-alb"), "region": region,
               "account": account, "lb_type": "application", "scheme": "internet-facing",
               "state": "active", "dns_name": dns})
    };
    let tg = |region: &str, account: &str, name: &str, lb_name: &str| {
        json!({"arn": format!("arn:aws:elasticloadbalancing:{region}:{account}:targetgroup/{name}/0123456789abcdef"),
               "id": name, "name": name, "tags": tags(name, "api-tg"), "region": region,
               "account": account, "protocol": "HTTP", "port": 80, "target_type": "instance",
               "load_balancer_arns": [format!("arn:aws:elasticloadbalancing:{region}:{account}:loadbalancer/app/{lb_name}/0123456789abcdef")]})
    };
    let table = |region: &str, account: &str| {
        json!({"arn": format!("arn:aws:dynamodb:{region}:{account}:table/api-sessions"),
               "id": "api-sessions", "name": "api-sessions", "tags": tags("api-sessions", "api-sessions"),
               "region": region, "account": account, "status": "ACTIVE",
               "global_table_version": "2019.11.21",
               "replicas": [{"region": pr, "status": "ACTIVE"}, {"region": sr, "status": "ACTIVE"}]})
    };
    let secret = |region: &str, account: &str, replica: bool| {
        let mut v = json!({"arn": format!("arn:aws:secretsmanager:{region}:{account}:secret:prod/api/db-AbCdEf"),
               "id": "prod/api/db", "name": "prod/api/db", "tags": tags("prod/api/db", "api-db-secret"),
               "region": region, "account": account});
        if replica {
            v["primary_region"] = json!(pr);
        } else {
            v["replication"] = json!([{"region": sr, "status": "InSync"}]);
        }
        v
    };
    // The healthy estate's api launch templates.
    let (plt, slt) = ("lt-0050205023842fc1b", "lt-0a2915ab313912175");
    let p = &mut s["primary"];
    p["rds"]["db_instances"] = json!([db(&pdb, "prod-use1-api-orders", pr, pa, None)]);
    p["rds"]["db_clusters"] = json!([cluster(&pc_arn, "prod-use1-api-aurora", pr, pa)]);
    p["rds"]["global_clusters"] = json!([global]);
    p["autoscaling"]["groups"] = json!([group(pr, pa, UUID_P, "prod-use1-api", plt, 4)]);
    p["elbv2"]["load_balancers"] = json!([lb(
        pr,
        pa,
        "prod-use1-api",
        "prod-use1-api-4177401905.us-east-1.elb.amazonaws.com"
    )]);
    p["elbv2"]["target_groups"] = json!([tg(pr, pa, "prod-use1-api", "prod-use1-api")]);
    p["dynamodb"]["tables"] = json!([table(pr, pa)]);
    p["secretsmanager"]["secrets"] = json!([secret(pr, pa, false)]);
    let sq = &mut s["standby"];
    sq["rds"]["db_instances"] = json!([db(&sdb, "prod-usw2-api-orders", sr, sa, Some(&pdb))]);
    sq["rds"]["db_clusters"] = json!([cluster(&sc_arn, "prod-usw2-api-aurora", sr, sa)]);
    sq["rds"]["global_clusters"] = json!([global]);
    sq["autoscaling"]["groups"] = json!([group(sr, sa, UUID_S, "prod-usw2-api", slt, 0)]);
    sq["elbv2"]["load_balancers"] = json!([lb(
        sr,
        sa,
        "prod-usw2-api",
        "prod-usw2-api-1351134766.us-west-2.elb.amazonaws.com"
    )]);
    sq["elbv2"]["target_groups"] = json!([tg(sr, sa, "prod-usw2-api", "prod-usw2-api")]);
    sq["dynamodb"]["tables"] = json!([table(sr, sa)]);
    sq["secretsmanager"]["secrets"] = json!([secret(sr, sa, true)]);
    sq["servicequotas"]["quotas"] = json!([{
        "arn": format!("arn:aws:servicequotas:{sr}:{sa}:ec2/L-1216C47A"), "id": "ec2/L-1216C47A",
        "name": "Running On-Demand Standard (A, C, D, H, I, M, R, T, Z) instances", "tags": {},
        "region": sr, "account": sa, "service_code": "ec2", "quota_code": "L-1216C47A",
        "value": 256.0, "adjustable": true
    }]);
    common::temp_file(
        "platform.json",
        serde_json::to_string_pretty(&s).unwrap().as_bytes(),
    )
}

/// Every snapshot the checks below run on: the fixtures and the platform snapshot.
fn all_snapshots() -> Vec<(String, PathBuf)> {
    let (dir, path) = platform_snapshot();
    // Keep the file for the whole test run.
    std::mem::forget(dir);
    FIXTURES
        .iter()
        .map(|n| (n.to_string(), snapshot(n)))
        .chain(std::iter::once(("platform".to_string(), path)))
        .collect()
}

#[test]
fn platform_services_get_their_steps_in_dependency_order() {
    let (_dir, path) = platform_snapshot();
    let (code, rb) = runbook_json(&path, &["--workload", "api"]);
    assert!(code == 0 || code == 1, "{code}");
    let w = &rb["workloads"][0];
    let steps = w["failover"].as_array().unwrap();
    let shell: Vec<String> = steps
        .iter()
        .flat_map(|s| s["commands"].as_array().cloned().unwrap_or_default())
        .map(|c| c["shell"].as_str().unwrap().to_string())
        .collect();
    let position = |needle: &str| {
        shell
            .iter()
            .position(|c| c.contains(needle))
            .unwrap_or_else(|| panic!("no `{needle}` in {shell:#?}"))
    };
    let promote = position(
        "aws rds promote-read-replica --region us-west-2 --db-instance-identifier prod-usw2-api-orders",
    );
    let aurora = position(
        "aws rds failover-global-cluster --region us-west-2 --global-cluster-identifier prod-api-global \
         --target-db-cluster-identifier arn:aws:rds:us-west-2:222222222222:cluster:prod-usw2-api-aurora --allow-data-loss",
    );
    let secret = position(
        "aws secretsmanager stop-replication-to-replica --region us-west-2 --secret-id prod/api/db",
    );
    let asg = position(
        "aws autoscaling update-auto-scaling-group --region us-west-2 --auto-scaling-group-name prod-usw2-api \
         --min-size 1 --max-size 6 --desired-capacity 4",
    );
    let dns = position(
        "aws route53 update-health-check --health-check-id 4015d0dc-1ad4-4a5e-ad4f-0f577c73c5b0 --inverted",
    );
    assert!(promote < secret && aurora < secret && secret < asg && asg < dns);
    // The group launches the api template: no run-instances for it.
    assert!(
        !shell.iter().any(|c| c.contains("run-instances")),
        "{shell:#?}"
    );
    let verify: Vec<String> = steps
        .iter()
        .flat_map(|s| s["verify_commands"].as_array().cloned().unwrap_or_default())
        .map(|c| c["shell"].as_str().unwrap().to_string())
        .collect();
    assert!(verify.iter().any(|c| c.starts_with(
        "aws elbv2 describe-target-health --region us-west-2 --target-group-arn arn:aws:elasticloadbalancing:us-west-2:222222222222:targetgroup/prod-usw2-api/"
    )), "{verify:#?}");
    assert!(
        verify.iter().any(
            |c| c == "aws dynamodb describe-table --region us-west-2 --table-name api-sessions"
        )
    );
    let pre: Vec<String> = w["preflight"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["commands"].as_array().cloned().unwrap_or_default())
        .map(|c| c["shell"].as_str().unwrap().to_string())
        .collect();
    assert!(pre.contains(&"aws service-quotas get-service-quota --region us-west-2 --service-code ec2 --quota-code L-1216C47A".to_string()));
    assert!(pre.contains(&"aws rds describe-db-instances --region us-west-2 --db-instance-identifier prod-usw2-api-orders".to_string()));
    // Failback reverses the data first and the traffic last.
    let back: Vec<String> = w["failback"]["steps"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["commands"].as_array().cloned().unwrap_or_default())
        .map(|c| c["shell"].as_str().unwrap().to_string())
        .collect();
    let at = |needle: &str| {
        back.iter()
            .position(|c| c.contains(needle))
            .unwrap_or_else(|| panic!("no `{needle}` in {back:#?}"))
    };
    assert!(at("switchover-global-cluster") < at("--no-inverted"));
    assert!(at("create-db-instance-read-replica --region us-east-1") < at("--no-inverted"));
    assert!(
        at("--no-inverted") < at("--desired-capacity 0"),
        "the standby shrinks last"
    );
}

// ---------------------------------------------------------------------------------------------
// Blockers.
// ---------------------------------------------------------------------------------------------

/// Every step of a workload's runbook, by section.
fn steps<'a>(w: &'a Value, section: &str) -> Vec<&'a Value> {
    let v = match section {
        "failback" => &w["failback"]["steps"],
        s => &w[s],
    };
    v.as_array().map(|a| a.iter().collect()).unwrap_or_default()
}

fn strings(v: &Value) -> Vec<&str> {
    v.as_array()
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default()
}

#[test]
fn each_blocking_finding_appears_at_the_step_it_blocks() {
    for (name, path) in all_snapshots() {
        let report = report_json(&path);
        let rb = runbook_json(&path, &[]).1;
        let findings: BTreeMap<&str, &Value> = report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| (f["fingerprint"].as_str().unwrap(), f))
            .collect();
        for w in report["workloads"]["workloads"].as_array().unwrap() {
            let wname = w["name"].as_str().unwrap();
            let wr = rb["workloads"]
                .as_array()
                .unwrap()
                .iter()
                .find(|x| x["name"] == wname)
                .unwrap_or_else(|| panic!("{name}: no runbook for {wname}"));
            assert_eq!(wr["verdict"], w["verdict"], "{name}/{wname}");
            if w["verdict"] == "not_ready" {
                assert!(
                    wr["warning"].as_str().unwrap().starts_with("NOT READY"),
                    "{name}/{wname}: a not-ready workload says so on top"
                );
            }
            let failover = steps(wr, "failover");
            for b in w["blocking"].as_array().unwrap() {
                let fp = b["fingerprint"].as_str().unwrap();
                let at: Vec<&&Value> = failover
                    .iter()
                    .filter(|s| {
                        s["blockers"]
                            .as_array()
                            .is_some_and(|bs| bs.iter().any(|x| x["fingerprint"] == fp))
                    })
                    .collect();
                assert_eq!(
                    at.len(),
                    1,
                    "{name}/{wname}: {} on {} appears at {} steps",
                    b["rule_id"],
                    b["resource"],
                    at.len()
                );
                let s = at[0];
                let blocker = s["blockers"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .find(|x| x["fingerprint"] == fp)
                    .unwrap();
                let finding = findings[fp];
                assert_eq!(blocker["remediation"], finding["remediation"]);
                assert_eq!(blocker["blocking"], true);
                let resources = strings(&s["resources"]);
                let related = strings(&finding["related"]);
                match blocker["placed_by"].as_str().unwrap() {
                    "resource" => assert!(
                        resources.contains(&finding["resource"].as_str().unwrap()),
                        "{name}/{wname}: {fp} placed by resource at a step that does not touch it"
                    ),
                    "related" => assert!(
                        related.iter().any(|r| resources.contains(r)),
                        "{name}/{wname}: {fp} placed by a related resource the step does not touch"
                    ),
                    "category" => {
                        // No failover step touches it at all.
                        let anywhere = failover.iter().any(|s| {
                            let rs = strings(&s["resources"]);
                            rs.contains(&finding["resource"].as_str().unwrap())
                                || related.iter().any(|r| rs.contains(r))
                        });
                        assert!(
                            !anywhere,
                            "{name}/{wname}: {fp} placed by category but a step touches it"
                        );
                    }
                    other => panic!("{name}: placed_by {other}"),
                }
            }
        }
        // A blocking finding of no workload is at a step or among the shared blockers.
        let placed: BTreeSet<String> = rb["workloads"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|w| steps(w, "failover"))
            .flat_map(|s| s["blockers"].as_array().cloned().unwrap_or_default())
            .filter_map(|b| b["fingerprint"].as_str().map(str::to_string))
            .collect();
        let shared: BTreeSet<&str> = rb["shared_blockers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|b| b["fingerprint"].as_str().unwrap())
            .collect();
        for b in report["workloads"]["shared_blocking"].as_array().unwrap() {
            let fp = b["fingerprint"].as_str().unwrap();
            assert!(
                placed.contains(fp) || shared.contains(fp),
                "{name}: shared blocking finding {fp} is nowhere in the runbook"
            );
        }
    }
}

#[test]
fn the_example_s_blockers_are_at_the_steps_a_person_expects() {
    let rb = runbook_json(&snapshot("example"), &[]).1;
    let at = |workload: &str, rule: &str| -> (String, String) {
        let w = rb["workloads"]
            .as_array()
            .unwrap()
            .iter()
            .find(|w| w["name"] == workload)
            .unwrap();
        steps(w, "failover")
            .into_iter()
            .find_map(|s| {
                let b = s["blockers"]
                    .as_array()?
                    .iter()
                    .find(|b| b["rule_id"] == rule)?;
                Some((
                    s["phase"].as_str().unwrap().to_string(),
                    b["placed_by"].as_str().unwrap().to_string(),
                ))
            })
            .unwrap_or_else(|| panic!("{workload}: {rule} at no step"))
    };
    // (workload, rule, the phase of the step it blocks); each placed by the resource it names.
    for (workload, rule, phase) in [
        ("reports", "DR-S3-001", "data"),
        ("search", "DR-EBS-001", "data"),
        ("worker", "DR-EC2-009", "compute"),
        ("search", "DR-NET-003", "compute"),
        ("search", "DR-DNS-001", "traffic"),
        ("web", "DR-EC2-004", "compute"),
    ] {
        let (p, how) = at(workload, rule);
        assert_eq!(p, phase, "{workload} {rule}");
        assert_eq!(how, "resource", "{workload} {rule}");
    }
}

#[test]
fn the_healthy_runbook_has_no_blockers() {
    let (code, rb) = runbook_json(&snapshot("healthy"), &[]);
    assert_eq!(code, 0);
    assert_eq!(rb["shared_blockers"], json!([]));
    for w in rb["workloads"].as_array().unwrap() {
        assert_eq!(w["verdict"], "ready");
        assert!(w.get("warning").is_none());
        for section in ["preflight", "failover", "failback"] {
            for s in steps(w, section) {
                assert!(
                    s.get("blockers").is_none(),
                    "{}: {}",
                    s["id"],
                    s["blockers"]
                );
            }
        }
        assert_eq!(w["estimate"]["within_rto"], true, "{}", w["name"]);
    }
    let md = markdown("healthy");
    assert!(!md.contains("🛑") && !md.contains("[!CAUTION]"), "{md}");
}

// ---------------------------------------------------------------------------------------------
// Commands.
// ---------------------------------------------------------------------------------------------

/// The AWS CLI operations the runbook may print, with their flags: `--flag` takes one value,
/// `--flag*` one or more, `--flag!` none. `aws-cli-operations-exist-in-botocore` below checks
/// this list against botocore's service models, so it cannot name what AWS does not have.
const KNOWN: &[(&str, &str, &[&str])] = &[
    ("s3api", "get-bucket-replication", &["--bucket", "--region"]),
    ("s3api", "get-bucket-versioning", &["--bucket", "--region"]),
    ("s3api", "head-bucket", &["--bucket", "--region"]),
    (
        "s3api",
        "put-bucket-replication",
        &["--bucket", "--region", "--replication-configuration"],
    ),
    ("s3", "sync", &["--source-region", "--region"]),
    (
        "ec2",
        "describe-snapshots",
        &["--region", "--snapshot-ids*"],
    ),
    ("ec2", "describe-images", &["--region", "--image-ids*"]),
    ("ec2", "describe-volumes", &["--region", "--filters*"]),
    (
        "ec2",
        "describe-instances",
        &["--region", "--filters*", "--instance-ids*"],
    ),
    (
        "ec2",
        "describe-launch-template-versions",
        &["--region", "--launch-template-id", "--versions*"],
    ),
    (
        "ec2",
        "create-volume",
        &[
            "--region",
            "--availability-zone",
            "--snapshot-id",
            "--volume-type",
        ],
    ),
    (
        "ec2",
        "run-instances",
        &[
            "--region",
            "--launch-template",
            "--count",
            "--image-id",
            "--instance-type",
            "--subnet-id",
            "--security-group-ids*",
        ],
    ),
    (
        "ec2",
        "copy-image",
        &["--region", "--source-region", "--source-image-id", "--name"],
    ),
    (
        "rds",
        "describe-db-instances",
        &["--region", "--db-instance-identifier"],
    ),
    (
        "rds",
        "describe-db-clusters",
        &["--region", "--db-cluster-identifier"],
    ),
    (
        "rds",
        "describe-global-clusters",
        &["--region", "--global-cluster-identifier"],
    ),
    (
        "rds",
        "promote-read-replica",
        &["--region", "--db-instance-identifier"],
    ),
    (
        "rds",
        "promote-read-replica-db-cluster",
        &["--region", "--db-cluster-identifier"],
    ),
    (
        "rds",
        "failover-global-cluster",
        &[
            "--region",
            "--global-cluster-identifier",
            "--target-db-cluster-identifier",
            "--allow-data-loss!",
        ],
    ),
    (
        "rds",
        "switchover-global-cluster",
        &[
            "--region",
            "--global-cluster-identifier",
            "--target-db-cluster-identifier",
        ],
    ),
    (
        "rds",
        "create-db-instance-read-replica",
        &[
            "--region",
            "--db-instance-identifier",
            "--source-db-instance-identifier",
        ],
    ),
    (
        "rds",
        "restore-db-instance-from-db-snapshot",
        &[
            "--region",
            "--db-instance-identifier",
            "--db-snapshot-identifier",
            "--db-instance-class",
        ],
    ),
    (
        "rds",
        "restore-db-cluster-from-snapshot",
        &[
            "--region",
            "--db-cluster-identifier",
            "--snapshot-identifier",
            "--engine",
        ],
    ),
    ("dynamodb", "describe-table", &["--region", "--table-name"]),
    (
        "secretsmanager",
        "describe-secret",
        &["--region", "--secret-id"],
    ),
    (
        "secretsmanager",
        "stop-replication-to-replica",
        &["--region", "--secret-id"],
    ),
    (
        "secretsmanager",
        "replicate-secret-to-regions",
        &[
            "--region",
            "--secret-id",
            "--add-replica-regions*",
            "--force-overwrite-replica-secret!",
        ],
    ),
    ("iam", "get-instance-profile", &["--instance-profile-name"]),
    ("iam", "get-role", &["--role-name"]),
    ("kms", "describe-key", &["--region", "--key-id"]),
    (
        "autoscaling",
        "describe-auto-scaling-groups",
        &["--region", "--auto-scaling-group-names*"],
    ),
    (
        "autoscaling",
        "update-auto-scaling-group",
        &[
            "--region",
            "--auto-scaling-group-name",
            "--min-size",
            "--max-size",
            "--desired-capacity",
        ],
    ),
    (
        "autoscaling",
        "resume-processes",
        &["--region", "--auto-scaling-group-name"],
    ),
    (
        "elbv2",
        "describe-load-balancers",
        &["--region", "--names*"],
    ),
    (
        "elbv2",
        "describe-target-health",
        &["--region", "--target-group-arn"],
    ),
    (
        "service-quotas",
        "get-service-quota",
        &["--region", "--service-code", "--quota-code"],
    ),
    ("route53", "get-health-check-status", &["--health-check-id"]),
    (
        "route53",
        "update-health-check",
        &["--health-check-id", "--inverted!", "--no-inverted!"],
    ),
    (
        "route53",
        "list-resource-record-sets",
        &[
            "--hosted-zone-id",
            "--start-record-name",
            "--start-record-type",
            "--max-items",
        ],
    ),
    (
        "route53",
        "test-dns-answer",
        &["--hosted-zone-id", "--record-name", "--record-type"],
    ),
];

/// Flags whose value is an AWS constant rather than something of the estate.
const CONSTANT_VALUES: &[(&str, &[&str])] = &[
    ("--service-code", &["ec2"]),
    ("--quota-code", &["L-1216C47A"]),
    ("--max-items", &["2"]),
];

/// Flags whose value is a count or size drready computed.
const NUMBER_FLAGS: &[&str] = &["--count", "--min-size", "--max-size", "--desired-capacity"];

/// Every string of a snapshot, and the parts of its ARNs and `K=V` values (ids inside ARNs).
fn known_strings(snapshot: &Value) -> BTreeSet<String> {
    fn walk(v: &Value, out: &mut BTreeSet<String>) {
        match v {
            Value::String(s) => {
                out.insert(s.clone());
                for part in s.split([':', '/']) {
                    out.insert(part.to_string());
                }
            }
            Value::Array(a) => a.iter().for_each(|x| walk(x, out)),
            Value::Object(o) => o.iter().for_each(|(k, x)| {
                out.insert(k.clone());
                walk(x, out)
            }),
            Value::Number(n) => {
                out.insert(n.to_string());
            }
            _ => {}
        }
    }
    let mut out = BTreeSet::new();
    walk(snapshot, &mut out);
    out
}

/// Checks one command; the problems found.
fn check_command(
    argv: &[String],
    shell: &str,
    known: &BTreeSet<String>,
    regions: &[&str],
) -> Vec<String> {
    let mut bad = Vec::new();
    let quoted: Vec<String> = argv
        .iter()
        .map(|w| drready::runbook::shell_word(w).into_owned())
        .collect();
    if quoted.join(" ") != shell {
        bad.push(format!("shell `{shell}` is not the quoted argv"));
    }
    if argv.first().map(String::as_str) != Some("aws") || argv.len() < 3 {
        return vec![format!("not `aws SERVICE OPERATION`: {argv:?}")];
    }
    let (service, op) = (argv[1].as_str(), argv[2].as_str());
    let Some((_, _, flags)) = KNOWN.iter().find(|(s, o, _)| *s == service && *o == op) else {
        return vec![format!("unknown operation `aws {service} {op}`")];
    };
    let spec = |name: &str| {
        flags.iter().find_map(|f| {
            let base = f.trim_end_matches(['*', '!']);
            (base == name).then(|| f.chars().last().filter(|c| *c == '*' || *c == '!'))
        })
    };
    let exists = |v: &str| known.contains(v);
    let mut i = 3;
    let mut positional = Vec::new();
    while i < argv.len() {
        let word = &argv[i];
        if !word.starts_with("--") {
            positional.push(word.clone());
            i += 1;
            continue;
        }
        let Some(kind) = spec(word) else {
            bad.push(format!("`aws {service} {op}` has no flag {word}"));
            i += 1;
            continue;
        };
        let mut values = Vec::new();
        i += 1;
        while i < argv.len() && !argv[i].starts_with("--") {
            values.push(argv[i].clone());
            i += 1;
            if kind.is_none() {
                break;
            }
        }
        match kind {
            Some('!') if !values.is_empty() => bad.push(format!("{word} takes no value")),
            None | Some('*') if values.is_empty() => bad.push(format!("{word} needs a value")),
            _ => {}
        }
        for v in &values {
            if v.is_empty() || v.contains('\n') {
                bad.push(format!("{word}: empty or multi-line value"));
            }
            let ok = match word.as_str() {
                "--region" | "--source-region" => regions.contains(&v.as_str()),
                "--availability-zone" => regions.iter().any(|r| v.starts_with(r)),
                "--replication-configuration" => {
                    v.starts_with("file://failback-replication-") && v.ends_with(".json")
                }
                "--launch-template" => v
                    .strip_prefix("LaunchTemplateId=")
                    .and_then(|r| r.split_once(",Version="))
                    .is_some_and(|(id, ver)| {
                        exists(id) && (ver == "$Default" || ver.parse::<u32>().is_ok())
                    }),
                "--filters" => v.split_once(",Values=").is_some_and(|(name, vals)| {
                    name.starts_with("Name=")
                        && vals
                            .split(',')
                            .all(|x| exists(x) || ["pending", "running"].contains(&x))
                }),
                "--versions" => v == "$Default" || v.parse::<u32>().is_ok(),
                "--add-replica-regions" => v
                    .strip_prefix("Region=")
                    .is_some_and(|r| regions.contains(&r)),
                "--volume-type"
                | "--instance-type"
                | "--db-instance-class"
                | "--engine"
                | "--name"
                | "--start-record-type"
                | "--record-type" => exists(v),
                w if NUMBER_FLAGS.contains(&w) => v.parse::<u32>().is_ok(),
                w => match CONSTANT_VALUES.iter().find(|(f, _)| *f == w) {
                    Some((_, allowed)) => allowed.contains(&v.as_str()),
                    None => exists(v),
                },
            };
            if !ok {
                bad.push(format!("{word} {v}: not in the snapshot (or malformed)"));
            }
        }
    }
    if service == "s3" {
        if positional.len() != 2
            || !positional
                .iter()
                .all(|p| p.strip_prefix("s3://").is_some_and(exists))
        {
            bad.push(format!(
                "`aws s3 {op}` needs two s3://BUCKET of the snapshot: {positional:?}"
            ));
        }
    } else if !positional.is_empty() {
        bad.push(format!("unexpected positional arguments {positional:?}"));
    }
    bad
}

/// Every command of a runbook JSON: (section, step id, command).
fn commands(rb: &Value) -> Vec<(String, String, Value)> {
    let mut out = Vec::new();
    for w in rb["workloads"].as_array().unwrap() {
        for section in ["preflight", "failover", "failback"] {
            for s in steps(w, section) {
                for key in ["commands", "verify_commands"] {
                    for c in s[key].as_array().cloned().unwrap_or_default() {
                        out.push((
                            section.to_string(),
                            s["id"].as_str().unwrap().to_string(),
                            c,
                        ));
                    }
                }
            }
        }
    }
    out
}

#[test]
fn every_command_is_a_valid_aws_cli_command_on_resources_of_the_snapshot() {
    let mut operations = BTreeSet::new();
    for (name, path) in all_snapshots() {
        let snap: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let known = known_strings(&snap);
        let regions = [
            snap["primary"]["region"].as_str().unwrap(),
            snap["standby"]["region"].as_str().unwrap(),
        ];
        let rb = runbook_json(&path, &[]).1;
        let all = commands(&rb);
        assert!(!all.is_empty(), "{name}: no command");
        for (section, id, c) in all {
            let argv: Vec<String> = strings(&c["argv"]).into_iter().map(String::from).collect();
            let problems = check_command(&argv, c["shell"].as_str().unwrap(), &known, &regions);
            assert!(
                problems.is_empty(),
                "{name} {id}: `{}`: {problems:#?}",
                c["shell"]
            );
            if section == "preflight" {
                assert_eq!(
                    c["read_only"], true,
                    "{name} {id}: pre-flight must only read: {}",
                    c["shell"]
                );
            }
            operations.insert(format!("{} {}", argv[1], argv[2]));
        }
        // Verification commands only read.
        for w in rb["workloads"].as_array().unwrap() {
            for s in steps(w, "failover") {
                for c in s["verify_commands"].as_array().cloned().unwrap_or_default() {
                    assert_eq!(c["read_only"], true, "{name}: {}", c["shell"]);
                }
            }
        }
    }
    // The fixtures and the platform snapshot exercise most of the list.
    assert!(operations.len() >= 25, "{operations:#?}");
}

#[test]
fn the_command_checker_rejects_what_is_wrong() {
    let snap = json!({"primary": {"region": "us-east-1"}, "s": ["ami-1", "arn:aws:s3:::b1"]});
    let known = known_strings(&snap);
    let regions = ["us-east-1", "us-west-2"];
    let check = |words: &[&str]| {
        let argv: Vec<String> = words.iter().map(|w| w.to_string()).collect();
        let shell = argv
            .iter()
            .map(|w| drready::runbook::shell_word(w).into_owned())
            .collect::<Vec<_>>()
            .join(" ");
        check_command(&argv, &shell, &known, &regions)
    };
    assert!(
        check(&[
            "aws",
            "ec2",
            "describe-images",
            "--region",
            "us-west-2",
            "--image-ids",
            "ami-1"
        ])
        .is_empty()
    );
    assert!(
        !check(&[
            "aws",
            "ec2",
            "describe-images",
            "--region",
            "us-west-2",
            "--image-ids",
            "ami-2"
        ])
        .is_empty(),
        "unknown id"
    );
    assert!(
        !check(&["aws", "ec2", "describe-imagez", "--image-ids", "ami-1"]).is_empty(),
        "unknown operation"
    );
    assert!(
        !check(&["aws", "ec2", "describe-images", "--image-id", "ami-1"]).is_empty(),
        "unknown flag"
    );
    assert!(
        !check(&[
            "aws",
            "ec2",
            "describe-images",
            "--region",
            "eu-west-1",
            "--image-ids",
            "ami-1"
        ])
        .is_empty(),
        "other region"
    );
    assert!(
        !check(&["aws", "s3api", "head-bucket", "--bucket"]).is_empty(),
        "missing value"
    );
    assert!(
        !check(&["aws", "route53", "update-health-check", "--inverted", "x"]).is_empty(),
        "boolean with value"
    );
    assert!(
        !check(&["aws", "s3", "sync", "s3://b1", "s3://b9"]).is_empty(),
        "unknown bucket"
    );
    assert!(
        check(&[
            "aws",
            "s3",
            "sync",
            "s3://b1",
            "s3://b1",
            "--region",
            "us-east-1"
        ])
        .is_empty()
    );
}

/// The venv's Python, when the live test tools are installed; `None` (skip) only when
/// DRREADY_MOTO_VENV is unset.
fn venv_python(tool: &str) -> Option<PathBuf> {
    let Some(venv) = std::env::var_os("DRREADY_MOTO_VENV").map(PathBuf::from) else {
        eprintln!("DRREADY_MOTO_VENV is not set: {tool} not run");
        return None;
    };
    let bin = venv.join("bin").join(tool);
    assert!(
        bin.exists(),
        "{} is missing: install the test tools with `{}/bin/pip install -r \
         scripts/requirements-test.txt`",
        bin.display(),
        venv.display()
    );
    Some(bin)
}

/// botocore knows every operation and flag of `KNOWN` (except the CLI's own: `--region`, `aws s3`,
/// `run-instances --count`, pagination's `--max-items`).
#[test]
fn aws_cli_operations_exist_in_botocore() {
    let Some(python) = venv_python("python") else {
        return;
    };
    let list: Vec<Value> = KNOWN
        .iter()
        .map(|(s, o, f)| {
            json!([
                s,
                o,
                f.iter()
                    .map(|x| x.trim_end_matches(['*', '!']))
                    .collect::<Vec<_>>()
            ])
        })
        .collect();
    let script = r#"
import json, sys
import botocore.session
from botocore import xform_name
s = botocore.session.get_session()
CLI_ONLY = {"--region", "--max-items"}
bad = []
for service, op, flags in json.load(sys.stdin):
    if service == "s3":
        continue
    model = s.get_service_model({"s3api": "s3"}.get(service, service))
    ops = {xform_name(o, "-"): o for o in model.operation_names}
    if op not in ops:
        bad.append(f"{service} {op}: no such operation")
        continue
    shape = model.operation_model(ops[op]).input_shape
    members = {"--" + xform_name(m, "-"): t for m, t in (shape.members.items() if shape else [])}
    for f in flags:
        if f in CLI_ONLY or (op == "run-instances" and f == "--count"):
            continue
        name = f[5:] if f.startswith("--no-") else f[2:]
        if "--" + name not in members:
            bad.append(f"{service} {op}: no member for {f}")
        elif f.startswith("--no-") and members["--" + name].type_name != "boolean":
            bad.append(f"{service} {op}: {f} is not a boolean")
print(json.dumps(bad))
"#;
    let out = std::process::Command::new(&python)
        .args(["-c", script])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            use std::io::Write;
            child
                .stdin
                .take()
                .unwrap()
                .write_all(serde_json::to_string(&list).unwrap().as_bytes())?;
            child.wait_with_output()
        })
        .expect("run python");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let bad: Vec<String> = serde_json::from_slice(&out.stdout).unwrap();
    assert!(bad.is_empty(), "{bad:#?}");
}

// ---------------------------------------------------------------------------------------------
// ARC Region switch.
// ---------------------------------------------------------------------------------------------

fn region_switch(path: &Path) -> (tempfile::TempDir, PathBuf, Value) {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("plan.json");
    let arg = format!("region-switch={}", out.display());
    let (code, _, err) = run(&["runbook", path.to_str().unwrap(), "--format", &arg]);
    assert!(code <= 3, "{err}");
    let v: Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    (dir, out, v)
}

#[test]
fn region_switch_templates_pass_cfn_lint() {
    let Some(cfn_lint) = venv_python("cfn-lint") else {
        return;
    };
    for (name, path) in all_snapshots() {
        let (_dir, file, _) = region_switch(&path);
        let out = std::process::Command::new(&cfn_lint)
            .arg(&file)
            .output()
            .expect("run cfn-lint");
        assert!(
            out.status.success(),
            "{name}: cfn-lint {}:\n{}{}",
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

#[test]
fn region_switch_plans_name_only_resources_of_the_snapshot_in_runbook_order() {
    for (name, path) in all_snapshots() {
        let snap: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
        let known = known_strings(&snap);
        let regions = [
            snap["primary"]["region"].as_str().unwrap(),
            snap["standby"]["region"].as_str().unwrap(),
        ];
        let (_dir, _, t) = region_switch(&path);
        let rb = runbook_json(&path, &[]).1;
        for (id, res) in t["Resources"].as_object().unwrap() {
            if res["Type"] != "AWS::ARCRegionSwitch::Plan" {
                continue;
            }
            let p = &res["Properties"];
            assert_eq!(p["Regions"], json!(regions), "{name} {id}");
            let workload = res["Metadata"]["drready"]["workload"].as_str().unwrap();
            let wr = rb["workloads"]
                .as_array()
                .unwrap()
                .iter()
                .find(|w| w["name"] == workload)
                .unwrap();
            let steps_ = p["Workflows"][0]["Steps"].as_array().unwrap();
            // In the runbook's order: step-N names increase.
            let numbers: Vec<usize> = steps_
                .iter()
                .map(|s| {
                    s["Name"]
                        .as_str()
                        .unwrap()
                        .split('-')
                        .nth(1)
                        .unwrap()
                        .parse()
                        .unwrap()
                })
                .collect();
            assert!(
                numbers.windows(2).all(|w| w[0] <= w[1]),
                "{name} {id}: {numbers:?}"
            );
            assert_eq!(
                steps_[0]["ExecutionBlockType"], "ManualApproval",
                "approval first"
            );
            let mut named = Vec::new();
            for s in steps_ {
                let c = &s["ExecutionBlockConfiguration"];
                if let Some(a) = c.get("Ec2AsgCapacityIncreaseConfig") {
                    named.extend(
                        a["Asgs"]
                            .as_array()
                            .unwrap()
                            .iter()
                            .map(|x| x["Arn"].clone()),
                    );
                }
                if let Some(a) = c.get("GlobalAuroraConfig") {
                    named.push(a["GlobalClusterIdentifier"].clone());
                    named.extend(a["DatabaseClusterArns"].as_array().unwrap().iter().cloned());
                }
                if let Some(a) = c.get("RdsPromoteReadReplicaConfig") {
                    for (region, arn) in a["DbInstanceArnMap"].as_object().unwrap() {
                        assert!(regions.contains(&region.as_str()));
                        named.push(arn.clone());
                    }
                }
                if let Some(a) = c.get("Route53HealthCheckConfig") {
                    named.push(a["HostedZoneId"].clone());
                    named.push(json!(format!("{}.", a["RecordName"].as_str().unwrap())));
                    for r in a["RecordSets"].as_array().unwrap() {
                        named.push(r["RecordSetIdentifier"].clone());
                        assert!(regions.contains(&r["Region"].as_str().unwrap()));
                    }
                }
            }
            assert!(!named.is_empty(), "{name} {id}: a plan with no resource");
            for n in named {
                assert!(
                    known.contains(n.as_str().unwrap()),
                    "{name} {id}: {n} is not in the snapshot"
                );
            }
            // What the plan cannot run is listed.
            let manual = res["Metadata"]["drready"]["manual_steps"]
                .as_array()
                .unwrap();
            let automated = steps_.len() - 1;
            assert!(manual.len() + automated >= wr["failover"].as_array().unwrap().len() - 1);
        }
    }
}

#[test]
fn the_platform_plan_has_every_kind_of_block() {
    let (_d, path) = platform_snapshot();
    let (_dir, _, t) = region_switch(&path);
    let plan = &t["Resources"]["PlanApi"];
    let kinds: Vec<&str> = plan["Properties"]["Workflows"][0]["Steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["ExecutionBlockType"].as_str().unwrap())
        .collect();
    let pos = |k: &str| {
        kinds
            .iter()
            .position(|x| *x == k)
            .unwrap_or_else(|| panic!("no {k} in {kinds:?}"))
    };
    assert_eq!(kinds[0], "ManualApproval");
    assert!(pos("RdsPromoteReadReplica") < pos("EC2AutoScaling"));
    assert!(pos("AuroraGlobalDatabase") < pos("EC2AutoScaling"));
    assert!(pos("EC2AutoScaling") < pos("Route53HealthCheck"));
    assert_eq!(plan["Properties"]["RecoveryTimeObjectiveMinutes"], 240);
}

// ---------------------------------------------------------------------------------------------
// Live.
// ---------------------------------------------------------------------------------------------

/// Runs parsed AWS CLI commands as the same boto3 calls against an endpoint; prints one JSON
/// line per command: {"cmd": ..., "ok": bool, "error": ...}.
const BOTO3_RUNNER: &str = r#"
import json, sys
import boto3, botocore.session
from botocore import xform_name
endpoint = sys.argv[2]
session = botocore.session.get_session()
out = []
for argv in json.load(open(sys.argv[1])):
    assert argv[0] == "aws", argv
    service = {"s3api": "s3"}.get(argv[1], argv[1])
    model = session.get_service_model(service)
    ops = {xform_name(o, "-"): o for o in model.operation_names}
    op = model.operation_model(ops[argv[2]])
    members = op.input_shape.members if op.input_shape else {}
    flags = {"--" + xform_name(m, "-"): m for m in members}
    region, params, i = "us-east-1", {}, 3
    while i < len(argv):
        flag = argv[i]; i += 1
        values = []
        while i < len(argv) and not argv[i].startswith("--"):
            values.append(argv[i]); i += 1
        if flag == "--region":
            region = values[0]; continue
        member = flags[flag]
        shape = members[member]
        if shape.type_name == "list":
            params[member] = values
        elif shape.type_name == "integer":
            params[member] = int(values[0])
        elif shape.type_name == "boolean":
            params[member] = True
        else:
            params[member] = values[0]
    client = boto3.client(service, region_name=region, endpoint_url=endpoint,
                          aws_access_key_id="testing", aws_secret_access_key="testing")
    try:
        getattr(client, xform_name(op.name))(**params)
        out.append({"cmd": " ".join(argv), "ok": True})
    except Exception as e:
        out.append({"cmd": " ".join(argv), "ok": False, "error": str(e)})
print(json.dumps(out))
"#;

#[test]
fn live_preflight_commands_succeed_against_moto() {
    support::moto::fake_aws_env();
    let moto = support::moto::Moto::start();
    moto.seed(&["--apps", "3", "--platform"]);
    let dir = tempfile::tempdir().unwrap();
    let snap = dir.path().join("snapshot.json");
    let (code, _, err) = support::moto::drready(&[
        "snapshot",
        "--primary-region",
        "us-east-1",
        "--standby-region",
        "us-west-2",
        "--endpoint-url",
        &moto.endpoint,
        "-o",
        snap.to_str().unwrap(),
        "--allow-partial",
    ]);
    assert_eq!(code, 0, "{err}");
    let rb_path = dir.path().join("runbook.json");
    let arg = format!("json={}", rb_path.display());
    // moto lacks some read APIs of the newer services: what it cannot answer is unknown.
    let (code, _, err) = support::moto::drready(&[
        "runbook",
        snap.to_str().unwrap(),
        "--allow-partial",
        "--format",
        &arg,
    ]);
    assert!(code <= 1, "runbook exit {code}: {err}");
    let rb: Value = serde_json::from_str(&std::fs::read_to_string(&rb_path).unwrap()).unwrap();
    let pre: Vec<Vec<String>> = commands(&rb)
        .into_iter()
        .filter(|(section, _, _)| section == "preflight")
        .map(|(_, _, c)| strings(&c["argv"]).into_iter().map(String::from).collect())
        .collect();
    assert!(pre.len() >= 10, "{pre:?}");
    let ops: BTreeSet<String> = pre.iter().map(|a| format!("{} {}", a[1], a[2])).collect();
    for op in [
        "s3api get-bucket-replication",
        "ec2 describe-images",
        "route53 get-health-check-status",
        "service-quotas get-service-quota",
        // --platform
        "rds describe-db-instances",
        "rds describe-global-clusters",
        "dynamodb describe-table",
        "autoscaling describe-auto-scaling-groups",
        "secretsmanager describe-secret",
    ] {
        assert!(ops.contains(op), "no `{op}` among {ops:?}");
    }
    // `--live` reads the same estate and writes the same commands.
    let (code, live, err) = support::moto::drready(&[
        "runbook",
        "--live",
        "--primary-region",
        "us-east-1",
        "--standby-region",
        "us-west-2",
        "--endpoint-url",
        &moto.endpoint,
        "--allow-partial",
        "--format",
        "json",
    ]);
    assert!(code <= 1, "runbook --live exit {code}: {err}");
    let live: Value = serde_json::from_str(&live).unwrap();
    let live_pre: Vec<Vec<String>> = commands(&live)
        .into_iter()
        .filter(|(section, _, _)| section == "preflight")
        .map(|(_, _, c)| strings(&c["argv"]).into_iter().map(String::from).collect())
        .collect();
    assert_eq!(live_pre, pre, "--live and the snapshot disagree");
    let list = dir.path().join("commands.json");
    std::fs::write(&list, serde_json::to_string(&pre).unwrap()).unwrap();
    let script = dir.path().join("run.py");
    std::fs::write(&script, BOTO3_RUNNER).unwrap();
    let out = std::process::Command::new(support::moto::python())
        .arg(&script)
        .arg(&list)
        .arg(&moto.endpoint)
        .output()
        .expect("run the boto3 runner");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let results: Vec<Value> = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(results.len(), pre.len());
    let failed: Vec<&Value> = results.iter().filter(|r| r["ok"] != true).collect();
    assert!(
        failed.is_empty(),
        "pre-flight commands failed against moto: {failed:#?}\n{}",
        moto.log_text()
    );
}

/// A workload name (an app tag value) with Markdown, HTML and shell specials stays text in the
/// Markdown, and the plan's name still fits the schema.
#[test]
fn hostile_workload_names_are_escaped() {
    let text = std::fs::read_to_string(snapshot("healthy")).unwrap();
    let mut s: Value = serde_json::from_str(&text).unwrap();
    let hostile = "api|<b>x</b> `y` *z* [l](http://e)";
    fn retag(v: &mut Value, to: &str) {
        match v {
            Value::Object(o) => {
                if let Some(Value::Object(tags)) = o.get_mut("tags")
                    && tags.get("app") == Some(&json!("api"))
                {
                    tags.insert("app".into(), json!(to));
                }
                o.values_mut().for_each(|x| retag(x, to));
            }
            Value::Array(a) => a.iter_mut().for_each(|x| retag(x, to)),
            _ => {}
        }
    }
    retag(&mut s, hostile);
    let (_dir, path) = common::temp_file("hostile.json", s.to_string().as_bytes());
    let (_, md, err) = run(&["runbook", path.to_str().unwrap()]);
    assert!(
        md.contains("## Workload api\\|&lt;b&gt;x&lt;/b&gt;"),
        "{err}\n{md}"
    );
    assert!(!md.contains("<b>"), "raw HTML from a tag value");
    let row = md
        .lines()
        .find(|l| l.starts_with("| [api"))
        .expect("the workload's summary row");
    let cells = row.replace("\\|", "").matches('|').count();
    assert_eq!(cells, 8, "a pipe in the name breaks the table: {row}");
    let (_d, _, t) = region_switch(&path);
    let names: Vec<&str> = t["Resources"]
        .as_object()
        .unwrap()
        .values()
        .filter_map(|r| r["Properties"]["Name"].as_str())
        .collect();
    assert!(
        names
            .iter()
            .all(|n| n.len() <= 32 && n.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')),
        "{names:?}"
    );
}
