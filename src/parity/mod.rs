//! Pairing: finds each primary resource's standby twin, in Rust, with hash maps (O(n)).
//!
//! Strategies are tried in order — explicit tag, name (region tokens, then role words), lineage,
//! then the fallbacks for generated names and structure — and a standby resource is the twin of
//! at most one primary resource. Subnets and security groups compare within twin VPCs. Route 53
//! failover records pair by (zone, name, type). Each pair names the strategy that matched and the
//! attributes that drift.

mod cidr;
mod drift;
mod names;
mod services;

use std::collections::{BTreeMap, HashMap, HashSet};

use serde::Serialize;

use crate::snapshot::{Image, RecordSet, Resource, SecurityGroup, Site, Subnet, Vpc, bucket_name};
use crate::vocab::ResourceKind;

use cidr::Cidr;
pub use names::{NameRewriter, is_separator, replace_word, short_region_code, terraform_prefix};

/// How a pair was found.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Serialize,
    serde::Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "lowercase")]
pub enum Strategy {
    /// Equal values of the pairing tag (default `dr:pair`).
    Tag,
    /// Equal names after region-token rewriting.
    Name,
    /// The standby resource was copied or replicated from the primary one.
    Lineage,
    /// An image the primary account does not own (Amazon, Marketplace, shared): the standby
    /// region's image with the same owner and name.
    Owner,
    /// The same CloudFormation stack (name after rewriting) and logical id.
    Stack,
    /// Equal names after removing a generated suffix (Terraform `name_prefix`).
    Prefix,
    /// The network's shape: the only VPC left on each side, a subnet at the same place (AZ, CIDR
    /// offset) of twin VPCs.
    Structure,
}

/// One attribute that differs between twins.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize, schemars::JsonSchema)]
pub struct Drift {
    pub attribute: String,
    pub primary: serde_json::Value,
    pub standby: serde_json::Value,
}

/// A primary resource and its standby twin.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize, schemars::JsonSchema)]
pub struct Pair {
    pub kind: ResourceKind,
    pub primary: String,
    pub standby: String,
    pub primary_id: String,
    pub standby_id: String,
    pub name: String,
    pub strategy: Strategy,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub drift: Vec<Drift>,
}

/// A resource without a twin.
#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize, schemars::JsonSchema)]
pub struct Unpaired {
    pub kind: ResourceKind,
    pub arn: String,
    pub id: String,
    pub name: String,
}

/// The records of one failover routing policy: (zone, name, type).
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct FailoverPair {
    pub zone_id: String,
    pub name: String,
    #[serde(rename = "type")]
    pub record_type: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub primary: Option<RecordSet>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub secondary: Option<RecordSet>,
}

/// The pairing result.
#[derive(Debug, Clone, Default, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Parity {
    pub pairs: Vec<Pair>,
    pub missing_in_standby: Vec<Unpaired>,
    pub extra_in_standby: Vec<Unpaired>,
    pub failover: Vec<FailoverPair>,
}

/// Per-kind counts, for reports.
#[derive(Debug, Clone, Default, PartialEq, Serialize, serde::Deserialize, schemars::JsonSchema)]
pub struct KindSummary {
    pub pairs: usize,
    pub missing_in_standby: usize,
    pub extra_in_standby: usize,
}

impl Parity {
    /// Primary ARN → its standby twin's ARN.
    pub fn standby_of(&self) -> HashMap<&str, &str> {
        self.pairs
            .iter()
            .map(|x| (x.primary.as_str(), x.standby.as_str()))
            .collect()
    }

    /// Standby ARN → its primary twin's ARN.
    pub fn primary_of(&self) -> HashMap<&str, &str> {
        self.pairs
            .iter()
            .map(|x| (x.standby.as_str(), x.primary.as_str()))
            .collect()
    }

