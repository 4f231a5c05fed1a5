//! SARIF output: structure, stable fingerprints, and validation by `@microsoft/sarif-multitool`
//! with GitHub's ingestion rules (`--rule-kind "Gh;Sarif"`); any error or warning fails.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use common::sarif::validate;
use common::{drready, root, snapshot};
use serde_json::{Value, json};

const SEVERITY_LEVEL: [(&str, &str, &str); 4] = [
    ("critical", "error", "9.5"),
    ("high", "error", "8.0"),
    ("medium", "warning", "5.5"),
    ("low", "note", "2.0"),
];

/// Runs `drready evaluate SNAPSHOT --format sarif=FILE ARGS` in `cwd`, returns (SARIF, FILE).
fn sarif_in(cwd: &Path, snapshot: &Path, extra: &[&str]) -> (Value, PathBuf, tempfile::TempDir) {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("drready.sarif");
    let spec = format!("sarif={}", file.display());
    let out = drready()
        .current_dir(cwd)
        .args(["evaluate", snapshot.to_str().unwrap(), "--format", &spec])
        .args(["--format", "table"])
        .args(extra)
        .output()
        .unwrap();
    let code = out.status.code().unwrap();
    assert!(
        code <= 3 && code != 2,
        "exit {code}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v = serde_json::from_slice(&std::fs::read(&file).unwrap()).unwrap();
    (v, file, dir)
}

fn sarif(name: &str, extra: &[&str]) -> (Value, PathBuf, tempfile::TempDir) {
    sarif_in(&root(), &snapshot(name), extra)
}

fn fingerprints(v: &Value) -> BTreeMap<String, String> {
    results(v)
        .iter()
        .map(|r| {
            (
                r["partialFingerprints"]["drready/v1"]
                    .as_str()
                    .unwrap()
                    .to_string(),
                format!(
                    "{} {}",
                    r["ruleId"].as_str().unwrap(),
                    r["locations"][0]["logicalLocations"][0]["fullyQualifiedName"]
                ),
            )
        })
        .collect()
}

fn results(v: &Value) -> &Vec<Value> {
    v["runs"][0]["results"].as_array().unwrap()
}

fn rules(v: &Value) -> &Vec<Value> {
    v["runs"][0]["tool"]["driver"]["rules"].as_array().unwrap()
}

/// Checks everything the SARIF mapping promises (docs/output-formats.md).
fn check_structure(v: &Value) {
    assert_eq!(v["version"], "2.1.0");
    assert!(v["$schema"].as_str().unwrap().contains("sarif-2.1.0"));
    let runs = v["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 1);
    let run = &runs[0];
    assert_eq!(
        run["automationDetails"]["id"],
        "drready/us-east-1-us-west-2/"
    );
    let driver = &run["tool"]["driver"];
    assert_eq!(driver["name"], "drready");
    assert_eq!(driver["version"], env!("CARGO_PKG_VERSION"));
    assert_eq!(driver["semanticVersion"], env!("CARGO_PKG_VERSION"));
    assert_eq!(
        driver["informationUri"],
        "https://github.com/drready/drready"
    );

    let rules = rules(v);
    let ids: Vec<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
    let mut sorted = ids.clone();
    sorted.sort();
    sorted.dedup();
    assert_eq!(ids, sorted, "rules unique and sorted by id");
    for r in rules {
        let id = r["id"].as_str().unwrap();
        for field in ["name", "helpUri"] {
            assert!(
                r[field].as_str().is_some_and(|s| !s.is_empty()),
                "{id} {field}"
            );
        }
        for field in ["shortDescription", "fullDescription"] {
            assert!(
                r[field]["text"].as_str().is_some_and(|s| !s.is_empty()),
                "{id} {field}"
            );
        }
        assert!(
            r["help"]["text"].as_str().unwrap().contains("Fix: "),
            "{id}"
        );
        assert!(
            r["help"]["markdown"].as_str().unwrap().contains("**Fix:**"),
            "{id}"
        );
        assert_eq!(
            r["helpUri"],
            format!("https://github.com/drready/drready/blob/main/docs/rules/{id}.md")
        );
        let tags: Vec<&str> = r["properties"]["tags"]
            .as_array()
            .unwrap()
            .iter()
            .map(|t| t.as_str().unwrap())
            .collect();
        assert_eq!(tags.len(), 3, "{id} tags {tags:?}");
        assert_eq!(tags[1], "disaster-recovery");
        let (_, level, sec) = SEVERITY_LEVEL
            .iter()
            .find(|(s, _, _)| *s == tags[2])
            .unwrap_or_else(|| panic!("{id}: third tag is the severity, got {tags:?}"));
        assert_eq!(r["defaultConfiguration"]["level"], *level, "{id}");
        assert_eq!(r["properties"]["security-severity"], *sec, "{id}");
        assert!(r["properties"]["problem.severity"].is_string(), "{id}");
    }

    for res in results(v) {
        let rule_id = res["ruleId"].as_str().unwrap();
        let idx = res["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[idx]["id"], rule_id, "ruleIndex points at its rule");
        assert_eq!(res["level"], rules[idx]["defaultConfiguration"]["level"]);
        let locs = res["locations"].as_array().unwrap();
        assert_eq!(locs.len(), 1);
        let phys = &locs[0]["physicalLocation"];
        assert!(!phys["artifactLocation"]["uri"].as_str().unwrap().is_empty());
        assert_eq!(phys["artifactLocation"]["uriBaseId"], "%SRCROOT%");
        assert!(phys["region"]["startLine"].as_u64().unwrap() >= 1);
        let logical = &locs[0]["logicalLocations"][0];
        assert_eq!(logical["kind"], "resource");
        let arn = logical["fullyQualifiedName"].as_str().unwrap();
        let text = res["message"]["text"].as_str().unwrap();
        assert!(text.contains(arn), "message names the resource: {text}");
        assert!(
            text.contains("primary site (us-east-1)") || text.contains("standby site (us-west-2)"),
            "message names the site: {text}"
        );
        let fp = res["partialFingerprints"]["drready/v1"].as_str().unwrap();
        assert!(fp.len() == 32 && fp.bytes().all(|b| b.is_ascii_hexdigit()));
    }
}

#[test]
fn every_fixture_has_the_documented_structure_and_validates() {
    for name in ["example", "healthy", "partial"] {
        let (v, file, _dir) = sarif(name, &[]);
        check_structure(&v);
        validate(&file);
        let (all, file, _dir) = sarif(name, &["--sarif-all-rules"]);
        check_structure(&all);
        let (_, json) = common::report_json(&snapshot(name), &[]);
        let loaded = json["rules"].as_array().unwrap().len();
        assert_eq!(rules(&all).len(), loaded, "{name}: every loaded rule");
        validate(&file);
    }
}

#[test]
fn example_lists_only_rules_with_results_and_matches_the_json_report() {
    let (v, _file, _dir) = sarif("example", &[]);
    let (_, json) = common::report_json(&snapshot("example"), &[]);
    let findings = json["findings"].as_array().unwrap();
    assert_eq!(results(&v).len(), findings.len());
    assert!(!findings.is_empty());
    let with_results: BTreeSet<&str> = results(&v)
        .iter()
        .map(|r| r["ruleId"].as_str().unwrap())
        .collect();
    let listed: BTreeSet<&str> = rules(&v)
        .iter()
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert_eq!(with_results, listed);
    assert!(
        !listed.contains("DR-INV-001"),
        "a rule without results is left out"
    );

    let from_json: BTreeSet<&str> = findings
        .iter()
        .map(|f| f["fingerprint"].as_str().unwrap())
        .collect();
    let from_sarif: BTreeSet<String> = fingerprints(&v).into_keys().collect();
    assert_eq!(
        from_sarif,
        from_json
            .iter()
            .map(|s| s.to_string())
            .collect::<BTreeSet<_>>()
    );

    let (healthy, _f, _d) = sarif("healthy", &[]);
    assert!(results(&healthy).is_empty() && rules(&healthy).is_empty());

    let (partial, _f, _d) = sarif("partial", &[]);
    let notes = partial["runs"][0]["invocations"][0]["toolExecutionNotifications"]
        .as_array()
        .expect("unknown rules are reported as notifications");
    let (_, json) = common::report_json(&snapshot("partial"), &[]);
    let unknown: Vec<&str> = json["rules"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["status"] == "unknown")
        .map(|r| r["id"].as_str().unwrap())
        .collect();
    assert!(unknown.contains(&"DR-S3-001"), "{unknown:?}");
    assert_eq!(notes.len(), unknown.len());
    for id in unknown {
        assert!(
            notes
                .iter()
                .any(|n| n["message"]["text"].as_str().unwrap().contains(id))
        );
    }
}

#[test]
fn output_and_fingerprints_are_stable_and_a_changed_resource_changes_only_its_own() {
    let (a, fa, _da) = sarif("example", &[]);
    let (b, fb, _db) = sarif("example", &[]);
    assert_eq!(fingerprints(&a), fingerprints(&b));
    assert_eq!(
        std::fs::read(&fa).unwrap(),
        std::fs::read(&fb).unwrap(),
        "same input, same bytes"
    );

    // Rename one failing bucket; change only a tag of another.
    let text = std::fs::read_to_string(snapshot("example")).unwrap();
    let changed = text
        .replace(
            "acme-prod-use1-reports-exports",
            "acme-prod-use1-reports-exports-2026",
        )
        .replacen("\"owner\": \"team-web\"", "\"owner\": \"team-web-2\"", 1);
    assert_ne!(text, changed);
    let dir = tempfile::tempdir().unwrap();
    let snap = dir.path().join("changed.json");
    std::fs::write(&snap, changed).unwrap();
    let (c, fc, _dc) = sarif_in(&root(), &snap, &[]);
    validate(&fc);

    let before = fingerprints(&a);
    let after = fingerprints(&c);
    let gone: Vec<_> = before
        .iter()
        .filter(|(k, _)| !after.contains_key(*k))
        .collect();
    let new: Vec<_> = after
        .iter()
        .filter(|(k, _)| !before.contains_key(*k))
        .collect();
    // Everything about other resources is untouched; the renamed bucket's alerts all moved.
    assert!(!gone.is_empty(), "the renamed bucket had findings");
    assert!(
        gone.iter()
            .all(|(_, what)| what.contains("reports-exports")),
        "{gone:?}"
    );
    assert!(
        new.iter()
            .all(|(_, what)| what.contains("reports-exports-2026")),
        "{new:?}"
    );
    assert_eq!(gone.len(), new.len());
    assert_eq!(before.len(), after.len());
}

#[test]
fn waived_findings_are_suppressed_and_anchored_at_their_waiver() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("ci")).unwrap();
    let config = "# drready configuration\n\n\
                  [[waiver]]\n\
                  rule = \"DR-S3-001\"\n\
                  resource = \"arn:aws:s3:::acme-prod-use1-reports-*\"\n\
                  reason = \"Exports are rebuilt nightly <by design> & \\\"cheap\\\"\"\n\
                  expires = 2099-12-31\n\
                  owner = \"team-reports\"\n";
    std::fs::write(dir.path().join("ci/dr.toml"), config).unwrap();
    let (v, file, _d) = sarif_in(
        dir.path(),
        &snapshot("example"),
        &["--config", "ci/dr.toml"],
    );
    check_structure(&v);
    validate(&file);
    let (_, json) = common::report_json(&snapshot("example"), &[]);
    let findings = json["findings"].as_array().unwrap().len();
    assert_eq!(results(&v).len(), findings, "waived findings are kept");
    let mut suppressed = 0;
    for r in results(&v) {
        let loc = &r["locations"][0]["physicalLocation"];
        assert_eq!(loc["artifactLocation"]["uri"], "ci/dr.toml");
        if let Some(s) = r.get("suppressions") {
            suppressed += 1;
            assert_eq!(s[0]["kind"], "external");
            assert_eq!(
                s[0]["justification"],
                "Exports are rebuilt nightly <by design> & \"cheap\""
            );
            assert_eq!(loc["region"]["startLine"], 3, "the [[waiver]] line");
        } else {
            assert_eq!(loc["region"]["startLine"], 1);
        }
    }
    assert_eq!(suppressed, 1);
}

#[test]
fn custom_rules_point_at_their_policy_file() {
    let (v, file, _d) = sarif("example", &["--policy", "fixtures/policies/custom"]);
    check_structure(&v);
    validate(&file);
    let (_, json) = common::report_json(
        &snapshot("example"),
        &["--policy", "fixtures/policies/custom"],
    );
    let custom: BTreeMap<&str, (&str, u64)> = json["rules"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["builtin"] == false)
        .map(|r| {
            (
                r["id"].as_str().unwrap(),
                (r["file"].as_str().unwrap(), r["line"].as_u64().unwrap()),
            )
        })
        .collect();
    let mut seen = 0;
    for r in results(&v) {
        let loc = &r["locations"][0]["physicalLocation"];
        match custom.get(r["ruleId"].as_str().unwrap()) {
            Some((file, line)) => {
                seen += 1;
                assert_eq!(loc["artifactLocation"]["uri"], *file);
                assert_eq!(loc["region"]["startLine"], *line);
            }
            None => assert_eq!(loc["artifactLocation"]["uri"], "drready.toml"),
        }
    }
    assert!(seen > 0, "a custom rule fires on the example");
}

#[test]
fn cap_keeps_the_most_severe_results_and_says_how_many_were_left_out() {
    use drready::report::sarif::{SarifOptions, log};
    let snap = drready::snapshot::load(&snapshot("example")).unwrap();
    let policies = drready::policy::PolicySet::load(true, &[], false).unwrap();
    let report =
        drready::pipeline::evaluate(&snap, &drready::config::Config::default(), &policies).unwrap();
    let opts = SarifOptions {
        max_results: 5,
        ..SarifOptions::default()
    };
    let v = serde_json::to_value(log(&report, &opts)).unwrap();
    let total = report.findings.len();
    assert!(total > 5);
    assert_eq!(results(&v).len(), 5);
    let worst = report.findings.iter().map(|f| f.severity).max().unwrap();
    let worst_level = drready::report::sarif::severity(worst).level;
    assert!(results(&v).iter().all(|r| r["level"] == json!(worst_level)));
    assert_eq!(
        v["runs"][0]["properties"]["drready/resultsOmitted"],
        total - 5
    );
    let notes = &v["runs"][0]["invocations"][0]["toolExecutionNotifications"];
    let expected = format!("{} of {total} results", total - 5);
    assert!(
        notes[0]["message"]["text"]
            .as_str()
            .unwrap()
            .starts_with(&expected)
    );
    // Only rules with a kept result, and every ruleIndex still right.
    check_structure(&v);
}
