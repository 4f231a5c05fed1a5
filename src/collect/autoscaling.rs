//! autoscaling collector (being written: returns an empty inventory until then).

use super::Outcome;
use super::client::SiteCtx;
use crate::snapshot::AutoscalingInventory;

pub(super) async fn collect(_ctx: &SiteCtx) -> Outcome<AutoscalingInventory> {
    (AutoscalingInventory::default(), Vec::new())
}
