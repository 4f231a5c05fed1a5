//! Loading rules into regorus, validating their metadata, and evaluating them.

use crate::error::Error;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Result;
use regorus::Engine;

use super::RuleMeta;
use crate::vocab::Service;
use crate::vocab::{Category, Severity};

mod builtin {
    include!(concat!(env!("OUT_DIR"), "/builtin_policies.rs"));
}

/// The package prefix under which rules are discovered.
pub const RULES_PREFIX: &str = "data.drready.rules.";

/// One `.rego` source.
#[derive(Debug, Clone)]
pub struct PolicySource {
    /// Display path: `policies/data/x.rego` for built-ins, the file path for user rules.
    pub path: String,
    pub text: String,
    pub builtin: bool,
}

impl PolicySource {
    pub fn is_test(&self) -> bool {
        self.path.ends_with("_test.rego")
    }

    /// The package declared by the file, as `data.a.b`.
    pub fn package(&self) -> Option<String> {
        self.text.lines().find_map(|l| {
            let rest = l.trim_start().strip_prefix("package ")?;
            Some(format!("data.{}", rest.trim()))
        })
    }

    /// 1-based line where the rule or function `name` is first defined at the start of a line
    /// (`name :=`, `name contains`, `name[k]`, `name(x)`, `name if`); `None` when it is not.
    /// `deny_extra` does not define `deny`.
    pub fn line_of(&self, name: &str) -> Option<usize> {
        self.text
            .lines()
            .position(|l| {
                l.strip_prefix(name)
                    .is_some_and(|r| r.starts_with([' ', '\t', ':', '=', '[', '{', '(']))
            })
            .map(|i| i + 1)
    }

    /// Whether the file defines `name` at the start of a line.
    pub fn defines(&self, name: &str) -> bool {
        self.line_of(name).is_some()
    }

    /// Part of the shared Rego library (`policies/lib/`, packages `data.drready.lib*` and
    /// `data.drready.testlib`): loaded for every run, with or without the built-in rules.
    pub fn is_lib(&self) -> bool {
        self.builtin && self.path.starts_with("policies/lib/")
    }
}

/// The built-in sources embedded at compile time.
pub fn builtin_sources() -> Vec<PolicySource> {
    builtin::BUILTIN
        .iter()
        .map(|(path, text)| PolicySource {
            path: (*path).to_string(),
            text: (*text).to_string(),
            builtin: true,
        })
        .collect()
}

/// Every `.rego` file under `dir`, sorted by path.
pub fn dir_sources(dir: &Path) -> Result<Vec<PolicySource>> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) -> std::io::Result<()> {
        for e in std::fs::read_dir(dir)? {
            let p = e?.path();
            if p.is_dir() {
                walk(&p, out)?;
            } else if p.extension().is_some_and(|x| x == "rego") {
                out.push(p);
            }
        }
        Ok(())
    }
    if !dir.is_dir() {
        return Err(Error::Policy(format!(
            "policy folder {} does not exist or is not a directory",
            dir.display()
        ))
        .into());
    }
    let mut files = Vec::new();
    walk(dir, &mut files)
        .map_err(|e| Error::Policy(format!("cannot read policy folder {}: {e}", dir.display())))?;
    files.sort();
    files
        .into_iter()
        .map(|p| {
            let bytes = std::fs::read(&p)
                .map_err(|e| Error::Policy(format!("cannot read policy {}: {e}", p.display())))?;
            let text = String::from_utf8(bytes)
                .map_err(|_| Error::Policy(format!("policy {} is not UTF-8 text", p.display())))?;
            Ok(PolicySource {
                path: p.display().to_string(),
                text,
                builtin: false,
            })
        })
        .collect()
}

/// Loaded, validated rules and the engine that evaluates them.
#[derive(Clone)]
pub struct PolicySet {
    engine: Engine,
    pub rules: Vec<Arc<RuleMeta>>,
    pub sources: Vec<PolicySource>,
}

/// Longest time one rule may take to evaluate before it is stopped (a policy that loops).
pub const DEFAULT_RULE_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(30);

impl PolicySet {
    /// Loads the built-in rules (unless `builtin` is false) and every rule under `dirs`.
    /// `with_tests` also loads `*_test.rego` files.
    pub fn load(builtin: bool, dirs: &[PathBuf], with_tests: bool) -> Result<PolicySet> {
        // The library is always there: custom rules may import it without the built-in rules.
        let mut sources: Vec<PolicySource> = builtin_sources()
            .into_iter()
            .filter(|s| builtin || (s.is_lib() && !s.is_test()))
            .collect();
        for d in dirs {
            for src in dir_sources(d)? {
                // A folder holding a copy of the library (the repository's `policies/`) would
                // define every library rule twice: the embedded copy serves.
                if !sources.iter().any(|b| b.builtin && b.text == src.text) {
                    sources.push(src);
                }
            }
        }
        if !with_tests {
            sources.retain(|s| !s.is_test());
        }
        PolicySet::from_sources(sources)
    }

