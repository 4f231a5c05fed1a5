//! acm collector (being written: returns an empty inventory until then).

use super::Outcome;
use super::client::SiteCtx;
use crate::snapshot::AcmInventory;

pub(super) async fn collect(_ctx: &SiteCtx) -> Outcome<AcmInventory> {
    (AcmInventory::default(), Vec::new())
}