    /// Counts by resource kind (plus `failover_record` for failover policies).
    pub fn summary(&self) -> BTreeMap<String, KindSummary> {
        let mut out: BTreeMap<String, KindSummary> = BTreeMap::new();
        for p in &self.pairs {
            out.entry(p.kind.as_str().to_string()).or_default().pairs += 1;
        }
        for u in &self.missing_in_standby {
            out.entry(u.kind.as_str().to_string())
                .or_default()
                .missing_in_standby += 1;
        }
        for u in &self.extra_in_standby {
            out.entry(u.kind.as_str().to_string())
                .or_default()
                .extra_in_standby += 1;
        }
        for f in &self.failover {
            let e = out.entry("failover_record".to_string()).or_default();
            match (&f.primary, &f.secondary) {
                (Some(_), Some(_)) => e.pairs += 1,
                (Some(_), None) => e.missing_in_standby += 1,
                _ => e.extra_in_standby += 1,
            }
        }
        out
    }
}

/// Pairing settings.
#[derive(Debug, Clone)]
pub struct PairingOptions {
    pub pair_tag: String,
    pub rewriter: NameRewriter,
}

/// CloudFormation's tags on the resources of a stack.
const CFN_STACK_TAG: &str = "aws:cloudformation:stack-name";
const CFN_LOGICAL_ID_TAG: &str = "aws:cloudformation:logical-id";

