//! The organisation outputs (Markdown, SARIF, JUnit, table) of an organisation built from
//! fixture snapshots judged as named targets: golden files (insta) and structural checks.
//!
//! Reports go through their JSON form first, as a merged run reads its shards; the one volatile
//! value (`generated_at`) is pinned.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

use chrono::{DateTime, Utc};
use common::sarif::validate;
use drready::config::Config;
use drready::policy::PolicySet;
use drready::report::Report;
use drready::report::org::Org;
use drready::report::sarif::SarifOptions;
use drready::report::table::TableOptions;
use drready::snapshot::{CollectionError, Site, Snapshot};
use drready::vocab::{Service, Verdict};
use serde_json::Value;

/// The cause of the unreadable site; `<` and `|` must stay escaped in Markdown and XML.
const CAUSE: &str = "primary site not collected: User ci is not authorized to perform \
                     sts:AssumeRole on <role|dr-reader>";

fn generated() -> DateTime<Utc> {
    "2030-01-02T03:04:05Z".parse().unwrap()
}

fn policies() -> &'static PolicySet {
    static P: OnceLock<PolicySet> = OnceLock::new();
    P.get_or_init(|| PolicySet::load(true, &[], false).unwrap())
}

fn load(name: &str) -> Snapshot {
    drready::snapshot::load(&common::snapshot(name)).unwrap()
}

/// A snapshot whose primary site could not be read at all (its role could not be assumed):
/// account `unknown`, one error per service, nothing listed.
fn unreadable_primary(mut snap: Snapshot) -> Snapshot {
    let services: Vec<Service> = Service::ALL.to_vec();
    snap.primary = Site {
        account: drready::snapshot::UNKNOWN_ACCOUNT.to_string(),
        region: snap.primary.region.clone(),
        collected_at: snap.primary.collected_at,
        services: Some(services.clone()),
        collection_errors: services
            .iter()
            .map(|s| CollectionError {
                service: *s,
                api: "AssumeRole".into(),
                code: "AccessDenied".into(),
                message: CAUSE.into(),
                resource: None,
            })
            .collect(),
        ..Default::default()
    };
    snap
}

/// Judges a snapshot as target `name`; with `json`, the report goes through its JSON form.
fn judge(snap: &Snapshot, name: &str, json: bool) -> Report {
    let config = Config {
        target: Some(name.to_string()),
        ..Config::default()
    };
    let mut report = drready::pipeline::evaluate(snap, &config, policies()).unwrap();
    if json {
        let text = drready::report::json::render(&report).unwrap();
        report = drready::report::parse(&text, name).unwrap();
    }
    report.generated_at = generated();
    report
}

fn build(reports: Vec<Report>) -> Org {
    let mut org = Org::build(reports).unwrap();
    org.report.generated_at = generated();
    org
}

/// Three targets, given best first: ready, not ready, incomplete (a site not read at all).
fn reports(json: bool) -> Vec<Report> {
    static SNAPS: OnceLock<[Snapshot; 3]> = OnceLock::new();
    let [healthy, example, unreadable] = SNAPS.get_or_init(|| {
        [
            load("healthy"),
            load("example"),
            unreadable_primary(load("healthy")),
        ]
    });
    vec![
        judge(healthy, "us-web", json),
        judge(example, "eu-payments", json),
        judge(unreadable, "ap-billing", json),
    ]
}

fn org() -> Org {
    build(reports(true))
}

const WORST_FIRST: [&str; 3] = ["ap-billing", "eu-payments", "us-web"];

#[test]
fn targets_are_sorted_worst_first_with_the_incomplete_one_explained() {
    let org = org();
    let names: Vec<&str> = org.report.targets.iter().map(|t| t.name.as_str()).collect();
    assert_eq!(names, WORST_FIRST);
    let verdicts: Vec<Verdict> = org.report.targets.iter().map(|t| t.verdict).collect();
    assert_eq!(
        verdicts,
        [Verdict::Incomplete, Verdict::NotReady, Verdict::Ready]
    );
    let unreadable = &org.report.targets[0].unreadable;
    assert_eq!(unreadable.len(), 1, "{unreadable:?}");
    assert!(
        unreadable[0].starts_with("primary us-east-1: "),
        "{unreadable:?}"
    );
    assert!(unreadable[0].contains(CAUSE), "{unreadable:?}");
}

