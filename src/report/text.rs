//! Text helpers shared by the renderers: Markdown escaping, scores, times, durations.

use chrono::{DateTime, Utc};

/// Text safe inside a table cell or a list item: `|` escaped, line breaks as `<br>`, no raw
/// HTML, no link (`[`, `]`), no code span (`` ` ``), and no heading at its start (`#`).
pub fn cell(s: &str) -> String {
    let text = html(s)
        .replace("\r\n", "<br>")
        .replace(['\n', '\r'], "<br>")
        .replace('|', "\\|")
        .replace('[', "\\[")
        .replace(']', "\\]")
        .replace('`', "\\`");
    if text.starts_with('#') {
        format!("\\{text}")
    } else {
        text
    }
}

/// Text with `<`, `>` and `&` as entities.
pub fn html(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// A code span safe inside a table cell.
pub fn code(s: &str) -> String {
    let flat = s.replace(['\r', '\n'], " ").replace('|', "\\|");
    let longest = longest_run(&flat, '`');
    let ticks = "`".repeat(longest + 1);
    if longest == 0 {
        format!("{ticks}{flat}{ticks}")
    } else {
        format!("{ticks} {flat} {ticks}")
    }
}

pub fn longest_run(s: &str, c: char) -> usize {
    let (mut best, mut run) = (0, 0);
    for ch in s.chars() {
        run = if ch == c { run + 1 } else { 0 };
        best = best.max(run);
    }
    best
}

pub fn fence_for(s: &str) -> String {
    "`".repeat(longest_run(s, '`').max(2) + 1)
}

/// A score with one decimal, or `n/a` when nothing could be judged.
pub fn score(s: Option<f64>) -> String {
    s.map_or_else(|| "n/a".to_string(), |v| format!("{v:.1}"))
}

/// A UTC time to the second.
pub fn time(t: DateTime<Utc>) -> String {
    t.format("%Y-%m-%d %H:%M:%S UTC").to_string()
}

pub fn duration(secs: u64) -> String {
    match secs {
        0 => "0s".into(),
        s if s % 86_400 == 0 => format!("{}d", s / 86_400),
        s if s % 3600 == 0 => format!("{}h", s / 3600),
        s if s % 60 == 0 => format!("{}m", s / 60),
        s => format!("{s}s"),
    }
}

pub fn plural<N: PartialEq + From<u8>>(n: N) -> &'static str {
    if n == N::from(1) { "" } else { "s" }
}

/// The resource part of an ARN: `arn:aws:ec2:r:a:launch-template/lt-1` → `launch-template/lt-1`.
pub fn short_resource(arn: &str) -> &str {
    if !arn.starts_with("arn:") {
        return arn;
    }
    arn.splitn(6, ':')
        .nth(5)
        .filter(|s| !s.is_empty())
        .unwrap_or(arn)
}

/// The recovery-point table's cells after workload and tier, for one workload, as plain text
/// (Markdown and HTML escape and mark them up): AMIs copied, newest AMI copy, volumes copied,
/// oldest volume point, databases copied, buckets with RTC.
pub fn recovery_point_cells(w: &crate::evidence::RecoveryPoint) -> [String; 6] {
    let age =
        |a: Option<i64>| a.map_or_else(|| "none".to_string(), |s| super::table::fmt_age(Some(s)));
    [
        format!("{}/{}", w.images.copied, w.images.primary),
        age(w.images.newest_copy_age_seconds),
        format!("{}/{}", w.snapshots.copied, w.snapshots.primary),
        age(w.snapshots.newest_copy_age_seconds),
        database_points(&w.databases),
        format!("{}/{}", w.buckets_replicated_with_rtc, w.buckets),
    ]
}

/// A workload's databases in the recovery-point tables: `copied/primary`, how many copies are
/// live (their lag is not in the inventory: unknown, never zero), and the age of the oldest
/// newest snapshot copy; `-` without databases.
pub fn database_points(d: &crate::evidence::DatabaseEvidence) -> String {
    if d.primary == 0 {
        return "-".into();
    }
    let mut parts = Vec::new();
    if d.lag_unknown > 0 {
        parts.push(format!("{} live, lag unknown", d.lag_unknown));
    }
    if let Some(age) = d.newest_copy_age_seconds {
        parts.push(format!("snapshot {}", super::table::fmt_age(Some(age))));
    }
    if parts.is_empty() {
        format!("{}/{}", d.copied, d.primary)
    } else {
        format!("{}/{} ({})", d.copied, d.primary, parts.join(", "))
    }
}
