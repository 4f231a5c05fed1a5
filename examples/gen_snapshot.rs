//! Writes a synthetic two-site snapshot of a given size, for the evaluation benchmark
//! (`scripts/bench-evaluate`, docs/performance.md).
//!
//! ```text
//! cargo run --release --example gen_snapshot -- --resources 100000 --out /tmp/snap-100k.json
//! ```
//!
//! The estate is a pilot-light DR setup of many applications, shaped like the bundled fixtures and
//! the moto seed: per application, in the primary region (account 111111111111, us-east-1) an AMI
//! family of three builds with root snapshots, a launch template, two instances with a root and a
//! data volume each, three snapshots per data volume, web and db security groups, a replicated
//! versioned KMS-encrypted bucket, an IAM role and instance profile, a health check and three
//! Route 53 records (a failover pair and a CNAME); in the standby region (account 222222222222,
//! us-west-2) copies of the two newest AMIs and of the newest data snapshots (lineage tags), a
//! launch template, security groups, the destination bucket (replicating back), role and profile;
//! every tenth application is warm standby and also runs an instance there. Applications share a
//! VPC with three subnets per 25 applications and a hosted zone per 100.
//!
//! `--defect-rate` (default 0.08) is the share of applications that carry one defect drawn from
//! the rules' subjects (no replication, AMI not copied, missing standby template, failover without
//! SECONDARY, missing standby instance profile, stale snapshot copy, security-group drift,
//! instance-type drift, suspended versioning, PRIMARY without health check, role policy drift,
//! KMS-encrypted objects not selected for replication, a replication role that does not exist, a
//! standby role whose policy names only the primary's bucket, primary instances in a subnet
//! without a standby twin, standby security groups in another VPC than the template's subnet).
//! Output is deterministic for a given size, rate and seed. About 41 resources per application
//! (both sites counted); applications are added until `--resources` is reached.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, TimeZone, Utc};
use drready::snapshot::*;
use serde_json::json;

const P_ACCOUNT: &str = "111111111111";
const S_ACCOUNT: &str = "222222222222";
const P_REGION: &str = "us-east-1";
const S_REGION: &str = "us-west-2";
const P_TOKEN: &str = "use1";
const S_TOKEN: &str = "usw2";
const APPS_PER_VPC: usize = 25;
const APPS_PER_ZONE: usize = 100;

const DEFECTS: [&str; 16] = [
    "bucket_without_replication",
    "ami_not_copied",
    "launch_template_without_twin",
    "failover_without_secondary",
    "standby_instance_profile_missing",
    "snapshot_copy_stale",
    "security_group_drift",
    "instance_type_drift",
    "standby_versioning_suspended",
    "primary_without_health_check",
    "role_policy_drift",
    "kms_objects_not_selected",
    "replication_role_missing",
    "policy_pinned_to_primary",
    "subnet_missing_in_standby",
    "standby_groups_in_another_vpc",
];

/// splitmix64: deterministic ids without a dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
    fn hex(&mut self, n: usize) -> String {
        let mut s = String::with_capacity(n);
        while s.len() < n {
            s.push_str(&format!("{:016x}", self.next()));
        }
        s.truncate(n);
        s
    }
    fn ec2_id(&mut self, prefix: &str) -> String {
        format!("{prefix}-0{}", self.hex(16))
    }
}

struct Args {
    resources: usize,
    out: String,
    defect_rate: f64,
    seed: u64,
}

fn args() -> Args {
    let mut a = Args {
        resources: 10_000,
        out: "-".into(),
        defect_rate: 0.08,
        seed: 7,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().unwrap_or_else(|| panic!("{flag} needs a value"));
        match flag.as_str() {
            "--resources" => a.resources = value().parse().expect("--resources N"),
            "--out" => a.out = value(),
            "--defect-rate" => a.defect_rate = value().parse().expect("--defect-rate 0.0-1.0"),
            "--seed" => a.seed = value().parse().expect("--seed N"),
            "-h" | "--help" => {
                println!("gen_snapshot [--resources N] [--out FILE] [--defect-rate R] [--seed S]");
                std::process::exit(0);
            }
            other => panic!("unknown argument {other}"),
        }
    }
    a
}

