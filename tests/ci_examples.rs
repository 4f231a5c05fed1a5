//! The CI recipes in docs/examples/ parse as YAML, contain the steps docs/ci.md promises, appear
//! verbatim in docs/ci.md, and call drready only with flags it has.

mod common;

use std::collections::BTreeSet;

use common::*;
use yaml_rust2::{Yaml, YamlLoader};

fn load(name: &str) -> (String, Yaml) {
    let path = root().join("docs/examples").join(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{name}: {e}"));
    let mut docs =
        YamlLoader::load_from_str(&text).unwrap_or_else(|e| panic!("{name} is not YAML: {e}"));
    assert_eq!(docs.len(), 1, "{name}: one YAML document");
    (text, docs.remove(0))
}

fn s<'a>(y: &'a Yaml, key: &str) -> &'a Yaml {
    &y[key]
}

fn steps(job: &Yaml) -> &Vec<Yaml> {
    job["steps"].as_vec().expect("steps")
}

/// The step that `uses` an action whose name starts with `prefix`.
fn uses<'a>(steps: &'a [Yaml], prefix: &str) -> &'a Yaml {
    steps
        .iter()
        .find(|st| st["uses"].as_str().is_some_and(|u| u.starts_with(prefix)))
        .unwrap_or_else(|| panic!("no step uses {prefix}"))
}

/// Every `run` script (GitHub) or `script` line (GitLab) in a job.
fn scripts(job: &Yaml) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(steps) = job["steps"].as_vec() {
        out.extend(
            steps
                .iter()
                .filter_map(|st| st["run"].as_str().map(str::to_string)),
        );
    }
    for key in ["before_script", "script"] {
        if let Some(lines) = job[key].as_vec() {
            out.extend(lines.iter().filter_map(|l| l.as_str().map(str::to_string)));
        }
    }
    out
}

/// (subcommand, flags) of every drready invocation in the scripts.
fn drready_calls(scripts: &[String]) -> Vec<(String, BTreeSet<String>)> {
    let mut calls = Vec::new();
    for script in scripts {
        let joined = script.replace("\\\n", " ");
        for line in joined.lines() {
            let words: Vec<&str> = line.split_whitespace().collect();
            let Some(at) = words.iter().position(|w| *w == "drready") else {
                continue;
            };
            let Some(sub) = words.get(at + 1) else {
                continue;
            };
            if sub.starts_with('-') || *sub == "drready" {
                continue; // `cargo install ... drready`
            }
            let flags = words[at + 2..]
                .iter()
                .filter(|w| w.starts_with("--"))
                .map(|w| w.split('=').next().unwrap().to_string())
                .collect();
            calls.push((sub.to_string(), flags));
        }
    }
    calls
}

/// Checks each drready call against `drready SUBCOMMAND --help`.
fn flags_exist(calls: &[(String, BTreeSet<String>)]) {
    assert!(
        calls.iter().any(|(_, f)| f.contains("--format")),
        "no drready call with --format found: {calls:?}"
    );
    for (sub, flags) in calls {
        let (code, help, err) = run(&[sub.as_str(), "--help"]);
        assert_eq!(code, 0, "drready {sub} --help: {err}");
        for flag in flags {
            assert!(
                help.contains(&format!("{flag} ")) || help.contains(&format!("{flag}\n")),
                "drready {sub} has no flag {flag}"
            );
        }
    }
}

fn in_ci_md(text: &str, name: &str) {
    let doc = std::fs::read_to_string(root().join("docs/ci.md")).unwrap();
    assert!(
        doc.contains(&format!("```yaml\n{text}```")),
        "docs/ci.md does not show docs/examples/{name} verbatim"
    );
}

