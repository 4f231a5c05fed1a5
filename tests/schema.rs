//! The JSON Schemas in docs/ are generated from the code and every JSON report validates.

mod common;

use common::*;

#[test]
fn committed_schemas_match_the_code() {
    for (which, file) in [
        ("report", "docs/report.schema.json"),
        ("snapshot", "docs/snapshot.schema.json"),
        ("org-report", "docs/org-report.schema.json"),
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

/// `drready merge` of the fixtures' reports (single-pair reports go by their file names) gives an
/// organisation report that validates against its schema, worst target first.
#[test]
fn merged_organisation_report_validates_against_its_schema() {
    let dir = tempfile::tempdir().unwrap();
    let mut paths = Vec::new();
    for name in ["example", "healthy", "partial"] {
        let out = dir.path().join(format!("{name}.json"));
        let snap = snapshot(name);
        let (code, _, err) = run(&[
            "evaluate",
            snap.to_str().unwrap(),
            "--format",
            &format!("json={}", out.display()),
        ]);
        assert!([0, 1, 3].contains(&code), "{name}: {err}");
        paths.push(out);
    }
    let org_file = dir.path().join("org.json");
    let mut args = vec!["merge".to_string()];
    args.extend(paths.iter().map(|p| p.display().to_string()));
    args.push("--format".into());
    args.push(format!("json={}", org_file.display()));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let (code, _, err) = run(&args);
    let org: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&org_file).unwrap()).unwrap();
    assert_eq!(code as u64, org["exit_code"].as_u64().unwrap(), "{err}");
    // partial is incomplete, example not ready, healthy ready: worst first, exit 3.
    assert_eq!(code, 3, "{err}");
    let names: Vec<&str> = org["targets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, ["partial", "example", "healthy"]);
    assert_eq!(org["summary"]["targets"], 3);
    let v = validator("docs/org-report.schema.json");
    let errors: Vec<String> = v
        .iter_errors(&org)
        .map(|e| format!("{e} at {}", e.instance_path))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}");
    // Every finding carries its target and the finding's own fields.
    let findings = org["findings"].as_array().unwrap();
    assert!(!findings.is_empty());
    assert!(
        findings
            .iter()
            .all(|f| f["target"].is_string() && f["fingerprint"].is_string())
    );
}
