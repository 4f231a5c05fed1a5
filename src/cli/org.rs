//! Multi-target runs: `drready scan` over `[[targets]]` (one process, or one shard of many) and
//! `drready merge` of per-target reports into the organisation report (docs/organisation.md).

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use clap::Args;

use super::{ColorWhen, Format, Output, ReportArgs};
use crate::config::Config;
use crate::error::Error;
use crate::gate::ExitStatus;
use crate::report::Report;
use crate::report::org::{Org, OrgReport};
use crate::report::sarif::SarifOptions;

/// `--shard K/N`: the K-th of N shares of the targets (1-based, like `cargo nextest
/// --partition count:K/N`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    pub index: usize,
    pub count: usize,
}

impl std::str::FromStr for Shard {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Shard, String> {
        let bad = || {
            format!(
                "`{s}` is not a shard; write K/N with 1 ≤ K ≤ N, e.g. 1/4 (for a Kubernetes \
                 Indexed Job: $((JOB_COMPLETION_INDEX + 1))/N)"
            )
        };
        let (k, n) = s.split_once('/').ok_or_else(bad)?;
        let index: usize = k.trim().parse().map_err(|_| bad())?;
        let count: usize = n.trim().parse().map_err(|_| bad())?;
        if index == 0 || count == 0 || index > count {
            return Err(bad());
        }
        Ok(Shard { index, count })
    }
}

impl Shard {
    /// The targets of this shard: targets sorted by name, every N-th from the K-th, so the split
    /// is balanced, the same on every run and machine, and unchanged by reordering the file.
    pub fn select<'a, T>(&self, targets: &'a [T], name: impl Fn(&T) -> &str) -> Vec<&'a T> {
        let mut sorted: Vec<&T> = targets.iter().collect();
        sorted.sort_by(|a, b| name(a).cmp(name(b)));
        sorted
            .into_iter()
            .enumerate()
            .filter(|(i, _)| i % self.count == self.index - 1)
            .map(|(_, t)| t)
            .collect()
    }
}

/// The multi-target flags of `scan`.
#[derive(Debug, Args)]
pub struct TargetArgs {
    /// Scan only the K-th of N shares of the targets (1-based; stable across runs and target
    /// order), for a CI matrix or a Kubernetes Indexed Job; combine the shards with `drready
    /// merge`.
    #[arg(long, value_name = "K/N", env = "DRREADY_SHARD")]
    pub shard: Option<Shard>,
    /// Write each target's JSON report to DIR/<target name>.json (what `drready merge` reads).
    #[arg(long, value_name = "DIR", env = "DRREADY_OUT_DIR")]
    pub out_dir: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct MergeArgs {
    /// Per-target JSON reports (`scan --out-dir`), or folders of them (every `*.json` inside).
    #[arg(value_name = "REPORT.json|DIR", required = true)]
    pub reports: Vec<PathBuf>,
    /// Output format, repeatable: `table`, `json`, `sarif`, `junit`, `markdown`, `html`,
    /// optionally `=FILE`. Default: table on stdout.
    #[arg(long, short = 'f', value_name = "FORMAT[=FILE]")]
    pub format: Vec<String>,
    /// Colour in the table: auto (only on a terminal), always, never.
    #[arg(long, default_value_t = ColorWhen::Auto, value_name = "WHEN")]
    pub color: ColorWhen,
    /// Earlier JSON reports (organisation or single-pair), oldest first: the HTML report's
    /// score-over-time chart.
    #[arg(long, value_name = "REPORT.json")]
    pub previous: Vec<PathBuf>,
    /// List every rule in SARIF `tool.driver.rules`, not only the rules with a result.
    #[arg(long)]
    pub sarif_all_rules: bool,
}

/// Site flags that name one site and so cannot apply to every target.
pub(super) fn per_site_flags(sites: &super::scan::SiteArgs) -> Vec<&'static str> {
    let mut set = Vec::new();
    for (flag, given) in [
        ("--primary-region", sites.primary_region.is_some()),
        ("--standby-region", sites.standby_region.is_some()),
        ("--primary-profile", sites.primary_profile.is_some()),
        ("--standby-profile", sites.standby_profile.is_some()),
        ("--primary-role-arn", sites.primary_role_arn.is_some()),
        ("--standby-role-arn", sites.standby_role_arn.is_some()),
    ] {
        if given {
            set.push(flag);
        }
    }
    set
}

