//! rds collector (being written: returns an empty inventory until then).

use super::Outcome;
use super::client::SiteCtx;
use crate::snapshot::RdsInventory;

pub(super) async fn collect(_ctx: &SiteCtx) -> Outcome<RdsInventory> {
    (RdsInventory::default(), Vec::new())
}