// --- Markdown ---------------------------------------------------------------------------------

/// The organisation part (before the first target's report) and each target's report.
fn split_markdown(md: &str) -> (&str, Vec<&str>) {
    let mut parts = md.split("\n---\n\n");
    let head = parts.next().unwrap();
    (head, parts.collect())
}

#[test]
fn markdown_golden_summary_and_table_worst_first() {
    let org = org();
    let md = drready::report::org::markdown::render(&org).unwrap();
    let (head, sections) = split_markdown(&md);
    assert_eq!(sections.len(), 3);

    // The table rows, worst first.
    let rows: Vec<&str> = head
        .lines()
        .skip_while(|l| !l.starts_with("| Target |"))
        .skip(2)
        .take_while(|l| l.starts_with('|'))
        .collect();
    assert_eq!(rows.len(), 3, "{head}");
    for (row, name) in rows.iter().zip(WORST_FIRST) {
        assert!(row.starts_with(&format!("| `{name}` |")), "{row}");
    }
    // Every row has the header's number of cells.
    let header_cells = head
        .lines()
        .find(|l| l.starts_with("| Target |"))
        .unwrap()
        .matches('|')
        .count();
    for row in &rows {
        assert_eq!(
            row.replace("\\|", "").matches('|').count(),
            header_cells,
            "{row}"
        );
    }
    // The cause of the incomplete target, escaped.
    assert!(
        head.contains(
            "User ci is not authorized to perform sts:AssumeRole on &lt;role\\|dr-reader&gt;"
        ),
        "{head}"
    );
    assert!(
        !md.contains("<role|dr-reader>"),
        "raw text from AWS reaches no Markdown"
    );

    // The golden: the organisation part whole, then the outline of the target reports (their
    // content is the single-run report's, checked below).
    let mut golden = head.to_string();
    golden.push_str("\n--- target reports (headings) ---\n");
    for s in &sections {
        let mut fence = false;
        for line in s.lines() {
            if line.starts_with("```") {
                fence = !fence;
            }
            if !fence && line.starts_with('#') {
                golden.push_str(line);
                golden.push('\n');
            }
        }
    }
    insta::assert_snapshot!(golden);
}

#[test]
fn markdown_target_sections_are_the_single_run_report_one_level_down() {
    let org = org();
    let md = drready::report::org::markdown::render(&org).unwrap();
    let (_, sections) = split_markdown(&md);
    for (section, report) in sections.iter().zip(&org.reports) {
        let name = report.target.as_deref().unwrap();
        let single = drready::report::markdown::render(report, None).unwrap();
        assert!(
            section.starts_with(&format!("## DR readiness audit of `{name}`: ")),
            "{section}"
        );
        let (a, b): (Vec<&str>, Vec<&str>) = (
            section.trim_end().lines().collect(),
            single.trim_end().lines().collect(),
        );
        assert_eq!(a.len(), b.len(), "{name}: same lines");
        let mut headings = 0;
        for (org_line, single_line) in a.iter().zip(&b) {
            if org_line != single_line {
                assert!(
                    single_line.starts_with('#') && *org_line == format!("#{single_line}"),
                    "{name}: `{org_line}` vs `{single_line}`"
                );
                headings += 1;
            }
        }
        assert!(headings >= 8, "{name}: every heading one level down");
    }
}

// --- SARIF ------------------------------------------------------------------------------------

fn sarif(org: &Org) -> (Value, String) {
    let text = drready::report::org::sarif::render(org, &SarifOptions::default()).unwrap();
    (serde_json::from_str(&text).unwrap(), text)
}

