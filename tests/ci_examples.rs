//! The CI recipes in docs/examples/ parse as YAML, contain the steps docs/ci.md promises, appear
//! verbatim in docs/ci.md, give the drready Action (action.yml) only inputs it declares, and call
//! drready only with flags it has; action.yml itself is checked and its drready step run.

mod common;

use std::collections::{BTreeMap, BTreeSet};

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

/// The first step whose `run` script contains `needle`.
fn step_running<'a>(steps: &'a [Yaml], needle: &str) -> &'a Yaml {
    steps
        .iter()
        .find(|st| st["run"].as_str().is_some_and(|r| r.contains(needle)))
        .unwrap_or_else(|| panic!("no step runs `{needle}`"))
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

/// The drready Action's metadata (action.yml at the repository root).
fn action() -> (String, Yaml) {
    let text = std::fs::read_to_string(root().join("action.yml")).expect("action.yml");
    let mut docs = YamlLoader::load_from_str(&text).expect("action.yml is YAML");
    (text, docs.remove(0))
}

/// Declared inputs of action.yml: name → required without a default.
fn action_inputs() -> BTreeMap<String, bool> {
    let (_, y) = action();
    y["inputs"]
        .as_hash()
        .expect("inputs")
        .iter()
        .map(|(k, v)| {
            let required = v["required"].as_bool().unwrap_or(false) && v["default"].is_badvalue();
            (k.as_str().unwrap().to_string(), required)
        })
        .collect()
}

/// Checks every step that uses the drready Action: pinned to this version, only declared inputs,
/// every required input given. Returns how many such steps there are.
fn uses_of_the_action(steps: &[Yaml]) -> usize {
    let inputs = action_inputs();
    let version = env!("CARGO_PKG_VERSION");
    let mut n = 0;
    for st in steps {
        let Some(uses) = st["uses"].as_str() else {
            continue;
        };
        let Some(tag) = uses.strip_prefix("drready/drready@") else {
            continue;
        };
        n += 1;
        assert_eq!(tag, format!("v{version}"), "{uses}: pin this release");
        let given: BTreeSet<String> = st["with"]
            .as_hash()
            .map(|h| h.keys().map(|k| k.as_str().unwrap().to_string()).collect())
            .unwrap_or_default();
        for key in &given {
            assert!(
                inputs.contains_key(key),
                "`with: {key}` is not an input of action.yml; inputs: {:?}",
                inputs.keys()
            );
        }
        for (name, required) in &inputs {
            assert!(
                !required || given.contains(name),
                "required input {name} missing"
            );
        }
        if let Some(v) = st["with"]["version"].as_str() {
            assert_eq!(v, version, "with: version");
        }
    }
    n
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

    let creds_at = steps
        .iter()
        .position(|st| {
            st["uses"]
                .as_str()
                .is_some_and(|u| u.starts_with("aws-actions/configure-aws-credentials@"))
        })
        .expect("OIDC credentials");
    let creds = &steps[creds_at];
    assert!(
        creds["with"]["role-to-assume"].as_str().is_some(),
        "role via OIDC"
    );
    assert!(
        creds["with"]["aws-access-key-id"].is_badvalue(),
        "no stored keys"
    );
    assert!(
        !text.contains("cargo install"),
        "install the wheel, not from source"
    );

    // The Action scans after the credentials and fails the job on the gate's exit code: no
    // continue-on-error.
    assert_eq!(uses_of_the_action(steps), 1);
    let scan_at = steps
        .iter()
        .position(|st| {
            st["uses"]
                .as_str()
                .is_some_and(|u| u.starts_with("drready/drready@"))
        })
        .unwrap();
    assert!(scan_at > creds_at);
    let scan = &steps[scan_at];
    assert!(scan["continue-on-error"].is_badvalue());
    let formats = scan["with"]["formats"].as_str().expect("formats");
    assert!(
        formats.contains("sarif") && formats.contains("markdown"),
        "{formats}"
    );
    assert!(
        uses(steps, "actions/upload-artifact@")["if"]
            .as_str()
            .is_some_and(|c| c.contains("always()"))
    );
}

