//! Builds the input document the rules see (docs/policy-input.md).

use std::collections::HashMap;

use anyhow::Result;
use regorus::Value;

use crate::config::Config;
use crate::parity::Parity;
use crate::snapshot::{Resource, Site, Snapshot};

/// Converts through JSON text: regorus' own parser shares each object key's string among all
/// objects and stores objects compactly, which is ~3x faster and smaller than going through a
/// `serde_json::Value` (docs/performance.md).
fn to_value<T: serde::Serialize>(v: &T) -> Result<Value> {
    Value::from_json_str(&serde_json::to_string(v)?)
}

fn object(entries: impl IntoIterator<Item = (Value, Value)>) -> Value {
    Value::from(regorus::value::Object::from_iter(entries))
}

fn key(s: &str) -> Value {
    Value::from(s)
}

/// Items of `site[a][b]` keyed by their field `field`.
fn index_by(site: &Value, a: &str, b: &str, field: &str) -> Value {
    let items = &site[a][b];
    let entries = items
        .as_array()
        .map(|arr| {
            arr.iter()
                .map(|item| (item[field].clone(), item.clone()))
                .collect::<Vec<_>>()
        })
        .unwrap_or_default();
    object(entries)
}

fn site_index(site: &Site, site_v: &Value) -> Value {
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
    let snaps = site_v["ec2"]["snapshots"].as_array().ok();
    let latest = object(
        newest
            .into_iter()
            .filter_map(|(vol, (_, i))| Some((key(vol), snaps?.get(i)?.clone()))),
    );
    object([
        (key("images"), index_by(site_v, "ec2", "images", "id")),
        (
            key("launch_templates"),
            index_by(site_v, "ec2", "launch_templates", "id"),
        ),
        (key("snapshots"), index_by(site_v, "ec2", "snapshots", "id")),
        (key("volumes"), index_by(site_v, "ec2", "volumes", "id")),
        (
            key("security_groups"),
            index_by(site_v, "ec2", "security_groups", "id"),
        ),
        (key("subnets"), index_by(site_v, "ec2", "subnets", "id")),
        (key("vpcs"), index_by(site_v, "ec2", "vpcs", "id")),
        (key("buckets"), index_by(site_v, "s3", "buckets", "name")),
        (key("roles"), index_by(site_v, "iam", "roles", "name")),
        (
            key("instance_profiles"),
            index_by(site_v, "iam", "instance_profiles", "name"),
        ),
        (
            key("instance_profile_arns"),
            index_by(site_v, "iam", "instance_profiles", "arn"),
        ),
        (
            key("health_checks"),
            index_by(site_v, "route53", "health_checks", "id"),
        ),
        (key("latest_snapshot_of_volume"), latest),
    ])
}

/// The whole input document.
pub fn build(snapshot: &Snapshot, parity: &Parity, config: &Config) -> Result<Value> {
    // The three large conversions are independent: one thread each.
    let (primary, standby, parity_v) = std::thread::scope(|scope| {
        let primary = scope.spawn(|| {
            let v = to_value(&snapshot.primary)?;
            let index = site_index(&snapshot.primary, &v);
            anyhow::Ok((v, index))
        });
        let standby = scope.spawn(|| {
            let v = to_value(&snapshot.standby)?;
            let index = site_index(&snapshot.standby, &v);
            anyhow::Ok((v, index))
        });
        let parity_v = to_value(parity);
        let join = |h: std::thread::ScopedJoinHandle<'_, Result<(Value, Value)>>| {
            h.join()
                .unwrap_or_else(|_| Err(anyhow::anyhow!("building the policy input panicked")))
        };
        (join(primary), join(standby), parity_v)
    });
    let (primary, primary_index) = primary?;
    let (standby, standby_index) = standby?;
    let mut parity_v = parity_v?;
    let index = object([
        (key("primary"), primary_index),
        (key("standby"), standby_index),
    ]);

    let standby_of = object(
        parity
            .pairs
            .iter()
            .map(|p| (key(&p.primary), key(&p.standby))),
    );
    let primary_of = object(
        parity
            .pairs
            .iter()
            .map(|p| (key(&p.standby), key(&p.primary))),
    );
    if let Ok(obj) = parity_v.as_object_mut() {
        obj.extend([
            (key("standby_of"), standby_of),
            (key("primary_of"), primary_of),
        ]);
    }

    let unknown = object([
        (
            key("primary"),
            to_value(&snapshot.primary.failed_services())?,
        ),
        (
            key("standby"),
            to_value(&snapshot.standby.failed_services())?,
        ),
    ]);
    let now = snapshot.collected_at;
    let now_ns = now.timestamp_nanos_opt().unwrap_or_default();
    let cfg = serde_json::json!({
        "pair_tag": config.pairing.pair_tag,
        "app_tag": config.pairing.app_tag,
        "tier_tag": config.pairing.tier_tag,
        "scope_tag": config.scope.scope_tag,
    });
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
        (key("objectives"), to_value(&config.objectives)?),
        (key("config"), Value::from(cfg)),
    ]))
}

/// Whether any resource of either site is tagged `<scope_tag>=none`.
pub fn any_out_of_scope(snapshot: &Snapshot, scope_tag: &str) -> bool {
    fn any<R: Resource>(v: &[R], tag: &str) -> bool {
        v.iter().any(|r| r.tag(tag) == Some("none"))
    }
    [&snapshot.primary, &snapshot.standby]
        .into_iter()
        .any(|site| {
            let t = scope_tag;
            any(&site.ec2.instances, t)
                || any(&site.ec2.images, t)
                || any(&site.ec2.launch_templates, t)
                || any(&site.ec2.volumes, t)
                || any(&site.ec2.snapshots, t)
                || any(&site.ec2.vpcs, t)
                || any(&site.ec2.subnets, t)
                || any(&site.ec2.security_groups, t)
                || any(&site.s3.buckets, t)
                || any(&site.route53.hosted_zones, t)
                || any(&site.route53.record_sets, t)
                || any(&site.route53.health_checks, t)
                || any(&site.iam.roles, t)
                || any(&site.iam.instance_profiles, t)
        })
}

/// Removes resources tagged `<scope_tag>=none` from both sites; returns how many were removed.
pub fn apply_scope(snapshot: &mut Snapshot, scope_tag: &str) -> usize {
    fn keep<R: Resource>(v: &mut Vec<R>, tag: &str, removed: &mut usize) {
        let before = v.len();
        v.retain(|r| r.tag(tag) != Some("none"));
        *removed += before - v.len();
    }
    let mut removed = 0;
    for site in [&mut snapshot.primary, &mut snapshot.standby] {
        let t = scope_tag;
        keep(&mut site.ec2.instances, t, &mut removed);
        keep(&mut site.ec2.images, t, &mut removed);
        keep(&mut site.ec2.launch_templates, t, &mut removed);
        keep(&mut site.ec2.volumes, t, &mut removed);
        keep(&mut site.ec2.snapshots, t, &mut removed);
        keep(&mut site.ec2.vpcs, t, &mut removed);
        keep(&mut site.ec2.subnets, t, &mut removed);
        keep(&mut site.ec2.security_groups, t, &mut removed);
        keep(&mut site.s3.buckets, t, &mut removed);
        keep(&mut site.route53.hosted_zones, t, &mut removed);
        keep(&mut site.route53.record_sets, t, &mut removed);
        keep(&mut site.route53.health_checks, t, &mut removed);
        keep(&mut site.iam.roles, t, &mut removed);
        keep(&mut site.iam.instance_profiles, t, &mut removed);
    }
    removed
}
