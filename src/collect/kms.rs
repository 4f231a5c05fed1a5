//! KMS of one site: every key of the region (customer managed and AWS managed) with its state,
//! manager, multi-Region configuration, aliases and (customer keys) tags. Never reads key
//! material or policies.
//!
//! ListKeys (paginated, 1000 per page) and ListAliases (paginated, 100 per page, once per site)
//! run concurrently; then per key, concurrently within the shared limit, DescribeKey and — for
//! customer managed keys only — ListResourceTags (AWS managed keys cannot be tagged, and asking
//! for their tags is denied). AWS managed keys stay in the inventory: rules need to know that
//! `alias/aws/s3` exists. A failed listing is one error for the service; a failed read of one key
//! is an error naming the key, which is kept with what is known (its ARN and aliases), so that
//! only that key is unknown.

use std::collections::BTreeMap;

use aws_sdk_kms::Client;
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;

use super::client::{SiteCtx, for_each_page};
use super::{Outcome, error, smithy_time};
use crate::snapshot::{CollectionError, KmsInventory, KmsKey, Tags};
use crate::vocab::Service;

/// Largest page ListKeys accepts.
const PAGE_KEYS: i32 = 1000;
/// Largest page ListAliases accepts.
const PAGE_ALIASES: i32 = 100;
/// Largest page ListResourceTags accepts.
const PAGE_TAGS: i32 = 50;

/// Key state and manager recorded for a key whose DescribeKey failed (an error names the key).
const UNREAD: &str = "Unknown";

/// Aliases AWS creates for its managed keys start with this.
const AWS_ALIAS_PREFIX: &str = "alias/aws/";

fn kms_error<E>(api: &str, e: &SdkError<E, HttpResponse>, resource: Option<&str>) -> CollectionError
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
{
    error::from_sdk(Service::Kms, api, e, resource)
}

/// Reads every key of the site's region.
pub(super) async fn collect(ctx: &SiteCtx) -> Outcome<KmsInventory> {
    let client = ctx.kms();
    let c = &client;
    let ((listed, list_error), (aliases, alias_error)) =
        futures::join!(list_keys(ctx, c), list_aliases(ctx, c));
    let mut errors: Vec<CollectionError> = list_error.into_iter().chain(alias_error).collect();
    let aliases = &aliases;
    let details = futures::future::join_all(
        listed
            .iter()
            .map(|(id, arn)| key(ctx, c, id, arn, aliases.get(id.as_str()))),
    )
    .await;
    let mut keys = Vec::with_capacity(details.len());
    for (k, errs) in details {
        keys.push(k);
        errors.extend(errs);
    }
    tracing::debug!(keys = keys.len(), "listed KMS keys");
    (KmsInventory { keys }, errors)
}

/// Key ids and ARNs of the region.
async fn list_keys(ctx: &SiteCtx, c: &Client) -> (Vec<(String, String)>, Option<CollectionError>) {
    let mut out = Vec::new();
    let paginator = c.list_keys().limit(PAGE_KEYS).into_paginator();
    let result = for_each_page!(ctx, paginator, |page| {
        for k in page.keys() {
            let Some(id) = k.key_id() else { continue };
            let arn = k
                .key_arn()
                .map(str::to_string)
                .unwrap_or_else(|| ctx.arn("kms", true, &format!("key/{id}")));
            out.push((id.to_string(), arn));
        }
    });
    (out, result.err().map(|e| kms_error("ListKeys", &e, None)))
}

/// Alias names (`alias/...`) by target key id, in the order AWS lists them. Aliases without a
/// target (AWS managed aliases whose key was never created) are left out.
async fn list_aliases(
    ctx: &SiteCtx,
    c: &Client,
) -> (BTreeMap<String, Vec<String>>, Option<CollectionError>) {
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let paginator = c.list_aliases().limit(PAGE_ALIASES).into_paginator();
    let result = for_each_page!(ctx, paginator, |page| {
        for a in page.aliases() {
            if let (Some(name), Some(target)) = (a.alias_name(), a.target_key_id()) {
                out.entry(target.to_string())
                    .or_default()
                    .push(name.to_string());
            }
        }
    });
    (
        out,
        result.err().map(|e| kms_error("ListAliases", &e, None)),
    )
}

