//! STUB (being written).

use anyhow::Result;

use super::Org;

/// The organisation Markdown report: targets × categories, worst first, then one section per
/// target.
pub fn render(org: &Org) -> Result<String> {
    let _ = org;
    anyhow::bail!("the organisation markdown report is not written yet")
}
