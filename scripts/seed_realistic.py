#!/usr/bin/env python3
"""Seeds a realistic disaster-recovery estate into a running moto server (``seed_moto.py --realistic``).

The estate proves two things about drready: that it raises no false alarm on what real AWS
accounts contain, and that it finds the launch and failover breakers real estates have. It prints
one JSON document on stdout (see ``summary`` at the end of ``seed``): the sites, every application,
every healthy trap (``healthy_traps``: constructs that are NOT DR defects and must not be reported)
and every planted defect (``defects``: exactly one application each, with the ARN a finding should
name).

Applications (``appNN``, each with its own role, instance profiles, AMI or image, launch templates,
instance, data volume and snapshot, versioned replicated data bucket and failover pair):

  app01..app10  healthy for DR. Each also carries some of the messy constructs below.
  app11..app19  healthy except for exactly one planted defect each:
    app11 key_pair_missing_in_standby       standby template's key pair exists only in the primary
    app12 kms_key_other_region              standby template's EBS mapping names a primary-region key
    app13 security_group_subnet_vpc_mismatch standby template: subnet of one VPC, group of another
    app14 replication_role_missing          (variant role_absent) the replication role does not exist
    app15 replication_role_missing          (variant trust_excludes_s3) the role trusts only EC2
    app16 shared_health_check               PRIMARY and SECONDARY use the same health check
    app17 calculated_health_check_ineffective PRIMARY on a CALCULATED check with HealthThreshold 0
    app18 metric_health_check_healthy_on_no_data PRIMARY on a CLOUDWATCH_METRIC check, Healthy on
                                            insufficient data
    app19 failed_ami_copy                   the standby copy its template uses is ``failed``

Healthy traps (messy but correct; the summary lists each with its ARN and site):
  - unreplicated service buckets in the primary: CDK bootstrap assets, ``cf-templates-*``, CloudTrail
    logs (with a trail), AWS Config, ELB access logs (with the ELB log-delivery bucket policy), the
    S3 server-access-log target (every data bucket logs into it), Athena query results, Terraform
    state; a log bucket replicating to a log archive in a third region (not the standby); the
    standby's own CDK, cf-templates and access-log buckets.
  - VPCs and subnets named by role words (``prod-primary-vpc``/``prod-standby-vpc``,
    ``prod-primary-a``/``prod-standby-a``; ``prod-main``/``prod-dr``) with region-specific CIDRs.
  - CloudFormation security groups ``prod-web-WebSecurityGroup-<random>`` (different suffix per
    region, same ``aws:cloudformation:logical-id``), Terraform ``name_prefix`` groups
    ``web-<timestamp><counter>``, a group whose rules name the AWS-managed S3 prefix list (its
    ``pl-`` id differs per region) and a group allowing its VPC's CIDR (differs per region).
  - app03 runs an Amazon-owned public AMI (account 137112412989) in both regions; app04 runs a
    golden AMI that an image-factory account (333333333333) builds, copies to both regions and
    shares with the workload accounts.
  - app05's EBS snapshots are AWS Backup recovery points (primary and cross-region copy); every
    one-account AMI copy's snapshot carries CopyImage's ``Copied for DestinationAmi ...``
    description (app06 is listed as the example).
  - DNS: app02 an alias failover pair (PRIMARY alias with EvaluateTargetHealth and no health
    check); app03 a SECONDARY without a health check; app04 a SECONDARY on a disabled check; app06
    a PRIMARY on a working CALCULATED check; app07 a PRIMARY on a CLOUDWATCH_METRIC check that is
    Unhealthy on insufficient data; plus the usual clutter (MX, TXT, ACM validation CNAMEs).
  - app05's templates encrypt EBS with a KMS key of their own region; app07 is warm standby (an
    instance runs in the standby); app10's standby template has three versions (default 2).

What moto needs from ``scripts/moto_server.py`` (its launcher patches 3–5): other accounts'
public/shared images visible to DescribeImages/RunInstances/CopyImage (public and golden AMIs,
cross-account AMI copies), a failed CopyImage (app19: a copy encrypted with a key of another
region ends ``failed``) and CopyImage's snapshot description, and CLOUDWATCH_METRIC health checks
that keep ``AlarmIdentifier``/``InsufficientDataHealthStatus``. Without them the script fails.

Everything is deterministic except the ids moto assigns (and timestamps).

Usage:
    .venv/bin/python scripts/seed_moto.py --realistic --endpoint http://127.0.0.1:5000 [--two-accounts]
    .venv/bin/python scripts/seed_realistic.py --endpoint http://127.0.0.1:5000 [--two-accounts]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import sys
import uuid
from typing import Any

import boto3
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

sys.dont_write_bytecode = True  # no scripts/__pycache__ in the working tree
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import seed_moto  # noqa: E402
from seed_moto import (  # noqa: E402
    STANDBY_ACCOUNT,
    TRUST_EC2,
    TRUST_S3,
    Site,
    seed_account_iam,
    seed_app_role,
    seed_instance_profile,
    tag_spec,
    tags,
)

ORG = "acme"
ZONE_NAME = "prod.example.com."
FACTORY_ACCOUNT = "333333333333"  # the image factory that builds and shares golden AMIs
AMAZON_ACCOUNT = "137112412989"  # owner of the Amazon Linux public AMIs
HEALTHY_APPS = [f"app{i:02d}" for i in range(1, 11)]
# (defect, variant or None), one application each from app11 on.
DEFECTS: list[tuple[str, str | None]] = [
    ("key_pair_missing_in_standby", None),
    ("kms_key_other_region", None),
    ("security_group_subnet_vpc_mismatch", None),
    ("replication_role_missing", "role_absent"),
    ("replication_role_missing", "trust_excludes_s3"),
    ("shared_health_check", None),
    ("calculated_health_check_ineffective", None),
    ("metric_health_check_healthy_on_no_data", None),
    ("failed_ami_copy", None),
]
DEFECT_APPS = {f"app{11 + k:02d}": d for k, d in enumerate(DEFECTS)}
# Elastic Load Balancing's log-delivery account and Route 53 alias zone per region.
ELB_ACCOUNT = {"us-east-1": "127311923021", "us-east-2": "033677994240",
               "us-west-1": "027434742980", "us-west-2": "797873946194",
               "eu-west-1": "156460612806", "eu-central-1": "054676820928",
               "eu-west-2": "652711504416", "ap-southeast-2": "783225319266"}
ELB_ZONE = {"us-east-1": "Z35SXDOTRQ7X7K", "us-east-2": "Z3AADJGX6KTTL2",
            "us-west-1": "Z368ELLRRE2KJ0", "us-west-2": "Z1H1FL5HABSF5",
            "eu-west-1": "Z32O12XQLNTSW2", "eu-central-1": "Z215JYRZR1TBD5",
            "eu-west-2": "ZHURV8PSTC4K8", "ap-southeast-2": "Z1GM3OXH4ZPM65"}
BACKUP_DESCRIPTION = "This snapshot is created by the AWS Backup service."


def rnd(seed: str, n: int, alphabet: str = "abcdefghijklmnopqrstuvwxyz0123456789") -> str:
    """A deterministic 'random' string (names that AWS or tools randomise)."""
    digest = hashlib.sha256(seed.encode()).digest() * 4
    return "".join(alphabet[b % len(alphabet)] for b in digest[:n])


def public_key(name: str) -> bytes:
    """A deterministic ed25519 OpenSSH public key (the operators' key, imported per region)."""
    private = Ed25519PrivateKey.from_private_bytes(hashlib.sha256(name.encode()).digest())
    return private.public_key().public_bytes(serialization.Encoding.OpenSSH,
                                             serialization.PublicFormat.OpenSSH)


def assumed(base: boto3.Session, endpoint: str, account: str, region: str) -> boto3.Session:
    creds = base.client("sts", endpoint_url=endpoint).assume_role(
        RoleArn=f"arn:aws:iam::{account}:role/drready-seed", RoleSessionName="drready-seed",
    )["Credentials"]
    return boto3.Session(aws_access_key_id=creds["AccessKeyId"],
                         aws_secret_access_key=creds["SecretAccessKey"],
                         aws_session_token=creds["SessionToken"], region_name=region)


class Estate:
    """One site plus the clients and ids the realistic seeding needs."""

    def __init__(self, site: Site, endpoint: str, role_word: str, alt_word: str, second: int):
        self.site = site
        self.region = site.region
        self.token = site.token
        self.account = site.account
        self.ec2 = site.ec2
        self.s3 = site.s3
        self.iam = site.iam
        self.kms = site.session.client("kms", endpoint_url=endpoint, region_name=site.region)
        self.cw = site.session.client("cloudwatch", endpoint_url=endpoint, region_name=site.region)
        self.trail = site.session.client("cloudtrail", endpoint_url=endpoint,
                                         region_name=site.region)
        self.role_word = role_word  # primary / standby
        self.alt_word = alt_word  # main / dr
        self.second = second  # second CIDR octet of the main VPC
        self.net: dict[str, Any] = {}
        self.keys: dict[str, str] = {}

    def arn(self, kind: str, rid: str) -> str:
        return f"arn:aws:ec2:{self.region}:{self.account}:{kind}/{rid}"

    def sg_arn(self, gid: str) -> str:
        return self.arn("security-group", gid)


def bucket_arn(name: str) -> str:
    return f"arn:aws:s3:::{name}"


# ------------------------------------------------------------------------------------------
# Network
# ------------------------------------------------------------------------------------------

def seed_network(e: Estate, traps: list[dict[str, Any]], site_label: str) -> None:
    ec2 = e.ec2
    main_cidr = f"10.{e.second}.0.0/16"
    vpc = ec2.create_vpc(CidrBlock=main_cidr, TagSpecifications=tag_spec(
        "vpc", Name=f"prod-{e.role_word}-vpc", Environment="prod"))["Vpc"]["VpcId"]
    subnets = {}
    for i, az in enumerate("abc"):
        subnets[az] = ec2.create_subnet(
            VpcId=vpc, CidrBlock=f"10.{e.second}.{i + 1}.0/24",
            AvailabilityZone=f"{e.region}{az}",
            TagSpecifications=tag_spec("subnet", Name=f"prod-{e.role_word}-{az}", Tier="private"),
        )["Subnet"]["SubnetId"]
    alt_cidr = f"10.{e.second + 10}.0.0/16"
    alt_vpc = ec2.create_vpc(CidrBlock=alt_cidr, TagSpecifications=tag_spec(
        "vpc", Name=f"prod-{e.alt_word}", Environment="prod"))["Vpc"]["VpcId"]
    alt_subnets = {}
    for i, az in enumerate("ab"):
        alt_subnets[az] = ec2.create_subnet(
            VpcId=alt_vpc, CidrBlock=f"10.{e.second + 10}.{i + 1}.0/24",
            AvailabilityZone=f"{e.region}{az}",
            TagSpecifications=tag_spec("subnet", Name=f"prod-{e.alt_word}-app-{az}"),
        )["Subnet"]["SubnetId"]

    # CloudFormation stack prod-web: its security group has a generated physical name.
    suffix = {"primary": "1AB2C3D4E5F6"}.get(
        e.role_word, rnd(f"cfn-{e.region}", 12, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"))
    stack_id = (f"arn:aws:cloudformation:{e.region}:{e.account}:stack/prod-web/"
                f"{uuid.uuid5(uuid.NAMESPACE_URL, f'prod-web/{e.region}/{e.account}')}")
    cfn_sg = ec2.create_security_group(
        GroupName=f"prod-web-WebSecurityGroup-{suffix}",
        Description="Web tier load balancer (prod-web)", VpcId=vpc,
        TagSpecifications=[{"ResourceType": "security-group", "Tags": [
            {"Key": "aws:cloudformation:stack-name", "Value": "prod-web"},
            {"Key": "aws:cloudformation:logical-id", "Value": "WebSecurityGroup"},
            {"Key": "aws:cloudformation:stack-id", "Value": stack_id},
            {"Key": "app", "Value": "app01"}]}],
    )["GroupId"]
    ec2.authorize_security_group_ingress(GroupId=cfn_sg, IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443,
         "IpRanges": [{"CidrIp": "0.0.0.0/0"}], "Ipv6Ranges": [{"CidrIpv6": "::/0"}]},
        {"IpProtocol": "tcp", "FromPort": 80, "ToPort": 80,
         "IpRanges": [{"CidrIp": "0.0.0.0/0"}]},
    ])
    traps.append({"construct": "cloudformation_security_group", "arn": e.sg_arn(cfn_sg),
                  "site": site_label, "app": "app01",
                  "detail": f"prod-web-WebSecurityGroup-{suffix}, logical id WebSecurityGroup"})

    # Terraform name_prefix = "web-": prefix + UTC timestamp + 8-digit counter.
    tf_name = {"primary": "web-2026112012345600000001"}.get(e.role_word,
                                                          "web-2026112012350300000002")
    tf_sg = ec2.create_security_group(
        GroupName=tf_name, Description="Managed by Terraform", VpcId=alt_vpc,
        TagSpecifications=tag_spec("security-group", ManagedBy="terraform", app="app02"),
    )["GroupId"]
    ec2.authorize_security_group_ingress(GroupId=tf_sg, IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 8443, "ToPort": 8443,
         "IpRanges": [{"CidrIp": "0.0.0.0/0", "Description": "api"}]}])
    traps.append({"construct": "terraform_name_prefix_security_group", "arn": e.sg_arn(tf_sg),
                  "site": site_label, "app": "app02", "detail": tf_name})

    # Shared application group: its rule allows the VPC's own CIDR (region-specific).
    app_sg = ec2.create_security_group(
        GroupName=f"prod-app-{e.token}", Description="application instances", VpcId=vpc,
        TagSpecifications=tag_spec("security-group", Name=f"prod-app-{e.token}", tier="app"),
    )["GroupId"]
    ec2.authorize_security_group_ingress(GroupId=app_sg, IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 8080, "ToPort": 8080,
         "IpRanges": [{"CidrIp": main_cidr, "Description": "from the VPC"}]},
        {"IpProtocol": "tcp", "FromPort": 9100, "ToPort": 9100,
         "UserIdGroupPairs": [{"GroupId": app_sg, "Description": "metrics"}]},
    ])
    traps.append({"construct": "security_group_vpc_cidr_rule", "arn": e.sg_arn(app_sg),
                  "site": site_label,
                  "detail": f"prod-app-{e.token}: tcp 8080 from {main_cidr} (the VPC's CIDR)"})

    # Endpoint group: rules name the AWS-managed S3 prefix list of the region.
    pl = ec2.describe_managed_prefix_lists(Filters=[
        {"Name": "prefix-list-name", "Values": [f"com.amazonaws.{e.region}.s3"]}],
    )["PrefixLists"][0]["PrefixListId"]
    pl_sg = ec2.create_security_group(
        GroupName=f"prod-endpoints-{e.token}", Description="S3 gateway endpoint traffic",
        VpcId=vpc, TagSpecifications=tag_spec("security-group", Name=f"prod-endpoints-{e.token}",
                                              app="app05"),
    )["GroupId"]
    ec2.authorize_security_group_ingress(GroupId=pl_sg, IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443,
         "PrefixListIds": [{"PrefixListId": pl, "Description": "S3"}]}])
    ec2.authorize_security_group_egress(GroupId=pl_sg, IpPermissions=[
        {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443,
         "PrefixListIds": [{"PrefixListId": pl, "Description": "S3"}]}])
    traps.append({"construct": "managed_prefix_list_rule", "arn": e.sg_arn(pl_sg),
                  "site": site_label, "app": "app05",
                  "detail": f"tcp 443 from {pl} (com.amazonaws.{e.region}.s3)"})

    for kind, rid, name in [("vpc", vpc, f"prod-{e.role_word}-vpc"),
                            ("vpc", alt_vpc, f"prod-{e.alt_word}")]:
        traps.append({"construct": "vpc_role_word_name", "arn": e.arn(kind, rid),
                      "site": site_label, "detail": name})
    for az, sid in subnets.items():
        traps.append({"construct": "subnet_role_word_name", "arn": e.arn("subnet", sid),
                      "site": site_label, "detail": f"prod-{e.role_word}-{az}"})
    for az, sid in alt_subnets.items():
        traps.append({"construct": "subnet_role_word_name", "arn": e.arn("subnet", sid),
                      "site": site_label, "detail": f"prod-{e.alt_word}-app-{az}"})
    e.net = {"vpc": vpc, "vpc_cidr": main_cidr, "subnets": subnets, "alt_vpc": alt_vpc,
             "alt_vpc_cidr": alt_cidr, "alt_subnets": alt_subnets, "cfn_web_sg": cfn_sg,
             "tf_web_sg": tf_sg, "app_sg": app_sg, "endpoints_sg": pl_sg, "s3_prefix_list": pl}


