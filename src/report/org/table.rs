//! STUB (being written).

use anyhow::Result;

use super::Org;
use crate::report::table::TableOptions;

/// The organisation table for the terminal: one row per target, worst first.
pub fn render(org: &Org, opts: TableOptions) -> Result<String> {
    let _ = (org, opts);
    anyhow::bail!("the organisation table report is not written yet")
}
