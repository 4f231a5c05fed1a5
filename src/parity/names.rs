//! Name rewriting: what a primary name becomes in the standby.
//!
//! First the region tokens (`prod-use1-web` → `prod-usw2-web`) and the configured rewrites; then,
//! as fallbacks tried one pair at a time, role words (`prod-main-app` → `prod-dr-app`).

use crate::config::Rewrite;

/// Rewrites a primary name into the name its standby twin would carry.
#[derive(Debug, Clone)]
pub struct NameRewriter {
    /// Applied in order: full region name, short region code, then user rewrites.
    rules: Vec<(String, String)>,
    /// `(primary word, standby word)`, matched as whole tokens, case-insensitively.
    role_words: Vec<(String, String)>,
}

impl Default for NameRewriter {
    fn default() -> Self {
        NameRewriter {
            rules: Vec::new(),
            role_words: role_pairs(&crate::config::default_role_words()),
        }
    }
}

fn role_pairs(words: &[[String; 2]]) -> Vec<(String, String)> {
    words.iter().map(|[p, s]| (p.clone(), s.clone())).collect()
}

impl NameRewriter {
    /// Region tokens of the two regions, then `user` rewrites; role words are the defaults
    /// ([`crate::config::default_role_words`]) until [`NameRewriter::with_role_words`] sets them.
    pub fn new(primary_region: &str, standby_region: &str, user: &[Rewrite]) -> Self {
        let mut rules = Vec::new();
        if !primary_region.is_empty() && primary_region != standby_region {
            rules.push((primary_region.to_string(), standby_region.to_string()));
            if let (Some(p), Some(s)) = (
                short_region_code(primary_region),
                short_region_code(standby_region),
            ) {
                rules.push((p, s));
            }
        }
        rules.extend(user.iter().map(|r| (r.from.clone(), r.to.clone())));
        NameRewriter {
            rules,
            ..NameRewriter::default()
        }
    }

    /// Replaces the role words (`[pairing] role_words`): `[primary word, standby word]` pairs.
    pub fn with_role_words(mut self, words: &[[String; 2]]) -> Self {
        self.role_words = role_pairs(words);
        self
    }

    /// The `(from, to)` rewrites in the order they apply.
    pub fn rules(&self) -> &[(String, String)] {
        &self.rules
    }

    /// The role words, `(primary word, standby word)`, in the order they are tried.
    pub fn role_words(&self) -> &[(String, String)] {
        &self.role_words
    }

    /// Region tokens and configured rewrites.
    pub fn rewrite(&self, name: &str) -> String {
        let mut out = name.to_string();
        for (from, to) in &self.rules {
            if out.contains(from.as_str()) {
                out = out.replace(from.as_str(), to);
            }
        }
        out
    }

    /// How many role-word fallbacks [`NameRewriter::role_rewrite`] knows: each pair forwards
    /// (primary word → standby word), then each pair backwards (for a check run with the sites
    /// swapped, as for failback).
    pub fn role_tiers(&self) -> usize {
        self.role_words.len() * 2
    }

    /// Fallback `tier` applied to an already [`rewrite`](NameRewriter::rewrite)n name: one role
    /// pair's word replaced wherever it is a whole token. `None` when the word does not occur.
    pub fn role_rewrite(&self, tier: usize, rewritten: &str) -> Option<String> {
        let n = self.role_words.len();
        let (from, to) = if tier < n {
            let (p, s) = &self.role_words[tier];
            (p, s)
        } else {
            let (p, s) = self.role_words.get(tier - n)?;
            (s, p)
        };
        replace_word(rewritten, from, to)
    }

    /// The names a primary name may have in the standby, in the order they are tried: region
    /// rewriting, then each role-word fallback that changes it.
    pub fn candidates(&self, name: &str) -> Vec<String> {
        let first = self.rewrite(name);
        let mut out = vec![first.clone()];
        for tier in 0..self.role_tiers() {
            if let Some(c) = self.role_rewrite(tier, &first)
                && !out.contains(&c)
            {
                out.push(c);
            }
        }
        out
    }
}

