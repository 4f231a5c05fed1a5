//! `drready.toml`: parsed into a raw structure (unknown fields are errors with line and column),
//! then validated into [`Config`], whose values are ready to use.

use crate::error::Error;
use std::path::{Path, PathBuf};

use anyhow::Result;
use chrono::NaiveDate;
use serde::Deserialize;
use toml::Spanned;

use crate::vocab::{FailOn, Service, Severity};

/// One site: an AWS account and region, and how to reach it.
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SiteConfig {
    /// AWS region, e.g. `us-east-1`.
    pub region: Option<String>,
    /// Named profile from the shared AWS config/credentials files.
    pub profile: Option<String>,
    /// Role to assume for this site (cross-account standby, read-only role).
    pub role_arn: Option<String>,
    /// External id required by the role's trust policy.
    pub external_id: Option<String>,
    /// Endpoint override (e.g. a moto server or a VPC endpoint).
    pub endpoint_url: Option<String>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    #[serde(default)]
    primary: SiteConfig,
    #[serde(default)]
    standby: SiteConfig,
    #[serde(default)]
    scope: ScopeConfig,
    #[serde(default)]
    pairing: PairingConfig,
    #[serde(default)]
    objectives: RawObjectives,
    #[serde(default)]
    gate: RawGate,
    #[serde(default)]
    collect: CollectConfig,
    #[serde(default)]
    waiver: Vec<Spanned<RawWaiver>>,
    #[serde(default)]
    targets: Vec<Spanned<RawTarget>>,
}

/// One `[[targets]]` entry: a named site pair with its own sites, objectives and scope.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTarget {
    name: Option<Spanned<String>>,
    #[serde(default)]
    primary: SiteConfig,
    #[serde(default)]
    standby: SiteConfig,
    #[serde(default)]
    objectives: RawObjectives,
    scope: Option<ScopeConfig>,
}

/// A file of `[[targets]]` only (`--targets FILE`).
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTargetsFile {
    #[serde(default)]
    targets: Vec<Spanned<RawTarget>>,
}

/// A named site pair of a multi-target run, as declared; [`Config::target_configs`] turns each
/// into a whole configuration.
#[derive(Debug, Clone, PartialEq)]
pub struct Target {
    pub name: String,
    pub primary: SiteConfig,
    pub standby: SiteConfig,
    /// The objectives with the target's own values applied over the top-level ones.
    pub objectives: Objectives,
    /// The target's own `[targets.scope]`, which replaces the top-level `[scope]` whole.
    pub scope: Option<ScopeConfig>,
    /// `file:line` of its `[[targets]]` header.
    pub location: String,
}

/// Which resources are judged.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ScopeConfig {
    /// Services to collect; a service left out is neither collected nor judged.
    #[serde(default = "default_services")]
    pub services: Vec<String>,
    /// Tag that takes a resource out of scope when set to `none` (default `dr:scope`).
    #[serde(default = "default_scope_tag")]
    pub scope_tag: String,
    /// Tag keys whose values are dropped from snapshots and reports.
    #[serde(default)]
    pub redact_tags: Vec<String>,
    /// ARN globs (`*`, `?`) left out of scope: neither judged nor reported.
    #[serde(default)]
    pub exclude: Vec<String>,
    /// ARN globs that are DR data whatever they look like (a bucket named like tooling that
    /// really holds application data).
    #[serde(default)]
    pub include: Vec<String>,
    /// Tag whose value `true` or `false` says whether a resource is DR data (default `dr:data`).
    #[serde(default = "default_data_tag")]
    pub data_tag: String,
}

fn default_data_tag() -> String {
    "dr:data".to_string()
}

impl Default for ScopeConfig {
    fn default() -> Self {
        ScopeConfig {
            services: default_services(),
            scope_tag: default_scope_tag(),
            redact_tags: Vec::new(),
            exclude: Vec::new(),
            include: Vec::new(),
            data_tag: default_data_tag(),
        }
    }
}

fn default_services() -> Vec<String> {
    crate::vocab::Service::ALL
        .iter()
        .map(|s| s.as_str().to_string())
        .collect()
}
fn default_scope_tag() -> String {
    "dr:scope".into()
}