/// The key's name: its first customer alias without `alias/`, else (AWS managed keys) its first
/// alias without `alias/` (`aws/s3`), else empty.
fn key_name(aliases: &[String]) -> String {
    aliases
        .iter()
        .find(|a| !a.starts_with(AWS_ALIAS_PREFIX))
        .or_else(|| aliases.first())
        .map(|a| a.strip_prefix("alias/").unwrap_or(a).to_string())
        .unwrap_or_default()
}

/// One key: DescribeKey, then its tags when it is a customer managed key.
async fn key(
    ctx: &SiteCtx,
    c: &Client,
    id: &str,
    arn: &str,
    aliases: Option<&Vec<String>>,
) -> Outcome<KmsKey> {
    let mut aliases = aliases.cloned().unwrap_or_default();
    aliases.sort();
    let mut errors = Vec::new();
    let mut k = KmsKey {
        arn: arn.to_string(),
        id: id.to_string(),
        name: key_name(&aliases),
        tags: Tags::new(),
        region: ctx.region.clone(),
        account: ctx.account.clone(),
        key_state: UNREAD.to_string(),
        key_manager: UNREAD.to_string(),
        key_usage: None,
        key_spec: None,
        aliases,
        multi_region: false,
        multi_region_key_type: None,
        multi_region_primary_arn: None,
        multi_region_replica_arns: Vec::new(),
        deletion_date: None,
    };
    match ctx.call(c.describe_key().key_id(arn).send()).await {
        Ok(out) => {
            if let Some(m) = out.key_metadata() {
                k.key_state = m.key_state().map_or(UNREAD, |s| s.as_str()).to_string();
                k.key_manager = m.key_manager().map_or(UNREAD, |s| s.as_str()).to_string();
                k.key_usage = m.key_usage().map(|u| u.as_str().to_string());
                k.key_spec = m.key_spec().map(|s| s.as_str().to_string());
                k.multi_region = m.multi_region().unwrap_or_default();
                k.deletion_date = m.deletion_date().and_then(smithy_time);
                if let Some(mr) = m.multi_region_configuration() {
                    k.multi_region_key_type =
                        mr.multi_region_key_type().map(|t| t.as_str().to_string());
                    k.multi_region_primary_arn =
                        mr.primary_key().and_then(|p| p.arn()).map(str::to_string);
                    k.multi_region_replica_arns = mr
                        .replica_keys()
                        .iter()
                        .filter_map(|r| r.arn().map(str::to_string))
                        .collect();
                    k.multi_region_replica_arns.sort();
                }
            }
        }
        Err(e) => {
            errors.push(kms_error("DescribeKey", &e, Some(arn)));
            return (k, errors);
        }
    }
    if k.key_manager == "CUSTOMER" {
        match key_tags(ctx, c, arn).await {
            Ok(tags) => k.tags = tags,
            Err(e) => errors.push(e),
        }
    }
    (k, errors)
}

async fn key_tags(ctx: &SiteCtx, c: &Client, arn: &str) -> Result<Tags, CollectionError> {
    let mut tags = Tags::new();
    let paginator = c
        .list_resource_tags()
        .key_id(arn)
        .limit(PAGE_TAGS)
        .into_paginator();
    let result = for_each_page!(ctx, paginator, |page| {
        for t in page.tags() {
            tags.insert(t.tag_key().to_string(), t.tag_value().to_string());
        }
    });
    result.map_err(|e| kms_error("ListResourceTags", &e, Some(arn)))?;
    Ok(tags)
}

#[cfg(test)]
mod tests {
    use super::key_name;

    #[test]
    fn name_is_the_first_customer_alias() {
        let a = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(
            key_name(&a(&["alias/orders-data", "alias/x"])),
            "orders-data"
        );
        assert_eq!(key_name(&a(&["alias/aws/s3"])), "aws/s3");
        assert_eq!(key_name(&a(&[])), "");
    }
}