    pub fn from_sources(sources: Vec<PolicySource>) -> Result<PolicySet> {
        let mut engine = Engine::new();
        engine.set_rego_v0(false);
        engine.set_execution_timer_config(regorus::utils::limits::ExecutionTimerConfig {
            limit: rule_timeout(),
            check_interval: std::num::NonZeroU32::new(1000).unwrap(),
        });
        for s in &sources {
            engine
                .add_policy(s.path.clone(), s.text.clone())
                .map_err(|e| Error::Policy(format!("policy {} does not compile:\n{e}", s.path)))?;
        }

        // Which file declares each rule package (the one that defines `metadata`).
        let mut package_file: HashMap<String, usize> = HashMap::new();
        for (i, s) in sources.iter().enumerate() {
            if let Some(pkg) = s.package()
                && pkg.starts_with(RULES_PREFIX)
                && s.defines("metadata")
                && !s.is_test()
            {
                package_file.entry(pkg).or_insert(i);
            }
        }
        let mut packages: Vec<String> = engine
            .get_packages()
            .map_err(|e| Error::Policy(format!("cannot list policy packages: {e}")))?
            .into_iter()
            .filter(|p| p.starts_with(RULES_PREFIX))
            .collect();
        packages.sort();
        packages.dedup();

        let mut rules = Vec::new();
        let mut ids: BTreeMap<String, String> = BTreeMap::new();
        for pkg in packages {
            let Some(&file) = package_file.get(&pkg) else {
                continue; // a test-only package
            };
            let src = &sources[file];
            let Some(line) = src.line_of("metadata") else {
                continue;
            };
            let meta_value = engine.eval_rule(format!("{pkg}.metadata")).map_err(|e| {
                Error::Policy(format!("{}: cannot evaluate metadata: {e}", src.path))
            })?;
            let meta = validate_metadata(&meta_value, &pkg, src, line)?;
            for needed in ["applicable", "deny"] {
                if !src.defines(needed) {
                    return Err(Error::Policy(format!(
                        "{}:1: rule {} does not define `{needed}`; every rule defines `metadata`, \
                         `applicable` and `deny` (docs/writing-rules.md)",
                        src.path, meta.id
                    ))
                    .into());
                }
            }
            if let Some(other) = ids.insert(meta.id.clone(), format!("{}:{line}", src.path)) {
                return Err(Error::Policy(format!(
                    "{}:{line}: rule id {} is already defined at {other}; rule ids must be unique",
                    src.path, meta.id
                ))
                .into());
            }
            rules.push(Arc::new(meta));
        }
        rules.sort_by(|a, b| a.id.cmp(&b.id));
        Ok(PolicySet {
            engine,
            rules,
            sources,
        })
    }

    pub fn rule(&self, id: &str) -> Option<&Arc<RuleMeta>> {
        self.rules.iter().find(|r| r.id.eq_ignore_ascii_case(id))
    }

    /// A fresh engine with the policies loaded, for evaluation on another thread.
    pub fn engine(&self) -> Engine {
        self.engine.clone()
    }
}

/// The evaluation time limit of one rule: `DRREADY_RULE_TIMEOUT_SECS`, else
/// [`DEFAULT_RULE_TIMEOUT`].
pub(crate) fn rule_timeout() -> std::time::Duration {
    std::env::var("DRREADY_RULE_TIMEOUT_SECS")
        .ok()
        .and_then(|v| v.parse::<f64>().ok())
        .map(std::time::Duration::from_secs_f64)
        .unwrap_or(DEFAULT_RULE_TIMEOUT)
}

