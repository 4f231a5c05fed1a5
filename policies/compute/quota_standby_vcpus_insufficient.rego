package drready.rules.quota_standby_vcpus_insufficient

import data.drready.lib

metadata := {
	"id": "DR-QUOTA-001",
	"title": "Standby vCPU quota is below what the primary runs",
	"severity": "high",
	"category": "compute",
	"inputs": ["autoscaling", "ec2", "servicequotas"],
	"why": concat(" ", [
		"The standby region's quota of running On-Demand standard instances (Service Quotas ec2/L-1216C47A, Running On-Demand Standard (A, C, D, H, I, M, R, T, Z) instances, counted in vCPUs) is below the vCPUs the primary runs now: the desired capacity of each primary Auto Scaling group times the vCPUs of the instance type it launches (the first override of a mixed instances policy, else its launch template version, else the type of its instances; only the On-Demand share of a mixed instances policy), plus the running primary instances that belong to no group, for the instance types of the standard families.",
		"The quota is per account and region and is usually raised only where instances already run, so a standby region that has idled at pilot light keeps a low quota. On failover day every launch beyond it fails with VcpuLimitExceeded, and an increase request takes hours to days to be granted, when the whole region's customers may be asking at once.",
		"A quota that could not be read is unknown, never ready, and so is an instance type whose vCPUs are not in the snapshot: the finding says so. Instances of other families (G, P, F, X, Inf, Trn, DL, HPC, Mac) have quotas of their own and are not counted; neither are Spot instances of mixed instances policies, nor instances the standby region already runs for other workloads, which also count against the quota.",
	]),
	"remediation": "Request an increase of the standby region's quota to at least the vCPUs the primary runs, before it is needed.",
	"remediation_detail": concat("\n", [
		"aws service-quotas get-service-quota --region STANDBY_REGION --service-code ec2 --quota-code L-1216C47A --query 'Quota.Value'",
		"aws service-quotas request-service-quota-increase --region STANDBY_REGION --service-code ec2 --quota-code L-1216C47A --desired-value VCPUS",
		"aws service-quotas list-requested-service-quota-change-history-by-quota --region STANDBY_REGION --service-code ec2 --quota-code L-1216C47A",
		"Terraform: aws_servicequotas_service_quota { service_code = \"ec2\", quota_code = \"L-1216C47A\", value = VCPUS } with provider = aws.standby.",
	]),
	"references": [
		"https://docs.aws.amazon.com/ec2/latest/instancetypes/ec2-instance-quotas.html",
		"https://docs.aws.amazon.com/servicequotas/latest/userguide/request-quota-increase.html",
		"https://docs.aws.amazon.com/whitepapers/latest/disaster-recovery-workloads-on-aws/disaster-recovery-options-in-the-cloud.html",
	],
}

quota_service := "ec2"

quota_code := "L-1216C47A"

# The standby's quota, when it was collected (it is absent from snapshots made without Service
# Quotas; then the rule does not apply).
quota := q if {
	some q in input.standby.servicequotas.quotas
	q.service_code == quota_service
	q.quota_code == quota_code
}

# The families this quota counts: the first letters A, C, D, H, I, M, R, T, Z, except the
# families with quotas of their own.
other_families := {"inf", "trn", "dl", "hpc", "mac"}

standard_letters := {"a", "c", "d", "h", "i", "m", "r", "t", "z"}

standard(instance_type) if {
	family := regex.find_n(`^[a-z]+`, lower(instance_type), 1)[0]
	not family in other_families
	substring(family, 0, 1) in standard_letters
}

# vCPUs of an instance type, as the standby region's DescribeInstanceTypes answered, else the
# primary's.
vcpus(instance_type) := input.standby.servicequotas.instance_type_vcpus[instance_type]

vcpus(instance_type) := input.primary.servicequotas.instance_type_vcpus[instance_type] if {
	not input.standby.servicequotas.instance_type_vcpus[instance_type]
}

instance_types := {i.id: i.instance_type | some i in input.primary.ec2.instances}

# The instance type a primary group launches: the first override of its mixed instances
# policy (what a prioritized On-Demand allocation launches), else its template version's, else
# its instances'.
group_type(group) := group.instance_type_overrides[0] if {
	count(object.get(group, "instance_type_overrides", [])) > 0
} else := instance_type if {
	version := lib.template_version(lib.group_template("primary", group), lib.group_version(group))
	instance_type := version.instance_type
	lib.is_set(instance_type)
} else := types[0] if {
	types := [t | some id in object.get(group, "instance_ids", []); t := instance_types[id]; lib.is_set(t)]
	count(types) > 0
}

