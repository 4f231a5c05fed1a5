//! Route 53 of one account: hosted zones, every record set of every zone, health checks, and
//! the tags of zones and health checks.

use std::collections::{BTreeMap, HashSet};

use aws_sdk_route53::Client;
use aws_sdk_route53::types::{self as sdk, RrType, TagResourceType};
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;

use super::client::{SiteCtx, for_each_page};
use super::{Outcome, error};
use crate::snapshot::{
    AliasTarget, CollectionError, HealthCheck, HostedZone, RecordSet, Route53Inventory, Tags,
};
use crate::vocab::Service;

/// Largest page of ListHostedZones.
const PAGE_ZONES: i32 = 100;
/// Largest page of ListResourceRecordSets.
const PAGE_RECORDS: i32 = 300;
/// Largest page of ListHealthChecks.
const PAGE_CHECKS: i32 = 1000;
/// Most resources ListTagsForResources takes at once.
const TAG_BATCH: usize = 10;

fn r53_error<E>(api: &str, e: &SdkError<E, HttpResponse>, resource: Option<&str>) -> CollectionError
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
{
    error::from_sdk(Service::Route53, api, e, resource)
}

pub(crate) async fn collect(ctx: &SiteCtx) -> Outcome<Route53Inventory> {
    let client = ctx.route53();
    let c = &client;
    let (zones, checks) = futures::join!(zones_and_records(ctx, c), health_checks(ctx, c));
    let ((hosted_zones, record_sets), mut errors) = zones;
    let (health_checks, check_errors) = checks;
    errors.extend(check_errors);
    let mut inventory = Route53Inventory {
        hosted_zones,
        record_sets,
        health_checks,
    };

    let zone_ids: Vec<String> = inventory
        .hosted_zones
        .iter()
        .map(|z| z.id.clone())
        .collect();
    let check_ids: Vec<String> = inventory
        .health_checks
        .iter()
        .map(|h| h.id.clone())
        .collect();
    let ((zone_tags, e1), (check_tags, e2)) = futures::join!(
        tags(ctx, c, TagResourceType::Hostedzone, "hostedzone", &zone_ids),
        tags(
            ctx,
            c,
            TagResourceType::Healthcheck,
            "healthcheck",
            &check_ids
        ),
    );
    errors.extend(e1.into_iter().chain(e2));
    for zone in &mut inventory.hosted_zones {
        zone.tags = zone_tags.get(&zone.id).cloned().unwrap_or_default();
    }
    for check in &mut inventory.health_checks {
        check.tags = check_tags.get(&check.id).cloned().unwrap_or_default();
        check.name = check.tags.get("Name").cloned().unwrap_or_default();
    }
    (inventory, errors)
}

async fn zones_and_records(
    ctx: &SiteCtx,
    c: &Client,
) -> Outcome<(Vec<HostedZone>, Vec<RecordSet>)> {
    let mut zones = Vec::new();
    let paginator = c.list_hosted_zones().max_items(PAGE_ZONES).into_paginator();
    let result = for_each_page!(ctx, paginator, |page| {
        for z in page.hosted_zones() {
            let id = z.id().trim_start_matches("/hostedzone/").to_string();
            zones.push(HostedZone {
                arn: format!("arn:{}:route53:::hostedzone/{id}", ctx.partition),
                id,
                name: z.name().to_string(),
                tags: Tags::new(),
                region: "global".to_string(),
                account: ctx.account.clone(),
                private_zone: z.config().is_some_and(|c| c.private_zone()),
                record_count: z.resource_record_set_count(),
            });
        }
    });
    let mut errors = Vec::new();
    if let Err(e) = result {
        errors.push(r53_error("ListHostedZones", &e, None));
    }

    let per_zone =
        futures::future::join_all(zones.iter().map(|z| records(ctx, c, &z.id, &z.arn))).await;
    let mut record_sets = Vec::new();
    for (records, err) in per_zone {
        record_sets.extend(records);
        errors.extend(err);
    }
    ((zones, record_sets), errors)
}

/// Every record set of one zone. ListResourceRecordSets has no SDK paginator: the next page
/// starts at the returned next name, type and set identifier. Records are de-duplicated by
/// (name, type, set identifier), since some implementations repeat records across pages.
async fn records(
    ctx: &SiteCtx,
    c: &Client,
    zone_id: &str,
    zone_arn: &str,
) -> (Vec<RecordSet>, Option<CollectionError>) {
    let mut out = Vec::new();
    let mut seen: HashSet<(String, String, Option<String>)> = HashSet::new();
    let mut start: Option<(String, RrType, Option<String>)> = None;
    loop {
        let mut request = c
            .list_resource_record_sets()
            .hosted_zone_id(zone_id)
            .max_items(PAGE_RECORDS);
        if let Some((name, kind, identifier)) = &start {
            request = request
                .start_record_name(name)
                .start_record_type(kind.clone())
                .set_start_record_identifier(identifier.clone());
        }
        let page = match ctx.call(request.send()).await {
            Ok(page) => page,
            Err(e) => {
                let err = r53_error("ListResourceRecordSets", &e, Some(zone_arn));
                return (out, Some(err));
            }
        };
        for rr in page.resource_record_sets() {
            let key = (
                rr.name().to_string(),
                rr.r#type().as_str().to_string(),
                rr.set_identifier().map(str::to_string),
            );
            if seen.insert(key) {
                out.push(record(ctx, zone_id, rr));
            }
        }
        let next = match (
            page.is_truncated(),
            page.next_record_name(),
            page.next_record_type(),
        ) {
            (true, Some(name), Some(kind)) => Some((
                name.to_string(),
                kind.clone(),
                page.next_record_identifier().map(str::to_string),
            )),
            _ => None,
        };
        if next.is_none() || next == start {
            return (out, None);
        }
        start = next;
    }
}

