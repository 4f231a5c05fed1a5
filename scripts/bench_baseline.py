#!/usr/bin/env python3
"""The baseline of the collection benchmark (scripts/bench-scan, docs/performance.md).

What a user would write by hand to take the same inventory drready takes: plain boto3, one call
after another, no threads. It makes the same list/describe/get calls as drready's collectors
(src/collect/), with the largest page size each API allows (without it moto silently truncates
some listings, e.g. launch templates at 15), and the same batch calls (launch template versions by
`$Latest`/`$Default` for the whole account, IAM GetAccountAuthorizationDetails, Route 53 tags ten
resources per call), so the API call counts compare like with like. Global services (IAM,
Route 53) and the bucket listing are read once per account.

    .venv/bin/python scripts/bench_baseline.py --endpoint http://127.0.0.1:5000 \
        --primary-region us-east-1 --standby-region us-west-2

Prints one JSON object: wall seconds, API calls (total and per service), resource counts.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from collections import Counter
from typing import Any

import boto3
from botocore.config import Config

CALLS: Counter[str] = Counter()


def count_call(model: Any, **_: Any) -> None:
    # `before-call` fires once per API call (not per retry attempt), as drready counts.
    CALLS[model.service_model.service_name] += 1


def clients(session: boto3.Session, endpoint: str, region: str) -> dict[str, Any]:
    config = Config(retries={"mode": "standard", "max_attempts": 5})
    out = {}
    for service in ("sts", "ec2", "s3", "iam", "route53", "rds", "dynamodb", "autoscaling",
                    "elbv2", "acm", "kms", "secretsmanager", "service-quotas"):
        extra = {"s3": {"addressing_style": "path"}} if service == "s3" else {}
        c = session.client(service, endpoint_url=endpoint, region_name=region,
                           config=config.merge(Config(**extra)) if extra else config)
        c.meta.events.register("before-call", count_call)
        out[service] = c
    return out


def pages(client: Any, operation: str, **kwargs: Any) -> list[dict[str, Any]]:
    return list(client.get_paginator(operation).paginate(**kwargs))


def ec2_inventory(ec2: Any) -> dict[str, list[Any]]:
    inv: dict[str, list[Any]] = {}
    inv["instances"] = [i for p in pages(ec2, "describe_instances", MaxResults=1000)
                        for r in p["Reservations"] for i in r["Instances"]]
    inv["images"] = [i for p in pages(ec2, "describe_images", Owners=["self"], MaxResults=1000)
                     for i in p["Images"]]
    templates = [t for p in pages(ec2, "describe_launch_templates", MaxResults=200)
                 for t in p["LaunchTemplates"]]
    versions: dict[tuple[str, int], Any] = {}
    if templates:
        for p in pages(ec2, "describe_launch_template_versions",
                       Versions=["$Latest", "$Default"], MaxResults=200):
            for v in p["LaunchTemplateVersions"]:
                versions[(v["LaunchTemplateId"], v["VersionNumber"])] = v
        # Templates the account-wide call left out, one call each (as drready does).
        for t in templates:
            wanted = {t.get("DefaultVersionNumber"), t.get("LatestVersionNumber")} - {None}
            if any((t["LaunchTemplateId"], n) not in versions for n in wanted):
                answer = ec2.describe_launch_template_versions(
                    LaunchTemplateId=t["LaunchTemplateId"], Versions=["$Latest", "$Default"])
                for v in answer["LaunchTemplateVersions"]:
                    versions[(v["LaunchTemplateId"], v["VersionNumber"])] = v
    inv["launch_templates"] = templates
    inv["launch_template_versions"] = list(versions.values())
    inv["volumes"] = [v for p in pages(ec2, "describe_volumes", MaxResults=500)
                      for v in p["Volumes"]]
    inv["snapshots"] = [s for p in pages(ec2, "describe_snapshots", OwnerIds=["self"],
                                         MaxResults=1000) for s in p["Snapshots"]]
    inv["vpcs"] = [v for p in pages(ec2, "describe_vpcs", MaxResults=1000) for v in p["Vpcs"]]
    inv["subnets"] = [s for p in pages(ec2, "describe_subnets", MaxResults=1000)
                      for s in p["Subnets"]]
    inv["security_groups"] = [g for p in pages(ec2, "describe_security_groups", MaxResults=1000)
                              for g in p["SecurityGroups"]]
    inv["key_pairs"] = ec2.describe_key_pairs()["KeyPairs"]
    inv["prefix_lists"] = [x for p in pages(ec2, "describe_managed_prefix_lists", MaxResults=100)
                           for x in p["PrefixLists"]]
    return inv


def list_buckets(s3: Any) -> list[tuple[str, str]]:
    """(name, region) of every bucket of the account."""
    out = []
    for b in s3.list_buckets()["Buckets"]:
        region = b.get("BucketRegion")
        if not region:
            region = s3.get_bucket_location(Bucket=b["Name"])["LocationConstraint"] or "us-east-1"
            region = "eu-west-1" if region == "EU" else region
        out.append((b["Name"], region))
    return out


def bucket_details(s3: Any, name: str) -> dict[str, Any]:
    detail: dict[str, Any] = {"name": name}
    detail["versioning"] = s3.get_bucket_versioning(Bucket=name).get("Status")
    for key, call, absent in [
        ("replication", s3.get_bucket_replication, "ReplicationConfigurationNotFoundError"),
        ("encryption", s3.get_bucket_encryption,
         "ServerSideEncryptionConfigurationNotFoundError"),
        ("tags", s3.get_bucket_tagging, "NoSuchTagSet"),
    ]:
        try:
            detail[key] = call(Bucket=name)
        except s3.exceptions.ClientError as e:
            if e.response["Error"]["Code"] != absent:
                raise
            detail[key] = None
    detail["logging"] = s3.get_bucket_logging(Bucket=name).get("LoggingEnabled")
    return detail


def iam_inventory(iam: Any) -> dict[str, list[Any]]:
    roles = [r for p in pages(iam, "get_account_authorization_details", Filter=["Role"],
                              MaxItems=1000) for r in p["RoleDetailList"]]
    profiles = [ip for p in pages(iam, "list_instance_profiles", MaxItems=1000)
                for ip in p["InstanceProfiles"]]
    return {"roles": roles, "instance_profiles": profiles}


def route53_inventory(r53: Any) -> dict[str, list[Any]]:
    zones = [z for p in pages(r53, "list_hosted_zones", MaxItems="100") for z in p["HostedZones"]]
    records: dict[tuple[str, str, str, str | None], Any] = {}
    for z in zones:
        args: dict[str, Any] = {"HostedZoneId": z["Id"], "MaxItems": "300"}
        while True:
            page = r53.list_resource_record_sets(**args)
            for r in page["ResourceRecordSets"]:
                records.setdefault((z["Id"], r["Name"], r["Type"], r.get("SetIdentifier")), r)
            if not page["IsTruncated"]:
                break
            args = {"HostedZoneId": z["Id"], "MaxItems": "300",
                    "StartRecordName": page["NextRecordName"],
                    "StartRecordType": page["NextRecordType"]}
            if "NextRecordIdentifier" in page:
                args["StartRecordIdentifier"] = page["NextRecordIdentifier"]
    checks = [h for p in pages(r53, "list_health_checks", MaxItems="1000")
              for h in p["HealthChecks"]]
    tags = []
    for kind, ids in [("hostedzone", [z["Id"].split("/")[-1] for z in zones]),
                      ("healthcheck", [h["Id"] for h in checks])]:
        for i in range(0, len(ids), 10):
            tags.extend(r53.list_tags_for_resources(ResourceType=kind, ResourceIds=ids[i:i + 10])
                        ["ResourceTagSets"])
    return {"zones": zones, "records": list(records.values()), "health_checks": checks,
            "tags": tags}


def platform_inventory(c: dict[str, Any], instance_types: set[str]) -> dict[str, list[Any]]:
    """The platform services of one site, with the calls src/collect/ makes for them."""
    inv: dict[str, list[Any]] = {}
    rds = c["rds"]
    inv["db_instances"] = [d for p in pages(rds, "describe_db_instances", MaxRecords=100)
                           for d in p["DBInstances"]]
    inv["db_clusters"] = [d for p in pages(rds, "describe_db_clusters", MaxRecords=100)
                          for d in p["DBClusters"]]
    inv["global_clusters"] = [g for p in pages(rds, "describe_global_clusters", MaxRecords=100)
                              for g in p["GlobalClusters"]]
    inv["db_snapshots"] = [x for p in pages(rds, "describe_db_snapshots", MaxRecords=100)
                           for x in p["DBSnapshots"]]
    inv["db_snapshots"] += [x for p in pages(rds, "describe_db_snapshots", MaxRecords=100,
                                             SnapshotType="awsbackup")
                            for x in p["DBSnapshots"]]
    inv["db_snapshots"] += [x for p in pages(rds, "describe_db_cluster_snapshots", MaxRecords=100)
                            for x in p["DBClusterSnapshots"]]

    ddb = c["dynamodb"]
    names = [n for p in pages(ddb, "list_tables", Limit=100) for n in p["TableNames"]]
    inv["tables"] = []
    for name in names:
        table = ddb.describe_table(TableName=name)["Table"]
        ddb.describe_continuous_backups(TableName=name)
        ddb.list_tags_of_resource(ResourceArn=table["TableArn"])
        inv["tables"].append(table)

    asg = c["autoscaling"]
    inv["groups"] = [g for p in pages(asg, "describe_auto_scaling_groups", MaxRecords=100)
                     for g in p["AutoScalingGroups"]]
    for g in inv["groups"]:
        instance_types.update(o["InstanceType"] for o in g.get("MixedInstancesPolicy", {})
                              .get("LaunchTemplate", {}).get("Overrides", [])
                              if o.get("InstanceType"))

    elb = c["elbv2"]
    inv["load_balancers"] = [lb for p in pages(elb, "describe_load_balancers", PageSize=400)
                             for lb in p["LoadBalancers"]]
    inv["target_groups"] = [tg for p in pages(elb, "describe_target_groups", PageSize=400)
                            for tg in p["TargetGroups"]]
    for lb in inv["load_balancers"]:
        for p in pages(elb, "describe_listeners", LoadBalancerArn=lb["LoadBalancerArn"],
                       PageSize=400):
            for listener in p["Listeners"]:
                if listener["Protocol"] in ("HTTPS", "TLS"):
                    pages(elb, "describe_listener_certificates",
                          ListenerArn=listener["ListenerArn"], PageSize=400)
    arns = ([lb["LoadBalancerArn"] for lb in inv["load_balancers"]]
            + [tg["TargetGroupArn"] for tg in inv["target_groups"]])
    for i in range(0, len(arns), 20):
        elb.describe_tags(ResourceArns=arns[i:i + 20])

    acm = c["acm"]
    key_types = acm.meta.service_model.shape_for("KeyAlgorithm").enum
    statuses = acm.meta.service_model.shape_for("CertificateStatus").enum
    inv["certificates"] = [x for p in pages(acm, "list_certificates", MaxItems=1000,
                                             Includes={"keyTypes": key_types},
                                             CertificateStatuses=statuses)
                           for x in p["CertificateSummaryList"]]
    for cert in inv["certificates"]:
        acm.describe_certificate(CertificateArn=cert["CertificateArn"])
        acm.list_tags_for_certificate(CertificateArn=cert["CertificateArn"])

    kms = c["kms"]
    keys = [k for p in pages(kms, "list_keys", Limit=1000) for k in p["Keys"]]
    pages(kms, "list_aliases", Limit=100)
    inv["keys"] = []
    for k in keys:
        meta = kms.describe_key(KeyId=k["KeyArn"])["KeyMetadata"]
        if meta.get("KeyManager") == "CUSTOMER":
            pages(kms, "list_resource_tags", KeyId=k["KeyArn"], Limit=50)
        inv["keys"].append(meta)

    sm = c["secretsmanager"]
    inv["secrets"] = [x for p in pages(sm, "list_secrets", MaxResults=100,
                                       IncludePlannedDeletion=True)
                      for x in p["SecretList"]]
    for x in inv["secrets"]:
        if not x.get("PrimaryRegion") and not x.get("DeletedDate"):
            sm.describe_secret(SecretId=x["ARN"])

    c["service-quotas"].get_service_quota(ServiceCode="ec2", QuotaCode="L-1216C47A")
    wanted = sorted(t for t in instance_types if t)
    for i in range(0, len(wanted), 100):
        pages(c["ec2"], "describe_instance_types", MaxResults=100,
              Filters=[{"Name": "instance-type", "Values": wanted[i:i + 100]}])
    inv["quotas"] = [1]
    return inv


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--endpoint", required=True)
    parser.add_argument("--primary-region", default="us-east-1")
    parser.add_argument("--standby-region", default="us-west-2")
    args = parser.parse_args()
    os.environ.setdefault("AWS_ACCESS_KEY_ID", "testing")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "testing")
    os.environ.pop("AWS_PROFILE", None)

    started = time.monotonic()
    session = boto3.Session()
    sites = {role: clients(session, args.endpoint, region)
             for role, region in [("primary", args.primary_region),
                                  ("standby", args.standby_region)]}
    resources: Counter[str] = Counter()
    accounts_done: dict[str, list[tuple[str, str]]] = {}
    primary_types: set[str] = set()
    for role, region in [("primary", args.primary_region), ("standby", args.standby_region)]:
        c = sites[role]
        account = c["sts"].get_caller_identity()["Account"]
        ec2 = ec2_inventory(c["ec2"])
        for kind, items in ec2.items():
            resources[kind] += len(items)
        # The instance types whose vCPUs the quota rule needs: the site's instances, templates
        # and group overrides, and in the standby also the primary's.
        types = {i.get("InstanceType", "") for i in ec2["instances"]}
        types |= {v.get("LaunchTemplateData", {}).get("InstanceType", "")
                  for v in ec2.get("launch_template_versions", [])}
        types |= primary_types
        for kind, items in platform_inventory(c, types).items():
            resources[kind] += len(items)
        primary_types = types
        if account not in accounts_done:
            accounts_done[account] = list_buckets(c["s3"])
            for kind, items in iam_inventory(c["iam"]).items():
                resources[kind] += len(items)
            for kind, items in route53_inventory(c["route53"]).items():
                resources[kind] += len(items)
        for name, bucket_region in accounts_done[account]:
            if bucket_region == region:
                bucket_details(c["s3"], name)
                resources["buckets"] += 1
    wall = time.monotonic() - started
    print(json.dumps({
        "wall_seconds": round(wall, 3),
        "api_calls": sum(CALLS.values()),
        "api_calls_by_service": dict(sorted(CALLS.items())),
        "resources": dict(sorted(resources.items())),
    }))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