/// Pairs the two sites.
pub fn pair(primary: &Site, standby: &Site, opts: &PairingOptions) -> Parity {
    let mut parity = Parity::default();
    let tag = opts.pair_tag.as_str();
    let rw = &opts.rewriter;

    // Networks first: VPC twins scope subnets and security groups, and feed security-group drift.
    let vpcs = {
        let mut m = Matching::new(ResourceKind::Vpc, &primary.ec2.vpcs, &standby.ec2.vpcs);
        m.tag(tag);
        m.names(rw, &unscoped, &unscoped);
        m.generated(rw, &unscoped, &unscoped);
        // The only workload VPC left on each side are twins; so are the default VPCs.
        m.single(|v: &Vpc| !v.is_default);
        m.single(|v: &Vpc| v.is_default);
        m.finish()
    };
    let vpc_twin: HashMap<&str, &str> = vpcs
        .pairs
        .iter()
        .map(|p| (p.primary_id.as_str(), p.standby_id.as_str()))
        .collect();
    let twin_vpcs: HashSet<&str> = vpc_twin.values().copied().collect();
    // Names are unique per VPC, not per region (every VPC has a `default` security group), so
    // subnets and groups compare within the twin VPC: the key's scope is the standby VPC id.
    // Resources of VPCs without a twin compare among themselves (empty scope).
    let primary_scope = |vpc: Option<&str>| -> String {
        vpc.and_then(|v| vpc_twin.get(v))
            .copied()
            .unwrap_or_default()
            .to_string()
    };
    let standby_scope = |vpc: Option<&str>| -> String {
        vpc.filter(|v| twin_vpcs.contains(v))
            .unwrap_or_default()
            .to_string()
    };

    let subnets = {
        let p_scope = |s: &Subnet| primary_scope(Some(&s.vpc_id));
        let s_scope = |s: &Subnet| standby_scope(Some(&s.vpc_id));
        let mut m = Matching::new(
            ResourceKind::Subnet,
            &primary.ec2.subnets,
            &standby.ec2.subnets,
        );
        m.tag(tag);
        m.names(rw, &p_scope, &s_scope);
        m.generated(rw, &p_scope, &s_scope);
        subnet_structure(&mut m, &primary.ec2.vpcs, &standby.ec2.vpcs, &vpc_twin);
        m.finish()
    };

    let mut sgs = {
        let p_scope = |g: &SecurityGroup| primary_scope(g.vpc_id.as_deref());
        let s_scope = |g: &SecurityGroup| standby_scope(g.vpc_id.as_deref());
        let mut m = Matching::new(
            ResourceKind::SecurityGroup,
            &primary.ec2.security_groups,
            &standby.ec2.security_groups,
        );
        m.tag(tag);
        m.names(rw, &p_scope, &s_scope);
        m.generated(rw, &p_scope, &s_scope);
        m.finish()
    };
    let networks = drift::Networks::new(primary, standby, &vpcs, &subnets, rw);
    drift::security_groups(
        &mut sgs,
        &primary.ec2.security_groups,
        &standby.ec2.security_groups,
        &networks,
    );

    // Images and snapshots: lineage before names (copies often keep a name that is reused across
    // versions, and lineage is proof).
    let images = {
        let mut m = Matching::new(
            ResourceKind::Image,
            &primary.ec2.images,
            &standby.ec2.images,
        );
        m.tag(tag);
        m.lineage(
            |img| vec![img.id.clone()],
            |img| {
                let mut keys = Vec::new();
                if let Some(src) = &img.source_image_id {
                    keys.push(src.clone());
                }
                if let Some(src) = img.tag("dr:source-ami-id") {
                    keys.push(src.to_string());
                }
                keys
            },
        );
        // Someone else's image (Amazon, Marketplace, an image factory's shared golden AMI): the
        // owner publishes it in the standby region under the same name.
        m.unique(
            Strategy::Owner,
            |img: &Image| {
                let owner = img.owner_id.as_deref()?;
                (owner != primary.account && !img.name.is_empty())
                    .then(|| (format!("{owner}/{}", img.name), false))
            },
            |img: &Image| {
                let owner = img.owner_id.as_deref()?;
                (!img.name.is_empty()).then(|| format!("{owner}/{}", img.name))
            },
        );
        m.names(rw, &unscoped, &unscoped);
        m.generated(rw, &unscoped, &unscoped);
        m.finish()
    };
    let snapshots = {
        let mut m = Matching::new(
            ResourceKind::Snapshot,
            &primary.ec2.snapshots,
            &standby.ec2.snapshots,
        );
        m.tag(tag);
        m.lineage(
            |s| vec![s.id.clone()],
            |s| {
                let mut keys = Vec::new();
                if let Some(src) = s.tag("dr:source-snapshot-id") {
                    keys.push(src.to_string());
                }
                if let Some(src) = copied_snapshot_source(&s.description)
                    .or_else(|| copy_image_source(&s.description))
                {
                    keys.push(src.to_string());
                }
                keys
            },
        );
        m.names(rw, &unscoped, &unscoped);
        m.generated(rw, &unscoped, &unscoped);
        m.finish()
    };
    let mut lts = plain(
        ResourceKind::LaunchTemplate,
        &primary.ec2.launch_templates,
        &standby.ec2.launch_templates,
        opts,
    );
    drift::launch_templates(
        &mut lts,
        &primary.ec2.launch_templates,
        &standby.ec2.launch_templates,
    );
    let mut instances = plain(
        ResourceKind::Instance,
        &primary.ec2.instances,
        &standby.ec2.instances,
        opts,
    );
    drift::instances(
        &mut instances,
        &primary.ec2.instances,
        &standby.ec2.instances,
    );

    let buckets = {
        let mut m = Matching::new(
            ResourceKind::Bucket,
            &primary.s3.buckets,
            &standby.s3.buckets,
        );
        m.tag(tag);
        m.names(rw, &unscoped, &unscoped);
        m.lineage(
            |b| {
                b.replication
                    .iter()
                    .flat_map(|r| &r.rules)
                    .filter(|r| r.status == "Enabled")
                    .map(|r| bucket_name(&r.destination.bucket).to_string())
                    .collect()
            },
            |b| vec![b.id.clone()],
        );
        m.generated(rw, &unscoped, &unscoped);
        m.finish()
    };

    let mut roles = plain(
        ResourceKind::Role,
        &primary.iam.roles,
        &standby.iam.roles,
        opts,
    );
    drift::roles(
        &mut roles,
        &primary.iam.roles,
        &standby.iam.roles,
        &primary.account,
        &standby.account,
    );
    let profiles = plain(
        ResourceKind::InstanceProfile,
        &primary.iam.instance_profiles,
        &standby.iam.instance_profiles,
        opts,
    );

    for r in [
        vpcs, subnets, sgs, images, snapshots, lts, instances, buckets, roles, profiles,
    ]
    .into_iter()
    .chain(services::pair(primary, standby, opts))
    {
        parity.pairs.extend(r.pairs);
        parity.missing_in_standby.extend(r.missing);
        parity.extra_in_standby.extend(r.extra);
    }
    if primary.account == standby.account {
        // One account: IAM (global) holds the same roles and profiles in both sites, so the
        // standby twin `app-usw2` is also listed in the primary site and the primary `app-use1`
        // in the standby site. Those copies are twins already, not missing or extra resources.
        let twins: HashSet<&str> = parity
            .pairs
            .iter()
            .flat_map(|p| [p.primary.as_str(), p.standby.as_str()])
            .collect();
        let global = |k: ResourceKind| k.service().is_global();
        let keep = |u: &Unpaired| !(global(u.kind) && twins.contains(u.arn.as_str()));
        let missing: Vec<Unpaired> = parity.missing_in_standby.drain(..).filter(keep).collect();
        let extra: Vec<Unpaired> = parity.extra_in_standby.drain(..).filter(keep).collect();
        parity.missing_in_standby = missing;
        parity.extra_in_standby = extra;
    }
    parity.failover = failover(primary, standby);
    parity
}