# How many of a group's desired instances run On-Demand.
on_demand(group) := group.desired_capacity if {
	not is_number(group.on_demand_base_capacity)
} else := group.desired_capacity if {
	group.desired_capacity <= group.on_demand_base_capacity
} else := group.on_demand_base_capacity + ceil(((group.desired_capacity - group.on_demand_base_capacity) * object.get(group, "on_demand_percentage_above_base", 100)) / 100)

grouped_ids := {id | some g in input.primary.autoscaling.groups; some id in object.get(g, "instance_ids", [])}

# What the standby must be able to run, one entry per primary group or lone instance:
# {"what", "count", "type"} ("type" absent when unknown).
demand contains item if {
	some group in input.primary.autoscaling.groups
	not lib.group_deleting(group)
	n := on_demand(group)
	n > 0
	item := object.union({"what": sprintf("group %s", [group.name]), "count": n}, type_field(group_type(group)))
}

demand contains item if {
	some group in input.primary.autoscaling.groups
	not lib.group_deleting(group)
	n := on_demand(group)
	n > 0
	not group_type(group)
	item := {"what": sprintf("group %s", [group.name]), "count": n}
}

demand contains item if {
	some instance in input.primary.ec2.instances
	instance.state in {"running", "pending"}
	not instance.id in grouped_ids
	not instance.tags["aws:autoscaling:groupName"]
	item := {"what": sprintf("instance %s", [instance.id]), "count": 1, "type": instance.instance_type}
}

type_field(instance_type) := {"type": instance_type} if lib.is_set(instance_type)

# The distinct instance types of the demand that this quota counts (the regular expression of
# `standard` runs once per type, not once per instance).
standard_types contains instance_type if {
	some instance_type in {item.type | some item in demand}
	standard(instance_type)
}

# Entries that count against the quota, with their vCPUs, and the entries that cannot be judged.
counted contains object.union(item, {"vcpus": item.count * vcpus(item.type)}) if {
	some item in demand
	item.type in standard_types
	vcpus(item.type)
}

unknown contains sprintf("%s (instance type unknown)", [item.what]) if {
	some item in demand
	not item.type
}

unknown contains sprintf("%s (vCPUs of %s not in the snapshot)", [item.what, item.type]) if {
	some item in demand
	item.type in standard_types
	not vcpus(item.type)
}

needed := sum([item.vcpus | some item in counted])

# Without the standby's quota there is nothing to judge: checked first, so the demand is not
# computed for nothing.
applicable contains quota.arn if {
	quota
	count(counted) + count(unknown) > 0
}

quota_label := sprintf("%s (%s/%s)", [quota.name, quota_service, quota_code]) if {
	lib.is_set(quota.name)
} else := sprintf("%s/%s", [quota_service, quota_code])

# The largest contributions first, five at most.
breakdown := concat(", ", array.concat(
	[sprintf("%s: %v x %s = %v", [item.what, item.count, item.type, item.vcpus]) |
		some item in array.slice(ranked, 0, 5)
	],
	[sprintf("and %d more", [count(ranked) - 5]) | count(ranked) > 5],
))

ranked := [item |
	some key in sort([sprintf("%012d %s", [1000000000000 - item.vcpus, item.what]) | some item in counted])
	some item in counted
	sprintf("%012d %s", [1000000000000 - item.vcpus, item.what]) == key
]

unknown_text := sprintf(" (at least: %s cannot be counted)", [concat(", ", sort(unknown))]) if {
	count(unknown) > 0
} else := ""

deny contains finding if {
	count(applicable) > 0
	not is_number(quota.value)
	finding := {
		"resource": quota.arn,
		"site": "standby",
		"message": sprintf("Standby quota %s in %s could not be read, so whether the standby may run the %v vCPUs the primary runs is unknown; after a failover launches beyond it would fail with VcpuLimitExceeded.", [
			quota_label, input.standby.region, needed,
		]),
		"related": [],
	}
}

deny contains finding if {
	count(applicable) > 0
	is_number(quota.value)
	needed > quota.value
	finding := {
		"resource": quota.arn,
		"site": "standby",
		"message": sprintf("Standby quota %s in %s is %v vCPUs, but running the primary's current capacity there needs %v vCPUs%s (%s); after a failover every launch beyond the quota fails with VcpuLimitExceeded until an increase is granted.", [
			quota_label, input.standby.region, quota.value, needed, unknown_text, breakdown,
		]),
		"related": [],
	}
}

deny contains finding if {
	count(applicable) > 0
	is_number(quota.value)
	needed <= quota.value
	count(unknown) > 0
	finding := {
		"resource": quota.arn,
		"site": "standby",
		"message": sprintf("Standby quota %s in %s is %v vCPUs and the known part of the primary's capacity needs %v, but %s, so whether the quota covers a failover is unknown (not ready until it is known).", [
			quota_label, input.standby.region, quota.value, needed, concat(", ", sort(unknown)),
		]),
		"related": [],
	}
}
