//! EC2 of one site: instances, AMIs and EBS snapshots owned by the account, volumes, VPCs,
//! subnets, security groups, key pairs and managed prefix lists. Launch templates live in
//! `ec2_templates.rs`.
//!
//! Images: the account's own (`Owners=self`), then the images the site's instances and launch
//! templates name whatever their owner (`ImageIds`, in chunks; an id that no longer exists is
//! simply absent), then — for the standby site, see [`counterparts`] — the standby region's
//! images with the owner and name of each primary image of another owner.

use std::collections::{BTreeMap, BTreeSet, HashSet};

use aws_sdk_ec2::Client;
use aws_sdk_ec2::types as sdk;
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;

use super::client::{SiteCtx, for_each_page};
use super::{Outcome, ec2_templates, error, smithy_time};
use crate::snapshot::{
    CollectionError, EbsSnapshot, Ec2Inventory, Image, IngressRule, Instance, KeyPair, PrefixList,
    SecurityGroup, Subnet, Tags, Volume, Vpc,
};
use crate::vocab::Service;

/// Largest page DescribeInstances, DescribeImages, DescribeSnapshots, DescribeVpcs,
/// DescribeSubnets and DescribeSecurityGroups accept.
const PAGE_1000: i32 = 1000;
/// Largest page DescribeVolumes accepts.
const PAGE_VOLUMES: i32 = 500;
/// Largest page DescribeManagedPrefixLists accepts.
const PAGE_PREFIX_LISTS: i32 = 100;
/// Image ids per DescribeImages call for the images instances and templates name.
const IMAGE_IDS_PER_CALL: usize = 100;
/// Owner aliases whose images are published under several account ids (one per partition or
/// opt-in region), so the standby twin is looked up by alias as well as by owner id.
const PUBLISHER_ALIASES: [&str; 2] = ["amazon", "aws-marketplace"];

/// Reads the EC2 inventory of a site; every listing runs concurrently, then the images the
/// instances and templates name that the account's own listing did not return.
pub(crate) async fn collect(ctx: &SiteCtx) -> Outcome<Ec2Inventory> {
    let client = ctx.ec2();
    let c = &client;
    let (
        instances,
        images,
        launch_templates,
        volumes,
        snapshots,
        vpcs,
        subnets,
        groups,
        key_pairs,
        prefix_lists,
    ) = futures::join!(
        instances(ctx, c),
        images(ctx, c),
        ec2_templates::collect(ctx, c),
        volumes(ctx, c),
        snapshots(ctx, c),
        vpcs(ctx, c),
        subnets(ctx, c),
        security_groups(ctx, c),
        key_pairs(ctx, c),
        prefix_lists(ctx, c),
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
        key_pairs: take(&mut errors, key_pairs),
        prefix_lists: take(&mut errors, prefix_lists),
    };
    let mut inventory = inventory;
    let (referenced, errs) = referenced_images(ctx, c, &inventory).await;
    inventory.images.extend(referenced);
    errors.extend(errs);
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
        arn: image_arn(ctx, &id),
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
        owner_id: owned(i.owner_id()),
        owner_alias: owned(i.image_owner_alias()),
        public: i.public().unwrap_or_default(),
        id,
    })
}

fn image_arn(ctx: &SiteCtx, id: &str) -> String {
    ctx.arn("ec2", false, &format!("image/{id}"))
}

/// Whether DescribeImages failed because an image id does not exist (any more), is not
/// available to the caller, or is not an image id at all: that image is absent, not unknown.
fn missing_image<E: ProvideErrorMetadata>(e: &SdkError<E, HttpResponse>) -> bool {
    error::code(e).is_some_and(|c| c.starts_with("InvalidAMIID."))
}

