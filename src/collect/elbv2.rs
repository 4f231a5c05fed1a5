//! Elastic Load Balancing v2 of one site: Application, Network and Gateway Load Balancers with
//! their listeners (and each HTTPS/TLS listener's certificates), target groups, and the tags of
//! both.
//!
//! Calls: DescribeLoadBalancers and DescribeTargetGroups (paginated, 400 a page, concurrently);
//! then per load balancer DescribeListeners (paginated) and, per HTTPS or TLS listener,
//! DescribeListenerCertificates (paginated: the listener's extra SNI certificates; DescribeListeners
//! gives only the default one); then DescribeTags, 20 ARNs a call. A failed listing is an error of
//! the whole service; a failed DescribeListeners or DescribeListenerCertificates is an error of
//! that load balancer (its ARN is the error's resource) and a failed DescribeTags one of each ARN
//! of the batch: only those resources become unknown to the rules.

use std::collections::HashMap;

use aws_sdk_elasticloadbalancingv2::Client;
use aws_sdk_elasticloadbalancingv2::types as sdk;
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;

use super::client::{SiteCtx, for_each_page};
use super::{Outcome, error};
use crate::snapshot::{CollectionError, Elbv2Inventory, Listener, LoadBalancer, Tags, TargetGroup};
use crate::vocab::Service;

/// Largest page of DescribeLoadBalancers, DescribeTargetGroups, DescribeListeners and
/// DescribeListenerCertificates.
const PAGE: i32 = 400;
/// Most resources DescribeTags takes at once.
const TAG_BATCH: usize = 20;

fn elb_error<E>(api: &str, e: &SdkError<E, HttpResponse>, resource: Option<&str>) -> CollectionError
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
{
    error::from_sdk(Service::Elbv2, api, e, resource)
}

pub(super) async fn collect(ctx: &SiteCtx) -> Outcome<Elbv2Inventory> {
    let client = ctx.elbv2();
    let c = &client;
    let ((mut load_balancers, mut errors), (mut target_groups, tg_errors)) =
        futures::join!(load_balancers(ctx, c), target_groups(ctx, c));
    errors.extend(tg_errors);

    let listeners =
        futures::future::join_all(load_balancers.iter().map(|lb| listeners(ctx, c, &lb.arn))).await;
    for (lb, (found, errs)) in load_balancers.iter_mut().zip(listeners) {
        lb.listeners = found;
        errors.extend(errs);
    }

    let arns: Vec<String> = load_balancers
        .iter()
        .map(|lb| lb.arn.clone())
        .chain(target_groups.iter().map(|tg| tg.arn.clone()))
        .collect();
    let (mut tags, tag_errors) = tags(ctx, c, &arns).await;
    errors.extend(tag_errors);
    for lb in &mut load_balancers {
        lb.tags = tags.remove(&lb.arn).unwrap_or_default();
    }
    for tg in &mut target_groups {
        tg.tags = tags.remove(&tg.arn).unwrap_or_default();
    }
    (
        Elbv2Inventory {
            load_balancers,
            target_groups,
        },
        errors,
    )
}

async fn load_balancers(ctx: &SiteCtx, c: &Client) -> Outcome<Vec<LoadBalancer>> {
    let mut out = Vec::new();
    let paginator = c.describe_load_balancers().page_size(PAGE).into_paginator();
    let result = for_each_page!(ctx, paginator, |page| {
        out.extend(
            page.load_balancers()
                .iter()
                .filter_map(|lb| load_balancer(ctx, lb)),
        );
    });
    let errors = match result {
        Ok(()) => Vec::new(),
        Err(e) => vec![elb_error("DescribeLoadBalancers", &e, None)],
    };
    (out, errors)
}

