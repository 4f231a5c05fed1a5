//! `drready runbook`: the failover and failback runbook of the workloads, from a snapshot file
//! or a live read of both sites, as Markdown, JSON or an ARC Region switch plan.

use std::io::Write;
use std::path::PathBuf;

use anyhow::{Result, bail};
use clap::Args;

use super::scan::{SiteArgs, apply_sites, collect, explain_unreadable};
use super::{PolicyArgs, add_redact_tags, load_config_file, load_policies, parse_format_specs};
use crate::error::Error;
use crate::gate::ExitStatus;
use crate::verdicts::WorkloadVerdict;
use crate::vocab::FailOn;

crate::vocab::vocab! {
    /// Output formats of `drready runbook` (`md` is accepted for `markdown`).
    pub enum RunbookFormat {
        Markdown = "markdown",
        Json = "json",
        /// A CloudFormation template with an `AWS::ARCRegionSwitch::Plan` per workload.
        RegionSwitch = "region-switch",
    }
}

#[derive(Debug, Args)]
pub struct RunbookArgs {
    /// Snapshot file written by `drready snapshot` (or a fixture); or `--live`.
    #[arg(required_unless_present = "live", conflicts_with = "live")]
    pub snapshot: Option<PathBuf>,
    /// Read both sites from AWS (read-only) instead of a snapshot file, with the site flags of
    /// `drready scan`.
    #[arg(long)]
    pub live: bool,
    #[command(flatten)]
    pub sites: SiteArgs,
    /// Configuration file (default: ./drready.toml when it exists).
    #[arg(long, short = 'c', value_name = "FILE", env = "DRREADY_CONFIG")]
    pub config: Option<PathBuf>,
    #[command(flatten)]
    pub policies: PolicyArgs,
    /// Output format, repeatable: `markdown`, `json`, `region-switch` (an ARC Region switch plan
    /// as a CloudFormation template), optionally `=FILE`. Default: markdown on stdout.
    #[arg(long, short = 'f', value_name = "FORMAT[=FILE]")]
    pub format: Vec<String>,
    /// Only this workload (repeatable); an unknown name lists the workloads.
    #[arg(long, value_name = "NAME")]
    pub workload: Vec<String>,
    /// Findings at least this severe block a step (default: the gate's, high).
    #[arg(long, value_name = "SEVERITY", env = "DRREADY_FAIL_ON")]
    pub fail_on: Option<FailOn>,
    /// Do not exit 3 on incomplete inventory (unknown workloads still exit 1).
    #[arg(long, env = "DRREADY_ALLOW_PARTIAL")]
    pub allow_partial: bool,
    /// Tag keys whose values become `[redacted]` (comma-separated; added to
    /// `scope.redact_tags`).
    #[arg(
        long,
        value_name = "KEY,...",
        value_delimiter = ',',
        env = "DRREADY_REDACT_TAGS"
    )]
    pub redact_tags: Vec<String>,
}

pub fn run(args: RunbookArgs, quiet: bool) -> Result<ExitStatus> {
    let outputs = parse_format_specs(
        &args.format,
        RunbookFormat::parse,
        &RunbookFormat::choices(),
        RunbookFormat::Markdown,
    )?;
    let mut config = load_config_file(args.config.as_deref())?;
    if let Some(f) = args.fail_on {
        config.gate.fail_on = f.severity();
    }
    if args.allow_partial {
        config.gate.allow_partial = true;
    }
    add_redact_tags(&mut config, &args.redact_tags)?;
    let policies = load_policies(&args.policies)?;
    let snapshot = match &args.snapshot {
        Some(path) => crate::snapshot::load(path)?,
        None => {
            apply_sites(&mut config, &args.sites)?;
            let snapshot = collect(&config, quiet)?;
            if explain_unreadable(&snapshot, &config) {
                eprintln!("no site could be read: nothing to write a runbook for (exit 3)");
                return Ok(crate::gate::for_snapshot(true, false));
            }
            snapshot
        }
    };
    let evaluation = crate::pipeline::evaluate_all(&snapshot, &config, &policies)?;
    let names: Vec<&str> = evaluation
        .workloads
        .iter()
        .map(|w| w.name.as_str())
        .collect();
    for w in &args.workload {
        if !names.contains(&w.as_str()) {
            bail!(Error::Usage(format!(
                "--workload {w}: no such workload; the workloads of this snapshot are: {}",
                if names.is_empty() {
                    "none (no resource carries the app tag)".to_string()
                } else {
                    names.join(", ")
                }
            )));
        }
    }
    let runbook = crate::runbook::build(
        crate::runbook::Inputs {
            snapshot: &evaluation.snapshot,
            report: &evaluation.report,
            workloads: &evaluation.workloads,
            failover: &evaluation.failover,
            app_tag: &config.pairing.app_tag,
        },
        &args.workload,
    );
    for (format, path) in &outputs {
        let text = match format {
            RunbookFormat::Markdown => crate::runbook::markdown::render(&runbook),
            RunbookFormat::Json => crate::runbook::to_json(&runbook)?,
            RunbookFormat::RegionSwitch => crate::runbook::region_switch::render(&runbook)?,
        };
        match path {
            Some(p) => crate::fsutil::write_atomic(p, text.as_bytes())?,
            None => {
                let mut out = std::io::stdout().lock();
                let _ = out.write_all(text.as_bytes());
                let _ = out.flush();
            }
        }
    }
    let all_ready = runbook
        .workloads
        .iter()
        .all(|w| w.verdict == WorkloadVerdict::Ready);
    Ok(crate::gate::for_runbook(
        runbook.incomplete,
        config.gate.allow_partial,
        all_ready,
    ))
}
