//! Organisation runs end to end against a real moto server (issue 14): two site pairs seeded
//! into one account (us-east-1 → us-west-2 and eu-west-1 → eu-central-1), scanned as targets in
//! one process and as two shards merged by `drready merge`; a target whose endpoint is dead is
//! incomplete while the other is judged; the multi-target usage errors.

mod support;

use std::collections::BTreeSet;
use std::path::Path;

use serde_json::Value;
use support::moto::{Moto, drready};

const US: &str = "us-pair";
const EU: &str = "eu-pair";

fn read_json(path: &Path) -> Value {
    let bytes =
        std::fs::read(path).unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_json::from_slice(&bytes).unwrap_or_else(|e| panic!("{} is not JSON: {e}", path.display()))
}

/// A targets file of the two pairs; `endpoint` set per site (`None`: from `--endpoint-url`).
fn targets_file(dir: &Path, us_endpoint: Option<&str>, eu_endpoint: Option<&str>) -> String {
    let site = |region: &str, endpoint: Option<&str>| {
        let mut s = format!("region = \"{region}\"\n");
        if let Some(e) = endpoint {
            s.push_str(&format!("endpoint_url = \"{e}\"\n"));
        }
        s
    };
    // Declared us first: the shards (sorted by name) must not depend on the file's order.
    let text = format!(
        "[[targets]]\nname = \"{US}\"\n[targets.primary]\n{}[targets.standby]\n{}\n\
         [[targets]]\nname = \"{EU}\"\n[targets.primary]\n{}[targets.standby]\n{}",
        site("us-east-1", us_endpoint),
        site("us-west-2", us_endpoint),
        site("eu-west-1", eu_endpoint),
        site("eu-central-1", eu_endpoint),
    );
    let path = dir.join("targets.toml");
    std::fs::write(&path, text).unwrap();
    path.display().to_string()
}

/// Two pairs in moto's one account, each named (`--pair-name`) so its global names are its own:
/// applications `us-appNN` and `eu-appNN`, a hosted zone each, roles and failover records that
/// name their regions.
fn seed_two_pairs(moto: &Moto) -> (Value, Value) {
    let us = moto.seed(&["--apps", "6", "--defects", "--pair-name", "us"]);
    // `Moto::seed` resets the server first; the second pair goes in beside the first.
    let out = std::process::Command::new(support::moto::python())
        .arg(support::moto::repo_root().join("scripts/seed_moto.py"))
        .args(["--endpoint", &moto.endpoint, "--apps", "6", "--defects"])
        .args([
            "--primary-region",
            "eu-west-1",
            "--standby-region",
            "eu-central-1",
        ])
        .args(["--pair-name", "eu", "--no-counts"])
        .env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env_remove("AWS_SESSION_TOKEN")
        .env_remove("AWS_PROFILE")
        .output()
        .expect("run seed_moto.py");
    assert!(
        out.status.success(),
        "seeding the second pair failed: {}\nserver log:\n{}",
        String::from_utf8_lossy(&out.stderr),
        moto.log_text()
    );
    let eu: Value = serde_json::from_slice(&out.stdout).expect("seed summary is JSON");
    assert_eq!(eu["primary"]["account"], us["primary"]["account"]);
    (us, eu)
}

/// The organisation JSON without what differs between two collections of one estate: when the
/// report and each target's inventory were made.
fn comparable(mut org: Value) -> Value {
    org.as_object_mut().unwrap().remove("generated_at");
    for t in org["targets"].as_array_mut().unwrap() {
        t.as_object_mut().unwrap().remove("collected_at");
    }
    org
}

/// Every ARN in `text` with its region field (empty for global services).
fn arn_regions(text: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find("arn:aws:") {
        let arn: String = rest[at..]
            .chars()
            .take_while(|c| !c.is_whitespace() && !matches!(c, '"' | '\'' | ',' | ')' | '`'))
            .collect();
        let region = arn.split(':').nth(3).unwrap_or_default().to_string();
        out.push((arn.clone(), region));
        rest = &rest[at + 8..];
    }
    out
}

