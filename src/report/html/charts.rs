//! Inline SVG charts: no script, no fonts, no network. Every chart is an `<svg role="img">` with
//! a `<title>` and an `aria-label`; the page puts a table with the same numbers next to it.
//! Coordinates are printed with one decimal, so the same input gives the same bytes.

use std::fmt::Write;

use super::{esc, score_class};
use crate::report::table::fmt_age;

const WIDTH: f64 = 760.0;

/// Shortens a label to `max` characters (before escaping) so it fits its column.
fn fit(label: &str, max: usize) -> String {
    if label.chars().count() <= max {
        label.to_string()
    } else {
        let mut s: String = label.chars().take(max - 1).collect();
        s.push('…');
        s
    }
}

/// Opens an `<svg>` with its accessible name.
fn open(out: &mut String, id: &str, height: f64, name: &str) {
    let _ = write!(
        out,
        "<svg class=\"chart\" id=\"{id}\" role=\"img\" viewBox=\"0 0 {WIDTH} {height:.0}\" \
         aria-label=\"{name}\"><title>{name}</title>",
        name = esc(name)
    );
}

/// Horizontal bars of scores (0–100), one per labelled item; `None` is drawn as "n/a".
pub fn score_bars(id: &str, title: &str, items: &[(String, Option<f64>)]) -> String {
    let (left, right, top, row) = (190.0, 60.0, 26.0, 30.0);
    let plot = WIDTH - left - right;
    let height = top + row * items.len() as f64 + 8.0;
    let summary: Vec<String> = items
        .iter()
        .map(|(l, s)| format!("{l} {}", crate::report::text::score(*s)))
        .collect();
    let mut out = String::new();
    open(
        &mut out,
        id,
        height,
        &format!("{title}: {}", summary.join(", ")),
    );
    for tick in [0.0, 25.0, 50.0, 75.0, 100.0] {
        let x = left + plot * tick / 100.0;
        let _ = write!(
            out,
            "<line class=\"grid\" x1=\"{x:.1}\" y1=\"{:.1}\" x2=\"{x:.1}\" y2=\"{:.1}\"/>\
             <text class=\"tick\" x=\"{x:.1}\" y=\"14\" text-anchor=\"middle\">{tick:.0}</text>",
            top - 6.0,
            height - 4.0
        );
    }
    for (i, (label, value)) in items.iter().enumerate() {
        let y = top + row * i as f64;
        row_label(&mut out, left, y, row, label);
        let w = value.map_or(plot, |v| plot * v.clamp(0.0, 100.0) / 100.0);
        let class = match value {
            Some(_) => score_class(*value),
            None => "na",
        };
        let _ = write!(
            out,
            "<rect class=\"bar-{class}\" x=\"{left:.1}\" y=\"{:.1}\" width=\"{w:.1}\" height=\"{:.1}\" \
             rx=\"3\"/><text x=\"{:.1}\" y=\"{:.1}\">{}</text>",
            y + 5.0,
            row - 10.0,
            left + w + 6.0,
            y + row / 2.0 + 4.0,
            value.map_or_else(|| "n/a".to_string(), |v| format!("{v:.1}"))
        );
    }
    let _ = write!(
        out,
        "<line class=\"axis\" x1=\"{left:.1}\" y1=\"{:.1}\" x2=\"{left:.1}\" y2=\"{:.1}\"/></svg>",
        top - 6.0,
        height - 4.0
    );
    out
}

/// One line of the score-over-time chart.
pub struct Series {
    pub name: String,
    /// One value per run; `None` where the target was not judged in that run.
    pub values: Vec<Option<f64>>,
}