def seed_keys(e: Estate, primary_key_only: list[str]) -> None:
    """Operator key pairs (same public key in every region) and the EBS/S3 KMS keys."""
    for name in ["prod-ops", "app08-ops"]:
        e.ec2.import_key_pair(KeyName=name, PublicKeyMaterial=public_key(name),
                              TagSpecifications=tag_spec("key-pair", team="platform"))
    for name in primary_key_only:
        e.ec2.import_key_pair(KeyName=name, PublicKeyMaterial=public_key(name))
    for purpose in ["ebs", "s3"]:
        key = e.kms.create_key(Description=f"prod {purpose} ({e.region})",
                               Tags=[{"TagKey": "purpose", "TagValue": purpose}])["KeyMetadata"]
        e.kms.create_alias(AliasName=f"alias/prod-{purpose}", TargetKeyId=key["KeyId"])
        e.keys[purpose] = key["Arn"]


# ------------------------------------------------------------------------------------------
# Images
# ------------------------------------------------------------------------------------------

def seed_foreign_images(base: boto3.Session, endpoint: str, p: Estate, s: Estate) -> dict[str, Any]:
    """Amazon's public AL2023 image in both regions, and the image factory's golden AMI built in
    the primary region, copied to the standby region and shared with both workload accounts."""
    out: dict[str, Any] = {}
    amazon = assumed(base, endpoint, AMAZON_ACCOUNT, p.region)
    for e in (p, s):
        ec2 = amazon.client("ec2", endpoint_url=endpoint, region_name=e.region)
        image = ec2.register_image(
            Name="al2023-ami-2023.6.20241121.0-kernel-6.1-x86_64",
            Description="Amazon Linux 2023 AMI 2023.6.20241121.0 x86_64 HVM kernel-6.1",
        )["ImageId"]
        ec2.modify_image_attribute(ImageId=image, LaunchPermission={"Add": [{"Group": "all"}]})
        out[f"amazon_{e.role_word}"] = image
    factory = assumed(base, endpoint, FACTORY_ACCOUNT, p.region)
    fp = factory.client("ec2", endpoint_url=endpoint, region_name=p.region)
    fs = factory.client("ec2", endpoint_url=endpoint, region_name=s.region)
    golden = fp.register_image(Name="golden-al2023-2026.11.15",
                               Description="CIS hardened AL2023 (image factory)")["ImageId"]
    fp.create_tags(Resources=[golden], Tags=tags(factory="golden", release="2026.11.15"))
    golden_copy = fs.copy_image(SourceImageId=golden, SourceRegion=p.region,
                                Name="golden-al2023-2026.11.15")["ImageId"]
    fs.create_tags(Resources=[golden_copy], Tags=tags(factory="golden", release="2026.11.15"))
    consumers = sorted({p.account, s.account})
    for ec2, image in [(fp, golden), (fs, golden_copy)]:
        ec2.modify_image_attribute(ImageId=image, LaunchPermission={
            "Add": [{"UserId": a} for a in consumers]})
    out["golden_primary"], out["golden_standby"] = golden, golden_copy
    return out


