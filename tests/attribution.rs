//! Global services in an account hosting two site pairs: IAM and Route 53 are read once per
//! account, so both pairs' snapshots hold every role, record set and health check. Each scan
//! judges only what serves its pair (`snapshot::attribution`), and a resource naming no region is
//! judged by the one target that owns unattributed resources.
//!
//! Pair A is the example fixture (us-east-1 → us-west-2, accounts 111111111111 → 222222222222);
//! pair B is eu-west-1 → eu-central-1 in the same two accounts, with one instance of its own.

mod common;

use std::collections::BTreeSet;

use drready::config::Config;
use drready::policy::PolicySet;
use drready::report::Report;
use drready::snapshot::Snapshot;
use drready::vocab::ResourceKind;
use serde_json::{Value, json};

const ZONE: &str = "Z0UKLA7JJXSN4ZQFHETS";
const P: &str = "111111111111";
const S: &str = "222222222222";

fn record(name: &str, kind: &str, set: &str, failover: &str, extra: Value) -> Value {
    let mut r = json!({
        "arn": format!("arn:aws:route53:::hostedzone/{ZONE}/recordset/{name}/{kind}/{set}"),
        "id": format!("{name}/{kind}/{set}"),
        "name": name,
        "region": "global",
        "account": P,
        "zone_id": ZONE,
        "type": kind,
        "set_identifier": set,
        "failover": failover,
    });
    r.as_object_mut()
        .unwrap()
        .extend(extra.as_object().unwrap().clone());
    r
}

fn role(account: &str, name: &str, policies: &[&str]) -> Value {
    json!({
        "arn": format!("arn:aws:iam::{account}:role/{name}"),
        "id": format!("AROA{name}{account}"),
        "name": name,
        "region": "global",
        "account": account,
        "path": "/",
        "trust_policy": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": "sts:AssumeRole", "Principal": {"Service": "ec2.amazonaws.com"}}]},
        "attached_policy_arns": policies,
    })
}

/// The account's global inventories: the example's, plus pair B's failover groups, health check
/// and roles, and a failover group and a role that name no region.
fn with_global_additions(mut s: Value) -> Value {
    let r53 = &mut s["primary"]["route53"];
    let records = r53["record_sets"].as_array_mut().unwrap();
    records.extend([
        // Pair B, alias records on its load balancers; no health check (DR-DNS-002).
        record(
            "shop.acme-corp.com.",
            "A",
            "shop-primary",
            "PRIMARY",
            json!({"alias_target": {"dns_name": "dualstack.prod-shop-1.eu-west-1.elb.amazonaws.com.", "hosted_zone_id": "Z32O12XQLNTSW2", "evaluate_target_health": false}}),
        ),
        record(
            "shop.acme-corp.com.",
            "A",
            "shop-secondary",
            "SECONDARY",
            json!({"alias_target": {"dns_name": "dualstack.prod-shop-2.eu-central-1.elb.amazonaws.com.", "hosted_zone_id": "Z215JYRZR1TBD5", "evaluate_target_health": false}}),
        ),
        // Pair B, CNAME records; the PRIMARY's health check probes the eu-west-1 endpoint and
        // the TTL exceeds the budget (DR-DNS-005).
        record(
            "orders.acme-corp.com.",
            "CNAME",
            "orders-1",
            "PRIMARY",
            json!({"ttl": 3600, "health_check_id": "hc-orders-euw1", "values": ["orders-1.eu-west-1.elb.amazonaws.com"]}),
        ),
        record(
            "orders.acme-corp.com.",
            "CNAME",
            "orders-2",
            "SECONDARY",
            json!({"ttl": 3600, "values": ["orders-2.eu-central-1.elb.amazonaws.com"]}),
        ),
        // Names no region: judged by the target that owns unattributed resources only.
        record(
            "mail.acme-corp.com.",
            "CNAME",
            "mail-1",
            "PRIMARY",
            json!({"ttl": 60, "values": ["mx1.mail-provider.example.net"]}),
        ),
        record(
            "mail.acme-corp.com.",
            "CNAME",
            "mail-2",
            "SECONDARY",
            json!({"ttl": 60, "values": ["mx2.mail-provider.example.net"]}),
        ),
    ]);
    r53["health_checks"].as_array_mut().unwrap().push(json!({
        "arn": "arn:aws:route53:::healthcheck/hc-orders-euw1",
        "id": "hc-orders-euw1",
        "region": "global",
        "account": P,
        "type": "HTTPS",
        "fqdn": "orders-1.eu-west-1.elb.amazonaws.com",
        "port": 443,
    }));
    // Roles with a standby twin whose managed policies differ (DR-IAM-002): pair B's (its
    // instance uses it, and its name carries the region's short code, rewritten in the standby
    // as the pairing expects) and one naming no region.
    for (site, account, shop, extra) in [
        ("primary", P, "prod-euw1-shop-ec2", &[][..]),
        (
            "standby",
            S,
            "prod-euc1-shop-ec2",
            &["arn:aws:iam::aws:policy/AdministratorAccess"][..],
        ),
    ] {
        let iam = &mut s[site]["iam"];
        for name in [shop, "shared-deploy"] {
            let mut policies = vec!["arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"];
            policies.extend(extra);
            iam["roles"]
                .as_array_mut()
                .unwrap()
                .push(role(account, name, &policies));
        }
        iam["instance_profiles"]
            .as_array_mut()
            .unwrap()
            .push(json!({
                "arn": format!("arn:aws:iam::{account}:instance-profile/{shop}"),
                "id": format!("AIPAshop{account}"),
                "name": shop,
                "region": "global",
                "account": account,
                "path": "/",
                "roles": [shop],
            }));
    }
    s
}

