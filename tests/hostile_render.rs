//! A crafted snapshot whose names, descriptions, tag values and error messages carry HTML,
//! script and Markdown syntax, rendered by the real binary as HTML and Markdown: none of it is
//! live in either report.

mod common;
mod html_check;

use common::*;

/// Everything at once; no `"` or `\`, so it drops into the JSON text as it is. It starts with
/// a heading, so a value at the start of a line would become one.
const HOSTILE: &str = "# heading *bold* | pipe | `tick` <script>alert(1)</script> \
                       <img src=x onerror=alert(1)> [click](javascript:alert(1))";

/// The example fixture with the crafted text in a workload's app tag (its name in every
/// table), an AMI name (in rule messages), security group descriptions, a bucket name (in
/// ARNs and messages) and a collection error.
fn crafted() -> String {
    let text = std::fs::read_to_string(snapshot("example")).unwrap();
    let mut text = text
        .replace("\"app\": \"web\"", &format!("\"app\": \"{HOSTILE}\""))
        .replace("acme-reports-20260612", &format!("reports {HOSTILE}"))
        .replace(
            "\"description\": \"web tier of the production stack\"",
            &format!("\"description\": \"{HOSTILE}\""),
        )
        .replace(
            "acme-prod-use1-reports-exports",
            &format!("exports {HOSTILE}"),
        );
    let mut v: serde_json::Value = serde_json::from_str(&text).expect("still JSON");
    v["standby"]["collection_errors"] = serde_json::json!([{
        "service": "s3",
        "api": format!("GetBucketReplication {HOSTILE}"),
        "code": format!("AccessDenied {HOSTILE}"),
        "message": HOSTILE,
        "resource": format!("arn:aws:s3:::{HOSTILE}"),
    }]);
    text = serde_json::to_string_pretty(&v).unwrap();
    text
}

/// Removes fenced code blocks and code spans: inside them Markdown shows text as it is.
fn outside_code(md: &str) -> Vec<String> {
    let mut lines = Vec::new();
    let mut fence: Option<String> = None;
    for line in md.lines() {
        let t = line.trim_start();
        if let Some(f) = &fence {
            if t.starts_with(f.as_str()) {
                fence = None;
            }
            continue;
        }
        if t.starts_with("```") {
            fence = Some(t.chars().take_while(|c| *c == '`').collect());
            continue;
        }
        lines.push(strip_spans(line));
    }
    lines
}

fn strip_spans(line: &str) -> String {
    let chars: Vec<char> = line.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < chars.len() {
        if chars[i] == '\\' && i + 1 < chars.len() {
            out.push(chars[i]);
            out.push(chars[i + 1]);
            i += 2;
            continue;
        }
        if chars[i] == '`' {
            let n = chars[i..].iter().take_while(|c| **c == '`').count();
            let ticks: String = "`".repeat(n);
            let rest: String = chars[i + n..].iter().collect();
            if let Some(end) = find_run(&rest, n) {
                out.push_str("CODE");
                i += n + rest[..end].chars().count() + n;
                let _ = ticks;
                continue;
            }
            out.push_str(&ticks);
            i += n;
            continue;
        }
        out.push(chars[i]);
        i += 1;
    }
    out
}

/// The byte offset of a run of exactly `n` backticks in `s`.
fn find_run(s: &str, n: usize) -> Option<usize> {
    let b = s.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'`' {
            let run = b[i..].iter().take_while(|c| **c == b'`').count();
            if run == n {
                return Some(i);
            }
            i += run;
        } else {
            i += 1;
        }
    }
    None
}

/// Cells of a table row: split on `|` that is not escaped.
fn cells(row: &str) -> usize {
    let mut n = 0;
    let mut prev = ' ';
    for c in row.chars() {
        if c == '|' && prev != '\\' {
            n += 1;
        }
        prev = c;
    }
    n
}

#[test]
fn crafted_names_tags_and_messages_are_never_live_in_html_or_markdown() {
    let dir = tempfile::tempdir().unwrap();
    let snap = dir.path().join("crafted.json");
    std::fs::write(&snap, crafted()).unwrap();
    let html_path = dir.path().join("report.html");
    let md_path = dir.path().join("report.md");
    let (code, _, err) = run(&[
        "evaluate",
        snap.to_str().unwrap(),
        "--format",
        &format!("html={}", html_path.display()),
        "--format",
        &format!("markdown={}", md_path.display()),
    ]);
    assert!(code == 1 || code == 3, "{err}");
    let html = std::fs::read_to_string(&html_path).unwrap();
    let md = std::fs::read_to_string(&md_path).unwrap();

    // The crafted text reached both reports (else this test proves nothing).
    let escaped = "&lt;script&gt;alert(1)&lt;/script&gt;";
    assert!(html.matches(escaped).count() >= 5, "{html}");
    assert!(html.contains("&lt;img src=x onerror=alert(1)&gt;"));
    assert!(md.contains("alert(1)"), "{md}");

    // HTML: one script (ours), no img, no handler, no javascript: link, every href ours.
    html_check::assert_self_contained(&html);
    let tags = html_check::tags(&html);
    assert!(tags.iter().all(|t| t.name != "img"));
    assert_eq!(html.matches("<script").count(), 1);
    for t in &tags {
        assert!(!t.text.contains("onerror=") || t.attrs.iter().all(|(n, _)| n != "onerror"));
    }

    // Markdown, outside code: no HTML element, no link, no heading, no extra table cell.
    let lines = outside_code(&md);
    let mut header_cells: Option<usize> = None;
    for line in &lines {
        let lower = line.to_ascii_lowercase();
        assert!(!lower.contains("<script"), "live script: {line}");
        assert!(!lower.contains("<img"), "live element: {line}");
        let link = lower.replace("\\]", "");
        assert!(!link.contains("](javascript:"), "live link: {line}");
        let body = line
            .trim_start()
            .trim_start_matches(['-', '*', '+', '>', ' ']);
        assert!(!body.starts_with("# heading"), "live heading: {line}");
        if line.starts_with('|') {
            let n = cells(line);
            match header_cells {
                None => header_cells = Some(n),
                Some(h) => assert_eq!(n, h, "a row with a cell of its own: {line}"),
            }
        } else {
            header_cells = None;
        }
    }
}
