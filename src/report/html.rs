//! STUB (being written): the self-contained HTML report.

use anyhow::Result;

use super::org::{Org, OrgReport};

/// The HTML report of an organisation run (a single-pair run is an organisation of one target):
/// `history` holds earlier organisation reports, oldest first, for the score-over-time chart.
pub fn render(org: &Org, history: &[OrgReport]) -> Result<String> {
    let _ = (org, history);
    anyhow::bail!("the HTML report is not written yet")
}