/// A kind without lineage or scope: tag, names, generated names.
fn plain<R: Resource>(
    kind: ResourceKind,
    primary: &[R],
    standby: &[R],
    opts: &PairingOptions,
) -> KindResult {
    let mut m = Matching::new(kind, primary, standby);
    m.tag(&opts.pair_tag);
    m.names(&opts.rewriter, &unscoped, &unscoped);
    m.generated(&opts.rewriter, &unscoped, &unscoped);
    m.finish()
}

fn unscoped<R>(_: &R) -> String {
    String::new()
}

/// Subnets at the same place of twin VPCs: the same CIDR offset and prefix length relative to the
/// VPC's CIDR, in the same AZ — by AZ letter (`us-east-1a` ↔ `us-west-2a`), then by the AZ's rank
/// among the letters the VPC's subnets use (`a, b, d` ↔ `a, b, c`).
fn subnet_structure(
    m: &mut Matching<'_, Subnet>,
    primary_vpcs: &[Vpc],
    standby_vpcs: &[Vpc],
    vpc_twin: &HashMap<&str, &str>,
) {
    if vpc_twin.is_empty() {
        return;
    }
    let twin_vpcs: HashSet<&str> = vpc_twin.values().copied().collect();
    let cidrs = |vpcs: &[Vpc]| -> HashMap<String, Cidr> {
        vpcs.iter()
            .filter_map(|v| Some((v.id.clone(), Cidr::parse(v.cidr_block.as_deref()?)?)))
            .collect()
    };
    let (p_cidrs, s_cidrs) = (cidrs(primary_vpcs), cidrs(standby_vpcs));
    let letters = |subnets: &[Subnet]| -> HashMap<String, Vec<char>> {
        let mut out: HashMap<String, Vec<char>> = HashMap::new();
        for s in subnets {
            if let Some(l) = az_letter(s) {
                out.entry(s.vpc_id.clone()).or_default().push(l);
            }
        }
        for v in out.values_mut() {
            v.sort_unstable();
            v.dedup();
        }
        out
    };
    let (p_letters, s_letters) = (letters(m.primary), letters(m.standby));
    // (VPC scope, place in the VPC) or None.
    let place = |s: &Subnet, cidrs: &HashMap<String, Cidr>| -> Option<(u32, u8)> {
        cidrs
            .get(&s.vpc_id)?
            .offset_of(Cidr::parse(s.cidr_block.as_deref()?)?)
    };
    let rank = |s: &Subnet, letters: &HashMap<String, Vec<char>>| -> Option<usize> {
        let l = az_letter(s)?;
        letters.get(&s.vpc_id)?.iter().position(|&x| x == l)
    };
    m.unique(
        Strategy::Structure,
        |s| {
            let twin = vpc_twin.get(s.vpc_id.as_str())?;
            let (off, len) = place(s, &p_cidrs)?;
            Some((format!("{twin}/{}/{off}/{len}", az_letter(s)?), false))
        },
        |s| {
            twin_vpcs.get(s.vpc_id.as_str())?;
            let (off, len) = place(s, &s_cidrs)?;
            Some(format!("{}/{}/{off}/{len}", s.vpc_id, az_letter(s)?))
        },
    );
    m.unique(
        Strategy::Structure,
        |s| {
            let twin = vpc_twin.get(s.vpc_id.as_str())?;
            let (off, len) = place(s, &p_cidrs)?;
            Some((
                format!("{twin}/{}/{off}/{len}", rank(s, &p_letters)?),
                false,
            ))
        },
        |s| {
            twin_vpcs.get(s.vpc_id.as_str())?;
            let (off, len) = place(s, &s_cidrs)?;
            Some(format!("{}/{}/{off}/{len}", s.vpc_id, rank(s, &s_letters)?))
        },
    );
}