/// action.yml: a composite action whose scripts read inputs through the environment only, use
/// only declared inputs and real drready flags, upload SARIF and write the summary also when the
/// gate fails, expose the exit code and the score, and end with drready's exit code.
#[test]
fn the_action_is_consistent() {
    let (text, y) = action();
    assert_eq!(y["runs"]["using"].as_str(), Some("composite"));
    let inputs = action_inputs();
    assert_eq!(
        y["inputs"]["version"]["default"].as_str(),
        Some(env!("CARGO_PKG_VERSION")),
        "the Action installs its own release by default"
    );
    // Every `inputs.NAME` anywhere in action.yml is a declared input.
    for (at, _) in text.match_indices("inputs.") {
        let name: String = text[at + "inputs.".len()..]
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
            .collect();
        assert!(
            inputs.contains_key(&name),
            "action.yml uses undeclared input `{name}`"
        );
    }
    for output in [
        "exit-code",
        "score",
        "verdict",
        "sarif-file",
        "markdown-file",
    ] {
        assert!(!y["outputs"][output].is_badvalue(), "output {output}");
    }
    let steps = y["runs"]["steps"].as_vec().expect("steps");
    for st in steps {
        let Some(run) = st["run"].as_str() else {
            continue;
        };
        assert_eq!(st["shell"].as_str(), Some("bash"), "{run}");
        // Inputs reach scripts through `env:`, never pasted into the script (injection).
        assert!(!run.contains("${{"), "expression inside a script:\n{run}");
        let check = std::process::Command::new("bash")
            .args(["-n", "-c", run])
            .output()
            .expect("bash");
        assert!(
            check.status.success(),
            "bash -n: {}\n{run}",
            String::from_utf8_lossy(&check.stderr)
        );
    }
    // The drready step's flags exist.
    let script = run_step();
    let (_, scan_help, _) = run(&["scan", "--help"]);
    let (_, evaluate_help, _) = run(&["evaluate", "--help"]);
    let flags: BTreeSet<&str> = script
        .split(|c: char| c.is_whitespace() || c == '(' || c == ')' || c == '"')
        .filter(|w| w.starts_with("--") && w.len() > 2)
        .map(|w| w.split('=').next().unwrap())
        .collect();
    assert!(flags.contains("--format"), "{flags:?}");
    for flag in flags {
        assert!(
            scan_help.contains(&format!("{flag} ")) || evaluate_help.contains(&format!("{flag} ")),
            "action.yml passes {flag}, which drready has not"
        );
    }
    let upload = uses(steps, "github/codeql-action/upload-sarif@");
    assert!(upload["if"].as_str().unwrap().contains("always()"));
    let summary = step_running(steps, "GITHUB_STEP_SUMMARY");
    assert!(summary["if"].as_str().unwrap().contains("always()"));
    let last = steps.last().unwrap();
    assert!(last["run"].as_str().unwrap().contains("exit \"$CODE\""));
    assert_eq!(
        last["env"]["CODE"].as_str(),
        Some("${{ steps.drready.outputs.exit-code }}")
    );
}

/// The script of action.yml's step that runs drready.
fn run_step() -> String {
    let (_, y) = action();
    y["runs"]["steps"]
        .as_vec()
        .unwrap()
        .iter()
        .find(|st| st["id"].as_str() == Some("drready"))
        .and_then(|st| st["run"].as_str())
        .expect("a step with id drready")
        .to_string()
}

