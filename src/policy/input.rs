//! Builds the input document the rules see (docs/policy-input.md).
//!
//! Everything a rule would otherwise join or recompute is built here, once, in Rust: lookup maps
//! by id, name and ARN, pairs grouped by kind, the workloads, the name rewrites.

use std::collections::{BTreeMap, HashMap};

use anyhow::Result;
use regorus::Value;

use crate::config::Objectives;
use crate::evidence::VolumeCopy;
use crate::parity::Parity;
use crate::snapshot::{Site, Snapshot, field};
use crate::vocab::ResourceKind;
use crate::workload::Workload;

use super::value_ser::Interner;

/// What the input needs besides the snapshot and the pairing: plain values from the config.
#[derive(Debug, Clone, Copy)]
pub struct InputContext<'a> {
    pub workloads: &'a [Workload],
    /// Primary volume id → its newest standby copy (`evidence::standby_copy_of_volume`).
    pub volume_copies: &'a BTreeMap<String, VolumeCopy>,
    /// `[from, to]` pairs, in the order they apply (region, short code, configured rewrites).
    pub rewrites: &'a [(String, String)],
    pub objectives: &'a Objectives,
    /// The tag names drready reads (`input.config`).
    pub tags: TagNames<'a>,
}

/// `input.config`: the names of the tags drready reads.
#[derive(Debug, Clone, Copy, serde::Serialize)]
pub struct TagNames<'a> {
    pub pair_tag: &'a str,
    pub app_tag: &'a str,
    pub tier_tag: &'a str,
    pub scope_tag: &'a str,
}

/// Converts straight into regorus values (`value_ser`), without writing and parsing JSON text,
/// every distinct string made once for the whole document (docs/performance.md).
fn to_value<T: serde::Serialize + ?Sized>(strings: &mut Interner, v: &T) -> Result<Value> {
    super::value_ser::to_value_with(strings, v)
}

fn object(entries: impl IntoIterator<Item = (Value, Value)>) -> Value {
    Value::from(regorus::value::Object::from_iter(entries))
}

fn key(s: &str) -> Value {
    Value::from(s)
}

fn items(site: &Value, kind: ResourceKind) -> &[Value] {
    let (service, collection) = field(kind);
    site[service][collection]
        .as_array()
        .map(|a| a.as_slice())
        .unwrap_or(&[])
}

/// Items of one kind keyed by their field `by`.
fn index_by(site: &Value, kind: ResourceKind, by: &str) -> Value {
    object(
        items(site, kind)
            .iter()
            .map(|item| (item[by].clone(), item.clone())),
    )
}

/// The site as JSON, each collection error with the IAM action its call needs (`iam_action`).
fn site_value(strings: &mut Interner, site: &Site) -> Result<Value> {
    let mut v = to_value(strings, site)?;
    let errors = v
        .as_object_mut()
        .ok()
        .and_then(|o| o.get_mut(&key("collection_errors")))
        .and_then(|e| e.as_array_mut().ok());
    if let Some(errors) = errors {
        for (e, src) in errors.iter_mut().zip(&site.collection_errors) {
            if let Ok(obj) = e.as_object_mut() {
                obj.insert(
                    key("iam_action"),
                    strings.string(&crate::snapshot::iam_action(src.service, &src.api)),
                );
            }
        }
    }
    Ok(v)
}

fn site_index(strings: &mut Interner, site: &Site, site_v: &Value) -> Value {
    // Newest completed snapshot per volume, found in one pass.
    let mut newest: HashMap<&str, (&chrono::DateTime<chrono::Utc>, usize)> = HashMap::new();
    for (i, s) in site.ec2.snapshots.iter().enumerate() {
        let (Some(vol), Some(t)) = (s.volume_id.as_deref(), s.start_time.as_ref()) else {
            continue;
        };
        if s.state != "completed" {
            continue;
        }
        match newest.get(vol) {
            Some((best, _)) if *best >= t => {}
            _ => {
                newest.insert(vol, (t, i));
            }
        }
    }
    let snaps = items(site_v, ResourceKind::Snapshot);
    let latest = object(
        newest
            .into_iter()
            .filter_map(|(vol, (_, i))| Some((strings.string(vol), snaps.get(i)?.clone()))),
    );
    let by_arn = object(
        ResourceKind::ALL
            .iter()
            .flat_map(|&k| items(site_v, k))
            .map(|item| (item["arn"].clone(), item.clone())),
    );
    use ResourceKind as K;
    object([
        (key("images"), index_by(site_v, K::Image, "id")),
        (
            key("launch_templates"),
            index_by(site_v, K::LaunchTemplate, "id"),
        ),
        (key("snapshots"), index_by(site_v, K::Snapshot, "id")),
        (key("volumes"), index_by(site_v, K::Volume, "id")),
        (
            key("security_groups"),
            index_by(site_v, K::SecurityGroup, "id"),
        ),
        (key("subnets"), index_by(site_v, K::Subnet, "id")),
        (key("vpcs"), index_by(site_v, K::Vpc, "id")),
        (key("buckets"), index_by(site_v, K::Bucket, "name")),
        (key("roles"), index_by(site_v, K::Role, "name")),
        (
            key("instance_profiles"),
            index_by(site_v, K::InstanceProfile, "name"),
        ),
        (
            key("instance_profile_arns"),
            index_by(site_v, K::InstanceProfile, "arn"),
        ),
        (key("health_checks"), index_by(site_v, K::HealthCheck, "id")),
        (key("latest_snapshot_of_volume"), latest),
        (key("by_arn"), by_arn),
    ])
}

