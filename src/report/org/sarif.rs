//! The organisation SARIF log: one run per target, each its own analysis in code scanning
//! (docs/output-formats.md, "Organisation runs").

use std::collections::BTreeSet;

use anyhow::Result;
use serde_json::json;
use serde_sarif::sarif::{Invocation, Message, Notification, PropertyBag, Run};

use super::{Org, target_name};
use crate::error::Error;
use crate::report::Report;
use crate::report::sarif::{SarifOptions, automation_id, log_of, run};

/// GitHub code scanning rejects a SARIF file with more runs than this.
pub const MAX_RUNS: usize = 20;

/// `automationDetails.id` of a target's run: `drready/<target>/`; a report of a single-pair run
/// keeps the single-run id (`drready/<primary>-<standby>/`), so its alerts stay the same alerts.
pub fn target_automation_id(report: &Report) -> String {
    match &report.target {
        Some(name) => format!("drready/{name}/"),
        None => automation_id(report),
    }
}

/// The organisation SARIF log: one run per target, worst first, each with its own
/// `automationDetails.id`. More than [`MAX_RUNS`] targets is an error: GitHub would reject the
/// whole file.
pub fn render(org: &Org, opts: &SarifOptions) -> Result<String> {
    let runs = org.reports.len();
    if runs > MAX_RUNS {
        return Err(Error::Usage(format!(
            "the organisation SARIF would hold {runs} runs (one per target) and GitHub code \
             scanning rejects a file with more than {MAX_RUNS}; split the targets into shards of \
             at most {MAX_RUNS} (`--targets FILE` per shard) and upload one SARIF file per shard, \
             or use `--format json`, `junit` or `markdown` for the whole organisation"
        ))
        .into());
    }
    let mut ids = BTreeSet::new();
    let mut out = Vec::with_capacity(runs);
    for (report, summary) in org.reports.iter().zip(&org.report.targets) {
        let id = target_automation_id(report);
        if !ids.insert(id.clone()) {
            return Err(Error::Report(format!(
                "two targets would share the SARIF category `{id}` (target `{}`); give every \
                 target its own name",
                target_name(report)
            ))
            .into());
        }
        let mut r = run(report, opts, id);
        mark(&mut r, report, summary);
        out.push(r);
    }
    let mut text = serde_json::to_string_pretty(&log_of(out))?;
    text.push('\n');
    Ok(text)
}

/// Adds the target's name and verdict to its run, and says which site could not be read at all.
fn mark(r: &mut Run, report: &Report, summary: &super::TargetSummary) {
    let props = r
        .properties
        .get_or_insert_with(|| PropertyBag::builder().build());
    props
        .additional_properties
        .insert("drready/target".into(), json!(summary.name));
    props.additional_properties.insert(
        "drready/verdict".into(),
        json!(report.gate.verdict.as_str()),
    );
    if summary.unreadable.is_empty() {
        return;
    }
    let notes = summary.unreadable.iter().map(|why| {
        Notification::builder()
            .level(json!("error"))
            .message(
                Message::builder()
                    .text(format!(
                        "Target {} is incomplete: a site could not be read at all ({why}); \
                         the rules that need it could not be judged.",
                        summary.name
                    ))
                    .build(),
            )
            .build()
    });
    let invocations = r.invocations.get_or_insert_with(|| {
        vec![
            Invocation::builder()
                .execution_successful(true)
                .tool_execution_notifications(Vec::<Notification>::new())
                .build(),
        ]
    });
    let list = invocations[0]
        .tool_execution_notifications
        .get_or_insert_with(Vec::new);
    // The cause first: it explains every "could not be judged" that follows.
    let mut all: Vec<Notification> = notes.collect();
    all.append(list);
    *list = all;
}
