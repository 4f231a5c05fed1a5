//! The command line: parses arguments, runs a command, returns the exit status.

use crate::error::Error;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use clap::{Args, Parser, Subcommand};

use crate::config::Config;
use crate::gate::ExitStatus;
use crate::policy::PolicySet;
use crate::report::Report;
use crate::report::sarif::SarifOptions;
use crate::report::table::TableOptions;
use crate::vocab::FailOn;

mod diff;
mod doctor;
mod org;
mod runbook;
mod scan;

/// Tells whether your AWS disaster-recovery standby region could take over if the primary
/// region failed now — and what exactly to fix if not. Read-only towards AWS.
///
/// Exit codes: 0 ready, 1 not ready (gate failed), 2 usage/config/snapshot/policy error,
/// 3 inventory incomplete, 4 an output could not be written.
#[derive(Debug, Parser)]
#[command(name = "drready", version, max_term_width = 100)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
    /// More log output on stderr (-v info, -vv debug, -vvv trace).
    #[arg(short, long, action = clap::ArgAction::Count, global = true)]
    pub verbose: u8,
    /// Only errors on stderr.
    #[arg(short, long, global = true)]
    pub quiet: bool,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Evaluate a snapshot file offline (no AWS access) and report readiness.
    Evaluate(EvaluateArgs),
    /// Work with policies (rules).
    #[command(subcommand)]
    Policies(PoliciesCommand),
    /// Print what a rule checks, why it matters and how to fix it.
    Explain(ExplainArgs),
    /// Print the JSON Schema of the JSON report, a snapshot file, the runbook or the
    /// organisation report.
    Schema {
        /// Which document's schema.
        which: SchemaKind,
    },
    /// Compare two JSON reports (or snapshots, evaluated first): new, resolved and changed
    /// findings and the score change. Exit 1 when readiness regressed.
    Diff(diff::DiffArgs),
    /// Write a commented drready.toml with every option at its default. Touches nothing in AWS.
    Init(InitArgs),
    /// Read both sites from AWS (read-only), evaluate and report: collect + evaluate.
    Scan(scan::ScanArgs),
    /// Read both sites from AWS (read-only) and write the snapshot file only.
    Snapshot(scan::SnapshotArgs),
    /// Check that a scan could read everything: credentials, regions, the standby role and
    /// every read permission (one cheap read-only call each), with the fix for each failure.
    /// Exit 0 when all pass, 3 when a scan would be incomplete.
    Doctor(doctor::DoctorArgs),
    /// Write the failover and failback runbook of every workload (or `--workload NAME`) from a
    /// snapshot file, or from both sites with `--live`: pre-flight checks, the exact AWS CLI
    /// commands, blockers at the step they block, estimates against the RTO; as Markdown, JSON
    /// or an ARC Region switch plan (CloudFormation). Runs none of the commands. Exit 0 when
    /// every included workload is ready, 1 when one is not, 3 when inventory is incomplete.
    Runbook(runbook::RunbookArgs),
    /// Print a shell completion script: `drready completions bash > /etc/bash_completion.d/drready`.
    Completions {
        /// The shell.
        shell: clap_complete::Shell,
    },
    /// Print the manual page (roff): `drready man > drready.1 && man ./drready.1`.
    Man,
    /// Combine per-target JSON reports (the shards of a multi-target scan, `scan --out-dir`)
    /// into one organisation report. Exit 0 when every target is ready, 1 when one is not,
    /// 3 when one is incomplete.
    Merge(org::MergeArgs),
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// Where to write the configuration.
    #[arg(long, default_value = "drready.toml", value_name = "FILE")]
    pub path: PathBuf,
    /// Overwrite the file if it exists.
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Subcommand)]
pub enum PoliciesCommand {
    /// List every rule: built-in and from --policy folders.
    List(ListArgs),
    /// Run the `test_*` rules of the built-in policies and of the given folders.
    Test(TestArgs),
}

#[derive(Debug, Args)]
pub struct PolicyArgs {
    /// Folder of extra `.rego` rules (repeatable). Rules are discovered under
    /// `data.drready.rules`.
    #[arg(
        long = "policy",
        value_name = "DIR",
        env = "DRREADY_POLICY",
        value_delimiter = ','
    )]
    pub policy: Vec<PathBuf>,
    /// Leave out the built-in rules (only rules from --policy folders).
    #[arg(long)]
    pub no_builtin: bool,
}

