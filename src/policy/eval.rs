//! Evaluates every rule against one input document.

use crate::error::Error;
use std::collections::BTreeSet;
use std::sync::Arc;

use anyhow::Result;
use regorus::Value;
use serde::Serialize;

use super::{PolicySet, RuleMeta};
use crate::snapshot::Snapshot;
use crate::vocab::{Service, SiteRole};

/// A rule's outcome before waivers.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Serialize,
    serde::Deserialize,
    schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum RuleStatus {
    /// Everything applicable passed.
    Pass,
    /// At least one finding.
    Fail,
    /// An input service could not be read: neither pass nor fail, counted against the score.
    Unknown,
    /// Nothing to judge.
    NotApplicable,
}

/// One finding as a rule reported it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct RawFinding {
    pub resource: String,
    pub site: SiteRole,
    pub message: String,
    pub related: Vec<String>,
}

/// What one rule said.
#[derive(Debug, Clone)]
pub struct RuleResult {
    pub rule: Arc<RuleMeta>,
    pub status: RuleStatus,
    /// Resources judged (sorted, unique).
    pub applicable: BTreeSet<String>,
    pub findings: Vec<RawFinding>,
    /// Why the outcome is unknown: the services that could not be read, per site.
    pub unknown_because: Vec<String>,
    /// Resources the rule could not judge because a read it needs failed for them (resource ARN →
    /// the failed calls). Their findings are dropped; they count as unknown in the score.
    pub unknown_resources: std::collections::BTreeMap<String, String>,
}

/// What could not be read, per resource: ARN → (service, "Api (Code), needs iam:Action").
#[derive(Debug, Default)]
struct ResourceGaps(std::collections::HashMap<String, Vec<(Service, String)>>);

impl ResourceGaps {
    fn of(snapshot: &Snapshot) -> ResourceGaps {
        let mut gaps = ResourceGaps::default();
        for role in SiteRole::BOTH {
            for e in &snapshot.site(role).collection_errors {
                if let Some(arn) = &e.resource {
                    // A data gap of the snapshot itself is no permission problem: say what it is.
                    let why = if e.code == "NotInSnapshot" {
                        format!("{} not in this snapshot: {}", e.api, e.message)
                    } else {
                        format!(
                            "{} ({}) failed: needs {}",
                            e.api,
                            e.code,
                            crate::snapshot::iam_action(e.service, &e.api)
                        )
                    };
                    gaps.0
                        .entry(arn.clone())
                        .or_default()
                        .push((e.service, why));
                }
            }
        }
        gaps
    }

    /// The failed reads of `arn` in the services `inputs`, joined; `None` when nothing it needs
    /// is missing.
    fn missing(&self, arn: &str, inputs: &[Service]) -> Option<String> {
        let why: Vec<&str> = self
            .0
            .get(arn)?
            .iter()
            .filter(|(svc, _)| inputs.contains(svc))
            .map(|(_, w)| w.as_str())
            .collect();
        (!why.is_empty()).then(|| why.join("; "))
    }

    /// Drops what the rule could not judge: a finding whose resource or related resource lacks
    /// data the rule reads, and marks every resource lacking such data unknown to the rule.
    fn apply(&self, r: &mut RuleResult) {
        if self.0.is_empty() {
            return;
        }
        let inputs = &r.rule.inputs;
        // Every resource lacking data of a service the rule reads is unknown to it, applicable or
        // not: the missing data may be what would have made it applicable (a bucket whose
        // replication could not be read looks like a bucket without replication).
        let mut unknown = std::collections::BTreeMap::new();
        for arn in self.0.keys() {
            if let Some(why) = self.missing(arn, inputs) {
                unknown.insert(arn.clone(), why);
            }
        }
        r.findings.retain(|f| {
            // The finding's own resource is the key of `unknown`: only related resources are
            // named in the reason.
            let why: Vec<String> = std::iter::once(&f.resource)
                .chain(&f.related)
                .filter_map(|x| {
                    let w = self.missing(x, inputs)?;
                    Some(if *x == f.resource {
                        w
                    } else {
                        format!("{x}: {w}")
                    })
                })
                .collect();
            if why.is_empty() {
                true
            } else {
                unknown.insert(f.resource.clone(), why.join("; "));
                false
            }
        });
        if unknown.is_empty() {
            return;
        }
        r.status = if !r.findings.is_empty() {
            RuleStatus::Fail
        } else if r.applicable.iter().all(|a| unknown.contains_key(a)) {
            RuleStatus::Unknown
        } else {
            RuleStatus::Pass
        };
        if r.status == RuleStatus::Unknown {
            r.unknown_because = unknown
                .iter()
                .map(|(arn, why)| format!("{arn}: {why}"))
                .collect();
        }
        r.unknown_resources = unknown;
    }
}

