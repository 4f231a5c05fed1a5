#!/usr/bin/env python3
"""Seeds a realistic two-region disaster-recovery estate into a running moto server.

Used by drready's live tests, the newcomer demo and the benchmarks. Prints a JSON summary of
what it seeded (ids, names, defects, and resource counts per site as the AWS APIs now report
them) on stdout.

Per application `appNN` (``--apps N``, default 6) it builds what a real DR pipeline leaves behind:

primary region (default us-east-1, region token ``use1``)
  - an AMI ``appNN-web-<date>`` (and its auto-created root snapshot), tagged ``app``
  - launch template ``appNN-web-use1`` (AMI, instance type, instance profile, security group,
    subnet); app01's template has a second, newer version that is not the default
  - an instance launched from the template (``aws:ec2launchtemplate:*`` tags) with a data volume
    ``appNN-data-use1`` and a snapshot of it
  - a versioned, encrypted bucket ``appNN-data-use1`` replicating to ``appNN-data-usw2``
standby region (default us-west-2, token ``usw2``)
  - CopyImage of the AMI, tagged ``dr:source-ami-id`` (moto's copies carry no lineage, so the
    copy is tagged as a real pipeline would)
  - CopySnapshot of the data snapshot, tagged ``dr:source-snapshot-id``
  - launch template ``appNN-web-usw2`` on the copied AMI; app01 is warm standby and also runs
    an instance there
  - the versioned destination bucket
per account (IAM and Route 53 are global)
  - role ``appNN-web`` (trust: EC2; inline policy; customer managed policy ``dr-common-read``),
    instance profiles ``appNN-web-use1`` and ``appNN-web-usw2``; role ``dr-s3-replication``
  - hosted zone ``dr-demo.example.com.`` with a failover pair (PRIMARY with a health check,
    SECONDARY) per application, an alias and a CNAME
shared per region: a VPC, two subnets, security groups ``dr-web-<token>`` and ``dr-db-<token>``.

``--defects`` leaves five things broken, each on its own application (cycling when there are
fewer than six):
  bucket_without_replication   app02: the primary bucket has no replication configuration
  ami_not_copied               app03: no standby copy; the standby template names the primary AMI
  launch_template_without_twin app04: no standby launch template
  failover_without_secondary   app05: the PRIMARY failover record has no SECONDARY
  standby_instance_profile_missing app06: ``app06-web-usw2`` does not exist (its template names it)

``--failback`` also replicates every replicated standby bucket back to its primary bucket (what
``failback = true`` asks for); ``--rule-defects`` implies it.

``--rule-defects`` seeds one more defect per rule of the catalogue whose inputs moto can produce,
each on its own application from app07 on (``--apps`` is raised to 27 when smaller). Every other
application stays healthy by every rule, under the default objectives and under strict ones
(rpo 15m, failback true):
  destination_versioning_suspended  app07: standby bucket versioning Suspended (DR-S3-003). It has
                                    no failback rule: AWS refuses to suspend versioning on a bucket
                                    that replicates, so under failback it is DR-S3-007's too
  replication_only_filtered         app08: the only rule toward the standby filters ``reports/``
  kms_objects_not_replicated        app09: SSE-KMS bucket whose rule neither selects SSE-KMS
                                    objects nor names a replica key
  ami_copy_stale                    app10: a newer primary build ``app10-web-2026-11-20``, never
                                    copied, registered at least 2 s after the copied build. moto
                                    stamps CreationDate with the current time and cannot backdate
                                    it, so DR-EC2-002 fires only with an rpo of 1 s
  standby_template_broken_reference app11: the standby template names the primary's subnet and
                                    security group
  instance_type_drift               app12: standby template t3.micro, primary t3.small
  workload_without_standby_capacity app13: instance launched without a template, no standby
                                    template, no standby instance
  standby_ami_disabled              app14: DisableImage on the standby copy its template uses
                                    (moto has no EnableImageDeprecation; moto lists disabled
                                    images, AWS only with IncludeDisabled)
  snapshot_not_copied               app15: a newer data snapshot (a second later) without copy
  security_group_without_twin       app16: primary group ``app16-web-use1`` used by the template
                                    and instance, no standby twin
  security_group_ingress_drift      app17: groups ``app17-web-use1``/``-usw2``; tcp 8443 from the
                                    web tier only in the primary
  primary_without_health_check      app18: PRIMARY failover record without health check
  health_check_broken               app19: PRIMARY on a disabled check, SECONDARY on an inverted one
                                    (a disabled check on a SECONDARY is healthy, which is harmless)
  secondary_targets_primary_region  app20: CNAME failover pair whose SECONDARY is a us-east-1 ELB
  failover_ttl_too_long             app21: failover records with TTL 300
  role_policy_drift                 app22: only with ``--two-accounts`` (IAM is global per account,
                                    so one account has one role for both sites): the standby
                                    account's ``app22-web`` lacks ``dr-common-read``
  role_pinned_to_primary            app23: ``app23-web`` grants only ``app23-data-use1``
  replication_without_rtc           app24: replication without Replication Time Control
  no_failback_replication           app25: no rule back from the standby bucket
  warm_standby_not_running          app26: ``dr:tier=warm-standby`` instance, standby template,
                                    no standby instance
  replication_outside_standby       app27: the only rule replicates to ``app27-data-euw1`` in
                                    eu-west-1, not to the standby bucket
Defects that cannot be seeded in the chosen layout are listed in ``unavailable_defects`` with the
reason. The summary's ``defects`` maps every seeded defect (both flags) to its application.

``--pair-name NAME`` seeds a second (third, ...) site pair into an account that already holds one:
every application is named ``NAME-appNN`` (so its roles, instance profiles, buckets, key pairs and
health checks are its own), the account-wide policy and replication role are
``NAME-dr-common-read`` and ``NAME-dr-s3-replication``, and the hosted zone is
``NAME.dr-demo.example.com.``; so that drready can tell which pair a global resource serves, the
application roles' path is ``/app/<primary region code>/`` and the failover records' set
identifiers end in their region's code (``NAME-app01-primary-use1``). Seed each pair with its own
regions (two pairs sharing a region would see each other's regional resources). Without it nothing
is renamed. The health checks' FQDNs name the pair's own region codes (``APP-use1.ZONE`` for
us-east-1).

``--account ID`` seeds into account ID (moto: STS AssumeRole into ``role/drready-seed`` of that
account acts in it) instead of moto's default account; with ``--two-accounts`` only the primary.

``--two-accounts`` puts the standby region in account 222222222222 (moto: STS AssumeRole into a
role of that account acts in it). moto cannot copy an AMI or a snapshot across accounts, so there
the standby copies are registered in the standby account with the same lineage tags.

``--realistic`` seeds the fixed realistic estate of ``scripts/seed_realistic.py`` instead (healthy
applications full of constructs real accounts have, plus one launch/failover defect per
application from app11 on); it takes only ``--primary-region``, ``--standby-region``,
``--two-accounts`` and ``--no-counts``, and needs the launcher patches of ``scripts/moto_server.py``.

Example:
    .venv/bin/python scripts/seed_moto.py --endpoint http://127.0.0.1:5000 --apps 50 --defects
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from typing import Any

import boto3

ZONE_NAME = "dr-demo.example.com."
STANDBY_ACCOUNT = "222222222222"
DEFECTS = [
    "bucket_without_replication",
    "ami_not_copied",
    "launch_template_without_twin",
    "failover_without_secondary",
    "standby_instance_profile_missing",
]
# --rule-defects, one application each from app07 on, in this order.
RULE_DEFECTS = [
    "destination_versioning_suspended",
    "replication_only_filtered",
    "kms_objects_not_replicated",
    "ami_copy_stale",
    "standby_template_broken_reference",
    "instance_type_drift",
    "workload_without_standby_capacity",
    "standby_ami_disabled",
    "snapshot_not_copied",
    "security_group_without_twin",
    "security_group_ingress_drift",
    "primary_without_health_check",
    "health_check_broken",
    "secondary_targets_primary_region",
    "failover_ttl_too_long",
    "role_policy_drift",
    "role_pinned_to_primary",
    "replication_without_rtc",
    "no_failback_replication",
    "warm_standby_not_running",
    "replication_outside_standby",
]
RULE_DEFECT_FIRST_APP = 7


# Two-letter codes of the compound directions, as AWS's short region codes write them
# (ap-northeast-1 -> apne1, so ap-south-1 and ap-southeast-1 get distinct tokens).
COMPOUND_DIRECTIONS = {"northeast": "ne", "northwest": "nw", "southeast": "se", "southwest": "sw"}


def token(region: str) -> str:
    """us-east-1 -> use1, eu-central-1 -> euc1, ap-southeast-2 -> apse2."""
    parts = region.split("-")
    return parts[0] + "".join(COMPOUND_DIRECTIONS.get(p, p[0]) for p in parts[1:-1]) + parts[-1]


def assumed_session(base: boto3.Session, endpoint: str, account: str, region: str,
                    ) -> boto3.Session:
    """A session acting in `account` (moto: AssumeRole into any role of an account acts in it)."""
    creds = base.client("sts", endpoint_url=endpoint).assume_role(
        RoleArn=f"arn:aws:iam::{account}:role/drready-seed",
        RoleSessionName="drready-seed",
    )["Credentials"]
    return boto3.Session(
        aws_access_key_id=creds["AccessKeyId"],
        aws_secret_access_key=creds["SecretAccessKey"],
        aws_session_token=creds["SessionToken"],
        region_name=region,
    )


def tags(**kv: str) -> list[dict[str, str]]:
    """Tags from keyword arguments; `dr__source_ami_id` becomes the key `dr:source-ami-id`."""
    def key(k: str) -> str:
        if "__" in k:
            prefix, rest = k.split("__", 1)
            return f"{prefix}:{rest.replace('_', '-')}"
        return k
    return [{"Key": key(k), "Value": v} for k, v in kv.items()]


def tag_spec(kind: str, **kv: str) -> list[dict[str, Any]]:
    return [{"ResourceType": kind, "Tags": tags(**kv)}]


class Site:
    def __init__(self, session: boto3.Session, endpoint: str, region: str):
        self.region = region
        self.token = token(region)
        self.session = session
        self.ec2 = session.client("ec2", endpoint_url=endpoint, region_name=region)
        self.s3 = session.client("s3", endpoint_url=endpoint, region_name=region)
        self.iam = session.client("iam", endpoint_url=endpoint, region_name=region)
        self.r53 = session.client("route53", endpoint_url=endpoint, region_name=region)
        self.account = session.client(
            "sts", endpoint_url=endpoint, region_name=region
        ).get_caller_identity()["Account"]
        self.network: dict[str, Any] = {}
        self.endpoint = endpoint

    def client(self, service: str) -> Any:
        """A boto3 client of this site for any service (the platform seeders use it)."""
        return self.session.client(service, endpoint_url=self.endpoint, region_name=self.region)


def seed_network(site: Site, cidr_second_octet: int) -> None:
    t = site.token
    vpc = site.ec2.create_vpc(
        CidrBlock=f"10.{cidr_second_octet}.0.0/16",
        TagSpecifications=tag_spec("vpc", Name=f"dr-vpc-{t}"),
    )["Vpc"]["VpcId"]
    subnets = []
    for i, az in enumerate("ab"):
        subnets.append(
            site.ec2.create_subnet(
                VpcId=vpc,
                CidrBlock=f"10.{cidr_second_octet}.{i + 1}.0/24",
                AvailabilityZone=f"{site.region}{az}",
                TagSpecifications=tag_spec("subnet", Name=f"dr-app-{az}-{t}"),
            )["Subnet"]["SubnetId"]
        )
    web = site.ec2.create_security_group(
        GroupName=f"dr-web-{t}",
        Description="web tier",
        VpcId=vpc,
        TagSpecifications=tag_spec("security-group", tier="web"),
    )["GroupId"]
    db = site.ec2.create_security_group(
        GroupName=f"dr-db-{t}",
        Description="database tier",
        VpcId=vpc,
        TagSpecifications=tag_spec("security-group", tier="db"),
    )["GroupId"]
    site.ec2.authorize_security_group_ingress(
        GroupId=web,
        IpPermissions=[
            {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443,
             "IpRanges": [{"CidrIp": "0.0.0.0/0"}], "Ipv6Ranges": [{"CidrIpv6": "::/0"}]},
            {"IpProtocol": "tcp", "FromPort": 8080, "ToPort": 8080,
             "UserIdGroupPairs": [{"GroupId": web}]},
        ],
    )
    site.ec2.authorize_security_group_ingress(
        GroupId=db,
        IpPermissions=[
            {"IpProtocol": "tcp", "FromPort": 5432, "ToPort": 5432,
             "UserIdGroupPairs": [{"GroupId": web}]},
        ],
    )
    site.network = {"vpc": vpc, "subnets": subnets, "web_sg": web, "db_sg": db}


TRUST_EC2 = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"},
                   "Action": "sts:AssumeRole"}],
}
TRUST_S3 = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Principal": {"Service": "s3.amazonaws.com"},
                   "Action": "sts:AssumeRole"}],
}


def seed_account_iam(site: Site, prefix: str = "") -> dict[str, str]:
    """Account-wide IAM: the managed policy and the S3 replication role (names prefixed by
    `prefix`, the ``--pair-name`` and a dash, when seeding a further pair into the account)."""
    policy = site.iam.create_policy(
        PolicyName=f"{prefix}dr-common-read",
        PolicyDocument=json.dumps({
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": ["ssm:GetParameter"], "Resource": "*"}],
        }),
    )["Policy"]["Arn"]
    role = site.iam.create_role(
        RoleName=f"{prefix}dr-s3-replication",
        AssumeRolePolicyDocument=json.dumps(TRUST_S3),
        Tags=tags(purpose="s3-replication"),
    )["Role"]["Arn"]
    site.iam.put_role_policy(
        RoleName=f"{prefix}dr-s3-replication",
        PolicyName="replicate",
        PolicyDocument=json.dumps({
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow",
                           "Action": ["s3:ReplicateObject", "s3:ReplicateDelete",
                                      "s3:GetObjectVersionForReplication"],
                           "Resource": "*"}],
        }),
    )
    return {"managed_policy": policy, "replication_role": role}


def seed_app_role(site: Site, app: str, policy_arn: str, attach: bool = True,
                  pinned_to: str | None = None, path: str = "/app/") -> None:
    """The application's role. `attach=False` leaves out the managed policy; `pinned_to` (a
    region token) grants only that region's data bucket instead of every region's."""
    site.iam.create_role(
        RoleName=f"{app}-web",
        Path=path,
        AssumeRolePolicyDocument=json.dumps(TRUST_EC2),
        Tags=tags(app=app),
    )
    if attach:
        site.iam.attach_role_policy(RoleName=f"{app}-web", PolicyArn=policy_arn)
    bucket = f"{app}-data-{pinned_to}" if pinned_to else f"{app}-data-*"
    site.iam.put_role_policy(
        RoleName=f"{app}-web",
        PolicyName=f"{app}-data",
        PolicyDocument=json.dumps({
            "Version": "2012-10-17",
            "Statement": [{"Effect": "Allow", "Action": ["s3:GetObject", "s3:PutObject"],
                           "Resource": f"arn:aws:s3:::{bucket}/*"}],
        }),
    )


def seed_instance_profile(site: Site, app: str, region_token: str) -> str:
    name = f"{app}-web-{region_token}"
    site.iam.create_instance_profile(InstanceProfileName=name, Tags=tags(app=app))
    site.iam.add_role_to_instance_profile(InstanceProfileName=name, RoleName=f"{app}-web")
    return name


def template_data(site: Site, app: str, ami: str, profile: str, kind: str,
                  groups: list[str] | None = None, subnet: str | None = None) -> dict[str, Any]:
    net = site.network
    return {
        "ImageId": ami,
        "InstanceType": kind,
        "KeyName": f"{app}-ops",
        "IamInstanceProfile": {"Name": profile},
        "NetworkInterfaces": [{"DeviceIndex": 0, "SubnetId": subnet or net["subnets"][0],
                               "Groups": groups or [net["web_sg"]]}],
    }


def ensure_key_pair(site: Site, name: str) -> None:
    """The SSH key pair a template names, created once per site (key pairs are regional)."""
    try:
        site.ec2.create_key_pair(KeyName=name, KeyType="ed25519")
    except site.ec2.exceptions.ClientError as e:
        if "Duplicate" not in str(e):
            raise


def launch_template(site: Site, app: str, ami: str, profile: str, kind: str = "t3.small",
                    groups: list[str] | None = None, subnet: str | None = None) -> str:
    ensure_key_pair(site, f"{app}-ops")
    return site.ec2.create_launch_template(
        LaunchTemplateName=f"{app}-web-{site.token}",
        VersionDescription="initial",
        LaunchTemplateData=template_data(site, app, ami, profile, kind, groups, subnet),
        TagSpecifications=tag_spec("launch-template", app=app),
    )["LaunchTemplate"]["LaunchTemplateId"]


def run_from_template(site: Site, app: str, template: str | None, profile: str,
                      groups: list[str] | None = None, ami: str | None = None,
                      tier: str | None = None) -> str:
    """An instance launched from `template`, or from `ami` without a template when `template` is
    None; `tier` sets the ``dr:tier`` tag."""
    # moto takes only the AMI from a launch template; the rest of what AWS would take from the
    # template (instance type, profile, network interface) is passed explicitly.
    net = site.network
    args: dict[str, Any] = {"ImageId": ami} if template is None else {
        "LaunchTemplate": {"LaunchTemplateId": template, "Version": "$Default"}}
    instance_tags = {"Name": f"{app}-web-{site.token}", "app": app}
    if tier:
        instance_tags["dr__tier"] = tier
    return site.ec2.run_instances(
        **args,
        MinCount=1,
        MaxCount=1,
        InstanceType="t3.small",
        IamInstanceProfile={"Name": profile},
        SubnetId=net["subnets"][0],
        SecurityGroupIds=groups or [net["web_sg"]],
        TagSpecifications=tag_spec("instance", **instance_tags),
    )["Instances"][0]["InstanceId"]


def app_security_group(site: Site, app: str, ports: list[int]) -> str:
    """A security group ``APP-web-TOKEN`` in the site's VPC allowing HTTPS from anywhere and
    each of `ports` from the shared web tier."""
    group = site.ec2.create_security_group(
        GroupName=f"{app}-web-{site.token}",
        Description=f"{app} web",
        VpcId=site.network["vpc"],
        TagSpecifications=tag_spec("security-group", app=app),
    )["GroupId"]
    permissions: list[dict[str, Any]] = [
        {"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443,
         "IpRanges": [{"CidrIp": "0.0.0.0/0"}]}]
    permissions += [{"IpProtocol": "tcp", "FromPort": p, "ToPort": p,
                     "UserIdGroupPairs": [{"GroupId": site.network["web_sg"]}]} for p in ports]
    site.ec2.authorize_security_group_ingress(GroupId=group, IpPermissions=permissions)
    return group


def seed_bucket(site: Site, name: str, app: str, kms: bool) -> None:
    args: dict[str, Any] = {"Bucket": name}
    if site.region != "us-east-1":
        args["CreateBucketConfiguration"] = {"LocationConstraint": site.region}
    site.s3.create_bucket(**args)
    site.s3.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
    rule: dict[str, Any] = {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}
    if kms:
        rule = {
            "ApplyServerSideEncryptionByDefault": {
                "SSEAlgorithm": "aws:kms",
                "KMSMasterKeyID": f"arn:aws:kms:{site.region}:{site.account}:alias/{app}-data",
            },
            "BucketKeyEnabled": True,
        }
    site.s3.put_bucket_encryption(
        Bucket=name, ServerSideEncryptionConfiguration={"Rules": [rule]}
    )
    site.s3.put_bucket_tagging(Bucket=name, Tagging={"TagSet": tags(app=app, Name=name)})


def replicate(primary: Site, standby: Site, app: str, source: str, dest: str, role: str,
              rich: bool, rtc: bool = True, prefix: str = "", rule_id: str | None = None) -> None:
    """Replication from `source` (in `primary`) to `dest` (in `standby`); for failback the sites
    are given the other way round."""
    destination: dict[str, Any] = {
        "Bucket": f"arn:aws:s3:::{dest}",
        "StorageClass": "STANDARD_IA",
    }
    if rtc:
        destination["ReplicationTime"] = {"Status": "Enabled", "Time": {"Minutes": 15}}
        destination["Metrics"] = {"Status": "Enabled", "EventThreshold": {"Minutes": 15}}
    if standby.account != primary.account:
        destination["Account"] = standby.account
        destination["AccessControlTranslation"] = {"Owner": "Destination"}
    rule: dict[str, Any] = {
        "ID": rule_id or f"{app}-dr",
        "Status": "Enabled",
        "Priority": 1,
        "Filter": {"Prefix": prefix},
        "DeleteMarkerReplication": {"Status": "Enabled"},
        "Destination": destination,
    }
    if rich:
        # Tag-and-prefix filter and SSE-KMS objects: exercises every field of the model.
        rule["Filter"] = {"And": {"Prefix": "data/", "Tags": tags(replicate="yes")}}
        rule["SourceSelectionCriteria"] = {"SseKmsEncryptedObjects": {"Status": "Enabled"}}
        destination["EncryptionConfiguration"] = {
            "ReplicaKmsKeyID": f"arn:aws:kms:{standby.region}:{standby.account}:alias/{app}-replica"
        }
    rules = [rule]
    if rich:
        # A catch-all rule beside the filtered one, so the whole bucket still replicates (a DR
        # setup with only filtered rules is rule DR-S3-004's defect, not a healthy estate).
        everything = {k: v for k, v in rule.items() if k not in ("ID", "Priority", "Filter")}
        everything.update({"ID": f"{app}-dr-all", "Priority": 2, "Filter": {"Prefix": ""}})
        rules.append(everything)
    primary.s3.put_bucket_replication(
        Bucket=source, ReplicationConfiguration={"Role": role, "Rules": rules}
    )


def copy_ami(primary: Site, standby: Site, ami: str, name: str, app: str) -> str:
    if primary.account == standby.account:
        copy = standby.ec2.copy_image(SourceImageId=ami, SourceRegion=primary.region,
                                      Name=name)["ImageId"]
    else:
        copy = standby.ec2.register_image(Name=name, Description=f"copy of {ami}")["ImageId"]
    standby.ec2.create_tags(Resources=[copy], Tags=tags(app=app, dr__source_ami_id=ami))
    return copy


def copy_snapshot(primary: Site, standby: Site, snap: str, app: str) -> str:
    description = f"[Copied {snap} from {primary.region}]"
    if primary.account == standby.account:
        copy = standby.ec2.copy_snapshot(SourceSnapshotId=snap, SourceRegion=primary.region,
                                         Description=description)["SnapshotId"]
    else:
        az = f"{standby.region}a"
        vol = standby.ec2.create_volume(AvailabilityZone=az, Size=20)["VolumeId"]
        copy = standby.ec2.create_snapshot(VolumeId=vol, Description=description)["SnapshotId"]
        standby.ec2.delete_volume(VolumeId=vol)
    standby.ec2.create_tags(
        Resources=[copy],
        Tags=tags(Name=f"{app}-data-{standby.token}", app=app, dr__source_snapshot_id=snap),
    )
    return copy


def health_check(site: Site, app: str, role: str, token: str, zone_name: str = ZONE_NAME,
                 **flags: bool) -> str:
    """An HTTPS health check named ``APP-ROLE`` on ``APP-TOKEN.<zone>``; `flags` are
    ``Inverted`` / ``Disabled``."""
    check = site.r53.create_health_check(
        CallerReference=f"{app}-{role}",
        HealthCheckConfig={
            "Type": "HTTPS", "FullyQualifiedDomainName": f"{app}-{token}.{zone_name[:-1]}",
            "Port": 443, "ResourcePath": "/health", "RequestInterval": 30,
            "FailureThreshold": 3, **flags,
        },
    )["HealthCheck"]["Id"]
    site.r53.change_tags_for_resource(
        ResourceType="healthcheck", ResourceId=check, AddTags=tags(Name=f"{app}-{role}")
    )
    return check


def seed_dns(site: Site, apps: list[str], defect_app: str | None,
             extra_records: int, variant_of: dict[str, str] | None = None,
             standby_token: str = "usw2", zone_name: str = ZONE_NAME,
             caller_reference: str = "drready-seed", coded: bool = False) -> dict[str, Any]:
    """A failover pair per application in zone `zone_name`; the health checks name the site's
    region code and `standby_token`; `coded` adds the region codes to the set identifiers
    (``APP-primary-use1``). `variant_of` maps an application to the DNS rule defect its pair
    carries (see RULE_DEFECTS)."""
    codes = (f"-{site.token}", f"-{standby_token}") if coded else ("", "")
    variant_of = variant_of or {}
    zone = site.r53.create_hosted_zone(Name=zone_name, CallerReference=caller_reference)
    zone_id = zone["HostedZone"]["Id"].split("/")[-1]
    changes: list[dict[str, Any]] = []
    checks = {}
    for n, app in enumerate(apps, start=1):
        variant = variant_of.get(app)
        fqdn = f"{app}.{zone_name}"
        host = n % 250
        kind, ttl = "A", 60
        values = (f"10.0.1.{host}", f"10.1.1.{host}")
        if variant == "secondary_targets_primary_region":
            # The SECONDARY was copied from the PRIMARY's region: both are its ELBs.
            kind = "CNAME"
            values = (f"{app}-web-1234.{site.region}.elb.amazonaws.com",
                      f"{app}-web-dr-5678.{site.region}.elb.amazonaws.com")
        if variant == "failover_ttl_too_long":
            ttl = 300
        primary: dict[str, Any] = {
            "Name": fqdn, "Type": kind, "SetIdentifier": f"{app}-primary{codes[0]}",
            "Failover": "PRIMARY", "TTL": ttl, "ResourceRecords": [{"Value": values[0]}]}
        secondary: dict[str, Any] = {
            "Name": fqdn, "Type": kind, "SetIdentifier": f"{app}-secondary{codes[1]}",
            "Failover": "SECONDARY", "TTL": ttl, "ResourceRecords": [{"Value": values[1]}]}
        if variant != "primary_without_health_check":
            disabled = {"Disabled": True} if variant == "health_check_broken" else {}
            checks[app] = health_check(site, app, "primary", site.token, zone_name, **disabled)
            primary["HealthCheckId"] = checks[app]
        if variant == "health_check_broken":
            secondary["HealthCheckId"] = health_check(site, app, "secondary", standby_token,
                                                      zone_name, Inverted=True)
        changes.append({"Action": "CREATE", "ResourceRecordSet": primary})
        if app != defect_app:
            changes.append({"Action": "CREATE", "ResourceRecordSet": secondary})
    changes.append({"Action": "CREATE", "ResourceRecordSet": {
        "Name": f"www.{zone_name}", "Type": "CNAME", "TTL": 300,
        "ResourceRecords": [{"Value": f"{apps[0]}.{zone_name}"}]}})
    changes.append({"Action": "CREATE", "ResourceRecordSet": {
        "Name": f"api.{zone_name}", "Type": "A",
        "AliasTarget": {"HostedZoneId": zone_id, "DNSName": f"{apps[0]}.{zone_name}",
                        "EvaluateTargetHealth": True}}})
    # Plain records, enough to make ListResourceRecordSets span several pages of 300.
    for i in range(extra_records):
        changes.append({"Action": "CREATE", "ResourceRecordSet": {
            "Name": f"host-{i:05d}.{zone_name}", "Type": "A", "TTL": 300,
            "ResourceRecords": [{"Value": f"10.2.{i // 250}.{i % 250 + 1}"}]}})
    for i in range(0, len(changes), 500):
        site.r53.change_resource_record_sets(
            HostedZoneId=zone_id, ChangeBatch={"Changes": changes[i:i + 500]}
        )
    return {"zone_id": zone_id, "zone_name": zone_name, "health_checks": checks}


def counts(site: Site, with_globals: bool) -> dict[str, int]:
    """Resource counts as the APIs report them now (what a collector should find)."""
    ec2 = site.ec2
    out = {
        "instances": sum(len(r["Instances"])
                         for r in ec2.describe_instances()["Reservations"]),
        "images": len(ec2.describe_images(Owners=["self"])["Images"]),
        "launch_templates": len(ec2.describe_launch_templates(MaxResults=200)["LaunchTemplates"]),
        "volumes": len(ec2.describe_volumes()["Volumes"]),
        "snapshots": len(ec2.describe_snapshots(OwnerIds=["self"])["Snapshots"]),
        "vpcs": len(ec2.describe_vpcs()["Vpcs"]),
        "subnets": len(ec2.describe_subnets()["Subnets"]),
        "security_groups": len(ec2.describe_security_groups()["SecurityGroups"]),
    }
    buckets = site.s3.list_buckets()["Buckets"]
    out["buckets"] = sum(
        1 for b in buckets
        if (site.s3.get_bucket_location(Bucket=b["Name"])["LocationConstraint"] or "us-east-1")
        == site.region
    )
    if with_globals:
        out["roles"] = len(site.iam.get_account_authorization_details(
            Filter=["Role"])["RoleDetailList"])
        out["instance_profiles"] = len(site.iam.list_instance_profiles()["InstanceProfiles"])
        zones = site.r53.list_hosted_zones()["HostedZones"]
        out["hosted_zones"] = len(zones)
        records = set()
        for z in zones:
            args: dict[str, Any] = {"HostedZoneId": z["Id"]}
            while True:
                page = site.r53.list_resource_record_sets(**args)
                for r in page["ResourceRecordSets"]:
                    records.add((r["Name"], r["Type"], r.get("SetIdentifier")))
                if not page["IsTruncated"]:
                    break
                args = {"HostedZoneId": z["Id"], "StartRecordName": page["NextRecordName"],
                        "StartRecordType": page["NextRecordType"]}
                if "NextRecordIdentifier" in page:
                    args["StartRecordIdentifier"] = page["NextRecordIdentifier"]
        out["record_sets"] = len(records)
        out["health_checks"] = len(site.r53.list_health_checks()["HealthChecks"])
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--endpoint", required=True, help="moto server URL, http://127.0.0.1:PORT")
    parser.add_argument("--primary-region", default="us-east-1")
    parser.add_argument("--standby-region", default="us-west-2")
    parser.add_argument("--apps", type=int, default=6, help="number of applications (>= 1)")
    parser.add_argument("--defects", action="store_true", help="seed the five DR defects")
    parser.add_argument("--rule-defects", action="store_true",
                        help="seed one defect per rule moto can produce, on app07 onward "
                             f"(raises --apps to {RULE_DEFECT_FIRST_APP - 1 + len(RULE_DEFECTS)}; "
                             "implies --failback)")
    parser.add_argument("--failback", action="store_true",
                        help="replicate every replicated standby bucket back to the primary")
    parser.add_argument("--two-accounts", action="store_true",
                        help=f"standby in account {STANDBY_ACCOUNT} through STS AssumeRole")
    parser.add_argument("--pair-name", default="",
                        help="seed a further site pair into an account that holds one: "
                             "applications NAME-appNN, account-wide IAM names NAME-..., zone "
                             "NAME.dr-demo.example.com. (lower-case letters, digits, '-')")
    parser.add_argument("--account", default="",
                        help="seed into this account id (12 digits) through STS AssumeRole "
                             "instead of moto's default account (the primary only with "
                             "--two-accounts)")
    parser.add_argument("--dns-records", type=int, default=0,
                        help="extra plain A records in the zone (to exercise record paging)")
    parser.add_argument("--no-counts", action="store_true",
                        help="skip the resource counts in the summary (faster for benchmarks)")
    parser.add_argument("--platform", action="store_true",
                        help="also seed databases, Auto Scaling groups, load balancers and "
                             "certificates, KMS keys, secrets and quotas (scripts/seed_platform/)")
    parser.add_argument("--platform-defects", action="store_true",
                        help="with --platform, one defect per platform rule on applications of "
                             "their own (implies --platform)")
    parser.add_argument("--realistic", action="store_true",
                        help="seed the realistic estate of scripts/seed_realistic.py instead "
                             "(19 fixed applications, healthy traps and one defect per app11+; "
                             "takes --primary-region, --standby-region, --two-accounts, "
                             "--no-counts)")
    args = parser.parse_args()
    if args.realistic:
        given = {a.split("=", 1)[0] for a in sys.argv[1:]}
        clash = sorted(given & {"--apps", "--defects", "--rule-defects", "--failback",
                                "--dns-records", "--platform", "--platform-defects",
                                "--pair-name", "--account"})
        if clash:
            parser.error(f"--realistic seeds a fixed estate: {', '.join(clash)} cannot be used "
                         "with it")
        sys.dont_write_bytecode = True
        sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
        import seed_realistic

        return seed_realistic.run(args)
    if args.apps < 1:
        parser.error("--apps must be at least 1")
    pair = args.pair_name
    if pair and not (pair[0].isalpha() and all(c.islower() or c.isdigit() or c == "-"
                                               for c in pair) and len(pair) <= 20):
        parser.error("--pair-name must start with a letter and use only lower-case letters, "
                     "digits and '-' (at most 20): it prefixes bucket and role names")
    if args.account and not (len(args.account) == 12 and args.account.isdigit()):
        parser.error("--account must be a 12-digit account id")
    if args.account == STANDBY_ACCOUNT and args.two_accounts:
        parser.error(f"--account {STANDBY_ACCOUNT} is the standby account of --two-accounts")
    if args.apps > 200:
        # moto answers DescribeLaunchTemplates with at most MaxResults (200) templates and no
        # NextToken, so a larger estate would be silently truncated by the emulator.
        parser.error("--apps must be at most 200 (moto truncates DescribeLaunchTemplates at 200)")
    if args.rule_defects:
        args.apps = max(args.apps, RULE_DEFECT_FIRST_APP - 1 + len(RULE_DEFECTS))
        args.failback = True

    os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")
    os.environ.pop("AWS_PROFILE", None)
    default = boto3.Session(region_name=args.primary_region)
    base = default
    if args.account:
        base = assumed_session(default, args.endpoint, args.account, args.primary_region)
    primary = Site(base, args.endpoint, args.primary_region)
    if args.two_accounts:
        standby_session = assumed_session(default, args.endpoint, STANDBY_ACCOUNT,
                                          args.standby_region)
    else:
        standby_session = base
    standby = Site(standby_session, args.endpoint, args.standby_region)
    shared_account = primary.account == standby.account

    prefix = f"{pair}-" if pair else ""
    apps = [f"{prefix}app{i:02d}" for i in range(1, args.apps + 1)]
    defect_of = {}
    if args.defects:
        defect_of = {d: apps[(k + 1) % len(apps)] for k, d in enumerate(DEFECTS)}
    broken = lambda d, app: defect_of.get(d) == app  # noqa: E731
    rule_defect: dict[str, str] = {}  # app -> its rule defect
    unavailable: dict[str, str] = {}
    if args.rule_defects:
        for k, d in enumerate(RULE_DEFECTS):
            app = apps[RULE_DEFECT_FIRST_APP - 1 + k]
            if d == "role_policy_drift" and shared_account:
                unavailable[d] = ("IAM is global per account: with one account both sites read the "
                                  "same role, which pairs with itself; use --two-accounts")
                continue
            rule_defect[app] = d
            defect_of[d] = app
    is_ = lambda d, app: rule_defect.get(app) == d  # noqa: E731

    seed_network(primary, 0)
    seed_network(standby, 1)
    accounts = [primary] if shared_account else [primary, standby]
    iam = {s.account: seed_account_iam(s, prefix) for s in accounts}

    summary_apps = []
    # app -> (when its first AMI build or data snapshot was made, that image or volume id)
    late: dict[str, tuple[float, str]] = {}
    for n, app in enumerate(apps, start=1):
        for s in accounts:
            seed_app_role(
                s, app, iam[s.account]["managed_policy"],
                attach=not (is_("role_policy_drift", app) and s is standby),
                pinned_to=primary.token if is_("role_pinned_to_primary", app) else None,
                path=f"/app/{primary.token}/" if pair else "/app/",
            )
        p_profile = seed_instance_profile(primary, app, primary.token)
        s_profile = f"{app}-web-{standby.token}"
        if not broken("standby_instance_profile_missing", app):
            seed_instance_profile(standby, app, standby.token)

        # Per-application security groups.
        p_groups = s_groups = None
        p_sg = s_sg = None
        if is_("security_group_without_twin", app):
            p_sg = app_security_group(primary, app, [8443])
            p_groups = [primary.network["web_sg"], p_sg]
        if is_("security_group_ingress_drift", app):
            p_sg = app_security_group(primary, app, [8443])
            s_sg = app_security_group(standby, app, [])
            p_groups, s_groups = [p_sg], [s_sg]

        # Primary compute: AMI, template (app01 gets a newer non-default version), instance,
        # data volume and its snapshot.
        ami = primary.ec2.register_image(
            Name=f"{app}-web-2026-11-01", Description=f"{app} web server"
        )["ImageId"]
        primary.ec2.create_tags(Resources=[ami], Tags=tags(app=app))
        if is_("ami_copy_stale", app):
            late[app] = (time.monotonic(), ami)
        p_lt = None
        if not is_("workload_without_standby_capacity", app):
            p_lt = launch_template(primary, app, ami, p_profile, groups=p_groups)
        if n == 1:
            # Full data: moto ignores SourceVersion (AWS would inherit version 1's data).
            primary.ec2.create_launch_template_version(
                LaunchTemplateId=p_lt, VersionDescription="canary",
                LaunchTemplateData=template_data(primary, app, ami, p_profile, "t3.medium"),
            )
        tier = "warm-standby" if is_("warm_standby_not_running", app) else None
        p_instance = run_from_template(primary, app, p_lt, p_profile, groups=p_groups, ami=ami,
                                       tier=tier)
        az = f"{primary.region}a"
        volume = primary.ec2.create_volume(
            AvailabilityZone=az, Size=20, VolumeType="gp3",
            TagSpecifications=tag_spec("volume", Name=f"{app}-data-{primary.token}", app=app),
        )["VolumeId"]
        primary.ec2.attach_volume(VolumeId=volume, InstanceId=p_instance, Device="/dev/sdf")
        snap = primary.ec2.create_snapshot(
            VolumeId=volume, Description=f"{app} data daily",
            TagSpecifications=tag_spec("snapshot", Name=f"{app}-data-{primary.token}", app=app),
        )["SnapshotId"]
        if is_("snapshot_not_copied", app):
            late[app] = (time.monotonic(), volume)

        # Standby compute.
        s_ami = None
        if not broken("ami_not_copied", app):
            s_ami = copy_ami(primary, standby, ami, f"{app}-web-2026-11-01", app)
        s_snap = copy_snapshot(primary, standby, snap, app)
        s_lt = None
        s_instance = None
        if not (broken("launch_template_without_twin", app)
                or is_("workload_without_standby_capacity", app)):
            kind = "t3.micro" if is_("instance_type_drift", app) else "t3.small"
            subnet = None
            if is_("standby_template_broken_reference", app):
                # Copied from the primary template unchanged: primary-region ids.
                s_groups, subnet = [primary.network["web_sg"]], primary.network["subnets"][0]
            s_lt = launch_template(standby, app, s_ami or ami, s_profile, kind=kind,
                                   groups=s_groups, subnet=subnet)
            if n == 1:
                s_instance = run_from_template(standby, app, s_lt, s_profile)
        if is_("standby_ami_disabled", app):
            standby.ec2.disable_image(ImageId=s_ami)

        # Data.
        p_bucket, s_bucket = f"{app}-data-{primary.token}", f"{app}-data-{standby.token}"
        kms = n == 1 or is_("kms_objects_not_replicated", app)
        seed_bucket(primary, p_bucket, app, kms=kms)
        seed_bucket(standby, s_bucket, app, kms=kms)
        if is_("replication_outside_standby", app):
            # A versioned bucket in a third region (an archive), the rule's only destination.
            archive = f"{app}-data-euw1"
            elsewhere = primary.session.client("s3", endpoint_url=args.endpoint,
                                               region_name="eu-west-1")
            elsewhere.create_bucket(
                Bucket=archive, CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
            elsewhere.put_bucket_versioning(
                Bucket=archive, VersioningConfiguration={"Status": "Enabled"})
            replicate(primary, primary, app, p_bucket, archive,
                      iam[primary.account]["replication_role"], rich=False)
        elif not broken("bucket_without_replication", app):
            replicate(primary, standby, app, p_bucket, s_bucket,
                      iam[primary.account]["replication_role"], rich=(n == 1),
                      rtc=not is_("replication_without_rtc", app),
                      prefix="reports/" if is_("replication_only_filtered", app) else "")
            # AWS refuses to suspend versioning on a bucket that replicates, so the bucket with
            # suspended versioning has no failback rule either.
            if args.failback and not (is_("no_failback_replication", app)
                                      or is_("destination_versioning_suspended", app)):
                replicate(standby, primary, app, s_bucket, p_bucket,
                          iam[standby.account]["replication_role"], rich=False,
                          rule_id=f"{app}-failback")
        if is_("destination_versioning_suspended", app):
            standby.s3.put_bucket_versioning(
                Bucket=s_bucket, VersioningConfiguration={"Status": "Suspended"})

        summary_apps.append({
            "name": app,
            "primary": {"image": ami, "launch_template": p_lt, "instance": p_instance,
                        "volume": volume, "snapshot": snap, "bucket": p_bucket,
                        "instance_profile": p_profile, "security_group": p_sg},
            "standby": {"image": s_ami, "launch_template": s_lt, "instance": s_instance,
                        "snapshot": s_snap, "bucket": s_bucket, "instance_profile": s_profile,
                        "security_group": s_sg},
        })

    # Builds that must be later than the seeded ones. moto stamps CreationDate and StartTime
    # with the current time, to the second: wait until the newer build is at least 2 s (AMI) or
    # 1 s (snapshot) younger than the first one.
    by_name = {a["name"]: a for a in summary_apps}
    for app, (made, first) in sorted(late.items()):
        if is_("ami_copy_stale", app):
            time.sleep(max(0.0, made + 2.2 - time.monotonic()))
            newer = primary.ec2.register_image(
                Name=f"{app}-web-2026-11-20", Description=f"{app} web server"
            )["ImageId"]
            primary.ec2.create_tags(Resources=[newer], Tags=tags(app=app))
            by_name[app]["primary"]["newer_image"] = newer
        if is_("snapshot_not_copied", app):
            time.sleep(max(0.0, made + 1.2 - time.monotonic()))
            by_name[app]["primary"]["newer_snapshot"] = primary.ec2.create_snapshot(
                VolumeId=first, Description=f"{app} data hourly",
                TagSpecifications=tag_spec("snapshot", Name=f"{app}-data-{primary.token}",
                                           app=app),
            )["SnapshotId"]

    dns_variants = {app: d for app, d in rule_defect.items() if d in (
        "primary_without_health_check", "health_check_broken",
        "secondary_targets_primary_region", "failover_ttl_too_long")}
    zone_name = f"{pair}.{ZONE_NAME}" if pair else ZONE_NAME
    dns = seed_dns(primary, apps, defect_of.get("failover_without_secondary"), args.dns_records,
                   dns_variants, standby_token=standby.token, zone_name=zone_name,
                   caller_reference=f"drready-seed-{pair}" if pair else "drready-seed",
                   coded=bool(pair))

    platform: dict[str, Any] = {}
    if args.platform or args.platform_defects:
        sys.dont_write_bytecode = True
        sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
        import seed_platform

        platform = seed_platform.run(seed_platform.Context(
            primary=primary, standby=standby, apps=apps, defects=args.platform_defects,
            shared_account=shared_account, endpoint=args.endpoint, base=by_name,
            zone=zone_name[:-1]))

    summary: dict[str, Any] = {
        "endpoint": args.endpoint,
        "platform": platform,
        "two_accounts": not shared_account,
        "primary": {"account": primary.account, "region": primary.region,
                    "token": primary.token, "network": primary.network},
        "standby": {"account": standby.account, "region": standby.region,
                    "token": standby.token, "network": standby.network},
        "iam": iam,
        "dns": dns,
        "apps": summary_apps,
        "defects": defect_of,
        "unavailable_defects": unavailable,
        "failback": args.failback,
    }
    if pair:
        summary["pair_name"] = pair
    if not args.no_counts:
        summary["primary"]["counts"] = counts(primary, True)
        summary["standby"]["counts"] = counts(standby, True)
    json.dump(summary, sys.stdout, indent=2, sort_keys=True)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