#[derive(Debug, Args)]
pub struct ListArgs {
    #[command(flatten)]
    pub policies: PolicyArgs,
    /// Output as JSON instead of a table.
    #[arg(long)]
    pub json: bool,
}

#[derive(Debug, Args)]
pub struct TestArgs {
    /// Policy folders whose tests to run besides the built-in ones (as `--policy DIR`).
    #[arg(value_name = "DIR")]
    pub dirs: Vec<PathBuf>,
    #[command(flatten)]
    pub policies: PolicyArgs,
}

#[derive(Debug, Args)]
pub struct ExplainArgs {
    /// Rule id, e.g. DR-S3-001.
    #[arg(required_unless_present = "write_docs")]
    pub id: Option<String>,
    /// Write docs/rules/<ID>.md for every built-in rule into DIR instead (maintainers).
    #[arg(long, value_name = "DIR", hide = true)]
    pub write_docs: Option<PathBuf>,
    #[command(flatten)]
    pub policies: PolicyArgs,
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// Configuration file (default: ./drready.toml when it exists).
    #[arg(long, short = 'c', value_name = "FILE", env = "DRREADY_CONFIG")]
    pub config: Option<PathBuf>,
    #[command(flatten)]
    pub policies: PolicyArgs,
    /// Output format, repeatable: `table`, `json`, `sarif`, `junit`, `markdown`, `html`,
    /// optionally `=FILE` to write to a file (e.g. `--format table --format sarif=drready.sarif`).
    /// Default: table on stdout.
    #[arg(long, short = 'f', value_name = "FORMAT[=FILE]")]
    pub format: Vec<String>,
    /// Fail the gate (exit 1) when the overall score is below this (0–100).
    #[arg(long, value_name = "SCORE", env = "DRREADY_FAIL_UNDER")]
    pub fail_under: Option<f64>,
    /// Fail the gate when an unwaived finding has at least this severity, or never.
    /// Default: high.
    #[arg(long, value_name = "SEVERITY", env = "DRREADY_FAIL_ON")]
    pub fail_on: Option<FailOn>,
    /// Do not exit 3 on incomplete inventory; unknown rules still count against the score.
    #[arg(long, env = "DRREADY_ALLOW_PARTIAL")]
    pub allow_partial: bool,
    /// Colour in the table: auto (only on a terminal), always, never.
    #[arg(long, default_value_t = ColorWhen::Auto, value_name = "WHEN")]
    pub color: ColorWhen,
    /// List every rule in SARIF `tool.driver.rules`, not only the rules with a result.
    #[arg(long)]
    pub sarif_all_rules: bool,
    /// JSON reports of earlier runs, oldest first (repeatable): the Markdown report adds a
    /// trend section against the newest, the HTML report a score-over-time chart of them all.
    #[arg(
        long,
        value_name = "REPORT.json",
        env = "DRREADY_PREVIOUS",
        value_delimiter = ','
    )]
    pub previous: Vec<PathBuf>,
    /// Tag keys whose values become `[redacted]` in snapshots and every report
    /// (comma-separated; added to `scope.redact_tags`).
    #[arg(
        long,
        value_name = "KEY,...",
        value_delimiter = ',',
        env = "DRREADY_REDACT_TAGS"
    )]
    pub redact_tags: Vec<String>,
}

#[derive(Debug, Args)]
pub struct EvaluateArgs {
    /// Snapshot file written by `drready snapshot` (or a fixture).
    pub snapshot: PathBuf,
    #[command(flatten)]
    pub report: ReportArgs,
}

crate::vocab::vocab! {
    /// Output formats (`md` is accepted for `markdown`).
    pub enum Format {
        Table = "table",
        Json = "json",
        Sarif = "sarif",
        Junit = "junit",
        Markdown = "markdown",
        /// One self-contained HTML file (no network access), for audits.
        Html = "html",
    }
}

crate::vocab::vocab! {
    /// When the table is coloured.
    pub enum ColorWhen {
        /// Only on a terminal, and not when NO_COLOR is set.
        Auto = "auto",
        Always = "always",
        Never = "never",
    }
}

crate::vocab::vocab! {
    /// The documents `drready schema` describes.
    pub enum SchemaKind {
        Report = "report",
        Snapshot = "snapshot",
        Runbook = "runbook",
        /// The organisation JSON report of a multi-target run or `drready merge`.
        OrgReport = "org-report",
    }
}

/// One requested output: a format and a file, or stdout.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Output {
    pub format: Format,
    pub path: Option<PathBuf>,
}

