//! The failover runbook: per workload, in dependency order (data → identity and keys → compute
//! and capacity → traffic), the read-only pre-flight checks, the failover steps with the exact
//! AWS CLI commands on the estate's real ids, what to verify after each, how long each usually
//! takes (the table in docs/runbook.md, summed against the RTO), every unwaived finding on a
//! resource a step touches inline at that step, and the failback.
//!
//! Built from the evaluation (`crate::pipeline::evaluate_all`): the scoped snapshot, the
//! workloads and their members, the pairing, the failover groups and the report's findings and
//! verdicts. Deterministic: no clock but the snapshot's `collected_at`, every list in a fixed
//! order. drready runs none of these commands; it prints them.

mod build;
pub mod markdown;
pub mod region_switch;

use std::borrow::Cow;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::findings::Finding;
use crate::parity::FailoverPair;
use crate::report::Report;
use crate::snapshot::Snapshot;
use crate::verdicts::WorkloadVerdict;
use crate::vocab::{Severity, SiteRole};
use crate::workload::Workload;

/// Version of the runbook's JSON (docs/runbook.schema.json).
pub const RUNBOOK_VERSION: u32 = 1;

/// A failover and failback runbook for the workloads of one site pair.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Runbook {
    pub runbook_version: u32,
    pub tool: Tool,
    /// When the snapshot was collected: the runbook describes the estate as of then.
    pub collected_at: DateTime<Utc>,
    /// `PRIMARY_REGION/STANDBY_REGION`.
    pub site_pair: String,
    pub primary: SiteRef,
    pub standby: SiteRef,
    pub objectives: RunbookObjectives,
    /// The gate's `fail_on`: unwaived findings at or above it block a failover.
    pub fail_on: Option<Severity>,
    /// Some inventory could not be read: what needs it is unknown, and steps may be missing.
    pub incomplete: bool,
    /// The workloads, by name (only those asked for with `--workload`).
    pub workloads: Vec<WorkloadRunbook>,
    /// Blocking findings on resources of no workload that no step touches (shared zones,
    /// networks, roles): they may block every workload.
    pub shared_blockers: Vec<Blocker>,
}

/// The tool that wrote the runbook.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Tool {
    pub name: String,
    pub version: String,
}

/// An account and a region.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct SiteRef {
    pub account: String,
    pub region: String,
}

/// The objectives the runbook is measured against (`[objectives]` of drready.toml).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct RunbookObjectives {
    pub rto_seconds: u64,
    pub rpo_seconds: u64,
    /// Whether failing back is an objective (`failback = true`): then the standby must already
    /// replicate back.
    pub failback: bool,
}

/// The runbook of one workload.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct WorkloadRunbook {
    pub name: String,
    pub tier: String,
    /// The workload's verdict in the report.
    pub verdict: WorkloadVerdict,
    /// What to know before starting: why the workload cannot fail over now, or could not be
    /// judged; absent when it is ready.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub warning: Option<String>,
    /// Read-only checks to run before declaring a disaster.
    pub preflight: Vec<Step>,
    /// The failover, in order.
    pub failover: Vec<Step>,
    pub failback: Failback,
    /// The failover's estimated duration against the RTO.
    pub estimate: Estimate,
}

/// Switching back to the primary once it is healthy.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Failback {
    /// What must be true before switching back.
    pub prerequisites: Vec<String>,
    pub steps: Vec<Step>,
}

/// The sum of the steps' estimates, next to the RTO.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Estimate {
    /// Sum of the estimates of the failover steps that have one.
    pub total_seconds: u64,
    /// Steps without an estimate (manual work drready cannot size).
    pub unestimated_steps: usize,
    pub rto_seconds: u64,
    /// `total_seconds <= rto_seconds`, no step is blocked and the workload is ready (steps
    /// without an estimate are not counted: see `unestimated_steps`).
    pub within_rto: bool,
}

/// The phase a step belongs to; failover steps run in this order.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    /// Declaring the disaster.
    Decide,
    /// Buckets, volumes, databases.
    Data,
    /// Roles, instance profiles, KMS keys, secrets.
    Identity,
    /// Instances, Auto Scaling groups, load balancer targets.
    Compute,
    /// DNS.
    Traffic,
}

impl Phase {
    pub fn as_str(self) -> &'static str {
        match self {
            Phase::Decide => "decide",
            Phase::Data => "data",
            Phase::Identity => "identity and keys",
            Phase::Compute => "compute and capacity",
            Phase::Traffic => "traffic",
        }
    }
}

