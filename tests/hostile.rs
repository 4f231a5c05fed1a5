//! Hostile and broken input that tests/cli.rs does not already cover: each is refused with exit
//! code 2 and a message that names the problem, never a panic. Also: tag redaction in every
//! output, atomic report writes, and a bounded random-input run of both loaders over the
//! committed fuzz corpus (the cargo-fuzz targets in fuzz/ go further; see scripts/fuzz).

mod common;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use common::*;

fn output(cmd: &mut assert_cmd::Command) -> (i32, String, String) {
    let out = cmd.output().expect("drready runs");
    (
        out.status.code().expect("exit code, not a signal"),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn assert_no_panic(stderr: &str) {
    assert!(
        !stderr.contains("panicked") && !stderr.contains("RUST_BACKTRACE"),
        "{stderr}"
    );
}

/// A snapshot of about `bytes` bytes: the healthy fixture with its primary instances repeated
/// (new ids and ARNs) until the file is that large. Written as text, streamed to disk.
fn big_snapshot(path: &Path, bytes: usize) {
    let text = std::fs::read_to_string(snapshot("healthy")).unwrap();
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    let mut instance = v["primary"]["ec2"]["instances"][0].clone();
    instance["id"] = "i-BIGID".into();
    instance["arn"] = "arn:aws:ec2:us-east-1:111111111111:instance/i-BIGID".into();
    let template = serde_json::to_string(&instance).unwrap();
    let compact = serde_json::to_string(&v).unwrap();
    let marker = "\"instances\":[";
    let at = compact.find(marker).expect("an instances array") + marker.len();
    let mut f = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    f.write_all(&compact.as_bytes()[..at]).unwrap();
    let mut written = at;
    let mut i = 0u64;
    while written < bytes {
        let item = template.replace("BIGID", &format!("{i:017x}"));
        f.write_all(item.as_bytes()).unwrap();
        f.write_all(b",").unwrap();
        written += item.len() + 1;
        i += 1;
    }
    f.write_all(&compact.as_bytes()[at..]).unwrap();
    f.flush().unwrap();
}

#[test]
fn a_200_mb_snapshot_is_refused_by_the_size_limit_before_it_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("huge.json");
    big_snapshot(&path, 200_000_000);
    let size = std::fs::metadata(&path).unwrap().len();
    assert!(size >= 200_000_000);

    let started = Instant::now();
    let (code, _, err) = output(
        drready()
            .args(["evaluate", path.to_str().unwrap()])
            .env("DRREADY_MAX_SNAPSHOT_BYTES", "50000000"),
    );
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("huge.json"), "{err}");
    assert!(err.contains(&format!("is {size} bytes")), "{err}");
    assert!(
        err.contains("(200.0 MB)") || err.contains("(200.1 MB)"),
        "{err}"
    );
    assert!(
        err.contains("over the limit of 50000000 bytes (50.0 MB)"),
        "{err}"
    );
    assert!(err.contains("DRREADY_MAX_SNAPSHOT_BYTES"), "{err}");
    assert!(
        started.elapsed() < Duration::from_secs(5),
        "refused without reading: {:?}",
        started.elapsed()
    );
    assert_no_panic(&err);

    // `diff` loads snapshots too, through the same limit.
    let (code, _, err) = output(
        drready()
            .args([
                "diff",
                path.to_str().unwrap(),
                snapshot("healthy").to_str().unwrap(),
            ])
            .env("DRREADY_MAX_SNAPSHOT_BYTES", "50000000"),
    );
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("over the limit"), "{err}");
}

#[test]
fn the_default_limit_refuses_a_sparse_600_mb_file_without_reading_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sparse.json");
    let f = std::fs::File::create(&path).unwrap();
    f.set_len(600 * 1024 * 1024).unwrap();
    let (code, _, err) = output(
        drready()
            .args(["evaluate", path.to_str().unwrap()])
            .env_remove("DRREADY_MAX_SNAPSHOT_BYTES"),
    );
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("over the limit of 536870912 bytes"), "{err}");
}

fn policy_dir(name: &str, text: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join(name), text).unwrap();
    dir
}

