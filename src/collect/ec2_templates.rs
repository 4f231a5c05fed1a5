//! EC2 launch templates with their default and latest version data.
//!
//! One account-wide DescribeLaunchTemplateVersions (`$Latest` and `$Default`, no template id)
//! answers for every template at once; any template it leaves out (an emulator that truncates,
//! a template created meanwhile) is asked for on its own, within the shared concurrency limit.

use std::collections::HashMap;

use aws_sdk_ec2::Client;
use aws_sdk_ec2::types as sdk;

use super::client::{SiteCtx, for_each_page};
use super::ec2::{failed, tags};
use super::{Outcome, error};
use crate::snapshot::{BlockDevice, LaunchTemplate, LaunchTemplateData};
use crate::vocab::Service;

/// Largest page DescribeLaunchTemplates and DescribeLaunchTemplateVersions accept.
const PAGE: i32 = 200;
const API_VERSIONS: &str = "DescribeLaunchTemplateVersions";

/// Version data keyed by (template id, version number).
type Versions = HashMap<(String, i64), LaunchTemplateData>;

pub(crate) async fn collect(ctx: &SiteCtx, c: &Client) -> Outcome<Vec<LaunchTemplate>> {
    let mut listed: Vec<sdk::LaunchTemplate> = Vec::new();
    let paginator = c
        .describe_launch_templates()
        .max_results(PAGE)
        .into_paginator();
    let result = for_each_page!(ctx, paginator, |page| {
        listed.extend(page.launch_templates().iter().cloned());
    });
    let mut errors = failed(result, "DescribeLaunchTemplates");
    if listed.is_empty() {
        return (Vec::new(), errors);
    }

    // Every template's $Latest and $Default in one paginated call.
    let mut versions = Versions::new();
    let paginator = c
        .describe_launch_template_versions()
        .versions("$Latest")
        .versions("$Default")
        .max_results(PAGE)
        .into_paginator();
    let batch = for_each_page!(ctx, paginator, |page| {
        for v in page.launch_template_versions() {
            insert(&mut versions, v);
        }
    });
    if let Err(e) = &batch {
        // Not recorded: the per-template calls below either succeed or record their own error.
        tracing::debug!(code = ?error::code(e), "account-wide launch template versions failed");
    }

    // Templates the batch did not fully answer, one call each.
    let wanted = |t: &sdk::LaunchTemplate| -> Vec<i64> {
        let id = t.launch_template_id().unwrap_or_default().to_string();
        [t.default_version_number(), t.latest_version_number()]
            .into_iter()
            .flatten()
            .filter(|n| !versions.contains_key(&(id.clone(), *n)))
            .collect()
    };
    let missing: Vec<&str> = listed
        .iter()
        .filter(|t| !wanted(t).is_empty())
        .filter_map(|t| t.launch_template_id())
        .collect();
    if !missing.is_empty() {
        tracing::debug!(
            count = missing.len(),
            "reading launch template versions per template"
        );
    }
    let answers = futures::future::join_all(missing.iter().map(|id| async move {
        let call = c
            .describe_launch_template_versions()
            .launch_template_id(*id)
            .versions("$Latest")
            .versions("$Default")
            .send();
        (*id, ctx.call(call).await)
    }))
    .await;
    for (id, answer) in answers {
        match answer {
            Ok(out) => out
                .launch_template_versions()
                .iter()
                .for_each(|v| insert(&mut versions, v)),
            Err(e) => {
                let arn = ctx.arn("ec2", true, &format!("launch-template/{id}"));
                errors.push(error::from_sdk(Service::Ec2, API_VERSIONS, &e, Some(&arn)));
            }
        }
    }

    let templates = listed
        .iter()
        .filter_map(|t| {
            let id = t.launch_template_id()?.to_string();
            let version = |n: Option<i64>| n.and_then(|n| versions.get(&(id.clone(), n)).cloned());
            Some(LaunchTemplate {
                arn: ctx.arn("ec2", true, &format!("launch-template/{id}")),
                name: t.launch_template_name().unwrap_or_default().to_string(),
                tags: tags(t.tags()),
                region: ctx.region.clone(),
                account: ctx.account.clone(),
                default_version_number: t.default_version_number(),
                latest_version_number: t.latest_version_number(),
                default_version: version(t.default_version_number()),
                latest_version: version(t.latest_version_number()),
                id,
            })
        })
        .collect();
    (templates, errors)
}

fn insert(versions: &mut Versions, v: &sdk::LaunchTemplateVersion) {
    let (Some(id), Some(number)) = (v.launch_template_id(), v.version_number()) else {
        return;
    };
    versions.insert(
        (id.to_string(), number),
        data(number, v.launch_template_data()),
    );
}

fn data(version_number: i64, d: Option<&sdk::ResponseLaunchTemplateData>) -> LaunchTemplateData {
    let Some(d) = d else {
        return LaunchTemplateData {
            version_number,
            ..Default::default()
        };
    };
    let mut security_group_ids: Vec<String> = d.security_group_ids().to_vec();
    let mut subnet_ids = Vec::new();
    for ni in d.network_interfaces() {
        security_group_ids.extend(ni.groups().iter().cloned());
        subnet_ids.extend(ni.subnet_id().map(str::to_string));
    }
    security_group_ids.sort();
    security_group_ids.dedup();
    subnet_ids.sort();
    subnet_ids.dedup();
    LaunchTemplateData {
        version_number,
        image_id: d.image_id().map(str::to_string),
        instance_type: d.instance_type().map(|t| t.as_str().to_string()),
        instance_profile_arn: d
            .iam_instance_profile()
            .and_then(|p| p.arn())
            .map(str::to_string),
        instance_profile_name: d
            .iam_instance_profile()
            .and_then(|p| p.name())
            .map(str::to_string),
        security_group_ids,
        subnet_ids,
        key_name: d.key_name().map(str::to_string),
        block_devices: d
            .block_device_mappings()
            .iter()
            .filter_map(block_device)
            .collect(),
    }
}

/// An EBS mapping of a template version (instance-store and `NoDevice` mappings have no `Ebs`).
fn block_device(m: &sdk::LaunchTemplateBlockDeviceMapping) -> Option<BlockDevice> {
    let ebs = m.ebs()?;
    Some(BlockDevice {
        device_name: m.device_name().unwrap_or_default().to_string(),
        snapshot_id: ebs.snapshot_id().map(str::to_string),
        encrypted: ebs.encrypted(),
        kms_key_id: ebs.kms_key_id().map(str::to_string),
        volume_type: ebs.volume_type().map(|t| t.as_str().to_string()),
        volume_size_gib: ebs.volume_size().map(i64::from),
    })
}
