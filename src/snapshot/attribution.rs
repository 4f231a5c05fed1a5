//! Which site pair a global resource serves. IAM and Route 53 are global: every site pair
//! (target) of an account sees all of the account's roles, record sets and health checks. Scanning
//! one pair must judge only what serves that pair, so two pairs in one account never report one
//! failover record twice.
//!
//! The evidence:
//! - a **Route 53 record set group** (the record sets of one zone with one name and type:
//!   failover, weighted, latency or simple) names the AWS regions in its alias targets' DNS names
//!   and its hostname values (CNAME, MX, SRV, ...), its latency routing regions, its health
//!   checks' FQDNs and `CLOUDWATCH_METRIC` alarm regions (a `CALCULATED` check's children too),
//!   its name and set identifiers; short codes (`use1`, `euw1`) count as whole words of these
//!   names like region names do. An alias or value equal to a load balancer of either site
//!   serves this pair. A group with no evidence of
//!   its own that answers with another record's name (an alias to a failover record) takes that
//!   record's evidence.
//! - an **IAM role** serves this pair when a resource of the pair's sites uses it (an instance or
//!   a launch template version through its instance profile, a bucket's replication
//!   configuration); otherwise the region names and short codes in its name and path count.
//! - a **health check** follows the record set groups that use it (directly or as a child of a
//!   `CALCULATED` check); one no record uses counts its own FQDN and alarm region.
//!
//! IP addresses (A/AAAA values, health-check IPs) are not evidence: the snapshot records no
//! public or Elastic IP of instances or load balancers to compare them with.
//!
//! The decision for a pair (primary region P, standby region S): evidence naming P or S (or a
//! resource of the pair) → this pair; evidence naming only other regions → another pair: set
//! aside, listed in the report; no evidence → kept when `owns_unattributed` (the default, and
//! every single-pair run), else set aside as owned by another target of the account. Hosted
//! zones and instance profiles are always kept.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use serde::{Deserialize, Serialize};

use super::{HealthCheck, InstanceProfile, RecordSet, Resource, Scope, Snapshot};
use crate::vocab::{ResourceKind, SiteRole};

/// A global resource set aside because it serves another site pair of the account, and why.
#[derive(
    Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, schemars::JsonSchema,
)]
pub struct OtherSitePair {
    pub kind: ResourceKind,
    pub arn: String,
    /// The role name, `NAME TYPE (set ID)` of a record set, the health check's name or id.
    pub name: String,
    /// The sites whose inventory held it (both when the two sites share an account).
    pub sites: Vec<SiteRole>,
    /// Why, e.g. `names only eu-central-1, eu-west-1: serves another site pair`.
    pub reason: String,
}

/// Region geographies (the first part of a region name), longest first.
const GEOS: [&str; 11] = [
    "eusc", "af", "ap", "ca", "cn", "eu", "il", "me", "mx", "sa", "us",
];
/// The optional second part of partitions other than `aws` and `aws-cn`.
const QUALIFIERS: [&str; 6] = ["gov", "iso", "isob", "isoe", "isof", "de"];
const DIRECTIONS: [&str; 9] = [
    "central",
    "east",
    "north",
    "northeast",
    "northwest",
    "south",
    "southeast",
    "southwest",
    "west",
];
/// Short-code abbreviations of the directions (`parity::short_region_code`), longest first.
const SHORT_DIRECTIONS: [(&str, &str); 9] = [
    ("ne", "northeast"),
    ("nw", "northwest"),
    ("se", "southeast"),
    ("sw", "southwest"),
    ("c", "central"),
    ("e", "east"),
    ("n", "north"),
    ("s", "south"),
    ("w", "west"),
];

/// `1`, `12`, or an availability zone's `1a`: the region number, if `part` is one.
fn region_number(part: &str) -> Option<&str> {
    let digits = part.bytes().take_while(u8::is_ascii_digit).count();
    let rest = &part[digits..];
    ((1..=2).contains(&digits)
        && (rest.is_empty() || (rest.len() == 1 && rest.as_bytes()[0].is_ascii_lowercase())))
    .then(|| &part[..digits])
}

/// The region whose name starts `text` (lower case), followed by a non-alphanumeric character or
/// the end, and where the match ends.
fn region_at(text: &str) -> Option<(String, usize)> {
    let run = text
        .bytes()
        .take_while(|b| b.is_ascii_alphanumeric() || *b == b'-')
        .count();
    let parts: Vec<&str> = text[..run].split('-').take(4).collect();
    if !GEOS.contains(parts.first()?) {
        return None;
    }
    let mut i = 1;
    if parts.get(i).is_some_and(|q| QUALIFIERS.contains(q)) {
        i += 1;
    }
    if !DIRECTIONS.contains(parts.get(i)?) {
        return None;
    }
    let number = region_number(parts.get(i + 1)?)?;
    let mut name = parts[..=i].join("-");
    name.push('-');
    name.push_str(number);
    let end = parts[..=i + 1].iter().map(|p| p.len() + 1).sum::<usize>() - 1;
    Some((name, end))
}

