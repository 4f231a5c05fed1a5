//! `drready scan` and `drready snapshot`: live collection, then (for scan) the offline pipeline.

use crate::error::Error;
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::Duration;

use anyhow::{Context, Result, bail};
use clap::Args;

use super::{Prepared, ReportArgs, add_redact_tags, load_config_file};
use crate::config::{Config, SiteConfig};
use crate::gate::ExitStatus;
use crate::snapshot::Snapshot;
use crate::vocab::{Service, SiteRole};

/// Where the two sites are and how to reach them; each flag overrides drready.toml.
#[derive(Debug, Args)]
pub struct SiteArgs {
    /// Primary region, e.g. us-east-1.
    #[arg(long, env = "DRREADY_PRIMARY_REGION", value_name = "REGION")]
    pub primary_region: Option<String>,
    /// Standby region, e.g. us-west-2.
    #[arg(long, env = "DRREADY_STANDBY_REGION", value_name = "REGION")]
    pub standby_region: Option<String>,
    /// Named AWS profile for the primary site.
    #[arg(long, value_name = "PROFILE")]
    pub primary_profile: Option<String>,
    /// Named AWS profile for the standby site.
    #[arg(long, value_name = "PROFILE")]
    pub standby_profile: Option<String>,
    /// Role to assume for the primary site.
    #[arg(long, value_name = "ARN")]
    pub primary_role_arn: Option<String>,
    /// Role to assume for the standby site (e.g. a read-only role in the DR account).
    #[arg(long, env = "DRREADY_STANDBY_ROLE_ARN", value_name = "ARN")]
    pub standby_role_arn: Option<String>,
    /// External id for both sites' assumed roles (see the per-site flags).
    #[arg(long, value_name = "ID")]
    pub external_id: Option<String>,
    /// External id for the primary site's role (overrides --external-id).
    #[arg(long, value_name = "ID")]
    pub primary_external_id: Option<String>,
    /// External id for the standby site's role, e.g. the one the DR account's read-only role
    /// requires (overrides --external-id).
    #[arg(long, value_name = "ID")]
    pub standby_external_id: Option<String>,
    /// Endpoint URL for every AWS call of both sites (an emulator or a proxy).
    #[arg(long, env = "DRREADY_ENDPOINT_URL", value_name = "URL")]
    pub endpoint_url: Option<String>,
    /// Most AWS calls in flight at once, over both sites (over every target in a multi-target
    /// run).
    #[arg(long, value_name = "N")]
    pub max_concurrency: Option<usize>,
    /// Judge only this target of the configuration's `[[targets]]` (or of --targets FILE) as a
    /// single site pair.
    #[arg(long, value_name = "NAME", env = "DRREADY_TARGET")]
    pub target: Option<String>,
    /// A file of `[[targets]]` tables (named site pairs) used instead of drready.toml's:
    /// `scan` judges them all, other commands the one named by --target.
    #[arg(long, value_name = "FILE", env = "DRREADY_TARGETS")]
    pub targets: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct ScanArgs {
    #[command(flatten)]
    pub sites: SiteArgs,
    #[command(flatten)]
    pub report: ReportArgs,
    /// Also write the collected snapshot to FILE (for `drready evaluate` later).
    #[arg(long, value_name = "FILE")]
    pub save_snapshot: Option<PathBuf>,
    #[command(flatten)]
    pub org: super::org::TargetArgs,
}

#[derive(Debug, Args)]
pub struct SnapshotArgs {
    #[command(flatten)]
    pub sites: SiteArgs,
    /// Configuration file (default: ./drready.toml when it exists).
    #[arg(long, short = 'c', value_name = "FILE", env = "DRREADY_CONFIG")]
    pub config: Option<PathBuf>,
    /// Where to write the snapshot.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: PathBuf,
    /// Exit 0 even when some inventory could not be read (it is recorded in the snapshot).
    #[arg(long, env = "DRREADY_ALLOW_PARTIAL")]
    pub allow_partial: bool,
    /// Tag keys whose values become `[redacted]` in the snapshot (comma-separated; added to
    /// `scope.redact_tags`).
    #[arg(
        long,
        value_name = "KEY,...",
        value_delimiter = ',',
        env = "DRREADY_REDACT_TAGS"
    )]
    pub redact_tags: Vec<String>,
}