/// The images the site's instances and launch templates (default and latest versions) name
/// that are not in `inventory` yet, whatever their owner. Ids that no longer exist are left out
/// without an error; a chunk that fails otherwise is one error per image id of the chunk.
async fn referenced_images(
    ctx: &SiteCtx,
    c: &Client,
    inventory: &Ec2Inventory,
) -> Outcome<Vec<Image>> {
    let have: HashSet<&str> = inventory.images.iter().map(|i| i.id.as_str()).collect();
    let named = inventory
        .instances
        .iter()
        .filter_map(|i| i.image_id.as_deref())
        .chain(inventory.launch_templates.iter().flat_map(|t| {
            [&t.default_version, &t.latest_version]
                .into_iter()
                .flatten()
                .filter_map(|v| v.image_id.as_deref())
        }));
    // A template may name `resolve:ssm:PARAMETER` instead of an image id.
    let wanted: Vec<String> = named
        .filter(|id| id.starts_with("ami-") && !have.contains(id))
        .map(str::to_string)
        .collect::<BTreeSet<_>>()
        .into_iter()
        .collect();
    if wanted.is_empty() {
        return (Vec::new(), Vec::new());
    }
    tracing::debug!(
        count = wanted.len(),
        "reading images named by instances and templates"
    );
    let answers = futures::future::join_all(
        wanted
            .chunks(IMAGE_IDS_PER_CALL)
            .map(|chunk| images_by_id(ctx, c, chunk)),
    )
    .await;
    let mut out = Vec::new();
    let mut errors = Vec::new();
    for (images, errs) in answers {
        out.extend(images);
        errors.extend(errs);
    }
    (out, errors)
}

/// DescribeImages for these ids. When AWS refuses the call because one of them does not exist,
/// each id is asked for on its own so the others are still read.
async fn images_by_id(ctx: &SiteCtx, c: &Client, ids: &[String]) -> Outcome<Vec<Image>> {
    // A disabled image the site still names is read (state `disabled`), not taken for absent.
    let request = c
        .describe_images()
        .set_image_ids(Some(ids.to_vec()))
        .include_disabled(true);
    match ctx.call(request.send()).await {
        Ok(out) => (
            out.images().iter().filter_map(|i| image(ctx, i)).collect(),
            Vec::new(),
        ),
        Err(e) if missing_image(&e) && ids.len() > 1 => {
            let answers = futures::future::join_all(ids.iter().map(|id| async move {
                let request = c.describe_images().image_ids(id).include_disabled(true);
                let answer = ctx.call(request.send()).await;
                (id, answer)
            }))
            .await;
            let mut out = Vec::new();
            let mut errors = Vec::new();
            for (id, answer) in answers {
                match answer {
                    Ok(o) => out.extend(o.images().iter().filter_map(|i| image(ctx, i))),
                    Err(e) if missing_image(&e) => {
                        tracing::debug!(%id, code = ?error::code(&e), "named image does not exist")
                    }
                    Err(e) => errors.push(error::from_sdk(
                        Service::Ec2,
                        "DescribeImages",
                        &e,
                        Some(&image_arn(ctx, id)),
                    )),
                }
            }
            (out, errors)
        }
        Err(e) if missing_image(&e) => {
            tracing::debug!(id = ?ids.first(), code = ?error::code(&e), "named image does not exist");
            (Vec::new(), Vec::new())
        }
        Err(e) => (
            Vec::new(),
            ids.iter()
                .map(|id| {
                    error::from_sdk(
                        Service::Ec2,
                        "DescribeImages",
                        &e,
                        Some(&image_arn(ctx, id)),
                    )
                })
                .collect(),
        ),
    }
}