/// The AWS region names in `text`, as whole tokens (a region name neither preceded nor followed
/// by a letter or digit, so `us-east-1` is not found in `us-east-10` or `xus-east-1`; an
/// availability zone `us-east-1a` names `us-east-1`), in every partition (`aws`, `aws-cn`,
/// `aws-us-gov`, `aws-iso*`, `aws-eusc`); plus the legacy EC2 and S3 host names of us-east-1
/// (`compute-1.amazonaws.com`, `ec2.internal`, `s3-external-1`).
pub fn regions_in(text: &str) -> BTreeSet<String> {
    let t = text.to_ascii_lowercase();
    let bytes = t.as_bytes();
    let mut out = BTreeSet::new();
    let mut i = 0;
    while i < bytes.len() {
        let starts_token =
            bytes[i].is_ascii_alphabetic() && (i == 0 || !bytes[i - 1].is_ascii_alphanumeric());
        if starts_token && let Some((region, len)) = region_at(&t[i..]) {
            out.insert(region);
            i += len;
        } else {
            i += 1;
        }
    }
    for host in t.split(|c: char| !(c.is_ascii_alphanumeric() || c == '.' || c == '-')) {
        let labels: Vec<&str> = host.trim_end_matches('.').split('.').collect();
        let legacy = labels.windows(2).any(|w| {
            w[0] == "compute-1" && (w[1] == "amazonaws" || w[1] == "internal")
                || w == ["ec2", "internal"]
        }) || labels.contains(&"s3-external-1");
        if legacy {
            out.insert("us-east-1".to_string());
        }
    }
    out
}

/// The region a short code names (`use1` → `us-east-1`, `apse2` → `ap-southeast-2`,
/// `usgovw1` → `us-gov-west-1`): the inverse of `parity::short_region_code`.
fn short_code_region(word: &str) -> Option<String> {
    let geo = GEOS[1..].iter().find(|g| word.starts_with(**g))?;
    let mut rest = &word[geo.len()..];
    let mut name = geo.to_string();
    if let Some(r) = rest.strip_prefix("gov") {
        rest = r;
        name.push_str("-gov");
    }
    let (abbrev, direction) = SHORT_DIRECTIONS.iter().find(|(a, _)| rest.starts_with(a))?;
    let number = &rest[abbrev.len()..];
    if !(1..=2).contains(&number.len()) || !number.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    Some(format!("{name}-{direction}-{number}"))
}

/// Regions a name chosen by people names: full region names, and short codes as whole words.
fn label_regions(text: &str) -> BTreeSet<String> {
    let lower = text.to_ascii_lowercase();
    let mut out = regions_in(&lower);
    out.extend(
        lower
            .split(|c: char| !c.is_ascii_alphanumeric())
            .filter_map(short_code_region),
    );
    out
}

/// A DNS name as records and load balancers compare: lower case, no trailing dot, no
/// `dualstack.` prefix.
fn host(name: &str) -> String {
    let n = name.trim().trim_end_matches('.').to_ascii_lowercase();
    match n.strip_prefix("dualstack.") {
        Some(rest) => rest.to_string(),
        None => n,
    }
}

/// Record types whose values are host names (the last word of an MX or SRV value).
fn host_values(record: &RecordSet) -> impl Iterator<Item = String> + '_ {
    let hosts = matches!(
        record.record_type.as_str(),
        "CNAME" | "MX" | "SRV" | "PTR" | "NS" | "HTTPS" | "SVCB"
    );
    record
        .values
        .iter()
        .filter(move |_| hosts)
        .filter_map(|v| v.split_whitespace().last())
        .map(host)
}

/// What names a region: the regions, and whether a resource of the pair uses or is named.
#[derive(Debug, Clone, Default)]
struct Evidence {
    regions: BTreeSet<String>,
    in_pair: bool,
}

impl Evidence {
    fn is_empty(&self) -> bool {
        self.regions.is_empty() && !self.in_pair
    }
    fn add(&mut self, other: &Evidence) {
        self.regions.extend(other.regions.iter().cloned());
        self.in_pair |= other.in_pair;
    }
}

/// Whom an item belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Owner {
    ThisPair,
    /// Evidence names only these regions, none of the pair's.
    OtherPair(BTreeSet<String>),
    Unattributed,
}

