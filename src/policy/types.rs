//! Rule metadata types shared by the engine, the score and the reports.

use serde::Serialize;

use crate::vocab::{Category, Service, Severity};

/// A rule's validated `metadata`, plus where it was loaded from.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct RuleMeta {
    /// Stable id, e.g. `DR-S3-001`. Never changes meaning.
    pub id: String,
    /// Package leaf, e.g. `s3_replication_missing`.
    pub name: String,
    pub title: String,
    pub severity: Severity,
    pub category: Category,
    /// Services the rule reads; if any could not be collected the rule's outcome is unknown.
    pub inputs: Vec<Service>,
    pub why: String,
    /// One line, for tables and SARIF.
    pub remediation: String,
    /// AWS CLI and Terraform detail.
    pub remediation_detail: String,
    pub references: Vec<String>,
    /// `data.drready.rules.<name>`.
    pub package: String,
    /// File that defines it (`policies/...` for built-ins).
    pub file: String,
    /// Line of `metadata` in that file.
    pub line: usize,
    pub builtin: bool,
}
