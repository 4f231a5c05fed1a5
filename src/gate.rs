//! The gate: turns scores, findings and completeness into a verdict and an exit code.
//! Exit codes are decided here and nowhere else (docs/exit-codes.md).

use serde::Serialize;

use crate::config::Gate;
use crate::findings::Finding;
use crate::policy::Severity;

/// The documented exit codes.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum ExitStatus {
    /// 0: the gate passed.
    Ready,
    /// 1: the gate failed: not ready.
    NotReady,
    /// 2: usage, configuration, snapshot or policy error.
    UsageError,
    /// 3: inventory incomplete (a site or service could not be read) and `--allow-partial` unset.
    Incomplete,
}

impl ExitStatus {
    pub fn code(self) -> u8 {
        match self {
            ExitStatus::Ready => 0,
            ExitStatus::NotReady => 1,
            ExitStatus::UsageError => 2,
            ExitStatus::Incomplete => 3,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize, schemars::JsonSchema)]
pub struct GateResult {
    pub passed: bool,
    pub exit_code: u8,
    pub status: ExitStatus,
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
    let status = if incomplete && !gate.allow_partial {
        ExitStatus::Incomplete
    } else if failed {
        ExitStatus::NotReady
    } else {
        ExitStatus::Ready
    };
    GateResult {
        passed: status == ExitStatus::Ready,
        exit_code: status.code(),
        status,
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
        assert_eq!(ExitStatus::UsageError.code(), 2);
        assert_eq!(ExitStatus::Incomplete.code(), 3);
    }

    #[test]
    fn incomplete_wins_unless_partial_allowed() {
        let g = Gate::default();
        assert_eq!(
            decide(&g, Some(100.0), &[], true, 2).status,
            ExitStatus::Incomplete
        );
        let g = Gate {
            allow_partial: true,
            ..Gate::default()
        };
        assert_eq!(
            decide(&g, Some(100.0), &[], true, 2).status,
            ExitStatus::Ready
        );
        let g = Gate {
            allow_partial: true,
            fail_under: Some(90.0),
            ..Gate::default()
        };
        assert_eq!(
            decide(&g, Some(80.0), &[], true, 2).status,
            ExitStatus::NotReady
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