/// Characters that separate the words of a name.
pub fn is_separator(b: u8) -> bool {
    matches!(b, b'-' | b'_' | b'.' | b'/')
}

/// Replaces `word` wherever it is a whole token of `name` (bounded by the start, the end or a
/// separator), ASCII case-insensitively. The replacement follows the case of what it replaces:
/// `PRIMARY` → `STANDBY`, `Primary` → `Standby`, otherwise `to` as written.
pub fn replace_word(name: &str, word: &str, to: &str) -> Option<String> {
    if word.is_empty() {
        return None;
    }
    // ASCII lowercasing keeps byte offsets.
    let lower = name.to_ascii_lowercase();
    let needle = word.to_ascii_lowercase();
    let bytes = name.as_bytes();
    let step = needle.chars().next().map_or(1, char::len_utf8);
    let mut out = String::with_capacity(name.len() + to.len());
    let (mut last, mut from) = (0, 0);
    let mut hit = false;
    while let Some(pos) = lower[from..].find(&needle) {
        let start = from + pos;
        let end = start + needle.len();
        let bounded = (start == 0 || is_separator(bytes[start - 1]))
            && (end == bytes.len() || is_separator(bytes[end]));
        if bounded {
            out.push_str(&name[last..start]);
            out.push_str(&same_case(&name[start..end], to));
            last = end;
            from = end;
            hit = true;
        } else {
            from = start + step;
        }
    }
    hit.then(|| {
        out.push_str(&name[last..]);
        out
    })
}

fn same_case(original: &str, to: &str) -> String {
    let letters = || original.chars().filter(|c| c.is_alphabetic());
    let any_letter = letters().next().is_some();
    if any_letter && letters().all(char::is_uppercase) && original.chars().count() > 1 {
        return to.to_uppercase();
    }
    let mut chars = original.chars();
    if chars.next().is_some_and(char::is_uppercase) && chars.all(|c| !c.is_uppercase()) {
        let mut t = to.chars();
        return t.next().map_or_else(String::new, |f| {
            f.to_uppercase()
                .chain(t.flat_map(char::to_lowercase))
                .collect()
        });
    }
    to.to_string()
}

/// A Terraform `name_prefix` name: the prefix before the suffix the AWS provider appends — a UTC
/// timestamp and an 8-hex-digit counter, 26 characters today (`web-` + `20261120123456` +
/// `0000` fractional digits + `0000000a`), 22 in older providers (no fractional digits:
/// `web-2026112012345600000001`).
pub fn terraform_prefix(name: &str) -> Option<&str> {
    [18, 14].into_iter().find_map(|stamp| {
        let split = name.len().checked_sub(stamp + 8).filter(|&n| n > 0)?;
        let suffix = name.get(split..).filter(|s| s.is_ascii())?;
        let (time, counter) = suffix.split_at(stamp);
        let ok = time.starts_with("20")
            && time.bytes().all(|b| b.is_ascii_digit())
            && counter
                .bytes()
                .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
        ok.then(|| &name[..split])
    })
}

/// The short code teams put in names: `us-east-1` → `use1`, `eu-central-1` → `euc1`,
/// `ap-southeast-2` → `apse2`, `us-gov-west-1` → `usgovw1`.
pub fn short_region_code(region: &str) -> Option<String> {
    let parts: Vec<&str> = region.split('-').collect();
    if parts.len() < 3 {
        return None;
    }
    let (number, middle) = parts.split_last()?;
    if number.is_empty() || !number.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let mut code = String::from(middle[0]);
    for part in &middle[1..] {
        let abbrev = match *part {
            "east" => "e",
            "west" => "w",
            "north" => "n",
            "south" => "s",
            "central" => "c",
            "northeast" => "ne",
            "northwest" => "nw",
            "southeast" => "se",
            "southwest" => "sw",
            other => other,
        };
        code.push_str(abbrev);
    }
    code.push_str(number);
    Some(code)
}