fn parse(v: &Value) -> Snapshot {
    drready::snapshot::parse(&serde_json::to_vec(v).unwrap(), "test").unwrap()
}

/// Pair A: the example with the account's global additions.
fn pair_a() -> Snapshot {
    let text = std::fs::read_to_string(common::snapshot("example")).unwrap();
    parse(&with_global_additions(serde_json::from_str(&text).unwrap()))
}

/// Pair B: the same accounts' global inventories, eu-west-1 → eu-central-1, one instance.
fn pair_b() -> Snapshot {
    let text = std::fs::read_to_string(common::snapshot("example")).unwrap();
    let example: Value = serde_json::from_str(&text).unwrap();
    let mut s = with_global_additions(example.clone());
    for (site, region) in [("primary", "eu-west-1"), ("standby", "eu-central-1")] {
        let obj = s[site].as_object_mut().unwrap();
        obj.retain(|k, _| {
            [
                "account",
                "collected_at",
                "route53",
                "iam",
                "collection_errors",
            ]
            .contains(&k.as_str())
        });
        obj.insert("region".into(), json!(region));
    }
    s["primary"]["ec2"] = json!({"instances": [{
        "arn": format!("arn:aws:ec2:eu-west-1:{P}:instance/i-0shop"),
        "id": "i-0shop",
        "name": "prod-euw1-shop",
        "region": "eu-west-1",
        "account": P,
        "instance_type": "m6i.large",
        "state": "running",
        "instance_profile_arn": format!("arn:aws:iam::{P}:instance-profile/prod-euw1-shop-ec2"),
    }]});
    parse(&s)
}

fn evaluate(snapshot: &Snapshot, owns_unattributed: bool) -> Report {
    let policies = PolicySet::load(true, &[], false).unwrap();
    let config = Config {
        owns_unattributed,
        ..Config::default()
    };
    drready::pipeline::evaluate(snapshot, &config, &policies).unwrap()
}

/// (rule, resource) of the DNS and IAM findings.
fn global_findings(r: &Report) -> BTreeSet<(String, String)> {
    r.findings
        .iter()
        .filter(|f| f.rule_id.starts_with("DR-DNS-") || f.rule_id.starts_with("DR-IAM-"))
        .map(|f| (f.rule_id.clone(), f.resource.clone()))
        .collect()
}