pub(super) fn apply_sites(config: &mut Config, args: &SiteArgs) -> Result<()> {
    if let Some(path) = &args.targets {
        config.load_targets(path)?;
    }
    let names = || {
        config
            .targets
            .iter()
            .map(|t| t.name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
    if let Some(name) = &args.target {
        if !config.is_multi_target() {
            bail!(Error::Usage(format!(
                "--target {name}: the configuration declares no [[targets]]; drop --target, or \
                 give a targets file with --targets FILE"
            )));
        }
        let Some(chosen) = config
            .target_configs()
            .into_iter()
            .find(|c| c.target.as_deref() == Some(name.as_str()))
        else {
            bail!(Error::Usage(format!(
                "--target {name}: no such target; the targets are {}",
                names()
            )));
        };
        *config = chosen;
    } else if config.is_multi_target() {
        bail!(Error::Usage(format!(
            "the configuration declares {} targets ([[targets]]); this command judges one site \
             pair: pick one with --target NAME ({})",
            config.targets.len(),
            names()
        )));
    }
    fn set(slot: &mut Option<String>, v: &Option<String>) {
        if v.is_some() {
            slot.clone_from(v);
        }
    }
    for (site, region, profile, role_arn, external_id) in [
        (
            &mut config.primary,
            &args.primary_region,
            &args.primary_profile,
            &args.primary_role_arn,
            &args.primary_external_id,
        ),
        (
            &mut config.standby,
            &args.standby_region,
            &args.standby_profile,
            &args.standby_role_arn,
            &args.standby_external_id,
        ),
    ] {
        set(&mut site.region, region);
        set(&mut site.profile, profile);
        set(&mut site.role_arn, role_arn);
        set(&mut site.external_id, &args.external_id);
        set(&mut site.external_id, external_id);
        set(&mut site.endpoint_url, &args.endpoint_url);
    }
    if let Some(n) = args.max_concurrency {
        if n == 0 {
            bail!(Error::Usage("--max-concurrency must be at least 1".into()));
        }
        config.collect.max_concurrency = n;
    }
    for (name, site) in [("primary", &config.primary), ("standby", &config.standby)] {
        if site.region.is_none() && std::env::var_os("AWS_REGION").is_none() {
            bail!(Error::Usage(format!(
                "no {name} region: pass --{name}-region or set `region` under [{name}] in \
                 drready.toml"
            )));
        }
    }
    if config.primary.region.is_some() && config.primary.region == config.standby.region {
        bail!(Error::Usage(format!(
            "primary and standby are both {}: a standby must be in another region",
            config.primary.region.as_deref().unwrap_or_default()
        )));
    }
    Ok(())
}

fn check_output_dir(path: &Path) -> Result<()> {
    if let Some(d) = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty() && !d.is_dir())
    {
        bail!(Error::Usage(format!(
            "cannot write {}: directory {} does not exist",
            path.display(),
            d.display()
        )));
    }
    Ok(())
}

/// Progress on stderr: one line per site, updated as its services finish.
struct Bars {
    sites: [indicatif::ProgressBar; 2],
    done: std::sync::Mutex<[Vec<String>; 2]>,
}

impl Bars {
    fn new(config: &Config) -> Bars {
        let multi =
            indicatif::MultiProgress::with_draw_target(indicatif::ProgressDrawTarget::stderr());
        let style =
            indicatif::ProgressStyle::with_template("{spinner} {prefix:8} {msg} [{elapsed}]")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner());
        let bar = |role: &str, region: Option<&str>| {
            let pb = multi.add(indicatif::ProgressBar::new_spinner());
            pb.set_style(style.clone());
            pb.set_prefix(role.to_string());
            pb.set_message(format!("{}: reading (read-only)…", region.unwrap_or("?")));
            pb.enable_steady_tick(Duration::from_millis(120));
            pb
        };
        Bars {
            sites: [
                bar("primary", config.primary.region.as_deref()),
                bar("standby", config.standby.region.as_deref()),
            ],
            done: std::sync::Mutex::new([Vec::new(), Vec::new()]),
        }
    }
    fn finish(&self) {
        for pb in &self.sites {
            pb.finish();
        }
    }
}

impl crate::collect::Progress for Bars {
    fn site_ready(&self, role: SiteRole, account: &str, region: &str) {
        self.sites[role as usize].set_message(format!("{region} ({account}): reading…"));
    }
    fn service_done(&self, role: SiteRole, service: Service, resources: usize, errors: usize) {
        let Ok(mut done) = self.done.lock() else {
            return;
        };
        let entry = if errors > 0 {
            format!("{service} {resources} ({errors} errors)")
        } else {
            format!("{service} {resources}")
        };
        done[role as usize].push(entry);
        self.sites[role as usize].set_message(done[role as usize].join(", "));
    }
}

