//! `drready policies test`: runs every `test_*` rule of the loaded policy files.
//!
//! regorus has no `opa test` runner, so tests are found by name in the sources (`test_...` at the
//! start of a line in a `*_test.rego` file) and evaluated one by one; a test passes when it
//! evaluates to `true`.

use anyhow::Result;
use serde::Serialize;

use super::{PolicySet, PolicySource};

#[derive(Debug, Clone, Serialize)]
pub struct TestOutcome {
    pub file: String,
    pub line: usize,
    pub package: String,
    pub name: String,
    pub passed: bool,
    /// Why it failed: `undefined`, `false`, or the evaluation error.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
}

/// Test rule names in a source, with their lines; each name once.
pub(crate) fn test_names(src: &PolicySource) -> Vec<(String, usize)> {
    let mut out: Vec<(String, usize)> = Vec::new();
    for (i, line) in src.text.lines().enumerate() {
        if !line.starts_with("test_") {
            continue;
        }
        let name: String = line
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        if !out.iter().any(|(n, _)| *n == name) {
            out.push((name, i + 1));
        }
    }
    out
}

/// Runs the tests of every `*_test.rego` source in `set`.
pub fn run(set: &PolicySet) -> Result<Vec<TestOutcome>> {
    let mut engine = set.engine();
    engine.set_input(regorus::Value::new_object());
    let mut outcomes = Vec::new();
    for src in set.sources.iter().filter(|s| s.is_test()) {
        let Some(package) = src.package() else {
            continue;
        };
        for (name, line) in test_names(src) {
            let result = engine.eval_rule(format!("{package}.{name}"));
            let (passed, detail) = match result {
                Ok(v) if v == regorus::Value::from(true) => (true, None),
                Ok(regorus::Value::Undefined) => (
                    false,
                    Some("undefined (a condition did not hold)".to_string()),
                ),
                Ok(v) => (false, Some(format!("evaluated to {v}, not true"))),
                Err(e) => (false, Some(format!("error: {e}"))),
            };
            outcomes.push(TestOutcome {
                file: src.path.clone(),
                line,
                package: package.clone(),
                name,
                passed,
                detail,
            });
        }
    }
    Ok(outcomes)
}
