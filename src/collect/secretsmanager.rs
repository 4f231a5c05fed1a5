//! Secrets Manager of one site: secret metadata (never a value: drready never calls
//! GetSecretValue), with tags, KMS key, rotation, owning service, deletion date and replication.
//!
//! ListSecrets (paginated, 100 per page, secrets scheduled for deletion included) gives everything
//! inline except the replication status, which only DescribeSecret has. DescribeSecret is called
//! for the secrets that can have replicas — those that are not themselves a replica of a secret of
//! another region and are not scheduled for deletion — concurrently within the shared limit. A
//! failed listing is one error for the service; a failed DescribeSecret is an error naming the
//! secret, which is kept with what ListSecrets said (its replication is unknown).

use aws_sdk_secretsmanager::Client;
use aws_sdk_secretsmanager::types as sdk;
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;

use super::client::{SiteCtx, for_each_page};
use super::{Outcome, error, smithy_time};
use crate::snapshot::{CollectionError, Secret, SecretReplica, SecretsManagerInventory, Tags};
use crate::vocab::Service;

/// Largest page ListSecrets accepts.
const PAGE: i32 = 100;

fn sm_error<E>(api: &str, e: &SdkError<E, HttpResponse>, resource: Option<&str>) -> CollectionError
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
{
    error::from_sdk(Service::SecretsManager, api, e, resource)
}

/// Reads every secret of the site's region.
pub(super) async fn collect(ctx: &SiteCtx) -> Outcome<SecretsManagerInventory> {
    let client = ctx.secretsmanager();
    let mut secrets: Vec<Secret> = Vec::new();
    let paginator = client
        .list_secrets()
        .max_results(PAGE)
        .include_planned_deletion(true)
        .into_paginator();
    let result = for_each_page!(ctx, paginator, |page| {
        secrets.extend(page.secret_list().iter().filter_map(|s| secret(ctx, s)));
    });
    let mut errors = Vec::new();
    if let Err(e) = result {
        errors.push(sm_error("ListSecrets", &e, None));
    }
    let c = &client;
    let replication = futures::future::join_all(
        secrets
            .iter()
            .enumerate()
            .filter(|(_, s)| s.primary_region.is_none() && s.deleted_date.is_none())
            .map(|(i, s)| async move { (i, replicas(ctx, c, &s.arn).await) }),
    )
    .await;
    for (i, answer) in replication {
        match answer {
            Ok(r) => secrets[i].replication = r,
            Err(e) => errors.push(e),
        }
    }
    tracing::debug!(secrets = secrets.len(), "listed secrets");
    (SecretsManagerInventory { secrets }, errors)
}

fn secret(ctx: &SiteCtx, s: &sdk::SecretListEntry) -> Option<Secret> {
    let arn = s.arn()?.to_string();
    let name = s.name().unwrap_or_default().to_string();
    let tags: Tags = s
        .tags()
        .iter()
        .filter_map(|t| {
            Some((
                t.key()?.to_string(),
                t.value().unwrap_or_default().to_string(),
            ))
        })
        .collect();
    Some(Secret {
        arn,
        id: name.clone(),
        name,
        tags,
        region: ctx.region.clone(),
        account: ctx.account.clone(),
        kms_key_id: s.kms_key_id().map(str::to_string),
        // AWS also names the own region of a secret that has replicas: keep only another region,
        // which makes this secret a replica.
        primary_region: s
            .primary_region()
            .filter(|r| !r.is_empty() && *r != ctx.region)
            .map(str::to_string),
        replication: Vec::new(),
        rotation_enabled: s.rotation_enabled().unwrap_or_default(),
        last_changed: s.last_changed_date().and_then(smithy_time),
        deleted_date: s.deleted_date().and_then(smithy_time),
        owning_service: s
            .owning_service()
            .filter(|o| !o.is_empty())
            .map(str::to_string),
    })
}

/// The replicas of a secret (DescribeSecret's ReplicationStatus).
async fn replicas(
    ctx: &SiteCtx,
    c: &Client,
    arn: &str,
) -> Result<Vec<SecretReplica>, CollectionError> {
    let out = ctx
        .call(c.describe_secret().secret_id(arn).send())
        .await
        .map_err(|e| sm_error("DescribeSecret", &e, Some(arn)))?;
    let mut replicas: Vec<SecretReplica> = out
        .replication_status()
        .iter()
        .filter_map(|r| {
            Some(SecretReplica {
                region: r.region()?.to_string(),
                kms_key_id: r.kms_key_id().map(str::to_string),
                status: r.status().map_or("Unknown", |s| s.as_str()).to_string(),
                status_message: r
                    .status_message()
                    .filter(|m| !m.is_empty())
                    .map(str::to_string),
            })
        })
        .collect();
    replicas.sort_by(|a, b| a.region.cmp(&b.region));
    Ok(replicas)
}