/// The AZ letter: `us-east-1a` → `a` (also for Local Zones, `us-east-1-bos-1a`).
fn az_letter(s: &Subnet) -> Option<char> {
    s.availability_zone
        .as_deref()?
        .chars()
        .last()
        .filter(char::is_ascii_lowercase)
}

/// The source snapshot id AWS writes in the description of an AMI's snapshot copy:
/// `Copied for DestinationAmi ami-… from SourceAmi ami-… for SourceSnapshot snap-…. Task …`.
pub fn copy_image_source(description: &str) -> Option<&str> {
    let rest = &description[description.find("SourceSnapshot ")? + "SourceSnapshot ".len()..];
    let id = rest
        .split(|c: char| c.is_whitespace() || c == '.' || c == ',')
        .next()?;
    id.starts_with("snap-").then_some(id)
}

/// The source snapshot id in the description AWS writes on copies:
/// `[Copied snap-0123 from us-east-1]`.
pub fn copied_snapshot_source(description: &str) -> Option<&str> {
    let rest = &description[description.find("[Copied ")? + "[Copied ".len()..];
    let id = rest.split_whitespace().next()?;
    (id.starts_with("snap-") && rest[id.len()..].trim_start().starts_with("from ")).then_some(id)
}

/// Result of pairing one kind.
struct KindResult {
    pairs: Vec<Pair>,
    missing: Vec<Unpaired>,
    extra: Vec<Unpaired>,
}

/// Pairing of one kind in progress: each step pairs some of the resources the steps before left,
/// so the order of the calls is the order of the strategies. Every step is O(n) with hash maps.
struct Matching<'a, R> {
    kind: ResourceKind,
    primary: &'a [R],
    standby: &'a [R],
    /// Standby resources already somebody's twin.
    taken: Vec<bool>,
    /// Each primary resource's twin and how it was found.
    matched: Vec<Option<(usize, Strategy)>>,
}

impl<'a, R: Resource> Matching<'a, R> {
    fn new(kind: ResourceKind, primary: &'a [R], standby: &'a [R]) -> Self {
        Matching {
            kind,
            primary,
            standby,
            taken: vec![false; standby.len()],
            matched: vec![None; primary.len()],
        }
    }

