package drready.rules.asg_standby_launch_suspended

import data.drready.lib

metadata := {
	"id": "DR-ASG-004",
	"title": "Standby Auto Scaling group has Launch (or AddToLoadBalancer) suspended",
	"severity": "high",
	"category": "compute",
	"inputs": ["autoscaling"],
	"why": concat(" ", [
		"The standby twin of a primary Auto Scaling group has the Launch process suspended, or, for a group attached to target groups or Classic Load Balancers, the AddToLoadBalancer process.",
		"With Launch suspended the group launches nothing, whatever its desired capacity, its scaling policies or the runbook say: the failover sets a desired capacity that is never reached. With AddToLoadBalancer suspended new instances start but are never registered with the load balancer, so no traffic reaches them.",
		"Processes are often suspended during a deployment or an incident and forgotten; on a pilot-light group that runs nothing, nobody notices until the failover.",
		"Other suspended processes (AZRebalance, AlarmNotification, ScheduledActions, HealthCheck, ReplaceUnhealthy, Terminate, InstanceRefresh) do not stop a scale-out set by hand and are not judged; AlarmNotification does stop scaling policies, so a standby that relies on alarms to scale out should resume it too.",
	]),
	"remediation": "Resume the suspended processes on the standby group.",
	"remediation_detail": concat("\n", [
		"aws autoscaling describe-auto-scaling-groups --region STANDBY_REGION --auto-scaling-group-names GROUP --query 'AutoScalingGroups[0].SuspendedProcesses'",
		"aws autoscaling resume-processes --region STANDBY_REGION --auto-scaling-group-name GROUP --scaling-processes Launch AddToLoadBalancer",
		"Terraform: remove Launch and AddToLoadBalancer from suspended_processes of the standby aws_autoscaling_group.",
	]),
	"references": [
		"https://docs.aws.amazon.com/autoscaling/ec2/userguide/as-suspend-resume-processes.html",
	],
}

# Standby twins of primary groups.
twins contains group if {
	some primary in input.primary.autoscaling.groups
	group := lib.group_twin(primary)
}

applicable contains group.arn if {
	some group in twins
}

load_balanced(group) if count(object.get(group, "target_group_arns", [])) > 0

load_balanced(group) if count(object.get(group, "load_balancer_names", [])) > 0

# The suspended processes that stop the standby from taking load, with what each breaks.
blocking(group) := array.concat(
	["Launch (no instance is launched)" | "Launch" in object.get(group, "suspended_processes", [])],
	["AddToLoadBalancer (new instances get no traffic)" |
		"AddToLoadBalancer" in object.get(group, "suspended_processes", [])
		load_balanced(group)
	],
)

deny contains finding if {
	some group in twins
	found := blocking(group)
	count(found) > 0
	finding := {
		"resource": group.arn,
		"site": "standby",
		"message": sprintf("Standby Auto Scaling group %s in %s has suspended %s, so after a failover it does not bring up the application until the processes are resumed.", [
			group.name, input.standby.region, concat(" and ", found),
		]),
		"related": [input.parity.primary_of[group.arn]],
	}
}
