use super::*;
use crate::parity::cidr;
use crate::snapshot::{Image, LaunchTemplate, LaunchTemplateData, Site, Tags};

fn site(region: &str, account: &str) -> Site {
    Site {
        account: account.into(),
        region: region.into(),
        collected_at: chrono::DateTime::UNIX_EPOCH,
        ..Default::default()
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
    assert_eq!(
        copy_image_source(
            "Copied for DestinationAmi ami-0a1 from SourceAmi ami-0b2 for SourceSnapshot \
             snap-0c3d4. Task created on 1,700,000,000."
        ),
        Some("snap-0c3d4")
    );
    assert_eq!(copy_image_source("[Copied snap-1 from us-east-1]"), None);
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
    // The standby twin listed in the primary site and the primary listed in the standby site
    // are the pair itself, not a missing or an extra role.
    assert!(
        parity.missing_in_standby.is_empty(),
        "{:?}",
        parity.missing_in_standby
    );
    assert!(
        parity.extra_in_standby.is_empty(),
        "{:?}",
        parity.extra_in_standby
    );
    // A role only the primary names stays missing.
    p.iam.roles.push(role("api-use1"));
    s.iam.roles = p.iam.roles.clone();
    let parity = pair(&p, &s, &opts());
    let missing: Vec<&str> = parity
        .missing_in_standby
        .iter()
        .map(|u| u.name.as_str())
        .collect();
    assert_eq!(missing, ["api-use1"]);
}

// ---------------------------------------------------------------------------------------------
// Real naming: role words, structure, generated names, network drift, other owners' images.
// ---------------------------------------------------------------------------------------------

use crate::snapshot::{IngressRule, PrefixList, SecurityGroup, Subnet, Vpc};
use crate::vocab::ResourceKind;

fn tags(pairs: &[(&str, &str)]) -> Tags {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn net(region: &str, id: &str, name: &str, cidr: &str) -> Vpc {
    Vpc {
        cidr_block: Some(cidr.into()),
        ..vpc(region, id, name)
    }
}

fn subnet(region: &str, id: &str, name: &str, vpc: &str, cidr: &str, az: &str) -> Subnet {
    Subnet {
        arn: format!("arn:aws:ec2:{region}:1:subnet/{id}"),
        id: id.into(),
        name: name.into(),
        tags: Tags::new(),
        region: region.into(),
        account: "1".into(),
        vpc_id: vpc.into(),
        cidr_block: Some(cidr.into()),
        availability_zone: Some(format!("{region}{az}")),
    }
}

fn prefix_list(region: &str, id: &str, service: &str) -> PrefixList {
    PrefixList {
        arn: format!("arn:aws:ec2:{region}:aws:prefix-list/{id}"),
        id: id.into(),
        name: format!("com.amazonaws.{region}.{service}"),
        tags: Tags::new(),
        region: region.into(),
        account: "1".into(),
        owner_id: "AWS".into(),
        address_family: Some("IPv4".into()),
        max_entries: None,
    }
}

fn tcp(port: i64, cidrs: &[&str], prefix_lists: &[&str]) -> IngressRule {
    IngressRule {
        protocol: "tcp".into(),
        from_port: Some(port),
        to_port: Some(port),
        cidr_ipv4: cidrs.iter().map(|c| c.to_string()).collect(),
        prefix_list_ids: prefix_lists.iter().map(|c| c.to_string()).collect(),
        ..Default::default()
    }
}

/// (primary id, standby id, strategy) of one kind, sorted.
fn pairs_of(parity: &Parity, kind: ResourceKind) -> Vec<(String, String, Strategy)> {
    let mut got: Vec<_> = parity
        .pairs
        .iter()
        .filter(|p| p.kind == kind)
        .map(|p| (p.primary_id.clone(), p.standby_id.clone(), p.strategy))
        .collect();
    got.sort();
    got
}

fn pairs(list: &[(&str, &str, Strategy)]) -> Vec<(String, String, Strategy)> {
    list.iter()
        .map(|(p, s, st)| (p.to_string(), s.to_string(), *st))
        .collect()
}

#[test]
fn role_words_are_whole_words_in_any_case() {
    let r = opts().rewriter;
    let all = |name: &str| r.candidates(name);
    assert_eq!(all("prod-primary-vpc")[1], "prod-standby-vpc");
    assert!(all("prod-main").contains(&"prod-dr".to_string()));
    // `main` → `dr` comes before `prod` → `dr`.
    let c = all("prod-main-app-a");
    let dr = c.iter().position(|n| n == "prod-dr-app-a").unwrap();
    let prod = c.iter().position(|n| n == "dr-main-app-a").unwrap();
    assert!(dr < prod, "{c:?}");
    // Separators and case.
    assert_eq!(
        replace_word("Prod_Primary.VPC/x", "primary", "standby").as_deref(),
        Some("Prod_Standby.VPC/x")
    );
    assert_eq!(
        replace_word("APP-PRIMARY", "primary", "standby").as_deref(),
        Some("APP-STANDBY")
    );
    assert_eq!(
        replace_word("primary-x-primary", "primary", "dr").as_deref(),
        Some("dr-x-dr")
    );
    // Never inside another word.
    for name in [
        "domain-api",
        "mainframe",
        "product-web",
        "reprod",
        "primaryx-db",
        "xprimary",
    ] {
        assert_eq!(replace_word(name, "main", "dr"), None, "{name}");
        assert_eq!(replace_word(name, "prod", "dr"), None, "{name}");
        assert_eq!(replace_word(name, "primary", "standby"), None, "{name}");
    }
    // Region tokens first, then the role word on the rewritten name.
    assert!(all("app-use1-primary").contains(&"app-usw2-standby".to_string()));
}

#[test]
fn vpcs_and_subnets_named_by_role_words_pair() {
    let mut p = site("us-east-1", "1");
    let mut s = site("us-west-2", "1");
    p.ec2.vpcs = vec![
        net("us-east-1", "vpc-p1", "prod-primary-vpc", "10.0.0.0/16"),
        net("us-east-1", "vpc-p2", "prod-main", "10.2.0.0/16"),
        net("us-east-1", "vpc-p3", "mainframe", "10.4.0.0/16"),
    ];
    s.ec2.vpcs = vec![
        net("us-west-2", "vpc-s1", "prod-standby-vpc", "10.1.0.0/16"),
        net("us-west-2", "vpc-s2", "prod-dr", "10.3.0.0/16"),
        // A decoy for `prod` → `dr` on `prod-main`: `main` → `dr` is tried first.
        net("us-west-2", "vpc-s4", "dr-main", "10.6.0.0/16"),
        net("us-west-2", "vpc-s3", "drframe", "10.5.0.0/16"),
    ];
    p.ec2.subnets = vec![
        subnet(
            "us-east-1",
            "subnet-p1",
            "prod-primary-a",
            "vpc-p1",
            "10.0.0.0/24",
            "a",
        ),
        subnet(
            "us-east-1",
            "subnet-p2",
            "prod-main-app-a",
            "vpc-p2",
            "10.2.0.0/24",
            "a",
        ),
    ];
    s.ec2.subnets = vec![
        subnet(
            "us-west-2",
            "subnet-s1",
            "prod-standby-a",
            "vpc-s1",
            "10.1.9.0/24",
            "b",
        ),
        subnet(
            "us-west-2",
            "subnet-s2",
            "prod-dr-app-a",
            "vpc-s2",
            "10.3.9.0/24",
            "b",
        ),
    ];
    let parity = pair(&p, &s, &opts());
    assert_eq!(
        pairs_of(&parity, ResourceKind::Vpc),
        pairs(&[
            ("vpc-p1", "vpc-s1", Strategy::Name),
            ("vpc-p2", "vpc-s2", Strategy::Name),
        ]),
        "`mainframe` is not `drframe`"
    );
    assert_eq!(
        pairs_of(&parity, ResourceKind::Subnet),
        pairs(&[
            ("subnet-p1", "subnet-s1", Strategy::Name),
            ("subnet-p2", "subnet-s2", Strategy::Name),
        ])
    );
}

#[test]
fn role_words_work_both_ways_and_are_configurable() {
    // Sites swapped (a failback check): the standby words appear in the primary's names.
    let mut p = site("us-west-2", "1");
    let mut s = site("us-east-1", "1");
    p.ec2.launch_templates = vec![
        lt("us-west-2", "lt-1", "web-dr", "m5.large"),
        lt("us-west-2", "lt-2", "api-standby", "m5.large"),
    ];
    s.ec2.launch_templates = vec![
        lt("us-east-1", "lt-8", "web-main", "m5.large"),
        lt("us-east-1", "lt-9", "api-primary", "m5.large"),
    ];
    let swapped = PairingOptions {
        pair_tag: "dr:pair".into(),
        rewriter: NameRewriter::new("us-west-2", "us-east-1", &[]),
    };
    let parity = pair(&p, &s, &swapped);
    assert_eq!(
        pairs_of(&parity, ResourceKind::LaunchTemplate),
        pairs(&[
            ("lt-1", "lt-8", Strategy::Name),
            ("lt-2", "lt-9", Strategy::Name)
        ])
    );

    // Configured words replace the defaults; none at all turns the fallback off.
    let mut p = site("us-east-1", "1");
    let mut s = site("us-west-2", "1");
    p.ec2.launch_templates = vec![lt("us-east-1", "lt-1", "web-blue", "m5.large")];
    s.ec2.launch_templates = vec![lt("us-west-2", "lt-9", "web-green", "m5.large")];
    let words = |w: &[[&str; 2]]| -> Vec<[String; 2]> {
        w.iter().map(|pair| pair.map(String::from)).collect()
    };
    let custom = PairingOptions {
        pair_tag: "dr:pair".into(),
        rewriter: NameRewriter::new("us-east-1", "us-west-2", &[])
            .with_role_words(&words(&[["blue", "green"]])),
    };
    assert_eq!(pair(&p, &s, &custom).pairs.len(), 1);
    assert!(pair(&p, &s, &opts()).pairs.is_empty(), "not a default");
    let off = PairingOptions {
        pair_tag: "dr:pair".into(),
        rewriter: NameRewriter::new("us-east-1", "us-west-2", &[]).with_role_words(&[]),
    };
    p.ec2.launch_templates = vec![lt("us-east-1", "lt-1", "web-primary", "m5.large")];
    s.ec2.launch_templates = vec![lt("us-west-2", "lt-9", "web-standby", "m5.large")];
    assert!(pair(&p, &s, &off).pairs.is_empty());
    assert_eq!(pair(&p, &s, &opts()).pairs.len(), 1);
}

#[test]
fn the_only_workload_vpcs_left_pair_by_structure() {
    let mut p = site("us-east-1", "1");
    let mut s = site("us-west-2", "1");
    let mut pd = net("us-east-1", "vpc-pd", "", "172.31.0.0/16");
    pd.is_default = true;
    let mut sd = net("us-west-2", "vpc-sd", "", "172.31.0.0/16");
    sd.is_default = true;
    p.ec2.vpcs = vec![
        net("us-east-1", "vpc-p1", "shop-network", "10.0.0.0/16"),
        net("us-east-1", "vpc-p2", "mgmt-use1", "10.9.0.0/16"),
        pd,
    ];
    s.ec2.vpcs = vec![
        sd,
        net("us-west-2", "vpc-s2", "mgmt-usw2", "10.19.0.0/16"),
        net("us-west-2", "vpc-s1", "shop-recovery", "10.1.0.0/16"),
    ];
    let parity = pair(&p, &s, &opts());
    assert_eq!(
        pairs_of(&parity, ResourceKind::Vpc),
        pairs(&[
            ("vpc-p1", "vpc-s1", Strategy::Structure),
            ("vpc-p2", "vpc-s2", Strategy::Name),
            ("vpc-pd", "vpc-sd", Strategy::Structure),
        ])
    );

    // Two candidates left in the standby: no guess.
    s.ec2
        .vpcs
        .push(net("us-west-2", "vpc-s3", "lab", "10.50.0.0/16"));
    let parity = pair(&p, &s, &opts());
    let vpcs = pairs_of(&parity, ResourceKind::Vpc);
    assert!(!vpcs.iter().any(|(p, _, _)| p == "vpc-p1"), "{vpcs:?}");
    assert!(parity.missing_in_standby.iter().any(|u| u.id == "vpc-p1"));
}

#[test]
fn subnets_pair_by_az_and_cidr_offset_within_twin_vpcs() {
    let mut p = site("us-east-1", "1");
    let mut s = site("us-west-2", "1");
    p.ec2.vpcs = vec![
        net("us-east-1", "vpc-p", "prod-use1", "10.0.0.0/16"),
        net("us-east-1", "vpc-q", "lab-use1", "10.0.0.0/16"),
    ];
    s.ec2.vpcs = vec![
        net("us-west-2", "vpc-s", "prod-usw2", "10.1.0.0/20"),
        net("us-west-2", "vpc-t", "lab-usw2", "10.1.0.0/16"),
    ];
    p.ec2.subnets = vec![
        // Same letter, same offset.
        subnet(
            "us-east-1",
            "subnet-1",
            "web-east-a",
            "vpc-p",
            "10.0.0.0/24",
            "a",
        ),
        subnet(
            "us-east-1",
            "subnet-2",
            "web-east-b",
            "vpc-p",
            "10.0.1.0/24",
            "b",
        ),
        // `d` is the third AZ this VPC uses; the standby's third is `c`.
        subnet(
            "us-east-1",
            "subnet-3",
            "web-east-d",
            "vpc-p",
            "10.0.2.0/24",
            "d",
        ),
        // Offset 4.0/24 exists in the standby only in another AZ.
        subnet("us-east-1", "subnet-4", "", "vpc-p", "10.0.4.0/24", "a"),
        // Names pair within the twin VPC only: both VPCs have an `app-a`.
        subnet(
            "us-east-1",
            "subnet-5",
            "app-a",
            "vpc-p",
            "10.0.8.0/24",
            "a",
        ),
        subnet(
            "us-east-1",
            "subnet-6",
            "app-a",
            "vpc-q",
            "10.0.8.0/24",
            "a",
        ),
    ];
    s.ec2.subnets = vec![
        subnet("us-west-2", "subnet-9", "", "vpc-s", "10.1.0.0/24", "a"),
        subnet("us-west-2", "subnet-8", "", "vpc-s", "10.1.1.0/24", "b"),
        subnet("us-west-2", "subnet-7", "", "vpc-s", "10.1.2.0/24", "c"),
        subnet("us-west-2", "subnet-10", "", "vpc-s", "10.1.4.0/24", "b"),
        subnet(
            "us-west-2",
            "subnet-12",
            "app-a",
            "vpc-t",
            "10.1.8.0/24",
            "a",
        ),
        subnet(
            "us-west-2",
            "subnet-11",
            "app-a",
            "vpc-s",
            "10.1.12.0/24",
            "a",
        ),
        // Same offset in a VPC that is nobody's twin.
        subnet("us-west-2", "subnet-13", "", "vpc-z", "10.1.0.0/24", "a"),
    ];
    let parity = pair(&p, &s, &opts());
    assert_eq!(
        pairs_of(&parity, ResourceKind::Subnet),
        pairs(&[
            ("subnet-1", "subnet-9", Strategy::Structure),
            ("subnet-2", "subnet-8", Strategy::Structure),
            ("subnet-3", "subnet-7", Strategy::Structure),
            ("subnet-5", "subnet-11", Strategy::Name),
            ("subnet-6", "subnet-12", Strategy::Name),
        ])
    );
    assert!(parity.missing_in_standby.iter().any(|u| u.id == "subnet-4"));
}

#[test]
fn cloudformation_groups_pair_by_stack_and_logical_id_within_twin_vpcs() {
    let cfn = |g: SecurityGroup, stack: &str, logical: &str| SecurityGroup {
        tags: tags(&[
            ("aws:cloudformation:stack-name", stack),
            ("aws:cloudformation:logical-id", logical),
        ]),
        ..g
    };
    let mut p = site("us-east-1", "1");
    let mut s = site("us-west-2", "1");
    p.ec2.vpcs = vec![
        vpc("us-east-1", "vpc-a", "prod-use1"),
        vpc("us-east-1", "vpc-b", "test-use1"),
    ];
    s.ec2.vpcs = vec![
        vpc("us-west-2", "vpc-x", "prod-usw2"),
        vpc("us-west-2", "vpc-y", "test-usw2"),
    ];
    p.ec2.security_groups = vec![
        cfn(
            sg(
                "us-east-1",
                "sg-1",
                "prod-web-WebSecurityGroup-1AB2C3D4E5F6",
                "vpc-a",
            ),
            "prod-web",
            "WebSecurityGroup",
        ),
        cfn(
            sg(
                "us-east-1",
                "sg-2",
                "app-use1-DbSecurityGroup-QQQ111RRR222",
                "vpc-b",
            ),
            "app-use1",
            "DbSecurityGroup",
        ),
        cfn(
            sg(
                "us-east-1",
                "sg-3",
                "app-use1-DbSecurityGroup-AAA111BBB222",
                "vpc-a",
            ),
            "app-use1",
            "DbSecurityGroup",
        ),
    ];
    s.ec2.security_groups = vec![
        cfn(
            sg(
                "us-west-2",
                "sg-9",
                "prod-web-WebSecurityGroup-9ZY8X7W6V5U4",
                "vpc-x",
            ),
            "prod-web",
            "WebSecurityGroup",
        ),
        cfn(
            sg(
                "us-west-2",
                "sg-8",
                "app-usw2-DbSecurityGroup-ZZZ999YYY888",
                "vpc-x",
            ),
            "app-usw2",
            "DbSecurityGroup",
        ),
        cfn(
            sg(
                "us-west-2",
                "sg-7",
                "app-usw2-DbSecurityGroup-XXX777WWW666",
                "vpc-y",
            ),
            "app-usw2",
            "DbSecurityGroup",
        ),
    ];
    let parity = pair(&p, &s, &opts());
    assert_eq!(
        pairs_of(&parity, ResourceKind::SecurityGroup),
        pairs(&[
            ("sg-1", "sg-9", Strategy::Stack),
            ("sg-2", "sg-7", Strategy::Stack),
            ("sg-3", "sg-8", Strategy::Stack),
        ])
    );
}

#[test]
fn terraform_name_prefix_names_pair_by_prefix_when_unique() {
    // Older providers: 14-digit timestamp + counter; today: 18 digits (fractional seconds).
    assert_eq!(terraform_prefix("web-2026112012345600000001"), Some("web-"));
    assert_eq!(
        terraform_prefix("web-20261120123456123400000001"),
        Some("web-")
    );
    assert_eq!(
        terraform_prefix("web_2026112012345612340000000a"),
        Some("web_")
    );
    assert_eq!(terraform_prefix("2026112012345600000001"), None);
    assert_eq!(terraform_prefix("web-202611201234560000001"), None);
    assert_eq!(terraform_prefix("web-2026112012345600000g01"), None);
    assert_eq!(terraform_prefix("build-9926112012345600000001"), None);

    let mut p = site("us-east-1", "1");
    let mut s = site("us-west-2", "1");
    p.ec2.vpcs = vec![vpc("us-east-1", "vpc-a", "prod-use1")];
    s.ec2.vpcs = vec![vpc("us-west-2", "vpc-x", "prod-usw2")];
    p.ec2.security_groups = vec![
        sg("us-east-1", "sg-1", "web-2026112012345600000001", "vpc-a"),
        sg(
            "us-east-1",
            "sg-2",
            "api-use1-2026112012345600000003",
            "vpc-a",
        ),
        sg("us-east-1", "sg-3", "db-2026112012345600000004", "vpc-a"),
    ];
    s.ec2.security_groups = vec![
        sg("us-west-2", "sg-9", "web-2026112012350300000002", "vpc-x"),
        sg(
            "us-west-2",
            "sg-8",
            "api-usw2-20261120123503123400000005",
            "vpc-x",
        ),
        // Two candidates: ambiguous, not paired.
        sg("us-west-2", "sg-7", "db-2026112012350300000006", "vpc-x"),
        sg("us-west-2", "sg-6", "db-2026112012350300000007", "vpc-x"),
    ];
    let parity = pair(&p, &s, &opts());
    assert_eq!(
        pairs_of(&parity, ResourceKind::SecurityGroup),
        pairs(&[
            ("sg-1", "sg-9", Strategy::Prefix),
            ("sg-2", "sg-8", Strategy::Prefix),
        ])
    );
    assert!(parity.missing_in_standby.iter().any(|u| u.id == "sg-3"));
}

#[test]
fn prefix_lists_and_vpc_cidrs_are_not_drift_but_real_differences_are() {
    let mut p = site("us-east-1", "1");
    let mut s = site("us-west-2", "1");
    p.ec2.vpcs = vec![net("us-east-1", "vpc-a", "prod-use1", "10.0.0.0/16")];
    s.ec2.vpcs = vec![net("us-west-2", "vpc-x", "prod-usw2", "10.1.0.0/16")];
    p.ec2.subnets = vec![subnet(
        "us-east-1",
        "subnet-1",
        "app-use1-a",
        "vpc-a",
        "10.0.1.0/24",
        "a",
    )];
    // The twin subnet sits at another offset: its CIDR is the translation.
    s.ec2.subnets = vec![subnet(
        "us-west-2",
        "subnet-9",
        "app-usw2-a",
        "vpc-x",
        "10.1.32.0/24",
        "a",
    )];
    p.ec2.prefix_lists = vec![prefix_list("us-east-1", "pl-63a5400a", "s3")];
    s.ec2.prefix_lists = vec![
        prefix_list("us-west-2", "pl-68a54001", "s3"),
        prefix_list("us-west-2", "pl-00000001", "dynamodb"),
    ];
    let with = |g: SecurityGroup, ingress: Vec<IngressRule>| SecurityGroup { ingress, ..g };
    p.ec2.security_groups = vec![
        with(
            sg("us-east-1", "sg-1", "web", "vpc-a"),
            vec![
                tcp(443, &["10.0.0.0/16", "10.0.128.0/20"], &[]),
                tcp(443, &[], &["pl-63a5400a"]),
                tcp(5432, &["10.0.1.0/24", "192.168.0.0/24"], &[]),
            ],
        ),
        with(
            sg("us-east-1", "sg-2", "api", "vpc-a"),
            vec![
                tcp(443, &["10.0.0.0/16"], &[]),
                tcp(22, &["10.0.0.0/16"], &[]),
            ],
        ),
    ];
    s.ec2.security_groups = vec![
        with(
            sg("us-west-2", "sg-9", "web", "vpc-x"),
            vec![
                tcp(443, &["10.1.128.0/20", "10.1.0.0/16"], &[]),
                tcp(443, &[], &["pl-68a54001"]),
                tcp(5432, &["192.168.0.0/24", "10.1.32.0/24"], &[]),
            ],
        ),
        with(
            sg("us-west-2", "sg-8", "api", "vpc-x"),
            vec![tcp(443, &["10.1.0.0/16"], &[])],
        ),
    ];
    let parity = pair(&p, &s, &opts());
    let drift_of = |id: &str| {
        parity
            .pairs
            .iter()
            .find(|p| p.primary_id == id)
            .unwrap()
            .drift
            .clone()
    };
    assert_eq!(drift_of("sg-1"), vec![], "translated, no drift");
    let d = drift_of("sg-2");
    assert_eq!(d.len(), 1, "{d:?}");
    assert_eq!(d[0].attribute, "ingress");
    // Only the real difference, in standby terms.
    assert_eq!(
        d[0].primary,
        serde_json::json!([{"protocol": "tcp", "from_port": 22, "to_port": 22,
            "cidr_ipv4": ["10.1.0.0/16"], "cidr_ipv6": [], "source_security_group_ids": [],
            "prefix_list_ids": []}])
    );
    assert_eq!(d[0].standby, serde_json::json!([]));

    // An untranslatable prefix list (another service) still counts.
    p.ec2.security_groups[1].ingress = vec![tcp(443, &["10.0.0.0/16"], &["pl-63a5400a"])];
    s.ec2.security_groups[1].ingress = vec![tcp(443, &["10.1.0.0/16"], &["pl-00000001"])];
    let parity = pair(&p, &s, &opts());
    let sg2 = parity
        .pairs
        .iter()
        .find(|p| p.primary_id == "sg-2")
        .unwrap();
    assert_eq!(sg2.drift.len(), 1);
}

#[test]
fn cidrs_move_to_the_same_offset_in_the_twin_vpc() {
    let c = |s: &str| cidr::Cidr::parse(s).unwrap();
    let (from, to) = (c("10.0.0.0/16"), c("10.1.0.0/16"));
    assert_eq!(c("10.0.4.0/24").rebase(from, to), Some(c("10.1.4.0/24")));
    assert_eq!(
        c("10.0.0.0/16").rebase(from, c("10.1.0.0/20")),
        Some(c("10.1.0.0/20"))
    );
    assert_eq!(c("10.0.64.0/24").rebase(from, c("10.1.0.0/20")), None);
    assert_eq!(c("10.2.0.0/24").rebase(from, to), None);
    assert_eq!(c("10.0.4.7/24").to_string(), "10.0.4.0/24");
    assert_eq!(cidr::Cidr::parse("::/0"), None);
}

#[test]
fn other_owners_images_pair_by_owner_and_name() {
    let owned = |region: &str, id: &str, name: &str, owner: &str| Image {
        owner_id: Some(owner.into()),
        ..image(region, id, name, &[])
    };
    let mut p = site("us-east-1", "111");
    let mut s = site("us-west-2", "222");
    let al2023 = "al2023-ami-2023.5.20240701.0-kernel-6.1-x86_64";
    p.ec2.images = vec![
        Image {
            owner_alias: Some("amazon".into()),
            public: true,
            ..owned("us-east-1", "ami-amzn-e", al2023, "137112412989")
        },
        // A golden AMI shared by the image factory account.
        owned("us-east-1", "ami-gold-e", "golden-base-v3", "555"),
        // The account's own image: owner pairing does not apply (names are ambiguous).
        owned("us-east-1", "ami-own", "web-v1", "111"),
    ];
    s.ec2.images = vec![
        Image {
            owner_alias: Some("amazon".into()),
            public: true,
            ..owned("us-west-2", "ami-amzn-w", al2023, "137112412989")
        },
        owned("us-west-2", "ami-other", "golden-base-v3", "777"),
        owned("us-west-2", "ami-gold-w", "golden-base-v3", "555"),
        owned("us-west-2", "ami-web-a", "web-v1", "111"),
        owned("us-west-2", "ami-web-b", "web-v1", "222"),
    ];
    let parity = pair(&p, &s, &opts());
    assert_eq!(
        pairs_of(&parity, ResourceKind::Image),
        pairs(&[
            ("ami-amzn-e", "ami-amzn-w", Strategy::Owner),
            ("ami-gold-e", "ami-gold-w", Strategy::Owner),
        ])
    );
    // The strategies serialize in lowercase.
    assert_eq!(serde_json::json!(Strategy::Owner), "owner");
    assert_eq!(serde_json::json!(Strategy::Structure), "structure");
    assert_eq!(serde_json::json!(Strategy::Stack), "stack");
    assert_eq!(serde_json::json!(Strategy::Prefix), "prefix");
}
