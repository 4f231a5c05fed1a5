"""Seeds Auto Scaling groups and the standby's vCPU quota (the capacity rules).

Healthy, per application of ``ctx.apps``: a primary group ``APP-web-<ptoken>`` on the app's base
primary launch template (``$Default``, both base subnets, min 2 / desired 2 / max 4, tag ``app``
propagated to its instances) and its pilot-light standby twin ``APP-web-<stoken>`` on the base
standby template (both standby subnets, 0 / 0 / 4). Applications the base estate left without a
primary or a standby template (its defect modes), or whose primary instance is tagged
``dr:tier=warm-standby`` (the base ``warm_standby_not_running`` defect: a standby group would
either run the instance that defect must lack or be DR-ASG-003's finding), get no groups; they
are listed under ``skipped``. The standby's quota ec2/L-1216C47A is the patched moto's default
(1152 vCPUs, scripts/moto_patches/capacity.py), far above what the estate runs.

``ctx.defects`` adds one defect per rule, each on a group pair of its own built on the first
application with groups (``A``, normally app01), so the defects do not depend on ``--apps``:

  DR-ASG-001   primary group ``A-orphan-<ptoken>`` without a standby group
  DR-ASG-002   standby group ``A-gone-<stoken>`` launching ``$Latest`` of template
               ``A-gone-<stoken>``, deleted after the group was created (AWS lets a template in use
               be deleted); and standby group ``A-latest-<stoken>`` launching ``$Latest`` of
               template ``A-latest-<stoken>`` whose default version 1 is sound and whose version 2
               names the primary's AMI, which the standby does not have
  DR-ASG-003   standby group ``A-small-<stoken>`` with max 1 while its primary twin runs 2
  DR-ASG-004   standby group ``A-frozen-<stoken>`` with the Launch process suspended
  DR-ASG-005   standby group ``A-oneaz-<stoken>`` in one subnet (one zone); its twin in two
  DR-QUOTA-001 the standby's quota set to 1 vCPU (moto-only RequestServiceQuotaIncrease
               shortcut of the patch)

Returns ``apps`` (group names and ARNs per site), ``skipped``, ``quota`` (the standby quota ARN
and value) and ``defects`` (rule id -> the ARNs the rule must report).
"""

from typing import Any

QUOTA = ("ec2", "L-1216C47A")


def _group(client: Any, name: str, template: str, subnets: list[str], sizes: tuple[int, int, int],
           app: str, version: str = "$Default") -> str:
    lo, desired, hi = sizes
    client.create_auto_scaling_group(
        AutoScalingGroupName=name,
        LaunchTemplate={"LaunchTemplateId": template, "Version": version},
        MinSize=lo, DesiredCapacity=desired, MaxSize=hi,
        VPCZoneIdentifier=",".join(subnets),
        Tags=[{"Key": "app", "Value": app, "PropagateAtLaunch": True},
              {"Key": "Name", "Value": name, "PropagateAtLaunch": False}],
    )
    return name


