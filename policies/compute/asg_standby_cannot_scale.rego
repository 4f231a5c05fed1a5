package drready.rules.asg_standby_cannot_scale

import data.drready.lib

metadata := {
	"id": "DR-ASG-003",
	"title": "Standby Auto Scaling group cannot scale to the primary's capacity",
	"severity": "high",
	"category": "compute",
	"inputs": ["autoscaling"],
	"why": concat(" ", [
		"The maximum size of this standby Auto Scaling group is below the desired capacity its primary twin runs now, or (warm standby) the group runs no instance at all.",
		"A pilot-light group may run nothing until the failover, but it must be able to grow to what the primary runs: Auto Scaling never launches beyond MaxSize, whatever the scaling policies or the runbook ask, so the standby serves only part of the load (or none) until someone raises the limit during the outage.",
		"A warm-standby workload promises a running, scaled-down copy: a standby group with desired capacity 0 is a pilot light with a longer recovery than planned.",
		"The tier is the workload's (input.workloads, from the dr:tier tag of its primary members, else the objectives' default_tier), or the group's own tier tag when it belongs to no workload. Groups being deleted and primary groups with a maximum of 0 are not judged.",
	]),
	"remediation": "Raise the standby group's maximum size to at least the primary's desired capacity (and, for warm standby, keep at least one instance running).",
	"remediation_detail": concat("\n", [
		"aws autoscaling describe-auto-scaling-groups --region PRIMARY_REGION --auto-scaling-group-names GROUP --query 'AutoScalingGroups[0].DesiredCapacity'",
		"aws autoscaling update-auto-scaling-group --region STANDBY_REGION --auto-scaling-group-name GROUP_STANDBY --max-size PRIMARY_DESIRED_OR_MORE",
		"aws autoscaling update-auto-scaling-group --region STANDBY_REGION --auto-scaling-group-name GROUP_STANDBY --min-size 1 --desired-capacity 1   # warm standby",
		"Terraform: max_size of the standby aws_autoscaling_group from the same variable as the primary's desired_capacity (and min_size = 1 for warm standby).",
	]),
	"references": [
		"https://docs.aws.amazon.com/autoscaling/ec2/userguide/asg-capacity-limits.html",
		"https://docs.aws.amazon.com/whitepapers/latest/disaster-recovery-workloads-on-aws/disaster-recovery-options-in-the-cloud.html",
	],
}

# [primary group, standby twin] pairs that are judged.
pairs contains [primary, standby] if {
	some primary in input.primary.autoscaling.groups
	primary.max_size > 0
	standby := lib.group_twin(primary)
}

tier_of_workload := {w.name: w.tier | some w in object.get(input, "workloads", [])}

# The tier of a primary group: its workloads' (warm-standby wins), else its own tier tag, else
# the default tier.
group_tier(group) := "warm-standby" if {
	some name in object.get(object.get(input, "workload_of", {}), group.arn, [])
	tier_of_workload[name] == "warm-standby"
} else := tier if {
	some name in object.get(object.get(input, "workload_of", {}), group.arn, [])
	tier := tier_of_workload[name]
} else := tier if {
	tier := group.tags[object.get(object.get(input, "config", {}), "tier_tag", "dr:tier")]
	lib.is_set(tier)
} else := object.get(object.get(input, "objectives", {}), "default_tier", "pilot-light")

applicable contains standby.arn if {
	some [_, standby] in pairs
}

gaps(primary, standby) := array.concat(
	[sprintf("its maximum size %v is below the %v instance(s) the primary group %s runs (desired capacity)", [standby.max_size, primary.desired_capacity, primary.name]) |
		standby.max_size < primary.desired_capacity
	],
	[sprintf("the workload is warm-standby but the group runs no instance (desired capacity %v)", [standby.desired_capacity]) |
		group_tier(primary) == "warm-standby"
		standby.desired_capacity < 1
		primary.desired_capacity > 0
	],
)

deny contains finding if {
	some [primary, standby] in pairs
	found := gaps(primary, standby)
	count(found) > 0
	finding := {
		"resource": standby.arn,
		"site": "standby",
		"message": sprintf("Standby Auto Scaling group %s in %s (%s; min %v, desired %v, max %v): %s, so after a failover it cannot carry the primary's load until its limits are raised by hand.", [
			standby.name, input.standby.region, group_tier(primary), standby.min_size, standby.desired_capacity, standby.max_size, concat("; ", found),
		]),
		"related": [primary.arn],
	}
}