fn resources(findings: &BTreeSet<(String, String)>) -> BTreeSet<&str> {
    findings.iter().map(|(_, r)| r.as_str()).collect()
}

fn set_aside(r: &Report) -> BTreeSet<(&str, &str)> {
    r.other_site_pairs
        .iter()
        .map(|o| (o.arn.as_str(), o.reason.as_str()))
        .collect()
}

fn arn(name: &str, kind: &str, set: &str) -> String {
    format!("arn:aws:route53:::hostedzone/{ZONE}/recordset/{name}/{kind}/{set}")
}

fn role_arn(account: &str, name: &str) -> String {
    format!("arn:aws:iam::{account}:role/{name}")
}

#[test]
fn each_pair_judges_only_its_own_failover_records_and_roles() {
    let a = evaluate(&pair_a(), true);
    let b = evaluate(&pair_b(), false);
    let (fa, fb) = (global_findings(&a), global_findings(&b));
    let (ra, rb) = (resources(&fa), resources(&fb));

    let shop = arn("shop.acme-corp.com.", "A", "shop-primary");
    let orders = arn("orders.acme-corp.com.", "CNAME", "orders-1");
    let mail = arn("mail.acme-corp.com.", "CNAME", "mail-1");
    let shop_role = role_arn(P, "prod-euw1-shop-ec2");
    let deploy_role = role_arn(P, "shared-deploy");

    // Pair B's failover groups and role are judged by B only.
    for resource in [&shop, &orders, &shop_role] {
        assert!(
            rb.contains(resource.as_str()),
            "B judges {resource}: {fb:#?}"
        );
        assert!(
            !ra.contains(resource.as_str()),
            "A must not judge {resource}"
        );
    }
    assert!(fb.contains(&("DR-DNS-002".into(), shop.clone())));
    assert!(fb.contains(&("DR-IAM-002".into(), shop_role.clone())));
    // Pair A's failover groups are judged by A only (the example's DNS findings).
    let a_dns: BTreeSet<&str> = fa
        .iter()
        .filter(|(rule, _)| rule.starts_with("DR-DNS-"))
        .map(|(_, r)| r.as_str())
        .collect();
    for example_record in [
        "admin.acme-corp.com.",
        "jobs.acme-corp.com.",
        "pay.acme-corp.com.",
    ] {
        assert!(
            a_dns.iter().any(|r| r.contains(example_record)),
            "A judges {example_record}: {a_dns:#?}"
        );
        assert!(
            !rb.iter().any(|r| r.contains(example_record)),
            "B must not judge {example_record}"
        );
    }
    // The region-less group and role are judged once: by A, which owns unattributed resources.
    assert!(fa.contains(&("DR-DNS-002".into(), mail.clone())), "{fa:#?}");
    assert!(
        fa.contains(&("DR-IAM-002".into(), deploy_role.clone())),
        "{fa:#?}"
    );
    assert!(!rb.contains(mail.as_str()) && !rb.contains(deploy_role.as_str()));
    // No DNS or IAM finding is reported by both scans.
    assert_eq!(
        fa.intersection(&fb).count(),
        0,
        "{:#?}",
        fa.intersection(&fb).collect::<Vec<_>>()
    );

    // Pair A's role pairs no longer include pair B's role.
    let role_pairs = |r: &Report| -> BTreeSet<String> {
        r.parity
            .pairs
            .iter()
            .filter(|p| p.kind == ResourceKind::Role)
            .map(|p| p.name.clone())
            .collect()
    };
    assert!(!role_pairs(&a).iter().any(|n| n.contains("shop")));
    assert!(role_pairs(&a).contains("prod-web-ec2"));
    assert!(
        role_pairs(&b).iter().any(|n| n.contains("shop")),
        "{:?}",
        role_pairs(&b)
    );
    assert!(!role_pairs(&b).contains("prod-web-ec2"));
}

