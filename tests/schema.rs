//! The JSON Schemas in docs/ are generated from the code and every JSON report validates.

mod common;

use common::*;

#[test]
fn committed_schemas_match_the_code() {
    for (which, file) in [
        ("report", "docs/report.schema.json"),
        ("snapshot", "docs/snapshot.schema.json"),
    ] {
        let (code, generated, _) = run(&["schema", which]);
        assert_eq!(code, 0);
        let committed = std::fs::read_to_string(root().join(file)).unwrap();
        assert!(
            committed == generated,
            "{file} is out of date: run `cargo run -- schema {which} > {file}`"
        );
    }
}

fn validator(file: &str) -> jsonschema::Validator {
    let schema: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(root().join(file)).unwrap()).unwrap();
    jsonschema::validator_for(&schema).expect("a valid JSON Schema")
}

#[test]
fn json_reports_validate_against_the_schema() {
    let v = validator("docs/report.schema.json");
    for name in ["example", "healthy", "partial"] {
        for extra in [&[][..], &["--policy", "fixtures/policies/custom"][..]] {
            let (_, report) = report_json(&snapshot(name), extra);
            let errors: Vec<String> = v
                .iter_errors(&report)
                .map(|e| format!("{e} at {}", e.instance_path))
                .collect();
            assert!(errors.is_empty(), "{name}: {errors:#?}");
        }
    }
}

#[test]
fn fixture_snapshots_validate_against_the_schema() {
    let v = validator("docs/snapshot.schema.json");
    for name in ["example", "healthy", "partial"] {
        let snap: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(snapshot(name)).unwrap()).unwrap();
        let errors: Vec<String> = v
            .iter_errors(&snap)
            .map(|e| format!("{e} at {}", e.instance_path))
            .collect();
        assert!(errors.is_empty(), "{name}: {errors:#?}");
    }
}