def own_ami(p: Estate, s: Estate, app: str, kms_key: str | None = None) -> tuple[str, str]:
    """The app's AMI in the primary and its CopyImage in the standby (shared first when the
    standby is another account). moto's copies have no SourceImageId, so the copy carries the
    lineage tag a DR pipeline writes. `kms_key` makes the copy encrypted with that key."""
    name = f"{app}-web-2026-11-18"
    ami = p.ec2.register_image(Name=name, Description=f"{app} web server")["ImageId"]
    p.ec2.create_tags(Resources=[ami], Tags=tags(app=app, Name=name))
    if s.account != p.account:
        p.ec2.modify_image_attribute(ImageId=ami,
                                     LaunchPermission={"Add": [{"UserId": s.account}]})
    extra: dict[str, Any] = {}
    if kms_key:
        extra = {"Encrypted": True, "KmsKeyId": kms_key}
    copy = s.ec2.copy_image(SourceImageId=ami, SourceRegion=p.region, Name=name,
                            Description=f"{app} web server", **extra)["ImageId"]
    s.ec2.create_tags(Resources=[copy], Tags=tags(app=app, Name=name, dr__source_ami_id=ami))
    return ami, copy


# ------------------------------------------------------------------------------------------
# Compute
# ------------------------------------------------------------------------------------------

def template(e: Estate, app: str, data: dict[str, Any], versions: list[dict[str, Any]] | None = None,
             default: int | None = None) -> str:
    lt = e.ec2.create_launch_template(
        LaunchTemplateName=f"{app}-web-{e.token}", VersionDescription="initial",
        LaunchTemplateData=data, TagSpecifications=tag_spec("launch-template", app=app),
    )["LaunchTemplate"]["LaunchTemplateId"]
    for n, more in enumerate(versions or [], start=2):
        e.ec2.create_launch_template_version(LaunchTemplateId=lt, VersionDescription=f"v{n}",
                                             LaunchTemplateData=more)
    if default:
        e.ec2.modify_launch_template(LaunchTemplateId=lt, DefaultVersion=str(default))
    return lt


def template_data(e: Estate, app: str, image: str, *, key: str | None = "prod-ops",
                  subnet: str | None = None, groups: list[str] | None = None,
                  profile_by_arn: bool = False, kind: str = "t3.small",
                  ebs_key: str | None = None, interface: bool = True) -> dict[str, Any]:
    profile = f"{app}-web-{e.token}"
    data: dict[str, Any] = {
        "ImageId": image, "InstanceType": kind,
        "IamInstanceProfile": ({"Arn": f"arn:aws:iam::{e.account}:instance-profile/{profile}"}
                               if profile_by_arn else {"Name": profile}),
        "MetadataOptions": {"HttpTokens": "required", "HttpPutResponseHopLimit": 2},
        "TagSpecifications": [{"ResourceType": "instance",
                               "Tags": tags(app=app, Name=f"{app}-web")}],
    }
    if key:
        data["KeyName"] = key
    groups = groups or [e.net["app_sg"]]
    if interface:
        data["NetworkInterfaces"] = [{"DeviceIndex": 0, "AssociatePublicIpAddress": False,
                                      "SubnetId": subnet or e.net["subnets"]["a"],
                                      "Groups": groups}]
    else:
        data["SecurityGroupIds"] = groups  # subnets come from the Auto Scaling group
    if ebs_key:
        data["BlockDeviceMappings"] = [{"DeviceName": "/dev/xvda", "Ebs": {
            "VolumeSize": 30, "VolumeType": "gp3", "Encrypted": True, "KmsKeyId": ebs_key,
            "DeleteOnTermination": True}}]
    return data


