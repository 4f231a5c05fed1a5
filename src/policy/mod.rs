//! The policy engine: regorus over the built-in rules and the user's own.

mod engine;
mod eval;
pub mod input;
pub mod testing;
mod types;

pub use engine::*;
pub use eval::*;
pub use types::*;

/// The text `drready explain ID` prints (and docs/rules/ID.md holds).
pub fn explain(rule: &RuleMeta) -> String {
    let mut s = format!("# {} {}\n\n", rule.id, rule.title);
    s.push_str(&format!(
        "Severity: {} · Category: {} · Reads: {} · Source: {}:{}\n\n",
        rule.severity,
        rule.category,
        if rule.inputs.is_empty() {
            "collection status only".to_string()
        } else {
            rule.inputs
                .iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        },
        rule.file,
        rule.line
    ));
    s.push_str(&format!("## Why it matters\n\n{}\n\n", rule.why.trim()));
    s.push_str(&format!("## Fix\n\n{}\n\n", rule.remediation.trim()));
    if !rule.remediation_detail.trim().is_empty() {
        s.push_str(&format!("{}\n\n", rule.remediation_detail.trim()));
    }
    if !rule.references.is_empty() {
        s.push_str("## References\n\n");
        for r in &rule.references {
            s.push_str(&format!("- {r}\n"));
        }
    }
    s
}
