//! The policy engine: regorus over the built-in rules and the user's own.

mod engine;
mod eval;
pub mod input;
pub mod testing;
mod types;
pub mod value_ser;

pub use engine::*;
pub use eval::*;
pub use types::*;

/// The text `drready explain ID` prints, and `docs/rules/ID.md` holds (a test keeps them equal).
/// `sources` are the loaded policy files including tests: the rule's test cases are listed as its
/// failing and passing examples.
pub fn explain(rule: &RuleMeta, sources: &[PolicySource]) -> String {
    let mut s = format!("# {} {}\n\n", rule.id, rule.title);
    let reads = if rule.inputs.is_empty() {
        "collection status only".to_string()
    } else {
        rule.inputs
            .iter()
            .map(|s| s.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    s.push_str("## What it checks\n\n");
    s.push_str(&format!(
        "| | |\n|---|---|\n| Rule | `{}` (`{}`) |\n| Severity | {} (score weight {}) |\n\
         | Category | {} |\n| Reads | {} |\n| Source | `{}:{}` |\n\n",
        rule.id,
        rule.name,
        rule.severity,
        rule.severity.weight(),
        rule.category,
        reads,
        rule.file,
        rule.line
    ));
    s.push_str(&format!(
        "## Why it matters in a disaster\n\n{}\n\n",
        rule.why.trim()
    ));
    let tests: Vec<String> = sources
        .iter()
        .filter(|src| src.is_test() && src.package().as_deref() == Some(rule.package.as_str()))
        .flat_map(|src| testing::test_names(src).into_iter().map(|(n, _)| n))
        .collect();
    if !tests.is_empty() {
        s.push_str("## Examples\n\nFailing and passing cases, from the rule's tests:\n\n");
        for t in &tests {
            let words = t.trim_start_matches("test_").replace('_', " ");
            s.push_str(&format!("- {words} (`{t}`)\n"));
        }
        s.push('\n');
    }
    s.push_str(&format!("## Fix\n\n{}\n\n", rule.remediation.trim()));
    if !rule.remediation_detail.trim().is_empty() {
        s.push_str(&format!(
            "```text\n{}\n```\n\n",
            rule.remediation_detail.trim()
        ));
    }
    if !rule.references.is_empty() {
        s.push_str("## References\n\n");
        for r in &rule.references {
            s.push_str(&format!("- {r}\n"));
        }
    }
    s
}