/// Collects both sites, with progress on stderr when it is a terminal.
pub(super) fn collect(config: &Config, quiet: bool) -> Result<Snapshot> {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    let mut snapshot = if !quiet && std::io::stderr().is_terminal() {
        let bars = Bars::new(config);
        let out = runtime.block_on(crate::collect::collect_with(config, &bars));
        bars.finish();
        out
    } else {
        runtime.block_on(crate::collect::collect(config))
    }?;
    // Before anything is saved or judged (evaluation redacts again, for loaded snapshots);
    // tests/faults.rs checks the saved snapshot.
    snapshot.redact_tags(&config.scope.redact_tags);
    for (role, site) in [
        ("primary", &snapshot.primary),
        ("standby", &snapshot.standby),
    ] {
        tracing::info!(
            site = role,
            region = %site.region,
            account = %site.account,
            api_calls = ?site.api_calls,
            errors = site.collection_errors.len(),
            "collected"
        );
    }
    Ok(snapshot)
}

/// A site drready could not read at all (its identity is unknown), with what failed.
pub(super) struct Unreadable<'a> {
    pub role: SiteRole,
    pub region: &'a str,
    pub code: &'a str,
    pub message: &'a str,
}

fn unreadable(snapshot: &Snapshot) -> Vec<Unreadable<'_>> {
    SiteRole::BOTH
        .into_iter()
        .filter_map(|role| {
            let site = snapshot.site(role);
            if site.account != crate::collect::UNKNOWN_ACCOUNT {
                return None;
            }
            let e = site.collection_errors.first()?;
            Some(Unreadable {
                role,
                region: &site.region,
                code: &e.code,
                message: &e.message,
            })
        })
        .collect()
}

/// The next step for a site that could not be read at all, from what failed.
pub(super) fn next_step(u: &Unreadable<'_>, site: &SiteConfig) -> String {
    let m = u.message.to_ascii_lowercase();
    let flag = format!("--{}-profile", u.role);
    let profile = site.profile.as_deref();
    if u.code == "MissingRegion" {
        return format!(
            "set the {} region: --{}-region REGION, `region` under [{}] in drready.toml, or \
             AWS_REGION",
            u.role, u.role, u.role
        );
    }
    // Before "expired": rustls says "invalid peer certificate: Expired" too.
    if m.contains("peer certificate") || m.contains("unknownissuer") {
        let whom = site.endpoint_url.as_deref().unwrap_or("the AWS endpoint");
        return format!(
            "the TLS certificate of {whom} is not trusted: drready trusts the \
             platform's root certificates; behind a TLS-inspecting proxy, or with an emulator \
             that has its own certificate authority, name that authority's PEM file in \
             SSL_CERT_FILE (or its folder in SSL_CERT_DIR)"
        );
    }
    if m.contains("expired") || m.contains("sso") && m.contains("token") {
        return match profile {
            Some(p) => format!("the SSO session has expired: run `aws sso login --profile {p}`"),
            None => "the credentials have expired: refresh them (`aws sso login --profile \
                     NAME`, or new keys) and run again"
                .into(),
        };
    }
    if matches!(
        u.code,
        "ConnectionRefused" | "Timeout" | "DispatchFailure" | "Unreachable"
    ) || m.contains("connect")
        || m.contains("dns error")
    {
        return match &site.endpoint_url {
            Some(url) => format!(
                "nothing answers at {url}: start the emulator or fix --endpoint-url / \
                 endpoint_url"
            ),
            None => format!(
                "AWS could not be reached in {}: check the network or proxy, and that the \
                 region name is right",
                u.region
            ),
        };
    }
    if let (Some(p), true) = (profile, m.contains("no providers in chain")) {
        return format!(
            "profile {p} gave no credentials: check that it exists (`aws configure \
             list-profiles`, ~/.aws/config) and log in if it is an SSO profile (`aws sso login \
             --profile {p}`)"
        );
    }
    if m.contains("no providers in chain") || u.code == "CredentialsError" && profile.is_none() {
        return format!(
            "no AWS credentials were found: set AWS_PROFILE (or {flag} NAME) to a profile of \
             ~/.aws/config, run `aws configure` or `aws sso login --profile NAME`; to try \
             drready without an AWS account run ./scripts/demo, or point --endpoint-url at an \
             emulator"
        );
    }
    if site.role_arn.is_some() && (m.contains("assume") || m.contains("accessdenied")) {
        return format!(
            "the role {} could not be assumed: its trust policy must trust the identity drready \
             runs as{}",
            site.role_arn.as_deref().unwrap_or_default(),
            if site.external_id.is_some() {
                ", with this external id"
            } else {
                " (and name the external id it requires with --external-id)"
            }
        );
    }
    if matches!(
        u.code,
        "InvalidClientTokenId" | "UnrecognizedClientException" | "SignatureDoesNotMatch"
    ) {
        return format!(
            "AWS does not accept these credentials in {}: check the access key, or enable the \
             region for the account (`aws account enable-region --region-name {}`)",
            u.region, u.region
        );
    }
    match profile {
        Some(p) => format!(
            "check profile {p} (`aws configure list-profiles`, `aws sts get-caller-identity \
             --profile {p}`)"
        ),
        None => "check the site's credentials (`aws sts get-caller-identity`), profile, role_arn \
                 and endpoint_url"
            .into(),
    }
}

