//! Snapshot: the seam between collection and everything after it.
//!
//! A snapshot is a JSON file holding two sites' normalized inventory. `drready snapshot` writes
//! one; `drready evaluate` reads one with no AWS access.

mod model;
mod redact;

use std::path::Path;

use anyhow::{Context, Result, bail};
use serde::Deserialize;

pub use model::*;
pub use redact::REDACTED;

/// The snapshot format version this build reads and writes.
pub const SCHEMA_VERSION: u32 = 1;

/// Largest snapshot file accepted, in bytes (512 MiB). A real two-site estate of 100k resources
/// is about 60 MB; anything past the limit is refused before it is read into memory.
pub const MAX_SNAPSHOT_BYTES: u64 = 512 * 1024 * 1024;

/// Errors a caller branches on: a bad snapshot is a usage error (exit 2).
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct SnapshotError(pub String);

/// Reads and validates a snapshot file.
pub fn load(path: &Path) -> Result<Snapshot> {
    let meta = std::fs::metadata(path)
        .with_context(|| format!("cannot read snapshot {}", path.display()))?;
    let limit = max_snapshot_bytes();
    if meta.len() > limit {
        return Err(SnapshotError(format!(
            "snapshot {} is {} bytes ({}), over the limit of {limit} bytes ({}); it was not read. \
             Split the estate into several site pairs, or raise the limit with \
             DRREADY_MAX_SNAPSHOT_BYTES=BYTES if this machine has the memory for it \
             (several times the file size)",
            path.display(),
            meta.len(),
            human_bytes(meta.len()),
            human_bytes(limit)
        ))
        .into());
    }
    let bytes =
        std::fs::read(path).with_context(|| format!("cannot read snapshot {}", path.display()))?;
    parse(&bytes, &path.display().to_string())
}

/// `1.5 MB`, `200.0 MB`, `2.1 GB` (decimal units).
fn human_bytes(n: u64) -> String {
    let n = n as f64;
    if n >= 1e9 {
        format!("{:.1} GB", n / 1e9)
    } else if n >= 1e6 {
        format!("{:.1} MB", n / 1e6)
    } else {
        format!("{:.1} kB", n / 1e3)
    }
}

/// The size limit: `DRREADY_MAX_SNAPSHOT_BYTES`, else [`MAX_SNAPSHOT_BYTES`].
pub fn max_snapshot_bytes() -> u64 {
    std::env::var("DRREADY_MAX_SNAPSHOT_BYTES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(MAX_SNAPSHOT_BYTES)
}

/// Parses snapshot bytes; `origin` names the source in error messages.
pub fn parse(bytes: &[u8], origin: &str) -> Result<Snapshot> {
    let bad = |msg: String| -> anyhow::Error { SnapshotError(msg).into() };
    let text = std::str::from_utf8(bytes).map_err(|e| {
        bad(format!(
            "snapshot {origin} is not UTF-8 text (invalid byte at offset {}); a snapshot is the JSON \
             file written by `drready snapshot`",
            e.valid_up_to()
        ))
    })?;

    // Fast path: a well-formed snapshot of this version parses in one pass. Anything else is
    // parsed again below, slowly, for the precise error message (the path of the bad field).
    if let Ok(snapshot) = serde_json::from_str::<Snapshot>(text)
        && snapshot.schema_version == SCHEMA_VERSION
    {
        validate(&snapshot, origin)?;
        return Ok(snapshot);
    }

    #[derive(Deserialize)]
    struct Version {
        schema_version: Option<serde_json::Value>,
    }
    let version: Version = serde_json::from_str(text).map_err(|e| {
        bad(format!(
            "snapshot {origin} is not valid JSON: {e}; write it again with `drready snapshot -o FILE`"
        ))
    })?;
    match version.schema_version {
        None => {
            return Err(bad(format!(
                "snapshot {origin}: missing field `schema_version` at $; this file is not a drready \
                 snapshot"
            )));
        }
        Some(serde_json::Value::Number(n)) if n.as_u64() == Some(SCHEMA_VERSION as u64) => {}
        Some(other) => {
            return Err(bad(format!(
                "snapshot {origin}: schema_version {other} is not supported; this drready reads \
                 schema_version {SCHEMA_VERSION}. Use the drready release that wrote it, or collect \
                 a new snapshot"
            )));
        }
    }

    let de = &mut serde_json::Deserializer::from_str(text);
    let snapshot: Snapshot = serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        bad(format!("snapshot {origin}: at $.{path}: {}", e.inner()))
    })?;
    validate(&snapshot, origin)?;
    Ok(snapshot)
}

/// Checks that no two resources of one kind in one site share an ARN, or an id (record sets
/// excepted: their id is name/type, which two hosted zones may share).
fn validate(snapshot: &Snapshot, origin: &str) -> Result<()> {
    for (role, site) in [
        (SiteRole::Primary, &snapshot.primary),
        (SiteRole::Standby, &snapshot.standby),
    ] {
        for (kind, arns) in site.resource_arns() {
            let mut seen = std::collections::HashSet::with_capacity(arns.len());
            for arn in arns {
                if !seen.insert(arn) {
                    bail!(SnapshotError(format!(
                        "snapshot {origin}: duplicate {kind} `{arn}` in $.{role}; every resource \
                         must appear once per site"
                    )));
                }
            }
        }
        for (kind, ids) in site.resource_ids() {
            if kind == "record_set" {
                continue;
            }
            let mut seen = std::collections::HashMap::with_capacity(ids.len());
            for (id, arn) in ids {
                if let Some(first) = seen.insert(id, arn) {
                    bail!(SnapshotError(format!(
                        "snapshot {origin}: duplicate {kind} id `{id}` in $.{role} (`{first}` and \
                         `{arn}`); every resource must appear once per site"
                    )));
                }
            }
        }
    }
    Ok(())
}