/// How primary resources find their standby twins.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct PairingConfig {
    /// Explicit pairing tag: equal values on a primary and a standby resource make them twins.
    #[serde(default = "default_pair_tag")]
    pub pair_tag: String,
    /// Tag that groups instances into workloads (applications).
    #[serde(default = "default_app_tag")]
    pub app_tag: String,
    /// Tag giving a workload's DR tier (`pilot-light` or `warm-standby`).
    #[serde(default = "default_tier_tag")]
    pub tier_tag: String,
    /// Extra name rewrites applied after the region tokens, e.g. `{ from = "east", to = "west" }`.
    #[serde(default)]
    pub rewrites: Vec<Rewrite>,
    /// `[primary word, standby word]` pairs tried, one pair at a time and in order, on names the
    /// region tokens did not pair: `prod-main-app` → `prod-dr-app`. Whole words only (between
    /// `-`, `_`, `.`, `/`), case-insensitive. Replaces the defaults; `[]` turns them off.
    #[serde(default = "default_role_words", deserialize_with = "role_word_pairs")]
    pub role_words: Vec<[String; 2]>,
}

impl Default for PairingConfig {
    fn default() -> Self {
        PairingConfig {
            pair_tag: default_pair_tag(),
            app_tag: default_app_tag(),
            tier_tag: default_tier_tag(),
            rewrites: Vec::new(),
            role_words: default_role_words(),
        }
    }
}

/// The role words teams name their sites with, most specific first: a name carrying several
/// (`prod-main`) gets the first pair that finds a twin (`main` → `dr` before `prod` → `dr`).
/// Left out on purpose: `blue`/`green` (deployments, not sites), `pri`/`sec` (`sec` is security).
pub fn default_role_words() -> Vec<[String; 2]> {
    [
        ["primary", "standby"],
        ["primary", "secondary"],
        ["primary", "dr"],
        ["main", "dr"],
        ["prod", "dr"],
        ["production", "dr"],
        ["active", "passive"],
    ]
    .into_iter()
    .map(|pair| pair.map(String::from))
    .collect()
}

/// `[[a, b], ...]`, each entry exactly two words (serde alone would drop a third).
fn role_word_pairs<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> std::result::Result<Vec<[String; 2]>, D::Error> {
    let lists: Vec<Vec<String>> = Deserialize::deserialize(d)?;
    lists
        .into_iter()
        .map(|words| {
            <[String; 2]>::try_from(words).map_err(|words| {
                serde::de::Error::custom(format!(
                    "pairing.role_words: {words:?} is not a pair; each entry is [primary word, \
                     standby word], e.g. [\"main\", \"dr\"]"
                ))
            })
        })
        .collect()
}

impl PairingConfig {
    /// Why the pairing settings are unusable, if they are.
    fn problem(&self) -> Option<String> {
        for [primary, standby] in &self.role_words {
            for word in [primary, standby] {
                let sep = |c: char| matches!(c, '-' | '_' | '.' | '/');
                if word.is_empty() || word.chars().any(char::is_whitespace) {
                    return Some(format!(
                        "pairing.role_words: `{word}` is not a word; words are non-empty and \
                         without spaces"
                    ));
                }
                if word.starts_with(sep) || word.ends_with(sep) {
                    return Some(format!(
                        "pairing.role_words: `{word}` starts or ends with a separator (- _ . /); \
                         write the word alone"
                    ));
                }
            }
            if primary.eq_ignore_ascii_case(standby) {
                return Some(format!(
                    "pairing.role_words: [\"{primary}\", \"{standby}\"] names the same word twice; \
                     give the primary's word, then the standby's"
                ));
            }
        }
        None
    }
}

fn default_pair_tag() -> String {
    "dr:pair".into()
}
fn default_tier_tag() -> String {
    "dr:tier".into()
}
fn default_app_tag() -> String {
    "app".into()
}

#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct Rewrite {
    pub from: String,
    pub to: String,
}

/// Collection tuning.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct CollectConfig {
    /// Most AWS calls in flight at once, over both sites.
    #[serde(default = "default_concurrency")]
    pub max_concurrency: usize,
    /// Timeout of one attempt of one call, in seconds.
    #[serde(default = "default_attempt_timeout")]
    pub attempt_timeout_secs: u64,
    /// Timeout of one call including retries, in seconds.
    #[serde(default = "default_call_timeout")]
    pub call_timeout_secs: u64,
    /// Attempts per call (adaptive retry).
    #[serde(default = "default_attempts")]
    pub max_attempts: u32,
}

impl Default for CollectConfig {
    fn default() -> Self {
        CollectConfig {
            max_concurrency: default_concurrency(),
            attempt_timeout_secs: default_attempt_timeout(),
            call_timeout_secs: default_call_timeout(),
            max_attempts: default_attempts(),
        }
    }
}

