//! Golden outputs of the table and JSON formats for every fixture snapshot (insta).
//! Volatile values (the report's wall-clock `generated_at`) are redacted.

mod common;

use common::*;

fn table(name: &str) -> String {
    let path = format!("fixtures/snapshots/{name}.json");
    let (_, stdout, _) = run(&["evaluate", &path, "--format", "table"]);
    stdout
}

fn json(name: &str) -> serde_json::Value {
    report_json(&snapshot(name), &[]).1
}

#[test]
fn table_example() {
    insta::assert_snapshot!(table("example"));
}

#[test]
fn table_healthy() {
    insta::assert_snapshot!(table("healthy"));
}

#[test]
fn table_partial() {
    insta::assert_snapshot!(table("partial"));
}

#[test]
fn json_example() {
    insta::assert_json_snapshot!(json("example"), {".generated_at" => "[generated_at]"});
}

#[test]
fn json_healthy() {
    insta::assert_json_snapshot!(json("healthy"), {".generated_at" => "[generated_at]"});
}

#[test]
fn json_partial() {
    insta::assert_json_snapshot!(json("partial"), {".generated_at" => "[generated_at]"});
}