#[test]
fn sarif_has_one_run_per_target_with_its_own_category_and_validates() {
    let org = org();
    let (v, text) = sarif(&org);
    let runs = v["runs"].as_array().unwrap();
    assert_eq!(runs.len(), org.reports.len());
    let ids: Vec<&str> = runs
        .iter()
        .map(|r| r["automationDetails"]["id"].as_str().unwrap())
        .collect();
    assert_eq!(
        ids,
        WORST_FIRST.map(|n| format!("drready/{n}/")).to_vec(),
        "one category per target, worst first"
    );
    assert_eq!(ids.iter().collect::<BTreeSet<_>>().len(), ids.len());

    for (run, report) in runs.iter().zip(&org.reports) {
        let name = report.target.as_deref().unwrap();
        assert_eq!(run["properties"]["drready/target"], name);
        assert_eq!(
            run["properties"]["drready/verdict"],
            report.gate.verdict.as_str()
        );
        assert_eq!(
            run["properties"]["drready/sitePair"],
            report.site_pair.as_str()
        );
        let results = run["results"].as_array().unwrap();
        assert_eq!(results.len(), report.findings.len(), "{name}");
        // Every result carries its finding's fingerprint.
        let from_report: BTreeSet<&str> = report
            .findings
            .iter()
            .map(|f| f.fingerprint.as_str())
            .collect();
        let from_sarif: BTreeSet<&str> = results
            .iter()
            .map(|r| r["partialFingerprints"]["drready/v1"].as_str().unwrap())
            .collect();
        assert_eq!(from_sarif, from_report, "{name}");
        let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
        for r in results {
            let i = r["ruleIndex"].as_u64().unwrap() as usize;
            assert_eq!(
                rules[i]["id"], r["ruleId"],
                "{name}: ruleIndex within its run"
            );
            let fp = r["partialFingerprints"]["drready/v1"].as_str().unwrap();
            let f = report
                .findings
                .iter()
                .find(|f| f.fingerprint == fp)
                .unwrap();
            assert_eq!(r["ruleId"], f.rule_id.as_str());
            assert_eq!(
                r["locations"][0]["logicalLocations"][0]["fullyQualifiedName"],
                f.resource.as_str()
            );
        }
    }
    // The incomplete target says why, first.
    let notes = runs[0]["invocations"][0]["toolExecutionNotifications"]
        .as_array()
        .unwrap();
    let first = notes[0]["message"]["text"].as_str().unwrap();
    assert!(first.starts_with("Target ap-billing is incomplete: a site could not be read"));
    assert!(first.contains(CAUSE), "{first}");
    assert_eq!(notes[0]["level"], "error");
    assert!(notes.len() > 1, "and the rules it left unjudged");

    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("org.sarif");
    std::fs::write(&file, &text).unwrap();
    validate(&file);

    // The golden: each run whole but its rules and results in brief (those are the single-run
    // SARIF's, which tests/sarif.rs checks).
    let mut brief = v.clone();
    for run in brief["runs"].as_array_mut().unwrap() {
        for rule in run["tool"]["driver"]["rules"].as_array_mut().unwrap() {
            *rule = serde_json::json!({ "id": rule["id"] });
        }
        for r in run["results"].as_array_mut().unwrap() {
            *r = serde_json::json!({
                "ruleId": r["ruleId"],
                "level": r["level"],
                "resource": r["locations"][0]["logicalLocations"][0]["fullyQualifiedName"],
                "fingerprint": r["partialFingerprints"]["drready/v1"],
            });
        }
    }
    insta::assert_json_snapshot!(brief);
}

#[test]
fn sarif_single_run_reports_keep_their_site_pair_category() {
    let mut report = judge(&load("healthy"), "x", true);
    report.target = None;
    let (v, _) = sarif(&build(vec![report.clone()]));
    assert_eq!(
        v["runs"][0]["automationDetails"]["id"],
        drready::report::sarif::automation_id(&report)
    );
}