/// Chosen by measurement (`scripts/bench-scan --sweep`, docs/performance.md): against moto with
/// 50 ms added per call (a real region's latency), a 50-application estate (532 calls) took
/// 6.2 s at 8, 3.9 s at 16, 3.0 s at 32, 2.5 s at 64 and 2.7 s at 128 calls in flight; without
/// latency the limit made no difference (the emulator is the bottleneck). 64 is where the
/// latency stops mattering. AWS throttling answers are retried with backoff.
fn default_concurrency() -> usize {
    64
}
fn default_attempt_timeout() -> u64 {
    10
}
fn default_call_timeout() -> u64 {
    60
}
fn default_attempts() -> u32 {
    5
}

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawObjectives {
    rpo: Option<Spanned<String>>,
    rto: Option<Spanned<String>>,
    dns_ttl_max: Option<Spanned<String>>,
    copy_grace: Option<Spanned<String>>,
    failback: Option<bool>,
    default_tier: Option<Spanned<String>>,
}

/// Recovery objectives, in seconds, passed to policies as `input.objectives`.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize, schemars::JsonSchema)]
pub struct Objectives {
    pub rpo_seconds: u64,
    pub rto_seconds: u64,
    pub dns_ttl_max_seconds: u64,
    /// How long a new snapshot or AMI may go uncopied before it is a finding: copies take time.
    #[serde(default = "default_copy_grace")]
    pub copy_grace_seconds: u64,
    pub failback: bool,
    /// `pilot-light` or `warm-standby`; workloads override it with the `dr:tier` tag.
    pub default_tier: String,
}

impl Default for Objectives {
    fn default() -> Self {
        Objectives {
            rpo_seconds: 24 * 3600,
            rto_seconds: 4 * 3600,
            dns_ttl_max_seconds: 60,
            copy_grace_seconds: default_copy_grace(),
            failback: false,
            default_tier: "pilot-light".into(),
        }
    }
}

