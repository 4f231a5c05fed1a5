//! Live collection: `scripts/seed_moto.py` seeds a two-region DR estate into a real moto server,
//! and `drready::collect::collect` reads it back through the AWS SDK with an endpoint override.
//! Each test runs its own moto server (see tests/support/moto.rs).

mod support;

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use drready::config::{CollectConfig, Config, ScopeConfig, SiteConfig};
use drready::snapshot::{Resource, Site, Snapshot};
use drready::vocab::Service;
use serde_json::{Value, json};
use support::moto::{Moto, fake_aws_env, free_port};
use support::proxy::{Fault, Proxy, Rule};

const PRIMARY_ACCOUNT: &str = "123456789012";
const STANDBY_ACCOUNT: &str = "222222222222";

fn site(region: &str, endpoint: &str) -> SiteConfig {
    SiteConfig {
        region: Some(region.into()),
        endpoint_url: Some(endpoint.into()),
        ..Default::default()
    }
}

fn config(primary_endpoint: &str, standby_endpoint: &str) -> Config {
    Config {
        primary: site("us-east-1", primary_endpoint),
        standby: site("us-west-2", standby_endpoint),
        collect: CollectConfig {
            max_concurrency: 8,
            attempt_timeout_secs: 10,
            call_timeout_secs: 30,
            max_attempts: 3,
        },
        ..Default::default()
    }
}

async fn collect(config: &Config) -> Snapshot {
    drready::collect::collect(config)
        .await
        .expect("collect never fails on AWS errors")
}

fn s(v: &Value) -> String {
    v.as_str()
        .unwrap_or_else(|| panic!("{v} is not a string"))
        .to_string()
}

fn by_name<'a, R: Resource>(items: &'a [R], name: &str) -> &'a R {
    items
        .iter()
        .find(|r| r.name() == name)
        .unwrap_or_else(|| panic!("no resource named {name}"))
}

fn by_id<'a, R: Resource>(items: &'a [R], id: &str) -> &'a R {
    items
        .iter()
        .find(|r| r.id() == id)
        .unwrap_or_else(|| panic!("no resource with id {id}"))
}

/// The seed summary's counts, in the snapshot's kind names.
fn seeded_counts(seed: &Value, site: &str) -> BTreeMap<&'static str, usize> {
    let c = &seed[site]["counts"];
    let n = |k: &str| c[k].as_u64().unwrap_or_else(|| panic!("no count {k}")) as usize;
    BTreeMap::from([
        ("instance", n("instances")),
        ("image", n("images")),
        ("launch_template", n("launch_templates")),
        ("volume", n("volumes")),
        ("snapshot", n("snapshots")),
        ("vpc", n("vpcs")),
        ("subnet", n("subnets")),
        ("security_group", n("security_groups")),
        ("bucket", n("buckets")),
        ("hosted_zone", n("hosted_zones")),
        ("record_set", n("record_sets")),
        ("health_check", n("health_checks")),
        ("role", n("roles")),
        ("instance_profile", n("instance_profiles")),
    ])
}

/// The site's counts of the kinds the seed summary counts. The seed's key pairs (one `APP-ops`
/// per application with a template) are not in its summary, and the managed prefix lists moto has
/// in every region are AWS's, not the seed's.
fn counts(site: &Site) -> BTreeMap<&'static str, usize> {
    let mut counts = site.counts();
    counts.remove("key_pair");
    assert!(site.ec2.key_pairs.iter().all(|k| k.name.ends_with("-ops")));
    counts.remove("prefix_list");
    assert!(site.ec2.prefix_lists.iter().all(|l| l.owner_id == "AWS"));
    // These estates are seeded without --platform (tests/live_{rds,keys,capacity,traffic}.rs
    // read the platform services): nothing of theirs, but the one EC2 vCPU quota every region has.
    assert_eq!(counts.remove("service_quota"), Some(1));
    assert_eq!(site.servicequotas.quotas[0].id, "ec2/L-1216C47A");
    for kind in [
        "db_instance",
        "db_cluster",
        "global_cluster",
        "db_snapshot",
        "table",
        "auto_scaling_group",
        "load_balancer",
        "target_group",
        "certificate",
        "kms_key",
        "secret",
    ] {
        assert_eq!(counts.remove(kind), Some(0), "{kind}");
    }
    counts
}

fn assert_sorted(site: &Site) {
    for (kind, ids) in site.identities() {
        let arns: Vec<&str> = ids.iter().map(|(_, arn)| *arn).collect();
        let mut sorted = arns.clone();
        sorted.sort();
        assert_eq!(arns, sorted, "{kind} not sorted by ARN");
    }
}

fn app<'a>(seed: &'a Value, name: &str) -> &'a Value {
    seed["apps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["name"] == name)
        .unwrap_or_else(|| panic!("no app {name} in seed summary"))
}

fn total_calls(site: &Site) -> u64 {
    site.api_calls.values().sum()
}

