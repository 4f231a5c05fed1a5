//! Live collection against a real moto server.

mod support;

use drready::config::{CollectConfig, Config, SiteConfig};
use support::moto::{Moto, fake_aws_env};

fn config(moto: &Moto) -> Config {
    Config {
        primary: SiteConfig {
            region: Some("us-east-1".into()),
            endpoint_url: Some(moto.endpoint.clone()),
            ..Default::default()
        },
        standby: SiteConfig {
            region: Some("us-west-2".into()),
            endpoint_url: Some(moto.endpoint.clone()),
            ..Default::default()
        },
        collect: CollectConfig {
            max_concurrency: 8,
            attempt_timeout_secs: 10,
            call_timeout_secs: 30,
            max_attempts: 3,
        },
        ..Default::default()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dump() {
    fake_aws_env();
    let moto = Moto::start();
    let seed = moto.seed(&["--defects"]);
    let snap = drready::collect::collect(&config(&moto)).await.unwrap();
    std::fs::write("/tmp/snap.json", serde_json::to_string_pretty(&snap).unwrap()).unwrap();
    std::fs::write("/tmp/seed2.json", serde_json::to_string_pretty(&seed).unwrap()).unwrap();
}
