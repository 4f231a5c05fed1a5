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

/// The primary half of the input: the site and its lookup maps, with each volume's newest
/// standby copy.
fn primary_part(
    snapshot: &Snapshot,
    volume_copies: &BTreeMap<String, VolumeCopy>,
) -> Result<(Value, Value)> {
    let strings = &mut Interner::default();
    let primary = site_value(strings, &snapshot.primary)?;
    let mut primary_index = site_index(strings, &snapshot.primary, &primary);
    if let Ok(obj) = primary_index.as_object_mut() {
        obj.insert(
            key("standby_copy_of_volume"),
            to_value(strings, volume_copies)?,
        );
    }
    Ok((primary, primary_index))
}

/// The standby half of the input: the site, its lookup maps and the pairing (with `standby_of`,
/// `primary_of` and the pairs grouped by kind).
fn standby_part(snapshot: &Snapshot, parity: &Parity) -> Result<(Value, Value, Value)> {
    let strings = &mut Interner::default();
    let standby = site_value(strings, &snapshot.standby)?;
    let standby_index = site_index(strings, &snapshot.standby, &standby);
    let mut parity_v = to_value(strings, parity)?;
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
    Ok((standby, standby_index, parity_v))
}

/// The whole input document, built once for all rule threads (`policy::eval` gives each thread
/// its own copy of the top levels).
///
/// The two halves are built on two threads at once, each with its own string table: the primary
/// site with its lookup maps on the calling thread, the standby site and the pairing on another.
/// Strings are shared within a half; the few both halves hold (field names, regions, accounts)
/// exist twice.
pub fn build(snapshot: &Snapshot, parity: &Parity, ctx: InputContext<'_>) -> Result<Value> {
    let (primary_part, standby_part) = std::thread::scope(|scope| {
        let standby = scope.spawn(|| standby_part(snapshot, parity));
        let primary = primary_part(snapshot, ctx.volume_copies);
        let standby = standby
            .join()
            .unwrap_or_else(|_| Err(anyhow::anyhow!("building the policy input panicked")));
        (primary, standby)
    });
    let (primary, primary_index) = primary_part?;
    let (standby, standby_index, parity_v) = standby_part?;
    let strings = &mut Interner::default();
    let index = object([
        (key("primary"), primary_index),
        (key("standby"), standby_index),
    ]);

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

/// How many levels of containers a rule thread owns (`thread_copy`): the root (1), a site, the
/// index, the pairing (2), and a service, a site's index or `parity.by_kind` (3). The collections
/// and lookup maps below them, and the resources, are shared. Measured on the 100k snapshot
/// (docs/performance.md): owning 4 levels cost 0.1 s and 60 MiB more for no faster rules, owning
/// 2 no less time and 30 MiB less.
const THREAD_OWNED_LEVELS: usize = 3;

/// A copy of `input` for one rule thread: new containers for the top levels, the values below
/// them shared with `input`.
pub fn thread_copy(input: &Value) -> Value {
    copy_levels(input, THREAD_OWNED_LEVELS)
}

fn copy_levels(v: &Value, levels: usize) -> Value {
    if levels == 0 {
        return v.clone();
    }
    match v {
        Value::Object(o) => {
            let mut copy = regorus::value::Object::clone(o);
            if levels > 1 {
                let keys: Vec<Value> = copy.keys().cloned().collect();
                for k in keys {
                    if let Some(child) = copy.get_mut(&k) {
                        *child = copy_levels(child, levels - 1);
                    }
                }
            }
            Value::Object(regorus::Rc::new(copy))
        }
        Value::Array(a) => Value::from(
            a.iter()
                .map(|x| copy_levels(x, levels - 1))
                .collect::<Vec<_>>(),
        ),
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn arc_of(v: &Value) -> *const () {
        match v {
            Value::Object(o) => regorus::Rc::as_ptr(o) as *const (),
            Value::Array(a) => regorus::Rc::as_ptr(a) as *const (),
            Value::String(s) => regorus::Rc::as_ptr(s) as *const u8 as *const (),
            _ => std::ptr::null(),
        }
    }

    /// A rule thread's copy is equal to the document, owns its top levels (root, site, service)
    /// and shares the collections and resources below them.
    #[test]
    fn thread_copy_owns_the_top_levels_and_shares_the_resources() {
        let text = include_str!("../../fixtures/snapshots/example.json");
        let snapshot = crate::snapshot::parse(text.as_bytes(), "example.json").unwrap();
        let parity = crate::parity::Parity::default();
        let objectives = crate::config::Objectives::default();
        let ctx = InputContext {
            workloads: &[],
            volume_copies: &BTreeMap::new(),
            rewrites: &[],
            objectives: &objectives,
            tags: TagNames {
                pair_tag: "dr:pair",
                app_tag: "app",
                tier_tag: "dr:tier",
                scope_tag: "dr:scope",
            },
        };
        let input = build(&snapshot, &parity, ctx).unwrap();
        let copy = thread_copy(&input);
        assert_eq!(copy, input);

        let instances = |v: &Value| v["primary"]["ec2"]["instances"].clone();
        assert!(!instances(&input).as_array().unwrap().is_empty());
        let owned = |f: &dyn Fn(&Value) -> Value| arc_of(&f(&input)) != arc_of(&f(&copy));
        assert!(owned(&|v| v.clone()));
        assert!(owned(&|v| v["primary"].clone()));
        assert!(owned(&|v| v["primary"]["ec2"].clone()));
        assert!(owned(&|v| v["index"]["primary"].clone()));
        // The collections, the resources and their strings are shared.
        assert!(!owned(&|v| instances(v)));
        assert!(!owned(&|v| v["index"]["primary"]["by_arn"].clone()));
        assert!(!owned(&|v| instances(v)[0].clone()));
        assert!(!owned(&|v| instances(v)[0]["arn"].clone()));
    }
}
