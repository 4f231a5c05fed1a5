//! A fault-injecting HTTP/1.1 proxy on loopback, between the AWS SDK and the moto server.
//!
//! The SDK talks plain HTTP to an endpoint override, so drready is pointed at the proxy
//! (`--endpoint-url`) and the proxy forwards to moto. Per [`Rule`] it answers instead of moto
//! with a throttling error in the service's own wire format (EC2 `RequestLimitExceeded`, S3
//! `SlowDown`, IAM/STS/Route 53 `Throttling`), an HTTP 500/503, an access denial, a connection
//! reset, added latency, or no answer at all. Rules match on the SigV4 credential scope (region
//! and service of the `Authorization` header) and on the API operation, so a whole region can be
//! made to refuse or time out.
//!
//! Deterministic: whether a rule with a `rate` fires is a hash of the seed, the request (service,
//! region, method, path, body) and how many times that same request was seen before — not of
//! arrival order, so concurrent scans inject the same faults run after run.
//!
//! Every request is recorded ([`Record`]): service, region, operation (EC2/IAM/STS: the form
//! body's `Action=`; JSON protocols: `X-Amz-Target`; S3: method + path/query; Route 53: the REST
//! path), and whether it was forwarded or answered by a fault.
//!
//! Used in-process by tests (`Proxy::builder(upstream).rule(..).start()`) and as a command by
//! `examples/fault_proxy.rs` (benchmarks with added latency), which includes this file.

#![allow(dead_code)]

use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// Longest wait for moto's answer to one forwarded request.
const UPSTREAM_TIMEOUT: Duration = Duration::from_secs(60);
/// Largest request head accepted (the SDK's are a few KiB).
const MAX_HEAD: usize = 64 * 1024;

/// What a rule does to a request it matches.
#[derive(Debug, Clone, PartialEq)]
pub enum Fault {
    /// The service's throttling error: EC2 `RequestLimitExceeded` (503), S3 `SlowDown` (503),
    /// IAM/STS/Route 53 `Throttling` (400).
    Throttle,
    /// An HTTP 500 (`InternalError`) or 503 (`ServiceUnavailable`) in the service's format.
    Status(u16),
    /// A 403 for a missing permission: EC2 `UnauthorizedOperation`, others `AccessDenied`.
    AccessDenied,
    /// A 403 `SignatureDoesNotMatch` whose message echoes the request's headers (including the
    /// session token and the `Authorization` header), as AWS does.
    EchoSignatureMismatch,
    /// Reads the request, then resets the connection (RST) without answering.
    Reset,
    /// Forwards the request after this delay.
    Latency(Duration),
    /// Never answers; keeps the connection open until the client gives up.
    Hang,
}

impl Fault {
    fn label(&self) -> String {
        match self {
            Fault::Throttle => "throttle".into(),
            Fault::Status(s) => format!("http{s}"),
            Fault::AccessDenied => "access-denied".into(),
            Fault::EchoSignatureMismatch => "signature-mismatch".into(),
            Fault::Reset => "reset".into(),
            Fault::Latency(d) => format!("latency{}ms", d.as_millis()),
            Fault::Hang => "hang".into(),
        }
    }
}

/// One injection rule: a fault, which requests it applies to, and how often.
#[derive(Debug, Clone)]
pub struct Rule {
    pub fault: Fault,
    /// SigV4 service (`ec2`, `s3`, `iam`, `sts`, `route53`); `None` matches every service.
    pub service: Option<String>,
    /// SigV4 region; `None` matches every region.
    pub region: Option<String>,
    /// API operation, e.g. `GetBucketReplication`; `None` matches every operation.
    pub operation: Option<String>,
    /// S3 bucket the request is for (path-style first path segment, or the first label of a
    /// virtual-hosted `BUCKET.s3...` host); `None` matches every request.
    pub bucket: Option<String>,
    /// A substring of the request target (path and query); `None` matches every request.
    pub path_contains: Option<String>,
    /// Share of matching requests that get the fault (0.0–1.0), decided per request and attempt.
    pub rate: f64,
    /// Only the first N attempts of each distinct request get the fault (the retry succeeds).
    pub first_attempts: Option<u32>,
}

