//! JSON Schemas of the snapshot and of the JSON report, generated from the Rust types so the
//! documents in `docs/` cannot drift (a test compares them).

/// The JSON Schema of the JSON report (`docs/report.schema.json`).
pub fn report() -> String {
    render(schemars::schema_for!(crate::report::Report))
}

/// The JSON Schema of the organisation JSON report (`docs/org-report.schema.json`).
pub fn org_report() -> String {
    render(schemars::schema_for!(crate::report::org::OrgReport))
}

/// The JSON Schema of a snapshot file (`docs/snapshot.schema.json`).
pub fn snapshot() -> String {
    render(schemars::schema_for!(crate::snapshot::Snapshot))
}

/// The JSON Schema of the runbook's JSON (`docs/runbook.schema.json`).
pub fn runbook() -> String {
    render(schemars::schema_for!(crate::runbook::Runbook))
}

fn render(schema: schemars::Schema) -> String {
    let mut s = serde_json::to_string_pretty(&schema).expect("a schema is JSON");
    s.push('\n');
    s
}