/// EC2 of the primary site: a full instance, launch template versions, AMI, volume, VPC and
/// security group, all against the seed summary.
fn check_primary_ec2(seed: &Value, p: &Site) {
    let a1 = &app(seed, "app01")["primary"];
    let net = &seed["primary"]["network"];
    let region = "us-east-1";
    let account = s(&seed["primary"]["account"]);

    let i = by_id(&p.ec2.instances, &s(&a1["instance"]));
    assert_eq!(
        i.arn,
        format!("arn:aws:ec2:{region}:{account}:instance/{}", i.id)
    );
    assert_eq!(i.name, "app01-web-use1");
    assert_eq!(i.tags["app"], "app01");
    assert_eq!(i.region, region);
    assert_eq!(i.account, account);
    assert_eq!(i.instance_type, "t3.small");
    assert_eq!(i.state, "running");
    assert_eq!(i.image_id.as_deref(), Some(s(&a1["image"]).as_str()));
    assert_eq!(i.vpc_id.as_deref(), Some(s(&net["vpc"]).as_str()));
    assert_eq!(i.subnet_id.as_deref(), Some(s(&net["subnets"][0]).as_str()));
    assert_eq!(i.availability_zone.as_deref(), Some("us-east-1a"));
    assert_eq!(
        i.instance_profile_arn.as_deref(),
        Some(format!("arn:aws:iam::{account}:instance-profile/app01-web-use1").as_str())
    );
    assert_eq!(i.security_group_ids, vec![s(&net["web_sg"])]);
    assert_eq!(
        i.launch_template_id.as_deref(),
        Some(s(&a1["launch_template"]).as_str())
    );
    assert_eq!(i.launch_template_version.as_deref(), Some("1"));

    // app01's template has a newer, non-default version 2.
    let lt = by_id(&p.ec2.launch_templates, &s(&a1["launch_template"]));
    assert_eq!(
        lt.arn,
        format!("arn:aws:ec2:{region}:{account}:launch-template/{}", lt.id)
    );
    assert_eq!(lt.name, "app01-web-use1");
    assert_eq!(lt.tags["app"], "app01");
    assert_eq!(lt.default_version_number, Some(1));
    assert_eq!(lt.latest_version_number, Some(2));
    let default = lt.default_version.as_ref().expect("default version data");
    let latest = lt.latest_version.as_ref().expect("latest version data");
    assert_eq!(default.version_number, 1);
    assert_eq!(latest.version_number, 2);
    assert_eq!(default.instance_type.as_deref(), Some("t3.small"));
    assert_eq!(latest.instance_type.as_deref(), Some("t3.medium"));
    for v in [default, latest] {
        assert_eq!(v.image_id.as_deref(), Some(s(&a1["image"]).as_str()));
        assert_eq!(v.instance_profile_name.as_deref(), Some("app01-web-use1"));
        assert_eq!(v.security_group_ids, vec![s(&net["web_sg"])]);
        assert_eq!(v.subnet_ids, vec![s(&net["subnets"][0])]);
        assert_eq!(v.key_name.as_deref(), Some("app01-ops"));
    }
    // Every template has both versions' data.
    for t in &p.ec2.launch_templates {
        assert!(
            t.default_version.is_some() && t.latest_version.is_some(),
            "{t:?}"
        );
    }

    let image = by_id(&p.ec2.images, &s(&a1["image"]));
    assert_eq!(
        image.arn,
        format!("arn:aws:ec2:{region}::image/{}", image.id)
    );
    assert_eq!(image.name, "app01-web-2026-11-01");
    assert_eq!(image.state, "available");
    assert!(image.creation_date.is_some());
    assert_eq!(image.block_device_snapshot_ids.len(), 1);
    let root = &image.block_device_snapshot_ids[0];
    assert!(
        p.ec2.snapshots.iter().any(|s| &s.id == root),
        "AMI root snapshot collected"
    );

    let volume = by_id(&p.ec2.volumes, &s(&a1["volume"]));
    assert_eq!(volume.name, "app01-data-use1");
    assert_eq!(volume.size_gib, 20);
    assert_eq!(volume.volume_type.as_deref(), Some("gp3"));
    assert_eq!(volume.attached_instance_ids, vec![i.id.clone()]);

    let snap = by_id(&p.ec2.snapshots, &s(&a1["snapshot"]));
    assert_eq!(
        snap.arn,
        format!("arn:aws:ec2:{region}::snapshot/{}", snap.id)
    );
    assert_eq!(snap.volume_id.as_deref(), Some(volume.id.as_str()));
    assert_eq!(snap.description, "app01 data daily");
    assert_eq!(snap.state, "completed");
    assert_eq!(snap.volume_size_gib, Some(20));
    assert!(snap.start_time.is_some());

    let vpc = by_id(&p.ec2.vpcs, &s(&net["vpc"]));
    assert_eq!(vpc.name, "dr-vpc-use1");
    assert_eq!(vpc.cidr_block.as_deref(), Some("10.0.0.0/16"));
    assert!(!vpc.is_default);
    assert_eq!(p.ec2.vpcs.iter().filter(|v| v.is_default).count(), 1);
    let subnet = by_id(&p.ec2.subnets, &s(&net["subnets"][1]));
    assert_eq!(subnet.name, "dr-app-b-use1");
    assert_eq!(subnet.vpc_id, vpc.id);
    assert_eq!(subnet.availability_zone.as_deref(), Some("us-east-1b"));

    let web = by_name(&p.ec2.security_groups, "dr-web-use1");
    assert_eq!(web.id, s(&net["web_sg"]));
    assert_eq!(web.vpc_id.as_deref(), Some(vpc.id.as_str()));
    assert_eq!(web.description, "web tier");
    let ingress = serde_json::to_value(&web.ingress).unwrap();
    assert_eq!(
        ingress,
        json!([
            {"protocol": "tcp", "from_port": 443, "to_port": 443, "cidr_ipv4": ["0.0.0.0/0"],
             "cidr_ipv6": ["::/0"], "source_security_group_ids": [], "prefix_list_ids": []},
            {"protocol": "tcp", "from_port": 8080, "to_port": 8080, "cidr_ipv4": [],
             "cidr_ipv6": [], "source_security_group_ids": [web.id], "prefix_list_ids": []},
        ])
    );
    let db = by_name(&p.ec2.security_groups, "dr-db-use1");
    assert_eq!(
        db.ingress[0].source_security_group_ids,
        vec![web.id.clone()]
    );
}