impl Rule {
    /// A rule that applies `fault` to every request.
    pub fn new(fault: Fault) -> Rule {
        Rule {
            fault,
            service: None,
            region: None,
            operation: None,
            bucket: None,
            path_contains: None,
            rate: 1.0,
            first_attempts: None,
        }
    }
    pub fn service(mut self, s: &str) -> Rule {
        self.service = Some(s.to_string());
        self
    }
    pub fn region(mut self, r: &str) -> Rule {
        self.region = Some(r.to_string());
        self
    }
    pub fn operation(mut self, o: &str) -> Rule {
        self.operation = Some(o.to_string());
        self
    }
    /// Only requests for this S3 bucket (exact name, path-style or virtual-hosted).
    pub fn bucket(mut self, b: &str) -> Rule {
        self.bucket = Some(b.to_string());
        self
    }
    /// Only requests whose target (path and query) contains `s`.
    pub fn path_contains(mut self, s: &str) -> Rule {
        self.path_contains = Some(s.to_string());
        self
    }
    pub fn rate(mut self, r: f64) -> Rule {
        self.rate = r;
        self
    }
    pub fn first_attempts(mut self, n: u32) -> Rule {
        self.first_attempts = Some(n);
        self
    }

    fn matches(&self, call: &Call) -> bool {
        self.service.as_deref().is_none_or(|s| s == call.service)
            && self.region.as_deref().is_none_or(|r| r == call.region)
            && self
                .operation
                .as_deref()
                .is_none_or(|o| o == call.operation)
            && self
                .bucket
                .as_deref()
                .is_none_or(|b| call.bucket.as_deref() == Some(b))
            && self
                .path_contains
                .as_deref()
                .is_none_or(|p| call.target.contains(p))
    }
}

/// What happened to a request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// Forwarded to moto, which answered with this status (502 when it could not be reached;
    /// 0 while the answer is pending).
    Forwarded(u16),
    /// Answered (or dropped) by a fault, named by its label (`throttle`, `http500`, `reset`, ...).
    Injected(String),
}

/// One request seen by the proxy.
#[derive(Debug, Clone)]
pub struct Record {
    /// SigV4 service of the credential scope (`ec2`, `s3`, `iam`, `sts`, `route53`).
    pub service: String,
    /// SigV4 region of the credential scope.
    pub region: String,
    /// API operation (`DescribeInstances`, `GetBucketVersioning`, ...), or `METHOD /path` when
    /// unrecognised.
    pub operation: String,
    pub method: String,
    /// Path and query.
    pub target: String,
    /// How many times this same request was seen before (0: first attempt).
    pub attempt: u32,
    /// The request carried an `X-Amz-Security-Token` header.
    pub security_token: bool,
    pub outcome: Outcome,
}

impl Record {
    /// `service:Operation`.
    pub fn action(&self) -> String {
        format!("{}:{}", self.service, self.operation)
    }
    pub fn forwarded(&self) -> bool {
        matches!(self.outcome, Outcome::Forwarded(_))
    }
}

/// The IAM action that authorizes an API operation (`s3:ListBuckets` → `s3:ListAllMyBuckets`).
pub fn iam_action(service: &str, operation: &str) -> String {
    let action = match (service, operation) {
        ("s3", "ListBuckets") => "ListAllMyBuckets",
        ("s3", "GetBucketReplication") => "GetReplicationConfiguration",
        ("s3", "GetBucketEncryption") => "GetEncryptionConfiguration",
        ("s3", "GetBucketLifecycleConfiguration") => "GetLifecycleConfiguration",
        ("s3", "ListObjectsV2") => "ListBucket",
        ("s3", "ListObjects") => "ListBucket",
        (_, op) => op,
    };
    format!("{service}:{action}")
}

/// Configures and starts a [`Proxy`].
pub struct Builder {
    upstream: String,
    port: u16,
    seed: u64,
    latency: Duration,
    rules: Vec<Rule>,
}

impl Builder {
    /// Listen on this loopback port (default: any free port).
    pub fn port(mut self, port: u16) -> Builder {
        self.port = port;
        self
    }
    pub fn seed(mut self, seed: u64) -> Builder {
        self.seed = seed;
        self
    }
    /// Delay added to every forwarded request.
    pub fn latency(mut self, latency: Duration) -> Builder {
        self.latency = latency;
        self
    }
    /// Adds a rule; the first rule that matches and fires decides a request's fate.
    pub fn rule(mut self, rule: Rule) -> Builder {
        self.rules.push(rule);
        self
    }

