//! Per-workload verdicts: which applications could fail over right now.
//!
//! A finding belongs to a workload when its resource (or a resource it names as related) is one of
//! the workload's members (`crate::workload`), is the workload's key, carries the workload's app
//! tag, or — for Route 53 records, which have no tags — is named by a DNS label equal to the
//! workload's name (`api.example.com.` → `api`). A workload is `not_ready` when an unwaived finding of it has at least the gate's `fail_on`
//! severity (those are its blocking findings); else `unknown` when something it needs could not be
//! read (a member unknown to a rule, or a listing of a service its members come from failed); else
//! `ready`. Findings that belong to no workload (VPCs, zones, roles shared by several) are grouped
//! as `shared`.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::{Deserialize, Serialize};

use crate::findings::Finding;
use crate::policy::{RuleResult, RuleStatus};
use crate::snapshot::{Resource, Snapshot, Visit};
use crate::vocab::{Category, ResourceKind, Severity};
use crate::workload::Workload;

/// What a workload (or one category of it) can do on the day.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, schemars::JsonSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum WorkloadVerdict {
    /// Nothing blocks a failover.
    Ready,
    /// A finding at or above the gate's `fail_on` blocks it.
    NotReady,
    /// Something it needs could not be read.
    Unknown,
    /// Nothing of this category was judged (categories only).
    NotApplicable,
}

impl WorkloadVerdict {
    pub fn as_str(self) -> &'static str {
        match self {
            WorkloadVerdict::Ready => "ready",
            WorkloadVerdict::NotReady => "not ready",
            WorkloadVerdict::Unknown => "unknown",
            WorkloadVerdict::NotApplicable => "n/a",
        }
    }
}

/// A blocking finding, by reference to the report's `findings`.
#[derive(
    Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, schemars::JsonSchema,
)]
pub struct Blocking {
    pub rule_id: String,
    pub severity: Severity,
    pub resource: String,
    pub fingerprint: String,
}

/// One workload's verdict.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct WorkloadEntry {
    pub name: String,
    pub tier: String,
    pub verdict: WorkloadVerdict,
    /// Unwaived findings at or above `fail_on` on its resources, worst first.
    pub blocking: Vec<Blocking>,
    /// Other unwaived findings on its resources (below `fail_on`).
    pub other_findings: usize,
    /// What could not be read for it (`ARN: why`), when the verdict is unknown.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unknown: Vec<String>,
    /// The verdict per category (data, compute, dns, identity, ...).
    pub categories: BTreeMap<Category, WorkloadVerdict>,
    /// Its member resources in both sites.
    pub resources: usize,
}

/// Workload verdicts and the findings that belong to none.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct WorkloadVerdicts {
    /// Every workload, sorted by name.
    pub workloads: Vec<WorkloadEntry>,
    /// Unwaived findings at or above `fail_on` on resources of no workload (shared networks,
    /// zones, roles): they may block every workload that relies on them.
    pub shared_blocking: Vec<Blocking>,
}

impl WorkloadVerdicts {
    /// How many workloads are ready.
    pub fn ready(&self) -> usize {
        self.workloads
            .iter()
            .filter(|w| w.verdict == WorkloadVerdict::Ready)
            .count()
    }

    /// The categories judged for at least one workload, in category order: the columns worth
    /// showing (an estate without databases gets no column of n/a).
    pub fn judged_categories(&self) -> Vec<Category> {
        Category::ALL
            .iter()
            .copied()
            .filter(|c| {
                self.workloads.iter().any(|w| {
                    w.categories
                        .get(c)
                        .is_some_and(|v| *v != WorkloadVerdict::NotApplicable)
                })
            })
            .collect()
    }
}

/// Which workloads each ARN belongs to, by index into the workloads: worked out once for every
/// member, key and tagged resource, so the findings, the unknown resources and every applicable
/// resource of every rule each cost one lookup.
struct Owners<'a> {
    /// Workload name → its index.
    names: HashMap<&'a str, u32>,
    /// ARN → the workloads it is a member (or the key) of, or whose app tag it carries.
    by_arn: HashMap<&'a str, Owned>,
}

/// The owners of one ARN: nearly always one workload.
enum Owned {
    One(u32),
    Many(Vec<u32>),
}

