//! A real moto server for live tests: started from the project's virtualenv through
//! `scripts/moto_server.py` on a free loopback port, reset on demand, killed on drop.
//!
//! The virtualenv is `$DRREADY_MOTO_VENV`, or `.venv` at the repository root. A missing
//! virtualenv or moto is a test failure that says how to install it, never a silent skip.

#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const READY_TIMEOUT: Duration = Duration::from_secs(60);

/// The repository root.
pub fn repo_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The Python interpreter of the test virtualenv, checked to have moto and boto3.
pub fn python() -> PathBuf {
    let venv = std::env::var_os("DRREADY_MOTO_VENV")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo_root().join(".venv"));
    let python = venv.join("bin").join("python");
    let install = format!(
        "the live tests need moto in a Python virtualenv at {} (set DRREADY_MOTO_VENV to use \
         another one). Install it with:\n    python3 -m venv .venv && .venv/bin/pip install -r \
         scripts/requirements-test.txt",
        venv.display()
    );
    assert!(
        python.exists(),
        "{install}\n(no {} found)",
        python.display()
    );
    let check = Command::new(&python)
        .args(["-c", "import moto, boto3, flask, werkzeug"])
        .output()
        .unwrap_or_else(|e| panic!("{install}\n(cannot run {}: {e})", python.display()));
    assert!(
        check.status.success(),
        "{install}\n(moto is not importable: {})",
        String::from_utf8_lossy(&check.stderr).trim()
    );
    python
}

/// A loopback port nothing listens on (bound, then released).
pub fn free_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").expect("bind a loopback port");
    listener.local_addr().expect("local address").port()
}

/// A running moto server.
pub struct Moto {
    child: Child,
    log: PathBuf,
    _dir: tempfile::TempDir,
    /// The certificate authority of an HTTPS server (`start_tls`).
    ca: Option<PathBuf>,
    /// The certificates of an HTTPS server, kept as long as the server runs.
    _certs: Option<tempfile::TempDir>,
    pub port: u16,
    pub endpoint: String,
}

impl Moto {
    /// Starts a server and waits until `GET /moto-api/` answers 200.
    pub fn start() -> Moto {
        Moto::launch(None)
    }

    /// Starts a server speaking HTTPS at `https://localhost:PORT`, with a certificate signed by a
    /// throwaway authority (`scripts/tls_test_cert.py`) whose PEM is `ca_pem()`.
    pub fn start_tls() -> Moto {
        let certs = tls_test_cert();
        let mut moto = Moto::launch(Some(certs.path()));
        // Readiness is a TCP connect, and werkzeug listens before it loads its certificate: the
        // files must outlive the start (deleting them here made the server fail under load).
        moto.ca = Some(certs.path().join("ca.pem"));
        moto._certs = Some(certs);
        moto
    }

    /// The certificate authority an HTTPS server's certificate chains to.
    pub fn ca_pem(&self) -> &Path {
        self.ca
            .as_deref()
            .expect("an HTTPS server (Moto::start_tls)")
    }