fn default_copy_grace() -> u64 {
    3600
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawGate {
    fail_under: Option<Spanned<f64>>,
    fail_on: Option<Spanned<String>>,
    allow_partial: Option<bool>,
}

/// The release gate.
#[derive(Debug, Clone, PartialEq)]
pub struct Gate {
    /// Fail when the overall score is below this.
    pub fail_under: Option<f64>,
    /// Fail when an unwaived finding has at least this severity; `None` turns it off.
    pub fail_on: Option<Severity>,
    /// Do not fail (exit 3) on incomplete inventory; unknowns still count against the score.
    pub allow_partial: bool,
}

impl Default for Gate {
    fn default() -> Self {
        Gate {
            fail_under: None,
            fail_on: Some(Severity::High),
            allow_partial: false,
        }
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawWaiver {
    rule: Option<Spanned<String>>,
    resource: Option<Spanned<String>>,
    reason: Option<Spanned<String>>,
    /// Any value, so that a string or a number gets a message naming `expires`.
    expires: Option<Spanned<toml::Value>>,
    owner: Option<String>,
    ticket: Option<String>,
}

/// An accepted risk: hides matching findings from the gate and the score until it expires.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize, schemars::JsonSchema)]
pub struct Waiver {
    pub rule: String,
    /// ARN glob: `*` matches any run of characters, `?` one character.
    pub resource: String,
    pub reason: String,
    pub expires: NaiveDate,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ticket: Option<String>,
    /// `file:line` where the waiver is declared.
    pub location: String,
    #[serde(skip)]
    pub line: usize,
}

/// The validated configuration.
#[derive(Debug, Clone)]
pub struct Config {
    /// The file it came from (`None`: defaults only).
    pub path: Option<PathBuf>,
    pub primary: SiteConfig,
    pub standby: SiteConfig,
    pub scope: ScopeConfig,
    pub pairing: PairingConfig,
    pub objectives: Objectives,
    pub gate: Gate,
    pub collect: CollectConfig,
    pub waivers: Vec<Waiver>,
    /// `[[targets]]`: the named site pairs of a multi-target run (empty: the one pair of
    /// `[primary]` and `[standby]`).
    pub targets: Vec<Target>,
    /// The target this configuration judges, in a multi-target run (reports carry it).
    pub target: Option<String>,
    /// Whether global resources that name no region (a failover record whose answers and
    /// health checks name no region, a role nothing regional uses) are judged in this run:
    /// true unless another target of the same account owns them (`crate::snapshot::attribution`).
    pub owns_unattributed: bool,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            path: None,
            primary: SiteConfig::default(),
            standby: SiteConfig::default(),
            scope: ScopeConfig::default(),
            pairing: PairingConfig::default(),
            objectives: Objectives::default(),
            gate: Gate::default(),
            collect: CollectConfig::default(),
            waivers: Vec::new(),
            targets: Vec::new(),
            target: None,
            owns_unattributed: true,
        }
    }
}

impl Config {
    /// Replaces `[[targets]]` with those of a targets file (`--targets FILE`: a TOML file of
    /// `[[targets]]` tables only); the file's objectives apply over this configuration's.
    pub fn load_targets(&mut self, path: &Path) -> Result<()> {
        let file = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| {
            Error::Config(format!(
                "cannot read targets file {file}: {e}; it is a TOML file of [[targets]] tables \
                 (docs/organisation.md)"
            ))
        })?;
        let raw: RawTargetsFile =
            toml::from_str(&text).map_err(|e| toml_error(&text, &file, &e))?;
        let err = |span: std::ops::Range<usize>, msg: String| -> anyhow::Error {
            let (l, c) = line_col(&text, span.start);
            Error::Config(format!("config {file}:{l}:{c}: {msg}")).into()
        };
        let targets = parse_targets(raw.targets, &self.objectives, &file, &text, &err)?;
        if targets.is_empty() {
            return Err(Error::Config(format!(
                "targets file {file} declares no [[targets]]; add one table per site pair \
                 (docs/organisation.md)"
            ))
            .into());
        }
        self.targets = targets;
        Ok(())
    }

    /// Whether this is a multi-target run (`[[targets]]` or `--targets`).
    pub fn is_multi_target(&self) -> bool {
        !self.targets.is_empty()
    }

    /// One whole configuration per target: the target's sites (each key it sets over the
    /// top-level `[primary]`/`[standby]`), objectives and scope; everything else shared. Without
    /// `[[targets]]`, this configuration alone.
    pub fn target_configs(&self) -> Vec<Config> {
        if self.targets.is_empty() {
            return vec![self.clone()];
        }
        fn over(base: &SiteConfig, own: &SiteConfig) -> SiteConfig {
            let pick = |a: &Option<String>, b: &Option<String>| a.clone().or_else(|| b.clone());
            SiteConfig {
                region: pick(&own.region, &base.region),
                profile: pick(&own.profile, &base.profile),
                role_arn: pick(&own.role_arn, &base.role_arn),
                external_id: pick(&own.external_id, &base.external_id),
                endpoint_url: pick(&own.endpoint_url, &base.endpoint_url),
            }
        }
        self.targets
            .iter()
            .map(|t| Config {
                primary: over(&self.primary, &t.primary),
                standby: over(&self.standby, &t.standby),
                objectives: t.objectives.clone(),
                scope: t.scope.clone().unwrap_or_else(|| self.scope.clone()),
                targets: Vec::new(),
                target: Some(t.name.clone()),
                ..self.clone()
            })
            .collect()
    }

    /// Reads and validates a config file.
    pub fn load(path: &Path) -> Result<Config> {
        let bytes = std::fs::read(path).map_err(|e| {
            Error::Config(format!(
                "cannot read config {}: {e}; run `drready init` to write one",
                path.display()
            ))
        })?;
        let text = String::from_utf8(bytes).map_err(|e| {
            Error::Config(format!(
                "config {} is not UTF-8 text (invalid byte at offset {}); drready.toml is a \
                 UTF-8 TOML file",
                path.display(),
                e.utf8_error().valid_up_to()
            ))
        })?;
        Config::parse(&text, path)
    }

    /// Parses config text; `path` names it in errors.
    pub fn parse(text: &str, path: &Path) -> Result<Config> {
        let file = path.display().to_string();
        let raw: RawConfig = toml::from_str(text).map_err(|e| toml_error(text, &file, &e))?;
        let err = |span: std::ops::Range<usize>, msg: String| -> anyhow::Error {
            let (l, c) = line_col(text, span.start);
            Error::Config(format!("config {file}:{l}:{c}: {msg}")).into()
        };

        let mut objectives = Objectives::default();
        apply_objectives(raw.objectives, &mut objectives, "objectives", &err)?;

        let mut gate = Gate::default();
        if let Some(f) = raw.gate.fail_under {
            let v = *f.get_ref();
            if !(0.0..=100.0).contains(&v) {
                return Err(err(
                    f.span(),
                    format!("gate.fail_under: {v} is not a score between 0 and 100"),
                ));
            }
            gate.fail_under = Some(v);
        }
        if let Some(s) = raw.gate.fail_on {
            let fail_on = FailOn::parse(s.get_ref()).ok_or_else(|| {
                err(
                    s.span(),
                    format!(
                        "gate.fail_on: `{}` is not a severity; use one of {}",
                        s.get_ref(),
                        FailOn::choices()
                    ),
                )
            })?;
            gate.fail_on = fail_on.severity();
        }
        if let Some(p) = raw.gate.allow_partial {
            gate.allow_partial = p;
        }

        if let Some(problem) = raw.pairing.problem() {
            return Err(Error::Config(format!("config {file}: {problem}")).into());
        }

        check_services(&raw.scope.services, &file, "scope.services")?;
        let targets = parse_targets(raw.targets, &objectives, &file, text, &err)?;

        let mut waivers = Vec::new();
        for (i, w) in raw.waiver.into_iter().enumerate() {
            // Where the waiver starts: its `[[waiver]]` header, or its `{` in the inline form
            // `waiver = [{ ... }]` (the span toml gives the table).
            let header = w.span().start;
            let w = w.into_inner();
            let need = |name: &str| {
                err(
                    header..header,
                    format!(
                        "waiver #{} is missing `{name}`; a waiver needs rule, resource, reason and \
                         expires",
                        i + 1
                    ),
                )
            };
            let rule = w.rule.ok_or_else(|| need("rule"))?;
            let resource = w.resource.ok_or_else(|| need("resource"))?;
            let reason = w.reason.ok_or_else(|| need("reason"))?;
            let expires = w.expires.ok_or_else(|| need("expires"))?;
            if reason.get_ref().trim().is_empty() {
                return Err(err(reason.span(), "waiver reason must not be empty".into()));
            }
            let date = match expires.get_ref() {
                toml::Value::Datetime(dt) => dt.date,
                _ => None,
            }
            .and_then(|d| NaiveDate::from_ymd_opt(d.year as i32, d.month as u32, d.day as u32))
            .ok_or_else(|| {
                err(
                    expires.span(),
                    "waiver expires must be a date such as 2027-01-31".into(),
                )
            })?;
            let (line, _) = line_col(text, header);
            waivers.push(Waiver {
                rule: rule.into_inner(),
                resource: resource.into_inner(),
                reason: reason.into_inner(),
                expires: date,
                owner: w.owner,
                ticket: w.ticket,
                location: format!("{file}:{line}"),
                line,
            });
        }

        let config = Config {
            path: Some(path.to_path_buf()),
            primary: raw.primary,
            standby: raw.standby,
            scope: raw.scope,
            pairing: raw.pairing,
            objectives,
            gate,
            collect: raw.collect,
            waivers,
            targets,
            target: None,
            owns_unattributed: true,
        };
        for key in &config.scope.redact_tags {
            if let Some(why) = config.unredactable(key) {
                return Err(Error::Config(format!(
                    "config {file}: scope.redact_tags: cannot redact tag `{key}`: {why}"
                ))
                .into());
            }
        }
        Ok(config)
    }

    /// Why the values of tag `key` may not be redacted, if they may not: drready reads them to
    /// pair resources, group workloads, scope, or follow copy lineage and tiers (`dr:*`), so
    /// redacting them would change the verdict.
    pub fn unredactable(&self, key: &str) -> Option<String> {
        let role = if key == self.pairing.pair_tag {
            "it pairs primary and standby resources (pairing.pair_tag)"
        } else if key == self.pairing.app_tag {
            "it groups instances into workloads (pairing.app_tag)"
        } else if key == self.pairing.tier_tag {
            "it gives a workload's DR tier (pairing.tier_tag)"
        } else if key == self.scope.scope_tag {
            "it takes resources out of scope (scope.scope_tag)"
        } else if key == "Name" {
            "it is the resources' names, and resources are paired by name"
        } else if key.starts_with("dr:") {
            "drready reads `dr:*` tags (copy lineage, tiers)"
        } else if key.trim().is_empty() {
            return Some("a tag key must not be empty".into());
        } else {
            return None;
        };
        Some(format!(
            "{role}; redacting it would change the verdict. Redact only tags drready does not read"
        ))
    }
}

