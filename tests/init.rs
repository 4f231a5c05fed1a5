//! `drready init` through the real binary: writes a commented drready.toml that evaluates like
//! the defaults, refuses to overwrite without --force, and needs no AWS access.

mod common;

use common::*;

#[test]
fn init_writes_a_config_equal_to_the_defaults() {
    let dir = tempfile::tempdir().unwrap();
    let (code, _, err) = {
        let out = drready()
            .current_dir(dir.path())
            .arg("init")
            .env("AWS_ACCESS_KEY_ID", "none")
            .env("AWS_SECRET_ACCESS_KEY", "none")
            .env("AWS_ENDPOINT_URL", "http://127.0.0.1:9")
            .output()
            .unwrap();
        (
            out.status.code().unwrap(),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    };
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("wrote drready.toml"), "{err}");
    let path = dir.path().join("drready.toml");
    let text = std::fs::read_to_string(&path).unwrap();
    for section in [
        "[primary]",
        "[standby]",
        "[scope]",
        "[pairing]",
        "[objectives]",
        "[gate]",
        "[collect]",
        "#[[waiver]]",
    ] {
        assert!(text.contains(section), "{section} missing:\n{text}");
    }

    // Evaluating with the written file gives the same report as no file at all.
    let (code_default, default) = report_json(&snapshot("example"), &[]);
    let (code_init, with_init) =
        report_json(&snapshot("example"), &["--config", path.to_str().unwrap()]);
    assert_eq!(code_default, code_init);
    assert_eq!(default["score"], with_init["score"]);
    assert_eq!(default["findings"], with_init["findings"]);
    assert_eq!(default["objectives"], with_init["objectives"]);
    assert_eq!(default["gate"], with_init["gate"]);
}

#[test]
fn init_refuses_to_overwrite_without_force() {
    let (dir, path) = temp_file("drready.toml", b"[gate]\nfail_on = \"critical\"\n");
    let p = path.to_str().unwrap();
    let (code, _, err) = run(&["init", "--path", p]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("already exists"), "{err}");
    assert!(err.contains("--force"), "{err}");
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        "[gate]\nfail_on = \"critical\"\n",
        "untouched"
    );

    let (code, _, err) = run(&["init", "--path", p, "--force"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        std::fs::read_to_string(&path)
            .unwrap()
            .contains("[collect]")
    );

    let missing = dir.path().join("no/such/dir/drready.toml");
    let (code, _, err) = run(&["init", "--path", missing.to_str().unwrap()]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("no/such/dir"), "{err}");
}