    fn launch(tls: Option<&Path>) -> Moto {
        let python = python();
        let dir = tempfile::tempdir().expect("temp dir");
        let log = dir.path().join("moto.log");
        let port = free_port();
        let log_file = std::fs::File::create(&log).expect("moto log file");
        let mut command = Command::new(&python);
        command
            .arg(repo_root().join("scripts/moto_server.py"))
            .args(["-H", "127.0.0.1", "-p", &port.to_string()]);
        if let Some(certs) = tls {
            command
                .arg("-c")
                .arg(certs.join("server.pem"))
                .arg("-k")
                .arg(certs.join("server.key"));
        }
        let child = command
            .env("MOTO_EC2_LOAD_DEFAULT_AMIS", "false")
            // Even a test process killed before its drops run leaves no server behind.
            .env("DRREADY_MOTO_EXIT_WITH_PARENT", "1")
            .stdin(Stdio::null())
            .stdout(log_file.try_clone().expect("log handle"))
            .stderr(log_file)
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {}: {e}", python.display()));
        let mut moto = Moto {
            child,
            log,
            _dir: dir,
            ca: None,
            _certs: None,
            port,
            endpoint: match tls {
                None => format!("http://127.0.0.1:{port}"),
                Some(_) => format!("https://localhost:{port}"),
            },
        };
        let started = Instant::now();
        loop {
            if let Ok(Some(status)) = moto.child.try_wait() {
                panic!(
                    "moto server exited ({status}) before answering:\n{}",
                    moto.log_text()
                );
            }
            // An HTTPS server is up once it accepts connections (it binds after loading).
            let up = match tls {
                None => http(port, "GET", "/moto-api/").is_some_and(|s| s == 200),
                Some(_) => TcpStream::connect(("127.0.0.1", port)).is_ok(),
            };
            if up {
                break;
            }
            assert!(
                started.elapsed() < READY_TIMEOUT,
                "moto server did not answer on port {port} within {READY_TIMEOUT:?}:\n{}",
                moto.log_text()
            );
            std::thread::sleep(Duration::from_millis(100));
        }
        moto
    }

    /// Forgets every resource (`POST /moto-api/reset`).
    pub fn reset(&self) {
        let status = match &self.ca {
            None => http(self.port, "POST", "/moto-api/reset"),
            Some(ca) => https_post(&self.endpoint, ca, "/moto-api/reset"),
        };
        assert_eq!(status, Some(200), "moto reset failed:\n{}", self.log_text());
    }

    /// Resets the server, runs `scripts/seed_moto.py` with `args` and returns its JSON summary.
    pub fn seed(&self, args: &[&str]) -> serde_json::Value {
        self.reset();
        let out = Command::new(python())
            .arg(repo_root().join("scripts/seed_moto.py"))
            .args(["--endpoint", &self.endpoint])
            .args(args)
            .env("AWS_ACCESS_KEY_ID", "testing")
            .env("AWS_SECRET_ACCESS_KEY", "testing")
            .env_remove("AWS_SESSION_TOKEN")
            .env_remove("AWS_PROFILE")
            // boto3 verifies an HTTPS server against this bundle.
            .envs(self.ca.as_ref().map(|ca| ("AWS_CA_BUNDLE", ca)))
            .output()
            .expect("run seed_moto.py");
        assert!(
            out.status.success(),
            "seed_moto.py failed: {}\nserver log:\n{}",
            String::from_utf8_lossy(&out.stderr),
            self.log_text()
        );
        serde_json::from_slice(&out.stdout).expect("seed summary is JSON")
    }

    /// The server's output so far (last 4 KiB), for failure messages.
    pub fn log_text(&self) -> String {
        let text = std::fs::read_to_string(&self.log).unwrap_or_default();
        let start = text.len().saturating_sub(4096);
        let start = (start..text.len())
            .find(|i| text.is_char_boundary(*i))
            .unwrap_or(text.len());
        text[start..].to_string()
    }

