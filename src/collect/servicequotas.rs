//! Service Quotas: the site's quota of running On-Demand standard instances (`ec2/L-1216C47A`,
//! vCPUs), and the vCPUs of the instance types the sites use (EC2 DescribeInstanceTypes).
//!
//! The quota is always kept as a resource: when GetServiceQuota fails (denied, throttled, or
//! `NoSuchResourceException` when AWS has no applied value for the quota) it has no `value` and
//! a collection error names its ARN, so the rules that read it see it as unknown, never as a
//! quota of zero. A failed DescribeInstanceTypes is recorded on the quota too (the vCPUs are what
//! the quota is compared with). Types are looked up with an `instance-type` filter rather than
//! the `InstanceTypes` parameter: a type the region does not offer is simply absent from the
//! answer instead of failing the whole call.

use std::collections::{BTreeMap, BTreeSet};

use aws_sdk_ec2::types::Filter;

use super::client::{SiteCtx, for_each_page};
use super::{Outcome, error};
use crate::snapshot::{CollectionError, ServiceQuota, ServiceQuotasInventory};
use crate::vocab::Service;

/// The quotas read: (service code, quota code).
pub(crate) const EC2_STANDARD_VCPUS: (&str, &str) = ("ec2", "L-1216C47A");
/// Values per `instance-type` filter, and the largest DescribeInstanceTypes page.
const TYPES_PER_CALL: usize = 100;
const PAGE_TYPES: i32 = 100;

/// `instance_types`: the instance types whose vCPUs the rules need (see [`instance_types`]).
pub(super) async fn collect(
    ctx: &SiteCtx,
    instance_types: &BTreeSet<String>,
) -> Outcome<ServiceQuotasInventory> {
    let (service_code, quota_code) = EC2_STANDARD_VCPUS;
    let arn = ctx.arn(
        "servicequotas",
        true,
        &format!("{service_code}/{quota_code}"),
    );
    let (quota, vcpus) = futures::join!(
        quota(ctx, &arn, service_code, quota_code),
        vcpus(ctx, &arn, instance_types)
    );
    let (quota, mut errors) = quota;
    let (instance_type_vcpus, errs) = vcpus;
    errors.extend(errs);
    (
        ServiceQuotasInventory {
            quotas: vec![quota],
            instance_type_vcpus,
        },
        errors,
    )
}

async fn quota(
    ctx: &SiteCtx,
    arn: &str,
    service_code: &str,
    quota_code: &str,
) -> Outcome<ServiceQuota> {
    let client = ctx.servicequotas();
    let answer = ctx
        .call(
            client
                .get_service_quota()
                .service_code(service_code)
                .quota_code(quota_code)
                .send(),
        )
        .await;
    let mut quota = ServiceQuota {
        arn: arn.to_string(),
        id: format!("{service_code}/{quota_code}"),
        name: String::new(),
        tags: Default::default(),
        region: ctx.region.clone(),
        account: ctx.account.clone(),
        service_code: service_code.to_string(),
        quota_code: quota_code.to_string(),
        value: None,
        unit: None,
        adjustable: false,
    };
    match answer {
        Ok(out) => {
            if let Some(q) = out.quota() {
                quota.name = q.quota_name().unwrap_or_default().to_string();
                quota.value = q.value();
                quota.unit = q.unit().map(str::to_string);
                quota.adjustable = q.adjustable();
            }
            let mut errors = Vec::new();
            if quota.value.is_none() {
                // An answer without a value: the quota is unknown, as when the call fails.
                errors.push(CollectionError {
                    service: Service::ServiceQuotas,
                    api: "GetServiceQuota".into(),
                    code: "NoValue".into(),
                    message: format!(
                        "GetServiceQuota answered without a value for {service_code}/{quota_code} \
                         in {}",
                        ctx.region
                    ),
                    resource: Some(arn.to_string()),
                });
            }
            (quota, errors)
        }
        Err(e) => {
            let mut err = error::from_sdk(Service::ServiceQuotas, "GetServiceQuota", &e, Some(arn));
            if error::code(&e) == Some("NoSuchResourceException") {
                err.message = error::sanitize(&format!(
                    "AWS has no applied value of quota {service_code}/{quota_code} in {} \
                     (GetServiceQuota answered NoSuchResourceException), so the quota is unknown; \
                     read it in the Service Quotas console; AWS said: {}",
                    ctx.region, err.message
                ));
            }
            (quota, vec![err])
        }
    }
}

/// vCPUs per instance type, `DefaultVCpus` of DescribeInstanceTypes.
async fn vcpus(
    ctx: &SiteCtx,
    quota_arn: &str,
    instance_types: &BTreeSet<String>,
) -> Outcome<BTreeMap<String, i64>> {
    let client = ctx.ec2();
    let c = &client;
    let wanted: Vec<&String> = instance_types.iter().filter(|t| !t.is_empty()).collect();
    let answers =
        futures::future::join_all(wanted.chunks(TYPES_PER_CALL).map(|chunk| async move {
            let filter = Filter::builder()
                .name("instance-type")
                .set_values(Some(chunk.iter().map(|t| t.to_string()).collect()))
                .build();
            let paginator = c
                .describe_instance_types()
                .filters(filter)
                .max_results(PAGE_TYPES)
                .into_paginator();
            let mut found = Vec::new();
            let result = for_each_page!(ctx, paginator, |page| {
                for info in page.instance_types() {
                    if let (Some(t), Some(v)) = (
                        info.instance_type(),
                        info.v_cpu_info().and_then(|v| v.default_v_cpus()),
                    ) {
                        found.push((t.as_str().to_string(), i64::from(v)));
                    }
                }
            });
            (found, result)
        }))
        .await;
    let mut out = BTreeMap::new();
    let mut errors: Vec<CollectionError> = Vec::new();
    for (found, result) in answers {
        out.extend(found);
        if let Err(e) = result {
            // The vCPUs are read for the quota's sake: the quota is what becomes unknown. The
            // message names EC2's action.
            let (code, message) = error::classify_call("ec2", "DescribeInstanceTypes", &e);
            if errors.is_empty() {
                errors.push(CollectionError {
                    service: Service::ServiceQuotas,
                    api: "DescribeInstanceTypes".into(),
                    code,
                    message,
                    resource: Some(quota_arn.to_string()),
                });
            }
        }
    }
    (out, errors)
}

/// The instance types a site's launch templates (both versions), instances and Auto Scaling
/// groups (overrides) use.
pub(super) fn instance_types(
    ec2: Option<&crate::snapshot::Ec2Inventory>,
    groups: Option<&crate::snapshot::AutoscalingInventory>,
) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    if let Some(ec2) = ec2 {
        out.extend(ec2.instances.iter().map(|i| i.instance_type.clone()));
        for t in &ec2.launch_templates {
            for v in [&t.default_version, &t.latest_version]
                .into_iter()
                .flatten()
            {
                out.extend(v.instance_type.clone());
            }
        }
    }
    if let Some(groups) = groups {
        for g in &groups.groups {
            out.extend(g.instance_type_overrides.iter().cloned());
        }
    }
    out
}
