//! dynamodb collector (being written: returns an empty inventory until then).

use super::Outcome;
use super::client::SiteCtx;
use crate::snapshot::DynamodbInventory;

pub(super) async fn collect(_ctx: &SiteCtx) -> Outcome<DynamodbInventory> {
    (DynamodbInventory::default(), Vec::new())
}