impl Owned {
    fn add(&mut self, idx: u32) {
        match self {
            Owned::One(i) if *i == idx => {}
            Owned::One(i) => *self = Owned::Many(vec![*i, idx]),
            Owned::Many(v) if !v.contains(&idx) => v.push(idx),
            Owned::Many(_) => {}
        }
    }

    fn as_slice(&self) -> &[u32] {
        match self {
            Owned::One(i) => std::slice::from_ref(i),
            Owned::Many(v) => v,
        }
    }
}

impl<'a> Owners<'a> {
    fn new(snapshot: &'a Snapshot, workloads: &'a [Workload], app_tag: &str) -> Self {
        let names: HashMap<&str, u32> = workloads
            .iter()
            .enumerate()
            .map(|(i, w)| (w.name.as_str(), i as u32))
            .collect();
        let members: usize = workloads
            .iter()
            .map(|w| w.primary.all().count() + w.standby.all().count() + 1)
            .sum();
        let mut by_arn: HashMap<&str, Owned> = HashMap::with_capacity(members);
        let mut add = |arn: &'a str, idx: u32| {
            by_arn
                .entry(arn)
                .and_modify(|o| o.add(idx))
                .or_insert(Owned::One(idx));
        };
        for (i, w) in workloads.iter().enumerate() {
            for arn in w
                .primary
                .all()
                .chain(w.standby.all())
                .chain(std::iter::once(w.key.as_str()))
            {
                add(arn, i as u32);
            }
        }
        // Resources that carry the app tag of a workload.
        struct Tags<'a, 't, F: FnMut(&'a str, u32)> {
            key: &'t str,
            names: &'t HashMap<&'a str, u32>,
            add: F,
        }
        impl<'a, F: FnMut(&'a str, u32)> Visit<'a> for Tags<'a, '_, F> {
            fn kind<R: Resource>(&mut self, _: ResourceKind, items: &'a [R]) {
                for r in items {
                    if let Some(&idx) = r
                        .tag(self.key)
                        .filter(|app| !app.is_empty())
                        .and_then(|app| self.names.get(app))
                    {
                        (self.add)(r.arn(), idx);
                    }
                }
            }
        }
        let mut tags = Tags {
            key: app_tag,
            names: &names,
            add,
        };
        snapshot.primary.visit(&mut tags);
        snapshot.standby.visit(&mut tags);
        Owners { names, by_arn }
    }

    /// Calls `f` with each workload `arn` belongs to (a workload may come more than once).
    fn each(&self, arn: &str, mut f: impl FnMut(u32)) {
        if let Some(owned) = self.by_arn.get(arn) {
            owned.as_slice().iter().for_each(|&i| f(i));
        }
        // Route 53 records carry no tags: a record belongs to the workload one of whose labels
        // it is named by (`api.example.com.` → api).
        if let Some(record) = arn.split_once("/recordset/").map(|(_, r)| r) {
            let fqdn = record.split('/').next().unwrap_or_default();
            for label in fqdn.split('.') {
                if let Some(&i) = self.names.get(label) {
                    f(i);
                }
            }
        }
    }
}