def run_instance(e: Estate, app: str, lt: str, image: str, subnet: str, groups: list[str],
                 tier: str | None = None) -> str:
    # moto takes only the AMI from a template: pass what AWS would take from it.
    instance_tags = {"Name": f"{app}-web-{e.token}", "app": app}
    if tier:
        instance_tags["dr__tier"] = tier
    return e.ec2.run_instances(
        LaunchTemplate={"LaunchTemplateId": lt, "Version": "$Default"},
        MinCount=1, MaxCount=1, InstanceType="t3.small",
        IamInstanceProfile={"Name": f"{app}-web-{e.token}"}, SubnetId=subnet,
        SecurityGroupIds=groups, TagSpecifications=tag_spec("instance", **instance_tags),
    )["Instances"][0]["InstanceId"]


def seed_data_volume(p: Estate, s: Estate, app: str, instance: str, backup: bool
                     ) -> dict[str, Any]:
    """A data volume with its newest snapshot copied to the standby: by the DR pipeline
    (CopySnapshot's own ``[Copied ... from REGION]`` description plus a lineage tag), or, with
    `backup`, by AWS Backup (its description and ``aws:backup:source-resource`` tag; the copy
    keeps the source's tags, as Backup's cross-region copy does)."""
    volume = p.ec2.create_volume(
        AvailabilityZone=f"{p.region}a", Size=50, VolumeType="gp3",
        TagSpecifications=tag_spec("volume", Name=f"{app}-data-{p.token}", app=app),
    )["VolumeId"]
    p.ec2.attach_volume(VolumeId=volume, InstanceId=instance, Device="/dev/sdf")
    volume_arn = p.arn("volume", volume)
    if backup:
        source_tags = [{"Key": "Name", "Value": f"{app}-data-{p.token}"},
                       {"Key": "app", "Value": app},
                       {"Key": "aws:backup:source-resource", "Value": volume_arn}]
        snap = p.ec2.create_snapshot(
            VolumeId=volume, Description=BACKUP_DESCRIPTION,
            TagSpecifications=[{"ResourceType": "snapshot", "Tags": source_tags}])["SnapshotId"]
        if s.account == p.account:
            copy = s.ec2.copy_snapshot(SourceSnapshotId=snap, SourceRegion=p.region,
                                       Description=BACKUP_DESCRIPTION)["SnapshotId"]
        else:  # moto cannot copy snapshots across accounts: register the copy's look-alike
            vol = s.ec2.create_volume(AvailabilityZone=f"{s.region}a", Size=50)["VolumeId"]
            copy = s.ec2.create_snapshot(VolumeId=vol, Description=BACKUP_DESCRIPTION)["SnapshotId"]
            s.ec2.delete_volume(VolumeId=vol)
        s.ec2.create_tags(Resources=[copy], Tags=source_tags)
    else:
        snap = p.ec2.create_snapshot(
            VolumeId=volume, Description=f"{app} data daily",
            TagSpecifications=tag_spec("snapshot", Name=f"{app}-data-{p.token}", app=app),
        )["SnapshotId"]
        copy = seed_moto.copy_snapshot(p.site, s.site, snap, app)
    return {"volume": volume, "snapshot": snap, "standby_snapshot": copy}


# ------------------------------------------------------------------------------------------
# S3
# ------------------------------------------------------------------------------------------

def create_bucket(s3: Any, region: str, name: str, versioned: bool = False,
                  kms_key: str | None = None, tagset: dict[str, str] | None = None) -> str:
    args: dict[str, Any] = {"Bucket": name}
    if region != "us-east-1":
        args["CreateBucketConfiguration"] = {"LocationConstraint": region}
    s3.create_bucket(**args)
    if versioned:
        s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
    default: dict[str, Any] = {"SSEAlgorithm": "AES256"}
    if kms_key is not None:
        default = {"SSEAlgorithm": "aws:kms"}
        if kms_key:
            default["KMSMasterKeyID"] = kms_key
    s3.put_bucket_encryption(Bucket=name, ServerSideEncryptionConfiguration={"Rules": [
        {"ApplyServerSideEncryptionByDefault": default, "BucketKeyEnabled": kms_key is not None}]})
    s3.put_public_access_block(Bucket=name, PublicAccessBlockConfiguration={
        "BlockPublicAcls": True, "IgnorePublicAcls": True, "BlockPublicPolicy": True,
        "RestrictPublicBuckets": True})
    if tagset:
        s3.put_bucket_tagging(Bucket=name, Tagging={"TagSet": [
            {"Key": k, "Value": v} for k, v in tagset.items()]})
    return name


def policy(s3: Any, bucket: str, statements: list[dict[str, Any]]) -> None:
    s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps(
        {"Version": "2012-10-17", "Statement": statements}))


def replicate(s3: Any, source: str, dest: str, role: str, rule_id: str, *, account: str | None,
              rtc: bool, replica_key: str | None = None) -> None:
    destination: dict[str, Any] = {"Bucket": bucket_arn(dest), "StorageClass": "STANDARD"}
    if rtc:
        destination["ReplicationTime"] = {"Status": "Enabled", "Time": {"Minutes": 15}}
        destination["Metrics"] = {"Status": "Enabled", "EventThreshold": {"Minutes": 15}}
    if account:
        destination["Account"] = account
        destination["AccessControlTranslation"] = {"Owner": "Destination"}
    rule: dict[str, Any] = {"ID": rule_id, "Status": "Enabled", "Priority": 1,
                            "Filter": {"Prefix": ""},
                            "DeleteMarkerReplication": {"Status": "Enabled"},
                            "Destination": destination}
    if replica_key:
        rule["SourceSelectionCriteria"] = {"SseKmsEncryptedObjects": {"Status": "Enabled"}}
        destination["EncryptionConfiguration"] = {"ReplicaKmsKeyID": replica_key}
    s3.put_bucket_replication(Bucket=source,
                              ReplicationConfiguration={"Role": role, "Rules": [rule]})