    fn take(&mut self, pi: usize, si: usize, strategy: Strategy) {
        self.taken[si] = true;
        self.matched[pi] = Some((si, strategy));
    }

    /// Explicit tag: equal values, or the standby's tag names the primary's id or ARN.
    fn tag(&mut self, tag: &str) {
        let mut by_tag: HashMap<&str, usize> = HashMap::with_capacity(self.standby.len());
        for (i, s) in self.standby.iter().enumerate() {
            if self.taken[i] {
                continue;
            }
            if let Some(v) = s.tag(tag).filter(|v| !v.is_empty()) {
                by_tag.entry(v).or_insert(i);
            }
        }
        if by_tag.is_empty() {
            return;
        }
        for (pi, p) in self.primary.iter().enumerate() {
            if self.matched[pi].is_some() {
                continue;
            }
            let candidates = [p.tag(tag), Some(p.id()), Some(p.arn())];
            if let Some(si) = candidates
                .into_iter()
                .flatten()
                .filter(|v| !v.is_empty())
                .find_map(|v| by_tag.get(v).copied().filter(|&si| !self.taken[si]))
            {
                self.take(pi, si, Strategy::Tag);
            }
        }
    }

    /// Lineage: a primary and a standby resource sharing a key (the first free standby wins).
    fn lineage(
        &mut self,
        primary_keys: impl Fn(&R) -> Vec<String>,
        standby_keys: impl Fn(&R) -> Vec<String>,
    ) {
        let mut by_lineage: HashMap<String, usize> = HashMap::new();
        for (i, s) in self.standby.iter().enumerate() {
            if !self.taken[i] {
                for k in standby_keys(s) {
                    by_lineage.entry(k).or_insert(i);
                }
            }
        }
        if by_lineage.is_empty() {
            return;
        }
        for (pi, p) in self.primary.iter().enumerate() {
            if self.matched[pi].is_some() {
                continue;
            }
            if let Some(si) = primary_keys(p)
                .iter()
                .find_map(|k| by_lineage.get(k).copied().filter(|&si| !self.taken[si]))
            {
                self.take(pi, si, Strategy::Lineage);
            }
        }
    }

    /// Pairs a primary and a standby resource with equal keys, when the key is unique among the
    /// primaries still without twin and among the standbys still free. `primary_key` also says
    /// whether the key is preferred: several primaries wanting one key, the only preferred one
    /// wins (see [`Matching::names`]).
    fn unique(
        &mut self,
        strategy: Strategy,
        primary_key: impl Fn(&R) -> Option<(String, bool)>,
        standby_key: impl Fn(&R) -> Option<String>,
    ) {
        let wanted = self.wanted(|_, p| primary_key(p));
        if !wanted.is_empty() {
            let offered = self.offered(standby_key);
            self.pair_keys(strategy, wanted, &offered);
        }
    }

    /// `(index, key, preferred)` of the primaries still without twin that have a key.
    fn wanted(
        &self,
        key: impl Fn(usize, &R) -> Option<(String, bool)>,
    ) -> Vec<(usize, String, bool)> {
        self.primary
            .iter()
            .enumerate()
            .filter(|(pi, _)| self.matched[*pi].is_none())
            .filter_map(|(pi, p)| key(pi, p).map(|(k, pref)| (pi, k, pref)))
            .collect()
    }

    /// The free standbys by key.
    fn offered(&self, key: impl Fn(&R) -> Option<String>) -> HashMap<String, Vec<usize>> {
        let mut offered: HashMap<String, Vec<usize>> = HashMap::new();
        for (i, s) in self.standby.iter().enumerate() {
            if !self.taken[i]
                && let Some(k) = key(s)
            {
                offered.entry(k).or_default().push(i);
            }
        }
        offered
    }