fn decide(e: &Evidence, primary: &str, standby: &str) -> Owner {
    if e.in_pair || e.regions.contains(primary) || e.regions.contains(standby) {
        Owner::ThisPair
    } else if e.regions.is_empty() {
        Owner::Unattributed
    } else {
        Owner::OtherPair(e.regions.clone())
    }
}

fn joined(regions: &BTreeSet<String>) -> String {
    regions
        .iter()
        .map(String::as_str)
        .collect::<Vec<_>>()
        .join(", ")
}

const OWNED_ELSEWHERE: &str = "owned by another target of this account";

/// Zone id, lower-case name without the trailing dot, type.
type GroupKey = (String, String, String);

/// A resource of both sites, once per ARN, with the sites holding it.
struct Seen<'s, R> {
    item: &'s R,
    sites: Vec<SiteRole>,
}

fn once<'s, R: Resource>(
    snapshot: &'s Snapshot,
    items: impl Fn(&'s super::Site) -> &'s [R],
) -> BTreeMap<&'s str, Seen<'s, R>> {
    let mut out: BTreeMap<&str, Seen<'s, R>> = BTreeMap::new();
    for role in SiteRole::BOTH {
        for r in items(snapshot.site(role)) {
            out.entry(r.arn())
                .or_insert_with(|| Seen {
                    item: r,
                    sites: Vec::new(),
                })
                .sites
                .push(role);
        }
    }
    out
}

