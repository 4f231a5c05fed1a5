//! Region-token rewriting of names: `prod-use1-web` → `prod-usw2-web`.

use crate::config::Rewrite;

/// Rewrites a primary name into the name its standby twin would carry.
#[derive(Debug, Clone, Default)]
pub struct NameRewriter {
    /// Applied in order: full region name, short region code, then user rewrites.
    rules: Vec<(String, String)>,
}

impl NameRewriter {
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
        NameRewriter { rules }
    }

    /// The `(from, to)` rewrites in the order they apply.
    pub fn rules(&self) -> &[(String, String)] {
        &self.rules
    }

    pub fn rewrite(&self, name: &str) -> String {
        let mut out = name.to_string();
        for (from, to) in &self.rules {
            if out.contains(from.as_str()) {
                out = out.replace(from.as_str(), to);
            }
        }
        out
    }
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