/// Applies the flags that hold for every target (endpoint, external ids, concurrency) and checks
/// each target's regions.
fn apply_to_targets(config: &mut Config, sites: &super::scan::SiteArgs) -> Result<()> {
    let single = per_site_flags(sites);
    if !single.is_empty() {
        bail!(Error::Usage(format!(
            "{} set one site, but this run has {} targets; set them per target in [[targets]], \
             or scan one target with --target NAME",
            single.join(", "),
            config.targets.len()
        )));
    }
    for t in &mut config.targets {
        for (site, own) in [
            (&mut t.primary, &sites.primary_external_id),
            (&mut t.standby, &sites.standby_external_id),
        ] {
            if let Some(id) = own.as_ref().or(sites.external_id.as_ref()) {
                site.external_id = Some(id.clone());
            }
            if let Some(url) = &sites.endpoint_url {
                site.endpoint_url = Some(url.clone());
            }
        }
    }
    if let Some(n) = sites.max_concurrency {
        if n == 0 {
            bail!(Error::Usage("--max-concurrency must be at least 1".into()));
        }
        config.collect.max_concurrency = n;
    }
    for c in config.target_configs() {
        let name = c.target.as_deref().unwrap_or_default();
        let location = config
            .targets
            .iter()
            .find(|t| t.name == name)
            .map(|t| t.location.clone())
            .unwrap_or_default();
        for (role, site) in [("primary", &c.primary), ("standby", &c.standby)] {
            if site.region.is_none() {
                bail!(Error::Config(format!(
                    "{location}: target `{name}` has no {role} region: set `region` under \
                     [targets.{role}] (or [{role}] for every target)"
                )));
            }
        }
        if c.primary.region == c.standby.region {
            bail!(Error::Config(format!(
                "{location}: target `{name}`: primary and standby are both {}; a standby must be \
                 in another region",
                c.primary.region.as_deref().unwrap_or_default()
            )));
        }
    }
    Ok(())
}