/// EC2 of the standby site: copies with lineage tags and the seeded compute defects.
fn check_standby_ec2(seed: &Value, sb: &Site) {
    let a1 = app(seed, "app01");
    let copy = by_id(&sb.ec2.images, &s(&a1["standby"]["image"]));
    assert_eq!(copy.region, "us-west-2");
    assert_eq!(copy.name, "app01-web-2026-11-01");
    assert_eq!(copy.tags["dr:source-ami-id"], s(&a1["primary"]["image"]));

    let snap_copy = by_id(&sb.ec2.snapshots, &s(&a1["standby"]["snapshot"]));
    assert_eq!(
        snap_copy.tags["dr:source-snapshot-id"],
        s(&a1["primary"]["snapshot"])
    );
    assert_eq!(
        snap_copy.description,
        format!("[Copied {} from us-east-1]", s(&a1["primary"]["snapshot"]))
    );
    assert_eq!(snap_copy.name, "app01-data-usw2");

    // Warm standby for app01: an instance launched from the standby template.
    let lt = by_name(&sb.ec2.launch_templates, "app01-web-usw2");
    let instance = by_id(&sb.ec2.instances, &s(&a1["standby"]["instance"]));
    assert_eq!(instance.launch_template_id.as_deref(), Some(lt.id.as_str()));
    assert_eq!(
        lt.default_version.as_ref().unwrap().image_id.as_deref(),
        Some(copy.id.as_str())
    );

    // Defects.
    let defects = &seed["defects"];
    let not_copied = app(seed, &s(&defects["ami_not_copied"]));
    let primary_ami = s(&not_copied["primary"]["image"]);
    assert!(
        !sb.ec2
            .images
            .iter()
            .any(|i| i.tag("dr:source-ami-id") == Some(primary_ami.as_str()))
    );
    let broken_lt = by_name(
        &sb.ec2.launch_templates,
        &format!("{}-web-usw2", s(&not_copied["name"])),
    );
    assert_eq!(
        broken_lt
            .latest_version
            .as_ref()
            .unwrap()
            .image_id
            .as_deref(),
        Some(primary_ami.as_str()),
        "the standby template of the uncopied AMI still names the primary AMI"
    );
    let twinless = format!("{}-web-usw2", s(&defects["launch_template_without_twin"]));
    assert!(!sb.ec2.launch_templates.iter().any(|t| t.name == twinless));
    assert!(sb.ec2.vpcs.iter().any(|v| v.name == "dr-vpc-usw2"));
    assert!(
        sb.ec2
            .security_groups
            .iter()
            .any(|g| g.name == "dr-web-usw2")
    );
}

/// S3 of both sites: every field of a rich replication rule, a plain one, and the bucket
/// without replication.
fn check_s3(seed: &Value, p: &Site, sb: &Site) {
    let standby_account = s(&seed["standby"]["account"]);
    let two_accounts = seed["two_accounts"] == true;
    assert!(p.s3.buckets.iter().all(|b| b.name.ends_with("-use1")));
    assert!(sb.s3.buckets.iter().all(|b| b.name.ends_with("-usw2")));

    let b = by_name(&p.s3.buckets, "app01-data-use1");
    assert_eq!(b.arn, "arn:aws:s3:::app01-data-use1");
    assert_eq!(b.id, "app01-data-use1");
    assert_eq!(b.region, "us-east-1");
    assert_eq!(b.account, s(&seed["primary"]["account"]));
    assert!(b.creation_date.is_some());
    assert_eq!(b.versioning.as_deref(), Some("Enabled"));
    assert_eq!(b.tags["app"], "app01");
    let enc = b.encryption.as_ref().expect("encryption");
    assert_eq!(enc.sse_algorithm, "aws:kms");
    assert_eq!(
        enc.kms_key_id.as_deref(),
        Some(format!("arn:aws:kms:us-east-1:{}:alias/app01-data", b.account).as_str())
    );
    assert!(enc.bucket_key_enabled);
    let repl = b.replication.as_ref().expect("replication");
    assert_eq!(
        repl.role,
        format!("arn:aws:iam::{}:role/dr-s3-replication", b.account)
    );
    assert_eq!(
        repl.rules.len(),
        2,
        "the filtered rule and the catch-all rule"
    );
    let rule = serde_json::to_value(&repl.rules[0]).unwrap();
    let mut expected = json!({
        "id": "app01-dr", "status": "Enabled", "priority": 1, "prefix": "data/",
        "filter_tags": {"replicate": "yes"},
        "destination": {
            "bucket": "arn:aws:s3:::app01-data-usw2",
            "storage_class": "STANDARD_IA",
            "replica_kms_key_id":
                format!("arn:aws:kms:us-west-2:{standby_account}:alias/app01-replica"),
            "replication_time_control": true, "metrics": true,
        },
        "delete_marker_replication": true,
        "sse_kms_encrypted_objects": true,
    });
    // An absent destination account is left out of the snapshot, not `null`.
    if two_accounts {
        expected["destination"]["account"] = json!(standby_account);
    }
    assert_eq!(rule, expected);

    let plain = by_name(&p.s3.buckets, "app03-data-use1");
    let rule = &plain.replication.as_ref().expect("replication").rules[0];
    assert_eq!(rule.prefix.as_deref(), Some(""));
    assert!(rule.filter_tags.is_empty());
    assert!(!rule.sse_kms_encrypted_objects);
    assert_eq!(rule.destination.replica_kms_key_id, None);
    assert_eq!(plain.encryption.as_ref().unwrap().sse_algorithm, "AES256");

    let unreplicated = format!(
        "{}-data-use1",
        s(&seed["defects"]["bucket_without_replication"])
    );
    assert_eq!(by_name(&p.s3.buckets, &unreplicated).replication, None);
    for b in &sb.s3.buckets {
        assert_eq!(b.versioning.as_deref(), Some("Enabled"), "{}", b.name);
        assert_eq!(b.replication, None);
        assert_eq!(b.account, standby_account);
    }
}

