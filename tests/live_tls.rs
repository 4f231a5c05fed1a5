//! drready's HTTPS client (the AWS SDK's default: rustls with aws-lc, the platform's root
//! certificates) against a real moto server speaking TLS. Every other live test talks plain HTTP,
//! so this is the test that a scan can reach AWS over TLS at all: the handshake, certificate
//! verification against the roots the platform names (here through `SSL_CERT_FILE`), a refusal
//! with a useful next step when the server's certificate does not chain to them, and the proxy
//! settings of the environment.

mod support;

use support::moto::Moto;

/// Runs `drready scan` against `moto` with `SSL_CERT_FILE=roots` and `env`: (exit code, report,
/// output).
fn scan(
    moto: &Moto,
    roots: &std::path::Path,
    env: &[(&str, &str)],
) -> (i32, serde_json::Value, String) {
    let dir = tempfile::tempdir().unwrap();
    let report = dir.path().join("report.json");
    let out = support::moto::drready_command()
        .args([
            "scan",
            "--primary-region",
            "us-east-1",
            "--standby-region",
            "us-west-2",
        ])
        .args(["--endpoint-url", &moto.endpoint])
        .args(["--format", &format!("json={}", report.display())])
        .env("SSL_CERT_FILE", roots)
        .env_remove("SSL_CERT_DIR")
        .envs(env.iter().copied())
        .current_dir(dir.path())
        .output()
        .expect("drready runs");
    let text =
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr);
    let json = std::fs::read(&report)
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .unwrap_or(serde_json::Value::Null);
    (out.status.code().expect("exit code"), json, text)
}

#[test]
fn a_scan_over_https_verifies_the_server_against_the_platform_roots() {
    let moto = Moto::start_tls();
    assert!(moto.endpoint.starts_with("https://localhost:"));
    let seed = moto.seed(&["--apps", "2", "--defects"]);
    assert!(seed.is_object(), "seed summary: {seed}");

    // Trusting the authority that signed moto's certificate: a full scan, read completely.
    let (code, report, text) = scan(&moto, moto.ca_pem(), &[]);
    assert_eq!(code, 1, "the seeded defects fail the gate:\n{text}");
    assert_eq!(report["gate"]["verdict"], "not_ready", "{text}");
    for site in ["primary", "standby"] {
        let s = &report["sites"][site];
        assert_eq!(s["complete"], true, "{site} read completely:\n{text}");
        assert_eq!(s["collection_errors"], serde_json::json!([]), "{text}");
        let read: u64 = s["resources"]
            .as_object()
            .expect("resource counts")
            .values()
            .filter_map(|v| v.as_u64())
            .sum();
        assert!(read > 0, "nothing was read from {site} over HTTPS:\n{text}");
    }
    assert!(
        report["findings"].as_array().is_some_and(|f| !f.is_empty()),
        "the seeded defects are found:\n{text}"
    );

    // Trusting another authority only (of the same name, so the signature is what fails): every call is refused at the handshake, the sites cannot
    // be read (exit 3), and the output says why.
    let other = support::moto::tls_test_cert();
    let (code, _, text) = scan(&moto, &other.path().join("ca.pem"), &[]);
    assert_eq!(
        code, 3,
        "an untrusted certificate is an unreadable site:\n{text}"
    );
    assert!(
        text.contains("invalid peer certificate"),
        "the output names the certificate problem:\n{text}"
    );
    assert!(
        text.contains("SSL_CERT_FILE"),
        "the next step says how to trust an authority:\n{text}"
    );
    assert!(!text.contains("nothing answers"), "{text}");

    // HTTPS_PROXY is honoured, as by the SDK's own client: through a proxy that does not answer,
    // nothing can be read; with the endpoint in NO_PROXY the scan goes direct again.
    let dead = format!("http://127.0.0.1:{}", support::moto::free_port());
    let (code, _, text) = scan(&moto, moto.ca_pem(), &[("HTTPS_PROXY", &dead)]);
    assert_eq!(code, 3, "calls go through the dead proxy:\n{text}");
    let (code, _, text) = scan(
        &moto,
        moto.ca_pem(),
        &[("HTTPS_PROXY", &dead), ("NO_PROXY", "localhost")],
    );
    assert_eq!(code, 1, "NO_PROXY bypasses the proxy:\n{text}");
}