    /// Binds the port and serves on a thread of its own until the proxy is dropped.
    pub fn start(self) -> Proxy {
        let upstream = self
            .upstream
            .trim_start_matches("http://")
            .trim_end_matches('/')
            .to_string();
        let std_listener = std::net::TcpListener::bind(("127.0.0.1", self.port))
            .unwrap_or_else(|e| panic!("fault proxy cannot bind 127.0.0.1:{}: {e}", self.port));
        std_listener
            .set_nonblocking(true)
            .expect("non-blocking listener");
        let addr = std_listener.local_addr().expect("proxy address");
        let shared = Arc::new(Shared {
            upstream,
            seed: self.seed,
            latency: self.latency,
            rules: self.rules,
            seen: Mutex::new(HashMap::new()),
            records: Mutex::new(Vec::new()),
        });
        let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
        let state = shared.clone();
        let thread = std::thread::Builder::new()
            .name("fault-proxy".into())
            .spawn(move || {
                let runtime = tokio::runtime::Builder::new_multi_thread()
                    .worker_threads(2)
                    .enable_all()
                    .build()
                    .expect("proxy runtime");
                runtime.block_on(async move {
                    let listener = TcpListener::from_std(std_listener).expect("tokio listener");
                    tokio::select! {
                        _ = accept_loop(listener, state) => {}
                        _ = stop_rx => {}
                    }
                });
                // Hanging connections are dropped with the runtime.
                runtime.shutdown_background();
            })
            .expect("proxy thread");
        Proxy {
            addr,
            endpoint: format!("http://{addr}"),
            shared,
            stop: Some(stop_tx),
            thread: Some(thread),
        }
    }
}

