//! S3: buckets located in the site's region, with versioning, replication, default encryption,
//! server access logging and tags.
//!
//! The bucket listing is account-wide, so it is read once per account ([`list_buckets`]) and
//! each site keeps the buckets of its own region ([`collect`]). A bucket's region comes from
//! ListBuckets' `BucketRegion` when AWS gives it, else from GetBucketLocation.

use aws_sdk_s3::Client;
use aws_sdk_s3::types as sdk;
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;
use chrono::{DateTime, Utc};

use super::client::{SiteCtx, for_each_page};
use super::{Outcome, error, smithy_time};
use crate::snapshot::{
    Bucket, BucketEncryption, CollectionError, ReplicationConfiguration, ReplicationDestination,
    ReplicationRule, S3Inventory, Tags,
};
use crate::vocab::Service;

/// Largest page ListBuckets accepts. (moto truncates a `MaxBuckets` page without giving a
/// continuation token; at the API maximum that only bites past 10,000 buckets.)
const PAGE: i32 = 10_000;

/// The account's buckets and where they live.
#[derive(Debug, Clone, Default)]
pub(crate) struct Listing {
    buckets: Vec<Listed>,
    /// ListBuckets or GetBucketLocation failures; copied into every site that uses the listing.
    errors: Vec<CollectionError>,
}

#[derive(Debug, Clone)]
struct Listed {
    name: String,
    creation_date: Option<DateTime<Utc>>,
    /// `None` when the location could not be read (an error is in the listing).
    region: Option<String>,
}

fn bucket_arn(ctx: &SiteCtx, name: &str) -> String {
    format!("arn:{}:s3:::{name}", ctx.partition)
}

fn s3_error<E>(api: &str, e: &SdkError<E, HttpResponse>, resource: Option<&str>) -> CollectionError
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
{
    error::from_sdk(Service::S3, api, e, resource)
}

/// Lists every bucket of the account and resolves each bucket's region.
pub(crate) async fn list_buckets(ctx: &SiteCtx) -> Listing {
    let client = ctx.s3();
    let mut listed: Vec<(String, Option<DateTime<Utc>>, Option<String>)> = Vec::new();
    let paginator = client.list_buckets().max_buckets(PAGE).into_paginator();
    let result = for_each_page!(ctx, paginator, |page| {
        for b in page.buckets() {
            let Some(name) = b.name() else { continue };
            listed.push((
                name.to_string(),
                b.creation_date().and_then(smithy_time),
                b.bucket_region().map(str::to_string),
            ));
        }
    });
    let mut errors = Vec::new();
    if let Err(e) = result {
        errors.push(s3_error("ListBuckets", &e, None));
    }

    let client = &client;
    let located = futures::future::join_all(listed.into_iter().map(
        |(name, created, region)| async move {
            if region.is_some() {
                return (name, created, Ok(region));
            }
            let answer = ctx
                .call(client.get_bucket_location().bucket(&name).send())
                .await;
            let region = answer.map(|out| {
                Some(location_region(
                    out.location_constraint().map(|c| c.as_str()),
                ))
            });
            (name, created, region)
        },
    ))
    .await;

    let mut buckets = Vec::with_capacity(located.len());
    for (name, creation_date, region) in located {
        let region = match region {
            Ok(r) => r,
            Err(e) => {
                errors.push(s3_error(
                    "GetBucketLocation",
                    &e,
                    Some(&bucket_arn(ctx, &name)),
                ));
                None
            }
        };
        buckets.push(Listed {
            name,
            creation_date,
            region,
        });
    }
    tracing::debug!(buckets = buckets.len(), "listed buckets");
    Listing { buckets, errors }
}

/// The region of a `LocationConstraint`: empty means us-east-1, the legacy `EU` eu-west-1.
fn location_region(constraint: Option<&str>) -> String {
    match constraint.unwrap_or_default() {
        "" => "us-east-1".to_string(),
        "EU" => "eu-west-1".to_string(),
        other => other.to_string(),
    }
}

/// Reads the buckets of the listing that are located in the site's region.
pub(crate) async fn collect(ctx: &SiteCtx, listing: &Listing) -> Outcome<S3Inventory> {
    let client = ctx.s3();
    let mine = listing
        .buckets
        .iter()
        .filter(|b| b.region.as_deref() == Some(ctx.region.as_str()));
    let details = futures::future::join_all(mine.map(|b| bucket(ctx, &client, b))).await;
    let mut errors = listing.errors.clone();
    let mut buckets = Vec::with_capacity(details.len());
    for (bucket, errs) in details {
        buckets.push(bucket);
        errors.extend(errs);
    }
    (S3Inventory { buckets }, errors)
}