#[test]
fn a_policy_that_runs_too_long_is_stopped_and_named() {
    let dir = policy_dir(
        "slow.rego",
        r#"package drready.rules.acme_slow_rule

metadata := {"id": "ACME-SLOW-001", "title": "Slow", "severity": "low", "category": "data", "why": "w", "remediation": "r"}

applicable contains "x"

deny contains finding if {
	n := count([x | some i in numbers.range(1, 100000); some j in numbers.range(1, 100000); x := i + j])
	n < 0
	finding := {"resource": "x", "message": "never"}
}
"#,
    );
    let started = Instant::now();
    let (code, _, err) = output(
        drready()
            .args([
                "evaluate",
                "fixtures/snapshots/healthy.json",
                "--policy",
                dir.path().to_str().unwrap(),
            ])
            .env("DRREADY_RULE_TIMEOUT_SECS", "1"),
    );
    assert!(
        started.elapsed() < Duration::from_secs(20),
        "the time limit stops it: {:?}",
        started.elapsed()
    );
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("slow.rego:3: rule ACME-SLOW-001"), "{err}");
    assert!(err.contains("evaluation time limit of 1s"), "{err}");
    assert!(err.contains("DRREADY_RULE_TIMEOUT_SECS"), "{err}");
    assert_no_panic(&err);
}

#[test]
fn config_values_of_the_wrong_type_name_line_column_and_key() {
    let cases: [(&str, &str, &str); 6] = [
        (
            "[collect]\nmax_concurrency = \"many\"\n",
            ":2:19:",
            "expected usize (in `max_concurrency = \"many\"`)",
        ),
        (
            "[scope]\nredact_tags = \"owner\"\n",
            ":2:15:",
            "expected a sequence",
        ),
        ("[gate]\nfail_under = \"high\"\n", ":2:14:", "expected f64"),
        ("[primary]\nregion = 5\n", ":2:10:", "expected a string"),
        (
            "[collect]\nattempt_timeout_secs = -3\n",
            ":2:24:",
            "expected u64",
        ),
        (
            "[gate]\nallow_partial = \"yes\"\n",
            ":2:17:",
            "expected a boolean",
        ),
    ];
    for (text, at, what) in cases {
        let (_dir, cfg) = temp_file("drready.toml", text.as_bytes());
        let (code, _, err) = run(&[
            "evaluate",
            "fixtures/snapshots/healthy.json",
            "--config",
            cfg.to_str().unwrap(),
        ]);
        assert_eq!(code, 2, "{text}: {err}");
        assert!(err.contains(&format!("drready.toml{at}")), "{text}: {err}");
        assert!(err.contains(what), "{text}: {err}");
        assert_no_panic(&err);
    }

    let (_dir, cfg) = temp_file("drready.toml", b"[gate]\nfail_on = \"h\xffigh\"\n");
    let (code, _, err) = run(&[
        "evaluate",
        "fixtures/snapshots/healthy.json",
        "--config",
        cfg.to_str().unwrap(),
    ]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("is not UTF-8 text (invalid byte at offset 19)"),
        "{err}"
    );
}

fn healthy_json() -> serde_json::Value {
    serde_json::from_str(&std::fs::read_to_string(snapshot("healthy")).unwrap()).unwrap()
}