/// The seeded application names a text mentions (`us-appNN`, `eu-appNN`, or `appNN` of an
/// unnamed pair).
fn apps_in(text: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let b = text.as_bytes();
    let mut i = 0;
    while let Some(at) = text[i..].find("app") {
        let at = i + at;
        let digits = &b[at + 3..(at + 5).min(b.len())];
        if digits.len() == 2 && digits.iter().all(u8::is_ascii_digit) {
            let pair = ["us-", "eu-"]
                .into_iter()
                .find(|p| at >= 3 && &text[at - 3..at] == *p)
                .unwrap_or_default();
            out.insert(format!("{pair}{}", &text[at..at + 5]));
        }
        i = at + 3;
    }
    out
}

/// A target's findings concern only its own pair: every regional ARN names one of its regions,
/// and every seeded application named is one of its own.
fn assert_own_pair(target: &str, regions: [&str; 2], findings: &[&Value]) {
    assert!(!findings.is_empty(), "target {target} has no finding");
    for f in findings {
        let text = f.to_string();
        for (arn, region) in arn_regions(&text) {
            assert!(
                region.is_empty() || regions.contains(&region.as_str()),
                "target {target} ({regions:?}) reports {arn} of another region: {f}"
            );
        }
        let own = if target == EU { "eu-" } else { "us-" };
        for app in apps_in(&text) {
            assert!(
                app.starts_with(own),
                "target {target} reports application {app} of another pair: {f}"
            );
        }
    }
}

/// The seeded defects (`--defects`) each show up in their own target, by rule.
fn assert_defects_found(target: &str, seed: &Value, findings: &[&Value]) {
    for (defect, rule) in [
        ("bucket_without_replication", "DR-S3-001"),
        ("ami_not_copied", "DR-EC2-001"),
        ("launch_template_without_twin", "DR-EC2-003"),
        ("failover_without_secondary", "DR-DNS-001"),
        ("standby_instance_profile_missing", "DR-IAM-001"),
    ] {
        let app = seed["defects"][defect].as_str().unwrap();
        let hits: Vec<&&Value> = findings
            .iter()
            .filter(|f| f["rule_id"] == rule && apps_in(&f.to_string()).contains(app))
            .collect();
        assert!(
            !hits.is_empty(),
            "target {target}: {defect} on {app} is not reported by {rule}"
        );
        // One failover record is reported once, not once per pair of the account.
        if rule == "DR-DNS-001" {
            assert_eq!(hits.len(), 1, "target {target}: {hits:?}");
        }
    }
}

fn calls(report: &Value, site: &str, service: &str) -> u64 {
    report["sites"][site]["api_calls"][service]
        .as_u64()
        .unwrap_or(0)
}