    /// Pairs each wanted key held by exactly one wanting primary (or by exactly one preferred
    /// one) and exactly one free standby of `offered` (which may list standbys taken since).
    fn pair_keys(
        &mut self,
        strategy: Strategy,
        wanted: Vec<(usize, String, bool)>,
        offered: &HashMap<String, Vec<usize>>,
    ) {
        if wanted.is_empty() || offered.is_empty() {
            return;
        }
        // (all demand, preferred demand) per key.
        let mut demand: HashMap<&str, (usize, usize)> = HashMap::with_capacity(wanted.len());
        for (_, k, pref) in &wanted {
            let d = demand.entry(k.as_str()).or_default();
            d.0 += 1;
            d.1 += usize::from(*pref);
        }
        let mut pairs = Vec::new();
        for (pi, k, pref) in &wanted {
            let (all, preferred) = demand[k.as_str()];
            if all != 1 && !(*pref && preferred == 1) {
                continue;
            }
            let Some(holders) = offered.get(k) else {
                continue;
            };
            let mut free = holders.iter().copied().filter(|&si| !self.taken[si]);
            if let (Some(si), None) = (free.next(), free.next()) {
                pairs.push((*pi, si));
            }
        }
        for (pi, si) in pairs {
            self.take(pi, si, strategy);
        }
    }

    /// Names, within scopes: the primary's name after region-token rewriting (when several
    /// primaries want one name, the one whose name was rewritten wins over an exact match — in a
    /// single account, IAM lists `x-use1` and `x-usw2` on both sides, and `x-use1` is the one
    /// looking for `x-usw2`), then each role-word fallback in turn.
    fn names(
        &mut self,
        rw: &NameRewriter,
        primary_scope: &dyn Fn(&R) -> String,
        standby_scope: &dyn Fn(&R) -> String,
    ) {
        self.rewritten(
            Strategy::Name,
            rw,
            &|r: &R| (!r.name().is_empty()).then(|| (r.name().to_string(), String::new())),
            primary_scope,
            standby_scope,
        );
    }

    /// Generated names: the same CloudFormation stack (name rewritten) and logical id, then
    /// Terraform `name_prefix` names by their prefix.
    fn generated(
        &mut self,
        rw: &NameRewriter,
        primary_scope: &dyn Fn(&R) -> String,
        standby_scope: &dyn Fn(&R) -> String,
    ) {
        self.rewritten(
            Strategy::Stack,
            rw,
            &|r: &R| {
                let stack = r.tag(CFN_STACK_TAG).filter(|v| !v.is_empty())?;
                let logical = r.tag(CFN_LOGICAL_ID_TAG).filter(|v| !v.is_empty())?;
                Some((stack.to_string(), logical.to_string()))
            },
            primary_scope,
            standby_scope,
        );
        self.rewritten(
            Strategy::Prefix,
            rw,
            &|r: &R| terraform_prefix(r.name()).map(|p| (p.to_string(), String::new())),
            primary_scope,
            standby_scope,
        );
    }

    /// Keys `scope/NAME/extra` where the primary's NAME is rewritten: region tokens first, then
    /// each role-word fallback; the standby's key is its own.
    fn rewritten(
        &mut self,
        strategy: Strategy,
        rw: &NameRewriter,
        name: &dyn Fn(&R) -> Option<(String, String)>,
        primary_scope: &dyn Fn(&R) -> String,
        standby_scope: &dyn Fn(&R) -> String,
    ) {
        let key = |scope: &str, name: &str, extra: &str| format!("{scope}/{name}/{extra}");
        // (index, scope, rewritten name, extra, whether rewriting changed the name) of the
        // primaries still without twin.
        let bases: Vec<(usize, String, String, String, bool)> = self
            .primary
            .iter()
            .enumerate()
            .filter(|(pi, _)| self.matched[*pi].is_none())
            .filter_map(|(pi, p)| {
                let (n, extra) = name(p)?;
                let w = rw.rewrite(&n);
                let changed = w != n;
                Some((pi, primary_scope(p), w, extra, changed))
            })
            .collect();
        if bases.is_empty() {
            return;
        }
        let offered =
            self.offered(|s| name(s).map(|(n, extra)| key(&standby_scope(s), &n, &extra)));
        if offered.is_empty() {
            return;
        }
        let wanted = bases
            .iter()
            .map(|(pi, scope, w, extra, changed)| (*pi, key(scope, w, extra), *changed))
            .collect();
        self.pair_keys(strategy, wanted, &offered);
        for tier in 0..rw.role_tiers() {
            let wanted: Vec<_> = bases
                .iter()
                .filter(|(pi, ..)| self.matched[*pi].is_none())
                .filter_map(|(pi, scope, w, extra, _)| {
                    let w = rw.role_rewrite(tier, w)?;
                    Some((*pi, key(scope, &w, extra), false))
                })
                .collect();
            self.pair_keys(strategy, wanted, &offered);
        }
    }

