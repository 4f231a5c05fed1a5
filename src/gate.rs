//! The gate: turns scores, findings and completeness into a verdict and an exit code.
//! Exit codes are decided here and nowhere else (docs/exit-codes.md).

use serde::Serialize;

use crate::config::Gate;
use crate::error::Error;
use crate::findings::Finding;
use crate::vocab::{Severity, Verdict};

/// The documented exit codes (docs/exit-codes.md). A process outcome, never stored in a report:
/// the report carries a [`Verdict`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitStatus {
    /// 0: the gate passed (or the command succeeded).
    Ready,
    /// 1: the gate failed: not ready (for `diff`: readiness regressed; for `policies test`: a
    /// test failed).
    NotReady,
    /// 2: usage, configuration, snapshot, report or policy error.
    Usage,
    /// 3: inventory incomplete (a site, service or resource could not be read) and
    /// `--allow-partial` unset.
    Incomplete,
    /// 4: an output could not be written (disk full, permission denied): the judgement ran, its
    /// result was lost.
    OutputFailed,
}

impl ExitStatus {
    pub fn code(self) -> u8 {
        match self {
            ExitStatus::Ready => 0,
            ExitStatus::NotReady => 1,
            ExitStatus::Usage => 2,
            ExitStatus::Incomplete => 3,
            ExitStatus::OutputFailed => 4,
        }
    }
}

impl From<Verdict> for ExitStatus {
    fn from(v: Verdict) -> ExitStatus {
        match v {
            Verdict::Ready => ExitStatus::Ready,
            Verdict::NotReady => ExitStatus::NotReady,
            Verdict::Incomplete => ExitStatus::Incomplete,
        }
    }
}

impl Error {
    /// The exit status of a run that stopped with this error.
    pub fn exit_status(&self) -> ExitStatus {
        match self {
            Error::Usage(_)
            | Error::Config(_)
            | Error::Snapshot(_)
            | Error::Policy(_)
            | Error::Report(_) => ExitStatus::Usage,
            Error::Output(_) => ExitStatus::OutputFailed,
        }
    }
}

/// The exit status of a run that stopped with `e`: the first [`Error`] in its chain decides;
/// anything else (a file that cannot be read, bad JSON) is the user's to fix: exit 2.
pub fn for_error(e: &anyhow::Error) -> ExitStatus {
    e.chain()
        .find_map(|c| c.downcast_ref::<Error>())
        .map_or(ExitStatus::Usage, Error::exit_status)
}

/// How bad a verdict is, for ordering targets: incomplete is worst (nothing can be said), then
/// not ready, then ready.
pub fn verdict_rank(v: Verdict) -> u8 {
    match v {
        Verdict::Incomplete => 0,
        Verdict::NotReady => 1,
        Verdict::Ready => 2,
    }
}

/// A multi-target run (`scan` over targets, `merge`): the worst target verdict decides, and the
/// run's exit code follows from it (3 before 1 before 0); no targets is ready.
pub fn for_targets(verdicts: impl IntoIterator<Item = Verdict>) -> Verdict {
    verdicts
        .into_iter()
        .min_by_key(|v| verdict_rank(*v))
        .unwrap_or(Verdict::Ready)
}

/// `drready diff`: 1 when readiness regressed, else 0.
pub fn for_diff(regressed: bool) -> ExitStatus {
    if regressed {
        ExitStatus::NotReady
    } else {
        ExitStatus::Ready
    }
}

/// `drready snapshot`: 3 when some inventory could not be read (unless allowed), else 0.
pub fn for_snapshot(incomplete: bool, allow_partial: bool) -> ExitStatus {
    if incomplete && !allow_partial {
        ExitStatus::Incomplete
    } else {
        ExitStatus::Ready
    }
}

/// `drready doctor`: 3 when a check failed (a scan would not read everything), else 0.
pub fn for_doctor(failed_checks: usize) -> ExitStatus {
    if failed_checks > 0 {
        ExitStatus::Incomplete
    } else {
        ExitStatus::Ready
    }
}

/// `drready runbook` (after writing it): 3 when inventory is incomplete (unless
/// `--allow-partial`), else 1 when an included workload is not ready or unknown, else 0.
pub fn for_runbook(incomplete: bool, allow_partial: bool, all_ready: bool) -> ExitStatus {
    if incomplete && !allow_partial {
        ExitStatus::Incomplete
    } else if !all_ready {
        ExitStatus::NotReady
    } else {
        ExitStatus::Ready
    }
}

