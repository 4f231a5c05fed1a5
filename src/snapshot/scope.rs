//! Scope: what a run judges. A resource tagged `<scope_tag>=none` is out of scope, and so is every
//! resource of a service left out of `scope.services` (with its collection errors): neither is
//! judged nor reported. Resources that are not DR data (`dr_data`) and global resources that
//! serve another site pair (`attribution`) are removed too, and listed in the report apart.

use std::collections::{BTreeSet, HashSet};

use super::{Resource, Snapshot, Visit, VisitMut};
use crate::vocab::{ResourceKind, Service};

/// What is in scope.
#[derive(Debug, Clone, Default)]
pub struct Scope {
    /// Tag that takes a resource out of scope when its value is `none`.
    pub tag: String,
    /// Services judged; resources of other services are dropped.
    pub services: BTreeSet<Service>,
    /// ARN globs out of scope (`scope.exclude`).
    pub exclude: Vec<String>,
    /// ARNs that are not DR data (`dr_data::classify`): not judged, reported apart.
    pub not_dr_data: HashSet<String>,
    /// ARNs of global resources (roles, record sets, health checks) that serve another site
    /// pair of the account (`attribution::attribute`): not judged, reported apart.
    pub other_site_pair: HashSet<String>,
}

impl Scope {
    /// Whether `r` stays in scope.
    pub fn keeps<R: Resource>(&self, kind: ResourceKind, r: &R) -> bool {
        self.services.contains(&kind.service())
            && r.tag(&self.tag) != Some("none")
            && !self.not_dr_data.contains(r.arn())
            && !self.other_site_pair.contains(r.arn())
            && !self.exclude.iter().any(|g| glob_match(g, r.arn()))
    }

    /// Whether applying the scope would remove anything (so the caller can skip a copy).
    pub fn removes_any(&self, snapshot: &Snapshot) -> bool {
        struct Any<'s> {
            scope: &'s Scope,
            found: bool,
        }
        impl<'a> Visit<'a> for Any<'_> {
            fn kind<R: Resource>(&mut self, kind: ResourceKind, items: &'a [R]) {
                self.found = self.found || items.iter().any(|r| !self.scope.keeps(kind, r));
            }
        }
        [&snapshot.primary, &snapshot.standby]
            .into_iter()
            .any(|site| {
                let mut v = Any {
                    scope: self,
                    found: false,
                };
                site.visit(&mut v);
                v.found
                    || site
                        .collection_errors
                        .iter()
                        .any(|e| !self.services.contains(&e.service))
            })
    }

    /// Removes what is out of scope from both sites; returns how many resources were removed.
    pub fn apply(&self, snapshot: &mut Snapshot) -> usize {
        struct Keep<'s> {
            scope: &'s Scope,
            removed: usize,
        }
        impl VisitMut for Keep<'_> {
            fn kind<R: Resource>(&mut self, kind: ResourceKind, items: &mut Vec<R>) {
                let before = items.len();
                items.retain(|r| self.scope.keeps(kind, r));
                self.removed += before - items.len();
            }
        }
        let mut v = Keep {
            scope: self,
            removed: 0,
        };
        for site in [&mut snapshot.primary, &mut snapshot.standby] {
            site.visit_mut(&mut v);
            site.collection_errors
                .retain(|e| self.services.contains(&e.service));
        }
        v.removed
    }
}

/// Matches `*` (any run) and `?` (one character); everything else literally.
pub fn glob_match(pattern: &str, text: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let t: Vec<char> = text.chars().collect();
    let (mut pi, mut ti) = (0, 0);
    let (mut star, mut mark) = (None, 0);
    while ti < t.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == t[ti]) {
            pi += 1;
            ti += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some(pi);
            mark = ti;
            pi += 1;
        } else if let Some(s) = star {
            pi = s + 1;
            mark += 1;
            ti = mark;
        } else {
            return false;
        }
    }
    while pi < p.len() && p[pi] == '*' {
        pi += 1;
    }
    pi == p.len()
}