#[test]
fn duplicated_resource_ids_are_refused() {
    // The same AMI id twice in the standby, under two ARNs (e.g. a hand-merged file).
    let mut v = healthy_json();
    let mut copy = v["standby"]["ec2"]["images"][0].clone();
    let id = copy["id"].as_str().unwrap().to_string();
    copy["arn"] = format!("arn:aws:ec2:us-west-2:999999999999:image/{id}").into();
    v["standby"]["ec2"]["images"]
        .as_array_mut()
        .unwrap()
        .push(copy);
    let (_d, path) = temp_file("ids.json", v.to_string().as_bytes());
    let (code, _, err) = run(&["evaluate", path.to_str().unwrap()]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains(&format!("duplicate image id `{id}` in $.standby")),
        "{err}"
    );
    assert!(err.contains("999999999999"), "names both ARNs: {err}");

    // A whole role repeated in the primary.
    let mut v = healthy_json();
    let role = v["primary"]["iam"]["roles"][0].clone();
    v["primary"]["iam"]["roles"]
        .as_array_mut()
        .unwrap()
        .push(role);
    let (_d, path) = temp_file("roles.json", v.to_string().as_bytes());
    let (code, _, err) = run(&["evaluate", path.to_str().unwrap()]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("duplicate role"), "{err}");
    assert!(err.contains("in $.primary"), "{err}");

    // Record sets may share name/type across hosted zones (split-horizon DNS): not an error.
    let mut v = healthy_json();
    let mut rs = v["primary"]["route53"]["record_sets"][0].clone();
    rs["arn"] = format!("{}-private-zone", rs["arn"].as_str().unwrap()).into();
    v["primary"]["route53"]["record_sets"]
        .as_array_mut()
        .unwrap()
        .push(rs);
    let (_d, path) = temp_file("split.json", v.to_string().as_bytes());
    let (code, _, err) = run(&["evaluate", path.to_str().unwrap()]);
    assert_ne!(code, 2, "{err}");
}

/// A custom rule that prints tag values in its findings, as a user's rule might.
const TAG_PRINTING_RULE: &str = r#"package drready.rules.acme_tag_echo

metadata := {"id": "ACME-TAG-001", "title": "Echo", "severity": "low", "category": "compute", "why": "w", "remediation": "r"}

applicable contains i.arn if {
	some i in input.primary.ec2.instances
}

deny contains finding if {
	some i in input.primary.ec2.instances
	finding := {"resource": i.arn, "message": sprintf("owner %v, cost center %v", [object.get(i.tags, "owner", "-"), object.get(i.tags, "cost-center", "-")])}
}
"#;

#[test]
fn redacted_tag_values_reach_no_output() {
    let policies = policy_dir("echo.rego", TAG_PRINTING_RULE);
    let out = tempfile::tempdir().unwrap();
    let o = |f: &str| out.path().join(f).display().to_string();
    let secrets = ["team-api", "team-web", "team-worker", "cc-4711"];
    let evaluate = |extra: &[&str], prefix: &str| -> String {
        let mut args = vec![
            "evaluate".to_string(),
            "fixtures/snapshots/healthy.json".into(),
            "--policy".into(),
            policies.path().display().to_string(),
        ];
        for f in ["json", "sarif", "markdown", "junit"] {
            args.push("--format".into());
            args.push(format!("{f}={}", o(&format!("{prefix}.{f}"))));
        }
        args.extend(["--format".into(), "table".into()]);
        args.extend(extra.iter().map(|s| s.to_string()));
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let (code, stdout, err) = run(&args);
        assert_eq!(code, 0, "{err}");
        let mut all = stdout;
        for f in ["json", "sarif", "markdown", "junit"] {
            all.push_str(&std::fs::read_to_string(o(&format!("{prefix}.{f}"))).unwrap());
        }
        all
    };

    // Without redaction the rule shows the values; the check below is meaningful.
    let plain = evaluate(&[], "plain");
    assert!(secrets.iter().any(|s| plain.contains(s)), "{plain}");

    let redacted = evaluate(&["--redact-tags", "owner,cost-center"], "flag");
    for s in secrets {
        assert!(!redacted.contains(s), "`{s}` leaked:\n{redacted}");
    }
    assert!(redacted.contains("owner [redacted], cost center [redacted]"));

    // The same from the config file, and the verdict does not change.
    let (_d, cfg) = temp_file(
        "drready.toml",
        b"[scope]\nredact_tags = [\"owner\", \"cost-center\"]\n",
    );
    let from_config = evaluate(&["--config", cfg.to_str().unwrap()], "config");
    for s in secrets {
        assert!(!from_config.contains(s), "`{s}` leaked:\n{from_config}");
    }
    let score = |prefix: &str| {
        let v: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(o(&format!("{prefix}.json"))).unwrap())
                .unwrap();
        (v["score"].clone(), v["summary"].clone())
    };
    assert_eq!(score("plain"), score("flag"));
    assert_eq!(score("plain"), score("config"));
}

