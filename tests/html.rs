//! The HTML audit report: the golden file (insta) of the example fixture, determinism, a page
//! that requests nothing, the score-over-time chart from `--previous`, an organisation of two
//! targets, and the page in headless Chromium (scripts run without error, charts and tables
//! present, no network request, a screenshot as the CI artifact).

mod common;
mod html_check;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use common::*;
use drready::report::org::Org;
use html_check::assert_self_contained;

/// Replaces the wall-clock `Generated …` time of the footer, the only volatile value.
fn redact(html: &str) -> String {
    const KEY: &str = "Generated ";
    let at = html
        .rfind(KEY)
        .expect("the footer names when it was generated");
    let start = at + KEY.len();
    let end = start + "2026-11-25 22:52:20 UTC".len();
    assert!(html[start..end].ends_with(" UTC"), "{}", &html[start..end]);
    format!("{}[generated_at]{}", &html[..start], &html[end..])
}

fn evaluate_html(snapshot: &str, extra: &[&str]) -> (i32, String) {
    let snap = format!("fixtures/snapshots/{snapshot}.json");
    let mut args = vec!["evaluate", snap.as_str(), "--format", "html"];
    args.extend_from_slice(extra);
    let (code, out, err) = run(&args);
    assert!(code == 0 || code == 1, "{err}");
    (code, redact(&out))
}

fn json_report(dir: &Path, name: &str) -> PathBuf {
    let path = dir.join(format!("{name}.report.json"));
    let spec = format!("json={}", path.display());
    let snap = format!("fixtures/snapshots/{name}.json");
    let (code, _, err) = run(&["evaluate", &snap, "--format", &spec]);
    assert!(code == 0 || code == 1, "{err}");
    path
}

/// The body of the table with `id` in `html`, and its data rows (those starting with a row header).
fn table_rows<'a>(html: &'a str, id: &str) -> (&'a str, Vec<&'a str>) {
    let table = html
        .split(&format!("<table id=\"{id}\">"))
        .nth(1)
        .unwrap_or_else(|| panic!("no table {id}"))
        .split("</table>")
        .next()
        .unwrap();
    let rows = table.lines().filter(|l| l.starts_with("<tr><th")).collect();
    (table, rows)
}

#[test]
fn html_example() {
    let (code, html) = evaluate_html("example", &[]);
    assert_eq!(code, 1);
    insta::assert_snapshot!(html);
}

#[test]
fn html_example_is_deterministic_and_agrees_with_the_json_report() {
    let (_, first) = evaluate_html("example", &[]);
    let (_, second) = evaluate_html("example", &[]);
    assert_eq!(first, second);

    let (_, r) = report_json(&snapshot("example"), &[]);
    let overall = r["score"]["overall"].as_f64().unwrap();
    let findings = r["findings"].as_array().unwrap();
    let rows = first.matches("<tr data-severity=").count();
    assert_eq!(rows, findings.len(), "a row per finding");
    assert!(first.contains(&format!("{overall:.1}<small> / 100</small>")));
    assert!(first.contains(
        "<p class=\"verdict-word\"><span class=\"big-label\">Verdict</span>NOT READY</p>"
    ));
    assert!(first.contains("class=\"banner v-not_ready\""));
    // Every workload, every category and every failing rule's fix is there.
    for w in r["workloads"]["workloads"].as_array().unwrap() {
        let name = w["name"].as_str().unwrap();
        assert!(
            first.contains(&format!("<tr><th scope=\"row\">{name}</th>")),
            "{name}"
        );
    }
    for f in findings {
        let id = f["rule_id"].as_str().unwrap();
        assert!(
            first.contains(&format!("<details class=\"rule\" id=\"fix-{id}\">")),
            "{id}"
        );
    }
    assert!(first.contains("id=\"chart-scores\" role=\"img\""));
    assert!(first.contains("id=\"chart-recovery-0\" role=\"img\""));
    assert!(
        !first.contains("id=\"chart-trend\""),
        "no history, no trend"
    );
    assert_self_contained(&first);
}

