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
    for service in ("sts", "ec2", "s3", "iam", "route53"):
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
    for role, region in [("primary", args.primary_region), ("standby", args.standby_region)]:
        c = sites[role]
        account = c["sts"].get_caller_identity()["Account"]
        for kind, items in ec2_inventory(c["ec2"]).items():
            resources[kind] += len(items)
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
