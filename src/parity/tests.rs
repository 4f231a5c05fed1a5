use super::*;
use crate::snapshot::{Image, LaunchTemplate, LaunchTemplateData, Site, Tags};

fn site(region: &str, account: &str) -> Site {
    Site {
        account: account.into(),
        region: region.into(),
        collected_at: chrono::DateTime::UNIX_EPOCH,
        ec2: Default::default(),
        s3: Default::default(),
        route53: Default::default(),
        iam: Default::default(),
        collection_errors: vec![],
        api_calls: Default::default(),
    }
}

fn opts() -> PairingOptions {
    PairingOptions {
        pair_tag: "dr:pair".into(),
        rewriter: NameRewriter::new("us-east-1", "us-west-2", &[]),
    }
}

fn image(region: &str, id: &str, name: &str, tags: &[(&str, &str)]) -> Image {
    Image {
        arn: format!("arn:aws:ec2:{region}::image/{id}"),
        id: id.into(),
        name: name.into(),
        tags: tags
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect::<Tags>(),
        region: region.into(),
        account: "1".into(),
        creation_date: None,
        state: "available".into(),
        deprecation_time: None,
        architecture: None,
        owner_id: None,
        owner_alias: None,
        public: false,
        block_device_snapshot_ids: vec![],
        source_image_id: None,
        source_image_region: None,
    }
}

fn lt(region: &str, id: &str, name: &str, ty: &str) -> LaunchTemplate {
    LaunchTemplate {
        arn: format!("arn:aws:ec2:{region}:1:launch-template/{id}"),
        id: id.into(),
        name: name.into(),
        tags: Tags::new(),
        region: region.into(),
        account: "1".into(),
        default_version_number: Some(1),
        latest_version_number: Some(1),
        default_version: None,
        latest_version: Some(LaunchTemplateData {
            version_number: 1,
            instance_type: Some(ty.into()),
            ..Default::default()
        }),
    }
}

#[test]
fn short_codes() {
    assert_eq!(short_region_code("us-east-1").as_deref(), Some("use1"));
    assert_eq!(short_region_code("us-west-2").as_deref(), Some("usw2"));
    assert_eq!(short_region_code("eu-central-1").as_deref(), Some("euc1"));
    assert_eq!(
        short_region_code("ap-southeast-2").as_deref(),
        Some("apse2")
    );
    assert_eq!(
        short_region_code("us-gov-west-1").as_deref(),
        Some("usgovw1")
    );
    assert_eq!(short_region_code("global"), None);
}

#[test]
fn rewrites_full_and_short_region_tokens_and_user_rules() {
    let r = NameRewriter::new(
        "us-east-1",
        "us-west-2",
        &[crate::config::Rewrite {
            from: "virginia".into(),
            to: "oregon".into(),
        }],
    );
    assert_eq!(r.rewrite("prod-use1-web"), "prod-usw2-web");
    assert_eq!(r.rewrite("logs-us-east-1"), "logs-us-west-2");
    assert_eq!(r.rewrite("virginia-db"), "oregon-db");
    assert_eq!(r.rewrite("plain"), "plain");
}

#[test]
fn templates_pair_by_rewritten_name_with_drift() {
    let mut p = site("us-east-1", "1");
    let mut s = site("us-west-2", "1");
    p.ec2.launch_templates = vec![
        lt("us-east-1", "lt-1", "web-use1", "m5.large"),
        lt("us-east-1", "lt-2", "api-use1", "m5.large"),
    ];
    s.ec2.launch_templates = vec![
        lt("us-west-2", "lt-9", "web-usw2", "t3.micro"),
        lt("us-west-2", "lt-8", "batch-usw2", "m5.large"),
    ];
    let parity = pair(&p, &s, &opts());
    assert_eq!(parity.pairs.len(), 1);
    let pair = &parity.pairs[0];
    assert_eq!(
        (pair.primary_id.as_str(), pair.standby_id.as_str()),
        ("lt-1", "lt-9")
    );
    assert_eq!(pair.strategy, Strategy::Name);
    assert_eq!(pair.drift[0].attribute, "instance_type");
    assert_eq!(parity.missing_in_standby[0].id, "lt-2");
    assert_eq!(parity.extra_in_standby[0].id, "lt-8");
}

#[test]
fn tag_beats_name_and_lineage_pairs_copies_once() {
    let mut p = site("us-east-1", "1");
    let mut s = site("us-west-2", "1");
    p.ec2.images = vec![
        image("us-east-1", "ami-a", "web-v2", &[("dr:pair", "web")]),
        image("us-east-1", "ami-b", "api-v7", &[]),
        image("us-east-1", "ami-c", "old", &[]),
    ];
    let mut copy_b = image("us-west-2", "ami-y", "copy-of-api", &[]);
    copy_b.source_image_id = Some("ami-b".into());
    s.ec2.images = vec![
        image("us-west-2", "ami-x", "web-v2-copy", &[("dr:pair", "web")]),
        copy_b,
        image("us-west-2", "ami-z", "x", &[("dr:source-ami-id", "ami-b")]),
    ];
    let parity = pair(&p, &s, &opts());
    let got: Vec<_> = parity
        .pairs
        .iter()
        .map(|p| (p.primary_id.as_str(), p.standby_id.as_str(), p.strategy))
        .collect();
    assert_eq!(
        got,
        vec![
            ("ami-a", "ami-x", Strategy::Tag),
            ("ami-b", "ami-y", Strategy::Lineage)
        ]
    );
    assert_eq!(parity.missing_in_standby.len(), 1);
    assert_eq!(parity.extra_in_standby[0].id, "ami-z");
}