#[test]
fn two_pairs_in_one_account_one_run_equals_two_shards_merged() {
    let moto = Moto::start();
    let (us_seed, eu_seed) = seed_two_pairs(&moto);
    let dir = tempfile::tempdir().unwrap();
    let targets = targets_file(dir.path(), None, None);
    let one = dir.path().join("one");
    let org_one = dir.path().join("org-one.json");

    // One process, every target.
    let (code, stdout, stderr) = drready(&[
        "scan",
        "--targets",
        &targets,
        "--endpoint-url",
        &moto.endpoint,
        "--out-dir",
        one.to_str().unwrap(),
        "--format",
        &format!("json={}", org_one.display()),
        "--format",
        &format!("sarif={}", dir.path().join("one.sarif").display()),
        "--format",
        &format!("junit={}", dir.path().join("one.xml").display()),
        "--format",
        &format!("markdown={}", dir.path().join("one.md").display()),
        "--format",
        &format!("html={}", dir.path().join("one.html").display()),
    ]);
    assert_eq!(code, 1, "both pairs carry defects\n{stdout}\n{stderr}");
    let org = read_json(&org_one);
    assert_eq!(org["verdict"], "not_ready");
    assert_eq!(org["exit_code"], 1);
    assert_eq!(org["summary"]["targets"], 2);
    assert_eq!(org["summary"]["not_ready"], 2);
    assert_eq!(org["summary"]["incomplete"], 0);
    let names: BTreeSet<&str> = org["targets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["name"].as_str().unwrap())
        .collect();
    assert_eq!(names, BTreeSet::from([US, EU]));
    for t in org["targets"].as_array().unwrap() {
        let pair = if t["name"] == US {
            "us-east-1/us-west-2"
        } else {
            "eu-west-1/eu-central-1"
        };
        assert_eq!(t["site_pair"], pair, "{t}");
        assert_eq!(t["verdict"], "not_ready", "{t}");
        assert!(t["score"].as_f64().is_some(), "{t}");
    }
    // Worst first: by verdict (equal here), then lowest score, then name.
    let scores: Vec<f64> = org["targets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["score"].as_f64().unwrap())
        .collect();
    assert!(scores[0] <= scores[1], "{scores:?}");

    // Each target's findings are its own pair's, and its seeded defects are all there.
    let of = |target: &str| -> Vec<&Value> {
        org["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["target"] == target)
            .collect()
    };
    assert_eq!(
        of(US).len() + of(EU).len(),
        org["findings"].as_array().unwrap().len(),
        "a finding without a known target"
    );
    assert_own_pair(US, ["us-east-1", "us-west-2"], &of(US));
    assert_own_pair(EU, ["eu-west-1", "eu-central-1"], &of(EU));
    assert_defects_found(US, &us_seed, &of(US));
    assert_defects_found(EU, &eu_seed, &of(EU));

    // The per-target reports (`--out-dir`): named after their targets, carrying the target.
    let us_report = read_json(&one.join(format!("{US}.json")));
    let eu_report = read_json(&one.join(format!("{EU}.json")));
    assert_eq!(us_report["target"], US);
    assert_eq!(eu_report["target"], EU);
    assert_eq!(
        std::fs::read_dir(&one).unwrap().count(),
        2,
        "--out-dir holds one report per target"
    );
    for r in [&us_report, &eu_report] {
        let name = r["target"].as_str().unwrap();
        let summary = org["targets"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["name"] == name)
            .unwrap();
        assert_eq!(summary["score"], r["score"]["overall"]);
        assert_eq!(summary["primary"]["account"], us_seed["primary"]["account"]);
        for site in ["primary", "standby"] {
            assert_eq!(
                r["sites"][site]["collection_errors"],
                Value::Array(vec![]),
                "{name} {site}"
            );
            // Regional services are read by every target.
            assert!(calls(r, site, "ec2") > 0, "{name} {site}");
            assert!(calls(r, site, "s3") > 0, "{name} {site}");
        }
    }
    // IAM and Route 53 are global: read once for the account in this run, so exactly one
    // target's report counts their calls (the other copied the answer), always in its primary
    // site (the two sites of a target share the account).
    for service in ["iam", "route53"] {
        let per_target: Vec<(u64, u64)> = [&us_report, &eu_report]
            .iter()
            .map(|r| (calls(r, "primary", service), calls(r, "standby", service)))
            .collect();
        let readers = per_target.iter().filter(|(p, _)| *p > 0).count();
        assert_eq!(
            readers, 1,
            "{service} read by {readers} targets in one account: {per_target:?}"
        );
        assert!(
            per_target.iter().all(|(_, s)| *s == 0),
            "{service} counted in a standby site of the primary's account: {per_target:?}"
        );
    }

    // Two shards, in either order, each in its own process, then merged.
    let shards = dir.path().join("shards");
    let mut shard_targets = Vec::new();
    for shard in ["2/2", "1/2"] {
        let (code, stdout, stderr) = drready(&[
            "scan",
            "--targets",
            &targets,
            "--endpoint-url",
            &moto.endpoint,
            "--shard",
            shard,
            "--out-dir",
            shards.to_str().unwrap(),
            "--format",
            &format!(
                "json={}",
                dir.path()
                    .join(format!("org-shard{}.json", &shard[..1]))
                    .display()
            ),
        ]);
        assert_eq!(code, 1, "shard {shard}\n{stdout}\n{stderr}");
        let part = read_json(&dir.path().join(format!("org-shard{}.json", &shard[..1])));
        assert_eq!(part["summary"]["targets"], 1, "shard {shard}: {part}");
        shard_targets.push(part["targets"][0]["name"].as_str().unwrap().to_string());
    }
    // Sorted by name, round robin: eu-pair is shard 1 of 2 though declared second.
    assert_eq!(shard_targets, [US, EU]);

    let merged = dir.path().join("merged.json");
    let (code, stdout, stderr) = drready(&[
        "merge",
        shards.to_str().unwrap(),
        "--format",
        &format!("json={}", merged.display()),
    ]);
    assert_eq!(code, 1, "{stdout}\n{stderr}");
    let merged = read_json(&merged);
    // Identical organisation reports: verdicts, scores, every finding with its fingerprint.
    assert_eq!(comparable(merged.clone()), comparable(org.clone()));
    let fingerprints = |o: &Value| -> Vec<(String, String)> {
        o["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| {
                (
                    f["target"].as_str().unwrap().to_string(),
                    f["fingerprint"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    };
    assert_eq!(fingerprints(&merged), fingerprints(&org));
    assert!(!fingerprints(&org).is_empty());

    // Merging the one-process run's reports (files, not a folder) gives the same report too.
    let again = dir.path().join("again.json");
    let (code, _, stderr) = drready(&[
        "merge",
        one.join(format!("{EU}.json")).to_str().unwrap(),
        one.join(format!("{US}.json")).to_str().unwrap(),
        "--format",
        &format!("json={}", again.display()),
        "--format",
        &format!("sarif={}", dir.path().join("again.sarif").display()),
        "--format",
        &format!("junit={}", dir.path().join("again.xml").display()),
        "--format",
        &format!("markdown={}", dir.path().join("again.md").display()),
        "--format",
        &format!("html={}", dir.path().join("again.html").display()),
    ]);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(comparable(read_json(&again)), comparable(org.clone()));
    // Every organisation format of the merge equals the one-process run's.
    let read = |name: &str| std::fs::read_to_string(dir.path().join(name)).unwrap();
    let sarif = read_json(&dir.path().join("one.sarif"));
    assert_eq!(
        sarif["runs"].as_array().unwrap().len(),
        2,
        "a run per target"
    );
    assert_eq!(sarif, read_json(&dir.path().join("again.sarif")));
    let junit = read("one.xml");
    assert_eq!(
        junit.matches("<testsuite ").count(),
        2,
        "a suite per target"
    );
    assert_eq!(junit, read("again.xml"));
    // Only the line saying when the organisation report was generated may differ.
    let without_clock = |text: String| -> Vec<String> {
        text.lines()
            .filter(|l| !l.to_ascii_lowercase().contains("generated"))
            .map(str::to_string)
            .collect()
    };
    assert_eq!(
        without_clock(read("one.md")),
        without_clock(read("again.md"))
    );
    let html = read("one.html");
    assert!(html.contains(US) && html.contains(EU));
    assert_eq!(without_clock(html), without_clock(read("again.html")));

    // A report merged twice is refused: two reports of one target.
    let (code, _, stderr) = drready(&[
        "merge",
        shards.to_str().unwrap(),
        shards.join(format!("{US}.json")).to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains(&format!("two reports of target `{US}`")),
        "{stderr}"
    );
}

#[test]
fn a_dead_target_is_incomplete_and_the_other_is_judged() {
    let moto = Moto::start();
    let seed = moto.seed(&["--apps", "6", "--defects", "--pair-name", "us"]);
    let dir = tempfile::tempdir().unwrap();
    // No --endpoint-url: each target's sites name their own endpoint; the eu pair's answers
    // nothing (port 1 refuses connections).
    let targets = targets_file(dir.path(), Some(&moto.endpoint), Some("http://127.0.0.1:1"));
    let out = dir.path().join("reports");
    let org_path = dir.path().join("org.json");
    let started = std::time::Instant::now();
    let (code, stdout, stderr) = drready(&[
        "scan",
        "--targets",
        &targets,
        "--out-dir",
        out.to_str().unwrap(),
        "--format",
        &format!("json={}", org_path.display()),
    ]);
    assert_eq!(code, 3, "one target is unreadable\n{stdout}\n{stderr}");
    assert!(
        started.elapsed() < std::time::Duration::from_secs(120),
        "a dead endpoint took {:?}",
        started.elapsed()
    );
    let org = read_json(&org_path);
    assert_eq!(org["verdict"], "incomplete");
    assert_eq!(org["exit_code"], 3);
    assert_eq!(org["summary"]["incomplete"], 1);
    assert_eq!(org["summary"]["not_ready"], 1);
    // Worst first: the incomplete target leads.
    let dead = &org["targets"][0];
    let alive = &org["targets"][1];
    assert_eq!(dead["name"], EU, "{org}");
    assert_eq!(dead["verdict"], "incomplete");
    assert_eq!(dead["exit_code"], 3);
    let causes: Vec<&str> = dead["unreadable"]
        .as_array()
        .unwrap_or_else(|| panic!("no unreadable causes: {dead}"))
        .iter()
        .map(|c| c.as_str().unwrap())
        .collect();
    assert_eq!(causes.len(), 2, "both sites of the dead target: {causes:?}");
    assert!(causes[0].starts_with("primary eu-west-1: "), "{causes:?}");
    assert!(
        causes[1].starts_with("standby eu-central-1: "),
        "{causes:?}"
    );
    assert!(stderr.contains(&format!("target {EU}")), "{stderr}");

    // The live target is judged as if it ran alone.
    assert_eq!(alive["name"], US);
    assert_eq!(alive["verdict"], "not_ready");
    assert!(alive["score"].as_f64().is_some());
    assert!(alive.get("unreadable").is_none(), "{alive}");
    assert_eq!(alive["primary"]["complete"], true);
    assert_eq!(alive["standby"]["complete"], true);
    let findings: Vec<&Value> = org["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["target"] == US)
        .collect();
    assert_own_pair(US, ["us-east-1", "us-west-2"], &findings);
    assert_defects_found(US, &seed, &findings);
    // Both reports are written, the dead one too (it is data).
    let dead_report = read_json(&out.join(format!("{EU}.json")));
    assert_eq!(dead_report["gate"]["verdict"], "incomplete");
    assert_eq!(read_json(&out.join(format!("{US}.json")))["target"], US);

    // The same targets judged alone: the live target's report equals its part of the run.
    let alone = dir.path().join("alone.json");
    let (code, _, stderr) = drready(&[
        "scan",
        "--targets",
        &targets,
        "--target",
        US,
        "--format",
        &format!("json={}", alone.display()),
    ]);
    assert_eq!(code, 1, "{stderr}");
    let alone = read_json(&alone);
    assert_eq!(alone["score"]["overall"], alive["score"]);
    let fp = |fs: Vec<&Value>| -> BTreeSet<String> {
        fs.iter()
            .map(|f| f["fingerprint"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(
        fp(alone["findings"].as_array().unwrap().iter().collect()),
        fp(findings)
    );
}

#[test]
fn multi_target_usage_errors_exit_2_with_a_clear_message() {
    let dir = tempfile::tempdir().unwrap();
    let targets = targets_file(dir.path(), None, None);
    let cases: Vec<(Vec<String>, &str)> = vec![
        (
            vec![
                "--targets".into(),
                targets.clone(),
                "--shard".into(),
                "0/2".into(),
            ],
            "`0/2` is not a shard",
        ),
        (
            vec![
                "--targets".into(),
                targets.clone(),
                "--shard".into(),
                "3/2".into(),
            ],
            "`3/2` is not a shard",
        ),
        (
            vec![
                "--primary-region".into(),
                "us-east-1".into(),
                "--standby-region".into(),
                "us-west-2".into(),
                "--out-dir".into(),
                dir.path().join("out").display().to_string(),
            ],
            "--out-dir",
        ),
        (
            vec![
                "--primary-region".into(),
                "us-east-1".into(),
                "--standby-region".into(),
                "us-west-2".into(),
                "--shard".into(),
                "1/2".into(),
            ],
            "[[targets]]",
        ),
        (
            vec![
                "--targets".into(),
                targets.clone(),
                "--primary-region".into(),
                "us-east-1".into(),
            ],
            "--primary-region",
        ),
        (
            vec![
                "--targets".into(),
                targets.clone(),
                "--target".into(),
                "nope".into(),
            ],
            "no such target",
        ),
    ];
    for (args, expected) in cases {
        let mut all = vec!["scan"];
        all.extend(args.iter().map(String::as_str));
        let (code, _, stderr) = drready(&all);
        assert_eq!(code, 2, "{all:?}: {stderr}");
        assert!(stderr.contains(expected), "{all:?}: {stderr}");
    }
    // Nothing was created for the refused --out-dir.
    assert!(!dir.path().join("out").exists());

    // Two targets of one name.
    let dup = dir.path().join("dup.toml");
    std::fs::write(
        &dup,
        "[[targets]]\nname = \"a\"\n[targets.primary]\nregion = \"us-east-1\"\n\
         [targets.standby]\nregion = \"us-west-2\"\n\n\
         [[targets]]\nname = \"a\"\n[targets.primary]\nregion = \"eu-west-1\"\n\
         [targets.standby]\nregion = \"eu-central-1\"\n",
    )
    .unwrap();
    let (code, _, stderr) = drready(&["scan", "--targets", dup.to_str().unwrap()]);
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("`a` is already the name of the target at") && stderr.contains(":1"),
        "{stderr}"
    );
    assert!(stderr.contains("dup.toml:9"), "{stderr}");

    // The same single-pair report merged twice (no moto needed: an offline evaluation).
    let report = dir.path().join("example.json");
    let (code, _, stderr) = drready(&[
        "evaluate",
        "fixtures/snapshots/example.json",
        "--format",
        &format!("json={}", report.display()),
    ]);
    assert_eq!(code, 1, "{stderr}");
    let r = report.to_str().unwrap();
    let (code, stdout, stderr) = drready(&["merge", r, r, "--format", "json"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stdout.is_empty(), "nothing is rendered: {stdout}");
    assert!(stderr.contains("two reports of target"), "{stderr}");
    assert!(stderr.contains("inputs #1 and #2"), "{stderr}");
    // Once is fine: a single-pair report is an organisation of one target.
    let (code, stdout, stderr) = drready(&["merge", r, "--format", "json"]);
    assert_eq!(code, 1, "{stderr}");
    let org: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(org["summary"]["targets"], 1);

    // A folder without reports.
    let empty = dir.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    let (code, _, stderr) = drready(&["merge", empty.to_str().unwrap()]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("holds no *.json reports"), "{stderr}");

    // An empty shard (more shards than targets) judges nothing and is not a failure.
    let (code, _, stderr) = drready(&["scan", "--targets", &targets, "--shard", "3/3"]);
    assert_eq!(code, 0, "{stderr}");
    assert!(stderr.contains("has no targets"), "{stderr}");
}