/// `drready scan` of a multi-target configuration: every target of the shard collected
/// concurrently under one call limit, each judged with its own configuration, then one
/// organisation report.
pub(super) fn scan_targets(
    mut prepared: super::Prepared,
    sites: &super::scan::SiteArgs,
    targets: &TargetArgs,
    report_args: &ReportArgs,
    quiet: bool,
) -> Result<ExitStatus> {
    apply_to_targets(&mut prepared.config, sites)?;
    if let Some(dir) = &targets.out_dir {
        std::fs::create_dir_all(dir).map_err(|e| {
            Error::Output(format!("cannot create --out-dir {}: {e}", dir.display()))
        })?;
    }
    let history = load_history_for(&report_args.previous, &prepared.outputs)?;
    let all = prepared.config.target_configs();
    let chosen: Vec<&Config> = match targets.shard {
        Some(shard) => shard.select(&all, |c| c.target.as_deref().unwrap_or_default()),
        None => all.iter().collect(),
    };
    if chosen.is_empty() {
        // A shard with no targets (more shards than targets) judges nothing and is not a
        // failure: the matrix may be sized for growth.
        if !quiet {
            eprintln!(
                "shard {} has no targets ({} targets in all); nothing to scan",
                targets
                    .shard
                    .map_or_else(String::new, |s| format!("{}/{}", s.index, s.count)),
                all.len()
            );
        }
        return Ok(ExitStatus::Ready);
    }
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    let shared = crate::collect::Shared::new(prepared.config.collect.max_concurrency);
    let owners = if all.len() > 1 {
        runtime.block_on(unattributed_owners(&all, &shared))
    } else {
        Default::default()
    };
    let bar = (!quiet && std::io::stderr().is_terminal()).then(|| {
        let pb = indicatif::ProgressBar::new(chosen.len() as u64);
        pb.set_style(
            indicatif::ProgressStyle::with_template(
                "{spinner} targets {pos}/{len} collected (read-only) [{elapsed}] {msg}",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
        );
        pb.enable_steady_tick(std::time::Duration::from_millis(120));
        pb
    });
    let snapshots = runtime.block_on(futures::future::join_all(chosen.iter().map(|c| {
        let shared = &shared;
        let bar = bar.as_ref();
        async move {
            let out = crate::collect::collect_shared(c, &crate::collect::NoProgress, shared).await;
            if let Some(pb) = bar {
                pb.inc(1);
                pb.set_message(c.target.clone().unwrap_or_default());
            }
            out
        }
    })));
    if let Some(pb) = bar {
        pb.finish_and_clear();
    }
    let mut reports = Vec::with_capacity(chosen.len());
    for (config, snapshot) in chosen.into_iter().zip(snapshots) {
        let mut config = config.clone();
        let name = config.target.clone().unwrap_or_default();
        if let Some(owned) = owners.get(&name) {
            config.owns_unattributed = *owned;
        }
        let mut snapshot = snapshot?;
        snapshot.redact_tags(&config.scope.redact_tags);
        if !quiet {
            for line in super::scan::unreadable_lines(&snapshot, &config) {
                eprintln!("target {name}: {line}");
            }
        }
        let report = crate::pipeline::evaluate(&snapshot, &config, &prepared.policies)?;
        if !quiet {
            super::warn_waivers(&report);
        }
        // The organisation report is built from the JSON each target's report serialises to,
        // exactly what `drready merge` reads, so a sharded run merged equals this run.
        let text = crate::report::json::render(&report)?;
        if let Some(dir) = &targets.out_dir {
            crate::fsutil::write_atomic(&dir.join(format!("{name}.json")), text.as_bytes())?;
        }
        reports.push(crate::report::parse(&text, &name)?);
    }
    let org = Org::build(reports)?;
    emit_org(
        &org,
        &prepared.outputs,
        report_args.color,
        &sarif_options(report_args.sarif_all_rules),
        &history,
    )?;
    Ok(ExitStatus::from(org.report.verdict))
}

/// For every target, whether it judges the global resources that name no region (records and
/// roles `crate::snapshot::attribution` cannot place): the first target by name among those
/// whose primary site is in the same account. Learned by reading every configured target's
/// identity (one STS call per site), so every shard decides alike; a target whose identity
/// cannot be read owns its account's unplaced resources only if no readable target shares it.
async fn unattributed_owners(
    all: &[Config],
    shared: &crate::collect::Shared,
) -> std::collections::BTreeMap<String, bool> {
    let accounts =
        futures::future::join_all(all.iter().map(|c| crate::collect::accounts(c, shared))).await;
    let mut by_name: Vec<(&str, Option<String>)> = all
        .iter()
        .zip(accounts)
        .map(|(c, [primary, _])| (c.target.as_deref().unwrap_or_default(), primary))
        .collect();
    by_name.sort();
    let mut owner_of: std::collections::BTreeMap<String, &str> = Default::default();
    for (name, account) in &by_name {
        if let Some(a) = account {
            owner_of.entry(a.clone()).or_insert(name);
        }
    }
    by_name
        .iter()
        .map(|(name, account)| {
            let owns = account
                .as_ref()
                .is_none_or(|a| owner_of.get(a).is_some_and(|o| o == name));
            (name.to_string(), owns)
        })
        .collect()
}

fn sarif_options(all_rules: bool) -> SarifOptions {
    SarifOptions {
        all_rules,
        root: std::env::current_dir().ok(),
        ..SarifOptions::default()
    }
}

/// Loads `--previous` for an organisation run: only the HTML report uses them.
fn load_history_for(paths: &[PathBuf], outputs: &[Output]) -> Result<Vec<OrgReport>> {
    if paths.is_empty() {
        return Ok(Vec::new());
    }
    if !outputs.iter().any(|o| o.format == Format::Html) {
        bail!(Error::Usage(
            "--previous in a multi-target run feeds the HTML report's score-over-time chart; add \
             --format html=FILE"
                .into()
        ));
    }
    paths
        .iter()
        .map(|p| crate::report::org::load_history(p))
        .collect()
}

/// `drready merge`: per-target reports into one organisation report.
pub fn merge(args: MergeArgs, _quiet: bool) -> Result<ExitStatus> {
    let outputs = super::parse_outputs(&args.format)?;
    let history = load_history_for(&args.previous, &outputs)?;
    let mut files = Vec::new();
    for path in &args.reports {
        if path.is_dir() {
            let mut inside: Vec<PathBuf> = std::fs::read_dir(path)
                .map_err(|e| Error::Report(format!("cannot read folder {}: {e}", path.display())))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| p.extension().is_some_and(|x| x == "json"))
                .collect();
            inside.sort();
            if inside.is_empty() {
                bail!(Error::Report(format!(
                    "folder {} holds no *.json reports; give the --out-dir of `drready scan`",
                    path.display()
                )));
            }
            files.extend(inside);
        } else {
            files.push(path.clone());
        }
    }
    // A report of a single-pair run has no target name: it goes by its file name.
    let reports = files
        .iter()
        .map(|p| {
            let mut r = crate::report::load(p)?;
            if r.target.is_none() {
                r.target = p.file_stem().map(|s| s.to_string_lossy().into_owned());
            }
            Ok(r)
        })
        .collect::<Result<Vec<Report>>>()?;
    let org = Org::build(reports)?;
    emit_org(
        &org,
        &outputs,
        args.color,
        &sarif_options(args.sarif_all_rules),
        &history,
    )?;
    Ok(ExitStatus::from(org.report.verdict))
}