    /// Structure: when exactly one primary still without twin and exactly one free standby
    /// satisfy `which`, they are twins.
    fn single(&mut self, which: impl Fn(&R) -> bool) {
        let mut p = (0..self.primary.len())
            .filter(|&i| self.matched[i].is_none() && which(&self.primary[i]));
        let mut s = (0..self.standby.len()).filter(|&i| !self.taken[i] && which(&self.standby[i]));
        let (Some(pi), None) = (p.next(), p.next()) else {
            return;
        };
        let (Some(si), None) = (s.next(), s.next()) else {
            return;
        };
        self.take(pi, si, Strategy::Structure);
    }

    fn finish(self) -> KindResult {
        let mut out = KindResult {
            pairs: Vec::new(),
            missing: Vec::new(),
            extra: Vec::new(),
        };
        for (pi, p) in self.primary.iter().enumerate() {
            match self.matched[pi] {
                Some((si, strategy)) => {
                    let s = &self.standby[si];
                    out.pairs.push(Pair {
                        kind: self.kind,
                        primary: p.arn().to_string(),
                        standby: s.arn().to_string(),
                        primary_id: p.id().to_string(),
                        standby_id: s.id().to_string(),
                        name: p.name().to_string(),
                        strategy,
                        drift: Vec::new(),
                    });
                }
                None => out.missing.push(unpaired(self.kind, p)),
            }
        }
        for (si, s) in self.standby.iter().enumerate() {
            if !self.taken[si] {
                out.extra.push(unpaired(self.kind, s));
            }
        }
        out
    }
}

fn unpaired<R: Resource>(kind: ResourceKind, r: &R) -> Unpaired {
    Unpaired {
        kind,
        arn: r.arn().to_string(),
        id: r.id().to_string(),
        name: r.name().to_string(),
    }
}

/// Groups failover record sets of both sites by (zone, name, type), each record set once.
fn failover(primary: &Site, standby: &Site) -> Vec<FailoverPair> {
    let mut seen: HashSet<&str> = HashSet::new();
    let mut groups: BTreeMap<(&str, &str, &str), FailoverPair> = BTreeMap::new();
    let records = primary
        .route53
        .record_sets
        .iter()
        .chain(&standby.route53.record_sets);
    for r in records {
        let Some(role) = r.failover.as_deref() else {
            continue;
        };
        if !seen.insert(r.arn.as_str()) {
            continue;
        }
        let entry = groups
            .entry((r.zone_id.as_str(), r.name.as_str(), r.record_type.as_str()))
            .or_insert_with(|| FailoverPair {
                zone_id: r.zone_id.clone(),
                name: r.name.clone(),
                record_type: r.record_type.clone(),
                primary: None,
                secondary: None,
            });
        match role {
            "PRIMARY" => entry.primary = Some(r.clone()),
            "SECONDARY" => entry.secondary = Some(r.clone()),
            _ => {}
        }
    }
    groups.into_values().collect()
}

#[cfg(test)]
mod tests;