/// Parses `--format` values; at most one may go to stdout; every file's folder must exist.
pub fn parse_outputs(specs: &[String]) -> Result<Vec<Output>> {
    let outputs = parse_format_specs(specs, Format::parse, &Format::choices(), Format::Table)?;
    Ok(outputs
        .into_iter()
        .map(|(format, path)| Output { format, path })
        .collect())
}

/// Parses `--format NAME[=FILE]` values with a command's own formats (`md` is `markdown`); at
/// most one may go to stdout; every file's folder must exist; none given is `default` on stdout.
pub(crate) fn parse_format_specs<F>(
    specs: &[String],
    parse: impl Fn(&str) -> Option<F>,
    choices: &str,
    default: F,
) -> Result<Vec<(F, Option<PathBuf>)>> {
    let mut outputs = Vec::new();
    for spec in specs {
        let (name, path) = match spec.split_once('=') {
            Some((n, p)) if !p.is_empty() => (n, Some(PathBuf::from(p))),
            Some((n, _)) => bail!(Error::Usage(format!("--format {n}= needs a file name"))),
            None => (spec.as_str(), None),
        };
        let format = parse(if name == "md" { "markdown" } else { name }).ok_or_else(|| {
            Error::Usage(format!(
                "--format `{name}` is not a format; use one of {choices} (optionally =FILE)"
            ))
        })?;
        if let Some(p) = &path {
            let dir = p.parent().filter(|d| !d.as_os_str().is_empty());
            if let Some(d) = dir.filter(|d| !d.is_dir()) {
                bail!(Error::Usage(format!(
                    "cannot write {}: directory {} does not exist",
                    p.display(),
                    d.display()
                )));
            }
        }
        outputs.push((format, path));
    }
    if outputs.is_empty() {
        outputs.push((default, None));
    }
    if outputs.iter().filter(|o| o.1.is_none()).count() > 1 {
        bail!(Error::Usage(
            "only one --format can go to stdout; give the others a file, e.g. --format json=report.json"
                .into()
        ));
    }
    Ok(outputs)
}

/// Runs the program and returns its exit status; errors are printed here.
pub fn main() -> ExitStatus {
    let cli = match Cli::try_parse() {
        Ok(c) => c,
        Err(e) => {
            let _ = e.print();
            return match e.kind() {
                clap::error::ErrorKind::DisplayHelp | clap::error::ErrorKind::DisplayVersion => {
                    ExitStatus::Ready
                }
                _ => ExitStatus::Usage,
            };
        }
    };
    init_logging(cli.verbose, cli.quiet);
    match run(cli) {
        Ok(status) => status,
        Err(e) => {
            eprintln!("error: {e}");
            for cause in e.chain().skip(1) {
                eprintln!("  caused by: {cause}");
            }
            crate::gate::for_error(&e)
        }
    }
}