/// The standby site's images with the owner and name of each primary image owned by another
/// account than the primary's (an Amazon, Marketplace or shared AMI), so pairing can find the
/// standby twin of an image the account does not own. `have` are the standby images already
/// read; they are not returned again. One call per distinct (owner, name), within the shared
/// concurrency limit; a failed lookup is an error of the standby site whose `resource` is the
/// primary image whose twin was looked for.
pub(crate) async fn counterparts(
    standby: &SiteCtx,
    primary_account: &str,
    primary_images: &[Image],
    have: &[Image],
) -> Outcome<Vec<Image>> {
    let mut wanted: BTreeMap<(&str, &str), &Image> = BTreeMap::new();
    for i in primary_images {
        let Some(owner) = i.owner_id.as_deref() else {
            continue;
        };
        if owner != primary_account && !i.name.is_empty() {
            wanted.entry((owner, i.name.as_str())).or_insert(i);
        }
    }
    if wanted.is_empty() {
        return (Vec::new(), Vec::new());
    }
    tracing::debug!(
        count = wanted.len(),
        "looking up standby twins of images of other owners"
    );
    let client = standby.ec2();
    let c = &client;
    let answers =
        futures::future::join_all(wanted.iter().map(|((owner, name), primary)| async move {
            let mut owners = vec![owner.to_string()];
            if let Some(alias) = primary.owner_alias.as_deref()
                && PUBLISHER_ALIASES.contains(&alias)
            {
                owners.push(alias.to_string());
            }
            let filter = sdk::Filter::builder().name("name").values(*name).build();
            let paginator = c
                .describe_images()
                .set_owners(Some(owners))
                .filters(filter)
                .include_deprecated(true)
                .include_disabled(true)
                .max_results(PAGE_1000)
                .into_paginator();
            let mut found = Vec::new();
            let result = for_each_page!(standby, paginator, |page| {
                found.extend(page.images().iter().filter_map(|i| image(standby, i)));
            });
            let error = result
                .err()
                .map(|e| error::from_sdk(Service::Ec2, "DescribeImages", &e, Some(&primary.arn)));
            (found, error)
        }))
        .await;
    let mut seen: HashSet<String> = have.iter().map(|i| i.id.clone()).collect();
    let mut out = Vec::new();
    let mut errors = Vec::new();
    for (found, error) in answers {
        out.extend(found.into_iter().filter(|i| seen.insert(i.id.clone())));
        errors.extend(error);
    }
    (out, errors)
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

/// Key pairs: DescribeKeyPairs has no paging; one call answers for the region.
async fn key_pairs(ctx: &SiteCtx, c: &Client) -> Outcome<Vec<KeyPair>> {
    match ctx.call(c.describe_key_pairs().send()).await {
        Ok(out) => (
            out.key_pairs()
                .iter()
                .filter_map(|k| key_pair(ctx, k))
                .collect(),
            Vec::new(),
        ),
        Err(e) => (
            Vec::new(),
            vec![error::from_sdk(Service::Ec2, "DescribeKeyPairs", &e, None)],
        ),
    }
}

fn key_pair(ctx: &SiteCtx, k: &sdk::KeyPairInfo) -> Option<KeyPair> {
    let name = k.key_name()?.to_string();
    // AWS always gives the id; an emulator may not, and then the name stands in for it.
    let id = k.key_pair_id().unwrap_or(&name).to_string();
    Some(KeyPair {
        arn: ctx.arn("ec2", true, &format!("key-pair/{id}")),
        tags: tags(k.tags()),
        region: ctx.region.clone(),
        account: ctx.account.clone(),
        key_type: k.key_type().map(|t| t.as_str().to_string()),
        fingerprint: owned(k.key_fingerprint()),
        id,
        name,
    })
}

async fn prefix_lists(ctx: &SiteCtx, c: &Client) -> Outcome<Vec<PrefixList>> {
    let mut out = Vec::new();
    let paginator = c
        .describe_managed_prefix_lists()
        .max_results(PAGE_PREFIX_LISTS)
        .into_paginator();
    let result = for_each_page!(ctx, paginator, |page| {
        for l in page.prefix_lists() {
            let Some(id) = l.prefix_list_id() else {
                continue;
            };
            out.push(PrefixList {
                arn: l
                    .prefix_list_arn()
                    .map(str::to_string)
                    .unwrap_or_else(|| ctx.arn("ec2", true, &format!("prefix-list/{id}"))),
                id: id.to_string(),
                name: l.prefix_list_name().unwrap_or_default().to_string(),
                tags: tags(l.tags()),
                region: ctx.region.clone(),
                account: ctx.account.clone(),
                owner_id: l.owner_id().unwrap_or_default().to_string(),
                address_family: owned(l.address_family()),
                max_entries: l.max_entries().map(i64::from),
            });
        }
    });
    (out, failed(result, "DescribeManagedPrefixLists"))
}
