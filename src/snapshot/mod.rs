//! Snapshot: the seam between collection and everything after it.
//!
//! A snapshot is a JSON file holding two sites' normalized inventory. `drready snapshot` writes
//! one; `drready evaluate` reads one with no AWS access.

pub mod attribution;
pub mod dr_data;
mod kinds;
mod model;
mod redact;
mod scope;

use std::path::Path;

use anyhow::{Context, Result, bail};
use serde::Deserialize;

use crate::error::Error;
use crate::vocab::{Service, SiteRole};

pub use kinds::{InventorySize, Visit, VisitMut, field};
pub use model::*;
pub use redact::REDACTED;
/// Account id recorded for a site whose identity could not be read.
pub const UNKNOWN_ACCOUNT: &str = "unknown";

pub use scope::{Scope, glob_match};

/// The snapshot format version this build reads and writes.
pub const SCHEMA_VERSION: u32 = 1;

/// Largest snapshot file accepted, in bytes (512 MiB). A real two-site estate of 100k resources
/// is about 60 MB; anything past the limit is refused before it is read into memory.
pub const MAX_SNAPSHOT_BYTES: u64 = 512 * 1024 * 1024;

/// Reads and validates a snapshot file.
pub fn load(path: &Path) -> Result<Snapshot> {
    let meta = std::fs::metadata(path)
        .with_context(|| format!("cannot read snapshot {}", path.display()))?;
    let limit = max_snapshot_bytes();
    if meta.len() > limit {
        return Err(Error::Snapshot(format!(
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
    let bad = |msg: String| -> anyhow::Error { Error::Snapshot(msg).into() };
    let text = std::str::from_utf8(bytes).map_err(|e| {
        bad(format!(
            "snapshot {origin} is not UTF-8 text (invalid byte at offset {}); a snapshot is the JSON \
             file written by `drready snapshot`",
            e.valid_up_to()
        ))
    })?;

    // Fast path: a well-formed snapshot of this version parses in one pass. Anything else is
    // parsed again below, slowly, for the precise error message (the path of the bad field).
    if let Ok(mut snapshot) = serde_json::from_str::<Snapshot>(text)
        && snapshot.schema_version == SCHEMA_VERSION
    {
        validate(&snapshot, origin)?;
        mark_uncollected_key_pairs(&mut snapshot, text);
        infer_collected_services(&mut snapshot, text);
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
    let mut snapshot: Snapshot = serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        bad(format!("snapshot {origin}: at $.{path}: {}", e.inner()))
    })?;
    validate(&snapshot, origin)?;
    mark_uncollected_key_pairs(&mut snapshot, text);
    infer_collected_services(&mut snapshot, text);
    Ok(snapshot)
}

/// Snapshots written before key pairs were collected have no `key_pairs` at all (this release
/// always writes the list, empty or not). An empty list there would read as "no key pair exists",
/// and every launch template naming a key would be a critical DR-EC2-008. Instead each such
/// template is marked unread for EC2 (a resource-level gap): unknown to the rules, named by
/// DR-INV-001, the rest judged.
/// A snapshot written before drready recorded `services` read the services whose inventories it
/// holds (a writer always writes every inventory it knows, empty or not): a service drready
/// learned later is not collected, not empty.
fn infer_collected_services(snapshot: &mut Snapshot, text: &str) {
    if snapshot.primary.services.is_some() && snapshot.standby.services.is_some() {
        return;
    }
    // The keys of each site object, the values skipped without building them.
    #[derive(Deserialize)]
    struct Keys {
        primary: std::collections::BTreeMap<String, serde::de::IgnoredAny>,
        standby: std::collections::BTreeMap<String, serde::de::IgnoredAny>,
    }
    let Ok(keys) = serde_json::from_str::<Keys>(text) else {
        return;
    };
    for (site, keys) in [
        (&mut snapshot.primary, &keys.primary),
        (&mut snapshot.standby, &keys.standby),
    ] {
        if site.services.is_none() {
            site.services = Some(
                Service::ALL
                    .iter()
                    .copied()
                    .filter(|s| keys.contains_key(s.as_str()))
                    .collect(),
            );
        }
    }
}

impl Site {
    /// Whether this site's snapshot set out to read `service` (see [`Site::services`]). A site
    /// built in memory without the list (not loaded from a file) counts as having read every
    /// service.
    pub fn collected(&self, service: Service) -> bool {
        self.services.as_ref().is_none_or(|s| s.contains(&service))
    }
}

fn mark_uncollected_key_pairs(snapshot: &mut Snapshot, text: &str) {
    if text.contains("\"key_pairs\"") {
        return;
    }
    for site in [&mut snapshot.primary, &mut snapshot.standby] {
        let named: Vec<String> = site
            .ec2
            .launch_templates
            .iter()
            .filter(|t| {
                [&t.default_version, &t.latest_version]
                    .into_iter()
                    .flatten()
                    .any(|v| v.key_name.is_some())
            })
            .map(|t| t.arn.clone())
            .collect();
        site.collection_errors.extend(named.into_iter().map(|arn| {
            CollectionError {
                service: Service::Ec2,
                api: "DescribeKeyPairs".into(),
                code: "NotInSnapshot".into(),
                message:
                    "this snapshot was written before drready collected key pairs, so whether \
                      the template's key pair exists is unknown; collect a new snapshot"
                        .into(),
                resource: Some(arn),
            }
        }));
        site.collection_errors.sort();
    }
}

/// The IAM action an API call needs, for messages that tell what to grant. Most actions are
/// named like the API; S3's bucket sub-resources are not.
pub fn iam_action(service: Service, api: &str) -> String {
    let action = match (service, api) {
        (Service::S3, "ListBuckets") => "ListAllMyBuckets",
        (Service::S3, "GetBucketReplication") => "GetReplicationConfiguration",
        (Service::S3, "GetBucketEncryption") => "GetEncryptionConfiguration",
        (Service::S3, "GetBucketLogging") => "GetBucketLogging",
        (Service::S3, "HeadBucket") => "ListBucket",
        // A site whose identity could not be read records the STS call under every service.
        (_, "GetCallerIdentity") => return "sts:GetCallerIdentity".to_string(),
        (_, "ResolveRegion") => return "a region (none is configured)".to_string(),
        // The vCPUs of instance types are read for the Service Quotas inventory.
        (Service::ServiceQuotas, "DescribeInstanceTypes") => {
            return "ec2:DescribeInstanceTypes".to_string();
        }
        _ => api,
    };
    format!("{}:{action}", service.iam_prefix())
}

/// Checks that no two resources of one kind in one site share an ARN, or an id (record sets
/// excepted: their id is name/type, which two hosted zones may share).
fn validate(snapshot: &Snapshot, origin: &str) -> Result<()> {
    for role in SiteRole::BOTH {
        let site = snapshot.site(role);
        for (kind, ids) in site.identities() {
            let mut seen = std::collections::HashSet::with_capacity(ids.len());
            for (_, arn) in &ids {
                if !seen.insert(*arn) {
                    bail!(Error::Snapshot(format!(
                        "snapshot {origin}: duplicate {kind} `{arn}` in $.{role}; every resource \
                         must appear once per site"
                    )));
                }
            }
            if !kind.unique_ids() {
                continue;
            }
            let mut seen = std::collections::HashMap::with_capacity(ids.len());
            for (id, arn) in ids {
                if let Some(first) = seen.insert(id, arn) {
                    bail!(Error::Snapshot(format!(
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
    crate::fsutil::write_atomic(path, &bytes).context("the snapshot was not saved")
}

impl Site {
    /// Services whose listing failed: what they hold is unknown as a whole. A failure that
    /// concerns one resource (it names it) leaves the rest of the service judged.
    pub fn unlisted_services(&self) -> std::collections::BTreeSet<Service> {
        self.collection_errors
            .iter()
            .filter(|e| e.resource.is_none())
            .map(|e| e.service)
            .collect()
    }
}

impl Snapshot {
    /// `PRIMARY_REGION/STANDBY_REGION`: names the pair in reports and fingerprints.
    pub fn site_pair(&self) -> String {
        format!("{}/{}", self.primary.region, self.standby.region)
    }

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

#[cfg(test)]
mod tests {
    use crate::vocab::Service;

    #[test]
    fn iam_actions_name_the_service_that_answers() {
        assert_eq!(
            super::iam_action(Service::S3, "ListBuckets"),
            "s3:ListAllMyBuckets"
        );
        assert_eq!(
            super::iam_action(Service::Ec2, "DescribeVpcs"),
            "ec2:DescribeVpcs"
        );
        // A site that could not be read records its STS call under every service.
        assert_eq!(
            super::iam_action(Service::Ec2, "GetCallerIdentity"),
            "sts:GetCallerIdentity"
        );
        assert_eq!(
            super::iam_action(Service::Elbv2, "DescribeLoadBalancers"),
            "elasticloadbalancing:DescribeLoadBalancers"
        );
    }

    #[test]
    fn a_snapshot_without_key_pairs_marks_templates_naming_keys_unread() {
        let text = include_str!("../../fixtures/snapshots/healthy.json");
        let mut v: serde_json::Value = serde_json::from_str(text).unwrap();
        for site in ["primary", "standby"] {
            v[site]["ec2"].as_object_mut().unwrap().remove("key_pairs");
        }
        let old = super::parse(v.to_string().as_bytes(), "old.json").unwrap();
        let gaps: Vec<_> = old
            .standby
            .collection_errors
            .iter()
            .filter(|e| e.code == "NotInSnapshot")
            .collect();
        assert!(!gaps.is_empty());
        assert!(gaps.iter().all(|e| {
            e.resource
                .as_deref()
                .is_some_and(|r| r.contains(":launch-template/"))
        }));
        // A snapshot of this release is left as it is.
        let new = super::parse(text.as_bytes(), "healthy.json").unwrap();
        assert!(new.standby.collection_errors.is_empty());
    }

    #[test]
    fn services_a_snapshot_never_read_are_not_collected_rather_than_empty() {
        use crate::vocab::Service;
        let text = include_str!("../../fixtures/snapshots/healthy.json");
        let mut v: serde_json::Value = serde_json::from_str(text).unwrap();
        for site in ["primary", "standby"] {
            let obj = v[site].as_object_mut().unwrap();
            obj.remove("services");
            for svc in ["rds", "dynamodb", "kms"] {
                obj.remove(svc);
            }
        }
        // A tag value naming a service is no inventory of it.
        v["primary"]["ec2"]["instances"][0]["tags"]["app"] = "rds".into();
        let old = super::parse(v.to_string().as_bytes(), "old.json").unwrap();
        for site in [&old.primary, &old.standby] {
            assert!(site.collected(Service::Ec2) && site.collected(Service::Acm));
            assert!(!site.collected(Service::Rds));
            assert!(!site.collected(Service::Dynamodb));
            assert!(!site.collected(Service::Kms));
        }
        // Recorded services are kept as written.
        let obj = v["standby"].as_object_mut().unwrap();
        obj.insert("services".into(), serde_json::json!(["ec2"]));
        let narrow = super::parse(v.to_string().as_bytes(), "narrow.json").unwrap();
        assert_eq!(narrow.standby.services, Some(vec![Service::Ec2]));
        assert!(narrow.primary.collected(Service::S3));
    }
}