/// Route 53 of the account holding the zone: failover pairs, the missing SECONDARY, an alias,
/// health checks with their Name tags.
fn check_route53(seed: &Value, r53: &drready::snapshot::Route53Inventory) {
    let dns = &seed["dns"];
    let zone_id = s(&dns["zone_id"]);
    assert_eq!(r53.hosted_zones.len(), 1);
    let zone = &r53.hosted_zones[0];
    assert_eq!(zone.id, zone_id);
    assert_eq!(zone.arn, format!("arn:aws:route53:::hostedzone/{zone_id}"));
    assert_eq!(zone.name, "dr-demo.example.com.");
    assert_eq!(zone.region, "global");
    assert!(!zone.private_zone);
    assert_eq!(zone.record_count, Some(r53.record_sets.len() as i64));

    let name = "app01.dr-demo.example.com.";
    let pair: Vec<_> = r53
        .record_sets
        .iter()
        .filter(|r| r.name == name && r.failover.is_some())
        .collect();
    assert_eq!(pair.len(), 2);
    let primary = pair
        .iter()
        .find(|r| r.failover.as_deref() == Some("PRIMARY"))
        .unwrap();
    let secondary = pair
        .iter()
        .find(|r| r.failover.as_deref() == Some("SECONDARY"))
        .unwrap();
    assert_eq!(
        primary.arn,
        format!("arn:aws:route53:::hostedzone/{zone_id}/recordset/{name}/A/app01-primary")
    );
    assert_eq!(primary.zone_id, zone_id);
    assert_eq!(primary.record_type, "A");
    assert_eq!(primary.ttl, Some(60));
    assert_eq!(primary.set_identifier.as_deref(), Some("app01-primary"));
    assert_eq!(
        primary.health_check_id.as_deref(),
        Some(s(&dns["health_checks"]["app01"]).as_str())
    );
    assert_eq!(primary.values, vec!["10.0.1.1".to_string()]);
    assert_eq!(secondary.set_identifier.as_deref(), Some("app01-secondary"));
    assert_eq!(secondary.health_check_id, None);
    assert_eq!(secondary.values, vec!["10.1.1.1".to_string()]);

    let lonely = format!(
        "{}.dr-demo.example.com.",
        s(&seed["defects"]["failover_without_secondary"])
    );
    let failovers: Vec<_> = r53
        .record_sets
        .iter()
        .filter(|r| r.name == lonely)
        .filter_map(|r| r.failover.as_deref())
        .collect();
    assert_eq!(failovers, vec!["PRIMARY"]);

    let alias = r53
        .record_sets
        .iter()
        .find(|r| r.name == "api.dr-demo.example.com.")
        .expect("alias record");
    let target = alias.alias_target.as_ref().expect("alias target");
    assert_eq!(target.dns_name, name);
    assert_eq!(target.hosted_zone_id, zone_id);
    assert!(target.evaluate_target_health);

    let check = by_id(&r53.health_checks, &s(&dns["health_checks"]["app01"]));
    assert_eq!(
        check.arn,
        format!("arn:aws:route53:::healthcheck/{}", check.id)
    );
    assert_eq!(check.name, "app01-primary");
    assert_eq!(check.check_type, "HTTPS");
    assert_eq!(
        check.fqdn.as_deref(),
        Some("app01-use1.dr-demo.example.com")
    );
    assert_eq!(check.port, Some(443));
    assert_eq!(check.resource_path.as_deref(), Some("/health"));
    assert_eq!(check.request_interval, Some(30));
    assert_eq!(check.failure_threshold, Some(3));
    assert!(!check.disabled && !check.inverted);
}