def seed_service_buckets(p: Estate, s: Estate, third: Any, third_region: str,
                         traps: list[dict[str, Any]]) -> dict[str, str]:
    """The buckets every real account has and never replicates to its DR region."""
    a, r = p.account, p.region
    out: dict[str, str] = {}

    def trap(construct: str, name: str, site: str = "primary", detail: str = "") -> None:
        out[construct if site == "primary" else f"{construct}_{site}"] = name
        entry = {"construct": construct, "arn": bucket_arn(name), "site": site}
        if detail:
            entry["detail"] = detail
        traps.append(entry)

    # Server-access-log targets first: the other buckets log into them.
    for e, site in [(p, "primary"), (s, "standby")]:
        logs = create_bucket(e.s3, e.region, f"{ORG}-s3-access-logs-{e.account}-{e.region}",
                             tagset={"purpose": "s3-access-logs"})
        policy(e.s3, logs, [{
            "Sid": "S3ServerAccessLogsPolicy", "Effect": "Allow",
            "Principal": {"Service": "logging.s3.amazonaws.com"}, "Action": "s3:PutObject",
            "Resource": f"arn:aws:s3:::{logs}/*",
            "Condition": {"StringEquals": {"aws:SourceAccount": e.account}}}])
        trap("s3_access_log_target_bucket", logs, site,
             "target of PutBucketLogging of the data and service buckets")

    cdk = create_bucket(p.s3, r, f"cdk-hnb659fds-assets-{a}-{r}", versioned=True, kms_key="")
    p.s3.put_bucket_lifecycle_configuration(Bucket=cdk, LifecycleConfiguration={"Rules": [
        {"ID": "CleanupOldVersions", "Status": "Enabled", "Filter": {"Prefix": ""},
         "NoncurrentVersionExpiration": {"NoncurrentDays": 30}}]})
    policy(p.s3, cdk, [{"Sid": "AllowSSLRequestsOnly", "Effect": "Deny", "Principal": "*",
                        "Action": "s3:*", "Resource": [bucket_arn(cdk), f"{bucket_arn(cdk)}/*"],
                        "Condition": {"Bool": {"aws:SecureTransport": "false"}}}])
    trap("cdk_bootstrap_bucket", cdk, detail="CDKToolkit staging bucket, versioned, no replication")
    s_cdk = create_bucket(s.s3, s.region, f"cdk-hnb659fds-assets-{s.account}-{s.region}",
                          versioned=True, kms_key="")
    trap("cdk_bootstrap_bucket", s_cdk, "standby")

    cf = create_bucket(p.s3, r, f"cf-templates-{rnd('cf-' + a, 12)}-{r}")
    trap("cloudformation_templates_bucket", cf)
    s_cf = create_bucket(s.s3, s.region, f"cf-templates-{rnd('cf-' + s.account, 12)}-{s.region}")
    trap("cloudformation_templates_bucket", s_cf, "standby")

    trail = create_bucket(p.s3, r, f"aws-cloudtrail-logs-{a}-{rnd('trail-' + a, 8, '0123456789abcdef')}")
    policy(p.s3, trail, [
        {"Sid": "AWSCloudTrailAclCheck", "Effect": "Allow",
         "Principal": {"Service": "cloudtrail.amazonaws.com"}, "Action": "s3:GetBucketAcl",
         "Resource": bucket_arn(trail)},
        {"Sid": "AWSCloudTrailWrite", "Effect": "Allow",
         "Principal": {"Service": "cloudtrail.amazonaws.com"}, "Action": "s3:PutObject",
         "Resource": f"{bucket_arn(trail)}/AWSLogs/{a}/*",
         "Condition": {"StringEquals": {"s3:x-amz-acl": "bucket-owner-full-control"}}}])
    p.trail.create_trail(Name="management-events", S3BucketName=trail, IsMultiRegionTrail=True,
                         EnableLogFileValidation=True)
    trap("cloudtrail_bucket", trail, detail="target of the multi-region trail management-events")

    config = create_bucket(p.s3, r, f"config-bucket-{a}")
    policy(p.s3, config, [
        {"Sid": "AWSConfigBucketPermissionsCheck", "Effect": "Allow",
         "Principal": {"Service": "config.amazonaws.com"}, "Action": "s3:GetBucketAcl",
         "Resource": bucket_arn(config)},
        {"Sid": "AWSConfigBucketDelivery", "Effect": "Allow",
         "Principal": {"Service": "config.amazonaws.com"}, "Action": "s3:PutObject",
         "Resource": f"{bucket_arn(config)}/AWSLogs/{a}/Config/*"}])
    trap("config_bucket", config)

    elb = create_bucket(p.s3, r, f"{ORG}-alb-access-logs-{a}-{r}")
    statements = [{"Sid": "ELBLogDelivery", "Effect": "Allow",
                   "Principal": {"Service": "logdelivery.elasticloadbalancing.amazonaws.com"},
                   "Action": "s3:PutObject", "Resource": f"{bucket_arn(elb)}/AWSLogs/{a}/*"}]
    if r in ELB_ACCOUNT:
        statements.insert(0, {"Sid": "ELBAccountLogDelivery", "Effect": "Allow",
                              "Principal": {"AWS": f"arn:aws:iam::{ELB_ACCOUNT[r]}:root"},
                              "Action": "s3:PutObject",
                              "Resource": f"{bucket_arn(elb)}/AWSLogs/{a}/*"})
    policy(p.s3, elb, statements)
    trap("elb_access_log_bucket", elb, detail="bucket policy grants the ELB account / "
         "logdelivery.elasticloadbalancing.amazonaws.com s3:PutObject")

    athena = create_bucket(p.s3, r, f"aws-athena-query-results-{a}-{r}")
    trap("athena_results_bucket", athena)

    tf = create_bucket(p.s3, r, f"{ORG}-terraform-state", versioned=True, kms_key=p.keys["s3"],
                       tagset={"ManagedBy": "Terraform", "Purpose": "terraform-state"})
    trap("terraform_state_bucket", tf)

    # Application logs replicate to the central log archive in a third region.
    app_logs = create_bucket(p.s3, r, f"{ORG}-app-logs-{a}-{r}", versioned=True,
                             tagset={"purpose": "application-logs"})
    third_args: dict[str, Any] = {"Bucket": f"{ORG}-log-archive-{a}-{third_region}"}
    if third_region != "us-east-1":
        third_args["CreateBucketConfiguration"] = {"LocationConstraint": third_region}
    third.create_bucket(**third_args)
    third.put_bucket_versioning(Bucket=third_args["Bucket"],
                                VersioningConfiguration={"Status": "Enabled"})
    p.iam.create_role(RoleName="s3-log-archive-replication",
                      AssumeRolePolicyDocument=json.dumps(TRUST_S3))
    replicate(p.s3, app_logs, third_args["Bucket"],
              f"arn:aws:iam::{a}:role/s3-log-archive-replication", "log-archive",
              account=None, rtc=False)
    trap("log_bucket_replicating_to_third_region", app_logs,
         detail=f"replicates to {third_args['Bucket']} in {third_region}, not to the standby")
    out["log_archive"] = third_args["Bucket"]

    for name in [cdk, cf, trail, config, elb, athena, tf, app_logs]:
        p.s3.put_bucket_logging(Bucket=name, BucketLoggingStatus={"LoggingEnabled": {
            "TargetBucket": f"{ORG}-s3-access-logs-{a}-{r}", "TargetPrefix": f"{name}/"}})
    return out


# ------------------------------------------------------------------------------------------
# Route 53
# ------------------------------------------------------------------------------------------

def record_arn(zone: str, name: str, kind: str, set_id: str) -> str:
    return f"arn:aws:route53:::hostedzone/{zone}/recordset/{name}/{kind}/{set_id}"


def check_arn(check: str) -> str:
    return f"arn:aws:route53:::healthcheck/{check}"


def https_check(r53: Any, ref: str, fqdn: str, **flags: Any) -> str:
    check = r53.create_health_check(CallerReference=ref, HealthCheckConfig={
        "Type": "HTTPS", "FullyQualifiedDomainName": fqdn, "Port": 443,
        "ResourcePath": "/health", "RequestInterval": 30, "FailureThreshold": 3, **flags,
    })["HealthCheck"]["Id"]
    r53.change_tags_for_resource(ResourceType="healthcheck", ResourceId=check,
                                 AddTags=tags(Name=ref))
    return check


def alb_name(app: str, region: str) -> str:
    return f"{app}-alb-{rnd(app + region, 10, '0123456789')}.{region}.elb.amazonaws.com"


# ------------------------------------------------------------------------------------------
# The estate
# ------------------------------------------------------------------------------------------

