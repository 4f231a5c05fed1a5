//! Shared helpers for tests that run the real `drready` binary.
#![allow(dead_code)]

pub mod sarif;

use std::path::{Path, PathBuf};
use std::process::Output;

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn fixture(name: &str) -> PathBuf {
    root().join("fixtures").join(name)
}

pub fn snapshot(name: &str) -> PathBuf {
    fixture(&format!("snapshots/{name}.json"))
}

/// A `drready` command run from the repository root, with a clean, colourless environment.
pub fn drready() -> assert_cmd::Command {
    let mut cmd = assert_cmd::Command::new(env!("CARGO_BIN_EXE_drready"));
    cmd.current_dir(root())
        .env("NO_COLOR", "1")
        .env("COLUMNS", "160")
        .env_remove("DRREADY_CONFIG")
        .env_remove("DRREADY_POLICY")
        .env_remove("DRREADY_FAIL_UNDER")
        .env_remove("DRREADY_FAIL_ON")
        .env_remove("DRREADY_ALLOW_PARTIAL");
    cmd
}

/// Runs drready with `args`, returning (exit code, stdout, stderr).
pub fn run(args: &[&str]) -> (i32, String, String) {
    let out: Output = drready().args(args).output().expect("drready runs");
    (
        out.status.code().expect("exit code"),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Evaluates a snapshot file to the JSON report.
pub fn report_json(snapshot: &Path, extra: &[&str]) -> (i32, serde_json::Value) {
    let mut args = vec!["evaluate", snapshot.to_str().unwrap(), "--format", "json"];
    args.extend_from_slice(extra);
    let (code, out, err) = run(&args);
    let v = serde_json::from_str(&out).unwrap_or_else(|e| panic!("JSON report: {e}\n{err}"));
    (code, v)
}

/// Writes `text` to `name` in a fresh temp dir and returns (dir, path).
pub fn temp_file(name: &str, text: &[u8]) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, text).unwrap();
    (dir, path)
}

/// Rule ids of all unwaived findings in a JSON report.
pub fn finding_ids(report: &serde_json::Value) -> std::collections::BTreeSet<String> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f.get("waived").is_none())
        .map(|f| f["rule_id"].as_str().unwrap().to_string())
        .collect()
}
