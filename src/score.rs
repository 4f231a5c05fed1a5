//! The readiness score (docs/scoring.md).
//!
//! Each rule weighs by severity (critical 10, high 5, medium 2, low 1) times the share of its
//! resources that pass. A rule's resources are its `applicable` set plus every resource it
//! reported. A resource passes when it has no unwaived finding of that rule. A rule with nothing
//! to judge is left out; a rule whose inputs could not be read (unknown) counts with share 0.
//! score = 100 × Σ weight × share / Σ weight, overall and per category, rounded to one decimal.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use crate::findings::Finding;
use crate::policy::{RuleResult, RuleStatus};
use crate::vocab::Category;

/// The formula in one sentence, printed by reports.
pub const FORMULA: &str = "score = 100 × Σ(weight × passing share) / Σ weight over rules with \
                           something to judge; weight critical 10, high 5, medium 2, low 1; \
                           unknown rules count with share 0; waived findings pass";

#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct RuleScore {
    pub rule_id: String,
    pub status: RuleStatus,
    pub weight: f64,
    /// Resources judged.
    pub resources: usize,
    /// Resources with an unwaived finding.
    pub failed: usize,
    /// Resources whose only findings are waived.
    pub waived: usize,
    /// Resources the rule could not judge (a read they need failed): they do not pass.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub unknown: usize,
    /// Passing share in 0..=1; `None` when the rule is left out of the score.
    pub share: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, serde::Deserialize, schemars::JsonSchema)]
pub struct CategoryScore {
    pub category: Category,
    /// `None` when no rule of the category had anything to judge.
    pub score: Option<f64>,
    pub rules_passed: usize,
    pub rules_failed: usize,
    pub rules_unknown: usize,
    pub rules_not_applicable: usize,
}

#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Scores {
    /// `None` when nothing at all could be judged.
    pub overall: Option<f64>,
    pub categories: Vec<CategoryScore>,
    pub rules: Vec<RuleScore>,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

/// Scores rule results; `findings` carry the waiver state.
pub fn score(results: &[RuleResult], findings: &[Finding]) -> Scores {
    // Resources with an unwaived / any finding, per rule.
    let mut failing: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    let mut reported: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for f in findings {
        reported.entry(&f.rule_id).or_default().insert(&f.resource);
        if f.waived.is_none() {
            failing.entry(&f.rule_id).or_default().insert(&f.resource);
        }
    }
    let empty = BTreeSet::new();
    let rules: Vec<RuleScore> = results
        .iter()
        .map(|r| {
            let id = r.rule.id.as_str();
            let fail = failing.get(id).unwrap_or(&empty);
            let rep = reported.get(id).unwrap_or(&empty);
            let judged = r
                .applicable
                .iter()
                .map(String::as_str)
                .chain(rep.iter().copied())
                .chain(r.unknown_resources.keys().map(String::as_str))
                .collect::<BTreeSet<&str>>()
                .len();
            let unknown = r.unknown_resources.len();
            let share = match r.status {
                RuleStatus::Unknown => Some(0.0),
                _ if judged == 0 => None,
                _ => Some(judged.saturating_sub(fail.len() + unknown) as f64 / judged as f64),
            };
            let status = match r.status {
                RuleStatus::Fail if fail.is_empty() => RuleStatus::Pass,
                s => s,
            };
            RuleScore {
                rule_id: id.to_string(),
                status,
                weight: r.rule.severity.weight(),
                resources: judged,
                failed: fail.len(),
                waived: rep.len() - fail.len(),
                unknown,
                share,
            }
        })
        .collect();

    let weighted = |pick: &dyn Fn(usize) -> bool| -> Option<f64> {
        let (mut num, mut den) = (0.0, 0.0);
        for (i, rs) in rules.iter().enumerate() {
            if let (true, Some(share)) = (pick(i), rs.share) {
                num += rs.weight * share;
                den += rs.weight;
            }
        }
        (den > 0.0).then(|| round1(100.0 * num / den))
    };
    let categories = Category::ALL
        .iter()
        .copied()
        .map(|c| {
            let in_cat = |i: usize| results[i].rule.category == c;
            let count = |s: RuleStatus| {
                rules
                    .iter()
                    .enumerate()
                    .filter(|(i, r)| in_cat(*i) && r.status == s)
                    .count()
            };
            CategoryScore {
                category: c,
                score: weighted(&in_cat),
                rules_passed: count(RuleStatus::Pass),
                rules_failed: count(RuleStatus::Fail),
                rules_unknown: count(RuleStatus::Unknown),
                rules_not_applicable: count(RuleStatus::NotApplicable),
            }
        })
        .collect();
    Scores {
        overall: weighted(&|_| true),
        categories,
        rules,
    }
}

fn round1(v: f64) -> f64 {
    (v * 10.0).round() / 10.0
}