/// IAM of one account: trust policies as JSON, policies, instance profiles and their roles.
fn check_iam(iam: &drready::snapshot::IamInventory, account: &str, standby_token: bool) {
    let role = by_name(&iam.roles, "app01-web");
    assert_eq!(
        role.arn,
        format!("arn:aws:iam::{account}:role/app/app01-web")
    );
    assert!(!role.id.is_empty());
    assert_eq!(role.path, "/app/");
    assert_eq!(role.region, "global");
    assert_eq!(role.account, account);
    assert_eq!(role.tags["app"], "app01");
    assert_eq!(
        role.trust_policy,
        json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
               "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]})
    );
    assert_eq!(
        role.attached_policy_arns,
        vec![format!("arn:aws:iam::{account}:policy/dr-common-read")]
    );
    assert_eq!(role.inline_policies.len(), 1);
    assert_eq!(role.inline_policies[0].name, "app01-data");
    assert_eq!(
        role.inline_policies[0].document["Statement"][0]["Resource"],
        "arn:aws:s3:::app01-data-*/*"
    );
    let replication = by_name(&iam.roles, "dr-s3-replication");
    assert_eq!(
        replication.trust_policy["Statement"][0]["Principal"]["Service"],
        "s3.amazonaws.com"
    );

    let token = if standby_token { "usw2" } else { "use1" };
    let profile = by_name(&iam.instance_profiles, &format!("app01-web-{token}"));
    assert_eq!(
        profile.arn,
        format!("arn:aws:iam::{account}:instance-profile/app01-web-{token}")
    );
    assert_eq!(profile.roles, vec!["app01-web".to_string()]);
    assert_eq!(profile.path, "/");
    assert_eq!(profile.tags["app"], "app01");
    assert!(
        !iam.instance_profiles
            .iter()
            .any(|p| p.name == "app06-web-usw2"),
        "the standby instance profile of app06 is a seeded defect"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn single_account_estate_is_collected_field_by_field() {
    fake_aws_env();
    let moto = Moto::start();
    // 400 extra records: ListResourceRecordSets needs two pages of 300.
    let seed = moto.seed(&["--defects", "--dns-records", "400"]);
    let snapshot = collect(&config(&moto.endpoint, &moto.endpoint)).await;
    let (p, sb) = (&snapshot.primary, &snapshot.standby);
    // SOA, NS, 6 PRIMARY and 5 SECONDARY failover records, an alias, a CNAME, 400 plain ones.
    assert_eq!(p.route53.record_sets.len(), 2 + 6 + 5 + 2 + 400);

    assert_eq!(snapshot.schema_version, drready::snapshot::SCHEMA_VERSION);
    assert!(snapshot.generator.starts_with("drready "));
    for (site, name, region) in [(p, "primary", "us-east-1"), (sb, "standby", "us-west-2")] {
        assert_eq!(site.collection_errors, vec![], "{name} errors");
        assert_eq!(site.account, PRIMARY_ACCOUNT);
        assert_eq!(site.region, region);
        assert_eq!(counts(site), seeded_counts(&seed, name), "{name} counts");
        assert_sorted(site);
    }

    check_primary_ec2(&seed, p);
    check_standby_ec2(&seed, sb);
    check_s3(&seed, p, sb);
    // One account: IAM and Route 53 are read once and stored in both sites.
    assert_eq!(p.iam, sb.iam);
    assert_eq!(p.route53, sb.route53);
    check_route53(&seed, &p.route53);
    check_iam(&p.iam, PRIMARY_ACCOUNT, false);
    check_iam(&p.iam, PRIMARY_ACCOUNT, true);

    for svc in ["ec2", "s3", "route53", "iam", "sts"] {
        assert!(
            p.api_calls.get(svc).copied().unwrap_or(0) > 0,
            "primary {svc} calls"
        );
    }
    for svc in ["ec2", "s3", "sts"] {
        assert!(
            sb.api_calls.get(svc).copied().unwrap_or(0) > 0,
            "standby {svc} calls"
        );
    }
    assert!(!sb.api_calls.contains_key("iam") && !sb.api_calls.contains_key("route53"));
    eprintln!(
        "API calls, single account, 6 apps: primary {:?} ({}), standby {:?} ({})",
        p.api_calls,
        total_calls(p),
        sb.api_calls,
        total_calls(sb)
    );

    // The snapshot survives its own file format.
    let text = serde_json::to_vec(&snapshot).unwrap();
    let back = drready::snapshot::parse(&text, "live").expect("valid snapshot");
    assert_eq!(back, snapshot);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_account_estate_is_collected_through_assume_role() {
    fake_aws_env();
    let moto = Moto::start();
    let seed = moto.seed(&["--defects", "--two-accounts"]);
    let mut config = config(&moto.endpoint, &moto.endpoint);
    config.standby.role_arn = Some(format!("arn:aws:iam::{STANDBY_ACCOUNT}:role/drready-read"));
    config.standby.external_id = Some("drready-test".into());
    let snapshot = collect(&config).await;
    let (p, sb) = (&snapshot.primary, &snapshot.standby);

    assert_eq!(p.account, PRIMARY_ACCOUNT);
    assert_eq!(sb.account, STANDBY_ACCOUNT);
    for (site, name) in [(p, "primary"), (sb, "standby")] {
        assert_eq!(site.collection_errors, vec![], "{name} errors");
        assert_eq!(counts(site), seeded_counts(&seed, name), "{name} counts");
        assert_sorted(site);
        for svc in ["ec2", "s3", "route53", "iam", "sts"] {
            assert!(
                site.api_calls.get(svc).copied().unwrap_or(0) > 0,
                "{name} {svc}"
            );
        }
    }
    // Every standby resource is the standby account's.
    for (kind, ids) in sb.identities() {
        for (_, arn) in ids {
            assert!(
                !arn.contains(PRIMARY_ACCOUNT),
                "{kind} {arn} belongs to the primary account"
            );
        }
    }

    check_primary_ec2(&seed, p);
    check_standby_ec2(&seed, sb);
    check_s3(&seed, p, sb);
    check_route53(&seed, &p.route53);
    assert!(sb.route53.hosted_zones.is_empty() && sb.route53.health_checks.is_empty());
    check_iam(&p.iam, PRIMARY_ACCOUNT, false);
    check_iam(&sb.iam, STANDBY_ACCOUNT, true);
    assert!(
        !p.iam
            .instance_profiles
            .iter()
            .any(|ip| ip.name.ends_with("-usw2")),
        "standby profiles live in the standby account"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dead_standby_is_recorded_and_the_primary_is_still_collected() {
    fake_aws_env();
    let moto = Moto::start();
    let seed = moto.seed(&["--apps", "2"]);
    // Nothing listens on this port: every standby connection is refused.
    let dead = format!("http://127.0.0.1:{}", free_port());
    let mut config = config(&moto.endpoint, &dead);
    config.collect = CollectConfig {
        max_concurrency: 4,
        attempt_timeout_secs: 2,
        call_timeout_secs: 4,
        max_attempts: 2,
    };
    let started = Instant::now();
    let snapshot = tokio::time::timeout(Duration::from_secs(60), collect(&config))
        .await
        .expect("collect returns within a bounded time");
    let elapsed = started.elapsed();
    assert!(elapsed < Duration::from_secs(30), "took {elapsed:?}");

    let (p, sb) = (&snapshot.primary, &snapshot.standby);
    assert_eq!(p.collection_errors, vec![]);
    assert_eq!(p.account, PRIMARY_ACCOUNT);
    assert_eq!(counts(p), seeded_counts(&seed, "primary"));

    assert_eq!(sb.account, drready::collect::UNKNOWN_ACCOUNT);
    assert_eq!(sb.region, "us-west-2");
    assert_eq!(
        sb.unlisted_services(),
        Service::ALL.iter().copied().collect()
    );
    assert!(sb.counts().values().all(|n| *n == 0));
    assert!(snapshot.is_incomplete());
    for e in &sb.collection_errors {
        assert_eq!(e.code, "ConnectionRefused", "{e:?}");
        assert_eq!(e.api, "GetCallerIdentity");
        assert!(e.message.contains("standby"), "{}", e.message);
        for secret in ["testing", "Signature", "Credential="] {
            assert!(!e.message.contains(secret), "{secret} in {}", e.message);
        }
    }
    assert_eq!(sb.api_calls.get("sts"), Some(&1));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn services_out_of_scope_are_neither_collected_nor_failed() {
    fake_aws_env();
    let moto = Moto::start();
    let seed = moto.seed(&["--apps", "1"]);
    let dead = format!("http://127.0.0.1:{}", free_port());
    let mut config = config(&moto.endpoint, &dead);
    config.scope = ScopeConfig {
        services: vec!["s3".into(), "iam".into()],
        ..Default::default()
    };
    config.collect.max_attempts = 1;
    let snapshot = collect(&config).await;
    let p = &snapshot.primary;
    assert_eq!(p.collection_errors, vec![]);
    assert_eq!(p.s3.buckets.len(), 1);
    assert_eq!(
        p.iam.roles.len() as u64,
        seed["primary"]["counts"]["roles"].as_u64().unwrap()
    );
    assert!(p.ec2.instances.is_empty() && p.route53.hosted_zones.is_empty());
    assert_eq!(
        p.api_calls.keys().map(String::as_str).collect::<Vec<_>>(),
        vec!["iam", "s3", "sts"]
    );
    // The unreachable standby fails only for the services in scope.
    assert_eq!(
        snapshot.standby.unlisted_services(),
        [Service::S3, Service::Iam].into_iter().collect()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unreachable_or_regionless_sites_fail_with_a_clear_code() {
    fake_aws_env();
    let dead = format!("http://127.0.0.1:{}", free_port());
    let mut config = config(&dead, &dead);
    config.standby.region = None;
    config.collect.max_attempts = 1;
    let snapshot = collect(&config).await;
    let (p, sb) = (&snapshot.primary, &snapshot.standby);
    assert_eq!(p.collection_errors.len(), Service::ALL.len());
    eprintln!("unreachable site: {}", p.collection_errors[0].message);
    for e in &p.collection_errors {
        assert_eq!(
            (e.api.as_str(), e.code.as_str()),
            ("GetCallerIdentity", "ConnectionRefused")
        );
        assert!(
            e.message.contains("Connection refused") && e.message.len() < 600,
            "{}",
            e.message
        );
    }
    assert_eq!(sb.region, "unknown");
    assert_eq!(sb.collection_errors.len(), Service::ALL.len());
    for e in &sb.collection_errors {
        assert_eq!(
            (e.api.as_str(), e.code.as_str()),
            ("ResolveRegion", "MissingRegion")
        );
    }
    assert!(sb.api_calls.is_empty(), "no call without a region");
}

/// Amazon's image account in moto's patched launcher: its public images get the owner alias
/// `amazon` (scripts/moto_server.py).
const AMAZON_ACCOUNT: &str = "137112412989";
/// The name Amazon publishes one AMI under in every region.
const AMAZON_IMAGE_NAME: &str = "al2023-ami-2023.6.20241010.0-kernel-6.1-x86_64";

/// An SDK configuration for moto in `region`, with the test's credentials or `credentials`.
async fn sdk(
    endpoint: &str,
    region: &str,
    credentials: Option<aws_sdk_sts::config::Credentials>,
) -> aws_config::SdkConfig {
    let mut loader = aws_config::defaults(aws_config::BehaviorVersion::latest())
        .region(aws_config::Region::new(region.to_string()))
        .endpoint_url(endpoint);
    if let Some(credentials) = credentials {
        loader = loader.credentials_provider(credentials);
    }
    loader.load().await
}

/// Credentials acting in `account` (moto: AssumeRole into any account id acts in it).
async fn act_as(conf: &aws_config::SdkConfig, account: &str) -> aws_sdk_sts::config::Credentials {
    let out = aws_sdk_sts::Client::new(conf)
        .assume_role()
        .role_arn(format!("arn:aws:iam::{account}:role/publisher"))
        .role_session_name("seed")
        .send()
        .await
        .expect("AssumeRole");
    let c = out.credentials().expect("credentials");
    aws_sdk_sts::config::Credentials::new(
        c.access_key_id(),
        c.secret_access_key(),
        Some(c.session_token().to_string()),
        None,
        "moto-assume-role",
    )
}

/// Registers a public image named `name` in the region of `conf`; its id.
async fn public_image(conf: &aws_config::SdkConfig, name: &str) -> String {
    use aws_sdk_ec2::types::{LaunchPermission, LaunchPermissionModifications, PermissionGroup};
    let ec2 = aws_sdk_ec2::Client::new(conf);
    let id = ec2
        .register_image()
        .name(name)
        .description("Amazon Linux 2023 AMI")
        .send()
        .await
        .expect("RegisterImage")
        .image_id
        .expect("image id");
    let everyone = LaunchPermission::builder()
        .group(PermissionGroup::All)
        .build();
    ec2.modify_image_attribute()
        .image_id(&id)
        .launch_permission(
            LaunchPermissionModifications::builder()
                .add(everyone)
                .build(),
        )
        .send()
        .await
        .expect("ModifyImageAttribute");
    id
}

/// Adds to a seeded one-application estate what the newer rules read, with the Rust SDK: a key
/// pair, an Amazon image in both regions (and an unrelated one), a primary template naming the
/// Amazon image with an encrypted EBS device, a standby template naming an image that does not
/// exist, CALCULATED and CLOUDWATCH_METRIC health checks, and access logging of the primary
/// bucket. Returns (Amazon image in the primary region, its standby twin, CALCULATED check id,
/// its child's id, CLOUDWATCH_METRIC check id).
async fn seed_newer_fields(endpoint: &str) -> (String, String, String, String, String) {
    let primary = sdk(endpoint, "us-east-1", None).await;
    let standby = sdk(endpoint, "us-west-2", None).await;
    let amazon = act_as(&primary, AMAZON_ACCOUNT).await;
    let amazon_east = sdk(endpoint, "us-east-1", Some(amazon.clone())).await;
    let amazon_west = sdk(endpoint, "us-west-2", Some(amazon)).await;
    let east_image = public_image(&amazon_east, AMAZON_IMAGE_NAME).await;
    let west_image = public_image(&amazon_west, AMAZON_IMAGE_NAME).await;
    // Same owner, another name: not a twin.
    public_image(
        &amazon_west,
        "al2023-ami-minimal-2023.6.20241010.0-kernel-6.1-x86_64",
    )
    .await;

    use aws_sdk_ec2::types::{
        KeyType, LaunchTemplateBlockDeviceMappingRequest, LaunchTemplateEbsBlockDeviceRequest,
        RequestLaunchTemplateData, VolumeType,
    };
    let ec2 = aws_sdk_ec2::Client::new(&primary);
    ec2.create_key_pair()
        .key_name("dr-ops-use1")
        .key_type(KeyType::Ed25519)
        .send()
        .await
        .expect("CreateKeyPair");
    let encrypted_root = LaunchTemplateBlockDeviceMappingRequest::builder()
        .device_name("/dev/xvda")
        .ebs(
            LaunchTemplateEbsBlockDeviceRequest::builder()
                .encrypted(true)
                .kms_key_id(format!(
                    "arn:aws:kms:us-east-1:{PRIMARY_ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
                ))
                .volume_type(VolumeType::Gp3)
                .volume_size(30)
                .build(),
        )
        .build();
    let scratch = LaunchTemplateBlockDeviceMappingRequest::builder()
        .device_name("/dev/sdb")
        .virtual_name("ephemeral0")
        .build();
    ec2.create_launch_template()
        .launch_template_name("base-web-use1")
        .launch_template_data(
            RequestLaunchTemplateData::builder()
                .image_id(&east_image)
                .instance_type(aws_sdk_ec2::types::InstanceType::T3Small)
                .block_device_mappings(encrypted_root)
                .block_device_mappings(scratch)
                .build(),
        )
        .send()
        .await
        .expect("CreateLaunchTemplate");
    aws_sdk_ec2::Client::new(&standby)
        .create_launch_template()
        .launch_template_name("base-web-usw2")
        .launch_template_data(
            RequestLaunchTemplateData::builder()
                .image_id("ami-0123456789abcdef0")
                .build(),
        )
        .send()
        .await
        .expect("CreateLaunchTemplate");

    use aws_sdk_route53::types::{
        AlarmIdentifier, CloudWatchRegion, HealthCheckConfig, HealthCheckType,
        InsufficientDataHealthStatus,
    };
    let r53 = aws_sdk_route53::Client::new(&primary);
    let create = |reference: &str, config: HealthCheckConfig| {
        let request = r53
            .create_health_check()
            .caller_reference(reference)
            .health_check_config(config);
        async move {
            request
                .send()
                .await
                .expect("CreateHealthCheck")
                .health_check
                .expect("health check")
                .id
        }
    };
    let child = create(
        "newer-child",
        HealthCheckConfig::builder()
            .r#type(HealthCheckType::Https)
            .fully_qualified_domain_name("base-use1.dr-demo.example.com")
            .port(443)
            .build()
            .unwrap(),
    )
    .await;
    let calculated = create(
        "newer-calculated",
        HealthCheckConfig::builder()
            .r#type(HealthCheckType::Calculated)
            .child_health_checks(&child)
            .health_threshold(1)
            .build()
            .unwrap(),
    )
    .await;
    let alarm = create(
        "newer-alarm",
        HealthCheckConfig::builder()
            .r#type(HealthCheckType::CloudwatchMetric)
            .alarm_identifier(
                AlarmIdentifier::builder()
                    .region(CloudWatchRegion::UsEast1)
                    .name("base-web-5xx")
                    .build()
                    .unwrap(),
            )
            .insufficient_data_health_status(InsufficientDataHealthStatus::LastKnownStatus)
            .build()
            .unwrap(),
    )
    .await;

    use aws_sdk_s3::types::{BucketCannedAcl, BucketLoggingStatus, LoggingEnabled};
    let s3 = aws_sdk_s3::Client::from_conf(
        aws_sdk_s3::config::Builder::from(&primary)
            .force_path_style(true)
            .build(),
    );
    s3.create_bucket()
        .bucket("dr-access-logs-use1")
        .send()
        .await
        .expect("CreateBucket");
    s3.put_bucket_acl()
        .bucket("dr-access-logs-use1")
        .acl(BucketCannedAcl::from("log-delivery-write"))
        .send()
        .await
        .expect("PutBucketAcl");
    s3.put_bucket_logging()
        .bucket("app01-data-use1")
        .bucket_logging_status(
            BucketLoggingStatus::builder()
                .logging_enabled(
                    LoggingEnabled::builder()
                        .target_bucket("dr-access-logs-use1")
                        .target_prefix("app01/")
                        .build()
                        .unwrap(),
                )
                .build(),
        )
        .send()
        .await
        .expect("PutBucketLogging");
    (east_image, west_image, calculated, child, alarm)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn key_pairs_prefix_lists_block_devices_checks_logging_and_foreign_images_are_collected() {
    fake_aws_env();
    let moto = Moto::start();
    moto.seed(&["--apps", "1"]);
    let (east_image, west_image, calculated, child, alarm) =
        seed_newer_fields(&moto.endpoint).await;
    let snapshot = collect(&config(&moto.endpoint, &moto.endpoint)).await;
    let (p, sb) = (&snapshot.primary, &snapshot.standby);
    // The standby template's image does not exist: absent, and not an error.
    assert_eq!(p.collection_errors, vec![]);
    assert_eq!(sb.collection_errors, vec![]);
    assert!(
        !sb.ec2
            .images
            .iter()
            .any(|i| i.id == "ami-0123456789abcdef0")
    );

    // Key pairs.
    let key = by_name(&p.ec2.key_pairs, "dr-ops-use1");
    assert!(key.id.starts_with("key-"), "{key:?}");
    assert_eq!(
        key.arn,
        format!(
            "arn:aws:ec2:us-east-1:{PRIMARY_ACCOUNT}:key-pair/{}",
            key.id
        )
    );
    assert_eq!(key.key_type.as_deref(), Some("ed25519"));
    assert!(key.fingerprint.as_deref().is_some_and(|f| !f.is_empty()));
    assert_eq!(
        (key.region.as_str(), key.account.as_str()),
        ("us-east-1", PRIMARY_ACCOUNT)
    );
    // Key pairs are regional: the primary's is not listed in the standby.
    assert!(sb.ec2.key_pairs.iter().all(|k| k.name != "dr-ops-use1"));

    // AWS-managed prefix lists, in each site's region.
    for (site, region) in [(p, "us-east-1"), (sb, "us-west-2")] {
        let s3 = by_name(
            &site.ec2.prefix_lists,
            &format!("com.amazonaws.{region}.s3"),
        );
        assert!(s3.id.starts_with("pl-"), "{s3:?}");
        assert_eq!(s3.owner_id, "AWS");
        assert_eq!(s3.address_family.as_deref(), Some("IPv4"));
        assert!(
            s3.arn.starts_with(&format!("arn:aws:ec2:{region}:")),
            "{}",
            s3.arn
        );
        assert!(
            s3.arn.ends_with(&format!(":prefix-list/{}", s3.id)),
            "{}",
            s3.arn
        );
    }

    // The template's EBS devices (the instance-store mapping is left out).
    let lt = by_name(&p.ec2.launch_templates, "base-web-use1");
    let data = lt.default_version.as_ref().expect("default version");
    assert_eq!(data.image_id.as_deref(), Some(east_image.as_str()));
    assert_eq!(
        serde_json::to_value(&data.block_devices).unwrap(),
        json!([{
            "device_name": "/dev/xvda", "encrypted": true,
            "kms_key_id": format!(
                "arn:aws:kms:us-east-1:{PRIMARY_ACCOUNT}:key/1234abcd-12ab-34cd-56ef-1234567890ab"
            ),
            "volume_type": "gp3", "volume_size_gib": 30,
        }])
    );
    // The seeded template has no block device mappings.
    let seeded = by_name(&p.ec2.launch_templates, "app01-web-use1");
    assert!(
        seeded
            .default_version
            .as_ref()
            .unwrap()
            .block_devices
            .is_empty()
    );

    // The Amazon image the template names, whatever its owner; the account's own images say
    // who owns them.
    let amazon = by_id(&p.ec2.images, &east_image);
    assert_eq!(
        amazon.arn,
        format!("arn:aws:ec2:us-east-1::image/{east_image}")
    );
    assert_eq!(amazon.name, AMAZON_IMAGE_NAME);
    assert_eq!(amazon.owner_id.as_deref(), Some(AMAZON_ACCOUNT));
    assert_eq!(amazon.owner_alias.as_deref(), Some("amazon"));
    assert!(amazon.public);
    assert_eq!(amazon.account, PRIMARY_ACCOUNT);
    let own = by_name(&p.ec2.images, "app01-web-2026-11-01");
    assert_eq!(own.owner_id.as_deref(), Some(PRIMARY_ACCOUNT));
    assert_eq!(own.owner_alias, None);
    assert!(!own.public);
    assert_eq!(
        p.ec2.images.len(),
        2,
        "own image and the named Amazon image"
    );
    // Its standby twin, found by owner and name; the other Amazon image is not read.
    let twin = by_id(&sb.ec2.images, &west_image);
    assert_eq!(
        twin.arn,
        format!("arn:aws:ec2:us-west-2::image/{west_image}")
    );
    assert_eq!(twin.name, AMAZON_IMAGE_NAME);
    assert_eq!(twin.owner_id.as_deref(), Some(AMAZON_ACCOUNT));
    assert_eq!(twin.region, "us-west-2");
    assert_eq!(
        sb.ec2
            .images
            .iter()
            .filter(|i| i.owner_id.as_deref() == Some(AMAZON_ACCOUNT))
            .count(),
        1
    );

    // Health checks.
    let calc = by_id(&p.route53.health_checks, &calculated);
    assert_eq!(calc.check_type, "CALCULATED");
    assert_eq!(calc.child_health_checks, vec![child.clone()]);
    assert_eq!(calc.health_threshold, Some(1));
    let https = by_id(&p.route53.health_checks, &child);
    assert!(https.child_health_checks.is_empty() && https.health_threshold.is_none());
    let metric = by_id(&p.route53.health_checks, &alarm);
    assert_eq!(metric.check_type, "CLOUDWATCH_METRIC");
    assert_eq!(
        metric.cloudwatch_alarm_name.as_deref(),
        Some("base-web-5xx")
    );
    assert_eq!(metric.cloudwatch_alarm_region.as_deref(), Some("us-east-1"));
    assert_eq!(
        metric.insufficient_data_health_status.as_deref(),
        Some("LastKnownStatus")
    );

    // Access logging.
    let logged = by_name(&p.s3.buckets, "app01-data-use1");
    assert_eq!(
        logged.logging_target.as_deref(),
        Some("dr-access-logs-use1")
    );
    assert_eq!(
        by_name(&p.s3.buckets, "dr-access-logs-use1").logging_target,
        None
    );
    assert_eq!(
        by_name(&sb.s3.buckets, "app01-data-usw2").logging_target,
        None
    );

    let text = serde_json::to_vec(&snapshot).unwrap();
    let back = drready::snapshot::parse(&text, "live").expect("valid snapshot");
    assert_eq!(back, snapshot);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_denied_per_resource_read_names_its_resource_and_spares_the_others() {
    fake_aws_env();
    let moto = Moto::start();
    let seed = moto.seed(&["--apps", "2"]);
    let proxy = Proxy::builder(&moto.endpoint)
        .rule(Rule::new(Fault::AccessDenied).operation("GetBucketLogging"))
        .rule(Rule::new(Fault::AccessDenied).operation("ListTagsForResources"))
        .rule(
            Rule::new(Fault::AccessDenied)
                .operation("DescribeKeyPairs")
                .region("us-west-2"),
        )
        .start();
    let snapshot = collect(&config(&proxy.endpoint, &proxy.endpoint)).await;
    let (p, sb) = (&snapshot.primary, &snapshot.standby);

    for site in [p, sb] {
        // One error per bucket, naming it; the bucket's other reads and every other bucket
        // are still there.
        let logging: BTreeMap<&str, &str> = site
            .collection_errors
            .iter()
            .filter(|e| e.api == "GetBucketLogging")
            .map(|e| (e.resource.as_deref().expect("resource"), e.code.as_str()))
            .collect();
        let buckets: BTreeMap<&str, &str> = site
            .s3
            .buckets
            .iter()
            .map(|b| (b.arn.as_str(), "AccessDenied"))
            .collect();
        assert_eq!(site.s3.buckets.len(), 2);
        assert_eq!(logging, buckets);
        for b in &site.s3.buckets {
            assert_eq!(b.versioning.as_deref(), Some("Enabled"), "{}", b.name);
            assert_eq!(b.tags["app"], b.name[..5], "{}", b.name);
        }
    }
    // Route 53 tags: one error per zone and health check, naming it; zones, records and checks
    // are all read.
    let r53 = &p.route53;
    assert_eq!(r53.hosted_zones.len(), 1);
    assert_eq!(
        r53.health_checks.len() as u64,
        seed["primary"]["counts"]["health_checks"].as_u64().unwrap()
    );
    let mut tagged: Vec<&str> = p
        .collection_errors
        .iter()
        .filter(|e| e.api == "ListTagsForResources")
        .map(|e| e.resource.as_deref().expect("resource"))
        .collect();
    tagged.sort();
    let mut expected: Vec<&str> = r53
        .hosted_zones
        .iter()
        .map(|z| z.arn.as_str())
        .chain(r53.health_checks.iter().map(|h| h.arn.as_str()))
        .collect();
    expected.sort();
    assert_eq!(tagged, expected);
    // A listing that fails concerns the whole kind: no resource.
    let keys: Vec<_> = sb
        .collection_errors
        .iter()
        .filter(|e| e.api == "DescribeKeyPairs")
        .collect();
    assert_eq!(keys.len(), 1, "{keys:?}");
    assert_eq!(keys[0].resource, None);
    assert_eq!(keys[0].code, "UnauthorizedOperation");
    assert!(
        keys[0].message.contains("ec2:DescribeKeyPairs"),
        "{}",
        keys[0].message
    );
    // Every other error names its resource.
    for e in p.collection_errors.iter().chain(&sb.collection_errors) {
        assert!(e.api == "DescribeKeyPairs" || e.resource.is_some(), "{e:?}");
    }
    assert!(
        !p.collection_errors
            .iter()
            .any(|e| e.api == "DescribeKeyPairs")
    );
}