/// Evaluates all rules; rules whose inputs were not collected are `Unknown` without evaluation.
///
/// `make_input` builds the input document, once. Each rule thread gets its own copy of the
/// document's top levels (`input::thread_copy`: the root, the sites, the services, the site
/// indexes) and shares everything below (collections, lookup maps, resources): the interpreter
/// bumps the reference counts of the values on its path on every `input.…` access, and two
/// threads bumping the same counters were measured no faster than one (docs/performance.md).
pub fn evaluate(
    set: &PolicySet,
    snapshot: &Snapshot,
    make_input: &(dyn Fn() -> Result<Value> + Sync),
) -> Result<Vec<RuleResult>> {
    let failed: Vec<(SiteRole, BTreeSet<Service>)> = [SiteRole::Primary, SiteRole::Standby]
        .into_iter()
        .map(|r| (r, snapshot.site(r).unlisted_services()))
        .collect();

    let mut to_run = Vec::new();
    let mut results: Vec<Option<RuleResult>> = vec![None; set.rules.len()];
    for (i, rule) in set.rules.iter().enumerate() {
        let mut because = Vec::new();
        for (role, services) in &failed {
            for s in rule.inputs.iter().filter(|s| services.contains(s)) {
                because.push(format!("{role} {s} could not be listed"));
            }
        }
        if because.is_empty() {
            to_run.push(i);
        } else {
            results[i] = Some(RuleResult {
                rule: rule.clone(),
                status: RuleStatus::Unknown,
                applicable: BTreeSet::new(),
                findings: Vec::new(),
                unknown_because: because,
                unknown_resources: Default::default(),
            });
        }
    }

    // Rules are independent: spread them over the cores, each thread with its own engine, taking
    // the next rule from a shared queue so that one slow rule does not leave a core idle.
    let threads = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(to_run.len().max(1));
    let next = std::sync::atomic::AtomicUsize::new(0);
    let start = std::time::Instant::now();
    let input = make_input()?;
    tracing::debug!(
        ms = format_args!("{:.1}", start.elapsed().as_secs_f64() * 1e3),
        "policy input built"
    );
    let evaluated: Vec<Result<Vec<(usize, RuleResult)>>> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                let mut engine = set.engine();
                let (next, to_run, input) = (&next, &to_run, &input);
                scope.spawn(move || -> Result<Vec<(usize, RuleResult)>> {
                    let start = std::time::Instant::now();
                    engine.set_input(super::input::thread_copy(input));
                    tracing::debug!(
                        ms = format_args!("{:.1}", start.elapsed().as_secs_f64() * 1e3),
                        "policy input copied for a rule thread"
                    );
                    let mut done = Vec::new();
                    loop {
                        let k = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                        let Some(&i) = to_run.get(k) else {
                            return Ok(done);
                        };
                        let start = std::time::Instant::now();
                        let result = run_rule(&mut engine, &set.rules[i])?;
                        tracing::debug!(
                            rule = %set.rules[i].id,
                            ms = format_args!("{:.1}", start.elapsed().as_secs_f64() * 1e3),
                            "rule evaluated"
                        );
                        done.push((i, result));
                    }
                })
            })
            .collect();
        handles
            .into_iter()
            .map(|h| {
                h.join()
                    .unwrap_or_else(|_| Err(anyhow::anyhow!("rule evaluation panicked")))
            })
            .collect()
    });
    let gaps = ResourceGaps::of(snapshot);
    for batch in evaluated {
        for (i, mut r) in batch? {
            gaps.apply(&mut r);
            results[i] = Some(r);
        }
    }
    Ok(results.into_iter().flatten().collect())
}

