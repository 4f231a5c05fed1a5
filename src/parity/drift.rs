//! Attribute drift between twins.

use std::collections::{BTreeSet, HashMap};

use serde_json::{Value, json};

use super::cidr::Cidr;
use super::{Drift, KindResult, NameRewriter};
use crate::snapshot::{IngressRule, Instance, LaunchTemplate, Resource, Role, SecurityGroup, Site};

fn by_arn<R: Resource>(items: &[R]) -> HashMap<&str, &R> {
    items.iter().map(|r| (r.arn(), r)).collect()
}

fn each_pair<'r, R: Resource>(
    result: &mut KindResult,
    primary: &'r [R],
    standby: &'r [R],
    mut f: impl FnMut(&'r R, &'r R) -> Vec<Drift>,
) {
    let p = by_arn(primary);
    let s = by_arn(standby);
    for pair in &mut result.pairs {
        if let (Some(a), Some(b)) = (p.get(pair.primary.as_str()), s.get(pair.standby.as_str())) {
            pair.drift = f(a, b);
        }
    }
}

fn differ(attribute: &str, a: Value, b: Value) -> Option<Drift> {
    (a != b).then(|| Drift {
        attribute: attribute.to_string(),
        primary: a,
        standby: b,
    })
}

pub(super) fn instances(result: &mut KindResult, primary: &[Instance], standby: &[Instance]) {
    each_pair(result, primary, standby, |a, b| {
        differ(
            "instance_type",
            json!(a.instance_type),
            json!(b.instance_type),
        )
        .into_iter()
        .collect()
    });
}

pub(super) fn launch_templates(
    result: &mut KindResult,
    primary: &[LaunchTemplate],
    standby: &[LaunchTemplate],
) {
    each_pair(result, primary, standby, |a, b| {
        // The version that launches: the default one (falling back to the latest), so a canary
        // version that is not the default does not count as drift.
        let ty = |lt: &LaunchTemplate| {
            lt.default_version
                .as_ref()
                .or(lt.latest_version.as_ref())
                .and_then(|v| v.instance_type.clone())
        };
        differ("instance_type", json!(ty(a)), json!(ty(b)))
            .into_iter()
            .collect()
    });
}

/// What the primary's network identifiers are in the standby: prefix lists (by name, region
/// rewritten: `com.amazonaws.us-east-1.s3` is `pl-63a5400a` there and another id in us-west-2),
/// and CIDRs inside paired VPCs (at the same offset in the twin VPC; a paired subnet's CIDR is its
/// twin's).
#[derive(Debug, Default)]
pub(super) struct Networks {
    prefix_lists: HashMap<String, String>,
    /// Primary VPC id → (its CIDR, the twin's CIDR).
    vpcs: HashMap<String, (Cidr, Cidr)>,
    /// Paired primary VPCs by CIDR → the twin's CIDR (`None`: two paired VPCs share the CIDR).
    vpc_by_cidr: HashMap<Cidr, Option<Cidr>>,
    /// The prefix lengths of `vpc_by_cidr`, longest first.
    vpc_lens: Vec<u8>,
    /// (primary VPC id, paired subnet's CIDR) → the twin subnet's CIDR.
    subnets_in_vpc: HashMap<(String, Cidr), Cidr>,
    /// Paired subnets by CIDR (`None`: several, in different VPCs).
    subnets: HashMap<Cidr, Option<Cidr>>,
}

