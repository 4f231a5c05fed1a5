//! Rule documentation that cannot drift: docs/rules/<ID>.md equals `drready explain ID`, every
//! built-in rule has every section and tests, and the README lists the whole catalogue.

mod common;

use common::*;

fn builtin_rules() -> Vec<serde_json::Value> {
    let (code, stdout, _) = run(&["policies", "list", "--json"]);
    assert_eq!(code, 0);
    serde_json::from_str::<Vec<serde_json::Value>>(&stdout)
        .unwrap()
        .into_iter()
        .filter(|r| r["builtin"] == true)
        .collect()
}

#[test]
fn generated_rule_docs_match_the_committed_ones() {
    let rules = builtin_rules();
    assert!(rules.len() >= 27, "{} rules", rules.len());
    for r in &rules {
        let id = r["id"].as_str().unwrap();
        let (code, text, _) = run(&["explain", id]);
        assert_eq!(code, 0);
        let path = root().join(format!("docs/rules/{id}.md"));
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            committed == text,
            "docs/rules/{id}.md is out of date: run `cargo run -- explain --write-docs docs/rules`"
        );
    }
    // No page for a rule that does not exist.
    let ids: Vec<String> = rules
        .iter()
        .map(|r| format!("{}.md", r["id"].as_str().unwrap()))
        .collect();
    for entry in std::fs::read_dir(root().join("docs/rules")).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        assert!(ids.contains(&name), "docs/rules/{name} documents no rule");
    }
}

#[test]
fn every_builtin_rule_explains_itself_and_is_tested() {
    for r in builtin_rules() {
        let id = r["id"].as_str().unwrap();
        for field in ["title", "why", "remediation", "remediation_detail"] {
            let v = r[field].as_str().unwrap_or_default();
            assert!(v.trim().len() > 10, "{id}: {field} is missing or too short");
        }
        let refs = r["references"].as_array().unwrap();
        assert!(!refs.is_empty(), "{id}: no references");
        for u in refs {
            assert!(u.as_str().unwrap().starts_with("https://"), "{id}: {u}");
        }
        assert!(
            r["remediation_detail"].as_str().unwrap().contains("aws "),
            "{id}: remediation_detail gives no AWS CLI command"
        );
        assert!(
            r["remediation_detail"]
                .as_str()
                .unwrap()
                .contains("Terraform"),
            "{id}: remediation_detail gives no Terraform change"
        );
        let (_, text, _) = run(&["explain", id]);
        for section in [
            "## What it checks",
            "## Why it matters in a disaster",
            "## Examples",
            "## Fix",
            "## References",
        ] {
            assert!(text.contains(section), "{id}: no `{section}`");
        }
        let tests = text.matches("(`test_").count();
        assert!(
            tests >= 2,
            "{id}: {tests} tests; a rule needs a failing and a passing case"
        );
    }
}

#[test]
fn readme_lists_the_whole_catalogue() {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    for r in builtin_rules() {
        let id = r["id"].as_str().unwrap();
        assert!(
            readme.contains(&format!("| {id} |")),
            "README does not list {id}"
        );
    }
}

#[test]
fn rule_ids_are_unique_and_stable_in_form() {
    let rules = builtin_rules();
    let mut ids: Vec<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
    let n = ids.len();
    ids.sort();
    ids.dedup();
    assert_eq!(ids.len(), n, "duplicate rule ids");
    for id in ids {
        assert!(id.starts_with("DR-"), "{id}");
    }
}
