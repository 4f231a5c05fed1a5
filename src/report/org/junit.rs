//! STUB (being written).

use anyhow::Result;

use super::Org;

/// The organisation JUnit report: one `<testsuite>` per target.
pub fn render(org: &Org) -> Result<String> {
    let _ = org;
    anyhow::bail!("the organisation junit report is not written yet")
}