/// One step: a check, a failover action or a failback action.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Step {
    /// `WORKLOAD/preflight|failover|failback/N`, N from 1.
    pub id: String,
    pub phase: Phase,
    pub title: String,
    /// Context: what the step does and why, caveats.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<String>,
    /// The commands to run, in order (read-only ones for pre-flight checks).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub commands: Vec<CliCommand>,
    /// What must be true afterwards (for a check: what a good answer looks like).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub verify: Vec<String>,
    /// Read-only commands that show it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub verify_commands: Vec<CliCommand>,
    /// Estimated duration (failover steps; the row of the table in docs/runbook.md).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub estimate_seconds: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub estimate_basis: Option<String>,
    /// What this step cannot do in this estate, whatever the findings (no standby template, no
    /// failover record): the part left to people.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub gaps: Vec<String>,
    /// Resources the step touches (ARNs or documented keys), sorted.
    pub resources: Vec<String>,
    /// Unwaived findings on those resources, worst first.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub blockers: Vec<Blocker>,
    /// What ARC Region switch can run for this step, when it maps onto an execution block.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub action: Option<Action>,
}

/// One AWS CLI command.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct CliCommand {
    /// The words, unquoted: `["aws", "s3api", "get-bucket-replication", "--bucket", "b"]`.
    pub argv: Vec<String>,
    /// The same, quoted for a POSIX shell.
    pub shell: String,
    /// The operation only reads (describe, get, list, head, test).
    pub read_only: bool,
}

impl CliCommand {
    pub fn new<S: Into<String>>(words: impl IntoIterator<Item = S>) -> CliCommand {
        let argv: Vec<String> = words.into_iter().map(Into::into).collect();
        let shell = argv
            .iter()
            .map(|w| shell_word(w))
            .collect::<Vec<_>>()
            .join(" ");
        let op = argv.get(2).map(String::as_str).unwrap_or_default();
        let read_only = ["describe-", "get-", "list-", "head-", "test-"]
            .iter()
            .any(|p| op.starts_with(p))
            || (argv.get(1).map(String::as_str) == Some("s3") && op == "ls");
        CliCommand {
            argv,
            shell,
            read_only,
        }
    }
}

/// A word quoted for a POSIX shell when it needs to be.
pub fn shell_word(s: &str) -> Cow<'_, str> {
    let plain = !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./:=,@%+".contains(c));
    if plain {
        Cow::Borrowed(s)
    } else {
        Cow::Owned(format!("'{}'", s.replace('\'', "'\\''")))
    }
}

/// An unwaived finding on a resource a step touches.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Blocker {
    pub rule_id: String,
    pub severity: Severity,
    pub site: SiteRole,
    pub resource: String,
    pub message: String,
    pub remediation: String,
    pub fingerprint: String,
    /// At or above the gate's `fail_on`: the step is expected to fail.
    pub blocking: bool,
    /// How the finding reached the step: `resource` (the step touches it), `related` (the step
    /// touches a resource the finding names as related) or `category` (the finding concerns the
    /// workload and no step touches its resources: placed at the first step of its category).
    pub placed_by: String,
}

impl Blocker {
    fn of(f: &Finding, fail_on: Option<Severity>, placed_by: &str) -> Blocker {
        Blocker {
            rule_id: f.rule_id.clone(),
            severity: f.severity,
            site: f.site,
            resource: f.resource.clone(),
            message: f.message.clone(),
            remediation: f.remediation.clone(),
            fingerprint: f.fingerprint.clone(),
            blocking: fail_on.is_some_and(|s| f.severity >= s),
            placed_by: placed_by.to_string(),
        }
    }
}

/// A step ARC Region switch can run (`--format region-switch`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Action {
    /// The approval before the switch.
    ManualApproval,
    /// Aurora global database failover (`GlobalAuroraConfig`).
    AuroraGlobalDatabase {
        global_cluster_identifier: String,
        primary_cluster_arn: String,
        standby_cluster_arn: String,
    },
    /// Promote a cross-region RDS read replica (`RdsPromoteReadReplicaConfig`).
    RdsPromoteReadReplica { standby_db_instance_arn: String },
    /// Scale the standby Auto Scaling group to the primary's capacity
    /// (`Ec2AsgCapacityIncreaseConfig`).
    Ec2AutoScaling {
        primary_group_arn: String,
        standby_group_arn: String,
        wait_for_targets: bool,
    },
    /// Shift a failover record pair (`Route53HealthCheckConfig`).
    Route53HealthCheck {
        hosted_zone_id: String,
        record_name: String,
        primary_set_identifier: String,
        secondary_set_identifier: String,
    },
}

