//! The offline pipeline: snapshot → pair → evaluate → score → report. Pure and deterministic
//! except for the report's `generated_at` and the waiver clock.

use anyhow::Result;

use crate::config::Config;
use crate::parity::{NameRewriter, PairingOptions};
use crate::policy::input::{InputContext, TagNames};
use crate::policy::{PolicySet, RuleStatus};
use crate::report::{Evaluated, Report};
use crate::snapshot::dr_data::DataOverrides;
use crate::snapshot::{Scope, Snapshot};
use crate::vocab::Service;
use crate::workload::WorkloadTags;

/// Evaluates a snapshot with the given policies and configuration.
pub fn evaluate(snapshot: &Snapshot, config: &Config, policies: &PolicySet) -> Result<Report> {
    evaluate_all(snapshot, config, policies).map(|e| e.report)
}

/// What evaluation computed besides the report, for the runbook (`crate::runbook`): the scoped
/// snapshot the report was built from, the workloads with their members, the failover groups.
pub struct Evaluation<'a> {
    pub report: Report,
    pub snapshot: std::borrow::Cow<'a, Snapshot>,
    pub workloads: Vec<crate::workload::Workload>,
    pub failover: Vec<crate::parity::FailoverPair>,
}

/// [`evaluate`], keeping the stages' results the report does not carry.
pub fn evaluate_all<'a>(
    snapshot: &'a Snapshot,
    config: &Config,
    policies: &PolicySet,
) -> Result<Evaluation<'a>> {
    let mut scope = Scope {
        tag: config.scope.scope_tag.clone(),
        services: config
            .scope
            .services
            .iter()
            .filter_map(|s| Service::parse(s))
            .collect(),
        exclude: config.scope.exclude.clone(),
        not_dr_data: Default::default(),
        other_site_pair: Default::default(),
    };
    let not_dr_data = crate::snapshot::dr_data::classify(
        snapshot,
        &DataOverrides {
            tag: &config.scope.data_tag,
            include: &config.scope.include,
            scope: Some(&scope),
        },
    );
    scope.not_dr_data = not_dr_data.iter().map(|n| n.arn.clone()).collect();
    // Roles, record sets and health checks are global: those serving another site pair of the
    // account (or, when another target owns them, naming no region) are set aside and listed.
    let other_site_pairs = timed("attribution", || {
        crate::snapshot::attribution::attribute(snapshot, &scope, config.owns_unattributed)
    });
    scope.other_site_pair = other_site_pairs.iter().map(|o| o.arn.clone()).collect();
    // Both lists are reported apart, so neither counts in `out_of_scope`.
    let listed = not_dr_data.len()
        + other_site_pairs
            .iter()
            .map(|o| o.sites.len())
            .sum::<usize>();
    // Every report is built from `scoped`, so redacted tag values reach no output format. It is
    // a copy only when tags are redacted or something is out of scope (a copy of a
    // 100k-resource snapshot costs ~0.2 s and ~200 MB).
    let (scoped_cow, out_of_scope) =
        if config.scope.redact_tags.is_empty() && !scope.removes_any(snapshot) {
            (std::borrow::Cow::Borrowed(snapshot), 0)
        } else {
            let mut owned = timed("copy", || snapshot.clone());
            owned.redact_tags(&config.scope.redact_tags);
            let removed = scope.apply(&mut owned).saturating_sub(listed);
            (std::borrow::Cow::Owned(owned), removed)
        };
    let scoped: &Snapshot = &scoped_cow;
    let opts = PairingOptions {
        pair_tag: config.pairing.pair_tag.clone(),
        rewriter: NameRewriter::new(
            &scoped.primary.region,
            &scoped.standby.region,
            &config.pairing.rewrites,
        )
        .with_role_words(&config.pairing.role_words),
    };
    let mut parity = timed("pair", || {
        crate::parity::pair(&scoped.primary, &scoped.standby, &opts)
    });
    let workloads = timed("workloads", || {
        crate::workload::workloads(
            scoped,
            &parity,
            WorkloadTags {
                app_tag: &config.pairing.app_tag,
                tier_tag: &config.pairing.tier_tag,
                default_tier: &config.objectives.default_tier,
            },
        )
    });
    let volume_copies = crate::evidence::standby_copy_of_volume(scoped, &parity);
    let recovery_points = timed("evidence", || {
        crate::evidence::recovery_points(
            scoped,
            &parity,
            &workloads,
            &volume_copies,
            config.objectives.rpo_seconds,
        )
    });
    let ctx = InputContext {
        workloads: &workloads,
        volume_copies: &volume_copies,
        rewrites: opts.rewriter.rules(),
        objectives: &config.objectives,
        tags: TagNames {
            pair_tag: &config.pairing.pair_tag,
            app_tag: &config.pairing.app_tag,
            tier_tag: &config.pairing.tier_tag,
            scope_tag: &config.scope.scope_tag,
        },
    };
    let make_input = || crate::policy::input::build(scoped, &parity, ctx);
    let results = timed("input and rules", || {
        crate::policy::evaluate(policies, scoped, &make_input)
    })?;
    let today = chrono::Utc::now().date_naive();
    let (findings, waivers) = timed("findings", || {
        crate::findings::build(&results, &config.waivers, &scoped.site_pair(), today)
    });
    let scores = timed("score", || crate::score::score(&results, &findings));
    let workload_verdicts = timed("workload verdicts", || {
        crate::verdicts::decide(
            scoped,
            &workloads,
            &results,
            &findings,
            config.gate.fail_on,
            &config.pairing.app_tag,
        )
    });
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
    let failover = std::mem::take(&mut parity.failover);
    let report = timed("report", || {
        Report::build(
            Evaluated {
                snapshot: scoped,
                parity,
                results,
                findings,
                waivers,
                scores,
                out_of_scope,
                not_dr_data,
                other_site_pairs,
                recovery_points,
                workloads: workload_verdicts,
            },
            config,
            gate,
        )
    });
    Ok(Evaluation {
        report,
        snapshot: scoped_cow,
        workloads,
        failover,
    })
}

/// Runs one stage and logs how long it took (`DRREADY_LOG=drready=debug`).
pub fn timed<T>(stage: &'static str, f: impl FnOnce() -> T) -> T {
    let start = std::time::Instant::now();
    let out = f();
    tracing::debug!(
        stage,
        ms = format_args!("{:.1}", start.elapsed().as_secs_f64() * 1e3),
        "evaluate stage done"
    );
    out
}