fn tags(pairs: &[(&str, &str)]) -> Tags {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn common_tags(app: &str, name: Option<&str>) -> Tags {
    let mut t = tags(&[
        ("app", app),
        ("env", "prod"),
        ("owner", "team-platform"),
        ("cost-center", "cc-4711"),
    ]);
    if let Some(n) = name {
        t.insert("Name".into(), n.into());
    }
    t
}

fn site(account: &str, region: &str, at: DateTime<Utc>) -> Site {
    Site {
        account: account.into(),
        region: region.into(),
        collected_at: at,
        ..Site::default()
    }
}

/// Networking shared by a group of applications, in one site.
struct Network {
    vpc_id: String,
    subnet_ids: Vec<String>,
}

fn network(s: &mut Site, rng: &mut Rng, token: &str, group: usize, second_octet: usize) -> Network {
    let region = s.region.clone();
    let account = s.account.clone();
    let vpc_id = rng.ec2_id("vpc");
    let name = format!("prod-{token}-vpc{group:03}");
    s.ec2.vpcs.push(Vpc {
        arn: format!("arn:aws:ec2:{region}:{account}:vpc/{vpc_id}"),
        id: vpc_id.clone(),
        name: name.clone(),
        tags: common_tags("platform", Some(&name)),
        region: region.clone(),
        account: account.clone(),
        cidr_block: Some(format!("10.{second_octet}.{}.0/20", (group % 16) * 16)),
        is_default: false,
    });
    let mut subnet_ids = Vec::new();
    for (k, az) in ["a", "b", "c"].iter().enumerate() {
        let id = rng.ec2_id("subnet");
        let name = format!("prod-{token}-vpc{group:03}-private-{az}");
        let cidr = format!("10.{second_octet}.{}.0/22", (group % 16) * 16 + k * 4);
        let sub = subnet(s, &id, &name, "platform", &vpc_id, Some(cidr), az);
        s.ec2.subnets.push(sub);
        subnet_ids.push(id);
    }
    Network { vpc_id, subnet_ids }
}

/// A subnet of site `s` in availability zone `az` (a, b, c) of its region.
fn subnet(
    s: &Site,
    id: &str,
    name: &str,
    app: &str,
    vpc_id: &str,
    cidr: Option<String>,
    az: &str,
) -> Subnet {
    Subnet {
        arn: format!("arn:aws:ec2:{}:{}:subnet/{id}", s.region, s.account),
        id: id.into(),
        name: name.into(),
        tags: common_tags(app, Some(name)),
        region: s.region.clone(),
        account: s.account.clone(),
        vpc_id: vpc_id.into(),
        cidr_block: cidr,
        availability_zone: Some(format!("{}{az}", s.region)),
    }
}

fn ingress(protocol: &str, port: i64, cidrs: &[&str], groups: &[String]) -> IngressRule {
    IngressRule {
        protocol: protocol.into(),
        from_port: Some(port),
        to_port: Some(port),
        cidr_ipv4: cidrs.iter().map(|c| c.to_string()).collect(),
        cidr_ipv6: Vec::new(),
        source_security_group_ids: groups.to_vec(),
        prefix_list_ids: Vec::new(),
    }
}

/// The web and db security groups of one application in one site; returns their ids.
fn security_groups(
    s: &mut Site,
    rng: &mut Rng,
    app: &str,
    token: &str,
    net: &Network,
    web_port: i64,
) -> (String, String) {
    let region = s.region.clone();
    let account = s.account.clone();
    let web = rng.ec2_id("sg");
    let db = rng.ec2_id("sg");
    for (id, tier, rules) in [
        (
            &web,
            "web",
            vec![
                ingress("tcp", web_port, &["0.0.0.0/0"], &[]),
                ingress("tcp", 22, &["10.0.0.0/8"], &[]),
            ],
        ),
        (
            &db,
            "db",
            vec![ingress("tcp", 5432, &[], std::slice::from_ref(&web))],
        ),
    ] {
        let name = format!("{app}-{tier}-{token}");
        s.ec2.security_groups.push(SecurityGroup {
            arn: format!("arn:aws:ec2:{region}:{account}:security-group/{id}"),
            id: id.clone(),
            name: name.clone(),
            tags: common_tags(app, Some(&name)),
            region: region.clone(),
            account: account.clone(),
            vpc_id: Some(net.vpc_id.clone()),
            description: format!("{tier} tier of {app}"),
            ingress: rules,
        });
    }
    (web, db)
}

fn image(
    s: &Site,
    id: &str,
    name: &str,
    app: &str,
    created: DateTime<Utc>,
    snapshot_id: &str,
    source: Option<&str>,
) -> Image {
    let mut t = common_tags(app, None);
    t.insert("build".into(), "packer".into());
    if let Some(src) = source {
        t.insert("dr:source-ami-id".into(), src.into());
    }
    Image {
        arn: format!("arn:aws:ec2:{}::image/{id}", s.region),
        id: id.into(),
        name: name.into(),
        tags: t,
        region: s.region.clone(),
        account: s.account.clone(),
        creation_date: Some(created),
        state: "available".into(),
        deprecation_time: None,
        architecture: Some("x86_64".into()),
        block_device_snapshot_ids: vec![snapshot_id.into()],
        source_image_id: None,
        source_image_region: None,
        owner_id: Some(s.account.clone()),
        owner_alias: None,
        public: false,
    }
}

#[allow(clippy::too_many_arguments)]
fn snapshot(
    s: &Site,
    id: &str,
    app: &str,
    volume_id: &str,
    started: DateTime<Utc>,
    size: i64,
    description: String,
    source: Option<&str>,
) -> EbsSnapshot {
    let mut t = common_tags(app, None);
    if let Some(src) = source {
        t.insert("dr:source-snapshot-id".into(), src.into());
    }
    EbsSnapshot {
        arn: format!("arn:aws:ec2:{}::snapshot/{id}", s.region),
        id: id.into(),
        name: String::new(),
        tags: t,
        region: s.region.clone(),
        account: s.account.clone(),
        volume_id: Some(volume_id.into()),
        start_time: Some(started),
        state: "completed".into(),
        description,
        encrypted: true,
        kms_key_id: Some(kms(&s.region, &s.account, app)),
        volume_size_gib: Some(size),
    }
}

fn kms(region: &str, account: &str, app: &str) -> String {
    format!("arn:aws:kms:{region}:{account}:key/{app}-0000-4000-8000-000000000000")
}

#[allow(clippy::too_many_arguments)]
fn launch_template(
    s: &Site,
    id: &str,
    name: &str,
    app: &str,
    image_id: &str,
    instance_type: &str,
    profile: &str,
    sg: &str,
    subnet: &str,
) -> LaunchTemplate {
    let data = LaunchTemplateData {
        version_number: 3,
        image_id: Some(image_id.into()),
        instance_type: Some(instance_type.into()),
        instance_profile_arn: Some(format!(
            "arn:aws:iam::{}:instance-profile/{profile}",
            s.account
        )),
        instance_profile_name: None,
        security_group_ids: vec![sg.into()],
        subnet_ids: vec![subnet.into()],
        key_name: Some(format!("{app}-ops")),
        block_devices: Vec::new(),
    };
    LaunchTemplate {
        arn: format!(
            "arn:aws:ec2:{}:{}:launch-template/{id}",
            s.region, s.account
        ),
        id: id.into(),
        name: name.into(),
        tags: common_tags(app, None),
        region: s.region.clone(),
        account: s.account.clone(),
        default_version_number: Some(3),
        latest_version_number: Some(3),
        default_version: Some(data.clone()),
        latest_version: Some(data),
    }
}

#[allow(clippy::too_many_arguments)]
fn instance(
    s: &Site,
    id: &str,
    name: &str,
    app: &str,
    tier: &str,
    instance_type: &str,
    image_id: &str,
    net: &Network,
    k: usize,
    profile: &str,
    sg: &str,
    lt: &str,
) -> Instance {
    let mut t = common_tags(app, Some(name));
    t.insert("dr:tier".into(), tier.into());
    t.insert("aws:ec2launchtemplate:id".into(), lt.into());
    t.insert("aws:ec2launchtemplate:version".into(), "3".into());
    let az = ["a", "b", "c"][k % 3];
    Instance {
        arn: format!("arn:aws:ec2:{}:{}:instance/{id}", s.region, s.account),
        id: id.into(),
        name: name.into(),
        tags: t,
        region: s.region.clone(),
        account: s.account.clone(),
        instance_type: instance_type.into(),
        state: "running".into(),
        image_id: Some(image_id.into()),
        vpc_id: Some(net.vpc_id.clone()),
        subnet_id: Some(net.subnet_ids[k % 3].clone()),
        availability_zone: Some(format!("{}{az}", s.region)),
        instance_profile_arn: Some(format!(
            "arn:aws:iam::{}:instance-profile/{profile}",
            s.account
        )),
        security_group_ids: vec![sg.into()],
        launch_template_id: Some(lt.into()),
        launch_template_version: Some("3".into()),
    }
}

fn volume(
    s: &Site,
    id: &str,
    name: &str,
    app: &str,
    size: i64,
    az: &str,
    instance_id: &str,
) -> Volume {
    Volume {
        arn: format!("arn:aws:ec2:{}:{}:volume/{id}", s.region, s.account),
        id: id.into(),
        name: name.into(),
        tags: common_tags(app, Some(name)),
        region: s.region.clone(),
        account: s.account.clone(),
        size_gib: size,
        volume_type: Some("gp3".into()),
        availability_zone: Some(az.into()),
        state: "in-use".into(),
        encrypted: true,
        kms_key_id: Some(kms(&s.region, &s.account, app)),
        attached_instance_ids: vec![instance_id.into()],
    }
}

fn bucket(
    s: &Site,
    name: &str,
    app: &str,
    versioning: &str,
    destination: Option<(&str, &str, &str)>,
) -> Bucket {
    let replication =
        destination.map(
            |(dest, dest_account, dest_region)| ReplicationConfiguration {
                role: format!("arn:aws:iam::{}:role/dr-s3-replication", s.account),
                rules: vec![ReplicationRule {
                    id: Some(format!("dr-to-{dest_region}")),
                    status: "Enabled".into(),
                    priority: Some(1),
                    prefix: None,
                    filter_tags: Tags::new(),
                    destination: ReplicationDestination {
                        bucket: format!("arn:aws:s3:::{dest}"),
                        account: Some(dest_account.into()),
                        storage_class: Some("STANDARD".into()),
                        replica_kms_key_id: Some(kms(dest_region, dest_account, app)),
                        replication_time_control: true,
                        metrics: true,
                    },
                    delete_marker_replication: true,
                    sse_kms_encrypted_objects: true,
                }],
            },
        );
    Bucket {
        arn: format!("arn:aws:s3:::{name}"),
        id: name.into(),
        name: name.into(),
        tags: common_tags(app, None),
        region: s.region.clone(),
        account: s.account.clone(),
        creation_date: Some(Utc.with_ymd_and_hms(2026, 3, 4, 16, 20, 0).unwrap()),
        versioning: Some(versioning.into()),
        encryption: Some(BucketEncryption {
            sse_algorithm: "aws:kms".into(),
            kms_key_id: Some(kms(&s.region, &s.account, app)),
            bucket_key_enabled: true,
        }),
        replication,
        logging_target: None,
    }
}

fn role(s: &Site, rng: &mut Rng, app: &str, bucket: &str, drop_policy: bool) -> Role {
    let name = format!("{app}-web");
    let mut attached = vec![
        format!("arn:aws:iam::{}:policy/dr-common-read", s.account),
        "arn:aws:iam::aws:policy/CloudWatchAgentServerPolicy".to_string(),
    ];
    if drop_policy {
        attached.pop();
    }
    Role {
        arn: format!("arn:aws:iam::{}:role/{name}", s.account),
        id: format!("AROA{}", rng.hex(17).to_uppercase()),
        name: name.clone(),
        tags: common_tags(app, None),
        region: "global".into(),
        account: s.account.clone(),
        path: "/".into(),
        trust_policy: json!({
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"},
                           "Action": "sts:AssumeRole"}]
        }),
        attached_policy_arns: attached,
        inline_policies: vec![InlinePolicy {
            name: "data-access".into(),
            document: json!({
                "Version": "2012-10-17",
                "Statement": [{"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"],
                               "Resource": [format!("arn:aws:s3:::{bucket}/*")]}]
            }),
        }],
    }
}

