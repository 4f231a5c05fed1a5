//! sarif-multitool, Microsoft's SARIF validator, run with GitHub's ingestion rules
//! (`--rule-kind Gh;Sarif`): every SARIF file a test writes goes through `validate`.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

pub const INSTALL: &str = "install it at the repository root with \
    `npm install --no-save @microsoft/sarif-multitool`, or point SARIF_MULTITOOL at its binary";

/// The multitool command. npm's `.bin/sarif-multitool` is a Node wrapper that passes its
/// arguments through a shell (which would split `Gh;Sarif` at the semicolon), so the native
/// binary beside it is preferred; through the wrapper, arguments are shell-quoted.
pub fn multitool() -> (PathBuf, bool) {
    let given = std::env::var_os("SARIF_MULTITOOL").map(PathBuf::from);
    let path = given
        .clone()
        .unwrap_or_else(|| super::root().join("node_modules/.bin/sarif-multitool"));
    assert!(
        path.exists(),
        "sarif-multitool not found at {} ({}); {INSTALL}",
        path.display(),
        if given.is_some() {
            "SARIF_MULTITOOL"
        } else {
            "default location"
        }
    );
    let real = path.canonicalize().unwrap();
    if real.file_name().is_some_and(|n| n == "bin.js") {
        let platform = match std::env::consts::OS {
            "macos" => "darwin",
            "windows" => "win32",
            os => os,
        };
        let exe = if cfg!(windows) {
            "Sarif.Multitool.exe"
        } else {
            "Sarif.Multitool"
        };
        let native = real
            .parent()
            .and_then(Path::parent)
            .map(|d| d.join(format!("sarif-multitool-{platform}")).join(exe));
        if let Some(n) = native.filter(|n| n.is_file()) {
            return (n, false);
        }
        return (path, true);
    }
    (path, false)
}

/// Validates a SARIF file; panics on any error or warning the multitool reports.
pub fn validate(file: &Path) {
    let (tool, via_shell) = multitool();
    let out_dir = tempfile::tempdir().unwrap();
    let out = out_dir.path().join("validation.sarif");
    let args = [
        "validate".to_string(),
        "--rule-kind".into(),
        "Gh;Sarif".into(),
        "--output".into(),
        out.display().to_string(),
        file.display().to_string(),
    ];
    let args: Vec<String> = if via_shell {
        args.iter()
            .map(|a| format!("'{}'", a.replace('\'', "'\\''")))
            .collect()
    } else {
        args.to_vec()
    };
    let run = Command::new(&tool)
        .args(&args)
        .output()
        .unwrap_or_else(|e| panic!("cannot run {}: {e}; {INSTALL}", tool.display()));
    let console = format!(
        "{}{}",
        String::from_utf8_lossy(&run.stdout),
        String::from_utf8_lossy(&run.stderr)
    );
    assert!(run.status.success(), "sarif-multitool failed:\n{console}");
    let text = std::fs::read_to_string(&out)
        .unwrap_or_else(|e| panic!("no validation output {}: {e}\n{console}", out.display()));
    let log: Value = serde_json::from_str(&text).unwrap();
    let mut problems = Vec::new();
    for run in log["runs"].as_array().unwrap() {
        let rules = run["tool"]["driver"]["rules"].as_array();
        for r in run["results"].as_array().into_iter().flatten() {
            let default = r["ruleIndex"]
                .as_u64()
                .and_then(|i| rules?.get(i as usize))
                .and_then(|rule| rule["defaultConfiguration"]["level"].as_str());
            let level = r["level"].as_str().or(default).unwrap_or("warning");
            if level == "error" || level == "warning" {
                problems.push(format!("{level} {}: {}", r["ruleId"], r["message"]));
            }
        }
        for inv in run["invocations"].as_array().into_iter().flatten() {
            if inv["executionSuccessful"] == false {
                problems.push(format!("execution failed: {inv}"));
            }
            for key in [
                "toolExecutionNotifications",
                "toolConfigurationNotifications",
            ] {
                for n in inv[key].as_array().into_iter().flatten() {
                    let level = n["level"].as_str().unwrap_or("warning");
                    if level == "error" || level == "warning" {
                        problems.push(format!("{key} {level}: {}", n["message"]));
                    }
                }
            }
        }
    }
    assert!(
        problems.is_empty(),
        "sarif-multitool --rule-kind Gh;Sarif on {}:\n{}\n{console}",
        file.display(),
        problems.join("\n")
    );
}