#[test]
fn the_report_lists_what_went_to_another_pair_and_why() {
    let a = evaluate(&pair_a(), true);
    let listed = set_aside(&a);
    let other = "names only eu-central-1, eu-west-1: serves another site pair";
    for set in ["shop-primary", "shop-secondary"] {
        assert!(listed.contains(&(arn("shop.acme-corp.com.", "A", set).as_str(), other)));
    }
    for set in ["orders-1", "orders-2"] {
        assert!(listed.contains(&(arn("orders.acme-corp.com.", "CNAME", set).as_str(), other)));
    }
    assert!(listed.contains(&(
        "arn:aws:route53:::healthcheck/hc-orders-euw1",
        "used only by record sets set aside here (orders.acme-corp.com. CNAME)"
    )));
    for (account, name, region) in [
        (P, "prod-euw1-shop-ec2", "eu-west-1"),
        (S, "prod-euc1-shop-ec2", "eu-central-1"),
    ] {
        let reason = format!(
            "used by nothing in this site pair and its name names only {region}: serves another \
             site pair"
        );
        assert!(listed.contains(&(role_arn(account, name).as_str(), reason.as_str())));
    }
    // Everything else A owns: nothing of the example, nothing region-less.
    assert_eq!(listed.len(), 7, "{listed:#?}");
    // The table says how many were set aside, the Markdown report lists each with its reason.
    let table = drready::report::table::render(
        &a,
        drready::report::table::TableOptions {
            color: false,
            width: 160,
        },
    );
    assert!(
        table.contains("Serve another site pair of the account, not judged here: health_check 1, record_set 4, role 2"),
        "{table}"
    );
    let md = drready::report::markdown::render(&a, None).unwrap();
    assert!(
        md.contains("serve another site pair of the account, set aside"),
        "{md}"
    );
    assert!(md.contains(&format!("| `{}` | {} |", role_arn(P, "prod-euw1-shop-ec2"), "used by nothing in this site pair and its name names only eu-west-1: serves another site pair")), "{md}");
    let base = evaluate(
        &drready::snapshot::load(&common::snapshot("example")).unwrap(),
        true,
    );
    assert!(base.other_site_pairs.is_empty());
    assert_eq!(
        a.out_of_scope, base.out_of_scope,
        "set aside, not out of scope"
    );
    let entry = a
        .other_site_pairs
        .iter()
        .find(|o| o.kind == ResourceKind::RecordSet)
        .unwrap();
    assert_eq!(entry.name, "orders.acme-corp.com. CNAME (set orders-1)");
    assert_eq!(entry.sites, vec![drready::vocab::SiteRole::Primary]);
    let json = serde_json::to_value(&a).unwrap();
    assert_eq!(json["other_site_pairs"].as_array().unwrap().len(), 7);
    assert!(
        serde_json::to_value(&base)
            .unwrap()
            .get("other_site_pairs")
            .is_none()
    );

    // B: the example's records and roles, and the region-less ones (another target owns them).
    let b = evaluate(&pair_b(), false);
    let listed = set_aside(&b);
    assert!(listed.contains(&(
        arn("api.acme-corp.com.", "CNAME", "api-use1").as_str(),
        "names only us-east-1, us-west-2: serves another site pair"
    )));
    assert!(listed.contains(&(
        arn("mail.acme-corp.com.", "CNAME", "mail-1").as_str(),
        "names no region: owned by another target of this account"
    )));
    assert!(listed.contains(&(
        role_arn(P, "shared-deploy").as_str(),
        "used by nothing in this site pair and names no region: owned by another target of \
         this account"
    )));
    assert!(!listed.iter().any(|(arn, _)| arn.contains("shop")));
    assert!(!listed.iter().any(|(arn, _)| arn.contains("orders")));
}

#[test]
fn a_single_pair_run_keeps_what_names_no_region() {
    let b = evaluate(&pair_b(), true);
    let fb = global_findings(&b);
    let mail = arn("mail.acme-corp.com.", "CNAME", "mail-1");
    assert!(fb.contains(&("DR-DNS-002".into(), mail)));
    assert!(
        !set_aside(&b)
            .iter()
            .any(|(arn, _)| arn.contains("shared-deploy"))
    );
}