/// `drready policies test`: 1 when a test failed, else 0.
pub fn for_policy_tests(failed: usize) -> ExitStatus {
    if failed > 0 {
        ExitStatus::NotReady
    } else {
        ExitStatus::Ready
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize, schemars::JsonSchema)]
pub struct GateResult {
    pub passed: bool,
    pub exit_code: u8,
    /// `ready`, `not_ready` or `incomplete`; the exit code follows from it.
    pub verdict: Verdict,
    pub fail_under: Option<f64>,
    pub fail_on: Option<Severity>,
    pub allow_partial: bool,
    /// Some inventory could not be read.
    pub incomplete: bool,
    /// Why the gate failed (empty when it passed).
    pub reasons: Vec<String>,
}

/// Decides the gate.
pub fn decide(
    gate: &Gate,
    overall: Option<f64>,
    findings: &[Finding],
    incomplete: bool,
    unknown_rules: usize,
) -> GateResult {
    let mut reasons = Vec::new();
    if let Some(min) = gate.fail_under {
        match overall {
            Some(s) if s < min => {
                reasons.push(format!("score {s} is below the required {min}"));
            }
            None => reasons.push(format!(
                "nothing could be judged, so the score cannot reach the required {min}"
            )),
            _ => {}
        }
    }
    if let Some(sev) = gate.fail_on {
        let n = findings
            .iter()
            .filter(|f| f.waived.is_none() && f.severity >= sev)
            .count();
        if n > 0 {
            reasons.push(format!(
                "{n} unwaived finding{} of severity {sev} or higher",
                if n == 1 { "" } else { "s" }
            ));
        }
    }
    let failed = !reasons.is_empty();
    if incomplete {
        reasons.push(format!(
            "inventory incomplete: {unknown_rules} rule{} could not be judged",
            if unknown_rules == 1 { "" } else { "s" }
        ));
    }
    let verdict = if incomplete && !gate.allow_partial {
        Verdict::Incomplete
    } else if failed {
        Verdict::NotReady
    } else {
        Verdict::Ready
    };
    GateResult {
        passed: verdict == Verdict::Ready,
        exit_code: ExitStatus::from(verdict).code(),
        verdict,
        fail_under: gate.fail_under,
        fail_on: gate.fail_on,
        allow_partial: gate.allow_partial,
        incomplete,
        reasons,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exit_codes_are_the_documented_ones() {
        assert_eq!(ExitStatus::Ready.code(), 0);
        assert_eq!(ExitStatus::NotReady.code(), 1);
        assert_eq!(ExitStatus::Usage.code(), 2);
        assert_eq!(ExitStatus::Incomplete.code(), 3);
        assert_eq!(ExitStatus::OutputFailed.code(), 4);
    }

    #[test]
    fn errors_map_to_their_codes() {
        let usage =
            anyhow::Error::from(Error::Config("bad".into())).context("reading drready.toml");
        assert_eq!(for_error(&usage), ExitStatus::Usage);
        let output = anyhow::Error::from(Error::Output("disk full".into()));
        assert_eq!(for_error(&output), ExitStatus::OutputFailed);
        let other = anyhow::anyhow!("no such file");
        assert_eq!(for_error(&other), ExitStatus::Usage);
        assert_eq!(for_diff(true), ExitStatus::NotReady);
        assert_eq!(for_snapshot(true, false), ExitStatus::Incomplete);
        assert_eq!(for_snapshot(true, true), ExitStatus::Ready);
        assert_eq!(for_policy_tests(1), ExitStatus::NotReady);
        assert_eq!(for_doctor(1), ExitStatus::Incomplete);
        assert_eq!(for_doctor(0), ExitStatus::Ready);
    }

    #[test]
    fn incomplete_wins_unless_partial_allowed() {
        let g = Gate::default();
        assert_eq!(
            decide(&g, Some(100.0), &[], true, 2).verdict,
            Verdict::Incomplete
        );
        let g = Gate {
            allow_partial: true,
            ..Gate::default()
        };
        assert_eq!(
            decide(&g, Some(100.0), &[], true, 2).verdict,
            Verdict::Ready
        );
        let g = Gate {
            allow_partial: true,
            fail_under: Some(90.0),
            ..Gate::default()
        };
        assert_eq!(
            decide(&g, Some(80.0), &[], true, 2).verdict,
            Verdict::NotReady
        );
    }

    #[test]
    fn fail_under_and_empty_score() {
        let g = Gate {
            fail_under: Some(50.0),
            ..Gate::default()
        };
        assert!(decide(&g, Some(50.0), &[], false, 0).passed);
        assert!(!decide(&g, Some(49.9), &[], false, 0).passed);
        assert!(!decide(&g, None, &[], false, 0).passed);
    }
}