#[test]
fn github_actions_workflow() {
    let (text, y) = load("github-actions.yml");
    in_ci_md(&text, "github-actions.yml");
    assert!(!s(&y, "on").is_badvalue(), "a trigger");
    let perms = s(&y, "permissions");
    assert_eq!(perms["id-token"].as_str(), Some("write"), "OIDC");
    assert_eq!(
        perms["security-events"].as_str(),
        Some("write"),
        "SARIF upload"
    );
    let job = &y["jobs"]["drready"];
    let steps = steps(job);

    let creds = uses(steps, "aws-actions/configure-aws-credentials@");
    assert!(
        creds["with"]["role-to-assume"].as_str().is_some(),
        "role via OIDC"
    );
    assert!(
        creds["with"]["aws-access-key-id"].is_badvalue(),
        "no stored keys"
    );

    // The scan fails the job on the gate's exit code: no continue-on-error, no `|| true`.
    let scan_at = steps
        .iter()
        .position(|st| {
            st["run"]
                .as_str()
                .is_some_and(|r| r.contains("drready scan"))
        })
        .expect("a drready scan step");
    let scan = &steps[scan_at];
    assert!(scan["continue-on-error"].is_badvalue());
    let run_text = scan["run"].as_str().unwrap();
    assert!(!run_text.contains("|| true") && !run_text.contains("set +e"));
    assert!(
        run_text.contains("--format sarif=drready.sarif"),
        "{run_text}"
    );

    // The SARIF upload comes after the scan and runs even when the gate failed.
    let upload_at = steps
        .iter()
        .position(|st| {
            st["uses"]
                .as_str()
                .is_some_and(|u| u.starts_with("github/codeql-action/upload-sarif@"))
        })
        .expect("an upload-sarif step");
    assert!(upload_at > scan_at);
    let upload = &steps[upload_at];
    assert_eq!(upload["with"]["sarif_file"].as_str(), Some("drready.sarif"));
    assert!(
        upload["if"]
            .as_str()
            .is_some_and(|c| c.contains("always()")),
        "upload-sarif must run when the gate fails"
    );
    assert!(
        uses(steps, "actions/upload-artifact@")["if"]
            .as_str()
            .is_some_and(|c| c.contains("always()"))
    );

    flags_exist(&drready_calls(&scripts(job)));
}

#[test]
fn gitlab_ci_job() {
    let (text, y) = load("gitlab-ci.yml");
    in_ci_md(&text, "gitlab-ci.yml");
    let job = &y["drready"];
    assert_eq!(job["stage"].as_str(), Some("dr"));
    assert!(
        y["stages"]
            .as_vec()
            .unwrap()
            .iter()
            .any(|st| st.as_str() == Some("dr"))
    );
    assert!(
        !job["id_tokens"]["AWS_ID_TOKEN"]["aud"].is_badvalue(),
        "OIDC"
    );
    let artifacts = &job["artifacts"];
    assert_eq!(artifacts["when"].as_str(), Some("always"));
    let junit = artifacts["reports"]["junit"]
        .as_str()
        .expect("a JUnit report");
    let script = scripts(job).join("\n");
    assert!(
        script.contains(&format!("--format junit={junit}")),
        "{script}"
    );
    assert!(
        artifacts["paths"]
            .as_vec()
            .unwrap()
            .iter()
            .any(|p| p.as_str() == Some(junit))
    );
    flags_exist(&drready_calls(&scripts(job)));
}

#[test]
fn monthly_audit_workflow() {
    let (text, y) = load("github-monthly-audit.yml");
    in_ci_md(&text, "github-monthly-audit.yml");
    let cron = y["on"]["schedule"][0]["cron"].as_str().expect("a schedule");
    assert_eq!(cron.split_whitespace().count(), 5);
    assert_eq!(cron.split_whitespace().nth(2), Some("1"), "monthly: {cron}");
    let job = &y["jobs"]["audit"];
    let all = scripts(job).join("\n");
    for needle in [
        "--previous previous.json",
        "--format markdown=audit.md",
        "--format json=audit.json",
        "latest.json",
    ] {
        assert!(all.contains(needle), "{needle} missing in:\n{all}");
    }
    // The archive step comes before the verdict, so a failing audit is still archived.
    let steps = steps(job);
    let pos = |needle: &str| {
        steps
            .iter()
            .position(|st| st["run"].as_str().is_some_and(|r| r.contains(needle)))
            .unwrap_or_else(|| panic!("no step runs {needle}"))
    };
    assert!(pos("aws s3 cp audit.md") < pos("exit \""));
    flags_exist(&drready_calls(&scripts(job)));
}