#[test]
fn sarif_refuses_more_runs_than_github_accepts() {
    let base = judge(&load("healthy"), "t", true);
    let many = |n: usize| {
        build(
            (0..n)
                .map(|i| {
                    let mut r = base.clone();
                    r.target = Some(format!("target-{i:02}"));
                    r
                })
                .collect(),
        )
    };
    let max = drready::report::org::sarif::MAX_RUNS;
    assert_eq!(max, 20, "GitHub code scanning: at most 20 runs per file");
    let (v, _) = sarif(&many(max));
    assert_eq!(v["runs"].as_array().unwrap().len(), max);

    let err =
        drready::report::org::sarif::render(&many(max + 1), &SarifOptions::default()).unwrap_err();
    let msg = format!("{err:#}");
    assert!(msg.contains("21 runs"), "{msg}");
    assert!(msg.contains("more than 20"), "{msg}");
    assert!(msg.contains("shards"), "{msg}");
    assert_eq!(
        drready::gate::for_error(&err).code(),
        2,
        "a usage error: nothing half-written"
    );
}

// --- JUnit ------------------------------------------------------------------------------------

fn attr<'a>(n: roxmltree::Node<'a, '_>, name: &str) -> &'a str {
    n.attribute(name)
        .unwrap_or_else(|| panic!("<{}> has no {name}", n.tag_name().name()))
}

fn num(n: roxmltree::Node, name: &str) -> usize {
    attr(n, name).parse().unwrap()
}

#[test]
fn junit_has_one_suite_per_target_and_counts_that_add_up() {
    let org = org();
    let xml = drready::report::org::junit::render(&org).unwrap();
    let doc = roxmltree::Document::parse(&xml).expect("well-formed XML");
    let top = doc.root_element();
    assert_eq!(top.tag_name().name(), "testsuites");
    let suites: Vec<_> = top
        .children()
        .filter(|c| c.has_tag_name("testsuite"))
        .collect();
    assert_eq!(suites.len(), org.reports.len());
    let names: Vec<&str> = suites.iter().map(|s| attr(*s, "name")).collect();
    assert_eq!(names, WORST_FIRST);

    let mut total = [0usize; 4];
    for (suite, report) in suites.iter().zip(&org.reports) {
        let mut n = [0usize; 4];
        let mut failed_cases = BTreeSet::new();
        for case in suite.children().filter(|c| c.has_tag_name("testcase")) {
            n[0] += 1;
            let outcome = case
                .children()
                .find(|k| k.is_element())
                .map(|k| k.tag_name().name());
            match outcome {
                None => {}
                Some("failure") => {
                    n[1] += 1;
                    failed_cases.insert((attr(case, "classname"), attr(case, "name")));
                }
                Some("error") => n[2] += 1,
                Some("skipped") => n[3] += 1,
                Some(other) => panic!("unexpected <{other}>"),
            }
        }
        let declared = [
            num(*suite, "tests"),
            num(*suite, "failures"),
            num(*suite, "errors"),
            num(*suite, "skipped"),
        ];
        assert_eq!(declared, n, "counts of {}", attr(*suite, "name"));
        for i in 0..4 {
            total[i] += n[i];
        }
        // Failures: every unwaived finding's (rule, resource), and every workload not ready.
        let unwaived: BTreeSet<(&str, &str)> = report
            .unwaived()
            .map(|f| (f.rule_id.as_str(), f.resource.as_str()))
            .collect();
        let not_ready: BTreeSet<(&str, &str)> = report
            .workloads
            .workloads
            .iter()
            .filter(|w| w.verdict == drready::verdicts::WorkloadVerdict::NotReady)
            .map(|w| ("workload", w.name.as_str()))
            .collect();
        let expected: BTreeSet<_> = unwaived.union(&not_ready).copied().collect();
        assert_eq!(failed_cases, expected, "{}", attr(*suite, "name"));
        // Every judged resource is a test: named when it has a finding, counted otherwise.
        let judged: usize = report.rules.iter().map(|r| r.resources).sum();
        let counted: usize = suite
            .children()
            .filter(|c| c.has_tag_name("testcase"))
            .filter(|c| !matches!(attr(*c, "classname"), "workload" | "site"))
            .map(|c| {
                let name = attr(c, "name");
                match name
                    .strip_prefix('(')
                    .and_then(|s| s.split_once(" resource"))
                {
                    Some((n, _)) if n.parse::<usize>().is_ok() => n.parse().unwrap(),
                    _ if name == drready::report::junit::UNKNOWN_CASE => 0,
                    _ => 1,
                }
            })
            .sum();
        assert_eq!(counted, judged, "{}", attr(*suite, "name"));
    }
    let declared = [
        num(top, "tests"),
        num(top, "failures"),
        num(top, "errors"),
        num(top, "skipped"),
    ];
    assert_eq!(declared, total, "counts of <testsuites>");
    assert!(total[1] > 0 && total[2] > 0, "{total:?}");

    // The incomplete target's cause is its first case.
    let first = suites[0]
        .children()
        .find(|c| c.has_tag_name("testcase"))
        .unwrap();
    assert_eq!(attr(first, "classname"), "site");
    assert_eq!(attr(first, "name"), "primary us-east-1");
    let error = first.children().find(|c| c.has_tag_name("error")).unwrap();
    assert!(attr(error, "message").contains(CAUSE), "{xml}");
    let props: BTreeMap<&str, &str> = suites[0]
        .descendants()
        .filter(|c| c.has_tag_name("property"))
        .map(|p| (attr(p, "name"), attr(p, "value")))
        .collect();
    assert_eq!(props["drready.verdict"], "incomplete");

    // The golden, with failure texts elided (the single-run JUnit's, which tests/junit.rs checks).
    let mut golden = String::new();
    let mut rest = xml.as_str();
    while let Some(open) = rest.find("<failure ") {
        let text = open + rest[open..].find('>').unwrap() + 1;
        let close = text + rest[text..].find("</failure>").unwrap();
        golden.push_str(&rest[..text]);
        golden.push('…');
        rest = &rest[close..];
    }
    golden.push_str(rest);
    insta::assert_snapshot!(golden);
}