def seed(endpoint: str, primary_region: str, standby_region: str, two_accounts: bool,
         with_counts: bool = True) -> dict[str, Any]:
    os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")
    os.environ.pop("AWS_PROFILE", None)
    base = boto3.Session(region_name=primary_region)
    p_site = Site(base, endpoint, primary_region)
    standby_session = (assumed(base, endpoint, STANDBY_ACCOUNT, standby_region)
                       if two_accounts else base)
    s_site = Site(standby_session, endpoint, standby_region)
    p = Estate(p_site, endpoint, "primary", "main", 0)
    s = Estate(s_site, endpoint, "standby", "dr", 1)
    shared_account = p.account == s.account
    third_region = next(r for r in ["eu-west-1", "eu-central-1", "ap-southeast-2"]
                        if r not in (primary_region, standby_region))
    third = base.client("s3", endpoint_url=endpoint, region_name=third_region)

    traps: list[dict[str, Any]] = []
    defects: list[dict[str, Any]] = []
    seed_network(p, traps, "primary")
    seed_network(s, traps, "standby")
    seed_keys(p, primary_key_only=["app11-ops"])
    seed_keys(s, primary_key_only=[])
    foreign = seed_foreign_images(base, endpoint, p, s)
    accounts = [p] if shared_account else [p, s]
    iam = {e.account: seed_account_iam(e.site) for e in accounts}
    for e in accounts:
        for service in ["autoscaling.amazonaws.com", "elasticloadbalancing.amazonaws.com"]:
            e.iam.create_service_linked_role(AWSServiceName=service)
    service_buckets = seed_service_buckets(p, s, third, third_region, traps)

    r53 = p_site.r53
    zone = r53.create_hosted_zone(Name=ZONE_NAME, CallerReference="drready-realistic",
                                  HostedZoneConfig={"Comment": "production", "PrivateZone": False},
                                  )["HostedZone"]["Id"].split("/")[-1]
    changes: list[dict[str, Any]] = []
    apps: list[dict[str, Any]] = []

    for n, app in enumerate(HEALTHY_APPS + list(DEFECT_APPS), start=1):
        defect, variant = DEFECT_APPS.get(app, (None, None))
        is_ = lambda d: defect == d  # noqa: E731
        for e in accounts:
            seed_app_role(e.site, app, iam[e.account]["managed_policy"])
        seed_instance_profile(p.site, app, p.token)
        seed_instance_profile(s.site, app, s.token)
        P: dict[str, Any] = {}
        S: dict[str, Any] = {}
        traps_of_app: list[tuple[str, str, str, str]] = []  # construct, arn, site, detail

        # --- images ---------------------------------------------------------------------
        if app == "app03":
            p_image, s_image = foreign["amazon_primary"], foreign["amazon_standby"]
            img_owner = AMAZON_ACCOUNT
            traps_of_app.append(("amazon_public_ami", f"arn:aws:ec2:{s.region}:{AMAZON_ACCOUNT}:"
                                 f"image/{s_image}", "standby",
                                 "standby template on Amazon's public AL2023 AMI"))
        elif app == "app04":
            p_image, s_image = foreign["golden_primary"], foreign["golden_standby"]
            img_owner = FACTORY_ACCOUNT
            for e, image in [(p, p_image), (s, s_image)]:
                traps_of_app.append(("shared_golden_ami", f"arn:aws:ec2:{e.region}:"
                                     f"{FACTORY_ACCOUNT}:image/{image}", e.role_word,
                                     "golden AMI shared by the image factory account"))
        else:
            img_owner = None
            p_image, s_image = own_ami(p, s, app, kms_key=p.keys["ebs"] if is_("failed_ami_copy")
                                       else None)
        P["image"], S["image"] = p_image, s_image
        if img_owner is None:
            P["image_arn"], S["image_arn"] = p.arn("image", p_image), s.arn("image", s_image)
        else:
            P["image_arn"] = f"arn:aws:ec2:{p.region}:{img_owner}:image/{p_image}"
            S["image_arn"] = f"arn:aws:ec2:{s.region}:{img_owner}:image/{s_image}"
        if app == "app06":
            snap = s.ec2.describe_images(ImageIds=[s_image])["Images"][0][
                "BlockDeviceMappings"][0]["Ebs"]["SnapshotId"]
            traps_of_app.append(("copyimage_snapshot", s.arn("snapshot", snap), "standby",
                                 "snapshot CopyImage created for the standby AMI copy"))

        # --- network choices ----------------------------------------------------------------
        p_subnet, s_subnet = p.net["subnets"]["a"], s.net["subnets"]["a"]
        p_groups, s_groups = [p.net["app_sg"]], [s.net["app_sg"]]
        if app == "app01":
            p_groups = [p.net["cfn_web_sg"], p.net["app_sg"]]
            s_groups = [s.net["cfn_web_sg"], s.net["app_sg"]]
        if app == "app02":
            p_subnet, s_subnet = p.net["alt_subnets"]["a"], s.net["alt_subnets"]["a"]
            p_groups, s_groups = [p.net["tf_web_sg"]], [s.net["tf_web_sg"]]
        if app == "app05":
            p_groups = [p.net["app_sg"], p.net["endpoints_sg"]]
            s_groups = [s.net["app_sg"], s.net["endpoints_sg"]]
        if is_("security_group_subnet_vpc_mismatch"):
            groups = {}
            for e, vpc in [(p, p.net["vpc"]), (s, s.net["alt_vpc"])]:
                # The standby group was created in prod-dr, the template's subnet is in
                # prod-standby-vpc: RunInstances refuses a group of another VPC.
                groups[e.role_word] = e.ec2.create_security_group(
                    GroupName=f"{app}-web-{e.token}", Description=f"{app} web", VpcId=vpc,
                    TagSpecifications=tag_spec("security-group", app=app),
                )["GroupId"]
                e.ec2.authorize_security_group_ingress(GroupId=groups[e.role_word], IpPermissions=[
                    {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443,
                     "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}])
            p_groups, s_groups = [groups["primary"]], [groups["standby"]]
        P["subnet"], S["subnet"], P["security_groups"], S["security_groups"] = (
            p_subnet, s_subnet, p_groups, s_groups)

        # --- launch templates ---------------------------------------------------------------
        key = {"app08": "app08-ops", "app09": None, "app11": "app11-ops"}.get(app, "prod-ops")
        opts: dict[str, Any] = {"key": key, "profile_by_arn": app == "app08",
                                "interface": app != "app09"}
        p_ebs = s_ebs = None
        if app == "app05":
            p_ebs, s_ebs = p.keys["ebs"], s.keys["ebs"]
        if is_("kms_key_other_region"):
            p_ebs, s_ebs = p.keys["ebs"], p.keys["ebs"]  # copied from the primary unchanged
        p_data = template_data(p, app, p_image, subnet=p_subnet, groups=p_groups, ebs_key=p_ebs,
                               **opts)
        s_data = template_data(s, app, s_image, subnet=s_subnet, groups=s_groups, ebs_key=s_ebs,
                               **opts)
        if app == "app10":
            s_lt = template(s, app, s_data, versions=[dict(s_data, InstanceType="t3.small"),
                                                      dict(s_data, InstanceType="t3.medium")],
                            default=2)
            traps_of_app.append(("launch_template_versions", s.arn("launch-template", s_lt),
                                 "standby", "3 versions, default 2, latest 3 (all valid)"))
        else:
            s_lt = template(s, app, s_data)
        p_lt = template(p, app, p_data)
        if app in ("app03", "app04"):
            construct = {"app03": "template_on_amazon_public_ami",
                         "app04": "template_on_shared_golden_ami"}[app]
            for e, lt, image in [(p, p_lt, p_image), (s, s_lt, s_image)]:
                traps_of_app.append((construct, e.arn("launch-template", lt), e.role_word,
                                     f"uses {image}, owned by account {img_owner}"))
        if app == "app05":
            for e, lt in [(p, p_lt), (s, s_lt)]:
                traps_of_app.append(("template_kms_key_same_region", e.arn("launch-template", lt),
                                     e.role_word, f"EBS encrypted with {e.keys['ebs']}"))
        P["launch_template"], S["launch_template"] = p_lt, s_lt
        P["launch_template_arn"] = p.arn("launch-template", p_lt)
        S["launch_template_arn"] = s.arn("launch-template", s_lt)
        P["instance"] = run_instance(p, app, p_lt, p_image, p_subnet, p_groups)
        if app == "app07":
            S["instance"] = run_instance(s, app, s_lt, s_image, s_subnet, s_groups,
                                         tier="warm-standby")
            p.ec2.create_tags(Resources=[P["instance"]], Tags=tags(dr__tier="warm-standby"))
            traps_of_app.append(("warm_standby_instance", s.arn("instance", S["instance"]),
                                 "standby", "dr:tier=warm-standby, running"))
        P.update(seed_data_volume(p, s, app, P["instance"], backup=app == "app05"))
        S["snapshot"] = P.pop("standby_snapshot")
        if app == "app05":
            traps_of_app.append(("aws_backup_protected_volume", p.arn("volume", P["volume"]),
                                 "primary", "newest snapshot is an AWS Backup recovery point "
                                 "with a Backup cross-region copy in the standby"))
            traps_of_app.append(("aws_backup_snapshot", p.arn("snapshot", P["snapshot"]),
                                 "primary", BACKUP_DESCRIPTION))
            traps_of_app.append(("aws_backup_snapshot_copy", s.arn("snapshot", S["snapshot"]),
                                 "standby", "AWS Backup cross-region copy of "
                                 f"{P['snapshot']} (tag aws:backup:source-resource)"))

        # --- data bucket ----------------------------------------------------------------------
        if n <= 5 or n > 10:
            p_bucket, s_bucket = f"{app}-data-{p.token}", f"{app}-data-{s.token}"
        else:
            p_bucket, s_bucket = (f"{ORG}-{app}-data-{p.account}-{p.region}",
                                  f"{ORG}-{app}-data-{s.account}-{s.region}")
        kms = app in ("app01", "app06")
        create_bucket(p.s3, p.region, p_bucket, versioned=True,
                      kms_key=p.keys["s3"] if kms else None, tagset={"app": app, "Name": p_bucket})
        create_bucket(s.s3, s.region, s_bucket, versioned=True,
                      kms_key=s.keys["s3"] if kms else None, tagset={"app": app, "Name": s_bucket})
        for e, b in [(p, p_bucket), (s, s_bucket)]:
            e.s3.put_bucket_logging(Bucket=b, BucketLoggingStatus={"LoggingEnabled": {
                "TargetBucket": f"{ORG}-s3-access-logs-{e.account}-{e.region}",
                "TargetPrefix": f"{b}/"}})
        role = iam[p.account]["replication_role"]
        if app == "app09" or is_("replication_role_missing"):
            role = f"arn:aws:iam::{p.account}:role/{app}-s3-replication"
            if app == "app09":
                p.iam.create_role(RoleName=f"{app}-s3-replication",
                                  AssumeRolePolicyDocument=json.dumps(TRUST_S3))
            elif variant == "trust_excludes_s3":
                p.iam.create_role(RoleName=f"{app}-s3-replication",
                                  AssumeRolePolicyDocument=json.dumps(TRUST_EC2),
                                  Description="copied from the instance role")
        replicate(p.s3, p_bucket, s_bucket, role, f"{app}-dr",
                  account=None if shared_account else s.account, rtc=app not in ("app09",),
                  replica_key=s.keys["s3"] if kms else None)
        P["bucket"], S["bucket"] = p_bucket, s_bucket
        P["replication_role"] = role

        # --- DNS ----------------------------------------------------------------------------
        fqdn = f"{app}.{ZONE_NAME}"
        p_alb, s_alb = alb_name(app, p.region), alb_name(app, s.region)
        primary: dict[str, Any] = {"Name": fqdn, "Type": "CNAME", "SetIdentifier": f"{app}-primary",
                                   "Failover": "PRIMARY", "TTL": 60,
                                   "ResourceRecords": [{"Value": p_alb}]}
        secondary: dict[str, Any] = {"Name": fqdn, "Type": "CNAME",
                                     "SetIdentifier": f"{app}-secondary", "Failover": "SECONDARY",
                                     "TTL": 60, "ResourceRecords": [{"Value": s_alb}]}
        p_check: str | None = None
        s_check: str | None = None
        if app != "app02":
            p_check = https_check(r53, f"{app}-primary", p_alb)
        if app not in ("app02", "app03") and not is_("shared_health_check"):
            s_check = https_check(r53, f"{app}-secondary", s_alb, Disabled=app == "app04")
        if app == "app02":
            for rec, region, alb in [(primary, p.region, p_alb), (secondary, s.region, s_alb)]:
                rec.update(Type="A", AliasTarget={
                    "HostedZoneId": ELB_ZONE.get(region, "Z35SXDOTRQ7X7K"),
                    "DNSName": f"dualstack.{alb}.", "EvaluateTargetHealth": True})
                del rec["TTL"], rec["ResourceRecords"]
            traps_of_app.append(("alias_failover_primary_evaluate_target_health",
                                 record_arn(zone, fqdn, "A", f"{app}-primary"), "primary",
                                 "PRIMARY alias, EvaluateTargetHealth, no health check"))
            traps_of_app.append(("alias_failover_secondary",
                                 record_arn(zone, fqdn, "A", f"{app}-secondary"), "primary",
                                 "SECONDARY alias to the standby load balancer"))
        if app == "app03":
            traps_of_app.append(("secondary_without_health_check",
                                 record_arn(zone, fqdn, "CNAME", f"{app}-secondary"), "primary",
                                 "SECONDARY without health check (Route 53 treats it as healthy)"))
        if app == "app04":
            traps_of_app.append(("secondary_disabled_health_check",
                                 record_arn(zone, fqdn, "CNAME", f"{app}-secondary"), "primary",
                                 f"SECONDARY on disabled check {s_check} (treated as healthy)"))
        if app in ("app06", "app17"):
            children = [p_check, https_check(r53, f"{app}-primary-b", f"b-{p_alb}")]
            threshold = 0 if is_("calculated_health_check_ineffective") else 1
            p_check = r53.create_health_check(CallerReference=f"{app}-primary-calculated",
                                              HealthCheckConfig={
                                                  "Type": "CALCULATED",
                                                  "HealthThreshold": threshold,
                                                  "ChildHealthChecks": children,
                                              })["HealthCheck"]["Id"]
            if app == "app06":
                traps_of_app.append(("calculated_health_check_effective", check_arn(p_check),
                                     "primary", "CALCULATED, HealthThreshold 1 of 2 children"))
        if app in ("app07", "app18"):
            alarm = f"{app}-primary-5xx"
            p.cw.put_metric_alarm(
                AlarmName=alarm, Namespace="AWS/ApplicationELB", MetricName="HTTPCode_ELB_5XX_Count",
                Statistic="Sum", Period=60, EvaluationPeriods=3, Threshold=10,
                ComparisonOperator="GreaterThanThreshold", TreatMissingData="missing",
                Dimensions=[{"Name": "LoadBalancer", "Value": f"app/{app}-alb/{rnd(app, 16, '0123456789abcdef')}"}])
            status = "Healthy" if is_("metric_health_check_healthy_on_no_data") else "Unhealthy"
            p_check = r53.create_health_check(CallerReference=f"{app}-primary-metric",
                                              HealthCheckConfig={
                                                  "Type": "CLOUDWATCH_METRIC",
                                                  "AlarmIdentifier": {"Region": p.region,
                                                                      "Name": alarm},
                                                  "InsufficientDataHealthStatus": status,
                                              })["HealthCheck"]["Id"]
            if app == "app07":
                traps_of_app.append(("metric_health_check_unhealthy_on_no_data",
                                     check_arn(p_check), "primary",
                                     "CLOUDWATCH_METRIC, InsufficientDataHealthStatus Unhealthy"))
        if is_("shared_health_check"):
            s_check = p_check
        if p_check:
            primary["HealthCheckId"] = p_check
        if s_check:
            secondary["HealthCheckId"] = s_check
        changes += [{"Action": "CREATE", "ResourceRecordSet": primary},
                    {"Action": "CREATE", "ResourceRecordSet": secondary}]
        kind = primary["Type"]
        dns = {"name": fqdn, "type": kind,
               "primary_record_arn": record_arn(zone, fqdn, kind, f"{app}-primary"),
               "secondary_record_arn": record_arn(zone, fqdn, kind, f"{app}-secondary"),
               "primary_health_check": p_check, "secondary_health_check": s_check}

        # --- the defect, as a finding should name it ----------------------------------------
        if defect:
            entry: dict[str, Any] = {"defect": defect, "app": app}
            if variant:
                entry["variant"] = variant
            lt_arn = S["launch_template_arn"]
            if is_("key_pair_missing_in_standby"):
                entry.update(resource_arn=lt_arn, site="standby", related=[], detail=(
                    f"default version 1 names key pair {key}, which exists only in "
                    f"{p.region} (account {p.account})"))
            elif is_("kms_key_other_region"):
                entry.update(resource_arn=lt_arn, site="standby", related=[p.keys["ebs"]], detail=(
                    f"BlockDeviceMappings /dev/xvda Ebs.KmsKeyId is {p.keys['ebs']}, a key of "
                    f"{p.region}; launches in {s.region} fail"))
            elif is_("security_group_subnet_vpc_mismatch"):
                entry.update(resource_arn=lt_arn, site="standby",
                             related=[s.arn("subnet", s_subnet), s.sg_arn(s_groups[0])], detail=(
                    f"subnet {s_subnet} is in {s.net['vpc']} (prod-standby-vpc), security group "
                    f"{s_groups[0]} is in {s.net['alt_vpc']} (prod-dr)"))
            elif is_("replication_role_missing"):
                why = ("does not exist" if variant == "role_absent"
                       else "trusts only ec2.amazonaws.com, not s3.amazonaws.com")
                entry.update(resource_arn=bucket_arn(p_bucket), site="primary", related=[role],
                             detail=f"replicates to {s_bucket} with role {role}, which {why}")
            elif is_("shared_health_check"):
                entry.update(resource_arn=dns["secondary_record_arn"], site="primary",
                             related=[dns["primary_record_arn"], check_arn(p_check)], detail=(
                    f"PRIMARY and SECONDARY of {fqdn} both use health check {p_check}: when the "
                    "primary fails, the secondary is unhealthy too"))
            elif is_("calculated_health_check_ineffective"):
                entry.update(resource_arn=dns["primary_record_arn"], site="primary",
                             related=[check_arn(p_check)], detail=(
                    f"PRIMARY on CALCULATED check {p_check} with HealthThreshold 0: always "
                    "healthy, failover never happens"))
            elif is_("metric_health_check_healthy_on_no_data"):
                entry.update(resource_arn=dns["primary_record_arn"], site="primary",
                             related=[check_arn(p_check)], detail=(
                    f"PRIMARY on CLOUDWATCH_METRIC check {p_check} with "
                    "InsufficientDataHealthStatus Healthy: a region outage (no data) keeps it "
                    "healthy"))
            elif is_("failed_ami_copy"):
                entry.update(resource_arn=lt_arn, site="standby", related=[S["image_arn"]], detail=(
                    f"standby template uses copy {s_image} in state failed (CopyImage encrypted "
                    f"with {p.keys['ebs']}, a key of {p.region})"))
            defects.append(entry)
        for construct, arn, site, detail in traps_of_app:
            traps.append({"construct": construct, "arn": arn, "site": site, "app": app,
                          "detail": detail})
        P["instance_arn"] = p.arn("instance", P["instance"])
        apps.append({"name": app, "healthy": defect is None, "defect": defect,
                     "primary": P, "standby": S, "dns": dns})

    # Clutter of a real zone: apex, www, mail, verification and ACM validation records.
    changes += [
        {"Action": "CREATE", "ResourceRecordSet": {
            "Name": ZONE_NAME, "Type": "MX", "TTL": 3600,
            "ResourceRecords": [{"Value": "10 inbound-smtp.us-east-1.amazonaws.com"}]}},
        {"Action": "CREATE", "ResourceRecordSet": {
            "Name": ZONE_NAME, "Type": "TXT", "TTL": 300,
            "ResourceRecords": [{"Value": '"v=spf1 include:amazonses.com -all"'},
                                {"Value": '"google-site-verification=' + rnd('gsv', 32) + '"'}]}},
        {"Action": "CREATE", "ResourceRecordSet": {
            "Name": f"www.{ZONE_NAME}", "Type": "CNAME", "TTL": 300,
            "ResourceRecords": [{"Value": f"app01.{ZONE_NAME}"}]}},
    ] + [{"Action": "CREATE", "ResourceRecordSet": {
        "Name": f"_{rnd('acm' + app, 32, '0123456789abcdef')}.{app}.{ZONE_NAME}", "Type": "CNAME",
        "TTL": 300, "ResourceRecords": [{"Value": f"_{rnd('acmv' + app, 32, '0123456789abcdef')}"
                                                  ".mhbtsbpdnt.acm-validations.aws."}]}}
        for app in HEALTHY_APPS[:3]]
    r53.change_resource_record_sets(HostedZoneId=zone, ChangeBatch={"Changes": changes})

    summary: dict[str, Any] = {
        "endpoint": endpoint,
        "estate": "realistic",
        "two_accounts": not shared_account,
        "primary": {"account": p.account, "region": p.region, "token": p.token,
                    "network": p.net, "kms_keys": p.keys},
        "standby": {"account": s.account, "region": s.region, "token": s.token,
                    "network": s.net, "kms_keys": s.keys},
        "third_region": third_region,
        "image_factory_account": FACTORY_ACCOUNT,
        "amazon_image_owner": AMAZON_ACCOUNT,
        "foreign_images": foreign,
        "iam": iam,
        "dns": {"zone_id": zone, "zone_name": ZONE_NAME},
        "service_buckets": service_buckets,
        "apps": apps,
        "healthy_apps": HEALTHY_APPS,
        "healthy_traps": traps,
        "defects": defects,
    }
    if with_counts:
        summary["counts"] = {"primary": seed_moto.counts(p_site, True),
                             "standby": seed_moto.counts(s_site, True)}
    return summary


def run(args: argparse.Namespace) -> int:
    summary = seed(args.endpoint, args.primary_region, args.standby_region, args.two_accounts,
                   with_counts=not getattr(args, "no_counts", False))
    json.dump(summary, sys.stdout, indent=2, sort_keys=True)
    sys.stdout.write("\n")
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--endpoint", required=True, help="moto server URL, http://127.0.0.1:PORT")
    parser.add_argument("--primary-region", default="us-east-1")
    parser.add_argument("--standby-region", default="us-west-2")
    parser.add_argument("--two-accounts", action="store_true",
                        help=f"standby in account {STANDBY_ACCOUNT} through STS AssumeRole")
    parser.add_argument("--no-counts", action="store_true", help="skip the resource counts")
    return run(parser.parse_args())


if __name__ == "__main__":
    sys.exit(main())