fn record(ctx: &SiteCtx, zone_id: &str, rr: &sdk::ResourceRecordSet) -> RecordSet {
    let kind = rr.r#type().as_str();
    let mut key = format!("{}/{kind}", rr.name());
    if let Some(identifier) = rr.set_identifier() {
        key.push('/');
        key.push_str(identifier);
    }
    RecordSet {
        arn: format!(
            "arn:{}:route53:::hostedzone/{zone_id}/recordset/{key}",
            ctx.partition
        ),
        id: key,
        name: rr.name().to_string(),
        tags: Tags::new(),
        region: "global".to_string(),
        account: ctx.account.clone(),
        zone_id: zone_id.to_string(),
        record_type: kind.to_string(),
        ttl: rr.ttl(),
        set_identifier: rr.set_identifier().map(str::to_string),
        failover: rr.failover().map(|f| f.as_str().to_string()),
        health_check_id: rr.health_check_id().map(str::to_string),
        alias_target: rr.alias_target().map(|a| AliasTarget {
            dns_name: a.dns_name().to_string(),
            hosted_zone_id: a.hosted_zone_id().to_string(),
            evaluate_target_health: a.evaluate_target_health(),
        }),
        values: rr
            .resource_records()
            .iter()
            .map(|r| r.value().to_string())
            .collect(),
        weight: rr.weight(),
        routing_region: rr.region().map(|r| r.as_str().to_string()),
    }
}

async fn health_checks(ctx: &SiteCtx, c: &Client) -> Outcome<Vec<HealthCheck>> {
    let mut out = Vec::new();
    let paginator = c
        .list_health_checks()
        .max_items(PAGE_CHECKS)
        .into_paginator();
    let result = for_each_page!(ctx, paginator, |page| {
        for h in page.health_checks() {
            let id = h.id().to_string();
            let config = h.health_check_config();
            out.push(HealthCheck {
                arn: format!("arn:{}:route53:::healthcheck/{id}", ctx.partition),
                id,
                name: String::new(),
                tags: Tags::new(),
                region: "global".to_string(),
                account: ctx.account.clone(),
                check_type: config
                    .map(|c| c.r#type().as_str().to_string())
                    .unwrap_or_default(),
                fqdn: config
                    .and_then(|c| c.fully_qualified_domain_name())
                    .map(str::to_string),
                ip_address: config.and_then(|c| c.ip_address()).map(str::to_string),
                port: config.and_then(|c| c.port()).map(i64::from),
                resource_path: config.and_then(|c| c.resource_path()).map(str::to_string),
                request_interval: config.and_then(|c| c.request_interval()).map(i64::from),
                failure_threshold: config.and_then(|c| c.failure_threshold()).map(i64::from),
                disabled: config.and_then(|c| c.disabled()).unwrap_or_default(),
                inverted: config.and_then(|c| c.inverted()).unwrap_or_default(),
                child_health_checks: config
                    .map(|c| c.child_health_checks().to_vec())
                    .unwrap_or_default(),
                health_threshold: config.and_then(|c| c.health_threshold()).map(i64::from),
                insufficient_data_health_status: config
                    .and_then(|c| c.insufficient_data_health_status())
                    .map(|s| s.as_str().to_string()),
                cloudwatch_alarm_name: config
                    .and_then(|c| c.alarm_identifier())
                    .map(|a| a.name().to_string()),
                cloudwatch_alarm_region: config
                    .and_then(|c| c.alarm_identifier())
                    .map(|a| a.region().as_str().to_string()),
            });
        }
    });
    let errors = match result {
        Ok(()) => Vec::new(),
        Err(e) => vec![r53_error("ListHealthChecks", &e, None)],
    };
    (out, errors)
}

/// Tags of zones or health checks, ten resources per call. A failed call is one error per
/// resource of its batch, each naming that zone or check (`arn:PARTITION:route53:::ARN_KIND/ID`):
/// only those resources' tags are unknown.
async fn tags(
    ctx: &SiteCtx,
    c: &Client,
    kind: TagResourceType,
    arn_kind: &str,
    ids: &[String],
) -> Outcome<BTreeMap<String, Tags>> {
    let kind = &kind;
    let answers = futures::future::join_all(ids.chunks(TAG_BATCH).map(|chunk| async move {
        let request = c
            .list_tags_for_resources()
            .resource_type(kind.clone())
            .set_resource_ids(Some(chunk.to_vec()));
        (chunk, ctx.call(request.send()).await)
    }))
    .await;
    let mut tags = BTreeMap::new();
    let mut errors = Vec::new();
    for (chunk, answer) in answers {
        match answer {
            Ok(out) => {
                for set in out.resource_tag_sets() {
                    let Some(id) = set.resource_id() else {
                        continue;
                    };
                    let map: Tags = set
                        .tags()
                        .iter()
                        .filter_map(|t| {
                            Some((
                                t.key()?.to_string(),
                                t.value().unwrap_or_default().to_string(),
                            ))
                        })
                        .collect();
                    tags.insert(id.to_string(), map);
                }
            }
            Err(e) => errors.extend(chunk.iter().map(|id| {
                let arn = format!("arn:{}:route53:::{arn_kind}/{id}", ctx.partition);
                r53_error("ListTagsForResources", &e, Some(&arn))
            })),
        }
    }
    (tags, errors)
}