impl Networks {
    pub(super) fn new(
        primary: &Site,
        standby: &Site,
        vpcs: &KindResult,
        subnets: &KindResult,
        rw: &NameRewriter,
    ) -> Networks {
        let mut out = Networks::default();

        let mut standby_lists: HashMap<&str, Option<&str>> = HashMap::new();
        for pl in &standby.ec2.prefix_lists {
            standby_lists
                .entry(pl.name.as_str())
                .and_modify(|v| *v = None)
                .or_insert(Some(pl.id.as_str()));
        }
        if !standby_lists.is_empty() {
            for pl in &primary.ec2.prefix_lists {
                if pl.name.is_empty() {
                    continue;
                }
                if let Some(id) = rw
                    .candidates(&pl.name)
                    .iter()
                    .find_map(|c| standby_lists.get(c.as_str()).copied().flatten())
                {
                    out.prefix_lists.insert(pl.id.clone(), id.to_string());
                }
            }
        }

        let (p_vpcs, s_vpcs) = (Self::vpc_cidrs(primary), Self::vpc_cidrs(standby));
        for pair in &vpcs.pairs {
            if let (Some(&p), Some(&s)) = (
                p_vpcs.get(pair.primary_id.as_str()),
                s_vpcs.get(pair.standby_id.as_str()),
            ) {
                out.vpcs.insert(pair.primary_id.clone(), (p, s));
                out.vpc_by_cidr
                    .entry(p)
                    .and_modify(|v| *v = None)
                    .or_insert(Some(s));
            }
        }
        let mut lens: Vec<u8> = out.vpc_by_cidr.keys().map(|c| c.len).collect();
        lens.sort_unstable_by(|a, b| b.cmp(a));
        lens.dedup();
        out.vpc_lens = lens;

        let (p_subnets, s_subnets) = (Self::subnet_cidrs(primary), Self::subnet_cidrs(standby));
        for pair in &subnets.pairs {
            if let (Some(&(vpc, p)), Some(&(_, s))) = (
                p_subnets.get(pair.primary_id.as_str()),
                s_subnets.get(pair.standby_id.as_str()),
            ) {
                out.subnets_in_vpc.insert((vpc.to_string(), p), s);
                out.subnets
                    .entry(p)
                    .and_modify(|v| *v = None)
                    .or_insert(Some(s));
            }
        }
        out
    }

    /// VPC id → CIDR.
    fn vpc_cidrs(site: &Site) -> HashMap<&str, Cidr> {
        site.ec2
            .vpcs
            .iter()
            .filter_map(|v| Some((v.id.as_str(), Cidr::parse(v.cidr_block.as_deref()?)?)))
            .collect()
    }

    /// Subnet id → (VPC id, CIDR).
    fn subnet_cidrs(site: &Site) -> HashMap<&str, (&str, Cidr)> {
        site.ec2
            .subnets
            .iter()
            .filter_map(|s| {
                let c = Cidr::parse(s.cidr_block.as_deref()?)?;
                Some((s.id.as_str(), (s.vpc_id.as_str(), c)))
            })
            .collect()
    }

    /// The standby prefix list with the primary one's name (region rewritten).
    fn prefix_list(&self, id: &str) -> Option<&str> {
        self.prefix_lists.get(id).map(String::as_str)
    }

    /// A primary IPv4 CIDR in standby terms: a paired subnet's CIDR (of the group's own VPC
    /// first) becomes its twin's; a block inside the group's own VPC, else inside the paired VPC
    /// with the longest matching prefix, moves to the same offset in the twin VPC.
    fn cidr(&self, own_vpc: Option<&str>, raw: &str) -> Option<Cidr> {
        let c = Cidr::parse(raw)?;
        if let Some(vpc) = own_vpc
            && let Some(t) = self.subnets_in_vpc.get(&(vpc.to_string(), c))
        {
            return Some(*t);
        }
        if let Some(Some(t)) = self.subnets.get(&c) {
            return Some(*t);
        }
        if let Some(&(from, to)) = own_vpc.and_then(|v| self.vpcs.get(v))
            && let Some(t) = c.rebase(from, to)
        {
            return Some(t);
        }
        for &len in &self.vpc_lens {
            if len > c.len {
                continue;
            }
            let outer = c.widen(len);
            if let Some(Some(to)) = self.vpc_by_cidr.get(&outer) {
                return c.rebase(outer, *to);
            }
        }
        None
    }
}

