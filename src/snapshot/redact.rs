//! Dropping the values of sensitive tags (`--redact-tags`, `scope.redact_tags`) from a snapshot.
//!
//! The one place redaction happens: applied to a collected snapshot before it is saved or judged,
//! and to a loaded snapshot before evaluation. Reports are built from the redacted snapshot, so no
//! output format ever sees the values.

use super::{Resource, Site, Snapshot, Tags, VisitMut};
use crate::vocab::ResourceKind;

/// What a redacted tag value becomes.
pub const REDACTED: &str = "[redacted]";

impl Snapshot {
    /// Replaces the value of every tag whose key is in `keys` with [`REDACTED`], in both sites:
    /// resource tags, replication rules' tag filters, and a resource's `name` when it is the
    /// value of a redacted `Name` tag. Returns how many values were replaced.
    pub fn redact_tags(&mut self, keys: &[String]) -> usize {
        if keys.is_empty() {
            return 0;
        }
        redact_site(&mut self.primary, keys) + redact_site(&mut self.standby, keys)
    }
}

fn redact_map(tags: &mut Tags, keys: &[String]) -> usize {
    let mut n = 0;
    for (k, v) in tags.iter_mut() {
        if keys.iter().any(|r| r == k) && v != REDACTED {
            *v = REDACTED.to_string();
            n += 1;
        }
    }
    n
}

/// Redacts the tags of one resource, and its name when the name is a redacted `Name` tag.
fn redact_resource(tags: &mut Tags, name: &mut String, keys: &[String]) -> usize {
    if keys.iter().any(|k| k == "Name") && !name.is_empty() && tags.get("Name") == Some(name) {
        *name = REDACTED.to_string();
    }
    redact_map(tags, keys)
}

fn redact_site(site: &mut Site, keys: &[String]) -> usize {
    struct Redact<'k> {
        keys: &'k [String],
        n: usize,
    }
    impl VisitMut for Redact<'_> {
        fn kind<R: Resource>(&mut self, _: ResourceKind, items: &mut Vec<R>) {
            for r in items {
                let (name, tags) = r.identity_mut();
                self.n += redact_resource(tags, name, self.keys);
            }
        }
    }
    let mut v = Redact { keys, n: 0 };
    site.visit_mut(&mut v);
    let mut n = v.n;
    for bucket in &mut site.s3.buckets {
        if let Some(replication) = &mut bucket.replication {
            for rule in &mut replication.rules {
                n += redact_map(&mut rule.filter_tags, keys);
            }
        }
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;

    fn healthy() -> Snapshot {
        let text = include_str!("../../fixtures/snapshots/healthy.json");
        crate::snapshot::parse(text.as_bytes(), "healthy.json").expect("fixture")
    }

    #[test]
    fn redacts_values_of_the_given_keys_only() {
        let mut s = healthy();
        let before = serde_json::to_string(&s).unwrap();
        assert!(before.contains("\"app\""), "fixture has an app tag");
        let n = s.redact_tags(&["Name".to_string()]);
        assert!(n > 0);
        for (_, site) in [("p", &s.primary), ("s", &s.standby)] {
            for i in &site.ec2.instances {
                if let Some(v) = i.tags.get("Name") {
                    assert_eq!(v, REDACTED);
                    assert_eq!(i.name, REDACTED);
                }
            }
        }
        // Other keys keep their values; redacting again changes nothing.
        assert!(serde_json::to_string(&s).unwrap().contains("\"app\":"));
        assert_eq!(s.redact_tags(&["Name".to_string()]), 0);
        assert_eq!(s.redact_tags(&[]), 0);
    }
}
