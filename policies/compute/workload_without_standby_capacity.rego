package drready.rules.workload_without_standby_capacity

import data.drready.lib

metadata := {
	"id": "DR-EC2-006",
	"title": "Primary workload has no capacity to run in the standby",
	"severity": "high",
	"category": "compute",
	"inputs": ["ec2"],
	"why": concat(" ", [
		"A workload is the set of primary resources sharing the app tag (input.config.app_tag, default app), as drready computes it (input.workloads); this one has live primary instances but neither a launch template nor an instance in the standby region, or, as a warm-standby workload, no running standby instance.",
		"A pilot-light workload must at least be launchable in the standby (a template or stopped instances to start); a warm-standby workload promises a running, scaled-down copy that takes traffic within minutes.",
		"Without them the workload has to be rebuilt by hand during the outage, far beyond the RTO, and a warm-standby workload without a running instance is really a pilot light with a longer recovery than planned.",
		"The tier comes from the tier tag (input.config.tier_tag, dr:tier) of the workload's primary resources: warm-standby if any says so, else the smallest value, else the objectives' default_tier. A standby launch template belongs to the workload when it carries the same app tag or is the twin of one of the workload's primary templates (tagged, or the template a member instance was launched from); a standby instance when it is live and carries the app tag or is the twin of one of its instances. Workloads without a live primary instance (only buckets, say) and instances without the app tag are not judged.",
		"The finding's resource is the synthetic key arn:aws:ec2:PRIMARY_REGION:PRIMARY_ACCOUNT:workload/APP.",
	]),
	"remediation": "Create a launch template for the workload in the standby region (pilot light), and for a warm-standby workload keep at least one instance of it running there.",
	"remediation_detail": concat("\n", [
		"aws ec2 describe-instances --region PRIMARY_REGION --filters Name=tag:app,Values=APP --query 'Reservations[].Instances[].[InstanceId,InstanceType,Tags[?Key==`aws:ec2launchtemplate:id`]|[0].Value]'",
		"aws ec2 create-launch-template --region STANDBY_REGION --launch-template-name NAME --launch-template-data file://lt.json --tag-specifications 'ResourceType=launch-template,Tags=[{Key=app,Value=APP}]'",
		"aws autoscaling update-auto-scaling-group --region STANDBY_REGION --auto-scaling-group-name APP-asg --min-size 1 --desired-capacity 1   # warm standby: one running instance",
		"Terraform: aws_launch_template (provider = aws.standby, tags = { app = APP }) and, for warm standby, an aws_autoscaling_group with min_size = 1 using it.",
	]),
	"references": [
		"https://docs.aws.amazon.com/whitepapers/latest/disaster-recovery-workloads-on-aws/disaster-recovery-options-in-the-cloud.html",
		"https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/ec2-launch-templates.html",
		"https://docs.aws.amazon.com/autoscaling/ec2/userguide/asg-capacity-limits.html",
	],
}

# Workloads that run on primary instances; the others have no capacity to compare.
judged_workloads contains workload if {
	some workload in input.workloads
	count(workload.primary.instances) > 0
}

applicable contains workload.key if {
	some workload in judged_workloads
}

deny contains finding if {
	some workload in judged_workloads
	instances := workload.primary.instances
	templates := workload.standby.launch_templates
	standby := [instance |
		some arn in workload.standby.instances
		instance := input.index.standby.by_arn[arn]
		lib.live(instance)
	]
	message := capacity_gap(workload.name, workload.tier, count(instances), templates, standby)
	finding := {
		"resource": workload.key,
		"site": "primary",
		"message": message,
		"related": sort(instances),
	}
}

capacity_gap(app, workload_tier, n, templates, standby) := sprintf("Workload %s (%s, %d primary instance(s) in %s) has no launch template and no instance in standby region %s, so nothing can run it there after a failover.", [
	app, workload_tier, n, input.primary.region, input.standby.region,
]) if {
	count(templates) == 0
	count(standby) == 0
} else := sprintf("Workload %s is warm-standby (%d primary instance(s) in %s) but has no running instance in standby region %s (%s), so it cannot take traffic without a cold start.", [
	app, n, input.primary.region, input.standby.region, standby_summary(templates, standby),
]) if {
	workload_tier == "warm-standby"
	count({i | some i in standby; i.state == "running"}) == 0
}

standby_summary(templates, standby) := concat(", ", array.concat(
	[sprintf("%d launch template(s)", [count(templates)]) | count(templates) > 0],
	[sprintf("%d %s instance(s)", [count(ids), state]) |
		some state in {i.state | some i in standby}
		ids := {i.id | some i in standby; i.state == state}
	],
))
