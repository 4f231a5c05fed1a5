//! DynamoDB of one site: tables with their key schema, global secondary indexes, stream, server-side
//! encryption, billing mode, global-table replicas, point-in-time recovery status and tags.
//!
//! ListTables (paginated, 100 names per page), then per table, concurrently within the shared
//! concurrency limit, DescribeTable, DescribeContinuousBackups and ListTagsOfResource. A failed
//! listing is one error for the whole service; a failed per-table read is an error naming the
//! table, which is kept with what could be read (only that table is unknown to the rules).

use aws_sdk_dynamodb::Client;
use aws_sdk_dynamodb::types as sdk;
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;

use super::client::{SiteCtx, for_each_page};
use super::{Outcome, error};
use crate::snapshot::{
    CollectionError, DynamodbInventory, KeyElement, SecondaryIndex, Table, TableReplica, Tags,
};
use crate::vocab::Service;

/// Largest page ListTables accepts.
const PAGE: i32 = 100;

/// Status recorded for a table whose DescribeTable failed (an error names the table).
const UNREAD: &str = "UNKNOWN";

fn ddb_error<E>(api: &str, e: &SdkError<E, HttpResponse>, resource: Option<&str>) -> CollectionError
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
{
    error::from_sdk(Service::Dynamodb, api, e, resource)
}

/// Reads every table of the site's region.
pub(super) async fn collect(ctx: &SiteCtx) -> Outcome<DynamodbInventory> {
    let client = ctx.dynamodb();
    let mut names: Vec<String> = Vec::new();
    let paginator = client.list_tables().limit(PAGE).into_paginator();
    let result = for_each_page!(ctx, paginator, |page| {
        names.extend(page.table_names().iter().cloned());
    });
    let mut errors = Vec::new();
    if let Err(e) = result {
        errors.push(ddb_error("ListTables", &e, None));
    }
    let c = &client;
    let details = futures::future::join_all(names.iter().map(|n| table(ctx, c, n))).await;
    let mut tables = Vec::with_capacity(details.len());
    for (t, errs) in details {
        tables.push(t);
        errors.extend(errs);
    }
    tracing::debug!(tables = tables.len(), "listed DynamoDB tables");
    (DynamodbInventory { tables }, errors)
}

/// One table: description, continuous backups and tags, read concurrently.
async fn table(ctx: &SiteCtx, c: &Client, name: &str) -> Outcome<Table> {
    let arn = ctx.arn("dynamodb", true, &format!("table/{name}"));
    let (described, backups, tags) = futures::join!(
        ctx.call(c.describe_table().table_name(name).send()),
        ctx.call(c.describe_continuous_backups().table_name(name).send()),
        table_tags(ctx, c, &arn),
    );
    let mut errors = Vec::new();
    let mut t = Table {
        arn: arn.clone(),
        id: name.to_string(),
        name: name.to_string(),
        tags: Tags::new(),
        region: ctx.region.clone(),
        account: ctx.account.clone(),
        status: UNREAD.to_string(),
        key_schema: Vec::new(),
        global_secondary_indexes: Vec::new(),
        stream_view_type: None,
        sse_type: None,
        kms_key_arn: None,
        billing_mode: None,
        global_table_version: None,
        replicas: Vec::new(),
        point_in_time_recovery: None,
        deletion_protection: false,
    };
    match described {
        Ok(out) => {
            if let Some(d) = out.table() {
                describe(&mut t, d);
            }
        }
        Err(e) => errors.push(ddb_error("DescribeTable", &e, Some(&arn))),
    }
    match backups {
        Ok(out) => {
            t.point_in_time_recovery = Some(
                out.continuous_backups_description()
                    .and_then(|d| d.point_in_time_recovery_description())
                    .and_then(|p| p.point_in_time_recovery_status())
                    .map_or("DISABLED", |s| s.as_str())
                    .to_string(),
            );
        }
        Err(e) => errors.push(ddb_error("DescribeContinuousBackups", &e, Some(&arn))),
    }
    match tags {
        Ok(tags) => t.tags = tags,
        Err(e) => errors.push(e),
    }
    (t, errors)
}

fn keys(schema: &[sdk::KeySchemaElement]) -> Vec<KeyElement> {
    schema
        .iter()
        .map(|k| KeyElement {
            attribute_name: k.attribute_name().to_string(),
            key_type: k.key_type().as_str().to_string(),
        })
        .collect()
}

/// Copies what DescribeTable says into the table.
fn describe(t: &mut Table, d: &sdk::TableDescription) {
    if let Some(arn) = d.table_arn() {
        t.arn = arn.to_string();
    }
    t.status = d.table_status().map_or(UNREAD, |s| s.as_str()).to_string();
    t.key_schema = keys(d.key_schema());
    t.global_secondary_indexes = d
        .global_secondary_indexes()
        .iter()
        .map(|g| SecondaryIndex {
            name: g.index_name().unwrap_or_default().to_string(),
            key_schema: keys(g.key_schema()),
        })
        .collect();
    t.stream_view_type = d
        .stream_specification()
        .filter(|s| s.stream_enabled())
        .and_then(|s| s.stream_view_type())
        .map(|v| v.as_str().to_string());
    let sse = d
        .sse_description()
        .filter(|s| s.status().is_none_or(|st| st.as_str() != "DISABLED"));
    t.sse_type = sse
        .and_then(|s| s.sse_type())
        .map(|v| v.as_str().to_string());
    t.kms_key_arn = sse.and_then(|s| s.kms_master_key_arn()).map(str::to_string);
    t.billing_mode = d
        .billing_mode_summary()
        .and_then(|b| b.billing_mode())
        .map(|b| b.as_str().to_string())
        // A table created with provisioned capacity and never switched has no summary.
        .or_else(|| {
            d.provisioned_throughput()
                .map(|_| "PROVISIONED".to_string())
        });
    t.global_table_version = d.global_table_version().map(str::to_string);
    t.replicas = d
        .replicas()
        .iter()
        .filter_map(|r| {
            Some(TableReplica {
                region: r.region_name()?.to_string(),
                status: r.replica_status().map(|s| s.as_str().to_string()),
                kms_key_arn: r.kms_master_key_id().map(str::to_string),
            })
        })
        .collect();
    t.deletion_protection = d.deletion_protection_enabled().unwrap_or_default();
}