#[test]
fn previous_reports_add_the_score_over_time_chart_and_its_table() {
    let dir = tempfile::tempdir().unwrap();
    let healthy = json_report(dir.path(), "healthy");
    let (_, html) = evaluate_html("example", &["--previous", healthy.to_str().unwrap()]);
    let (_, r) = report_json(&snapshot("example"), &[]);
    let overall = r["score"]["overall"].as_f64().unwrap();
    assert!(
        html.contains("<svg class=\"chart\" id=\"chart-trend\" role=\"img\""),
        "{html}"
    );
    assert!(html.contains("<a href=\"#trend\">Score over time</a>"));
    let (table, rows) = table_rows(&html, "trend-table");
    assert_eq!(rows.len(), 2, "{table}");
    assert!(
        rows[0].ends_with("<td class=\"num\">100.0</td></tr>"),
        "{table}"
    );
    assert!(rows[1].contains("(this report)"), "{table}");
    assert!(
        rows[1].ends_with(&format!("<td class=\"num\">{overall:.1}</td></tr>")),
        "{table}"
    );
    // One line from 100 down to the current score, with a point per run.
    let svg = html
        .split("id=\"chart-trend\"")
        .nth(1)
        .unwrap()
        .split("</svg>")
        .next()
        .unwrap();
    assert_eq!(svg.matches("<path class=\"line").count(), 1, "{svg}");
    assert_eq!(svg.matches("<circle").count(), 2, "{svg}");
    assert_self_contained(&html);
}

#[test]
fn an_organisation_of_two_targets_is_a_grid_worst_first_with_a_target_filter() {
    let dir = tempfile::tempdir().unwrap();
    let load = |name: &str, target: &str| {
        let mut r = drready::report::load(&json_report(dir.path(), name)).unwrap();
        r.target = Some(target.to_string());
        r
    };
    let org = Org::build(vec![
        load("healthy", "payments <b>eu</b>"),
        load("example", "core"),
    ])
    .unwrap();
    let html = drready::report::html::render(&org, &[]).unwrap();
    let (grid, rows) = table_rows(&html, "grid");
    assert_eq!(rows.len(), 2, "{grid}");
    assert!(
        rows[0].starts_with("<tr><th scope=\"row\">core</th>"),
        "worst first: {grid}"
    );
    assert!(rows[1].starts_with("<tr><th scope=\"row\">payments &lt;b&gt;eu&lt;/b&gt;</th>"));
    assert!(grid.contains("<th scope=\"col\">Site pair</th>"));
    assert!(html.contains("<h1>2 targets</h1>"));
    assert!(html.contains("<select id=\"filter-target\" data-filter=\"target\">"));
    assert!(html.contains("<option value=\"core\">core ("));
    assert!(
        !html.contains("<b>eu"),
        "target names are escaped everywhere"
    );
    // A section per target in the per-target parts.
    assert_eq!(html.matches("<h3>core <span class=\"muted\">").count(), 3);
    assert_self_contained(&html);
}

// ---------------------------------------------------------------------------------------------
// Headless Chromium

/// The browser: `DRREADY_CHROMIUM`, else `chromium` (Debian's package, installed by
/// scripts/test). Missing is a failure unless `DRREADY_SKIP_BROWSER=1`.
fn chromium() -> Option<PathBuf> {
    if std::env::var("DRREADY_SKIP_BROWSER").as_deref() == Ok("1") {
        eprintln!("SKIPPED: DRREADY_SKIP_BROWSER=1, the HTML report is not checked in a browser");
        return None;
    }
    let path = std::env::var_os("DRREADY_CHROMIUM")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/usr/bin/chromium"));
    assert!(
        path.exists(),
        "{} is missing: install it (`apt-get install chromium`, as ./scripts/test does), set \
         DRREADY_CHROMIUM, or set DRREADY_SKIP_BROWSER=1 to skip this test",
        path.display()
    );
    Some(path)
}