fn load_balancer(ctx: &SiteCtx, lb: &sdk::LoadBalancer) -> Option<LoadBalancer> {
    let arn = lb.load_balancer_arn()?.to_string();
    let name = lb.load_balancer_name().unwrap_or_default().to_string();
    let zones = lb.availability_zones();
    Some(LoadBalancer {
        arn,
        id: name.clone(),
        name,
        tags: Tags::new(),
        region: ctx.region.clone(),
        account: ctx.account.clone(),
        lb_type: lb
            .r#type()
            .map(|t| t.as_str().to_string())
            .unwrap_or_default(),
        scheme: lb
            .scheme()
            .map(|s| s.as_str().to_string())
            .unwrap_or_default(),
        state: lb
            .state()
            .and_then(|s| s.code())
            .map(|c| c.as_str().to_string())
            .unwrap_or_default(),
        dns_name: lb.dns_name().unwrap_or_default().to_string(),
        canonical_hosted_zone_id: lb.canonical_hosted_zone_id().map(str::to_string),
        vpc_id: lb.vpc_id().map(str::to_string),
        availability_zones: zones
            .iter()
            .filter_map(|z| z.zone_name().map(str::to_string))
            .collect(),
        subnet_ids: zones
            .iter()
            .filter_map(|z| z.subnet_id().map(str::to_string))
            .collect(),
        security_group_ids: lb.security_groups().to_vec(),
        listeners: Vec::new(),
    })
}

async fn target_groups(ctx: &SiteCtx, c: &Client) -> Outcome<Vec<TargetGroup>> {
    let mut out = Vec::new();
    let paginator = c.describe_target_groups().page_size(PAGE).into_paginator();
    let result = for_each_page!(ctx, paginator, |page| {
        out.extend(
            page.target_groups()
                .iter()
                .filter_map(|tg| target_group(ctx, tg)),
        );
    });
    let errors = match result {
        Ok(()) => Vec::new(),
        Err(e) => vec![elb_error("DescribeTargetGroups", &e, None)],
    };
    (out, errors)
}

fn target_group(ctx: &SiteCtx, tg: &sdk::TargetGroup) -> Option<TargetGroup> {
    let arn = tg.target_group_arn()?.to_string();
    let name = tg.target_group_name().unwrap_or_default().to_string();
    Some(TargetGroup {
        arn,
        id: name.clone(),
        name,
        tags: Tags::new(),
        region: ctx.region.clone(),
        account: ctx.account.clone(),
        protocol: tg.protocol().map(|p| p.as_str().to_string()),
        port: tg.port().map(i64::from),
        target_type: tg.target_type().map(|t| t.as_str().to_string()),
        vpc_id: tg.vpc_id().map(str::to_string),
        load_balancer_arns: tg.load_balancer_arns().to_vec(),
        health_check_path: tg.health_check_path().map(str::to_string),
    })
}

/// Whether a listener protocol terminates TLS with certificates.
fn uses_certificates(protocol: &str) -> bool {
    matches!(protocol, "HTTPS" | "TLS")
}

/// The listeners of one load balancer, each HTTPS/TLS listener with its extra certificates.
/// Errors name the load balancer: its listeners are what the rules judge.
async fn listeners(ctx: &SiteCtx, c: &Client, lb_arn: &str) -> Outcome<Vec<Listener>> {
    let mut out = Vec::new();
    let paginator = c
        .describe_listeners()
        .load_balancer_arn(lb_arn)
        .page_size(PAGE)
        .into_paginator();
    let result = for_each_page!(ctx, paginator, |page| {
        out.extend(page.listeners().iter().filter_map(listener));
    });
    if let Err(e) = result {
        return (
            Vec::new(),
            vec![elb_error("DescribeListeners", &e, Some(lb_arn))],
        );
    }
    let extras = futures::future::join_all(
        out.iter()
            .filter(|l| uses_certificates(&l.protocol))
            .map(|l| listener_certificates(ctx, c, &l.arn, lb_arn)),
    )
    .await;
    let mut errors = Vec::new();
    let mut extras: HashMap<String, Vec<String>> = extras
        .into_iter()
        .filter_map(|(listener, found)| match found {
            Ok(arns) => Some((listener, arns)),
            Err(e) => {
                errors.push(e);
                None
            }
        })
        .collect();
    for l in &mut out {
        for arn in extras.remove(&l.arn).unwrap_or_default() {
            if !l.certificate_arns.contains(&arn) {
                l.certificate_arns.push(arn);
            }
        }
    }
    (out, errors)
}

