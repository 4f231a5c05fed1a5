//! The JSON report: the full report model, stable field order (docs/report.schema.json).

use anyhow::Result;

use super::Report;

pub fn render(report: &Report) -> Result<String> {
    let mut s = serde_json::to_string_pretty(report)?;
    s.push('\n');
    Ok(s)
}