/// 1-based line and column of a byte offset.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset.min(text.len())];
    let line = before.matches('\n').count() + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, col)
}

/// A TOML parse error as `config FILE:LINE:COL: message (in `the line`)`.
fn toml_error(text: &str, file: &str, e: &toml::de::Error) -> anyhow::Error {
    let at = e
        .span()
        .map(|s| {
            let (l, c) = line_col(text, s.start);
            format!(":{l}:{c}")
        })
        .unwrap_or_default();
    // The offending line, so a wrong type names its key.
    let line = e
        .span()
        .and_then(|s| text.lines().nth(line_col(text, s.start).0 - 1))
        .map(|l| l.trim())
        .filter(|l| !l.is_empty() && l.chars().count() <= 120)
        .map(|l| format!(" (in `{l}`)"))
        .unwrap_or_default();
    Error::Config(format!(
        "config {file}{at}: {}{line}",
        e.message().trim_end()
    ))
    .into()
}

/// Applies the objectives a file sets over `objectives`; `prefix` names the table in errors.
fn apply_objectives(
    raw: RawObjectives,
    objectives: &mut Objectives,
    prefix: &str,
    err: &dyn Fn(std::ops::Range<usize>, String) -> anyhow::Error,
) -> Result<()> {
    let RawObjectives {
        rpo,
        rto,
        dns_ttl_max,
        copy_grace,
        failback,
        default_tier,
    } = raw;
    for (field, value, slot) in [
        ("rpo", rpo, &mut objectives.rpo_seconds),
        ("rto", rto, &mut objectives.rto_seconds),
        (
            "dns_ttl_max",
            dns_ttl_max,
            &mut objectives.dns_ttl_max_seconds,
        ),
        ("copy_grace", copy_grace, &mut objectives.copy_grace_seconds),
    ] {
        if let Some(v) = value {
            *slot = parse_duration(v.get_ref())
                .map_err(|m| err(v.span(), format!("{prefix}.{field}: {m}")))?;
        }
    }
    if let Some(f) = failback {
        objectives.failback = f;
    }
    if let Some(t) = default_tier {
        if !matches!(t.get_ref().as_str(), "pilot-light" | "warm-standby") {
            return Err(err(
                t.span(),
                format!(
                    "{prefix}.default_tier: `{}` is not a tier; use `pilot-light` or \
                     `warm-standby`",
                    t.get_ref()
                ),
            ));
        }
        objectives.default_tier = t.into_inner();
    }
    Ok(())
}

