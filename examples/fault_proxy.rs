//! The tests' fault-injecting proxy as a command, for benchmarks and manual experiments: sits
//! between drready (`--endpoint-url http://127.0.0.1:PORT`) and a moto server, adds latency to
//! every call and optionally throttles a share of them.
//!
//! ```text
//! cargo run --release --example fault_proxy -- --upstream http://127.0.0.1:5000 --latency-ms 50 --port 5050
//! ```
//!
//! Prints `fault proxy listening on http://127.0.0.1:PORT` on stdout once it accepts connections,
//! then serves until killed. The code is tests/support/proxy.rs.

#[path = "../tests/support/proxy.rs"]
mod proxy;

use std::io::Write;
use std::time::Duration;

use clap::Parser;
use proxy::{Fault, Proxy, Rule};

/// Fault-injecting HTTP proxy in front of a moto server (loopback only).
#[derive(Debug, Parser)]
struct Args {
    /// The moto server, e.g. http://127.0.0.1:5000.
    #[arg(long)]
    upstream: String,
    /// Loopback port to listen on (0: any free port, printed on start).
    #[arg(long, default_value_t = 0)]
    port: u16,
    /// Latency added to every forwarded call, in milliseconds.
    #[arg(long, default_value_t = 0)]
    latency_ms: u64,
    /// Share of calls answered with the service's throttling error (0.0–1.0).
    #[arg(long, default_value_t = 0.0)]
    throttle_rate: f64,
    /// Share of calls answered with HTTP 500 (0.0–1.0).
    #[arg(long, default_value_t = 0.0)]
    error_rate: f64,
    /// Seed of the fault decisions.
    #[arg(long, default_value_t = 0)]
    seed: u64,
}

fn main() {
    let args = Args::parse();
    let mut builder = Proxy::builder(&args.upstream)
        .port(args.port)
        .seed(args.seed)
        .latency(Duration::from_millis(args.latency_ms));
    if args.throttle_rate > 0.0 {
        builder = builder.rule(Rule::new(Fault::Throttle).rate(args.throttle_rate));
    }
    if args.error_rate > 0.0 {
        builder = builder.rule(Rule::new(Fault::Status(500)).rate(args.error_rate));
    }
    let proxy = builder.start();
    println!("fault proxy listening on {}", proxy.endpoint);
    let _ = std::io::stdout().flush();
    loop {
        std::thread::park();
    }
}