/// Ingress rules compared as sets, the primary's in standby terms: source security groups through
/// the pairing, prefix lists and CIDRs through [`Networks`].
pub(super) fn security_groups(
    result: &mut KindResult,
    primary: &[SecurityGroup],
    standby: &[SecurityGroup],
    networks: &Networks,
) {
    let twin: HashMap<String, String> = result
        .pairs
        .iter()
        .map(|p| (p.primary_id.clone(), p.standby_id.clone()))
        .collect();
    let canonical = |r: &mut IngressRule| {
        r.cidr_ipv4.sort();
        r.cidr_ipv4.dedup();
        r.cidr_ipv6.sort();
        r.source_security_group_ids.sort();
        r.prefix_list_ids.sort();
    };
    each_pair(result, primary, standby, |a, b| {
        let pa: BTreeSet<IngressRule> = a
            .ingress
            .iter()
            .map(|r| {
                let mut r = r.clone();
                for g in &mut r.source_security_group_ids {
                    if let Some(t) = twin.get(g) {
                        *g = t.clone();
                    }
                }
                for pl in &mut r.prefix_list_ids {
                    if let Some(t) = networks.prefix_list(pl) {
                        *pl = t.to_string();
                    }
                }
                for c in &mut r.cidr_ipv4 {
                    if let Some(t) = networks.cidr(a.vpc_id.as_deref(), c) {
                        *c = t.to_string();
                    }
                }
                canonical(&mut r);
                r
            })
            .collect();
        let sb: BTreeSet<IngressRule> = b
            .ingress
            .iter()
            .map(|r| {
                let mut r = r.clone();
                canonical(&mut r);
                r
            })
            .collect();
        if pa == sb {
            return Vec::new();
        }
        let only_p: Vec<_> = pa.difference(&sb).collect();
        let only_s: Vec<_> = sb.difference(&pa).collect();
        vec![Drift {
            attribute: "ingress".into(),
            primary: json!(only_p),
            standby: json!(only_s),
        }]
    });
}

/// Attached managed policies (customer-managed ARNs compared with the account rewritten) and
/// inline policy names. Drift values list only what differs: `primary` the entries missing in the
/// standby (with their original ARNs), `standby` the entries missing in the primary.
pub(super) fn roles(
    result: &mut KindResult,
    primary: &[Role],
    standby: &[Role],
    primary_account: &str,
    standby_account: &str,
) {
    let from = format!(":{primary_account}:");
    let to = format!(":{standby_account}:");
    each_pair(result, primary, standby, |a, b| {
        let sb: BTreeSet<&str> = b.attached_policy_arns.iter().map(String::as_str).collect();
        let pa_norm: BTreeSet<String> = a
            .attached_policy_arns
            .iter()
            .map(|p| p.replace(&from, &to))
            .collect();
        let only_p: Vec<&str> = a
            .attached_policy_arns
            .iter()
            .filter(|p| !sb.contains(p.replace(&from, &to).as_str()))
            .map(String::as_str)
            .collect();
        let only_s: Vec<&str> = sb
            .iter()
            .filter(|p| !pa_norm.contains(**p))
            .copied()
            .collect();
        let ia: BTreeSet<&str> = a.inline_policies.iter().map(|p| p.name.as_str()).collect();
        let ib: BTreeSet<&str> = b.inline_policies.iter().map(|p| p.name.as_str()).collect();
        let mut out = Vec::new();
        if !only_p.is_empty() || !only_s.is_empty() {
            out.push(Drift {
                attribute: "attached_policy_arns".into(),
                primary: json!(only_p),
                standby: json!(only_s),
            });
        }
        if ia != ib {
            out.push(Drift {
                attribute: "inline_policy_names".into(),
                primary: json!(ia.difference(&ib).collect::<Vec<_>>()),
                standby: json!(ib.difference(&ia).collect::<Vec<_>>()),
            });
        }
        out
    });
}
