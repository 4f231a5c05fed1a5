//! The offline pipeline: snapshot → pair → evaluate → score → report. Pure and deterministic
//! except for the report's `generated_at` and the waiver clock.

use anyhow::Result;

use crate::config::Config;
use crate::parity::{NameRewriter, PairingOptions};
use crate::policy::{PolicySet, RuleStatus};
use crate::report::{Evaluated, Report, site_pair};
use crate::snapshot::Snapshot;

/// Evaluates a snapshot with the given policies and configuration.
pub fn evaluate(snapshot: &Snapshot, config: &Config, policies: &PolicySet) -> Result<Report> {
    let mut scoped = snapshot.clone();
    // Every report is built from this copy, so redacted tag values reach no output format.
    scoped.redact_tags(&config.scope.redact_tags);
    let out_of_scope = crate::policy::input::apply_scope(&mut scoped, &config.scope.scope_tag);
    let opts = PairingOptions {
        pair_tag: config.pairing.pair_tag.clone(),
        rewriter: NameRewriter::new(
            &scoped.primary.region,
            &scoped.standby.region,
            &config.pairing.rewrites,
        ),
    };
    let parity = crate::parity::pair(&scoped.primary, &scoped.standby, &opts);
    let input = crate::policy::input::build(&scoped, &parity, config)?;
    let recovery_points = crate::evidence::recovery_points(&scoped, &parity, config);
    let results = crate::policy::evaluate(policies, &scoped, input)?;
    let today = chrono::Utc::now().date_naive();
    let (findings, waivers) =
        crate::findings::build(&results, &config.waivers, &site_pair(&scoped), today);
    let scores = crate::score::score(&results, &findings);
    let unknown = scores
        .rules
        .iter()
        .filter(|r| r.status == RuleStatus::Unknown)
        .count();
    let gate = crate::gate::decide(
        &config.gate,
        scores.overall,
        &findings,
        scoped.is_incomplete(),
        unknown,
    );
    Ok(Report::build(
        Evaluated {
            snapshot: &scoped,
            parity,
            results,
            findings,
            waivers,
            scores,
            out_of_scope,
            recovery_points,
        },
        config,
        gate,
    ))
}