/// The global resources of `snapshot` that serve another site pair (or, when
/// `owns_unattributed` is false, that name no region), sorted; only resources `scope` keeps
/// are listed. Every resource of the snapshot's two sites counts as evidence, in scope or not.
pub fn attribute(
    snapshot: &Snapshot,
    scope: &Scope,
    owns_unattributed: bool,
) -> Vec<OtherSitePair> {
    let (p, s) = (
        snapshot.primary.region.as_str(),
        snapshot.standby.region.as_str(),
    );
    let kept = |owner: &Owner| match owner {
        Owner::ThisPair => true,
        Owner::Unattributed => owns_unattributed,
        Owner::OtherPair(_) => false,
    };
    let mut out = Vec::new();

    // Route 53.
    let records = once(snapshot, |site| &site.route53.record_sets);
    let checks = once(snapshot, |site| &site.route53.health_checks);
    let check_by_id: HashMap<&str, &HealthCheck> = checks
        .values()
        .map(|c| (c.item.id.as_str(), c.item))
        .collect();
    let load_balancers: HashSet<String> = SiteRole::BOTH
        .iter()
        .flat_map(|r| &snapshot.site(*r).elbv2.load_balancers)
        .map(|lb| host(&lb.dns_name))
        .collect();
    let target_evidence = |name: &str| Evidence {
        regions: label_regions(name),
        in_pair: load_balancers.contains(&host(name)),
    };
    // A health check with its children, each once.
    let check_tree = |id: &str| -> Vec<&HealthCheck> {
        let mut seen = HashSet::new();
        let mut todo = vec![id.to_string()];
        let mut tree = Vec::new();
        while let Some(id) = todo.pop() {
            if let Some(c) = check_by_id.get(id.as_str())
                && seen.insert(id)
            {
                tree.push(*c);
                todo.extend(c.child_health_checks.iter().cloned());
            }
        }
        tree
    };
    let check_evidence = |c: &HealthCheck| {
        let mut e = c.fqdn.as_deref().map(target_evidence).unwrap_or_default();
        if let Some(region) = &c.cloudwatch_alarm_region {
            e.regions.extend(regions_in(region));
        }
        e
    };

    let mut groups: BTreeMap<GroupKey, Vec<&Seen<RecordSet>>> = BTreeMap::new();
    for r in records.values() {
        let key = (
            r.item.zone_id.clone(),
            host(&r.item.name),
            r.item.record_type.clone(),
        );
        groups.entry(key).or_default().push(r);
    }
    // Each group's own evidence and the names it answers with.
    let mut own: BTreeMap<&GroupKey, (Evidence, BTreeSet<String>)> = BTreeMap::new();
    for (key, members) in &groups {
        let mut e = Evidence::default();
        let mut targets = BTreeSet::new();
        for m in members {
            let r = m.item;
            for t in r
                .alias_target
                .iter()
                .map(|a| host(&a.dns_name))
                .chain(host_values(r))
            {
                e.add(&target_evidence(&t));
                targets.insert(t);
            }
            if let Some(region) = &r.routing_region {
                e.regions.extend(regions_in(region));
            }
            e.regions.extend(label_regions(&r.name));
            if let Some(set) = &r.set_identifier {
                e.regions.extend(label_regions(set));
            }
            for c in r.health_check_id.iter().flat_map(|id| check_tree(id)) {
                e.add(&check_evidence(c));
                targets.extend(c.fqdn.as_deref().map(host));
            }
        }
        own.insert(key, (e, targets));
    }
    // A group with no evidence of its own takes that of the records it answers with.
    let mut by_name: HashMap<&str, Vec<&GroupKey>> = HashMap::new();
    for key in groups.keys() {
        by_name.entry(key.1.as_str()).or_default().push(key);
    }
    let resolve = |start: &GroupKey| -> Evidence {
        let mut e = Evidence::default();
        let mut seen: HashSet<&GroupKey> = HashSet::new();
        let mut todo = vec![start];
        while let Some(key) = todo.pop() {
            if !seen.insert(key) {
                continue;
            }
            let (mine, targets) = &own[key];
            if !mine.is_empty() {
                e.add(mine);
            } else {
                for t in targets {
                    todo.extend(by_name.get(t.as_str()).into_iter().flatten());
                }
            }
        }
        e
    };
    let mut owners: BTreeMap<&GroupKey, Owner> = BTreeMap::new();
    for key in groups.keys() {
        owners.insert(key, decide(&resolve(key), p, s));
    }
    for (key, members) in &groups {
        let owner = &owners[key];
        if kept(owner) {
            continue;
        }
        let reason = match owner {
            Owner::OtherPair(regions) => {
                format!("names only {}: serves another site pair", joined(regions))
            }
            _ => format!("names no region: {OWNED_ELSEWHERE}"),
        };
        for m in members {
            if !scope.keeps(ResourceKind::RecordSet, m.item) {
                continue;
            }
            let set = m
                .item
                .set_identifier
                .as_deref()
                .map(|s| format!(" (set {s})"))
                .unwrap_or_default();
            out.push(OtherSitePair {
                kind: ResourceKind::RecordSet,
                arn: m.item.arn.clone(),
                name: format!("{} {}{set}", m.item.name, m.item.record_type),
                sites: m.sites.clone(),
                reason: reason.clone(),
            });
        }
    }
    // Health checks: kept when a kept group uses them; set aside when every group using them is.
    let mut users: HashMap<&str, Vec<&GroupKey>> = HashMap::new();
    for (key, members) in &groups {
        for m in members {
            for c in m.item.health_check_id.iter().flat_map(|id| check_tree(id)) {
                users.entry(c.id.as_str()).or_default().push(key);
            }
        }
    }
    for c in checks.values() {
        if !scope.keeps(ResourceKind::HealthCheck, c.item) {
            continue;
        }
        let reason = match users.get(c.item.id.as_str()) {
            Some(keys) if keys.iter().any(|k| kept(&owners[k])) => continue,
            Some(keys) => {
                let names: BTreeSet<String> = keys
                    .iter()
                    .map(|(_, name, kind)| format!("{name}. {kind}"))
                    .collect();
                format!(
                    "used only by record sets set aside here ({})",
                    names.into_iter().collect::<Vec<_>>().join(", ")
                )
            }
            None => match decide(&check_evidence(c.item), p, s) {
                Owner::ThisPair => continue,
                Owner::OtherPair(regions) => format!(
                    "used by no record set and names only {}: serves another site pair",
                    joined(&regions)
                ),
                Owner::Unattributed if owns_unattributed => continue,
                Owner::Unattributed => {
                    format!("used by no record set and names no region: {OWNED_ELSEWHERE}")
                }
            },
        };
        let name = if c.item.name.is_empty() {
            c.item.id.clone()
        } else {
            c.item.name.clone()
        };
        out.push(OtherSitePair {
            kind: ResourceKind::HealthCheck,
            arn: c.item.arn.clone(),
            name,
            sites: c.sites.clone(),
            reason,
        });
    }

    // IAM: roles used by a resource of the pair, by name (the standby twin of a used primary
    // role serves the pair too).
    let used = roles_used(snapshot);
    for r in once(snapshot, |site| &site.iam.roles).values() {
        let role = r.item;
        if !scope.keeps(ResourceKind::Role, role) || used.contains(&role.name.to_ascii_lowercase())
        {
            continue;
        }
        let e = Evidence {
            regions: label_regions(&format!("{} {}", role.path, role.name)),
            in_pair: false,
        };
        let reason = match decide(&e, p, s) {
            Owner::ThisPair => continue,
            Owner::OtherPair(regions) => format!(
                "used by nothing in this site pair and its name names only {}: serves another \
                 site pair",
                joined(&regions)
            ),
            Owner::Unattributed if owns_unattributed => continue,
            Owner::Unattributed => {
                format!("used by nothing in this site pair and names no region: {OWNED_ELSEWHERE}")
            }
        };
        out.push(OtherSitePair {
            kind: ResourceKind::Role,
            arn: role.arn.clone(),
            name: role.name.clone(),
            sites: r.sites.clone(),
            reason,
        });
    }
    out.sort();
    out
}