#[test]
fn tags_drready_reads_cannot_be_redacted() {
    for (flag, why) in [
        ("dr:pair", "pairing.pair_tag"),
        ("app", "pairing.app_tag"),
        ("dr:scope", "scope.scope_tag"),
        ("dr:source-ami-id", "dr:*"),
        ("Name", "paired by name"),
    ] {
        let (code, _, err) = run(&[
            "evaluate",
            "fixtures/snapshots/healthy.json",
            "--redact-tags",
            &format!("owner,{flag}"),
        ]);
        assert_eq!(code, 2, "{err}");
        assert!(
            err.contains(&format!("--redact-tags: cannot redact tag `{flag}`")),
            "{err}"
        );
        assert!(err.contains(why), "{err}");
    }
    let (_d, cfg) = temp_file("drready.toml", b"[scope]\nredact_tags = [\"dr:pair\"]\n");
    let (code, _, err) = run(&[
        "evaluate",
        "fixtures/snapshots/healthy.json",
        "--config",
        cfg.to_str().unwrap(),
    ]);
    assert_eq!(code, 2, "{err}");
    assert!(
        err.contains("scope.redact_tags: cannot redact tag `dr:pair`"),
        "{err}"
    );
    // `snapshot` checks it before any AWS call (the endpoint does not exist).
    let (code, _, err) = run(&[
        "snapshot",
        "--primary-region",
        "us-east-1",
        "--standby-region",
        "us-west-2",
        "--endpoint-url",
        "http://127.0.0.1:9",
        "-o",
        "/nonexistent-dir/s.json",
        "--redact-tags",
        "dr:pair",
    ]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("cannot redact tag `dr:pair`"), "{err}");
}

fn leftovers(dir: &Path) -> Vec<PathBuf> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.file_name().unwrap().to_string_lossy().ends_with(".tmp"))
        .collect()
}

#[test]
fn reports_are_written_whole_or_not_at_all() {
    let dir = tempfile::tempdir().unwrap();
    // A path that cannot be renamed onto (a directory): the write fails after the temp file
    // was written, and the temp file is removed.
    let blocked = dir.path().join("report.sarif");
    std::fs::create_dir(&blocked).unwrap();
    let (code, _, err) = run(&[
        "evaluate",
        "fixtures/snapshots/example.json",
        "--format",
        &format!("sarif={}", blocked.display()),
    ]);
    // The judgement ran; its result could not be written: exit 4, naming the file.
    assert_eq!(code, 4, "{err}");
    assert!(
        err.contains(&format!("cannot write {}", blocked.display())),
        "{err}"
    );
    assert!(
        leftovers(dir.path()).is_empty(),
        "{:?}",
        leftovers(dir.path())
    );
    assert!(blocked.is_dir());

    // A successful run replaces an old report in one step and leaves no temp file.
    let report = dir.path().join("r.json");
    std::fs::write(&report, "old").unwrap();
    let (code, _, err) = run(&[
        "evaluate",
        "fixtures/snapshots/example.json",
        "--format",
        &format!("json={}", report.display()),
    ]);
    assert_eq!(code, 1, "{err}");
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&report).unwrap()).unwrap();
    assert_eq!(v["report_version"], 1);
    assert!(leftovers(dir.path()).is_empty());

    // A missing directory is refused before anything is evaluated.
    let (code, _, err) = run(&[
        "evaluate",
        "fixtures/snapshots/example.json",
        "--format",
        &format!("json={}/missing/r.json", dir.path().display()),
    ]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("missing does not exist"), "{err}");
}

