//! EC2 Auto Scaling: the site's Auto Scaling groups, with their tags (DescribeAutoScalingGroups
//! returns them inline), the launch template each launches from and the version it names,
//! subnets, sizes and suspended processes. One paginated listing; no per-group call.

use aws_sdk_autoscaling::types as sdk;

use super::client::{SiteCtx, for_each_page};
use super::{Outcome, error};
use crate::snapshot::{AutoScalingGroup, AutoscalingInventory, LaunchTemplateRef, Tags};
use crate::vocab::Service;

/// Largest page DescribeAutoScalingGroups accepts (`MaxRecords`).
const PAGE: i32 = 100;

pub(super) async fn collect(ctx: &SiteCtx) -> Outcome<AutoscalingInventory> {
    let client = ctx.autoscaling();
    let mut groups = Vec::new();
    let paginator = client
        .describe_auto_scaling_groups()
        .max_records(PAGE)
        .into_paginator();
    let result = for_each_page!(ctx, paginator, |page| {
        groups.extend(
            page.auto_scaling_groups()
                .iter()
                .filter_map(|g| group(ctx, g)),
        );
    });
    let errors = match result {
        Ok(()) => Vec::new(),
        Err(e) => vec![error::from_sdk(
            Service::Autoscaling,
            "DescribeAutoScalingGroups",
            &e,
            None,
        )],
    };
    (AutoscalingInventory { groups }, errors)
}

fn owned(s: Option<&str>) -> Option<String> {
    s.filter(|v| !v.is_empty()).map(str::to_string)
}

fn template_ref(spec: &sdk::LaunchTemplateSpecification) -> LaunchTemplateRef {
    LaunchTemplateRef {
        id: owned(spec.launch_template_id()),
        name: owned(spec.launch_template_name()),
        version: owned(spec.version()),
    }
}

fn group(ctx: &SiteCtx, g: &sdk::AutoScalingGroup) -> Option<AutoScalingGroup> {
    let name = g.auto_scaling_group_name()?.to_string();
    let tags: Tags = g
        .tags()
        .iter()
        .filter_map(|t| {
            Some((
                t.key()?.to_string(),
                t.value().unwrap_or_default().to_string(),
            ))
        })
        .collect();
    let policy = g.mixed_instances_policy();
    let policy_template = policy.and_then(|p| p.launch_template());
    // A group launches from `LaunchTemplate`, or from its mixed instances policy's template.
    let launch_template = g.launch_template().map(template_ref).or_else(|| {
        policy_template
            .and_then(|t| t.launch_template_specification())
            .map(template_ref)
    });
    let instance_type_overrides = policy_template
        .map(|t| {
            t.overrides()
                .iter()
                .filter_map(|o| owned(o.instance_type()))
                .collect()
        })
        .unwrap_or_default();
    let distribution = policy.and_then(|p| p.instances_distribution());
    // AWS's defaults for a mixed instances policy without a distribution: all On-Demand.
    let on_demand_base_capacity = policy.map(|_| {
        distribution
            .and_then(|d| d.on_demand_base_capacity())
            .unwrap_or(0)
            .into()
    });
    let on_demand_percentage_above_base = policy.map(|_| {
        distribution
            .and_then(|d| d.on_demand_percentage_above_base_capacity())
            .unwrap_or(100)
            .into()
    });
    let arn = g
        .auto_scaling_group_arn()
        .map(str::to_string)
        .unwrap_or_else(|| {
            ctx.arn(
                "autoscaling",
                true,
                &format!("autoScalingGroup:*:autoScalingGroupName/{name}"),
            )
        });
    Some(AutoScalingGroup {
        arn,
        id: name.clone(),
        name,
        tags,
        region: ctx.region.clone(),
        account: ctx.account.clone(),
        launch_template,
        launch_configuration_name: owned(g.launch_configuration_name()),
        instance_type_overrides,
        on_demand_base_capacity,
        on_demand_percentage_above_base,
        min_size: g.min_size().unwrap_or_default().into(),
        max_size: g.max_size().unwrap_or_default().into(),
        desired_capacity: g.desired_capacity().unwrap_or_default().into(),
        availability_zones: g.availability_zones().to_vec(),
        subnet_ids: g
            .vpc_zone_identifier()
            .unwrap_or_default()
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_string)
            .collect(),
        target_group_arns: g.target_group_arns().to_vec(),
        load_balancer_names: g.load_balancer_names().to_vec(),
        suspended_processes: g
            .suspended_processes()
            .iter()
            .filter_map(|p| owned(p.process_name()))
            .collect(),
        health_check_type: owned(g.health_check_type()),
        status: owned(g.status()),
        instance_ids: g
            .instances()
            .iter()
            .filter_map(|i| owned(i.instance_id()))
            .collect(),
    })
}
