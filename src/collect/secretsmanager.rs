//! secretsmanager collector (being written: returns an empty inventory until then).

use super::Outcome;
use super::client::SiteCtx;
use crate::snapshot::SecretsManagerInventory;

pub(super) async fn collect(_ctx: &SiteCtx) -> Outcome<SecretsManagerInventory> {
    (SecretsManagerInventory::default(), Vec::new())
}