#[test]
fn copied_snapshot_description() {
    assert_eq!(
        copied_snapshot_source("[Copied snap-0abc from us-east-1]"),
        Some("snap-0abc")
    );
    assert_eq!(
        copied_snapshot_source("nightly [Copied snap-1 from eu-west-1] x"),
        Some("snap-1")
    );
    assert_eq!(copied_snapshot_source("Copied snap-1"), None);
    assert_eq!(copied_snapshot_source("[Copied vol-1 from x]"), None);
}

#[test]
fn reused_names_do_not_pair_a_new_image_with_an_old_copy() {
    let mut p = site("us-east-1", "1");
    let mut s = site("us-west-2", "1");
    // Two primary versions named alike; only the old one was copied.
    p.ec2.images = vec![
        image("us-east-1", "ami-new", "web-latest", &[]),
        image("us-east-1", "ami-old", "web-latest", &[]),
    ];
    s.ec2.images = vec![image(
        "us-west-2",
        "ami-copy",
        "web-latest",
        &[("dr:source-ami-id", "ami-old")],
    )];
    let parity = pair(&p, &s, &opts());
    assert_eq!(parity.pairs.len(), 1);
    assert_eq!(parity.pairs[0].primary_id, "ami-old");
    assert_eq!(parity.pairs[0].strategy, Strategy::Lineage);
    assert_eq!(parity.missing_in_standby[0].id, "ami-new");
}

#[test]
fn ambiguous_names_are_not_paired() {
    let mut p = site("us-east-1", "1");
    let mut s = site("us-west-2", "1");
    p.ec2.launch_templates = vec![lt("us-east-1", "lt-1", "web", "m5.large")];
    s.ec2.launch_templates = vec![
        lt("us-west-2", "lt-8", "web", "m5.large"),
        lt("us-west-2", "lt-9", "web", "m5.large"),
    ];
    let parity = pair(&p, &s, &opts());
    assert!(parity.pairs.is_empty());
}

fn sg(region: &str, id: &str, name: &str, vpc: &str) -> crate::snapshot::SecurityGroup {
    crate::snapshot::SecurityGroup {
        arn: format!("arn:aws:ec2:{region}:1:security-group/{id}"),
        id: id.into(),
        name: name.into(),
        tags: Tags::new(),
        region: region.into(),
        account: "1".into(),
        vpc_id: Some(vpc.into()),
        description: String::new(),
        ingress: vec![],
    }
}

fn vpc(region: &str, id: &str, name: &str) -> crate::snapshot::Vpc {
    crate::snapshot::Vpc {
        arn: format!("arn:aws:ec2:{region}:1:vpc/{id}"),
        id: id.into(),
        name: name.into(),
        tags: Tags::new(),
        region: region.into(),
        account: "1".into(),
        cidr_block: None,
        is_default: false,
    }
}

#[test]
fn security_groups_pair_within_the_twin_vpc() {
    let mut p = site("us-east-1", "1");
    let mut s = site("us-west-2", "1");
    p.ec2.vpcs = vec![
        vpc("us-east-1", "vpc-a", "prod-use1"),
        vpc("us-east-1", "vpc-b", "mgmt-use1"),
    ];
    s.ec2.vpcs = vec![
        vpc("us-west-2", "vpc-x", "prod-usw2"),
        vpc("us-west-2", "vpc-y", "mgmt-usw2"),
    ];
    p.ec2.security_groups = vec![
        sg("us-east-1", "sg-1", "default", "vpc-a"),
        sg("us-east-1", "sg-2", "default", "vpc-b"),
        sg("us-east-1", "sg-3", "lonely", "vpc-c"),
    ];
    s.ec2.security_groups = vec![
        sg("us-west-2", "sg-8", "default", "vpc-y"),
        sg("us-west-2", "sg-9", "default", "vpc-x"),
        sg("us-west-2", "sg-7", "lonely", "vpc-z"),
    ];
    let parity = pair(&p, &s, &opts());
    let mut got: Vec<_> = parity
        .pairs
        .iter()
        .filter(|p| p.kind == crate::vocab::ResourceKind::SecurityGroup)
        .map(|p| (p.primary_id.as_str(), p.standby_id.as_str()))
        .collect();
    got.sort();
    assert_eq!(
        got,
        vec![("sg-1", "sg-9"), ("sg-2", "sg-8"), ("sg-3", "sg-7")]
    );
}

#[test]
fn single_account_roles_pair_the_rewritten_name() {
    let role = |name: &str| crate::snapshot::Role {
        arn: format!("arn:aws:iam::1:role/{name}"),
        id: format!("AROA{name}"),
        name: name.into(),
        tags: Tags::new(),
        region: "global".into(),
        account: "1".into(),
        path: "/".into(),
        trust_policy: serde_json::Value::Null,
        attached_policy_arns: vec![],
        inline_policies: vec![],
    };
    let mut p = site("us-east-1", "1");
    let mut s = site("us-west-2", "1");
    // One account: IAM is the same inventory on both sides.
    p.iam.roles = vec![role("web-use1"), role("web-usw2")];
    s.iam.roles = p.iam.roles.clone();
    let parity = pair(&p, &s, &opts());
    let got: Vec<_> = parity
        .pairs
        .iter()
        .map(|p| (p.primary_id.as_str(), p.standby_id.as_str()))
        .collect();
    assert!(got.contains(&("AROAweb-use1", "AROAweb-usw2")), "{got:?}");
}