/// A running proxy; stops when dropped.
pub struct Proxy {
    pub addr: SocketAddr,
    /// `http://127.0.0.1:PORT`, for `--endpoint-url`.
    pub endpoint: String,
    shared: Arc<Shared>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl Proxy {
    /// A proxy in front of `upstream` (`http://127.0.0.1:PORT`), seed 0, no rules yet.
    pub fn builder(upstream: &str) -> Builder {
        Builder {
            upstream: upstream.to_string(),
            port: 0,
            seed: 0,
            latency: Duration::ZERO,
            rules: Vec::new(),
        }
    }

    /// Every request so far, in arrival order.
    pub fn records(&self) -> Vec<Record> {
        self.shared
            .records
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// `service:Operation` of every request that was forwarded to moto.
    pub fn forwarded_actions(&self) -> std::collections::BTreeSet<String> {
        self.records()
            .iter()
            .filter(|r| r.forwarded())
            .map(Record::action)
            .collect()
    }

    /// Forgets the requests seen so far (records and attempt counts).
    pub fn clear(&self) {
        self.shared
            .records
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clear();
        self.shared
            .seen
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clear();
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

struct Shared {
    upstream: String,
    seed: u64,
    latency: Duration,
    rules: Vec<Rule>,
    /// Times each distinct request was seen (key: hash of the request).
    seen: Mutex<HashMap<u64, u32>>,
    records: Mutex<Vec<Record>>,
}

impl Shared {
    /// The fault for a request, if a rule fires, and the request's attempt index.
    fn decide(&self, call: &Call, key: u64) -> (Option<Fault>, u32) {
        let attempt = {
            let mut seen = self.seen.lock().unwrap_or_else(|e| e.into_inner());
            let n = seen.entry(key).or_insert(0);
            let attempt = *n;
            *n += 1;
            attempt
        };
        for (i, rule) in self.rules.iter().enumerate() {
            if !rule.matches(call) || rule.first_attempts.is_some_and(|n| attempt >= n) {
                continue;
            }
            let roll = unit(mix(self.seed
                ^ key
                ^ (u64::from(attempt) << 40)
                ^ (i as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15)));
            if roll < rule.rate {
                return (Some(rule.fault.clone()), attempt);
            }
        }
        (None, attempt)
    }

    /// Records a request as it arrives; returns its index, for [`Shared::set_outcome`].
    fn record(&self, call: &Call, req: &Request, attempt: u32, outcome: Outcome) -> usize {
        let mut records = self.records.lock().unwrap_or_else(|e| e.into_inner());
        records.push(Record {
            service: call.service.clone(),
            region: call.region.clone(),
            operation: call.operation.clone(),
            method: req.method.clone(),
            target: req.target.clone(),
            attempt,
            security_token: req.header("x-amz-security-token").is_some(),
            outcome,
        });
        records.len() - 1
    }

    fn set_outcome(&self, index: usize, outcome: Outcome) {
        if let Some(r) = self
            .records
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get_mut(index)
        {
            r.outcome = outcome;
        }
    }
}

async fn accept_loop(listener: TcpListener, shared: Arc<Shared>) {
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            continue;
        };
        let _ = stream.set_nodelay(true);
        tokio::spawn(serve(stream, shared.clone()));
    }
}

/// A parsed HTTP/1.1 request.
struct Request {
    method: String,
    target: String,
    version: String,
    /// Header names as sent, values as sent.
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Request {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// Who the request is for.
struct Call {
    service: String,
    region: String,
    operation: String,
    /// S3: the bucket of the request, if any.
    bucket: Option<String>,
    /// Path and query.
    target: String,
}

/// Serves one client connection: requests one after another (keep-alive).
async fn serve(mut client: TcpStream, shared: Arc<Shared>) {
    let mut buf = Vec::new();
    loop {
        let req = match read_request(&mut client, &mut buf).await {
            Ok(Some(r)) => r,
            _ => return,
        };
        let call = classify(&req);
        let key = request_key(&call, &req);
        let (fault, attempt) = shared.decide(&call, key);
        let mut delay = shared.latency;
        let fault = match fault {
            Some(Fault::Latency(d)) => {
                delay += d;
                None
            }
            other => other,
        };
        match fault {
            None => {
                // Recorded on arrival (status 0 until moto answers), so a test sees the attempts
                // a client gave up on while they were still delayed.
                let index = shared.record(&call, &req, attempt, Outcome::Forwarded(0));
                if !delay.is_zero() {
                    tokio::time::sleep(delay).await;
                }
                let (status, bytes) = match forward(&shared.upstream, &req).await {
                    Ok(resp) => (resp.status, resp.to_client(&req.method)),
                    Err(e) => {
                        let body = format!("fault proxy: upstream {} failed: {e}", shared.upstream);
                        (502, plain_response(502, "text/plain", body.as_bytes()))
                    }
                };
                shared.set_outcome(index, Outcome::Forwarded(status));
                if client.write_all(&bytes).await.is_err() {
                    return;
                }
            }
            Some(Fault::Reset) => {
                shared.record(&call, &req, attempt, Outcome::Injected("reset".into()));
                let _ = client.set_zero_linger();
                return; // dropping a zero-linger socket sends RST
            }
            Some(Fault::Hang) => {
                shared.record(&call, &req, attempt, Outcome::Injected("hang".into()));
                // Wait for the client to give up and close; never answer.
                let mut sink = [0u8; 1024];
                while matches!(client.read(&mut sink).await, Ok(n) if n > 0) {}
                return;
            }
            Some(fault) => {
                let (status, ctype, body) = error_answer(&fault, &call, &req);
                shared.record(&call, &req, attempt, Outcome::Injected(fault.label()));
                let bytes = plain_response(status, ctype, body.as_bytes());
                if !delay.is_zero() {
                    tokio::time::sleep(delay).await;
                }
                if client.write_all(&bytes).await.is_err() {
                    return;
                }
            }
        }
    }
}

/// Reads one request from a keep-alive connection; `None` at a clean end of the connection.
async fn read_request(
    stream: &mut TcpStream,
    buf: &mut Vec<u8>,
) -> std::io::Result<Option<Request>> {
    let head_end = loop {
        if let Some(i) = find(buf, b"\r\n\r\n") {
            break i;
        }
        if buf.len() > MAX_HEAD {
            return Err(std::io::Error::other("request head too large"));
        }
        let mut chunk = [0u8; 16 * 1024];
        let n = stream.read(&mut chunk).await?;
        if n == 0 {
            return Ok(None);
        }
        buf.extend_from_slice(&chunk[..n]);
    };
    let head = String::from_utf8_lossy(&buf[..head_end]).into_owned();
    buf.drain(..head_end + 4);
    let mut lines = head.split("\r\n");
    let mut first = lines.next().unwrap_or_default().split(' ');
    let method = first.next().unwrap_or_default().to_string();
    let target = first.next().unwrap_or("/").to_string();
    let version = first.next().unwrap_or("HTTP/1.1").to_string();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect();
    let mut req = Request {
        method,
        target,
        version,
        headers,
        body: Vec::new(),
    };
    if req
        .header("expect")
        .is_some_and(|v| v.eq_ignore_ascii_case("100-continue"))
    {
        stream.write_all(b"HTTP/1.1 100 Continue\r\n\r\n").await?;
    }
    if req
        .header("transfer-encoding")
        .is_some_and(|v| v.to_ascii_lowercase().contains("chunked"))
    {
        req.body = read_chunked(stream, buf).await?;
    } else {
        let len: usize = req
            .header("content-length")
            .and_then(|v| v.parse().ok())
            .unwrap_or(0);
        while buf.len() < len {
            let mut chunk = vec![0u8; (len - buf.len()).min(64 * 1024)];
            let n = stream.read(&mut chunk).await?;
            if n == 0 {
                return Err(std::io::ErrorKind::UnexpectedEof.into());
            }
            buf.extend_from_slice(&chunk[..n]);
        }
        req.body = buf.drain(..len).collect();
    }
    Ok(Some(req))
}

/// Decodes a chunked body from the connection (whatever is already in `buf` first).
async fn read_chunked(stream: &mut TcpStream, buf: &mut Vec<u8>) -> std::io::Result<Vec<u8>> {
    async fn fill(stream: &mut TcpStream, buf: &mut Vec<u8>, need: usize) -> std::io::Result<()> {
        while buf.len() < need {
            let mut chunk = [0u8; 16 * 1024];
            let n = stream.read(&mut chunk).await?;
            if n == 0 {
                return Err(std::io::ErrorKind::UnexpectedEof.into());
            }
            buf.extend_from_slice(&chunk[..n]);
        }
        Ok(())
    }
    let mut body = Vec::new();
    loop {
        let line_end = loop {
            if let Some(i) = find(buf, b"\r\n") {
                break i;
            }
            let have = buf.len();
            fill(stream, buf, have + 1).await?;
        };
        let size_text = String::from_utf8_lossy(&buf[..line_end]).into_owned();
        let size = usize::from_str_radix(size_text.split(';').next().unwrap_or("").trim(), 16)
            .map_err(|_| std::io::Error::other("bad chunk size"))?;
        buf.drain(..line_end + 2);
        if size == 0 {
            // Trailers end with an empty line.
            loop {
                let end = loop {
                    if let Some(i) = find(buf, b"\r\n") {
                        break i;
                    }
                    let have = buf.len();
                    fill(stream, buf, have + 1).await?;
                };
                buf.drain(..end + 2);
                if end == 0 {
                    return Ok(body);
                }
            }
        }
        fill(stream, buf, size + 2).await?;
        body.extend_from_slice(&buf[..size]);
        buf.drain(..size + 2);
    }
}

/// moto's answer.
struct Response {
    status: u16,
    reason: String,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Response {
    /// The answer re-framed for the client's keep-alive connection.
    fn to_client(&self, method: &str) -> Vec<u8> {
        let mut out = format!("HTTP/1.1 {} {}\r\n", self.status, self.reason).into_bytes();
        let mut content_length = None;
        for (k, v) in &self.headers {
            let lower = k.to_ascii_lowercase();
            if lower == "content-length" {
                content_length = Some(v.clone());
                continue;
            }
            if matches!(
                lower.as_str(),
                "connection" | "transfer-encoding" | "keep-alive"
            ) {
                continue;
            }
            out.extend_from_slice(format!("{k}: {v}\r\n").as_bytes());
        }
        let len = if method == "HEAD" {
            content_length.unwrap_or_else(|| "0".into())
        } else {
            self.body.len().to_string()
        };
        out.extend_from_slice(format!("Content-Length: {len}\r\n\r\n").as_bytes());
        if method != "HEAD" {
            out.extend_from_slice(&self.body);
        }
        out
    }
}

/// Sends one request to moto on a fresh connection and reads the whole answer.
async fn forward(upstream: &str, req: &Request) -> std::io::Result<Response> {
    let exchange = async {
        let mut up = TcpStream::connect(upstream).await?;
        let mut head = format!("{} {} {}\r\n", req.method, req.target, req.version).into_bytes();
        for (k, v) in &req.headers {
            let lower = k.to_ascii_lowercase();
            if matches!(
                lower.as_str(),
                "connection" | "transfer-encoding" | "content-length" | "expect" | "keep-alive"
            ) {
                continue;
            }
            head.extend_from_slice(format!("{k}: {v}\r\n").as_bytes());
        }
        head.extend_from_slice(
            format!(
                "Content-Length: {}\r\nConnection: close\r\n\r\n",
                req.body.len()
            )
            .as_bytes(),
        );
        head.extend_from_slice(&req.body);
        up.write_all(&head).await?;
        let mut raw = Vec::new();
        up.read_to_end(&mut raw).await?;
        parse_response(&raw, &req.method)
    };
    tokio::time::timeout(UPSTREAM_TIMEOUT, exchange)
        .await
        .map_err(|_| std::io::Error::new(std::io::ErrorKind::TimedOut, "upstream timed out"))?
}

fn parse_response(raw: &[u8], method: &str) -> std::io::Result<Response> {
    let bad = |m: &str| std::io::Error::other(format!("bad upstream answer: {m}"));
    let head_end = find(raw, b"\r\n\r\n").ok_or_else(|| bad("no header end"))?;
    let head = String::from_utf8_lossy(&raw[..head_end]).into_owned();
    let mut lines = head.split("\r\n");
    let status_line = lines.next().unwrap_or_default();
    let mut parts = status_line.splitn(3, ' ');
    let _version = parts.next();
    let status: u16 = parts
        .next()
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| bad("no status"))?;
    let reason = parts.next().unwrap_or("").to_string();
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect();
    let rest = &raw[head_end + 4..];
    let header = |name: &str| {
        headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    };
    let no_body = method == "HEAD" || status == 204 || status == 304 || status < 200;
    let body = if no_body {
        Vec::new()
    } else if header("transfer-encoding")
        .is_some_and(|v| v.to_ascii_lowercase().contains("chunked"))
    {
        dechunk(rest).ok_or_else(|| bad("bad chunked body"))?
    } else if let Some(len) = header("content-length").and_then(|v| v.parse::<usize>().ok()) {
        rest.get(..len).ok_or_else(|| bad("short body"))?.to_vec()
    } else {
        rest.to_vec()
    };
    Ok(Response {
        status,
        reason,
        headers,
        body,
    })
}

fn dechunk(mut data: &[u8]) -> Option<Vec<u8>> {
    let mut body = Vec::new();
    loop {
        let line_end = find(data, b"\r\n")?;
        let size_text = std::str::from_utf8(&data[..line_end]).ok()?;
        let size = usize::from_str_radix(size_text.split(';').next()?.trim(), 16).ok()?;
        data = &data[line_end + 2..];
        if size == 0 {
            return Some(body);
        }
        body.extend_from_slice(data.get(..size)?);
        data = data.get(size + 2..)?;
    }
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

fn plain_response(status: u16, content_type: &str, body: &[u8]) -> Vec<u8> {
    let reason = match status {
        400 => "Bad Request",
        403 => "Forbidden",
        500 => "Internal Server Error",
        502 => "Bad Gateway",
        503 => "Service Unavailable",
        _ => "Error",
    };
    let mut out = format!(
        "HTTP/1.1 {status} {reason}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n\
         x-amzn-RequestId: 00000000-0000-4000-8000-fa0170000000\r\n\r\n",
        body.len()
    )
    .into_bytes();
    out.extend_from_slice(body);
    out
}

/// The SigV4 scope, and the operation, of a request.
fn classify(req: &Request) -> Call {
    let (region, service) = req
        .header("authorization")
        .and_then(|auth| {
            let cred = auth.split("Credential=").nth(1)?;
            let cred = cred.split([',', ' ']).next()?;
            let mut parts = cred.split('/');
            let _key = parts.next()?;
            let _date = parts.next()?;
            Some((parts.next()?.to_string(), parts.next()?.to_string()))
        })
        .unwrap_or_else(|| ("unsigned".into(), "unknown".into()));
    let (path, query) = match req.target.split_once('?') {
        Some((p, q)) => (p.to_string(), q.to_string()),
        None => (req.target.clone(), String::new()),
    };
    let params: Vec<(String, String)> = query
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|p| match p.split_once('=') {
            Some((k, v)) => (k.to_string(), v.to_string()),
            None => (p.to_string(), String::new()),
        })
        .collect();
    let fallback = format!("{} {path}", req.method);
    let operation = match service.as_str() {
        "s3" => s3_operation(&req.method, &path, &params).unwrap_or(fallback),
        "route53" => route53_operation(&req.method, &path).unwrap_or(fallback),
        _ => form_action(&req.body)
            .or_else(|| {
                params
                    .iter()
                    .find(|(k, _)| k == "Action")
                    .map(|(_, v)| v.clone())
            })
            // JSON protocols (DynamoDB, KMS, ACM, ...): `X-Amz-Target: Prefix_Version.Operation`.
            .or_else(|| {
                req.header("x-amz-target")
                    .and_then(|t| t.rsplit('.').next())
                    .map(str::to_string)
            })
            .unwrap_or(fallback),
    };
    let bucket = (service == "s3")
        .then(|| s3_bucket(req.header("host").unwrap_or_default(), &path))
        .flatten();
    Call {
        service,
        region,
        operation,
        bucket,
        target: req.target.clone(),
    }
}

/// The bucket of an S3 request: the first label of a virtual-hosted `BUCKET.s3...` host, else
/// the first segment of a path-style path.
fn s3_bucket(host: &str, path: &str) -> Option<String> {
    let host = host.split(':').next().unwrap_or_default();
    if let Some((label, rest)) = host.split_once('.')
        && (rest.starts_with("s3.") || rest.starts_with("s3-"))
    {
        return Some(label.to_string());
    }
    path.split('/')
        .find(|s| !s.is_empty())
        .map(|s| s.to_string())
}

/// `Action=` of a query-protocol form body (EC2, IAM, STS).
fn form_action(body: &[u8]) -> Option<String> {
    let text = std::str::from_utf8(body).ok()?;
    text.split('&')
        .find_map(|p| p.strip_prefix("Action="))
        .map(str::to_string)
}

/// S3 REST operation from method, path-style path and query.
fn s3_operation(method: &str, path: &str, params: &[(String, String)]) -> Option<String> {
    if let Some((_, id)) = params.iter().find(|(k, _)| k == "x-id") {
        return Some(id.clone());
    }
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    let has = |k: &str| params.iter().any(|(p, _)| p == k);
    const SUB: [(&str, &str); 14] = [
        ("location", "Location"),
        ("versioning", "Versioning"),
        ("replication", "Replication"),
        ("encryption", "Encryption"),
        ("tagging", "Tagging"),
        ("policy", "Policy"),
        ("acl", "Acl"),
        ("lifecycle", "LifecycleConfiguration"),
        ("cors", "Cors"),
        ("website", "Website"),
        ("logging", "Logging"),
        ("notification", "NotificationConfiguration"),
        ("publicAccessBlock", "PublicAccessBlock"),
        ("ownershipControls", "OwnershipControls"),
    ];
    let sub = SUB.iter().find(|(k, _)| has(k)).map(|(_, v)| *v);
    let op = match (method, segments.len(), sub) {
        ("GET", 0, _) => "ListBuckets".to_string(),
        ("GET", 1, Some(s)) => format!("GetBucket{s}"),
        ("PUT", 1, Some(s)) => format!("PutBucket{s}"),
        ("DELETE", 1, Some(s)) => format!("DeleteBucket{s}"),
        ("GET", 1, None) if has("versions") => "ListObjectVersions".into(),
        ("GET", 1, None) if has("uploads") => "ListMultipartUploads".into(),
        ("GET", 1, None) if params.iter().any(|(k, v)| k == "list-type" && v == "2") => {
            "ListObjectsV2".into()
        }
        ("GET", 1, None) => "ListObjects".into(),
        ("HEAD", 1, _) => "HeadBucket".into(),
        ("PUT", 1, None) => "CreateBucket".into(),
        ("DELETE", 1, None) => "DeleteBucket".into(),
        ("POST", 1, _) if has("delete") => "DeleteObjects".into(),
        ("GET", _, _) if has("tagging") => "GetObjectTagging".into(),
        ("GET", _, _) => "GetObject".into(),
        ("HEAD", _, _) => "HeadObject".into(),
        ("PUT", _, _) if segments.len() > 1 => "PutObject".into(),
        ("DELETE", _, _) if segments.len() > 1 => "DeleteObject".into(),
        _ => return None,
    };
    Some(op)
}

/// Route 53 REST operation from method and path (`/2013-04-01/...`).
fn route53_operation(method: &str, path: &str) -> Option<String> {
    let rest = path.strip_prefix("/2013-04-01/")?;
    let seg: Vec<&str> = rest.split('/').filter(|s| !s.is_empty()).collect();
    let op = match (method, seg.as_slice()) {
        ("GET", ["hostedzone"]) => "ListHostedZones",
        ("POST", ["hostedzone"]) => "CreateHostedZone",
        ("GET", ["hostedzone", _]) => "GetHostedZone",
        ("DELETE", ["hostedzone", _]) => "DeleteHostedZone",
        ("GET", ["hostedzone", _, "rrset"]) => "ListResourceRecordSets",
        ("POST", ["hostedzone", _, "rrset"]) => "ChangeResourceRecordSets",
        ("GET", ["hostedzonesbyname"]) => "ListHostedZonesByName",
        ("GET", ["hostedzonecount"]) => "GetHostedZoneCount",
        ("GET", ["healthcheck"]) => "ListHealthChecks",
        ("POST", ["healthcheck"]) => "CreateHealthCheck",
        ("GET", ["healthcheck", _]) => "GetHealthCheck",
        ("POST", ["healthcheck", _]) => "UpdateHealthCheck",
        ("DELETE", ["healthcheck", _]) => "DeleteHealthCheck",
        ("GET", ["healthcheckcount"]) => "GetHealthCheckCount",
        ("POST", ["tags", _]) => "ListTagsForResources",
        ("GET", ["tags", _, _]) => "ListTagsForResource",
        ("POST", ["tags", _, _]) => "ChangeTagsForResource",
        _ => return None,
    };
    Some(op.to_string())
}

/// The error a fault answers with, in the wire format of the request's service.
fn error_answer(fault: &Fault, call: &Call, req: &Request) -> (u16, &'static str, String) {
    let action = iam_action(&call.service, &call.operation);
    let denied_by_policy = format!(
        "User: arn:aws:iam::123456789012:user/drready-test is not authorized to perform: \
         {action} on resource: * because no identity-based policy allows the {action} action"
    );
    let (status, code, message) = match (fault, call.service.as_str()) {
        (Fault::Throttle, "ec2") => (
            503,
            "RequestLimitExceeded",
            "Request limit exceeded.".into(),
        ),
        (Fault::Throttle, "s3") => (503, "SlowDown", "Please reduce your request rate.".into()),
        (Fault::Throttle, _) => (400, "Throttling", "Rate exceeded".into()),
        (Fault::Status(s), "ec2") if *s == 503 => {
            (503, "Unavailable", "The server is overloaded.".into())
        }
        (Fault::Status(s), _) if *s == 503 => (
            503,
            "ServiceUnavailable",
            "Service is unable to handle request.".into(),
        ),
        (Fault::Status(s), "ec2" | "s3") => (
            *s,
            "InternalError",
            "We encountered an internal error. Please try again.".into(),
        ),
        (Fault::Status(s), _) => (
            *s,
            "InternalFailure",
            "The request processing has failed because of an unknown error.".into(),
        ),
        (Fault::AccessDenied, "ec2") => (
            403,
            "UnauthorizedOperation",
            "You are not authorized to perform this operation.".into(),
        ),
        (Fault::AccessDenied, "s3") => (403, "AccessDenied", "Access Denied".into()),
        (Fault::AccessDenied, _) => (403, "AccessDenied", denied_by_policy),
        (Fault::EchoSignatureMismatch, _) => {
            let headers: String = req
                .headers
                .iter()
                .map(|(k, v)| format!("{}:{v}\n", k.to_ascii_lowercase()))
                .collect();
            let body = String::from_utf8_lossy(&req.body);
            (
                403,
                "SignatureDoesNotMatch",
                format!(
                    "The request signature we calculated does not match the signature you \
                     provided. Check your AWS Secret Access Key and signing method.\n\nThe \
                     Canonical String for this request should have been\n'{}\n{}\n{headers}\n{body}'",
                    req.method, req.target
                ),
            )
        }
        (other, _) => (500, "InternalError", format!("unexpected fault {other:?}")),
    };
    // JSON protocols (DynamoDB, KMS, ACM, Secrets Manager, Service Quotas): `__type` in a JSON
    // body, with the `...Exception` names those services use.
    if req.header("x-amz-target").is_some() {
        let code = match code {
            "Throttling" => "ThrottlingException",
            "AccessDenied" => "AccessDeniedException",
            "InternalFailure" => "InternalServerError",
            "ServiceUnavailable" => "ServiceUnavailableException",
            other => other,
        };
        let body = serde_json::json!({"__type": code, "message": message}).to_string();
        return (status, "application/x-amz-json-1.1", body);
    }
    let message = xml_escape(&message);
    let request_id = "fa017000-0000-4000-8000-000000000000";
    let body = match call.service.as_str() {
        "ec2" => format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Response><Errors><Error><Code>{code}</Code>\
             <Message>{message}</Message></Error></Errors><RequestID>{request_id}</RequestID></Response>"
        ),
        "s3" => format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<Error><Code>{code}</Code><Message>{message}\
             </Message><RequestId>{request_id}</RequestId><HostId>fault-proxy</HostId></Error>"
        ),
        service => {
            let ns = match service {
                "route53" => "https://route53.amazonaws.com/doc/2013-04-01/",
                "sts" => "https://sts.amazonaws.com/doc/2011-06-15/",
                _ => "https://iam.amazonaws.com/doc/2010-05-08/",
            };
            let kind = if status >= 500 { "Receiver" } else { "Sender" };
            format!(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ErrorResponse xmlns=\"{ns}\"><Error>\
                 <Type>{kind}</Type><Code>{code}</Code><Message>{message}</Message></Error>\
                 <RequestId>{request_id}</RequestId></ErrorResponse>"
            )
        }
    };
    (status, "text/xml", body)
}

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// FNV-1a over the parts of a request that identify it across retries.
fn request_key(call: &Call, req: &Request) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for part in [
        call.service.as_bytes(),
        b"\n",
        call.region.as_bytes(),
        b"\n",
        req.method.as_bytes(),
        b"\n",
        req.target.as_bytes(),
        b"\n",
        &req.body,
    ] {
        for b in part {
            h ^= u64::from(*b);
            h = h.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    h
}

/// splitmix64 finalizer.
fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// A hash as a number in [0, 1).
fn unit(h: u64) -> f64 {
    (h >> 11) as f64 / (1u64 << 53) as f64
}
