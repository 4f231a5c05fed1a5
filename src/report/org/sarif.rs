//! STUB (being written).

use anyhow::Result;

use super::Org;
use crate::report::sarif::SarifOptions;

/// The organisation SARIF log: one run per target, each with its own `automationDetails.id`.
pub fn render(org: &Org, opts: &SarifOptions) -> Result<String> {
    let _ = (org, opts);
    anyhow::bail!("the organisation sarif report is not written yet")
}