/// Score (0–100) over runs: one line per series, gaps where a run has no value. `runs` are the
/// x labels (dates), oldest first. The legend is HTML, after the chart.
pub fn score_lines(id: &str, title: &str, runs: &[String], series: &[Series]) -> String {
    let (left, right, top, bottom) = (44.0, 24.0, 14.0, 42.0);
    let height = 300.0;
    let (plot_w, plot_h) = (WIDTH - left - right, height - top - bottom);
    let n = runs.len().max(2);
    let x = |i: usize| left + plot_w * i as f64 / (n - 1) as f64;
    let y = |v: f64| top + plot_h * (1.0 - v.clamp(0.0, 100.0) / 100.0);
    let mut name = format!(
        "{title}, {} runs from {} to {}",
        runs.len(),
        runs[0],
        runs[runs.len() - 1]
    );
    for s in series {
        let last = s.values.iter().rev().flatten().next();
        let _ = write!(
            name,
            "; {}: {}",
            s.name,
            last.map_or_else(|| "n/a".to_string(), |v| format!("{v:.1} now"))
        );
    }
    let mut out = String::new();
    open(&mut out, id, height, &name);
    for tick in [0.0, 25.0, 50.0, 75.0, 100.0] {
        let _ = write!(
            out,
            "<line class=\"grid\" x1=\"{left:.1}\" y1=\"{y:.1}\" x2=\"{:.1}\" y2=\"{y:.1}\"/>\
             <text class=\"tick\" x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{tick:.0}</text>",
            WIDTH - right,
            left - 8.0,
            y(tick) + 4.0,
            y = y(tick)
        );
    }
    // At most eight date labels, always the first and the last.
    let step = runs.len().div_ceil(8).max(1);
    for (i, label) in runs.iter().enumerate() {
        if i % step == 0 || i + 1 == runs.len() {
            let _ = write!(
                out,
                "<text class=\"tick\" x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"{}\">{}</text>",
                x(i),
                height - bottom + 18.0,
                match i {
                    0 => "start",
                    i if i + 1 == runs.len() => "end",
                    _ => "middle",
                },
                esc(label)
            );
        }
    }
    let _ = write!(
        out,
        "<line class=\"axis\" x1=\"{left:.1}\" y1=\"{:.1}\" x2=\"{:.1}\" y2=\"{:.1}\"/>",
        height - bottom,
        WIDTH - right,
        height - bottom
    );
    for (k, s) in series.iter().enumerate() {
        let class = format!("s{} d{}", k % 8, (k / 8) % 4);
        let mut path = String::new();
        let mut pen_down = false;
        for (i, v) in s.values.iter().enumerate() {
            match v {
                Some(v) => {
                    let _ = write!(
                        path,
                        "{}{:.1} {:.1} ",
                        if pen_down { "L" } else { "M" },
                        x(i),
                        y(*v)
                    );
                    pen_down = true;
                }
                None => pen_down = false,
            }
        }
        if !path.is_empty() {
            let _ = write!(
                out,
                "<path class=\"line {class}\" d=\"{}\"/>",
                path.trim_end()
            );
        }
        for (i, v) in s.values.iter().enumerate() {
            if let Some(v) = v {
                let _ = write!(
                    out,
                    "<circle class=\"s{}\" cx=\"{:.1}\" cy=\"{:.1}\" r=\"4\"><title>{}, {}: {v:.1}</title></circle>",
                    k % 8,
                    x(i),
                    y(*v),
                    esc(&s.name),
                    esc(&runs[i])
                );
            }
        }
    }
    out.push_str("</svg>");
    out
}