fn listener(l: &sdk::Listener) -> Option<Listener> {
    let arn = l.listener_arn()?.to_string();
    let mut target_groups: Vec<String> = Vec::new();
    for action in l.default_actions() {
        if action.r#type() != Some(&sdk::ActionTypeEnum::Forward) {
            continue;
        }
        let forwarded = action.target_group_arn().into_iter().chain(
            action
                .forward_config()
                .map(|f| f.target_groups())
                .unwrap_or_default()
                .iter()
                .filter_map(|t| t.target_group_arn()),
        );
        for tg in forwarded {
            if !target_groups.iter().any(|x| x == tg) {
                target_groups.push(tg.to_string());
            }
        }
    }
    Some(Listener {
        arn,
        port: l.port().map(i64::from).unwrap_or_default(),
        protocol: l
            .protocol()
            .map(|p| p.as_str().to_string())
            .unwrap_or_default(),
        // DescribeListeners lists only the default certificate.
        certificate_arns: l
            .certificates()
            .iter()
            .filter_map(|c| c.certificate_arn().map(str::to_string))
            .collect(),
        ssl_policy: l.ssl_policy().map(str::to_string),
        default_target_group_arns: target_groups,
    })
}

/// The certificates of an HTTPS/TLS listener's certificate list (the default one is marked
/// `IsDefault` and is already known from DescribeListeners).
async fn listener_certificates(
    ctx: &SiteCtx,
    c: &Client,
    listener_arn: &str,
    lb_arn: &str,
) -> (String, Result<Vec<String>, CollectionError>) {
    let mut out = Vec::new();
    let paginator = c
        .describe_listener_certificates()
        .listener_arn(listener_arn)
        .page_size(PAGE)
        .into_paginator();
    let result = for_each_page!(ctx, paginator, |page| {
        for cert in page.certificates() {
            if cert.is_default() == Some(true) {
                continue;
            }
            if let Some(arn) = cert.certificate_arn() {
                out.push(arn.to_string());
            }
        }
    });
    let found = match result {
        Ok(()) => Ok(out),
        Err(e) => Err(elb_error("DescribeListenerCertificates", &e, Some(lb_arn))),
    };
    (listener_arn.to_string(), found)
}

/// Tags of load balancers and target groups, [`TAG_BATCH`] ARNs a call.
async fn tags(
    ctx: &SiteCtx,
    c: &Client,
    arns: &[String],
) -> (HashMap<String, Tags>, Vec<CollectionError>) {
    let batches = futures::future::join_all(arns.chunks(TAG_BATCH).map(|batch| async move {
        let answer = ctx
            .call(
                c.describe_tags()
                    .set_resource_arns(Some(batch.to_vec()))
                    .send(),
            )
            .await;
        (batch, answer)
    }))
    .await;
    let mut out = HashMap::new();
    let mut errors = Vec::new();
    for (batch, answer) in batches {
        match answer {
            Ok(page) => {
                for d in page.tag_descriptions() {
                    let Some(arn) = d.resource_arn() else {
                        continue;
                    };
                    let tags: Tags = d
                        .tags()
                        .iter()
                        .filter_map(|t| {
                            Some((
                                t.key()?.to_string(),
                                t.value().unwrap_or_default().to_string(),
                            ))
                        })
                        .collect();
                    out.insert(arn.to_string(), tags);
                }
            }
            Err(e) => {
                errors.extend(
                    batch
                        .iter()
                        .map(|arn| elb_error("DescribeTags", &e, Some(arn))),
                );
            }
        }
    }
    (out, errors)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_listener_keeps_its_default_certificate_and_forward_targets() {
        let l = sdk::Listener::builder()
            .listener_arn("arn:l")
            .port(443)
            .protocol(sdk::ProtocolEnum::Https)
            .certificates(sdk::Certificate::builder().certificate_arn("arn:c").build())
            .default_actions(
                sdk::Action::builder()
                    .r#type(sdk::ActionTypeEnum::Forward)
                    .target_group_arn("arn:tg1")
                    .forward_config(
                        sdk::ForwardActionConfig::builder()
                            .target_groups(
                                sdk::TargetGroupTuple::builder()
                                    .target_group_arn("arn:tg1")
                                    .build(),
                            )
                            .target_groups(
                                sdk::TargetGroupTuple::builder()
                                    .target_group_arn("arn:tg2")
                                    .build(),
                            )
                            .build(),
                    )
                    .build(),
            )
            .default_actions(
                sdk::Action::builder()
                    .r#type(sdk::ActionTypeEnum::Redirect)
                    .build(),
            )
            .build();
        let got = listener(&l).unwrap();
        assert_eq!(got.port, 443);
        assert_eq!(got.protocol, "HTTPS");
        assert_eq!(got.certificate_arns, vec!["arn:c"]);
        assert_eq!(got.default_target_group_arns, vec!["arn:tg1", "arn:tg2"]);
        assert!(uses_certificates(&got.protocol));
        assert!(!uses_certificates("HTTP"));
    }
}
