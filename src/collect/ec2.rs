//! EC2 of one site: instances, AMIs and EBS snapshots owned by the account, volumes, VPCs,
//! subnets and security groups. Launch templates live in `ec2_templates.rs`.

use aws_sdk_ec2::Client;
use aws_sdk_ec2::types as sdk;
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;

use super::client::{SiteCtx, for_each_page};
use super::{Outcome, ec2_templates, error, smithy_time};
use crate::snapshot::{
    CollectionError, EbsSnapshot, Ec2Inventory, Image, IngressRule, Instance, SecurityGroup,
    Subnet, Tags, Volume, Vpc,
};
use crate::vocab::Service;

/// Largest page DescribeInstances, DescribeImages, DescribeSnapshots, DescribeVpcs,
/// DescribeSubnets and DescribeSecurityGroups accept.
const PAGE_1000: i32 = 1000;
/// Largest page DescribeVolumes accepts.
const PAGE_VOLUMES: i32 = 500;

/// Reads the EC2 inventory of a site; every listing runs concurrently.
pub(crate) async fn collect(ctx: &SiteCtx) -> Outcome<Ec2Inventory> {
    let client = ctx.ec2();
    let c = &client;
    let (instances, images, launch_templates, volumes, snapshots, vpcs, subnets, groups) = futures::join!(
        instances(ctx, c),
        images(ctx, c),
        ec2_templates::collect(ctx, c),
        volumes(ctx, c),
        snapshots(ctx, c),
        vpcs(ctx, c),
        subnets(ctx, c),
        security_groups(ctx, c),
    );
    let mut errors = Vec::new();
    fn take<T>(errors: &mut Vec<CollectionError>, (items, errs): Outcome<Vec<T>>) -> Vec<T> {
        errors.extend(errs);
        items
    }
    let inventory = Ec2Inventory {
        instances: take(&mut errors, instances),
        images: take(&mut errors, images),
        launch_templates: take(&mut errors, launch_templates),
        volumes: take(&mut errors, volumes),
        snapshots: take(&mut errors, snapshots),
        vpcs: take(&mut errors, vpcs),
        subnets: take(&mut errors, subnets),
        security_groups: take(&mut errors, groups),
    };
    (inventory, errors)
}

/// The error of a listing that stopped early, if it did.
pub(crate) fn failed<E>(
    result: Result<(), SdkError<E, HttpResponse>>,
    api: &str,
) -> Vec<CollectionError>
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
{
    match result {
        Ok(()) => Vec::new(),
        Err(e) => vec![error::from_sdk(Service::Ec2, api, &e, None)],
    }
}

pub(crate) fn tags(tags: &[sdk::Tag]) -> Tags {
    tags.iter()
        .filter_map(|t| {
            Some((
                t.key()?.to_string(),
                t.value().unwrap_or_default().to_string(),
            ))
        })
        .collect()
}

fn name_tag(tags: &Tags) -> String {
    tags.get("Name").cloned().unwrap_or_default()
}

fn owned(s: Option<&str>) -> Option<String> {
    s.map(str::to_string)
}

async fn instances(ctx: &SiteCtx, c: &Client) -> Outcome<Vec<Instance>> {
    let mut out = Vec::new();
    let paginator = c
        .describe_instances()
        .max_results(PAGE_1000)
        .into_paginator();
    let result = for_each_page!(ctx, paginator, |page| {
        for reservation in page.reservations() {
            out.extend(
                reservation
                    .instances()
                    .iter()
                    .filter_map(|i| instance(ctx, i)),
            );
        }
    });
    (out, failed(result, "DescribeInstances"))
}

fn instance(ctx: &SiteCtx, i: &sdk::Instance) -> Option<Instance> {
    let id = i.instance_id()?.to_string();
    let tags = tags(i.tags());
    Some(Instance {
        arn: ctx.arn("ec2", true, &format!("instance/{id}")),
        name: name_tag(&tags),
        region: ctx.region.clone(),
        account: ctx.account.clone(),
        instance_type: i
            .instance_type()
            .map(|t| t.as_str().to_string())
            .unwrap_or_default(),
        state: i
            .state()
            .and_then(|s| s.name())
            .map(|s| s.as_str().to_string())
            .unwrap_or_default(),
        image_id: owned(i.image_id()),
        vpc_id: owned(i.vpc_id()),
        subnet_id: owned(i.subnet_id()),
        availability_zone: owned(i.placement().and_then(|p| p.availability_zone())),
        instance_profile_arn: owned(i.iam_instance_profile().and_then(|p| p.arn())),
        security_group_ids: i
            .security_groups()
            .iter()
            .filter_map(|g| g.group_id().map(str::to_string))
            .collect(),
        launch_template_id: tags.get("aws:ec2launchtemplate:id").cloned(),
        launch_template_version: tags.get("aws:ec2launchtemplate:version").cloned(),
        id,
        tags,
    })
}

