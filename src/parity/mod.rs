//! Pairing: finds each primary resource's standby twin, in Rust, with hash maps (O(n)).
//!
//! Strategies are tried in order — explicit tag, name after region-token rewriting, lineage — and a
//! standby resource is the twin of at most one primary resource. Route 53 failover records pair by
//! (zone, name, type). Each pair names the strategy that matched and the attributes that drift.

mod drift;
mod names;

use std::collections::{BTreeMap, HashMap, HashSet};

use serde::Serialize;

use crate::snapshot::{RecordSet, Resource, Site};
use crate::vocab::ResourceKind;

pub use names::{NameRewriter, short_region_code};

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

/// Pairs the two sites.
pub fn pair(primary: &Site, standby: &Site, opts: &PairingOptions) -> Parity {
    let mut parity = Parity::default();
    // Networks first: their id maps feed security-group drift.
    let vpcs = Matcher::new(ResourceKind::Vpc, opts).run(
        &primary.ec2.vpcs,
        &standby.ec2.vpcs,
        no_lineage,
        no_lineage,
    );
    let subnets = Matcher::new(ResourceKind::Subnet, opts).run(
        &primary.ec2.subnets,
        &standby.ec2.subnets,
        no_lineage,
        no_lineage,
    );
    // Security-group names are unique per VPC, not per region (every VPC has a `default`):
    // compare them within the twin VPC.
    let vpc_twin: HashMap<&str, &str> = vpcs
        .pairs
        .iter()
        .map(|p| (p.primary_id.as_str(), p.standby_id.as_str()))
        .collect();
    let standby_vpcs: HashSet<&str> = vpc_twin.values().copied().collect();
    let mut sgs = Matcher::new(ResourceKind::SecurityGroup, opts).run_named(
        &primary.ec2.security_groups,
        &standby.ec2.security_groups,
        // Groups of VPCs without a twin compare by name alone (`/name`).
        |g| {
            let vpc = g.vpc_id.as_deref().unwrap_or_default();
            let twin = vpc_twin.get(vpc).copied().unwrap_or_default();
            format!("{twin}/{}", opts.rewriter.rewrite(&g.name))
        },
        |g| {
            let vpc = g.vpc_id.as_deref().unwrap_or_default();
            let paired = standby_vpcs.contains(vpc);
            format!("{}/{}", if paired { vpc } else { "" }, g.name)
        },
        no_lineage,
        no_lineage,
    );
    drift::security_groups(
        &mut sgs,
        &primary.ec2.security_groups,
        &standby.ec2.security_groups,
    );

    let images = Matcher::new(ResourceKind::Image, opts).lineage_first().run(
        &primary.ec2.images,
        &standby.ec2.images,
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
    let snapshots = Matcher::new(ResourceKind::Snapshot, opts)
        .lineage_first()
        .run(
            &primary.ec2.snapshots,
            &standby.ec2.snapshots,
            |s| vec![s.id.clone()],
            |s| {
                let mut keys = Vec::new();
                if let Some(src) = s.tag("dr:source-snapshot-id") {
                    keys.push(src.to_string());
                }
                if let Some(src) = copied_snapshot_source(&s.description) {
                    keys.push(src.to_string());
                }
                keys
            },
        );
    let mut lts = Matcher::new(ResourceKind::LaunchTemplate, opts).run(
        &primary.ec2.launch_templates,
        &standby.ec2.launch_templates,
        no_lineage,
        no_lineage,
    );
    drift::launch_templates(
        &mut lts,
        &primary.ec2.launch_templates,
        &standby.ec2.launch_templates,
    );
    let mut instances = Matcher::new(ResourceKind::Instance, opts).run(
        &primary.ec2.instances,
        &standby.ec2.instances,
        no_lineage,
        no_lineage,
    );
    drift::instances(
        &mut instances,
        &primary.ec2.instances,
        &standby.ec2.instances,
    );

    let buckets = Matcher::new(ResourceKind::Bucket, opts).run(
        &primary.s3.buckets,
        &standby.s3.buckets,
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

    let mut roles = Matcher::new(ResourceKind::Role, opts).run(
        &primary.iam.roles,
        &standby.iam.roles,
        no_lineage,
        no_lineage,
    );
    drift::roles(
        &mut roles,
        &primary.iam.roles,
        &standby.iam.roles,
        &primary.account,
        &standby.account,
    );
    let profiles = Matcher::new(ResourceKind::InstanceProfile, opts).run(
        &primary.iam.instance_profiles,
        &standby.iam.instance_profiles,
        no_lineage,
        no_lineage,
    );

    for r in [
        vpcs, subnets, sgs, images, snapshots, lts, instances, buckets, roles, profiles,
    ] {
        parity.pairs.extend(r.pairs);
        parity.missing_in_standby.extend(r.missing);
        parity.extra_in_standby.extend(r.extra);
    }
    parity.failover = failover(primary, standby);
    parity
}

fn no_lineage<R>(_: &R) -> Vec<String> {
    Vec::new()
}

/// `arn:aws:s3:::NAME` (or a bare name) → `NAME`.
pub fn bucket_name(arn_or_name: &str) -> &str {
    arn_or_name
        .strip_prefix("arn:aws:s3:::")
        .unwrap_or(arn_or_name)
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

struct Matcher<'a> {
    kind: ResourceKind,
    opts: &'a PairingOptions,
    /// Try lineage before names: for copies (AMIs, snapshots) lineage is proof, while names are
    /// often reused across versions and would pair a new image with an old copy.
    lineage_first: bool,
}

impl<'a> Matcher<'a> {
    fn new(kind: ResourceKind, opts: &'a PairingOptions) -> Self {
        Matcher {
            kind,
            opts,
            lineage_first: false,
        }
    }

    fn lineage_first(mut self) -> Self {
        self.lineage_first = true;
        self
    }

    /// Pairs one kind. `primary_keys`/`standby_keys` give lineage keys: a primary and a standby
    /// resource sharing a key are twins by lineage.
    fn run<R: Resource>(
        &self,
        primary: &[R],
        standby: &[R],
        primary_keys: impl Fn(&R) -> Vec<String>,
        standby_keys: impl Fn(&R) -> Vec<String>,
    ) -> KindResult {
        self.run_named(
            primary,
            standby,
            |p: &R| self.opts.rewriter.rewrite(p.name()),
            |s: &R| s.name().to_string(),
            primary_keys,
            standby_keys,
        )
    }

    /// Like [`Matcher::run`], with the name keys given: `primary_name` is the key the primary's
    /// twin must carry (already rewritten), `standby_name` the standby's own key.
    fn run_named<R: Resource>(
        &self,
        primary: &[R],
        standby: &[R],
        primary_name: impl Fn(&R) -> String,
        standby_name: impl Fn(&R) -> String,
        primary_keys: impl Fn(&R) -> Vec<String>,
        standby_keys: impl Fn(&R) -> Vec<String>,
    ) -> KindResult {
        let tag = self.opts.pair_tag.as_str();
        let mut taken: Vec<bool> = vec![false; standby.len()];
        let mut matched: Vec<Option<(usize, Strategy)>> = vec![None; primary.len()];

        // 1. explicit tag: equal values, or the standby's tag names the primary's id or ARN.
        let mut by_tag: HashMap<&str, usize> = HashMap::with_capacity(standby.len());
        for (i, s) in standby.iter().enumerate() {
            if let Some(v) = s.tag(tag).filter(|v| !v.is_empty()) {
                by_tag.entry(v).or_insert(i);
            }
        }
        if !by_tag.is_empty() {
            for (pi, p) in primary.iter().enumerate() {
                let candidates = [p.tag(tag), Some(p.id()), Some(p.arn())];
                if let Some(si) = candidates
                    .into_iter()
                    .flatten()
                    .filter(|v| !v.is_empty())
                    .find_map(|v| by_tag.get(v).copied().filter(|&si| !taken[si]))
                {
                    taken[si] = true;
                    matched[pi] = Some((si, Strategy::Tag));
                }
            }
        }

        // Name after region-token rewriting; only names that are unique on both sides.
        let by_name_step = |taken: &mut Vec<bool>, matched: &mut Vec<Option<(usize, Strategy)>>| {
            let mut by_name: HashMap<String, Option<usize>> = HashMap::with_capacity(standby.len());
            for (i, s) in standby.iter().enumerate() {
                if !taken[i] && !s.name().is_empty() {
                    by_name
                        .entry(standby_name(s))
                        .and_modify(|v| *v = None)
                        .or_insert(Some(i));
                }
            }
            let wanted: Vec<Option<String>> = primary
                .iter()
                .enumerate()
                .map(|(pi, p)| {
                    (matched[pi].is_none() && !p.name().is_empty()).then(|| primary_name(p))
                })
                .collect();
            let mut demand: HashMap<&str, usize> = HashMap::new();
            for w in wanted.iter().flatten() {
                *demand.entry(w.as_str()).or_default() += 1;
            }
            // Several primaries wanting one name: the one whose name was rewritten (it carried a
            // primary-region token) wins over exact matches — in a single account, IAM lists
            // `x-use1` and `x-usw2` on both sides, and `x-use1` is the one looking for `x-usw2`.
            let mut rewritten_demand: HashMap<&str, usize> = HashMap::new();
            for (pi, w) in wanted.iter().enumerate() {
                if let Some(w) = w {
                    if w != primary[pi].name() {
                        *rewritten_demand.entry(w.as_str()).or_default() += 1;
                    }
                }
            }
            for (pi, w) in wanted.iter().enumerate() {
                let Some(w) = w else { continue };
                let unique = demand.get(w.as_str()) == Some(&1);
                let preferred =
                    w != primary[pi].name() && rewritten_demand.get(w.as_str()) == Some(&1);
                if !unique && !preferred {
                    continue;
                }
                if let Some(&Some(si)) = by_name.get(w) {
                    if !taken[si] {
                        taken[si] = true;
                        matched[pi] = Some((si, Strategy::Name));
                    }
                }
            }
        };

        // Lineage: a primary and a standby resource sharing a key.
        let lineage_step = |taken: &mut Vec<bool>, matched: &mut Vec<Option<(usize, Strategy)>>| {
            let mut by_lineage: HashMap<String, usize> = HashMap::new();
            for (i, s) in standby.iter().enumerate() {
                if !taken[i] {
                    for k in standby_keys(s) {
                        by_lineage.entry(k).or_insert(i);
                    }
                }
            }
            if by_lineage.is_empty() {
                return;
            }
            for (pi, p) in primary.iter().enumerate() {
                if matched[pi].is_some() {
                    continue;
                }
                if let Some(si) = primary_keys(p)
                    .iter()
                    .find_map(|k| by_lineage.get(k).copied().filter(|&si| !taken[si]))
                {
                    taken[si] = true;
                    matched[pi] = Some((si, Strategy::Lineage));
                }
            }
        };

        if self.lineage_first {
            lineage_step(&mut taken, &mut matched);
            by_name_step(&mut taken, &mut matched);
        } else {
            by_name_step(&mut taken, &mut matched);
            lineage_step(&mut taken, &mut matched);
        }

        let mut out = KindResult {
            pairs: Vec::new(),
            missing: Vec::new(),
            extra: Vec::new(),
        };
        for (pi, p) in primary.iter().enumerate() {
            match matched[pi] {
                Some((si, strategy)) => {
                    let s = &standby[si];
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
        for (si, s) in standby.iter().enumerate() {
            if !taken[si] {
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