/// Validates `[[targets]]` entries; `base` is the top-level objectives each target starts from.
fn parse_targets(
    raw: Vec<Spanned<RawTarget>>,
    base: &Objectives,
    file: &str,
    text: &str,
    err: &dyn Fn(std::ops::Range<usize>, String) -> anyhow::Error,
) -> Result<Vec<Target>> {
    let mut targets: Vec<Target> = Vec::new();
    for (i, t) in raw.into_iter().enumerate() {
        let header = t.span();
        let t = t.into_inner();
        let name = t.name.ok_or_else(|| {
            err(
                header.clone(),
                format!(
                    "targets #{}: missing `name`; every target needs a unique name (it names its \
                     report file), e.g. name = \"payments-prod\"",
                    i + 1
                ),
            )
        })?;
        if let Some(why) = target_name_problem(name.get_ref()) {
            return Err(err(name.span(), format!("targets.name: {why}")));
        }
        if let Some(first) = targets.iter().find(|o| o.name == *name.get_ref()) {
            return Err(err(
                name.span(),
                format!(
                    "targets.name: `{}` is already the name of the target at {}; names must be \
                     unique",
                    name.get_ref(),
                    first.location
                ),
            ));
        }
        let mut objectives = base.clone();
        apply_objectives(t.objectives, &mut objectives, "targets.objectives", err)?;
        if let Some(scope) = &t.scope {
            check_services(&scope.services, file, "targets.scope.services")?;
        }
        let (line, _) = line_col(text, header.start);
        targets.push(Target {
            name: name.into_inner(),
            primary: t.primary,
            standby: t.standby,
            objectives,
            scope: t.scope,
            location: format!("{file}:{line}"),
        });
    }
    Ok(targets)
}

/// Why `name` cannot name a target (it becomes a file name and a SARIF category), if it cannot.
pub fn target_name_problem(name: &str) -> Option<String> {
    if name.is_empty() || name.len() > 100 {
        return Some(format!("`{name}` must be 1 to 100 characters long"));
    }
    if !name
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'))
        || name.starts_with('.')
    {
        return Some(format!(
            "`{name}` may use only letters, digits, `-`, `_` and `.` (not first): it names the \
             target's report file"
        ));
    }
    None
}

fn check_services(services: &[String], file: &str, key: &str) -> Result<()> {
    for s in services {
        if Service::parse(s).is_none() {
            return Err(Error::Config(format!(
                "config {file}: {key}: `{s}` is not a service drready reads; use one of {}",
                Service::choices()
            ))
            .into());
        }
    }
    Ok(())
}