fn validate_metadata(
    value: &regorus::Value,
    pkg: &str,
    src: &PolicySource,
    line: usize,
) -> Result<RuleMeta> {
    let at = format!("{}:{line}", src.path);
    let json: serde_json::Value = serde_json::to_value(value).unwrap_or(serde_json::Value::Null);
    let Some(obj) = json.as_object() else {
        return Err(Error::Policy(format!(
            "{at}: `metadata` of {pkg} must be an object with id, title, severity, category, why \
             and remediation"
        ))
        .into());
    };
    let id_for_msg = obj
        .get("id")
        .and_then(|v| v.as_str())
        .unwrap_or("(no id)")
        .to_string();
    let fail = |msg: String| -> anyhow::Error {
        Error::Policy(format!("{at}: rule {id_for_msg}: {msg}")).into()
    };
    let text = |field: &str| -> Result<String> {
        match obj.get(field) {
            Some(serde_json::Value::String(s)) if !s.trim().is_empty() => Ok(s.clone()),
            Some(serde_json::Value::String(_)) => {
                Err(fail(format!("metadata.{field} must not be empty")))
            }
            Some(_) => Err(fail(format!("metadata.{field} must be a string"))),
            None => Err(fail(format!("metadata.{field} is missing"))),
        }
    };
    let opt_text = |field: &str| -> Result<String> {
        match obj.get(field) {
            None => Ok(String::new()),
            Some(serde_json::Value::String(s)) => Ok(s.clone()),
            Some(_) => Err(fail(format!("metadata.{field} must be a string"))),
        }
    };
    let id = text("id")?;
    if !valid_id(&id) {
        return Err(fail(format!(
            "metadata.id `{id}` is not a rule id; use upper-case words and digits joined by \
             dashes, e.g. DR-S3-001 or ACME-NET-010"
        )));
    }
    let severity_s = text("severity")?;
    let severity = Severity::parse(&severity_s).ok_or_else(|| {
        fail(format!(
            "metadata.severity `{severity_s}` is not one of critical, high, medium, low"
        ))
    })?;
    let category_s = text("category")?;
    let category = Category::parse(&category_s).ok_or_else(|| {
        fail(format!(
            "metadata.category `{category_s}` is not one of data, compute, dns, identity, inventory"
        ))
    })?;
    let inputs = match obj.get("inputs") {
        None => Service::ALL.to_vec(),
        Some(serde_json::Value::Array(items)) => items
            .iter()
            .map(|v| {
                v.as_str().and_then(Service::parse).ok_or_else(|| {
                    fail(format!(
                        "metadata.inputs entry {v} is not a service; use ec2, s3, route53, iam"
                    ))
                })
            })
            .collect::<Result<Vec<_>>>()?,
        Some(_) => return Err(fail("metadata.inputs must be an array of services".into())),
    };
    let references = match obj.get("references") {
        None => Vec::new(),
        Some(serde_json::Value::Array(items)) => items
            .iter()
            .map(|v| {
                v.as_str()
                    .map(String::from)
                    .ok_or_else(|| fail("metadata.references must be strings".into()))
            })
            .collect::<Result<Vec<_>>>()?,
        Some(_) => return Err(fail("metadata.references must be an array of URLs".into())),
    };
    Ok(RuleMeta {
        id,
        name: pkg.trim_start_matches(RULES_PREFIX).to_string(),
        title: text("title")?,
        severity,
        category,
        inputs,
        why: text("why")?,
        remediation: text("remediation")?,
        remediation_detail: opt_text("remediation_detail")?,
        references,
        package: pkg.to_string(),
        file: src.path.clone(),
        line,
        builtin: src.builtin,
    })
}

/// `DR-S3-001`, `ACME-NET-010`: upper-case alphanumeric words joined by dashes, at least two.
fn valid_id(id: &str) -> bool {
    let parts: Vec<&str> = id.split('-').collect();
    parts.len() >= 2
        && parts.iter().all(|p| {
            !p.is_empty()
                && p.chars()
                    .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit())
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn src(text: &str) -> PolicySource {
        PolicySource {
            path: "x.rego".into(),
            text: text.into(),
            builtin: false,
        }
    }

    #[test]
    fn line_of_finds_definitions_only() {
        let s = src(
            "package p\n\ndeny_extra contains x if { x := 1 }\nmetadata := {}\ndeny contains y if { y := 2 }\nlabel(r) := r\n",
        );
        assert_eq!(s.line_of("metadata"), Some(4));
        // `deny_extra` is not `deny`.
        assert_eq!(s.line_of("deny"), Some(5));
        assert_eq!(s.line_of("label"), Some(6));
        // Missing names are missing, not line 1.
        assert_eq!(s.line_of("applicable"), None);
        assert!(!s.defines("applicable"));
        let only_extra = src("package p\ndeny_extra contains x if { x := 1 }\n");
        assert!(!only_extra.defines("deny"));
    }

    #[test]
    fn a_rule_without_deny_is_refused_even_with_deny_prefixed_helpers() {
        let text = "package drready.rules.x\n\nmetadata := {\"id\": \"X-1\", \"title\": \"t\", \"severity\": \"low\", \"category\": \"data\", \"why\": \"w\", \"remediation\": \"r\"}\n\napplicable contains \"a\" if { true }\n\ndeny_helper contains \"a\" if { true }\n";
        let err = PolicySet::from_sources(vec![src(text)])
            .err()
            .expect("refused");
        assert!(err.to_string().contains("does not define `deny`"), "{err}");
    }

    #[test]
    fn ids() {
        assert!(valid_id("DR-S3-001"));
        assert!(valid_id("ACME-NET-010"));
        assert!(!valid_id("dr-s3-001"));
        assert!(!valid_id("DR"));
        assert!(!valid_id("DR--1"));
    }
}