/// The last segment of an ARN's resource (`arn:aws:iam::1:role/path/NAME` → `NAME`).
fn arn_name(arn: &str) -> &str {
    arn.rsplit('/').next().unwrap_or(arn)
}

/// Names (lower case) of the roles a resource of either site uses: through the instance profile
/// of an instance or of a launch template version, or as a bucket's replication role.
fn roles_used(snapshot: &Snapshot) -> HashSet<String> {
    let mut used = HashSet::new();
    for role in SiteRole::BOTH {
        let site = snapshot.site(role);
        let profiles = &site.iam.instance_profiles;
        let by_arn: HashMap<&str, &InstanceProfile> =
            profiles.iter().map(|p| (p.arn.as_str(), p)).collect();
        let by_name: HashMap<&str, &InstanceProfile> =
            profiles.iter().map(|p| (p.name.as_str(), p)).collect();
        let mut add_profile = |arn: Option<&str>, name: Option<&str>| {
            let profile = arn
                .and_then(|a| by_arn.get(a))
                .or_else(|| by_name.get(arn.map(arn_name).or(name)?));
            if let Some(p) = profile {
                used.extend(p.roles.iter().map(|r| r.to_ascii_lowercase()));
            }
        };
        for i in &site.ec2.instances {
            add_profile(i.instance_profile_arn.as_deref(), None);
        }
        for t in &site.ec2.launch_templates {
            for v in t.default_version.iter().chain(&t.latest_version) {
                add_profile(
                    v.instance_profile_arn.as_deref(),
                    v.instance_profile_name.as_deref(),
                );
            }
        }
        for b in &site.s3.buckets {
            if let Some(rep) = &b.replication {
                used.insert(arn_name(&rep.role).to_ascii_lowercase());
            }
        }
    }
    used
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::vocab::Service;

    fn set(items: &[&str]) -> BTreeSet<String> {
        items.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn region_names_are_found_in_real_dns_name_shapes() {
        for (text, want) in [
            (
                "dualstack.name-123.us-east-1.elb.amazonaws.com.",
                &["us-east-1"][..],
            ),
            (
                "prod-use1-api-4177401905.us-east-1.elb.amazonaws.com",
                &["us-east-1"],
            ),
            ("internal-app-1.eu-west-1.elb.amazonaws.com", &["eu-west-1"]),
            (
                "nlb-0123456789abcdef.elb.ap-southeast-2.amazonaws.com",
                &["ap-southeast-2"],
            ),
            ("abc123.execute-api.eu-west-1.amazonaws.com", &["eu-west-1"]),
            (
                "d-abc123.execute-api.us-west-2.amazonaws.com",
                &["us-west-2"],
            ),
            ("s3-website-us-east-1.amazonaws.com", &["us-east-1"]),
            ("s3-website.eu-west-1.amazonaws.com", &["eu-west-1"]),
            (
                "bucket.s3-website-ap-northeast-1.amazonaws.com.",
                &["ap-northeast-1"],
            ),
            (
                "bucket.s3.dualstack.eu-central-1.amazonaws.com",
                &["eu-central-1"],
            ),
            (
                "vpce-0a1b2c3d4e5f-abcd1234.vpce-svc-0123.us-east-1.vpce.amazonaws.com",
                &["us-east-1"],
            ),
            ("ec2-1-2-3-4.compute-1.amazonaws.com", &["us-east-1"]),
            (
                "ec2-54-1-2-3.us-west-2.compute.amazonaws.com",
                &["us-west-2"],
            ),
            ("ip-10-0-0-1.ec2.internal", &["us-east-1"]),
            ("ip-10-0-0-1.eu-west-1.compute.internal", &["eu-west-1"]),
            ("bucket.s3-external-1.amazonaws.com", &["us-east-1"]),
            ("db.abcdefgh.sa-east-1.rds.amazonaws.com", &["sa-east-1"]),
            ("app.ca-central-1.elasticbeanstalk.com", &["ca-central-1"]),
            ("name-1.cn-north-1.elb.amazonaws.com.cn", &["cn-north-1"]),
            (
                "name-1.cn-northwest-1.elb.amazonaws.com.cn",
                &["cn-northwest-1"],
            ),
            ("name-1.us-gov-west-1.elb.amazonaws.com", &["us-gov-west-1"]),
            ("host.us-iso-east-1.c2s.ic.gov", &["us-iso-east-1"]),
            ("host.us-isob-east-1.sc2s.sgov.gov", &["us-isob-east-1"]),
            ("host.eu-isoe-west-1.cloud.adc-e.uk", &["eu-isoe-west-1"]),
            ("host.eusc-de-east-1.amazonaws.eu", &["eusc-de-east-1"]),
            ("10 inbound-smtp.us-east-1.amazonaws.com", &["us-east-1"]),
            ("api.il-central-1.example.com", &["il-central-1"]),
            ("US-EAST-1.Example.COM", &["us-east-1"]),
            (
                "subnet in us-east-1a and us-west-2b",
                &["us-east-1", "us-west-2"],
            ),
            ("us-east-1-bos-1a.local-zone", &["us-east-1"]),
            (
                "a.us-east-1.x, b.eu-central-2.y",
                &["eu-central-2", "us-east-1"],
            ),
            ("/eu-west-1/app/", &["eu-west-1"]),
            ("us-east-10.example.com", &["us-east-10"]),
        ] {
            assert_eq!(regions_in(text), set(want), "{text}");
        }
        for text in [
            "d1x2y3z4w5v6u7.cloudfront.net",
            "a1b2c3.awsglobalaccelerator.com",
            "ns-694.awsdns-00.com.",
            "xus-east-1.example.com",
            "us-east-1ab.example.com",
            "us-east-123.example.com",
            "us-east.example.com",
            "eu-middle-1.example.com",
            "compute-1.example.com",
            "my-ec2.internal.example.com",
            "status.acme-corp.com.",
            "",
        ] {
            assert_eq!(regions_in(text), BTreeSet::new(), "{text}");
        }
        assert!(!regions_in("us-east-10").contains("us-east-1"));
    }

    fn snapshot(primary: serde_json::Value, standby: serde_json::Value) -> Snapshot {
        let site = |region: &str, mut v: serde_json::Value| {
            let obj = v.as_object_mut().unwrap();
            obj.insert("account".into(), "111111111111".into());
            obj.insert("region".into(), region.into());
            obj.insert("collected_at".into(), "2025-01-01T00:00:00Z".into());
            v
        };
        serde_json::from_value(serde_json::json!({
            "schema_version": 1,
            "collected_at": "2025-01-01T00:00:00Z",
            "primary": site("us-east-1", primary),
            "standby": site("us-west-2", standby),
        }))
        .unwrap()
    }

    fn rec(name: &str, kind: &str, extra: serde_json::Value) -> serde_json::Value {
        let mut r = serde_json::json!({
            "arn": format!("arn:aws:route53:::hostedzone/Z1/recordset/{name}/{kind}"),
            "id": format!("{name}/{kind}"), "name": name, "region": "global",
            "account": "111111111111", "zone_id": "Z1", "type": kind,
        });
        r.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        r
    }

    fn check(id: &str, extra: serde_json::Value) -> serde_json::Value {
        let mut c = serde_json::json!({
            "arn": format!("arn:aws:route53:::healthcheck/{id}"), "id": id, "region": "global",
            "account": "111111111111", "type": "HTTPS",
        });
        c.as_object_mut()
            .unwrap()
            .extend(extra.as_object().unwrap().clone());
        c
    }

    fn role(name: &str, path: &str) -> serde_json::Value {
        serde_json::json!({
            "arn": format!("arn:aws:iam::111111111111:role{path}{name}"), "id": name,
            "name": name, "region": "global", "account": "111111111111", "path": path,
        })
    }

    fn scope() -> Scope {
        Scope {
            services: Service::ALL.iter().copied().collect(),
            ..Scope::default()
        }
    }

    /// ARN → reason of everything set aside.
    fn aside(s: &Snapshot, owns: bool) -> BTreeMap<String, String> {
        attribute(s, &scope(), owns)
            .into_iter()
            .map(|o| (o.arn, o.reason))
            .collect()
    }

    /// The record name, or the last part of any other ARN, of everything set aside.
    fn names(map: &BTreeMap<String, String>) -> BTreeSet<String> {
        map.keys()
            .map(|a| match a.contains("/recordset/") {
                true => a.rsplit('/').nth(1).unwrap().to_string(),
                false => arn_name(a).to_string(),
            })
            .collect()
    }

    #[test]
    fn record_set_groups_follow_their_targets_checks_and_routing() {
        let records = serde_json::json!([
            // alias into the pair; a routing set member naming another region joins its group
            rec(
                "a.x.",
                "A",
                serde_json::json!({"set_identifier": "1", "alias_target": {"dns_name": "dualstack.lb-1.us-east-1.elb.amazonaws.com.", "hosted_zone_id": "Z", "evaluate_target_health": true}})
            ),
            // latency routing regions of another pair only
            rec(
                "lat.x.",
                "A",
                serde_json::json!({"routing_region": "eu-west-1", "values": ["203.0.113.1"]})
            ),
            // a health check whose FQDN names another region
            rec(
                "hc.x.",
                "A",
                serde_json::json!({"health_check_id": "h-eu", "values": ["203.0.113.2"]})
            ),
            // a CALCULATED check whose child names the standby region
            rec(
                "calc.x.",
                "A",
                serde_json::json!({"health_check_id": "h-calc", "values": ["203.0.113.3"]})
            ),
            // a CLOUDWATCH_METRIC check's alarm region
            rec(
                "cw.x.",
                "A",
                serde_json::json!({"health_check_id": "h-cw", "values": ["203.0.113.4"]})
            ),
            // a CNAME to another record of the zone, which names another region
            rec(
                "chain.x.",
                "CNAME",
                serde_json::json!({"values": ["lat.x"]})
            ),
            // a CNAME to a load balancer of the pair whose DNS name names no region
            rec(
                "lb.x.",
                "CNAME",
                serde_json::json!({"values": ["My-LB.example.internal."]})
            ),
            // nothing at all; TXT values are not host names
            rec(
                "txt.x.",
                "TXT",
                serde_json::json!({"values": ["\"eu-west-1\""]})
            ),
            // a set identifier with a short code
            rec(
                "set.x.",
                "A",
                serde_json::json!({"set_identifier": "web-euc1", "values": ["203.0.113.5"]})
            ),
            // a health check whose FQDN carries another region's short code
            rec(
                "code.x.",
                "A",
                serde_json::json!({"health_check_id": "h-code", "values": ["203.0.113.6"]})
            ),
            // a legacy EC2 host name is us-east-1
            rec(
                "ec2.x.",
                "CNAME",
                serde_json::json!({"values": ["ec2-1-2-3-4.compute-1.amazonaws.com"]})
            ),
        ]);
        let checks = serde_json::json!([
            check(
                "h-eu",
                serde_json::json!({"fqdn": "app.eu-central-1.example.com"})
            ),
            check(
                "h-calc",
                serde_json::json!({"type": "CALCULATED", "child_health_checks": ["h-west", "h-calc"]})
            ),
            check(
                "h-west",
                serde_json::json!({"fqdn": "app.us-west-2.example.com"})
            ),
            check(
                "h-cw",
                serde_json::json!({"type": "CLOUDWATCH_METRIC", "cloudwatch_alarm_region": "ap-south-1"})
            ),
            check(
                "h-alone",
                serde_json::json!({"fqdn": "probe.sa-east-1.example.com"})
            ),
            check("h-none", serde_json::json!({"ip_address": "203.0.113.9"})),
            check(
                "h-code",
                serde_json::json!({"fqdn": "app01-euw1.dr-demo.example.com"})
            ),
        ]);
        let mut a_records = records.as_array().unwrap().clone();
        a_records.push(rec("a.x.", "A", serde_json::json!({"arn": "arn:aws:route53:::hostedzone/Z1/recordset/a.x./A/2", "set_identifier": "2", "alias_target": {"dns_name": "lb-2.eu-west-1.elb.amazonaws.com", "hosted_zone_id": "Z", "evaluate_target_health": true}})));
        let s = snapshot(
            serde_json::json!({
                "route53": {"record_sets": a_records, "health_checks": checks},
                "elbv2": {"load_balancers": [{"arn": "arn:lb", "id": "lb", "name": "lb", "region": "us-east-1", "account": "111111111111", "lb_type": "application", "scheme": "internal", "state": "active", "dns_name": "my-lb.example.internal"}]},
            }),
            serde_json::json!({}),
        );
        let kept = aside(&s, true);
        assert_eq!(
            names(&kept),
            set(&[
                "lat.x.", "hc.x.", "cw.x.", "chain.x.", "set.x.", "code.x.", "h-eu", "h-cw",
                "h-alone", "h-code"
            ]),
            "{kept:#?}"
        );
        assert_eq!(
            kept["arn:aws:route53:::hostedzone/Z1/recordset/lat.x./A"],
            "names only eu-west-1: serves another site pair"
        );
        assert_eq!(
            kept["arn:aws:route53:::healthcheck/h-eu"],
            "used only by record sets set aside here (hc.x. A)"
        );
        assert_eq!(
            kept["arn:aws:route53:::healthcheck/h-alone"],
            "used by no record set and names only sa-east-1: serves another site pair"
        );
        let strict = aside(&s, false);
        assert_eq!(
            names(&strict),
            &names(&kept) | &set(&["txt.x.", "h-none"]),
            "{strict:#?}"
        );
        assert_eq!(
            strict["arn:aws:route53:::hostedzone/Z1/recordset/txt.x./TXT"],
            "names no region: owned by another target of this account"
        );
    }

    #[test]
    fn roles_used_by_the_pair_are_its_own_and_others_go_by_their_names() {
        let s = snapshot(
            serde_json::json!({
                "iam": {
                    "roles": [role("web", "/"), role("batch", "/"), role("replicator", "/service/"), role("app-euw1", "/"), role("deploy", "/eu-west-1/"), role("ops-use1", "/"), role("admin", "/")],
                    "instance_profiles": [
                        {"arn": "arn:aws:iam::111111111111:instance-profile/web", "id": "p1", "name": "web", "region": "global", "account": "111111111111", "roles": ["web"]},
                        {"arn": "arn:aws:iam::111111111111:instance-profile/batch-profile", "id": "p2", "name": "batch-profile", "region": "global", "account": "111111111111", "roles": ["batch"]},
                    ],
                },
                "ec2": {
                    "instances": [{"arn": "arn:i", "id": "i-1", "region": "us-east-1", "account": "111111111111", "instance_type": "t3.micro", "state": "running", "instance_profile_arn": "arn:aws:iam::111111111111:instance-profile/web"}],
                },
                "s3": {"buckets": [{"arn": "arn:aws:s3:::b", "id": "b", "name": "b", "region": "us-east-1", "account": "111111111111", "replication": {"role": "arn:aws:iam::111111111111:role/service/replicator", "rules": []}}]},
            }),
            serde_json::json!({
                // the standby twin of a role the primary uses, and a template naming a profile
                "iam": {"roles": [role("web", "/")], "instance_profiles": [
                    {"arn": "arn:aws:iam::111111111111:instance-profile/batch-profile", "id": "p2", "name": "batch-profile", "region": "global", "account": "111111111111", "roles": ["batch"]},
                ]},
                "ec2": {"launch_templates": [{"arn": "arn:lt", "id": "lt-1", "region": "us-west-2", "account": "111111111111", "default_version": {"version_number": 1, "instance_profile_name": "batch-profile"}}]},
            }),
        );
        let kept = aside(&s, true);
        assert_eq!(names(&kept), set(&["app-euw1", "deploy"]), "{kept:#?}");
        assert_eq!(
            kept["arn:aws:iam::111111111111:role/eu-west-1/deploy"],
            "used by nothing in this site pair and its name names only eu-west-1: serves another site pair"
        );
        let strict = aside(&s, false);
        assert_eq!(
            names(&strict),
            set(&["app-euw1", "deploy", "admin"]),
            "{strict:#?}"
        );
        // The web role is held by both sites (one account): listed once, with both sites.
        let s2 = snapshot(
            serde_json::json!({"iam": {"roles": [role("eu-west-1-web", "/")]}}),
            serde_json::json!({"iam": {"roles": [role("eu-west-1-web", "/")]}}),
        );
        let out = attribute(&s2, &scope(), true);
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].sites, SiteRole::BOTH.to_vec());
        // Scope: a role the scope already removes is not listed.
        let mut sc = scope();
        sc.exclude = vec!["arn:aws:iam::*:role/eu-west-1-web".into()];
        assert!(attribute(&s2, &sc, true).is_empty());
    }

    #[test]
    fn short_codes_name_regions_as_whole_words_only() {
        for (code, region) in [
            ("use1", "us-east-1"),
            ("usw2", "us-west-2"),
            ("euw1", "eu-west-1"),
            ("euc1", "eu-central-1"),
            ("eun1", "eu-north-1"),
            ("apse2", "ap-southeast-2"),
            ("apne1", "ap-northeast-1"),
            ("aps1", "ap-south-1"),
            ("usgovw1", "us-gov-west-1"),
            ("cnnw1", "cn-northwest-1"),
            ("sae1", "sa-east-1"),
        ] {
            assert_eq!(short_code_region(code).as_deref(), Some(region), "{code}");
            assert_eq!(
                crate::parity::short_region_code(region).as_deref(),
                Some(code),
                "{region}"
            );
        }
        for word in [
            "use", "user1", "us1", "useast1", "api", "e1", "euw123", "prod",
        ] {
            assert_eq!(short_code_region(word), None, "{word}");
        }
        assert_eq!(label_regions("prod-euw1-api"), set(&["eu-west-1"]));
        assert_eq!(label_regions("prod-euw1x-api"), BTreeSet::new());
        assert_eq!(label_regions("admin-use1"), set(&["us-east-1"]));
        assert_eq!(label_regions("reuse1"), BTreeSet::new());
    }
}