/// Runs action.yml's drready step as the runner would (bash, INPUT_* from `env:`, GITHUB_OUTPUT)
/// with the built binary on PATH: its outputs.
fn run_action_step(inputs: &[(&str, &str)]) -> BTreeMap<String, String> {
    let dir = tempfile::tempdir().unwrap();
    let output = dir.path().join("github_output");
    std::fs::write(&output, "").unwrap();
    let bin_dir = std::path::Path::new(env!("CARGO_BIN_EXE_drready"))
        .parent()
        .unwrap()
        .to_path_buf();
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let (_, y) = action();
    let step = y["runs"]["steps"]
        .as_vec()
        .unwrap()
        .iter()
        .find(|st| st["id"].as_str() == Some("drready"))
        .unwrap()
        .clone();
    let mut cmd = std::process::Command::new("bash");
    cmd.args(["-c", &run_step()])
        .current_dir(root())
        .env("PATH", path)
        .env("GITHUB_OUTPUT", &output)
        .env("NO_COLOR", "1")
        .env_remove("DRREADY_CONFIG");
    // Every env var of the step, empty unless given: as the runner sets them from the defaults.
    for (k, v) in step["env"].as_hash().unwrap() {
        let var = k.as_str().unwrap();
        let expr = v.as_str().unwrap();
        let input = expr
            .trim_start_matches("${{ inputs.")
            .trim_end_matches(" }}");
        let default = y["inputs"][input]["default"].as_str().unwrap_or("");
        let given = inputs.iter().find(|(n, _)| *n == input).map(|(_, v)| *v);
        let value = given.unwrap_or(default).to_string();
        let value = if input == "output-dir" {
            dir.path().join(value).display().to_string()
        } else {
            value
        };
        cmd.env(var, value);
    }
    let out = cmd.output().expect("bash");
    assert!(
        out.status.success(),
        "the step itself must not fail: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut outputs: BTreeMap<String, String> = std::fs::read_to_string(&output)
        .unwrap()
        .lines()
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    for key in ["sarif-file", "markdown-file", "json-file"] {
        if let Some(f) = outputs.get(key) {
            let size = std::fs::metadata(f).map(|m| m.len()).unwrap_or(0);
            outputs.insert(format!("{key}-bytes"), size.to_string());
        }
    }
    outputs.insert(
        "junit-bytes".into(),
        std::fs::metadata(dir.path().join("drready-report/drready-junit.xml"))
            .map(|m| m.len())
            .unwrap_or(0)
            .to_string(),
    );
    outputs
}

#[test]
fn the_action_runs_drready_and_exposes_its_verdict() {
    let example = snapshot("example");
    let out = run_action_step(&[
        ("snapshot", example.to_str().unwrap()),
        ("formats", "sarif, markdown junit"),
    ]);
    let (code, report) = report_json(&example, &[]);
    assert_eq!(out["exit-code"], code.to_string(), "{out:?}");
    assert_eq!(out["exit-code"], "1");
    assert_eq!(
        out["score"],
        report["score"]["overall"].to_string(),
        "{out:?}"
    );
    assert_eq!(out["verdict"], "not_ready");
    for key in [
        "sarif-file-bytes",
        "markdown-file-bytes",
        "json-file-bytes",
        "junit-bytes",
    ] {
        assert!(out[key].parse::<u64>().unwrap() > 0, "{key}: {out:?}");
    }

    let healthy = snapshot("healthy");
    let out = run_action_step(&[("snapshot", healthy.to_str().unwrap()), ("formats", "json")]);
    assert_eq!(out["exit-code"], "0", "{out:?}");
    assert_eq!(out["score"], "100.0");
    assert!(!out.contains_key("sarif-file"), "{out:?}");

    // A gate input reaches drready.
    let out = run_action_step(&[
        ("snapshot", healthy.to_str().unwrap()),
        ("fail-under", "101"),
    ]);
    assert_eq!(
        out["exit-code"], "2",
        "--fail-under 101 is a usage error: {out:?}"
    );

    let out = run_action_step(&[("snapshot", healthy.to_str().unwrap()), ("formats", "pdf")]);
    assert_eq!(out["exit-code"], "2", "{out:?}");
    let out = run_action_step(&[
        ("snapshot", healthy.to_str().unwrap()),
        ("primary-region", "us-east-1"),
    ]);
    assert_eq!(
        out["exit-code"], "2",
        "site inputs with a snapshot: {out:?}"
    );
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
    let steps = steps(job);
    assert_eq!(uses_of_the_action(steps), 1);
    let audit = uses(steps, "drready/drready@");
    let formats = audit["with"]["formats"].as_str().unwrap();
    assert!(
        formats.contains("markdown") && formats.contains("json"),
        "{formats}"
    );
    assert_eq!(audit["with"]["allow-partial"].as_str(), Some("true"));
    let all = scripts(job).join("\n");
    for needle in [
        "--previous previous.json",
        "drready-report/drready.md",
        "latest.json",
    ] {
        assert!(all.contains(needle), "{needle} missing in:\n{all}");
    }
    // The archive step comes after the audit and runs when the Action failed the gate, so a
    // failing audit is still archived.
    let audit_at = steps
        .iter()
        .position(|st| st["id"].as_str() == Some("audit"))
        .unwrap();
    let archive_at = steps
        .iter()
        .position(|st| {
            st["run"]
                .as_str()
                .is_some_and(|r| r.contains("aws s3 cp drready-report"))
        })
        .expect("an archive step");
    assert!(archive_at > audit_at);
    assert!(
        steps[archive_at]["if"]
            .as_str()
            .unwrap()
            .contains("always()")
    );
}

fn in_organisation_md(text: &str, name: &str, lang: &str) {
    let doc = std::fs::read_to_string(root().join("docs/organisation.md")).unwrap();
    assert!(
        doc.contains(&format!("```{lang}\n{text}```")),
        "docs/organisation.md does not show docs/examples/{name} verbatim"
    );
}

/// The help text of `drready SUBCOMMAND`.
fn help(sub: &str) -> String {
    let (code, help, err) = run(&[sub, "--help"]);
    assert_eq!(code, 0, "drready {sub} --help: {err}");
    help
}

/// The organisation recipe for GitHub Actions: a matrix job per shard writing per-target
/// reports as artifacts, then a merge job feeding code scanning, the job summary and an artifact,
/// failing last on the organisation's verdict.
#[test]
fn github_matrix_workflow() {
    let (text, y) = load("github-matrix.yml");
    in_organisation_md(&text, "github-matrix.yml", "yaml");
    assert!(!s(&y, "on").is_badvalue(), "a trigger");
    assert!(
        !text.contains("cargo install"),
        "install the wheel, not from source"
    );

    // The scan job: one per shard, OIDC credentials, `--shard K/N` with N the matrix size.
    let scan = &y["jobs"]["scan"];
    assert_eq!(scan["permissions"]["id-token"].as_str(), Some("write"));
    assert_eq!(scan["strategy"]["fail-fast"].as_bool(), Some(false));
    let shards: Vec<i64> = scan["strategy"]["matrix"]["shard"]
        .as_vec()
        .expect("matrix.shard")
        .iter()
        .map(|v| v.as_i64().expect("shard numbers"))
        .collect();
    assert!(shards.len() >= 2);
    assert_eq!(
        shards,
        (1..=shards.len() as i64).collect::<Vec<_>>(),
        "shards 1..N"
    );
    let scan_steps = steps(scan);
    let creds_at = scan_steps
        .iter()
        .position(|st| {
            st["uses"]
                .as_str()
                .is_some_and(|u| u.starts_with("aws-actions/configure-aws-credentials@"))
        })
        .expect("OIDC credentials");
    assert!(
        scan_steps[creds_at]["with"]["aws-access-key-id"].is_badvalue(),
        "no stored keys"
    );
    let scan_script = scripts(scan).join("\n");
    assert!(
        scan_script.contains("pipx install \"drready==$DRREADY_VERSION\""),
        "{scan_script}"
    );
    assert_eq!(
        y["env"]["DRREADY_VERSION"].as_str(),
        Some(env!("CARGO_PKG_VERSION")),
        "pin this release"
    );
    let joined = scan_script.replace("\\\n", " ");
    let scan_line = joined
        .lines()
        .find(|l| l.contains("drready scan"))
        .expect("a drready scan");
    for needle in [
        "--targets targets.toml",
        "--shard ${{ matrix.shard }}/${{ strategy.job-total }}",
        "--out-dir reports",
    ] {
        assert!(scan_line.contains(needle), "{needle} in {scan_line}");
    }
    // Verdicts (1, 3) do not fail a shard; usage (2) and output (4) errors do.
    assert!(scan_script.contains("|| code=$?"), "{scan_script}");
    assert!(
        scan_script.contains("[ \"$code\" -eq 2 ] || [ \"$code\" -eq 4 ]"),
        "{scan_script}"
    );
    let upload = uses(scan_steps, "actions/upload-artifact@");
    assert_eq!(upload["with"]["path"].as_str(), Some("reports/"));
    let artifact = upload["with"]["name"].as_str().unwrap();
    assert!(
        artifact.contains("${{ matrix.shard }}"),
        "one artifact per shard: {artifact}"
    );

    // The merge job: after every shard, the artifacts into one folder, then `drready merge`.
    let merge = &y["jobs"]["merge"];
    assert_eq!(merge["needs"].as_str(), Some("scan"));
    assert_eq!(
        merge["permissions"]["security-events"].as_str(),
        Some("write")
    );
    assert!(
        merge["permissions"]["id-token"].is_badvalue(),
        "merging needs no AWS access"
    );
    let merge_steps = steps(merge);
    let download = uses(merge_steps, "actions/download-artifact@");
    let pattern = download["with"]["pattern"].as_str().unwrap();
    assert!(
        artifact.starts_with(pattern.trim_end_matches('*')),
        "{pattern} matches {artifact}"
    );
    assert_eq!(download["with"]["merge-multiple"].as_bool(), Some(true));
    let folder = download["with"]["path"].as_str().unwrap();
    let merge_script = scripts(merge).join("\n").replace("\\\n", " ");
    assert!(
        merge_script.contains(&format!("drready merge {folder} ")),
        "{merge_script}"
    );
    for format in [
        "--format sarif=drready.sarif",
        "--format markdown=drready.md",
        "--format html=drready.html",
    ] {
        assert!(merge_script.contains(format), "{format}: {merge_script}");
    }
    let sarif = uses(merge_steps, "github/codeql-action/upload-sarif@");
    assert_eq!(sarif["with"]["sarif_file"].as_str(), Some("drready.sarif"));
    assert!(sarif["if"].as_str().unwrap().contains("always()"));
    let summary = step_running(merge_steps, "drready.md >> \"$GITHUB_STEP_SUMMARY\"");
    assert!(summary["if"].as_str().unwrap().contains("always()"));
    let last = merge_steps.last().unwrap();
    assert_eq!(last["run"].as_str(), Some("exit \"$CODE\""));
    assert_eq!(
        last["env"]["CODE"].as_str(),
        Some("${{ steps.merge.outputs.exit-code }}")
    );

    let mut calls = drready_calls(&scripts(scan));
    calls.extend(drready_calls(&scripts(merge)));
    assert_eq!(
        calls.iter().map(|(s, _)| s.as_str()).collect::<Vec<_>>(),
        ["scan", "merge"]
    );
    flags_exist(&calls);
    // Every run script is valid shell once the expressions are filled in.
    for script in scripts(scan).iter().chain(&scripts(merge)) {
        let filled = script
            .replace("${{ matrix.shard }}", "1")
            .replace("${{ strategy.job-total }}", "4");
        let check = std::process::Command::new("bash")
            .args(["-n", "-c", &filled])
            .output()
            .expect("bash");
        assert!(check.status.success(), "bash -n:\n{filled}");
    }
}

/// The organisation recipe for Kubernetes: an Indexed Job whose completions are the N of
/// `--shard $((JOB_COMPLETION_INDEX + 1))/N`, writing per-target reports to a volume that a merge
/// Job reads.
#[test]
fn kubernetes_indexed_job() {
    let name = "k8s-indexed-job.yaml";
    let text = std::fs::read_to_string(root().join("docs/examples").join(name)).unwrap();
    in_organisation_md(&text, name, "yaml");
    let docs = YamlLoader::load_from_str(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
    let of_kind = |kind: &str| -> Vec<&Yaml> {
        docs.iter()
            .filter(|d| d["kind"].as_str() == Some(kind))
            .collect()
    };
    let jobs = of_kind("Job");
    assert_eq!(jobs.len(), 2, "a scan Job and a merge Job");
    for job in &jobs {
        assert_eq!(job["apiVersion"].as_str(), Some("batch/v1"));
    }
    let scan = jobs
        .iter()
        .find(|j| j["spec"]["completionMode"].as_str() == Some("Indexed"))
        .expect("an Indexed Job");
    let spec = &scan["spec"];
    let completions = spec["completions"].as_i64().expect("completions");
    let parallelism = spec["parallelism"].as_i64().expect("parallelism");
    assert!(completions >= 2 && (1..=completions).contains(&parallelism));
    let pod = &spec["template"]["spec"];
    assert_eq!(pod["restartPolicy"].as_str(), Some("Never"));
    let container = &pod["containers"][0];
    let script = container["args"][0].as_str().expect("the shell script");
    assert_eq!(
        container["command"].as_vec().unwrap()[..],
        [Yaml::from_str("/bin/sh"), Yaml::from_str("-c")]
    );
    let joined = script.replace("\\\n", " ");
    let line = joined
        .lines()
        .find(|l| l.contains("drready scan"))
        .expect("a drready scan");
    assert!(
        line.contains(&format!(
            "--shard $((JOB_COMPLETION_INDEX + 1))/{completions} "
        )),
        "--shard K/N with N = completions ({completions}): {line}"
    );
    assert!(line.contains("--targets "), "{line}");
    // A usage error fails the Job at once instead of being retried.
    let rule = &spec["podFailurePolicy"]["rules"][0];
    assert_eq!(rule["action"].as_str(), Some("FailJob"));
    assert_eq!(
        rule["onExitCodes"]["containerName"].as_str(),
        container["name"].as_str()
    );
    let codes: Vec<i64> = rule["onExitCodes"]["values"]
        .as_vec()
        .unwrap()
        .iter()
        .map(|v| v.as_i64().unwrap())
        .collect();
    assert_eq!(codes, [2, 4]);

    // --out-dir is on the volume the merge Job reads.
    let out_dir = line
        .split_whitespace()
        .skip_while(|w| *w != "--out-dir")
        .nth(1)
        .expect("--out-dir")
        .trim_matches('"');
    let claim_at = |pod: &Yaml, path: &str| -> Option<String> {
        let mount = pod["containers"]
            .as_vec()?
            .iter()
            .chain(pod["initContainers"].as_vec().into_iter().flatten())
            .flat_map(|c| c["volumeMounts"].as_vec().cloned().unwrap_or_default())
            .find(|m| m["mountPath"].as_str().is_some_and(|p| path.starts_with(p)))?;
        let volume = pod["volumes"]
            .as_vec()?
            .iter()
            .find(|v| v["name"] == mount["name"])?;
        volume["persistentVolumeClaim"]["claimName"]
            .as_str()
            .map(str::to_string)
    };
    let claim = claim_at(pod, out_dir).expect("--out-dir on a persistent volume");
    let pvc = of_kind("PersistentVolumeClaim");
    assert_eq!(pvc[0]["metadata"]["name"].as_str(), Some(claim.as_str()));
    assert!(
        pvc[0]["spec"]["accessModes"]
            .as_vec()
            .unwrap()
            .contains(&Yaml::from_str("ReadWriteMany")),
        "every shard's pod writes to it"
    );

    let merge = jobs
        .iter()
        .find(|j| j["spec"]["completionMode"].is_badvalue())
        .unwrap();
    let merge_pod = &merge["spec"]["template"]["spec"];
    let merge_script = merge_pod["containers"][0]["args"][0].as_str().unwrap();
    let merge_line = merge_script.replace("\\\n", " ");
    let merge_line = merge_line
        .lines()
        .find(|l| l.contains("drready merge"))
        .expect("a drready merge");
    assert!(
        merge_line.contains(&format!("drready merge \"{out_dir}\"")),
        "{merge_line}"
    );
    assert_eq!(claim_at(merge_pod, out_dir), Some(claim.clone()));
    // The merge waits for every shard.
    let wait = merge_pod["initContainers"][0]["args"][0].as_str().unwrap();
    assert!(wait.contains(&format!("-ge {completions} ]")), "{wait}");

    // The flags exist, and the scripts are valid shell.
    let scan_help = help("scan");
    let merge_help = help("merge");
    for (line, help) in [(line, &scan_help), (merge_line, &merge_help)] {
        for flag in line
            .split_whitespace()
            .filter(|w| w.starts_with("--") && w.len() > 2)
        {
            let flag = flag.split('=').next().unwrap();
            assert!(
                help.contains(&format!("{flag} ")),
                "drready has no flag {flag}: {line}"
            );
        }
    }
    for script in [script, merge_script, wait] {
        let check = std::process::Command::new("sh")
            .args(["-n", "-c", script])
            .output()
            .expect("sh");
        assert!(check.status.success(), "sh -n:\n{script}");
    }
    // The shard arithmetic gives 1..N from the indexes 0..N-1.
    for index in 0..completions {
        let out = std::process::Command::new("sh")
            .args([
                "-c",
                &format!("echo $((JOB_COMPLETION_INDEX + 1))/{completions}"),
            ])
            .env("JOB_COMPLETION_INDEX", index.to_string())
            .output()
            .unwrap();
        assert_eq!(
            String::from_utf8_lossy(&out.stdout).trim(),
            format!("{}/{completions}", index + 1)
        );
    }
}