#[test]
fn junit_needs_nothing_the_json_report_does_not_carry() {
    // Judged resources are not in the JSON report: in memory or read back, the same bytes.
    let direct = drready::report::org::junit::render(&build(reports(false))).unwrap();
    let read_back = drready::report::org::junit::render(&build(reports(true))).unwrap();
    assert_eq!(direct, read_back);
}

// --- table ------------------------------------------------------------------------------------

fn table(org: &Org, color: bool) -> String {
    drready::report::org::table::render(org, TableOptions { color, width: 160 }).unwrap()
}

#[test]
fn table_golden_rows_worst_first_then_blocking_findings() {
    let org = org();
    let t = table(&org, false);
    assert!(!t.contains('\x1b'));
    let rows: Vec<usize> = WORST_FIRST
        .iter()
        .map(|n| {
            t.find(&format!("│ {n} "))
                .unwrap_or_else(|| panic!("{n}\n{t}"))
        })
        .collect();
    assert!(rows.windows(2).all(|w| w[0] < w[1]), "worst first\n{t}");
    assert!(
        t.contains("Incomplete: ap-billing: site not read: primary us-east-1: "),
        "{t}"
    );
    assert!(t.contains("sts:AssumeRole on <role|dr-reader>"), "{t}");
    let last = t.lines().last().unwrap();
    assert!(last.starts_with("Organisation: 1 of 3 targets ready, 1 not ready, 1 incomplete;"));
    assert!(
        last.ends_with("UNKNOWN — inventory incomplete (exit 3)"),
        "{last}"
    );
    insta::assert_snapshot!(t);

    let colored = table(&org, true);
    assert!(colored.contains("\x1b[1;33mUNKNOWN — inventory incomplete\x1b[0m"));
}

#[test]
fn table_caps_the_blocking_findings() {
    let example = load("example");
    let reports: Vec<Report> = ["a", "b", "c"]
        .iter()
        .map(|n| judge(&example, n, true))
        .collect();
    let blocking: usize = reports
        .iter()
        .map(|r| {
            let on = r.gate.fail_on.unwrap();
            r.unwaived().filter(|f| f.severity >= on).count()
        })
        .sum();
    let cap = drready::report::org::table::TOP_FINDINGS;
    assert!(blocking > cap, "{blocking}");
    let t = table(&build(reports), false);
    assert!(
        t.contains(&format!(
            "… {} more (each target's report lists them all)",
            blocking - cap
        )),
        "{t}"
    );
}