/// xorshift64*: a small seeded generator, so every run mutates the same way.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// A mutation of `input`: flipped, deleted, duplicated or inserted bytes, or a truncation.
fn mutate(rng: &mut Rng, input: &[u8], tokens: &[&[u8]]) -> Vec<u8> {
    let mut v = input.to_vec();
    for _ in 0..1 + rng.below(4) {
        if v.is_empty() {
            v.extend_from_slice(tokens[rng.below(tokens.len())]);
            continue;
        }
        let at = rng.below(v.len());
        match rng.below(6) {
            0 => v[at] ^= 1 << rng.below(8),
            1 => {
                let end = (at + 1 + rng.below(64)).min(v.len());
                v.drain(at..end);
            }
            2 => {
                let end = (at + 1 + rng.below(256)).min(v.len());
                let chunk = v[at..end].to_vec();
                v.splice(at..at, chunk);
            }
            3 => {
                let t = tokens[rng.below(tokens.len())];
                v.splice(at..at, t.iter().copied());
            }
            4 => v.truncate(at),
            _ => v[at] = [0xff, 0x00, b'"', b'\\', b'{', b']', b'\n'][rng.below(7)],
        }
    }
    v
}

fn corpus(target: &str) -> Vec<(String, Vec<u8>)> {
    let dir = root().join("fuzz/corpus").join(target);
    let mut files: Vec<(String, Vec<u8>)> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| {
            let p = e.unwrap().path();
            (
                p.file_name().unwrap().to_string_lossy().into_owned(),
                std::fs::read(&p).unwrap(),
            )
        })
        .collect();
    files.sort();
    assert!(files.len() >= 3, "corpus {target} is committed");
    files
}

/// Both loaders on the committed fuzz corpus and on seeded mutations of it: every input is a
/// snapshot/config or a user error (exit 2), never a panic. Bounded: a fixed number of inputs.
#[test]
fn the_loaders_survive_random_input() {
    let snapshot_tokens: [&[u8]; 10] = [
        b"null",
        b"\"schema_version\": 1",
        b"{}",
        b"[]",
        b"-1e999",
        b"18446744073709551616",
        b"\"\\ud800\"",
        b"\"2026-13-45T99:99:99Z\"",
        b",,",
        b"\"tags\": {\"a\": 1}",
    ];
    let config_tokens: [&[u8]; 10] = [
        b"[[waiver]]\n",
        b"[gate]\n",
        b"= ",
        b"\"\"\"",
        b"1979-05-27T07:32:00Z",
        b"[scope]\nredact_tags = [\"dr:pair\"]\n",
        b"rpo = \"99999999999999999999w\"\n",
        b"\xc3\xa9",
        b"{ a = { b = { c = 1 } } }",
        b"expires = 2027-02-30\n",
    ];
    let started = Instant::now();
    let mut rng = Rng(0x5eed_d12e_add1_0001);
    let (mut parsed, mut refused) = (0, 0);
    for (name, input) in corpus("snapshot_loader") {
        for i in 0..40 {
            let bytes = if i == 0 {
                input.clone()
            } else {
                mutate(&mut rng, &input, &snapshot_tokens)
            };
            match drready::snapshot::parse(&bytes, &name) {
                Ok(mut s) => {
                    parsed += 1;
                    s.redact_tags(&["owner".to_string()]);
                    let again = serde_json::to_vec(&s).unwrap();
                    let back = drready::snapshot::parse(&again, "again").unwrap();
                    assert_eq!(back, s, "{name} #{i} round-trips");
                }
                Err(e) => {
                    refused += 1;
                    assert!(drready::cli::is_usage_error(&e), "{name} #{i}: {e:#}");
                }
            }
        }
    }
    for (name, input) in corpus("config_loader") {
        for i in 0..150 {
            let bytes = if i == 0 {
                input.clone()
            } else {
                mutate(&mut rng, &input, &config_tokens)
            };
            let Ok(text) = std::str::from_utf8(&bytes) else {
                continue;
            };
            match drready::config::Config::parse(text, Path::new(&name)) {
                Ok(_) => parsed += 1,
                Err(e) => {
                    refused += 1;
                    assert!(drready::cli::is_usage_error(&e), "{name} #{i}: {e:#}");
                    assert!(e.to_string().starts_with("config "), "{e}");
                }
            }
        }
    }
    assert!(
        parsed > 10 && refused > 100,
        "{parsed} parsed, {refused} refused"
    );
    assert!(started.elapsed() < Duration::from_secs(60));
}