    pub fn log_path(&self) -> &Path {
        &self.log
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A minimal HTTP/1.0 request on loopback; the status code, or `None` when nothing answers.
fn http(port: u16, method: &str, path: &str) -> Option<u16> {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).ok()?;
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .ok()?;
    let request =
        format!("{method} {path} HTTP/1.0\r\nHost: 127.0.0.1:{port}\r\nContent-Length: 0\r\n\r\n");
    stream.write_all(request.as_bytes()).ok()?;
    let mut response = Vec::new();
    stream.read_to_end(&mut response).ok()?;
    let text = String::from_utf8_lossy(&response);
    text.split_whitespace().nth(1)?.parse().ok()
}

/// A throwaway certificate authority and a server certificate it signed for `localhost` and
/// 127.0.0.1 (`scripts/tls_test_cert.py`): `ca.pem`, `server.pem` and `server.key` in the folder.
pub fn tls_test_cert() -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = Command::new(python())
        .arg(repo_root().join("scripts/tls_test_cert.py"))
        .arg(dir.path())
        .output()
        .expect("run tls_test_cert.py");
    assert!(
        out.status.success(),
        "tls_test_cert.py failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    dir
}

/// A POST over HTTPS trusting `ca` (through the virtualenv's Python); the status code.
fn https_post(endpoint: &str, ca: &Path, path: &str) -> Option<u16> {
    let script = "import ssl, sys, urllib.request as u\n\
        ctx = ssl.create_default_context(cafile=sys.argv[2])\n\
        print(u.urlopen(u.Request(sys.argv[1], method='POST'), context=ctx, timeout=10).status)";
    let out = Command::new(python())
        .args(["-c", script, &format!("{endpoint}{path}")])
        .arg(ca)
        .output()
        .ok()?;
    String::from_utf8_lossy(&out.stdout).trim().parse().ok()
}

/// Sets dummy AWS credentials for the SDK and isolates it from the developer's AWS files and
/// instance metadata. Every test calls it first; the values are the same each time.
pub fn fake_aws_env() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let vars = [
            ("AWS_ACCESS_KEY_ID", "testing"),
            ("AWS_SECRET_ACCESS_KEY", "testing"),
            ("AWS_EC2_METADATA_DISABLED", "true"),
            ("AWS_CONFIG_FILE", "/nonexistent/drready-test/config"),
            (
                "AWS_SHARED_CREDENTIALS_FILE",
                "/nonexistent/drready-test/credentials",
            ),
        ];
        for (key, value) in vars {
            // SAFETY: runs once, before this test process starts any SDK client, and every
            // test writes the same values.
            unsafe { std::env::set_var(key, value) };
        }
        for key in [
            "AWS_SESSION_TOKEN",
            "AWS_PROFILE",
            "AWS_REGION",
            "AWS_DEFAULT_REGION",
        ] {
            // SAFETY: as above.
            unsafe { std::env::remove_var(key) };
        }
    });
}

/// The real `drready` binary with dummy AWS credentials, isolated from the developer's AWS files,
/// metadata, other credential sources, proxy settings and every `DRREADY_*` setting, run from the
/// repository root; add arguments and environment.
pub fn drready_command() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_drready"));
    cmd.env("AWS_ACCESS_KEY_ID", "testing")
        .env("AWS_SECRET_ACCESS_KEY", "testing")
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_CONFIG_FILE", "/nonexistent/drready-test/config")
        .env(
            "AWS_SHARED_CREDENTIALS_FILE",
            "/nonexistent/drready-test/credentials",
        )
        .env("NO_COLOR", "1")
        .env_remove("AWS_SESSION_TOKEN")
        .env_remove("AWS_PROFILE")
        .env_remove("AWS_REGION")
        .env_remove("AWS_DEFAULT_REGION")
        .env_remove("AWS_ROLE_ARN")
        .env_remove("AWS_WEB_IDENTITY_TOKEN_FILE")
        .env_remove("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI")
        .env_remove("AWS_CONTAINER_CREDENTIALS_FULL_URI");
    for proxy in ["HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy"] {
        cmd.env_remove(proxy);
    }
    // A developer's own DRREADY_FAIL_ON, DRREADY_LOG, ... would change what a test sees.
    for (key, _) in std::env::vars_os() {
        if key.to_string_lossy().starts_with("DRREADY_") {
            cmd.env_remove(key);
        }
    }
    cmd.current_dir(env!("CARGO_MANIFEST_DIR"));
    cmd
}

/// Runs the real `drready` binary as `drready_command` sets it up: (exit code, stdout, stderr).
pub fn drready(args: &[&str]) -> (i32, String, String) {
    let out = drready_command().args(args).output().expect("drready runs");
    (
        out.status.code().expect("exit code"),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}