/// The oldest recovery point of each workload against the RPO: bars of age, a dashed line at
/// the RPO. Workloads with nothing measurable say so.
/// `items`: workload, the age of its oldest recovery point, whether it is within the RPO.
pub fn recovery_ages(
    id: &str,
    rpo_seconds: u64,
    items: &[(String, Option<i64>, Option<bool>)],
) -> String {
    let (left, right, top, row) = (190.0, 110.0, 26.0, 28.0);
    let plot = WIDTH - left - right;
    let height = top + row * items.len() as f64 + 8.0;
    let rpo = rpo_seconds.max(1) as f64;
    let longest = items.iter().filter_map(|(_, a, _)| *a).max().unwrap_or(0) as f64;
    let scale = longest.max(rpo) * 1.1;
    let summary: Vec<String> = items
        .iter()
        .map(|(l, a, within)| match a {
            Some(a) => format!("{l} {}", fmt_age(Some(*a))),
            None => format!("{l} {}", no_age(*within)),
        })
        .collect();
    let mut out = String::new();
    open(
        &mut out,
        id,
        height,
        &format!(
            "Oldest recovery point per workload against the RPO of {}: {}",
            fmt_age(Some(rpo_seconds as i64)),
            summary.join(", ")
        ),
    );
    for (i, (label, age, within)) in items.iter().enumerate() {
        let y = top + row * i as f64;
        row_label(&mut out, left, y, row, label);
        match age {
            Some(a) => {
                let w = (plot * (*a).max(0) as f64 / scale).max(2.0);
                let class = if *a as f64 > rpo { "bad" } else { "good" };
                let _ = write!(
                    out,
                    "<rect class=\"bar-{class}\" x=\"{left:.1}\" y=\"{:.1}\" width=\"{w:.1}\" \
                     height=\"{:.1}\" rx=\"3\"/><text x=\"{:.1}\" y=\"{:.1}\">{}</text>",
                    y + 5.0,
                    row - 10.0,
                    left + w + 6.0,
                    y + row / 2.0 + 4.0,
                    esc(&fmt_age(Some(*a)))
                );
            }
            None => {
                let _ = write!(
                    out,
                    "<text class=\"{}\" x=\"{:.1}\" y=\"{:.1}\">{}</text>",
                    if *within == Some(false) {
                        "missing"
                    } else {
                        "tick"
                    },
                    left + 6.0,
                    y + row / 2.0 + 4.0,
                    no_age(*within)
                );
            }
        }
    }
    let rx = left + plot * rpo / scale;
    let _ = write!(
        out,
        "<line class=\"axis\" x1=\"{left:.1}\" y1=\"{:.1}\" x2=\"{left:.1}\" y2=\"{:.1}\"/>\
         <line class=\"limit\" x1=\"{rx:.1}\" y1=\"{:.1}\" x2=\"{rx:.1}\" y2=\"{:.1}\"/>\
         <text x=\"{rx:.1}\" y=\"14\" text-anchor=\"middle\">RPO {}</text></svg>",
        top - 6.0,
        height - 4.0,
        top - 6.0,
        height - 4.0,
        esc(&fmt_age(Some(rpo_seconds as i64)))
    );
    out
}

/// What a workload without a measurable recovery point age has.
fn no_age(within: Option<bool>) -> &'static str {
    match within {
        Some(false) => "no standby copy",
        Some(true) => "live copies only (lag unknown)",
        None => "nothing to copy",
    }
}

/// The label of a horizontal bar, right-aligned before the plot and centred on its row.
fn row_label(out: &mut String, left: f64, y: f64, row: f64, label: &str) {
    let _ = write!(
        out,
        "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>",
        left - 10.0,
        y + row / 2.0 + 4.0,
        esc(&fit(label, 26))
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_escaped_and_shortened() {
        let svg = score_bars(
            "c",
            "T",
            &[("<script>alert(1)</script> and a long tail".into(), None)],
        );
        assert!(!svg.contains("<script>"), "{svg}");
        // Shortened to the label column, then escaped.
        assert!(
            svg.contains(">&lt;script&gt;alert(1)&lt;/script&gt;…</text>"),
            "{svg}"
        );
        assert!(!svg.contains("long tail</text>"), "{svg}");
    }

    #[test]
    fn lines_break_where_a_run_has_no_score() {
        let svg = score_lines(
            "t",
            "Score",
            &["a".into(), "b".into(), "c".into()],
            &[Series {
                name: "x".into(),
                values: vec![Some(50.0), None, Some(100.0)],
            }],
        );
        // Two separate moves: the gap is not bridged.
        assert_eq!(svg.matches("d=\"M").count(), 1, "{svg}");
        // The path's `d` (not the `d="` inside `id="t"`).
        let d = svg
            .split(" d=\"")
            .nth(1)
            .unwrap()
            .split('"')
            .next()
            .unwrap();
        assert_eq!(d.matches('M').count(), 2, "{d}");
        assert!(!d.contains('L'), "{d}");
    }
}