/// Every tag of a table (ListTagsOfResource pages by token; it has no SDK paginator).
async fn table_tags(ctx: &SiteCtx, c: &Client, arn: &str) -> Result<Tags, CollectionError> {
    let mut tags = Tags::new();
    let mut token: Option<String> = None;
    loop {
        let request = c
            .list_tags_of_resource()
            .resource_arn(arn)
            .set_next_token(token.take());
        let out = ctx
            .call(request.send())
            .await
            .map_err(|e| ddb_error("ListTagsOfResource", &e, Some(arn)))?;
        for t in out.tags() {
            tags.insert(t.key().to_string(), t.value().to_string());
        }
        match out.next_token() {
            Some(next) if !next.is_empty() => token = Some(next.to_string()),
            _ => return Ok(tags),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn empty() -> Table {
        Table {
            arn: "arn:aws:dynamodb:us-east-1:111111111111:table/t".into(),
            id: "t".into(),
            name: "t".into(),
            tags: Tags::new(),
            region: "us-east-1".into(),
            account: "111111111111".into(),
            status: UNREAD.into(),
            key_schema: Vec::new(),
            global_secondary_indexes: Vec::new(),
            stream_view_type: None,
            sse_type: None,
            kms_key_arn: None,
            billing_mode: None,
            global_table_version: None,
            replicas: Vec::new(),
            point_in_time_recovery: None,
            deletion_protection: false,
        }
    }

    fn key(name: &str, kind: sdk::KeyType) -> sdk::KeySchemaElement {
        sdk::KeySchemaElement::builder()
            .attribute_name(name)
            .key_type(kind)
            .build()
            .unwrap()
    }

    #[test]
    fn a_global_table_description_is_normalized() {
        let d = sdk::TableDescription::builder()
            .table_arn("arn:aws:dynamodb:us-east-1:111111111111:table/t")
            .table_status(sdk::TableStatus::Active)
            .key_schema(key("pk", sdk::KeyType::Hash))
            .key_schema(key("sk", sdk::KeyType::Range))
            .global_secondary_indexes(
                sdk::GlobalSecondaryIndexDescription::builder()
                    .index_name("by-user")
                    .key_schema(key("user", sdk::KeyType::Hash))
                    .build(),
            )
            .stream_specification(
                sdk::StreamSpecification::builder()
                    .stream_enabled(true)
                    .stream_view_type(sdk::StreamViewType::NewAndOldImages)
                    .build()
                    .unwrap(),
            )
            .sse_description(
                sdk::SseDescription::builder()
                    .status(sdk::SseStatus::Enabled)
                    .sse_type(sdk::SseType::Kms)
                    .kms_master_key_arn("arn:aws:kms:us-east-1:111111111111:key/k")
                    .build(),
            )
            .billing_mode_summary(
                sdk::BillingModeSummary::builder()
                    .billing_mode(sdk::BillingMode::PayPerRequest)
                    .build(),
            )
            .global_table_version("2019.11.21")
            .replicas(
                sdk::ReplicaDescription::builder()
                    .region_name("us-west-2")
                    .replica_status(sdk::ReplicaStatus::Active)
                    .kms_master_key_id("arn:aws:kms:us-west-2:111111111111:key/k")
                    .build(),
            )
            .deletion_protection_enabled(true)
            .build();
        let mut t = empty();
        describe(&mut t, &d);
        assert_eq!(t.status, "ACTIVE");
        assert_eq!(t.key_schema.len(), 2);
        assert_eq!(t.key_schema[1].key_type, "RANGE");
        assert_eq!(t.global_secondary_indexes[0].name, "by-user");
        assert_eq!(t.stream_view_type.as_deref(), Some("NEW_AND_OLD_IMAGES"));
        assert_eq!(t.sse_type.as_deref(), Some("KMS"));
        assert_eq!(t.billing_mode.as_deref(), Some("PAY_PER_REQUEST"));
        assert_eq!(t.replicas[0].region, "us-west-2");
        assert_eq!(t.replicas[0].status.as_deref(), Some("ACTIVE"));
        assert!(t.deletion_protection);
    }

    #[test]
    fn disabled_streams_and_encryption_are_left_out() {
        let d = sdk::TableDescription::builder()
            .table_status(sdk::TableStatus::Updating)
            .stream_specification(
                sdk::StreamSpecification::builder()
                    .stream_enabled(false)
                    .build()
                    .unwrap(),
            )
            .sse_description(
                sdk::SseDescription::builder()
                    .status(sdk::SseStatus::Disabled)
                    .build(),
            )
            .build();
        let mut t = empty();
        describe(&mut t, &d);
        assert_eq!(t.status, "UPDATING");
        assert_eq!(t.stream_view_type, None);
        assert_eq!(t.sse_type, None);
        assert_eq!(t.kms_key_arn, None);
        // Kept as listed: the table's ARN is the one built from its name.
        assert!(t.arn.ends_with(":table/t"));
    }
}