/// Decides every workload's verdict.
pub fn decide(
    snapshot: &Snapshot,
    workloads: &[Workload],
    results: &[RuleResult],
    findings: &[Finding],
    fail_on: Option<Severity>,
    app_tag: &str,
) -> WorkloadVerdicts {
    let owners = Owners::new(snapshot, workloads, app_tag);
    let blocks = |f: &Finding| f.waived.is_none() && fail_on.is_some_and(|s| f.severity >= s);

    #[derive(Default)]
    struct Acc {
        blocking: Vec<Blocking>,
        other: usize,
        unknown: BTreeSet<String>,
        categories: BTreeMap<Category, WorkloadVerdict>,
    }
    // By workload index.
    let mut acc: Vec<Acc> = workloads.iter().map(|_| Acc::default()).collect();
    let mut shared = Vec::new();
    let mark = |cats: &mut BTreeMap<Category, WorkloadVerdict>, c: Category, v: WorkloadVerdict| {
        let e = cats.entry(c).or_insert(v);
        // not_ready beats unknown beats ready.
        let rank = |x: WorkloadVerdict| match x {
            WorkloadVerdict::NotReady => 3,
            WorkloadVerdict::Unknown => 2,
            WorkloadVerdict::Ready => 1,
            WorkloadVerdict::NotApplicable => 0,
        };
        if rank(v) > rank(*e) {
            *e = v;
        }
    };

    for f in findings.iter().filter(|f| f.waived.is_none()) {
        let mut who: BTreeSet<u32> = BTreeSet::new();
        for arn in std::iter::once(&f.resource).chain(&f.related) {
            owners.each(arn, |i| {
                who.insert(i);
            });
        }
        let b = Blocking {
            rule_id: f.rule_id.clone(),
            severity: f.severity,
            resource: f.resource.clone(),
            fingerprint: f.fingerprint.clone(),
        };
        if who.is_empty() {
            if blocks(f) {
                shared.push(b);
            }
            continue;
        }
        for i in who {
            let a = &mut acc[i as usize];
            if blocks(f) {
                a.blocking.push(b.clone());
                mark(&mut a.categories, f.category, WorkloadVerdict::NotReady);
            } else {
                a.other += 1;
            }
        }
    }
    // What was judged (a category is ready when one of its rules judged a member) and what
    // could not be.
    // The rule that last marked each workload ready: each (rule, workload) is marked once.
    let mut marked: Vec<usize> = vec![usize::MAX; workloads.len()];
    for (rule_no, r) in results.iter().enumerate() {
        let cat = r.rule.category;
        if r.status == RuleStatus::Unknown && r.unknown_resources.is_empty() {
            // A listing failed: every workload with members of the services it reads is unknown.
            for (w, a) in workloads.iter().zip(acc.iter_mut()) {
                let reads = w
                    .primary
                    .all()
                    .chain(w.standby.all())
                    .any(|arn| kind_service(arn).is_some_and(|s| r.rule.inputs.contains(&s)));
                if reads {
                    a.unknown
                        .insert(format!("{}: {}", r.rule.id, r.unknown_because.join("; ")));
                    mark(&mut a.categories, cat, WorkloadVerdict::Unknown);
                }
            }
            continue;
        }
        for (arn, why) in &r.unknown_resources {
            owners.each(arn, |i| {
                let a = &mut acc[i as usize];
                a.unknown.insert(format!("{arn}: {why}"));
                mark(&mut a.categories, cat, WorkloadVerdict::Unknown);
            });
        }
        for arn in &r.applicable {
            owners.each(arn, |i| {
                if marked[i as usize] != rule_no {
                    marked[i as usize] = rule_no;
                    mark(&mut acc[i as usize].categories, cat, WorkloadVerdict::Ready);
                }
            });
        }
    }

    let mut out = WorkloadVerdicts::default();
    for (w, mut a) in workloads.iter().zip(acc) {
        a.blocking.sort_by(|x, y| {
            y.severity
                .cmp(&x.severity)
                .then_with(|| x.rule_id.cmp(&y.rule_id))
                .then_with(|| x.resource.cmp(&y.resource))
        });
        a.blocking.dedup();
        let verdict = if !a.blocking.is_empty() {
            WorkloadVerdict::NotReady
        } else if !a.unknown.is_empty() {
            WorkloadVerdict::Unknown
        } else {
            WorkloadVerdict::Ready
        };
        let mut categories: BTreeMap<Category, WorkloadVerdict> = Category::ALL
            .iter()
            .filter(|c| **c != Category::Inventory)
            .map(|c| (*c, WorkloadVerdict::NotApplicable))
            .collect();
        categories.extend(a.categories);
        out.workloads.push(WorkloadEntry {
            name: w.name.clone(),
            tier: w.tier.clone(),
            verdict,
            blocking: a.blocking,
            other_findings: a.other,
            unknown: if verdict == WorkloadVerdict::Unknown {
                a.unknown.into_iter().collect()
            } else {
                Vec::new()
            },
            categories,
            resources: w.primary.all().count() + w.standby.all().count(),
        });
    }
    shared.sort_by(|x, y| {
        y.severity
            .cmp(&x.severity)
            .then_with(|| x.rule_id.cmp(&y.rule_id))
            .then_with(|| x.resource.cmp(&y.resource))
    });
    shared.dedup();
    out.shared_blocking = shared;
    out
}

/// The service of a member ARN (`arn:aws:SERVICE:...`).
fn kind_service(arn: &str) -> Option<crate::vocab::Service> {
    crate::vocab::Service::parse(arn.split(':').nth(2)?)
}