fn profile(s: &Site, rng: &mut Rng, app: &str, name: &str) -> InstanceProfile {
    InstanceProfile {
        arn: format!("arn:aws:iam::{}:instance-profile/{name}", s.account),
        id: format!("AIPA{}", rng.hex(17).to_uppercase()),
        name: name.into(),
        tags: common_tags(app, None),
        region: "global".into(),
        account: s.account.clone(),
        path: "/".into(),
        roles: vec![format!("{app}-web")],
    }
}

#[allow(clippy::too_many_arguments)]
fn record(
    s: &Site,
    zone: &HostedZone,
    name: &str,
    ty: &str,
    set_id: Option<&str>,
    failover: Option<&str>,
    health_check: Option<&str>,
    alias: Option<(&str, &str)>,
    values: Vec<String>,
) -> RecordSet {
    let id = match set_id {
        Some(sid) => format!("{name}/{ty}/{sid}"),
        None => format!("{name}/{ty}"),
    };
    RecordSet {
        arn: format!("arn:aws:route53:::hostedzone/{}/recordset/{id}", zone.id),
        id,
        name: name.into(),
        tags: Tags::new(),
        region: "global".into(),
        account: s.account.clone(),
        zone_id: zone.id.clone(),
        record_type: ty.into(),
        ttl: if alias.is_some() { None } else { Some(60) },
        set_identifier: set_id.map(String::from),
        failover: failover.map(String::from),
        health_check_id: health_check.map(String::from),
        alias_target: alias.map(|(dns, zone)| AliasTarget {
            dns_name: dns.into(),
            hosted_zone_id: zone.into(),
            evaluate_target_health: true,
        }),
        values,
        weight: None,
        routing_region: None,
    }
}