/// Estimated durations: one row per kind of step (docs/runbook.md has the same table; a test
/// keeps them equal).
pub struct EstimateRow {
    pub key: &'static str,
    pub step: &'static str,
    pub seconds: u64,
    pub basis: &'static str,
}

pub const ESTIMATES: &[EstimateRow] = &[
    EstimateRow {
        key: "decide",
        step: "Declare the disaster and approve the failover",
        seconds: 900,
        basis: "on-call judgement after the pre-flight checks; the RTO clock is already running",
    },
    EstimateRow {
        key: "s3",
        step: "Confirm the standby buckets and switch the application to them",
        seconds: 300,
        basis: "replication is continuous: nothing to copy, only to check and reconfigure",
    },
    EstimateRow {
        key: "ebs_restore",
        step: "Create volumes from standby snapshot copies",
        seconds: 600,
        basis: "volume creation takes minutes; blocks load lazily on first read",
    },
    EstimateRow {
        key: "rds_promote",
        step: "Promote an RDS read replica",
        seconds: 900,
        basis: "a few minutes, longer with a replication backlog; includes the reboot",
    },
    EstimateRow {
        key: "rds_restore",
        step: "Restore an RDS instance from a standby snapshot copy",
        seconds: 2700,
        basis: "grows with the database size",
    },
    EstimateRow {
        key: "aurora_global",
        step: "Fail over an Aurora global database",
        seconds: 300,
        basis: "typically one to two minutes, plus the endpoint change reaching clients",
    },
    EstimateRow {
        key: "aurora_promote",
        step: "Promote an Aurora cross-region replica cluster",
        seconds: 600,
        basis: "minutes; the cluster becomes a standalone writer",
    },
    EstimateRow {
        key: "dynamodb",
        step: "Confirm a DynamoDB global table replica",
        seconds: 60,
        basis: "multi-active: no promotion, only a check",
    },
    EstimateRow {
        key: "identity",
        step: "Confirm roles, instance profiles, keys and promote secret replicas",
        seconds: 300,
        basis: "read-only checks; promoting a secret replica takes seconds",
    },
    EstimateRow {
        key: "asg",
        step: "Scale a standby Auto Scaling group",
        seconds: 600,
        basis: "instance launch, boot and health check grace",
    },
    EstimateRow {
        key: "ec2_launch",
        step: "Launch instances from a standby launch template",
        seconds: 600,
        basis: "instance launch and boot; longer for large AMIs",
    },
    EstimateRow {
        key: "targets",
        step: "Wait for load balancer targets to turn healthy",
        seconds: 300,
        basis: "health check interval × healthy threshold, plus registration",
    },
    EstimateRow {
        key: "dns",
        step: "Invert the PRIMARY's health check so the SECONDARY answers",
        seconds: 60,
        basis: "60 s, plus the health check's request interval × failure threshold (30 s × 3 when \
                unknown), plus the record's TTL (60 s for an alias)",
    },
];

/// The estimate of one row.
fn estimate(key: &str) -> (u64, String) {
    let row = ESTIMATES
        .iter()
        .find(|r| r.key == key)
        .expect("every step names a row of ESTIMATES");
    (row.seconds, format!("{}: {}", row.key, row.basis))
}

/// What the runbook is built from.
pub struct Inputs<'a> {
    /// The scoped snapshot the report was built from.
    pub snapshot: &'a Snapshot,
    pub report: &'a Report,
    pub workloads: &'a [Workload],
    pub failover: &'a [FailoverPair],
    /// The app tag key (`pairing.app_tag`).
    pub app_tag: &'a str,
}

/// Builds the runbook of the named workloads (every workload when `only` is empty).
pub fn build(inputs: Inputs<'_>, only: &[String]) -> Runbook {
    build::build(inputs, only)
}

/// The runbook as JSON (pretty, with a trailing newline).
pub fn to_json(runbook: &Runbook) -> anyhow::Result<String> {
    let mut s = serde_json::to_string_pretty(runbook)?;
    s.push('\n');
    Ok(s)
}
