//! servicequotas collector (being written: returns an empty inventory until then).

use std::collections::BTreeSet;

use super::Outcome;
use super::client::SiteCtx;
use crate::snapshot::ServiceQuotasInventory;

/// `instance_types`: the instance types the site's templates, instances and groups use.
pub(super) async fn collect(
    _ctx: &SiteCtx,
    _instance_types: &BTreeSet<String>,
) -> Outcome<ServiceQuotasInventory> {
    (ServiceQuotasInventory::default(), Vec::new())
}

/// The instance types a site's launch templates (both versions), instances and Auto Scaling
/// groups (overrides) use.
pub(super) fn instance_types(
    ec2: Option<&crate::snapshot::Ec2Inventory>,
    groups: Option<&crate::snapshot::AutoscalingInventory>,
) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    if let Some(ec2) = ec2 {
        out.extend(ec2.instances.iter().map(|i| i.instance_type.clone()));
        for t in &ec2.launch_templates {
            for v in [&t.default_version, &t.latest_version].into_iter().flatten() {
                out.extend(v.instance_type.clone());
            }
        }
    }
    if let Some(groups) = groups {
        for g in &groups.groups {
            out.extend(g.instance_type_overrides.iter().cloned());
        }
    }
    out
}