async fn images(ctx: &SiteCtx, c: &Client) -> Outcome<Vec<Image>> {
    let mut out = Vec::new();
    let paginator = c
        .describe_images()
        .owners("self")
        .max_results(PAGE_1000)
        .into_paginator();
    let result = for_each_page!(ctx, paginator, |page| {
        out.extend(page.images().iter().filter_map(|i| image(ctx, i)));
    });
    (out, failed(result, "DescribeImages"))
}

fn image(ctx: &SiteCtx, i: &sdk::Image) -> Option<Image> {
    let id = i.image_id()?.to_string();
    Some(Image {
        arn: ctx.arn("ec2", false, &format!("image/{id}")),
        name: i.name().unwrap_or_default().to_string(),
        tags: tags(i.tags()),
        region: ctx.region.clone(),
        account: ctx.account.clone(),
        creation_date: i.creation_date().and_then(super::parse_time),
        state: i
            .state()
            .map(|s| s.as_str().to_string())
            .unwrap_or_default(),
        deprecation_time: i.deprecation_time().and_then(super::parse_time),
        architecture: i.architecture().map(|a| a.as_str().to_string()),
        block_device_snapshot_ids: i
            .block_device_mappings()
            .iter()
            .filter_map(|m| m.ebs().and_then(|e| e.snapshot_id()).map(str::to_string))
            .collect(),
        source_image_id: owned(i.source_image_id()),
        source_image_region: owned(i.source_image_region()),
        id,
    })
}

async fn volumes(ctx: &SiteCtx, c: &Client) -> Outcome<Vec<Volume>> {
    let mut out = Vec::new();
    let paginator = c
        .describe_volumes()
        .max_results(PAGE_VOLUMES)
        .into_paginator();
    let result = for_each_page!(ctx, paginator, |page| {
        out.extend(page.volumes().iter().filter_map(|v| volume(ctx, v)));
    });
    (out, failed(result, "DescribeVolumes"))
}

fn volume(ctx: &SiteCtx, v: &sdk::Volume) -> Option<Volume> {
    let id = v.volume_id()?.to_string();
    let tags = tags(v.tags());
    Some(Volume {
        arn: ctx.arn("ec2", true, &format!("volume/{id}")),
        name: name_tag(&tags),
        region: ctx.region.clone(),
        account: ctx.account.clone(),
        size_gib: v.size().map(i64::from).unwrap_or_default(),
        volume_type: v.volume_type().map(|t| t.as_str().to_string()),
        availability_zone: owned(v.availability_zone()),
        state: v
            .state()
            .map(|s| s.as_str().to_string())
            .unwrap_or_default(),
        encrypted: v.encrypted().unwrap_or_default(),
        kms_key_id: owned(v.kms_key_id()),
        attached_instance_ids: v
            .attachments()
            .iter()
            .filter_map(|a| a.instance_id().map(str::to_string))
            .collect(),
        id,
        tags,
    })
}

async fn snapshots(ctx: &SiteCtx, c: &Client) -> Outcome<Vec<EbsSnapshot>> {
    let mut out = Vec::new();
    let paginator = c
        .describe_snapshots()
        .owner_ids("self")
        .max_results(PAGE_1000)
        .into_paginator();
    let result = for_each_page!(ctx, paginator, |page| {
        out.extend(page.snapshots().iter().filter_map(|s| snapshot(ctx, s)));
    });
    (out, failed(result, "DescribeSnapshots"))
}