/// Versioning, replication, encryption, logging and tags of one bucket, read concurrently.
/// Each failed read is an error of this bucket (its `resource` is the bucket ARN); the other
/// reads, and the other buckets, go on.
async fn bucket(ctx: &SiteCtx, c: &Client, listed: &Listed) -> Outcome<Bucket> {
    let name = listed.name.as_str();
    let arn = bucket_arn(ctx, name);
    let (versioning, replication, encryption, tagging, logging) = futures::join!(
        ctx.call(c.get_bucket_versioning().bucket(name).send()),
        ctx.call(c.get_bucket_replication().bucket(name).send()),
        ctx.call(c.get_bucket_encryption().bucket(name).send()),
        ctx.call(c.get_bucket_tagging().bucket(name).send()),
        ctx.call(c.get_bucket_logging().bucket(name).send()),
    );
    let mut errors = Vec::new();
    let mut bucket = Bucket {
        arn: arn.clone(),
        id: name.to_string(),
        name: name.to_string(),
        tags: Tags::new(),
        region: ctx.region.clone(),
        account: ctx.account.clone(),
        creation_date: listed.creation_date,
        versioning: None,
        encryption: None,
        replication: None,
        logging_target: None,
    };
    match versioning {
        Ok(out) => bucket.versioning = out.status().map(|s| s.as_str().to_string()),
        Err(e) => errors.push(s3_error("GetBucketVersioning", &e, Some(&arn))),
    }
    match replication {
        Ok(out) => bucket.replication = out.replication_configuration().map(replication_config),
        Err(e) if error::code(&e) == Some("ReplicationConfigurationNotFoundError") => {}
        Err(e) => errors.push(s3_error("GetBucketReplication", &e, Some(&arn))),
    }
    match encryption {
        Ok(out) => {
            bucket.encryption = out
                .server_side_encryption_configuration()
                .and_then(|c| c.rules().iter().find_map(encryption_rule));
        }
        Err(e) if error::code(&e) == Some("ServerSideEncryptionConfigurationNotFoundError") => {}
        Err(e) => errors.push(s3_error("GetBucketEncryption", &e, Some(&arn))),
    }
    match tagging {
        Ok(out) => {
            bucket.tags = out
                .tag_set()
                .iter()
                .map(|t| (t.key().to_string(), t.value().to_string()))
                .collect();
        }
        Err(e) if error::code(&e) == Some("NoSuchTagSet") => {}
        Err(e) => errors.push(s3_error("GetBucketTagging", &e, Some(&arn))),
    }
    match logging {
        Ok(out) => {
            bucket.logging_target = out
                .logging_enabled()
                .map(|l| l.target_bucket().to_string())
                .filter(|t| !t.is_empty());
        }
        Err(e) => errors.push(s3_error("GetBucketLogging", &e, Some(&arn))),
    }
    (bucket, errors)
}

fn encryption_rule(rule: &sdk::ServerSideEncryptionRule) -> Option<BucketEncryption> {
    let default = rule.apply_server_side_encryption_by_default()?;
    Some(BucketEncryption {
        sse_algorithm: default.sse_algorithm().as_str().to_string(),
        kms_key_id: default.kms_master_key_id().map(str::to_string),
        bucket_key_enabled: rule.bucket_key_enabled().unwrap_or_default(),
    })
}

fn replication_config(c: &sdk::ReplicationConfiguration) -> ReplicationConfiguration {
    ReplicationConfiguration {
        role: c.role().to_string(),
        rules: c.rules().iter().map(replication_rule).collect(),
    }
}

/// The rule-level `Prefix` of the V1 replication schema, still answered by buckets configured
/// that way.
#[allow(deprecated)]
fn legacy_prefix(r: &sdk::ReplicationRule) -> Option<&str> {
    r.prefix()
}

fn replication_rule(r: &sdk::ReplicationRule) -> ReplicationRule {
    let filter = r.filter();
    let and = filter.and_then(|f| f.and());
    let prefix = filter
        .and_then(|f| f.prefix())
        .or_else(|| and.and_then(|a| a.prefix()))
        .or_else(|| legacy_prefix(r))
        .map(str::to_string);
    let mut filter_tags = Tags::new();
    if let Some(tag) = filter.and_then(|f| f.tag()) {
        filter_tags.insert(tag.key().to_string(), tag.value().to_string());
    }
    for tag in and.map(|a| a.tags()).unwrap_or_default() {
        filter_tags.insert(tag.key().to_string(), tag.value().to_string());
    }
    let d = r.destination();
    ReplicationRule {
        id: r.id().map(str::to_string),
        status: r.status().as_str().to_string(),
        priority: r.priority().map(i64::from),
        prefix,
        filter_tags,
        destination: ReplicationDestination {
            bucket: d.map(|d| d.bucket().to_string()).unwrap_or_default(),
            account: d.and_then(|d| d.account()).map(str::to_string),
            storage_class: d
                .and_then(|d| d.storage_class())
                .map(|s| s.as_str().to_string()),
            replica_kms_key_id: d
                .and_then(|d| d.encryption_configuration())
                .and_then(|e| e.replica_kms_key_id())
                .map(str::to_string),
            replication_time_control: d
                .and_then(|d| d.replication_time())
                .is_some_and(|t| t.status().as_str() == "Enabled"),
            metrics: d
                .and_then(|d| d.metrics())
                .is_some_and(|m| m.status().as_str() == "Enabled"),
        },
        delete_marker_replication: r
            .delete_marker_replication()
            .and_then(|m| m.status())
            .is_some_and(|s| s.as_str() == "Enabled"),
        sse_kms_encrypted_objects: r
            .source_selection_criteria()
            .and_then(|c| c.sse_kms_encrypted_objects())
            .is_some_and(|o| o.status().as_str() == "Enabled"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_location_constraint_is_us_east_1() {
        assert_eq!(location_region(None), "us-east-1");
        assert_eq!(location_region(Some("")), "us-east-1");
        assert_eq!(location_region(Some("EU")), "eu-west-1");
        assert_eq!(location_region(Some("us-west-2")), "us-west-2");
    }
}