/// What to say about each site that could not be read at all: the failure, then the next step.
pub(super) fn unreadable_lines(snapshot: &Snapshot, config: &Config) -> Vec<String> {
    unreadable(snapshot)
        .iter()
        .flat_map(|u| {
            let site = match u.role {
                SiteRole::Primary => &config.primary,
                SiteRole::Standby => &config.standby,
            };
            [
                format!(
                    "the {} site ({}) could not be read at all: {} ({})",
                    u.role,
                    u.region,
                    short_cause(u.message),
                    u.code
                ),
                format!("  next: {}", next_step(u, site)),
            ]
        })
        .collect()
}

/// Says, before anything else, which site could not be read at all and what to do. True when no
/// site could be read: then there is nothing to judge and no report is rendered (exit 3).
pub(super) fn explain_unreadable(snapshot: &Snapshot, config: &Config) -> bool {
    for line in unreadable_lines(snapshot, config) {
        match line.strip_prefix("  ") {
            Some(next) => eprintln!("  {next}"),
            None => eprintln!("error: {line}"),
        }
    }
    unreadable(snapshot).len() == SiteRole::BOTH.len()
}

/// The cause without drready's own framing (`... not collected: its identity could not be read
/// (STS GetCallerIdentity: CODE: CAUSE); check ...`).
fn short_cause(message: &str) -> &str {
    let inner = message
        .split_once("GetCallerIdentity: ")
        .map_or(message, |(_, rest)| rest);
    let inner = inner.split_once("); check").map_or(inner, |(a, _)| a);
    inner
        .split_once(": ")
        .filter(|(code, _)| !code.contains(' '))
        .map_or(inner, |(_, rest)| rest)
}

pub fn scan(args: ScanArgs, quiet: bool) -> Result<ExitStatus> {
    let mut prepared = Prepared::new(&args.report)?;
    if let Some(path) = &args.sites.targets {
        prepared.config.load_targets(path)?;
    }
    if let Some(dir) = &args.org.out_dir {
        super::org::check_out_dir(dir)?;
    }
    if prepared.config.is_multi_target() && args.sites.target.is_none() {
        if let Some(p) = &args.save_snapshot {
            bail!(Error::Usage(format!(
                "--save-snapshot {} keeps one site pair's snapshot; in a multi-target run save \
                 each with `drready snapshot --target NAME`",
                p.display()
            )));
        }
        return super::org::scan_targets(prepared, &args.sites, &args.org, &args.report, quiet);
    }
    if args.org.shard.is_some() || args.org.out_dir.is_some() {
        bail!(Error::Usage(
            "--shard and --out-dir split and keep the reports of many targets; declare them with \
             [[targets]] in drready.toml or --targets FILE"
                .into()
        ));
    }
    prepared.load_previous(&args.report)?;
    apply_sites(&mut prepared.config, &args.sites)?;
    if let Some(p) = &args.save_snapshot {
        check_output_dir(p)?;
    }
    let snapshot = collect(&prepared.config, quiet)?;
    if explain_unreadable(&snapshot, &prepared.config) {
        eprintln!("no site could be read: nothing to judge, no report written (exit 3)");
        return Ok(crate::gate::for_snapshot(true, false));
    }
    if let Some(p) = &args.save_snapshot {
        crate::snapshot::save(&snapshot, p)?;
    }
    prepared.judge(&snapshot, &args.report, quiet)
}

pub fn snapshot(args: SnapshotArgs, quiet: bool) -> Result<ExitStatus> {
    let mut config = load_config_file(args.config.as_deref())?;
    apply_sites(&mut config, &args.sites)?;
    add_redact_tags(&mut config, &args.redact_tags)?;
    check_output_dir(&args.output)?;
    let snapshot = collect(&config, quiet)?;
    if explain_unreadable(&snapshot, &config) {
        eprintln!(
            "no site could be read: {} was not written (exit 3)",
            args.output.display()
        );
        return Ok(crate::gate::for_snapshot(true, false));
    }
    crate::snapshot::save(&snapshot, &args.output)?;
    let errors =
        snapshot.primary.collection_errors.len() + snapshot.standby.collection_errors.len();
    if errors > 0 && !quiet {
        eprintln!(
            "warning: {errors} collection error(s) recorded in {}; rules that need that data will \
             be unknown",
            args.output.display()
        );
    }
    Ok(crate::gate::for_snapshot(errors > 0, args.allow_partial))
}