fn count(s: &Site) -> usize {
    let e = &s.ec2;
    e.instances.len()
        + e.images.len()
        + e.launch_templates.len()
        + e.volumes.len()
        + e.snapshots.len()
        + e.vpcs.len()
        + e.subnets.len()
        + e.security_groups.len()
        + s.s3.buckets.len()
        + s.route53.hosted_zones.len()
        + s.route53.record_sets.len()
        + s.route53.health_checks.len()
        + s.iam.roles.len()
        + s.iam.instance_profiles.len()
}

fn main() {
    let args = args();
    let mut rng = Rng(args.seed);
    let now = Utc.with_ymd_and_hms(2026, 11, 20, 10, 0, 0).unwrap();
    let mut p = site(P_ACCOUNT, P_REGION, now - Duration::seconds(19));
    let mut s = site(S_ACCOUNT, S_REGION, now - Duration::seconds(7));
    let mut defects: BTreeMap<&str, usize> = BTreeMap::new();

    // Account-wide resources.
    for (site, acct) in [(&mut p, P_ACCOUNT), (&mut s, S_ACCOUNT)] {
        let mut r = role(site, &mut rng, "platform", "unused", false);
        r.name = "dr-s3-replication".into();
        r.arn = format!("arn:aws:iam::{acct}:role/dr-s3-replication");
        r.trust_policy = json!({"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
            "Principal": {"Service": "s3.amazonaws.com"}, "Action": "sts:AssumeRole"}]});
        site.iam.roles.push(r);
    }

    let mut nets: Option<(Network, Network)> = None;
    let mut zone: Option<HostedZone> = None;
    let mut i = 0usize;
    while count(&p) + count(&s) < args.resources {
        let app = format!("app{i:05}");
        if i.is_multiple_of(APPS_PER_VPC) {
            let g = i / APPS_PER_VPC;
            nets = Some((
                network(&mut p, &mut rng, P_TOKEN, g, 10),
                network(&mut s, &mut rng, S_TOKEN, g, 20),
            ));
        }
        if i.is_multiple_of(APPS_PER_ZONE) {
            let id = format!("Z{}", rng.hex(20).to_uppercase());
            let name = format!("zone{:03}.example.com.", i / APPS_PER_ZONE);
            let z = HostedZone {
                arn: format!("arn:aws:route53:::hostedzone/{id}"),
                id,
                name,
                tags: tags(&[("env", "prod")]),
                region: "global".into(),
                account: P_ACCOUNT.into(),
                private_zone: false,
                record_count: Some(3 * APPS_PER_ZONE as i64 + 2),
            };
            p.route53.hosted_zones.push(z.clone());
            zone = Some(z);
        }
        let (pn, sn) = nets.as_ref().unwrap();
        let zone = zone.as_ref().unwrap();
        let defect = (rng.unit() < args.defect_rate)
            .then(|| DEFECTS[(rng.next() % DEFECTS.len() as u64) as usize]);
        if let Some(d) = defect {
            *defects.entry(d).or_default() += 1;
        }
        let has = |d: &str| defect == Some(d);
        let warm = i.is_multiple_of(10);
        let tier = if warm { "warm-standby" } else { "pilot-light" };
        let instance_type = ["m6i.large", "c6i.xlarge", "r6i.large"][i % 3];

        // Security groups.
        let (p_web, _) = security_groups(&mut p, &mut rng, &app, P_TOKEN, pn, 443);
        let standby_port = if has("security_group_drift") {
            8443
        } else {
            443
        };
        // The standby groups in a VPC none of the standby template's subnets is in.
        let other_vpc;
        let s_group_net = if has("standby_groups_in_another_vpc") {
            other_vpc = Network {
                vpc_id: rng.ec2_id("vpc"),
                subnet_ids: Vec::new(),
            };
            &other_vpc
        } else {
            sn
        };
        let (s_web, _) =
            security_groups(&mut s, &mut rng, &app, S_TOKEN, s_group_net, standby_port);

        // AMI family: three builds; the standby copies the two newest.
        let mut p_images = Vec::new();
        for (k, days) in [20i64, 10, 2].iter().enumerate() {
            let created = now - Duration::days(*days) - Duration::minutes((i % 600) as i64);
            let id = rng.ec2_id("ami");
            let snap = rng.ec2_id("snap");
            let name = format!("{app}-web-{}", created.format("%Y%m%d"));
            p.ec2
                .images
                .push(image(&p, &id, &name, &app, created, &snap, None));
            p.ec2.snapshots.push(snapshot(
                &p,
                &snap,
                &app,
                "vol-ffffffff",
                created,
                8,
                format!("Created by CreateImage(i-0) for {id}"),
                None,
            ));
            p_images.push((id, name, created, k));
        }
        let mut s_images = Vec::new();
        for (src, name, created, k) in &p_images {
            if *k == 0 || (*k == 2 && has("ami_not_copied")) {
                continue;
            }
            let id = rng.ec2_id("ami");
            let snap = rng.ec2_id("snap");
            let copied = *created + Duration::minutes(50);
            s.ec2
                .images
                .push(image(&s, &id, name, &app, copied, &snap, Some(src)));
            s.ec2.snapshots.push(snapshot(
                &s,
                &snap,
                &app,
                "vol-ffffffff",
                copied,
                8,
                format!("Copied for DestinationAmi {id}"),
                None,
            ));
            s_images.push(id);
        }
        let p_ami = p_images[2].0.clone();
        let s_ami = s_images.last().cloned().unwrap_or_default();

        // IAM.
        let p_bucket = format!("{app}-data-{P_TOKEN}");
        let s_bucket = format!("{app}-data-{S_TOKEN}");
        let p_profile = format!("{app}-web-{P_TOKEN}");
        let s_profile = format!("{app}-web-{S_TOKEN}");
        p.iam.roles.push(role(&p, &mut rng, &app, &p_bucket, false));
        // A standby role that grants the primary's bucket (named with the primary's region code).
        let s_role_bucket = if has("policy_pinned_to_primary") {
            &p_bucket
        } else {
            &s_bucket
        };
        s.iam.roles.push(role(
            &s,
            &mut rng,
            &app,
            s_role_bucket,
            has("role_policy_drift"),
        ));
        p.iam
            .instance_profiles
            .push(profile(&p, &mut rng, &app, &p_profile));
        if !has("standby_instance_profile_missing") {
            s.iam
                .instance_profiles
                .push(profile(&s, &mut rng, &app, &s_profile));
        }

        // Launch templates.
        let p_lt = rng.ec2_id("lt");
        p.ec2.launch_templates.push(launch_template(
            &p,
            &p_lt,
            &format!("{app}-web-{P_TOKEN}"),
            &app,
            &p_ami,
            instance_type,
            &p_profile,
            &p_web,
            &pn.subnet_ids[0],
        ));
        if !has("launch_template_without_twin") {
            let s_lt = rng.ec2_id("lt");
            let ty = if has("instance_type_drift") {
                "t3.medium"
            } else {
                instance_type
            };
            s.ec2.launch_templates.push(launch_template(
                &s,
                &s_lt,
                &format!("{app}-web-{S_TOKEN}"),
                &app,
                &s_ami,
                ty,
                &s_profile,
                &s_web,
                &sn.subnet_ids[0],
            ));
            if warm {
                let id = rng.ec2_id("i");
                let name = format!("{app}-web-{S_TOKEN}-1");
                s.ec2.instances.push(instance(
                    &s, &id, &name, &app, tier, ty, &s_ami, sn, 0, &s_profile, &s_web, &s_lt,
                ));
                for (kind, size) in [("root", 8), ("data", 100)] {
                    let vid = rng.ec2_id("vol");
                    let vname = format!("{app}-{kind}-{S_TOKEN}-1");
                    s.ec2.volumes.push(volume(
                        &s,
                        &vid,
                        &vname,
                        &app,
                        size,
                        &format!("{S_REGION}a"),
                        &id,
                    ));
                }
            }
        }

        // Instances, volumes, data snapshots and their standby copies. With the defect, the
        // primary instances run in a subnet of their own that has no standby twin.
        let own_subnet;
        let p_instance_net = if has("subnet_missing_in_standby") {
            let id = rng.ec2_id("subnet");
            let name = format!("prod-{P_TOKEN}-{app}-isolated");
            let isolated = subnet(&p, &id, &name, &app, &pn.vpc_id, None, "a");
            p.ec2.subnets.push(isolated);
            own_subnet = Network {
                vpc_id: pn.vpc_id.clone(),
                subnet_ids: vec![id.clone(), id.clone(), id],
            };
            &own_subnet
        } else {
            pn
        };
        for k in 0..2 {
            let id = rng.ec2_id("i");
            let name = format!("{app}-web-{P_TOKEN}-{}", k + 1);
            let inst = instance(
                &p,
                &id,
                &name,
                &app,
                tier,
                instance_type,
                &p_ami,
                p_instance_net,
                k,
                &p_profile,
                &p_web,
                &p_lt,
            );
            let az = inst.availability_zone.clone().unwrap();
            p.ec2.instances.push(inst);
            for (kind, size) in [("root", 8), ("data", 100)] {
                let vid = rng.ec2_id("vol");
                let vname = format!("{app}-{kind}-{P_TOKEN}-{}", k + 1);
                p.ec2
                    .volumes
                    .push(volume(&p, &vid, &vname, &app, size, &az, &id));
                if kind != "data" {
                    continue;
                }
                let mut newest = None;
                for hours in [49i64, 25, 1] {
                    let sid = rng.ec2_id("snap");
                    let started = now - Duration::hours(hours) - Duration::minutes((i % 50) as i64);
                    p.ec2.snapshots.push(snapshot(
                        &p,
                        &sid,
                        &app,
                        &vid,
                        started,
                        size,
                        "Created for policy: policy-0dr schedule: daily".into(),
                        None,
                    ));
                    newest = Some((sid, started, hours));
                }
                let (src, started, _) = newest.unwrap();
                // A stale copy: the newest copied snapshot is two days old.
                let (src, started) = if has("snapshot_copy_stale") {
                    let stale = p.ec2.snapshots[p.ec2.snapshots.len() - 3].clone();
                    (stale.id, stale.start_time.unwrap())
                } else {
                    (src, started)
                };
                let cid = rng.ec2_id("snap");
                s.ec2.snapshots.push(snapshot(
                    &s,
                    &cid,
                    &app,
                    "vol-ffffffff",
                    started + Duration::minutes(20),
                    size,
                    format!("[Copied {src} from {P_REGION}]"),
                    Some(&src),
                ));
            }
        }

        // S3.
        let replicate = !has("bucket_without_replication");
        let mut p_b = bucket(
            &p,
            &p_bucket,
            &app,
            "Enabled",
            replicate.then_some((s_bucket.as_str(), S_ACCOUNT, S_REGION)),
        );
        if let Some(r) = p_b.replication.as_mut() {
            if has("kms_objects_not_selected") {
                r.rules[0].sse_kms_encrypted_objects = false;
            }
            if has("replication_role_missing") {
                r.role = format!("arn:aws:iam::{P_ACCOUNT}:role/{app}-s3-replication");
            }
        }
        p.s3.buckets.push(p_b);
        let s_versioning = if has("standby_versioning_suspended") {
            "Suspended"
        } else {
            "Enabled"
        };
        s.s3.buckets.push(bucket(
            &s,
            &s_bucket,
            &app,
            s_versioning,
            Some((p_bucket.as_str(), P_ACCOUNT, P_REGION)),
        ));

        // Route 53: health check, failover pair, a CNAME.
        let hc = format!(
            "{}-{}-4{}-8{}-{}",
            rng.hex(8),
            rng.hex(4),
            rng.hex(3),
            rng.hex(3),
            rng.hex(12)
        );
        let hc_name = format!("{app}-web-{P_TOKEN}");
        p.route53.health_checks.push(HealthCheck {
            arn: format!("arn:aws:route53:::healthcheck/{hc}"),
            id: hc.clone(),
            name: hc_name.clone(),
            tags: common_tags(&app, Some(&hc_name)),
            region: "global".into(),
            account: P_ACCOUNT.into(),
            check_type: "HTTPS".into(),
            fqdn: Some(format!("{app}-{P_TOKEN}.{P_REGION}.elb.amazonaws.com")),
            ip_address: None,
            port: Some(443),
            resource_path: Some("/healthz".into()),
            request_interval: Some(30),
            failure_threshold: Some(3),
            disabled: false,
            inverted: false,
            child_health_checks: Vec::new(),
            health_threshold: None,
            insufficient_data_health_status: None,
            cloudwatch_alarm_name: None,
            cloudwatch_alarm_region: None,
        });
        let fqdn = format!("{app}.{}", zone.name);
        let p_alb = format!("dualstack.{app}-{P_TOKEN}-1.{P_REGION}.elb.amazonaws.com.");
        let s_alb = format!("dualstack.{app}-{S_TOKEN}-1.{S_REGION}.elb.amazonaws.com.");
        let health = (!has("primary_without_health_check")).then_some(hc.as_str());
        let mut primary = record(
            &p,
            zone,
            &fqdn,
            "A",
            Some("primary"),
            Some("PRIMARY"),
            health,
            Some((&p_alb, "Z35SXDOTRQ7X7K")),
            Vec::new(),
        );
        if health.is_none() {
            primary
                .alias_target
                .as_mut()
                .unwrap()
                .evaluate_target_health = false;
        }
        p.route53.record_sets.push(primary);
        if !has("failover_without_secondary") {
            p.route53.record_sets.push(record(
                &p,
                zone,
                &fqdn,
                "A",
                Some("secondary"),
                Some("SECONDARY"),
                None,
                Some((&s_alb, "Z1H1FL5HABSF5")),
                Vec::new(),
            ));
        }
        p.route53.record_sets.push(record(
            &p,
            zone,
            &format!("{app}-api.{}", zone.name),
            "CNAME",
            None,
            None,
            None,
            None,
            vec![fqdn.clone()],
        ));
        i += 1;
    }

    for site in [&mut p, &mut s] {
        site.ec2.instances.sort_by(|a, b| a.arn.cmp(&b.arn));
        site.ec2.images.sort_by(|a, b| a.arn.cmp(&b.arn));
        site.ec2.launch_templates.sort_by(|a, b| a.arn.cmp(&b.arn));
        site.ec2.volumes.sort_by(|a, b| a.arn.cmp(&b.arn));
        site.ec2.snapshots.sort_by(|a, b| a.arn.cmp(&b.arn));
        site.ec2.vpcs.sort_by(|a, b| a.arn.cmp(&b.arn));
        site.ec2.subnets.sort_by(|a, b| a.arn.cmp(&b.arn));
        site.ec2.security_groups.sort_by(|a, b| a.arn.cmp(&b.arn));
        site.s3.buckets.sort_by(|a, b| a.arn.cmp(&b.arn));
        site.route53.hosted_zones.sort_by(|a, b| a.arn.cmp(&b.arn));
        site.route53.record_sets.sort_by(|a, b| a.arn.cmp(&b.arn));
        site.route53.health_checks.sort_by(|a, b| a.arn.cmp(&b.arn));
        site.iam.roles.sort_by(|a, b| a.arn.cmp(&b.arn));
        site.iam.instance_profiles.sort_by(|a, b| a.arn.cmp(&b.arn));
    }
    let total = count(&p) + count(&s);
    let snap = Snapshot {
        schema_version: SCHEMA_VERSION,
        generator: "examples/gen_snapshot.rs".into(),
        collected_at: now,
        primary: p,
        standby: s,
    };
    let text = serde_json::to_string(&snap).expect("serialize");
    if args.out == "-" {
        println!("{text}");
    } else {
        std::fs::write(&args.out, text).expect("write snapshot");
    }
    eprintln!(
        "gen_snapshot: {i} applications, {total} resources, {} with a defect {defects:?}",
        defects.values().sum::<usize>()
    );
}