/// Runs headless Chromium on a page with `args`; (stdout, stderr). Killed after two minutes.
fn browse(bin: &Path, profile: &Path, page: &Path, args: &[String]) -> (String, String) {
    let mut cmd = Command::new(bin);
    cmd.args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        "--enable-logging=stderr",
        "--v=0",
    ])
    .arg(format!("--user-data-dir={}", profile.display()))
    .args(args)
    .arg(format!("file://{}", page.display()))
    .stdin(Stdio::null());
    let out_path = profile.with_extension("stdout");
    let err_path = profile.with_extension("stderr");
    cmd.stdout(std::fs::File::create(&out_path).unwrap())
        .stderr(std::fs::File::create(&err_path).unwrap());
    let mut child = cmd.spawn().expect("chromium starts");
    let started = Instant::now();
    loop {
        if child.try_wait().unwrap().is_some() {
            break;
        }
        if started.elapsed() > Duration::from_secs(120) {
            let _ = child.kill();
            panic!("chromium did not finish within 2 minutes");
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    (
        std::fs::read_to_string(out_path).unwrap(),
        std::fs::read_to_string(err_path).unwrap(),
    )
}

/// The URLs a page asked for, from Chromium's net log: requests with an initiator (the
/// browser's own, such as its clock and update checks, have none: "not an origin").
fn page_requests(netlog: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(netlog).expect("a net log");
    let v: serde_json::Value = serde_json::from_str(&text).expect("the net log is JSON");
    let start = v["constants"]["logEventTypes"]["URL_REQUEST_START_JOB"]
        .as_u64()
        .expect("the net log names its event types");
    v["events"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["type"].as_u64() == Some(start))
        .filter_map(|e| {
            let url = e["params"]["url"].as_str()?;
            (e["params"]["initiator"].as_str() != Some("not an origin")).then(|| url.to_string())
        })
        .collect()
}

/// Where the screenshot goes: `$DRREADY_ARTIFACTS`, else cargo's temp folder for tests.
fn artifacts() -> PathBuf {
    let dir = std::env::var_os("DRREADY_ARTIFACTS")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_TARGET_TMPDIR")));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn the_report_runs_in_headless_chromium_without_errors_or_requests() {
    let Some(bin) = chromium() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let healthy = json_report(dir.path(), "healthy");
    let page = dir.path().join("report.html");
    let spec = format!("html={}", page.display());
    let (code, _, err) = run(&[
        "evaluate",
        "fixtures/snapshots/example.json",
        "--format",
        &spec,
        "--previous",
        healthy.to_str().unwrap(),
    ]);
    assert_eq!(code, 1, "{err}");

    // (a) The DOM after the script ran; (b) console errors and policy violations; no request.
    let netlog = dir.path().join("netlog.json");
    let (dom, log) = browse(
        &bin,
        &dir.path().join("profile-dom"),
        &page,
        &[
            "--dump-dom".into(),
            format!("--log-net-log={}", netlog.display()),
        ],
    );
    let root = dom
        .split("<html")
        .nth(1)
        .unwrap()
        .split('>')
        .next()
        .unwrap();
    assert!(
        root.contains("data-ok=\"1\""),
        "the script ran to its end: <html{root}>\n{log}"
    );
    assert!(
        !root.contains("data-errors"),
        "errors in the page: <html{root}>"
    );
    for bad in ["Uncaught", "Refused to", "Content Security Policy"] {
        assert!(!log.contains(bad), "{bad} in the console:\n{log}");
    }
    assert_eq!(
        dom.matches("<svg class=\"chart\"").count(),
        3,
        "three charts"
    );
    for id in [
        "grid",
        "trend-table",
        "workloads-0",
        "findings-table",
        "recovery-0",
    ] {
        assert!(dom.contains(&format!("<table id=\"{id}\">")), "table {id}");
    }
    let filters = dom
        .split("role=\"search\"")
        .nth(1)
        .unwrap()
        .split('>')
        .next()
        .unwrap();
    assert!(
        !filters.contains("hidden"),
        "the script shows the filters: {filters}"
    );
    let (_, r) = report_json(&snapshot("example"), &[]);
    let n = r["findings"].as_array().unwrap().len();
    assert!(
        dom.contains(&format!("Showing {n} of {n} findings")),
        "the filter counted"
    );

    let requests = page_requests(&netlog);
    assert!(requests.is_empty(), "the page made requests: {requests:?}");
    // The check sees a request when there is one: a page that loads an image.
    let canary = dir.path().join("canary.html");
    std::fs::write(
        &canary,
        "<p><img src=\"http://127.0.0.1:9/canary.png\" alt=\"\"></p>",
    )
    .unwrap();
    let canary_log = dir.path().join("canary-netlog.json");
    browse(
        &bin,
        &dir.path().join("profile-canary"),
        &canary,
        &[
            "--dump-dom".into(),
            format!("--log-net-log={}", canary_log.display()),
        ],
    );
    assert_eq!(
        page_requests(&canary_log),
        ["http://127.0.0.1:9/canary.png"],
        "the net-log check sees a page's request"
    );

    // (c) The screenshot, the CI artifact.
    let shot = artifacts().join("html-report.png");
    let _ = std::fs::remove_file(&shot);
    let (_, log) = browse(
        &bin,
        &dir.path().join("profile-shot"),
        &page,
        &[
            format!("--screenshot={}", shot.display()),
            "--window-size=1280,1600".into(),
            "--hide-scrollbars".into(),
        ],
    );
    let png = std::fs::read(&shot).unwrap_or_else(|e| panic!("{}: {e}\n{log}", shot.display()));
    assert!(png.starts_with(b"\x89PNG\r\n\x1a\n"), "a PNG");
    assert!(
        png.len() > 20_000,
        "a page, not a blank: {} bytes",
        png.len()
    );
    eprintln!("screenshot: {}", shot.display());
}