/// The whole input document.
pub fn build(snapshot: &Snapshot, parity: &Parity, ctx: InputContext<'_>) -> Result<Value> {
    // Built on the calling thread: regorus values are not `Send` (plain reference counts), and
    // every rule thread builds its own input at the same time anyway.
    let strings = &mut Interner::default();
    let primary = site_value(strings, &snapshot.primary)?;
    let primary_index = site_index(strings, &snapshot.primary, &primary);
    let standby = site_value(strings, &snapshot.standby)?;
    let standby_index = site_index(strings, &snapshot.standby, &standby);
    let mut parity_v = to_value(strings, parity)?;
    let mut primary_index = primary_index;
    if let Ok(obj) = primary_index.as_object_mut() {
        obj.insert(
            key("standby_copy_of_volume"),
            to_value(strings, ctx.volume_copies)?,
        );
    }
    let index = object([
        (key("primary"), primary_index),
        (key("standby"), standby_index),
    ]);

    let standby_of = object(
        parity
            .pairs
            .iter()
            .map(|p| (strings.string(&p.primary), strings.string(&p.standby))),
    );
    let primary_of = object(
        parity
            .pairs
            .iter()
            .map(|p| (strings.string(&p.standby), strings.string(&p.primary))),
    );
    // Pairs grouped by kind: the pair values already built, shared, not converted again.
    let mut by_kind: std::collections::BTreeMap<&str, Vec<Value>> = ResourceKind::ALL
        .iter()
        .filter(|k| k.is_paired())
        .map(|k| (k.as_str(), Vec::new()))
        .collect();
    if let Ok(pairs) = parity_v["pairs"].as_array() {
        for (p, v) in parity.pairs.iter().zip(pairs) {
            by_kind.entry(p.kind.as_str()).or_default().push(v.clone());
        }
    }
    let by_kind = object(by_kind.into_iter().map(|(k, v)| (key(k), Value::from(v))));
    if let Ok(obj) = parity_v.as_object_mut() {
        obj.extend([
            (key("standby_of"), standby_of),
            (key("primary_of"), primary_of),
            (key("by_kind"), by_kind),
        ]);
    }

    let unknown = object([
        (
            key("primary"),
            to_value(strings, &snapshot.primary.unlisted_services())?,
        ),
        (
            key("standby"),
            to_value(strings, &snapshot.standby.unlisted_services())?,
        ),
    ]);
    let rewrites: Vec<[&str; 2]> = ctx
        .rewrites
        .iter()
        .map(|(a, b)| [a.as_str(), b.as_str()])
        .collect();
    let now = snapshot.collected_at;
    let now_ns = now.timestamp_nanos_opt().unwrap_or_default();
    Ok(object([
        (
            key("now"),
            key(&now.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)),
        ),
        (key("now_ns"), Value::from(now_ns)),
        (key("primary"), primary),
        (key("standby"), standby),
        (key("parity"), parity_v),
        (key("index"), index),
        (key("unknown"), unknown),
        (key("workloads"), to_value(strings, ctx.workloads)?),
        (
            key("workload_of"),
            to_value(strings, &crate::workload::workload_of(ctx.workloads))?,
        ),
        (key("rewrites"), to_value(strings, &rewrites)?),
        (key("objectives"), to_value(strings, ctx.objectives)?),
        (key("config"), to_value(strings, &ctx.tags)?),
    ]))
}