/// Parses `90s`, `15m`, `4h`, `1d`, `1w` (or a sum such as `1h30m`) into seconds.
pub fn parse_duration(s: &str) -> std::result::Result<u64, String> {
    let bad = || format!("`{s}` is not a duration; write e.g. 30s, 15m, 4h, 1d");
    let s = s.trim();
    if s.is_empty() {
        return Err(bad());
    }
    let mut total: u64 = 0;
    let mut digits = String::new();
    for ch in s.chars() {
        if ch.is_ascii_digit() {
            digits.push(ch);
            continue;
        }
        let n: u64 = digits.parse().map_err(|_| bad())?;
        digits.clear();
        let unit = match ch {
            's' => 1,
            'm' => 60,
            'h' => 3600,
            'd' => 86_400,
            'w' => 604_800,
            _ => return Err(bad()),
        };
        total = n
            .checked_mul(unit)
            .and_then(|v| total.checked_add(v))
            .ok_or_else(bad)?;
    }
    if !digits.is_empty() {
        return Err(bad());
    }
    Ok(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations() {
        assert_eq!(parse_duration("15m"), Ok(900));
        assert_eq!(parse_duration("1h30m"), Ok(5400));
        assert_eq!(parse_duration("1d"), Ok(86_400));
        assert!(parse_duration("15").is_err());
        assert!(parse_duration("m").is_err());
        assert!(parse_duration("5y").is_err());
        assert!(parse_duration("").is_err());
    }

    #[test]
    fn unknown_field_has_line_and_column() {
        let e = Config::parse("[gate]\nfail_undr = 3\n", Path::new("d.toml")).unwrap_err();
        let m = e.to_string();
        assert!(m.starts_with("config d.toml:2:1:"), "{m}");
        assert!(m.contains("fail_undr"), "{m}");
    }

    #[test]
    fn bad_duration_points_at_value() {
        let e = Config::parse("[objectives]\nrpo = \"soon\"\n", Path::new("d.toml")).unwrap_err();
        assert!(
            e.to_string()
                .starts_with("config d.toml:2:7: objectives.rpo"),
            "{e}"
        );
    }

    #[test]
    fn role_words_default_replace_and_validate() {
        let c = Config::parse("", Path::new("d.toml")).unwrap();
        assert_eq!(c.pairing.role_words, default_role_words());
        assert_eq!(c.pairing.role_words[0], ["primary", "standby"]);
        let c = Config::parse(
            "[pairing]\nrole_words = [[\"blue\", \"green\"]]\n",
            Path::new("d.toml"),
        )
        .unwrap();
        assert_eq!(c.pairing.role_words, [["blue", "green"]]);
        let c = Config::parse("[pairing]\nrole_words = []\n", Path::new("d.toml")).unwrap();
        assert!(c.pairing.role_words.is_empty());
        for (text, want) in [
            ("role_words = [[\"a\", \"b\", \"c\"]]", "d.toml:2:"),
            ("role_words = [\"main\"]", "d.toml:2:"),
            ("role_words = [[\"main\", \"\"]]", "not a word"),
            ("role_words = [[\"main site\", \"dr\"]]", "not a word"),
            ("role_words = [[\"-main\", \"dr\"]]", "separator"),
            ("role_words = [[\"DR\", \"dr\"]]", "same word"),
        ] {
            let e = Config::parse(&format!("[pairing]\n{text}\n"), Path::new("d.toml"))
                .unwrap_err()
                .to_string();
            assert!(e.contains(want), "{text}: {e}");
            assert!(e.contains("d.toml"), "{text}: {e}");
        }
    }

    #[test]
    fn targets_inherit_sites_and_objectives_and_replace_scope() {
        let text = r#"
[primary]
profile = "org-reader"
[standby]
profile = "org-reader"
role_arn = "arn:aws:iam::222222222222:role/drready-read"
[objectives]
rpo = "4h"
rto = "2h"

[[targets]]
name = "payments"
[targets.primary]
region = "us-east-1"
[targets.standby]
region = "us-west-2"
profile = "dr-reader"
[targets.objectives]
rpo = "15m"

[[targets]]
name = "search.eu"
[targets.primary]
region = "eu-west-1"
[targets.standby]
region = "eu-central-1"
[targets.scope]
services = ["s3"]
"#;
        let c = Config::parse(text, Path::new("d.toml")).unwrap();
        assert!(c.is_multi_target());
        let all = c.target_configs();
        assert_eq!(all.len(), 2);
        let (p, e) = (&all[0], &all[1]);
        assert_eq!(p.target.as_deref(), Some("payments"));
        assert_eq!(p.primary.region.as_deref(), Some("us-east-1"));
        assert_eq!(p.primary.profile.as_deref(), Some("org-reader"));
        assert_eq!(p.standby.profile.as_deref(), Some("dr-reader"));
        assert_eq!(
            p.standby.role_arn.as_deref(),
            Some("arn:aws:iam::222222222222:role/drready-read")
        );
        assert_eq!(p.objectives.rpo_seconds, 900);
        assert_eq!(
            p.objectives.rto_seconds, 7200,
            "rto comes from the top level"
        );
        assert_eq!(p.scope, ScopeConfig::default());
        assert_eq!(e.objectives.rpo_seconds, 4 * 3600);
        assert_eq!(e.scope.services, ["s3"]);
        assert!(e.targets.is_empty() && p.targets.is_empty());
        // Without targets, the configuration is its own one target.
        let one =
            Config::parse("[primary]\nregion = \"us-east-1\"\n", Path::new("d.toml")).unwrap();
        assert!(!one.is_multi_target());
        assert_eq!(one.target_configs().len(), 1);
        assert_eq!(one.target_configs()[0].target, None);
    }

    #[test]
    fn bad_targets_name_the_line() {
        for (text, want) in [
            (
                "[[targets]]\n[targets.primary]\nregion = \"us-east-1\"\n",
                "d.toml:1:1: targets #1: missing `name`",
            ),
            (
                "[[targets]]\nname = \"a b\"\n",
                "d.toml:2:8: targets.name: `a b` may use only",
            ),
            (
                "[[targets]]\nname = \"a\"\n\n[[targets]]\nname = \"a\"\n",
                "d.toml:5:8: targets.name: `a` is already the name of the target at d.toml:1",
            ),
            (
                "[[targets]]\nname = \"a\"\n[targets.objectives]\nrpo = \"soon\"\n",
                "d.toml:4:7: targets.objectives.rpo",
            ),
            (
                "[[targets]]\nname = \"a\"\n[targets.scope]\nservices = [\"ec3\"]\n",
                "targets.scope.services: `ec3`",
            ),
            (
                "[[targets]]\nname = \"a\"\nregion = \"us-east-1\"\n",
                "d.toml:3:1",
            ),
        ] {
            let e = Config::parse(text, Path::new("d.toml"))
                .unwrap_err()
                .to_string();
            assert!(e.contains(want), "{text}: {e}");
        }
    }

    #[test]
    fn a_targets_file_replaces_the_targets() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("t.toml");
        std::fs::write(
            &file,
            "[[targets]]\nname = \"x\"\n[targets.primary]\nregion = \"us-east-1\"\n",
        )
        .unwrap();
        let mut c = Config::parse("[[targets]]\nname = \"old\"\n", Path::new("d.toml")).unwrap();
        c.load_targets(&file).unwrap();
        assert_eq!(c.targets.len(), 1);
        assert_eq!(c.targets[0].name, "x");
        std::fs::write(&file, "[gate]\nfail_on = \"high\"\n").unwrap();
        let e = c.load_targets(&file).unwrap_err().to_string();
        assert!(
            e.contains("t.toml:1:2") && e.contains("unknown field `gate`"),
            "{e}"
        );
        std::fs::write(&file, "").unwrap();
        let e = c.load_targets(&file).unwrap_err().to_string();
        assert!(e.contains("declares no [[targets]]"), "{e}");
    }

    #[test]
    fn waiver_needs_reason() {
        let text = "[[waiver]]\nrule = \"DR-S3-001\"\nresource = \"*\"\nexpires = 2027-01-01\n";
        let e = Config::parse(text, Path::new("d.toml")).unwrap_err();
        assert!(e.to_string().contains("missing `reason`"), "{e}");
        assert!(e.to_string().contains("d.toml:1:1"), "{e}");
    }

    #[test]
    fn waiver_lines_come_from_spans_in_both_forms() {
        let tables = "[gate]\nfail_on = \"high\"\n\n[[waiver]]\nrule = \"DR-S3-001\"\nresource = \"*\"\nreason = \"r\"\nexpires = 2099-01-01\n\n# [[waiver]] in a comment\n[[waiver]]\nrule = \"DR-S3-002\"\nresource = \"*\"\nreason = \"r\"\nexpires = 2099-01-01\n";
        let c = Config::parse(tables, Path::new("d.toml")).unwrap();
        let lines: Vec<usize> = c.waivers.iter().map(|w| w.line).collect();
        assert_eq!(lines, [4, 11], "{:?}", c.waivers);
        let inline = "waiver = [\n  { rule = \"DR-S3-001\", resource = \"*\", reason = \"r\", expires = 2099-01-01 },\n\n  { rule = \"DR-S3-002\", resource = \"*\", reason = \"r\", expires = 2099-01-01 },\n]\n";
        let c = Config::parse(inline, Path::new("d.toml")).unwrap();
        let lines: Vec<usize> = c.waivers.iter().map(|w| w.line).collect();
        assert_eq!(lines, [2, 4], "{:?}", c.waivers);
        assert_eq!(c.waivers[1].location, "d.toml:4");
    }
}
