//! `drready diff OLD NEW`: compares two reports (or snapshots, evaluated with the same config and
//! policies) and exits 1 when readiness regressed — a release gate that only fails on regressions.

use crate::error::Error;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;

use anyhow::{Context, Result, bail};
use clap::Args;

use super::{Format, PolicyArgs, load_config_file, load_policies, parse_outputs};
use crate::config::Config;
use crate::gate::ExitStatus;
use crate::policy::PolicySet;
use crate::report::{Document, Report, diff};

#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The baseline: a JSON report (`--format json=FILE`) or a snapshot.
    #[arg(value_name = "OLD")]
    pub old: PathBuf,
    /// The candidate: a JSON report or a snapshot.
    #[arg(value_name = "NEW")]
    pub new: PathBuf,
    /// Configuration for evaluating snapshots (default: ./drready.toml when it exists).
    #[arg(long, short = 'c', value_name = "FILE", env = "DRREADY_CONFIG")]
    pub config: Option<PathBuf>,
    #[command(flatten)]
    pub policies: PolicyArgs,
    /// Output format, repeatable: `table`, `json` or `markdown`, optionally `=FILE`.
    /// Default: table on stdout.
    #[arg(long, short = 'f', value_name = "FORMAT[=FILE]")]
    pub format: Vec<String>,
}

pub fn run(args: DiffArgs, quiet: bool) -> Result<ExitStatus> {
    let outputs = parse_outputs(&args.format)?;
    if let Some(o) = outputs
        .iter()
        .find(|o| !matches!(o.format, Format::Table | Format::Json | Format::Markdown))
    {
        bail!(Error::Usage(format!(
            "drready diff writes table, json or markdown, not {}",
            format!("{:?}", o.format).to_lowercase()
        )));
    }
    let mut evaluator = None;
    let (old, old_kind) = side(&args, &args.old, &mut evaluator)?;
    let (new, new_kind) = side(&args, &args.new, &mut evaluator)?;
    if new_kind == "snapshot" && !quiet {
        super::warn_waivers(&new);
    }
    let mut d = diff::compare(&old, &new);
    d.old.source = Some(args.old.display().to_string());
    d.old.kind = Some(old_kind.into());
    d.new.source = Some(args.new.display().to_string());
    d.new.kind = Some(new_kind.into());
    if old.site_pair != new.site_pair && !quiet {
        eprintln!(
            "warning: comparing site pair {} with {}: fingerprints include the site pair, so no \
             finding matches",
            old.site_pair, new.site_pair
        );
    }
    for o in &outputs {
        let to_tty = o.path.is_none() && std::io::stdout().is_terminal();
        let text = match o.format {
            Format::Json => diff::render_json(&d)?,
            Format::Markdown => diff::render_markdown(&d),
            _ => {
                let width = if to_tty {
                    comfy_table::Table::new().width().unwrap_or(120)
                } else {
                    std::env::var("COLUMNS")
                        .ok()
                        .and_then(|c| c.parse().ok())
                        .unwrap_or(160)
                };
                diff::render_text(&d, width)
            }
        };
        match &o.path {
            Some(p) => crate::fsutil::write_atomic(p, text.as_bytes())?,
            None => {
                let mut out = std::io::stdout().lock();
                let _ = out.write_all(text.as_bytes());
                let _ = out.flush();
            }
        }
    }
    Ok(crate::gate::for_diff(d.regressed))
}

/// Loads one side: a report as is, a snapshot evaluated with the config and policies (loaded
/// once, on first need).
fn side(
    args: &DiffArgs,
    path: &std::path::Path,
    evaluator: &mut Option<(Config, PolicySet)>,
) -> Result<(Report, &'static str)> {
    match crate::report::load_document(path)? {
        Document::Report(r) => Ok((*r, "report")),
        Document::Snapshot(s) => {
            if evaluator.is_none() {
                *evaluator = Some((
                    load_config_file(args.config.as_deref())?,
                    load_policies(&args.policies)?,
                ));
            }
            let (config, policies) = evaluator.as_ref().expect("set above");
            let report = crate::pipeline::evaluate(&s, config, policies)
                .with_context(|| format!("cannot evaluate snapshot {}", path.display()))?;
            Ok((report, "snapshot"))
        }
    }
}
