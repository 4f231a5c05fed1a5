package drready.rules.workload_without_standby_capacity

metadata := {
	"id": "DR-EC2-006",
	"title": "Primary workload has no capacity to run in the standby",
	"severity": "high",
	"category": "compute",
	"inputs": ["ec2"],
	"why": concat(" ", [
		"A workload is the set of live primary instances sharing the app tag (input.config.app_tag, default app); this one has neither a launch template nor an instance in the standby region, or, as a warm-standby workload, no running standby instance.",
		"A pilot-light workload must at least be launchable in the standby (a template or stopped instances to start); a warm-standby workload promises a running, scaled-down copy that takes traffic within minutes.",
		"Without them the workload has to be rebuilt by hand during the outage, far beyond the RTO, and a warm-standby workload without a running instance is really a pilot light with a longer recovery than planned.",
		"The tier comes from the tier tag (input.config.tier_tag, dr:tier) of the workload's primary instances: warm-standby if any instance says so, else the tag's value, else the objectives' default_tier. A standby launch template belongs to the workload when it carries the same app tag or is the twin of a template the workload's instances were launched from; a standby instance when it carries the app tag or is the twin of one of its instances. Instances without the app tag form no workload and are not judged.",
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

gone_states := {"terminated", "shutting-down"}

live(instance) if not instance.state in gone_states

app_of(resource) := app if {
	app := resource.tags[input.config.app_tag]
	is_string(app)
	app != ""
}

# app -> its live primary instances.
workloads[app] contains instance if {
	some instance in input.primary.ec2.instances
	live(instance)
	app := app_of(instance)
}

# primary instance ARN -> app.
app_of_instance[instance.arn] := app if {
	some app, instances in workloads
	some instance in instances
}

standby_templates[app] contains template.arn if {
	some template in input.standby.ec2.launch_templates
	app := app_of(template)
	workloads[app]
}

standby_templates[app] contains twin if {
	some app, instances in workloads
	some instance in instances
	template := input.index.primary.launch_templates[instance.launch_template_id]
	twin := input.parity.standby_of[template.arn]
}

standby_instances[app] contains instance if {
	some instance in input.standby.ec2.instances
	live(instance)
	app := app_of(instance)
	workloads[app]
}

standby_instances[app] contains instance if {
	some instance in input.standby.ec2.instances
	live(instance)
	app := app_of_instance[input.parity.primary_of[instance.arn]]
}

tier(app) := "warm-standby" if {
	some instance in workloads[app]
	instance.tags[input.config.tier_tag] == "warm-standby"
} else := value if {
	values := sort({v |
		some instance in workloads[app]
		v := instance.tags[input.config.tier_tag]
		is_string(v)
		v != ""
	})
	count(values) > 0
	value := values[0]
} else := input.objectives.default_tier

workload_key(app) := sprintf("arn:aws:ec2:%s:%s:workload/%s", [input.primary.region, input.primary.account, app])

applicable contains workload_key(app) if {
	some app, _ in workloads
}

deny contains finding if {
	some app, instances in workloads
	templates := {arn | some arn in standby_templates[app]}
	standby := {instance | some instance in standby_instances[app]}
	message := gap(app, tier(app), count(instances), templates, standby)
	finding := {
		"resource": workload_key(app),
		"site": "primary",
		"message": message,
		"related": sort([i.arn | some i in instances]),
	}
}

gap(app, workload_tier, n, templates, standby) := sprintf("Workload %s (%s, %d primary instance(s) in %s) has no launch template and no instance in standby region %s, so nothing can run it there after a failover.", [
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