def _arns(client: Any, names: list[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for i in range(0, len(names), 50):
        page = client.describe_auto_scaling_groups(AutoScalingGroupNames=names[i:i + 50],
                                                   MaxRecords=100)
        out.update({g["AutoScalingGroupName"]: g["AutoScalingGroupARN"]
                    for g in page["AutoScalingGroups"]})
    return out


def _template_data(site: Any, template: str) -> dict[str, Any]:
    version = site.ec2.describe_launch_template_versions(
        LaunchTemplateId=template, Versions=["$Default"])["LaunchTemplateVersions"][0]
    data = dict(version["LaunchTemplateData"])
    # Keep what create_launch_template takes back as it was given.
    keep = ("ImageId", "InstanceType", "KeyName", "IamInstanceProfile", "NetworkInterfaces",
            "SecurityGroupIds", "BlockDeviceMappings")
    return {k: v for k, v in data.items() if k in keep}


def _warm_standby_apps(site: Any) -> set[str]:
    found = site.ec2.describe_instances(
        Filters=[{"Name": "tag:dr:tier", "Values": ["warm-standby"]}])
    return {t["Value"] for r in found["Reservations"] for i in r["Instances"]
            for t in i.get("Tags", []) if t["Key"] == "app"}


def seed(ctx: Any) -> dict[str, Any]:
    p, s = ctx.primary, ctx.standby
    pa, sa = p.client("autoscaling"), s.client("autoscaling")
    pt, st = p.token, s.token
    p_subnets, s_subnets = p.network["subnets"], s.network["subnets"]
    warm = _warm_standby_apps(p)

    apps: dict[str, dict[str, str]] = {}
    skipped: dict[str, str] = {}
    p_names: list[str] = []
    s_names: list[str] = []
    for app in ctx.apps:
        base = ctx.base.get(app, {})
        p_lt = base.get("primary", {}).get("launch_template")
        s_lt = base.get("standby", {}).get("launch_template")
        if not p_lt or not s_lt:
            skipped[app] = "the base estate has no primary or no standby launch template"
            continue
        if app in warm:
            skipped[app] = "warm-standby application of the base estate's defect"
            continue
        pg = _group(pa, f"{app}-web-{pt}", p_lt, p_subnets, (2, 2, 4), app)
        sg = _group(sa, f"{app}-web-{st}", s_lt, s_subnets, (0, 0, 4), app)
        apps[app] = {"primary_group": pg, "standby_group": sg}
        p_names.append(pg)
        s_names.append(sg)

    quota_arn = f"arn:aws:servicequotas:{s.region}:{s.account}:{QUOTA[0]}/{QUOTA[1]}"
    defects: dict[str, list[str]] = {}
    defect_groups: dict[str, tuple[str, str]] = {}  # rule -> (site, group name)
    if ctx.defects and apps:
        a = next(iter(apps))
        p_lt = ctx.base[a]["primary"]["launch_template"]
        s_lt = ctx.base[a]["standby"]["launch_template"]

        def pair(tag: str, p_sizes=(1, 1, 2), s_sizes=(0, 0, 4), s_template=None,
                 s_version="$Default", s_subnets_=None) -> tuple[str, str]:
            pg = _group(pa, f"{a}-{tag}-{pt}", p_lt, p_subnets, p_sizes, a)
            sg = _group(sa, f"{a}-{tag}-{st}", s_template or s_lt, s_subnets_ or s_subnets,
                        s_sizes, a, version=s_version)
            p_names.append(pg)
            s_names.append(sg)
            return pg, sg

        # DR-ASG-001: no standby group at all.
        orphan = _group(pa, f"{a}-orphan-{pt}", p_lt, p_subnets, (1, 1, 2), a)
        p_names.append(orphan)
        defect_groups["DR-ASG-001/orphan"] = ("primary", orphan)

        # DR-ASG-002 (a): the template the standby group launches is deleted afterwards.
        data = _template_data(s, s_lt)
        gone = s.ec2.create_launch_template(
            LaunchTemplateName=f"{a}-gone-{st}", LaunchTemplateData=data,
        )["LaunchTemplate"]["LaunchTemplateId"]
        _, sg = pair("gone", s_template=gone, s_version="$Latest")
        s.ec2.delete_launch_template(LaunchTemplateId=gone)
        defect_groups["DR-ASG-002/gone"] = ("standby", sg)

        # DR-ASG-002 (b): $Latest is a broken version 2; the default version 1 is sound.
        latest = s.ec2.create_launch_template(
            LaunchTemplateName=f"{a}-latest-{st}", LaunchTemplateData=data,
            TagSpecifications=[{"ResourceType": "launch-template",
                                "Tags": [{"Key": "app", "Value": a}]}],
        )["LaunchTemplate"]["LaunchTemplateId"]
        primary_ami = ctx.base[a]["primary"]["image"]
        s.ec2.create_launch_template_version(
            LaunchTemplateId=latest, VersionDescription="points at the primary AMI",
            LaunchTemplateData={**data, "ImageId": primary_ami},
        )
        _, sg = pair("latest", s_template=latest, s_version="$Latest")
        defect_groups["DR-ASG-002/latest"] = ("standby", sg)

        # DR-ASG-003: the standby cannot grow to the primary's desired capacity.
        _, sg = pair("small", p_sizes=(2, 2, 4), s_sizes=(0, 0, 1))
        defect_groups["DR-ASG-003/small"] = ("standby", sg)

        # DR-ASG-004: Launch suspended on the standby group.
        _, sg = pair("frozen")
        sa.suspend_processes(AutoScalingGroupName=sg, ScalingProcesses=["Launch"])
        defect_groups["DR-ASG-004/frozen"] = ("standby", sg)

        # DR-ASG-005: the standby group is in one subnet, its twin in two.
        _, sg = pair("oneaz", s_subnets_=s_subnets[:1])
        defect_groups["DR-ASG-005/oneaz"] = ("standby", sg)

        # DR-QUOTA-001: the standby region's vCPU quota far below the primary's capacity.
        s.client("service-quotas").request_service_quota_increase(
            ServiceCode=QUOTA[0], QuotaCode=QUOTA[1], DesiredValue=1.0)
        defects["DR-QUOTA-001"] = [quota_arn]

    p_arns, s_arns = _arns(pa, p_names), _arns(sa, s_names)
    for app, names in apps.items():
        names["primary_arn"] = p_arns[names["primary_group"]]
        names["standby_arn"] = s_arns[names["standby_group"]]
    for key, (site, name) in defect_groups.items():
        rule = key.split("/")[0]
        defects.setdefault(rule, []).append((p_arns if site == "primary" else s_arns)[name])
    for rule in defects:
        defects[rule].sort()

    quota = s.client("service-quotas").get_service_quota(
        ServiceCode=QUOTA[0], QuotaCode=QUOTA[1])["Quota"]
    return {
        "apps": apps,
        "skipped": skipped,
        "quota": {"standby_arn": quota_arn, "value": quota["Value"]},
        "defects": defects,
    }