fn init_logging(verbose: u8, quiet: bool) {
    let level = match (quiet, verbose) {
        (true, _) => "error",
        (false, 0) => "warn",
        (false, 1) => "info",
        (false, 2) => "debug",
        _ => "trace",
    };
    use tracing_subscriber::Layer;
    use tracing_subscriber::layer::SubscriberExt;
    use tracing_subscriber::util::SubscriberInitExt;

    let filter = tracing_subscriber::EnvFilter::try_from_env("DRREADY_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(format!("drready={level}")));
    // The AWS SDK's debug and trace events print credentials: the access key id, the signed
    // request with its session token and Authorization header, the canonical request, raw
    // answers that echo them. Only drready's own events go below INFO, whatever DRREADY_LOG
    // asks for (tests/faults.rs greps every log level for the test credentials).
    let no_secrets = tracing_subscriber::filter::filter_fn(|meta| {
        meta.target().starts_with("drready") || *meta.level() <= tracing::Level::INFO
    });
    let layer = tracing_subscriber::fmt::layer()
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .with_target(false)
        .with_filter(filter)
        .with_filter(no_secrets);
    let _ = tracing_subscriber::registry().with(layer).try_init();
}

/// Runs a parsed command line.
pub fn run(cli: Cli) -> Result<ExitStatus> {
    let quiet = cli.quiet;
    match cli.command {
        Command::Evaluate(args) => evaluate(args, quiet),
        Command::Diff(args) => diff::run(args, quiet),
        Command::Init(args) => init(args, quiet),
        Command::Scan(args) => scan::scan(args, quiet),
        Command::Snapshot(args) => scan::snapshot(args, quiet),
        Command::Merge(args) => org::merge(args, quiet),
        Command::Doctor(args) => doctor::run(args),
        Command::Runbook(args) => runbook::run(args, quiet),
        Command::Policies(PoliciesCommand::List(args)) => list(args),
        Command::Policies(PoliciesCommand::Test(args)) => test(args),
        Command::Explain(args) => explain(args),
        Command::Completions { shell } => {
            let mut cmd = <Cli as clap::CommandFactory>::command();
            let mut out = std::io::stdout().lock();
            clap_complete::generate(shell, &mut cmd, "drready", &mut out);
            Ok(ExitStatus::Ready)
        }
        Command::Man => {
            let cmd = <Cli as clap::CommandFactory>::command();
            let mut out = Vec::new();
            clap_mangen::Man::new(cmd.clone()).render(&mut out)?;
            // One section per subcommand, at any depth, so every command and flag is in the
            // one page.
            fn sections(cmd: &clap::Command, prefix: &str, out: &mut Vec<u8>) -> Result<()> {
                for sub in cmd.get_subcommands().filter(|c| !c.is_hide_set()) {
                    let full = format!("{prefix} {}", sub.get_name());
                    out.extend_from_slice(format!(".SH \"{}\"\n", full.to_uppercase()).as_bytes());
                    let page = clap_mangen::Man::new(sub.clone().bin_name(full.clone()));
                    page.render_synopsis_section(&mut *out)?;
                    page.render_description_section(&mut *out)?;
                    page.render_options_section(&mut *out)?;
                    sections(sub, &full, out)?;
                }
                Ok(())
            }
            sections(&cmd, "drready", &mut out)?;
            let mut stdout = std::io::stdout().lock();
            let _ = stdout.write_all(&out);
            Ok(ExitStatus::Ready)
        }
        Command::Schema { which } => {
            let text = match which {
                SchemaKind::Snapshot => crate::schema::snapshot(),
                SchemaKind::Report => crate::schema::report(),
                SchemaKind::Runbook => crate::schema::runbook(),
                SchemaKind::OrgReport => crate::schema::org_report(),
            };
            print!("{text}");
            Ok(ExitStatus::Ready)
        }
    }
}

/// Loads the given config file, or ./drready.toml when it exists, or the defaults.
pub fn load_config_file(path: Option<&Path>) -> Result<Config> {
    Ok(match path {
        Some(p) => Config::load(p)?,
        None if Path::new("drready.toml").is_file() => Config::load(Path::new("drready.toml"))?,
        None => Config::default(),
    })
}

/// Loads the config named on the command line (or ./drready.toml) and applies flag overrides.
pub fn load_config(args: &ReportArgs) -> Result<Config> {
    let mut config = load_config_file(args.config.as_deref())?;
    if let Some(v) = args.fail_under {
        if !(0.0..=100.0).contains(&v) {
            bail!(Error::Usage(format!(
                "--fail-under {v} is not a score between 0 and 100"
            )));
        }
        config.gate.fail_under = Some(v);
    }
    if let Some(fail_on) = args.fail_on {
        config.gate.fail_on = fail_on.severity();
    }
    if args.allow_partial {
        config.gate.allow_partial = true;
    }
    add_redact_tags(&mut config, &args.redact_tags)?;
    Ok(config)
}

/// Adds `--redact-tags` keys to `scope.redact_tags`, refusing keys drready itself reads.
pub(crate) fn add_redact_tags(config: &mut Config, keys: &[String]) -> Result<()> {
    for key in keys {
        if let Some(why) = config.unredactable(key) {
            bail!(Error::Usage(format!(
                "--redact-tags: cannot redact tag `{key}`: {why}"
            )));
        }
        if !config.scope.redact_tags.contains(key) {
            config.scope.redact_tags.push(key.clone());
        }
    }
    Ok(())
}

fn load_policies(args: &PolicyArgs) -> Result<PolicySet> {
    PolicySet::load(!args.no_builtin, &args.policy, false)
}

fn evaluate(args: EvaluateArgs, quiet: bool) -> Result<ExitStatus> {
    let mut prepared = crate::pipeline::timed("prepare", || Prepared::new(&args.report))?;
    prepared.load_previous(&args.report)?;
    let snapshot = crate::pipeline::timed("load", || crate::snapshot::load(&args.snapshot))?;
    prepared.judge(&snapshot, &args.report, quiet)
}

/// Everything a judging command checks before it reads a snapshot or calls AWS, so a typo in a
/// flag, the config or a policy fails fast (exit 2) and never after a long scan.
pub(crate) struct Prepared {
    pub outputs: Vec<Output>,
    pub config: Config,
    pub policies: PolicySet,
    /// `--previous` reports, oldest first (single-pair runs; see [`Prepared::load_previous`]).
    pub previous: Vec<Report>,
}

impl Prepared {
    /// Outputs, configuration and policies; `--previous` is loaded by the caller once it knows
    /// whether the run judges one site pair or many.
    pub(crate) fn new(args: &ReportArgs) -> Result<Prepared> {
        let outputs = parse_outputs(&args.format)?;
        let config = load_config(args)?;
        let policies = load_policies(&args.policies)?;
        Ok(Prepared {
            outputs,
            config,
            policies,
            previous: Vec::new(),
        })
    }

    /// Loads `--previous` for a single-pair run: the Markdown trend and the HTML chart use
    /// them, so asking for them without either is an error.
    pub(crate) fn load_previous(&mut self, args: &ReportArgs) -> Result<()> {
        if args.previous.is_empty() {
            return Ok(());
        }
        if !self
            .outputs
            .iter()
            .any(|o| matches!(o.format, Format::Markdown | Format::Html))
        {
            bail!(Error::Usage(format!(
                "--previous {} is only used by the Markdown and HTML reports; add --format \
                 markdown[=FILE] or --format html=FILE",
                args.previous[0].display()
            )));
        }
        self.previous = args
            .previous
            .iter()
            .map(|p| crate::report::load(p))
            .collect::<Result<_>>()?;
        Ok(())
    }

    /// Evaluates a snapshot and writes every requested output.
    pub(crate) fn judge(
        &self,
        snapshot: &crate::snapshot::Snapshot,
        args: &ReportArgs,
        quiet: bool,
    ) -> Result<ExitStatus> {
        let report = crate::pipeline::evaluate(snapshot, &self.config, &self.policies)?;
        if !quiet {
            warn_waivers(&report);
        }
        let sarif = SarifOptions {
            all_rules: args.sarif_all_rules,
            root: std::env::current_dir().ok(),
            ..SarifOptions::default()
        };
        crate::pipeline::timed("emit", || {
            emit(&report, &self.outputs, args.color, &sarif, &self.previous)
        })?;
        Ok(report.gate.verdict.into())
    }
}

/// Warns on stderr about waivers that expired or match nothing.
pub fn warn_waivers(report: &Report) {
    use crate::findings::WaiverStatus;
    for w in &report.waivers {
        let what = match w.status {
            WaiverStatus::Expired => format!(
                "expired on {} ({} days ago) and no longer hides its {} finding{}",
                w.waiver.expires,
                -w.days_left,
                w.matched,
                crate::report::text::plural(w.matched)
            ),
            WaiverStatus::Unmatched => {
                "matches no finding; remove it, or fix its rule id or resource pattern".into()
            }
            WaiverStatus::Active => continue,
        };
        eprintln!(
            "warning: waiver at {} ({} on {}) {what}",
            w.waiver.location, w.waiver.rule, w.waiver.resource
        );
    }
}

fn init(args: InitArgs, quiet: bool) -> Result<ExitStatus> {
    crate::init::write(&args.path, args.force)?;
    if !quiet {
        eprintln!(
            "wrote {}: set the [primary] and [standby] regions, then run `drready scan`",
            args.path.display()
        );
    }
    Ok(ExitStatus::Ready)
}

/// Renders every requested output; files are written atomically. `previous` are earlier
/// reports, oldest first: the Markdown trend compares with the newest.
pub fn emit(
    report: &Report,
    outputs: &[Output],
    color: ColorWhen,
    sarif: &SarifOptions,
    previous: &[Report],
) -> Result<()> {
    for o in outputs {
        let to_tty = o.path.is_none() && std::io::stdout().is_terminal();
        let text = match o.format {
            Format::Json => crate::report::json::render(report)?,
            Format::Sarif => crate::report::sarif::render(report, sarif)?,
            Format::Junit => crate::report::junit::render(report)?,
            Format::Markdown => crate::report::markdown::render(report, previous.last())?,
            Format::Html => {
                let history: Vec<_> = previous
                    .iter()
                    .map(|p| crate::report::org::Org::of_one(p).report)
                    .collect();
                crate::report::html::render(&crate::report::org::Org::of_one(report), &history)?
            }
            Format::Table => crate::report::table::render(report, table_options(color, to_tty)),
        };
        write_output(o.path.as_deref(), &text)?;
    }
    Ok(())
}

/// How the table is drawn: colour by `--color` (auto: on a terminal without NO_COLOR), width
/// of the terminal, or `COLUMNS`, or 160.
pub(crate) fn table_options(color: ColorWhen, to_tty: bool) -> TableOptions {
    let color = match color {
        ColorWhen::Always => true,
        ColorWhen::Never => false,
        ColorWhen::Auto => to_tty && std::env::var_os("NO_COLOR").is_none(),
    };
    let width = if to_tty {
        comfy_table::Table::new().width().unwrap_or(120)
    } else {
        std::env::var("COLUMNS")
            .ok()
            .and_then(|c| c.parse().ok())
            .unwrap_or(160)
    };
    TableOptions { color, width }
}

/// Writes one rendered output to its file (atomically) or to stdout.
pub(crate) fn write_output(path: Option<&Path>, text: &str) -> Result<()> {
    match path {
        Some(p) => crate::fsutil::write_atomic(p, text.as_bytes())?,
        None => {
            let mut out = std::io::stdout().lock();
            // A closed pipe (`| head`) is not an error worth a stack of messages.
            let _ = out.write_all(text.as_bytes());
            let _ = out.flush();
        }
    }
    Ok(())
}

fn list(args: ListArgs) -> Result<ExitStatus> {
    let set = load_policies(&args.policies)?;
    if args.json {
        let text = serde_json::to_string_pretty(&set.rules)?;
        println!("{text}");
        return Ok(ExitStatus::Ready);
    }
    let mut t = comfy_table::Table::new();
    t.load_style(comfy_table::presets::UTF8_FULL)
        .set_content_arrangement(comfy_table::ContentArrangement::Dynamic);
    if !std::io::stdout().is_terminal() {
        t.set_width(160);
    }
    t.set_header(["Id", "Severity", "Category", "Title", "Source"]);
    for r in &set.rules {
        t.add_row(vec![
            r.id.clone(),
            r.severity.to_string(),
            r.category.to_string(),
            r.title.clone(),
            format!("{}:{}", r.file, r.line),
        ]);
    }
    println!("{t}");
    println!("{} rules", set.rules.len());
    Ok(ExitStatus::Ready)
}

fn test(args: TestArgs) -> Result<ExitStatus> {
    let dirs: Vec<PathBuf> = args
        .policies
        .policy
        .iter()
        .chain(&args.dirs)
        .cloned()
        .collect();
    let set = PolicySet::load(!args.policies.no_builtin, &dirs, true)?;
    let outcomes = crate::policy::testing::run(&set)?;
    let mut out = std::io::stdout().lock();
    let mut failed = 0;
    for o in &outcomes {
        if o.passed {
            writeln!(out, "PASS {}:{} {}", o.file, o.line, o.name)?;
        } else {
            failed += 1;
            writeln!(
                out,
                "FAIL {}:{} {}: {}",
                o.file,
                o.line,
                o.name,
                o.detail.as_deref().unwrap_or("")
            )?;
        }
    }
    writeln!(out, "{} passed, {} failed", outcomes.len() - failed, failed)?;
    if outcomes.is_empty() {
        bail!(Error::Usage(
            "no tests found: tests are `test_*` rules in `*_test.rego` files".into()
        ));
    }
    Ok(crate::gate::for_policy_tests(failed))
}

fn explain(args: ExplainArgs) -> Result<ExitStatus> {
    // With the tests: they are the rule's documented examples.
    let set = PolicySet::load(!args.policies.no_builtin, &args.policies.policy, true)?;
    if let Some(dir) = &args.write_docs {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
        for rule in set.rules.iter().filter(|r| r.builtin) {
            let path = dir.join(format!("{}.md", rule.id));
            crate::fsutil::write_atomic(
                &path,
                crate::policy::explain(rule, &set.sources).as_bytes(),
            )?;
        }
        return Ok(ExitStatus::Ready);
    }
    let id = args.id.unwrap_or_default();
    let Some(rule) = set.rule(&id) else {
        let known: Vec<&str> = set.rules.iter().map(|r| r.id.as_str()).collect();
        bail!(Error::Usage(format!(
            "no rule with id `{}`; known rules: {}",
            id,
            known.join(", ")
        )));
    };
    print!("{}", crate::policy::explain(rule, &set.sources));
    Ok(ExitStatus::Ready)
}

/// True for errors that are the user's to fix (exit 2) rather than a crash.
pub fn is_usage_error(e: &anyhow::Error) -> bool {
    e.chain().any(|c| c.is::<Error>()) && crate::gate::for_error(e) == ExitStatus::Usage
}