/// Writes a snapshot as pretty JSON, atomically (temp file + rename).
pub fn save(snapshot: &Snapshot, path: &Path) -> Result<()> {
    let mut bytes = serde_json::to_vec_pretty(snapshot)?;
    bytes.push(b'\n');
    crate::fsutil::write_atomic(path, &bytes)
        .with_context(|| format!("cannot write snapshot {}", path.display()))
}

impl Site {
    /// Every resource ARN of this site, grouped by kind, for validation and counts.
    pub fn resource_arns(&self) -> Vec<(&'static str, Vec<&str>)> {
        fn arns<R: Resource>(items: &[R]) -> Vec<&str> {
            items.iter().map(Resource::arn).collect()
        }
        vec![
            ("instance", arns(&self.ec2.instances)),
            ("image", arns(&self.ec2.images)),
            ("launch_template", arns(&self.ec2.launch_templates)),
            ("volume", arns(&self.ec2.volumes)),
            ("snapshot", arns(&self.ec2.snapshots)),
            ("vpc", arns(&self.ec2.vpcs)),
            ("subnet", arns(&self.ec2.subnets)),
            ("security_group", arns(&self.ec2.security_groups)),
            ("bucket", arns(&self.s3.buckets)),
            ("hosted_zone", arns(&self.route53.hosted_zones)),
            ("record_set", arns(&self.route53.record_sets)),
            ("health_check", arns(&self.route53.health_checks)),
            ("role", arns(&self.iam.roles)),
            ("instance_profile", arns(&self.iam.instance_profiles)),
        ]
    }

    /// Every resource's (id, ARN) of this site, grouped by kind, for validation.
    pub fn resource_ids(&self) -> Vec<(&'static str, Vec<(&str, &str)>)> {
        fn ids<R: Resource>(items: &[R]) -> Vec<(&str, &str)> {
            items.iter().map(|r| (r.id(), r.arn())).collect()
        }
        vec![
            ("instance", ids(&self.ec2.instances)),
            ("image", ids(&self.ec2.images)),
            ("launch_template", ids(&self.ec2.launch_templates)),
            ("volume", ids(&self.ec2.volumes)),
            ("snapshot", ids(&self.ec2.snapshots)),
            ("vpc", ids(&self.ec2.vpcs)),
            ("subnet", ids(&self.ec2.subnets)),
            ("security_group", ids(&self.ec2.security_groups)),
            ("bucket", ids(&self.s3.buckets)),
            ("hosted_zone", ids(&self.route53.hosted_zones)),
            ("record_set", ids(&self.route53.record_sets)),
            ("health_check", ids(&self.route53.health_checks)),
            ("role", ids(&self.iam.roles)),
            ("instance_profile", ids(&self.iam.instance_profiles)),
        ]
    }

    /// Number of resources per kind.
    pub fn counts(&self) -> std::collections::BTreeMap<&'static str, usize> {
        self.resource_arns()
            .into_iter()
            .map(|(k, v)| (k, v.len()))
            .collect()
    }

    /// Services with at least one collection error: their data is unknown.
    pub fn failed_services(&self) -> std::collections::BTreeSet<Service> {
        self.collection_errors.iter().map(|e| e.service).collect()
    }

    /// Sorts every collection by ARN so output is deterministic.
    pub fn sort(&mut self) {
        fn by_arn<R: Resource>(v: &mut [R]) {
            v.sort_by(|a, b| a.arn().cmp(b.arn()));
        }
        by_arn(&mut self.ec2.instances);
        by_arn(&mut self.ec2.images);
        by_arn(&mut self.ec2.launch_templates);
        by_arn(&mut self.ec2.volumes);
        by_arn(&mut self.ec2.snapshots);
        by_arn(&mut self.ec2.vpcs);
        by_arn(&mut self.ec2.subnets);
        by_arn(&mut self.ec2.security_groups);
        by_arn(&mut self.s3.buckets);
        by_arn(&mut self.route53.hosted_zones);
        by_arn(&mut self.route53.record_sets);
        by_arn(&mut self.route53.health_checks);
        by_arn(&mut self.iam.roles);
        by_arn(&mut self.iam.instance_profiles);
        self.collection_errors.sort();
    }
}

impl Snapshot {
    pub fn site(&self, role: SiteRole) -> &Site {
        match role {
            SiteRole::Primary => &self.primary,
            SiteRole::Standby => &self.standby,
        }
    }
    /// True when any service of any site could not be fully read.
    pub fn is_incomplete(&self) -> bool {
        !self.primary.collection_errors.is_empty() || !self.standby.collection_errors.is_empty()
    }
}