fn snapshot(ctx: &SiteCtx, s: &sdk::Snapshot) -> Option<EbsSnapshot> {
    let id = s.snapshot_id()?.to_string();
    let tags = tags(s.tags());
    Some(EbsSnapshot {
        arn: ctx.arn("ec2", false, &format!("snapshot/{id}")),
        name: name_tag(&tags),
        region: ctx.region.clone(),
        account: ctx.account.clone(),
        volume_id: owned(s.volume_id()),
        start_time: s.start_time().and_then(smithy_time),
        state: s
            .state()
            .map(|s| s.as_str().to_string())
            .unwrap_or_default(),
        description: s.description().unwrap_or_default().to_string(),
        encrypted: s.encrypted().unwrap_or_default(),
        kms_key_id: owned(s.kms_key_id()),
        volume_size_gib: s.volume_size().map(i64::from),
        id,
        tags,
    })
}

async fn vpcs(ctx: &SiteCtx, c: &Client) -> Outcome<Vec<Vpc>> {
    let mut out = Vec::new();
    let paginator = c.describe_vpcs().max_results(PAGE_1000).into_paginator();
    let result = for_each_page!(ctx, paginator, |page| {
        for v in page.vpcs() {
            let Some(id) = v.vpc_id() else { continue };
            let tags = tags(v.tags());
            out.push(Vpc {
                arn: ctx.arn("ec2", true, &format!("vpc/{id}")),
                id: id.to_string(),
                name: name_tag(&tags),
                tags,
                region: ctx.region.clone(),
                account: ctx.account.clone(),
                cidr_block: owned(v.cidr_block()),
                is_default: v.is_default().unwrap_or_default(),
            });
        }
    });
    (out, failed(result, "DescribeVpcs"))
}

async fn subnets(ctx: &SiteCtx, c: &Client) -> Outcome<Vec<Subnet>> {
    let mut out = Vec::new();
    let paginator = c.describe_subnets().max_results(PAGE_1000).into_paginator();
    let result = for_each_page!(ctx, paginator, |page| {
        for s in page.subnets() {
            let Some(id) = s.subnet_id() else { continue };
            let tags = tags(s.tags());
            out.push(Subnet {
                arn: s
                    .subnet_arn()
                    .map(str::to_string)
                    .unwrap_or_else(|| ctx.arn("ec2", true, &format!("subnet/{id}"))),
                id: id.to_string(),
                name: name_tag(&tags),
                tags,
                region: ctx.region.clone(),
                account: ctx.account.clone(),
                vpc_id: s.vpc_id().unwrap_or_default().to_string(),
                cidr_block: owned(s.cidr_block()),
                availability_zone: owned(s.availability_zone()),
            });
        }
    });
    (out, failed(result, "DescribeSubnets"))
}

async fn security_groups(ctx: &SiteCtx, c: &Client) -> Outcome<Vec<SecurityGroup>> {
    let mut out = Vec::new();
    let paginator = c
        .describe_security_groups()
        .max_results(PAGE_1000)
        .into_paginator();
    let result = for_each_page!(ctx, paginator, |page| {
        for g in page.security_groups() {
            let Some(id) = g.group_id() else { continue };
            out.push(SecurityGroup {
                arn: g
                    .security_group_arn()
                    .map(str::to_string)
                    .unwrap_or_else(|| ctx.arn("ec2", true, &format!("security-group/{id}"))),
                id: id.to_string(),
                name: g.group_name().unwrap_or_default().to_string(),
                tags: tags(g.tags()),
                region: ctx.region.clone(),
                account: ctx.account.clone(),
                vpc_id: owned(g.vpc_id()),
                description: g.description().unwrap_or_default().to_string(),
                ingress: g.ip_permissions().iter().map(ingress_rule).collect(),
            });
        }
    });
    (out, failed(result, "DescribeSecurityGroups"))
}

fn ingress_rule(p: &sdk::IpPermission) -> IngressRule {
    IngressRule {
        protocol: p.ip_protocol().unwrap_or("-1").to_string(),
        from_port: p.from_port().map(i64::from),
        to_port: p.to_port().map(i64::from),
        cidr_ipv4: p
            .ip_ranges()
            .iter()
            .filter_map(|r| r.cidr_ip().map(str::to_string))
            .collect(),
        cidr_ipv6: p
            .ipv6_ranges()
            .iter()
            .filter_map(|r| r.cidr_ipv6().map(str::to_string))
            .collect(),
        source_security_group_ids: p
            .user_id_group_pairs()
            .iter()
            .filter_map(|g| g.group_id().map(str::to_string))
            .collect(),
        prefix_list_ids: p
            .prefix_list_ids()
            .iter()
            .filter_map(|l| l.prefix_list_id().map(str::to_string))
            .collect(),
    }
}
