//! Attribute drift between twins.

use std::collections::{BTreeSet, HashMap};

use serde_json::{Value, json};

use super::{Drift, KindResult};
use crate::snapshot::{IngressRule, Instance, LaunchTemplate, Resource, Role, SecurityGroup};

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

/// Ingress rules compared as sets, with source security groups rewritten through the pairing.
pub(super) fn security_groups(
    result: &mut KindResult,
    primary: &[SecurityGroup],
    standby: &[SecurityGroup],
) {
    let twin: HashMap<String, String> = result
        .pairs
        .iter()
        .map(|p| (p.primary_id.clone(), p.standby_id.clone()))
        .collect();
    each_pair(result, primary, standby, |a, b| {
        let normalize = |rules: &[IngressRule], map: Option<&HashMap<String, String>>| {
            rules
                .iter()
                .map(|r| {
                    let mut r = r.clone();
                    if let Some(map) = map {
                        for g in &mut r.source_security_group_ids {
                            if let Some(t) = map.get(g) {
                                *g = t.clone();
                            }
                        }
                    }
                    r.cidr_ipv4.sort();
                    r.cidr_ipv6.sort();
                    r.source_security_group_ids.sort();
                    r.prefix_list_ids.sort();
                    r
                })
                .collect::<BTreeSet<_>>()
        };
        let pa = normalize(&a.ingress, Some(&twin));
        let sb = normalize(&b.ingress, None);
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