/// Renders every requested organisation output; files are written atomically.
pub fn emit_org(
    org: &Org,
    outputs: &[Output],
    color: ColorWhen,
    sarif: &SarifOptions,
    history: &[OrgReport],
) -> Result<()> {
    use crate::report::org as o;
    for out in outputs {
        let to_tty = out.path.is_none() && std::io::stdout().is_terminal();
        let text = match out.format {
            Format::Json => o::render_json(org)?,
            Format::Sarif => o::sarif::render(org, sarif)?,
            Format::Junit => o::junit::render(org)?,
            Format::Markdown => o::markdown::render(org)?,
            Format::Html => crate::report::html::render(org, history)?,
            Format::Table => o::table::render(org, super::table_options(color, to_tty))?,
        };
        super::write_output(out.path.as_deref(), &text)?;
    }
    Ok(())
}

/// Whether `path` is a folder drready may write per-target reports into.
pub fn check_out_dir(path: &Path) -> Result<()> {
    if path.exists() && !path.is_dir() {
        bail!(Error::Usage(format!(
            "--out-dir {} is a file; give a folder",
            path.display()
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::Shard;

    fn names<'a>(shard: &str, targets: &'a [&'a str]) -> Vec<&'a str> {
        let shard: Shard = shard.parse().unwrap();
        shard.select(targets, |t| t).into_iter().copied().collect()
    }

    #[test]
    fn shards_are_sorted_round_robin_and_cover_every_target_once() {
        let targets = ["e", "a", "d", "b", "c"];
        assert_eq!(names("1/2", &targets), ["a", "c", "e"]);
        assert_eq!(names("2/2", &targets), ["b", "d"]);
        assert_eq!(names("1/1", &targets), ["a", "b", "c", "d", "e"]);
        for n in 1..=7 {
            let mut all: Vec<&str> = (1..=n)
                .flat_map(|k| names(&format!("{k}/{n}"), &targets))
                .collect();
            // Balanced: shard sizes differ by at most one.
            let sizes: Vec<usize> = (1..=n)
                .map(|k| names(&format!("{k}/{n}"), &targets).len())
                .collect();
            assert!(sizes.iter().max().unwrap() - sizes.iter().min().unwrap() <= 1);
            all.sort();
            assert_eq!(all, ["a", "b", "c", "d", "e"], "{n} shards");
        }
        // More shards than targets: the extra shards are empty, not an error.
        assert!(names("7/7", &targets).is_empty());
    }

    #[test]
    fn shard_selection_is_stable_under_reordering() {
        let base: Vec<String> = (0..23)
            .map(|i| format!("team-{:02}", (i * 7) % 23))
            .collect();
        let mut reversed = base.clone();
        reversed.reverse();
        let mut rotated = base.clone();
        rotated.rotate_left(9);
        for n in [1, 2, 3, 4, 8, 23, 30] {
            for k in 1..=n {
                let shard: Shard = format!("{k}/{n}").parse().unwrap();
                let pick = |ts: &[String]| -> Vec<String> {
                    shard
                        .select(ts, |t| t.as_str())
                        .into_iter()
                        .cloned()
                        .collect()
                };
                assert_eq!(pick(&base), pick(&reversed), "shard {k}/{n}");
                assert_eq!(pick(&base), pick(&rotated), "shard {k}/{n}");
            }
        }
    }

    #[test]
    fn bad_shards_are_refused_with_the_form_to_write() {
        for bad in ["0/2", "3/2", "1/0", "2", "a/b", "1/2/3", "-1/2", ""] {
            let err = bad.parse::<Shard>().unwrap_err();
            assert!(err.contains("write K/N with 1 ≤ K ≤ N"), "{bad}: {err}");
            assert!(err.contains("JOB_COMPLETION_INDEX"), "{bad}: {err}");
        }
        assert_eq!(
            " 2 / 3 ".parse::<Shard>().ok(),
            Some(Shard { index: 2, count: 3 })
        );
    }
}