fn run_rule(engine: &mut regorus::Engine, rule: &Arc<RuleMeta>) -> Result<RuleResult> {
    let at = format!("{}:{}: rule {}", rule.file, rule.line, rule.id);
    let failure = |name: &str, e: anyhow::Error| -> anyhow::Error {
        let text = e.to_string();
        let hint = if text.contains("exceeded time limit") {
            format!(
                "; the rule ran past the evaluation time limit of {:?} \
                 (DRREADY_RULE_TIMEOUT_SECS). Look for a loop or a comprehension over \
                 the product of large collections; pairing belongs in `input.parity`",
                super::engine::rule_timeout()
            )
        } else {
            String::new()
        };
        Error::Policy(format!("{at}: evaluating `{name}` failed: {text}{hint}")).into()
    };
    let to_json = |name: &str, v: &Value| -> Result<serde_json::Value> {
        if *v == Value::Undefined {
            return Ok(serde_json::Value::Array(Vec::new()));
        }
        serde_json::to_value(v)
            .map_err(|e| Error::Policy(format!("{at}: `{name}` is not JSON-like: {e}")).into())
    };

    // `applicable` and `deny` in one query, so the helper rules both read (the scans of the
    // input) are evaluated once: `eval_rule` starts every call from a clean state. Each is
    // wrapped in a comprehension so an undefined one does not make the whole query undefined.
    let pkg = &rule.package;
    let query = format!("applicable := [x | x := {pkg}.applicable]; deny := [x | x := {pkg}.deny]");
    let (applicable_v, deny_v) = match engine.eval_query(query, false) {
        Ok(results) => {
            let bindings = results
                .result
                .first()
                .map(|r| r.bindings.clone())
                .unwrap_or(Value::Undefined);
            let first = |name: &str| bindings[name][0].clone();
            (first("applicable"), to_json("deny", &first("deny"))?)
        }
        Err(e) if e.to_string().contains("exceeded time limit") => {
            return Err(failure("applicable` and `deny", e));
        }
        // Evaluate them one at a time to name the one that fails.
        Err(_) => {
            let mut eval = |name: &str| -> Result<Value> {
                engine
                    .eval_rule(format!("{pkg}.{name}"))
                    .map_err(|e| failure(name, e))
            };
            (eval("applicable")?, to_json("deny", &eval("deny")?)?)
        }
    };

    // Read straight from the regorus value: `applicable` can hold every resource of a kind, and
    // a detour through `serde_json` would copy each key twice.
    let items: Vec<&Value> = match &applicable_v {
        Value::Undefined => Vec::new(),
        // An array from the query; a set when evaluated alone (the fallback above).
        Value::Array(a) => a.iter().collect(),
        Value::Set(s) => s.iter().collect(),
        other => {
            return Err(Error::Policy(format!(
                "{at}: `applicable` must be a set of resource keys (strings), got {}",
                kind(&to_json("applicable", other)?)
            ))
            .into());
        }
    };
    let mut applicable = BTreeSet::new();
    for item in items {
        let Value::String(s) = item else {
            return Err(Error::Policy(format!(
                "{at}: `applicable` must hold resource keys (strings), found {}",
                to_json("applicable", item)?
            ))
            .into());
        };
        applicable.insert(s.to_string());
    }

    let Some(items) = deny_v.as_array() else {
        return Err(Error::Policy(format!(
            "{at}: `deny` must be a set of findings, got {}",
            kind(&deny_v)
        ))
        .into());
    };
    let mut findings = Vec::with_capacity(items.len());
    for item in items {
        findings.push(parse_finding(item).map_err(|m| {
            Error::Policy(format!(
                "{at}: malformed finding {item}: {m}; a finding is {{\"resource\": string, \
                 \"site\": \"primary\"|\"standby\", \"message\": string, \"related\": [strings]}}"
            ))
        })?);
    }
    findings.sort();
    findings.dedup();
    let status = if !findings.is_empty() {
        RuleStatus::Fail
    } else if applicable.is_empty() {
        RuleStatus::NotApplicable
    } else {
        RuleStatus::Pass
    };
    Ok(RuleResult {
        rule: rule.clone(),
        status,
        applicable,
        findings,
        unknown_because: Vec::new(),
        unknown_resources: Default::default(),
    })
}

fn kind(v: &serde_json::Value) -> &'static str {
    match v {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "a boolean",
        serde_json::Value::Number(_) => "a number",
        serde_json::Value::String(_) => "a string",
        serde_json::Value::Array(_) => "an array",
        serde_json::Value::Object(_) => "an object",
    }
}

fn parse_finding(v: &serde_json::Value) -> std::result::Result<RawFinding, String> {
    let obj = v.as_object().ok_or("not an object")?;
    let resource = match obj.get("resource") {
        Some(serde_json::Value::String(s)) if !s.is_empty() => s.clone(),
        Some(_) => return Err("`resource` must be a non-empty string".into()),
        None => return Err("`resource` is missing".into()),
    };
    let message = match obj.get("message") {
        Some(serde_json::Value::String(s)) => s.clone(),
        Some(_) => return Err("`message` must be a string".into()),
        None => return Err("`message` is missing".into()),
    };
    let site = match obj.get("site").map(|s| s.as_str()) {
        None => SiteRole::Primary,
        Some(Some("primary")) => SiteRole::Primary,
        Some(Some("standby")) => SiteRole::Standby,
        Some(_) => return Err("`site` must be \"primary\" or \"standby\"".into()),
    };
    let related = match obj.get("related") {
        None | Some(serde_json::Value::Null) => Vec::new(),
        Some(serde_json::Value::Array(items)) => items
            .iter()
            .map(|i| i.as_str().map(String::from))
            .collect::<Option<Vec<_>>>()
            .ok_or("`related` must be an array of strings")?,
        Some(_) => return Err("`related` must be an array of strings".into()),
    };
    Ok(RawFinding {
        resource,
        site,
        message,
        related,
    })
}
