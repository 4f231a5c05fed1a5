package drready.rules.workload_without_standby_capacity

t_arn(region, kind, id) := sprintf("arn:aws:ec2:%s:111111111111:%s/%s", [region, kind, id])

t_instance(region, id, state, tags, template_id) := {
	"arn": t_arn(region, "instance", id), "id": id, "name": id, "region": region, "account": "111111111111",
	"instance_type": "m6i.large", "state": state, "tags": tags, "launch_template_id": template_id,
}

t_template(region, id, tags) := {
	"arn": t_arn(region, "launch-template", id), "id": id, "name": id, "region": region, "account": "111111111111",
	"tags": tags, "latest_version": {"version_number": 1},
}

t_input(primary_instances, primary_templates, standby_instances, standby_templates, standby_of, default_tier) := {
	"primary": {"account": "111111111111", "region": "us-east-1", "ec2": {"instances": primary_instances, "launch_templates": primary_templates}},
	"standby": {"account": "111111111111", "region": "us-west-2", "ec2": {"instances": standby_instances, "launch_templates": standby_templates}},
	"index": {"primary": {"launch_templates": {t.id: t | some t in primary_templates}}},
	"parity": {"standby_of": standby_of, "primary_of": {s: p | some p, s in standby_of}},
	"objectives": {"rpo_seconds": 86400, "rto_seconds": 14400, "dns_ttl_max_seconds": 60, "failback": false, "default_tier": default_tier},
	"config": {"pair_tag": "dr:pair", "app_tag": "app", "tier_tag": "dr:tier", "scope_tag": "dr:scope"},
}

t_key(app) := sprintf("arn:aws:ec2:us-east-1:111111111111:workload/%s", [app])

t_web := [
	t_instance("us-east-1", "i-1", "running", {"app": "web"}, "lt-1"),
	t_instance("us-east-1", "i-2", "running", {"app": "web"}, "lt-1"),
]

test_workload_with_nothing_in_standby_is_denied if {
	d := t_input(t_web, [], [], [], {}, "pilot-light")
	findings := deny with input as d
	count(findings) == 1
	some f in findings
	f.resource == t_key("web")
	f.site == "primary"
	f.related == [t_arn("us-east-1", "instance", "i-1"), t_arn("us-east-1", "instance", "i-2")]
	contains(f.message, "Workload web (pilot-light, 2 primary instance(s) in us-east-1) has no launch template and no instance in standby region us-west-2")
}

test_standby_template_with_app_tag_passes if {
	d := t_input(t_web, [], [], [t_template("us-west-2", "lt-9", {"app": "web"})], {}, "pilot-light")
	count(deny) == 0 with input as d
	applicable == {t_key("web")} with input as d
}

test_twin_of_the_instances_template_passes if {
	d := t_input(
		t_web, [t_template("us-east-1", "lt-1", {})],
		[], [t_template("us-west-2", "web-dr", {})],
		{t_arn("us-east-1", "launch-template", "lt-1"): t_arn("us-west-2", "launch-template", "web-dr")},
		"pilot-light",
	)
	count(deny) == 0 with input as d
}

test_stopped_standby_instance_is_enough_for_pilot_light if {
	d := t_input(t_web, [], [t_instance("us-west-2", "i-9", "stopped", {"app": "web"}, null)], [], {}, "pilot-light")
	count(deny) == 0 with input as d
}

test_warm_standby_without_running_instance_is_denied if {
	primary := [t_instance("us-east-1", "i-1", "running", {"app": "web", "dr:tier": "warm-standby"}, null)]
	d := t_input(
		primary, [],
		[t_instance("us-west-2", "i-9", "stopped", {"app": "web"}, null)],
		[t_template("us-west-2", "lt-9", {"app": "web"})],
		{}, "pilot-light",
	)
	findings := deny with input as d
	count(findings) == 1
	some f in findings
	f.resource == t_key("web")
	contains(f.message, "Workload web is warm-standby (1 primary instance(s) in us-east-1) but has no running instance in standby region us-west-2 (1 launch template(s), 1 stopped instance(s))")
}

test_warm_standby_with_running_instance_passes if {
	primary := [t_instance("us-east-1", "i-1", "running", {"app": "web", "dr:tier": "warm-standby"}, null)]
	d := t_input(primary, [], [t_instance("us-west-2", "i-9", "running", {"app": "web"}, null)], [], {}, "pilot-light")
	count(deny) == 0 with input as d
}

test_default_tier_comes_from_objectives if {
	d := t_input(t_web, [], [], [t_template("us-west-2", "lt-9", {"app": "web"})], {}, "warm-standby")
	findings := deny with input as d
	count(findings) == 1
	some f in findings
	contains(f.message, "is warm-standby")
	# a pilot-light tag on the instances overrides the default
	tagged := [object.union(i, {"tags": {"app": "web", "dr:tier": "pilot-light"}}) | some i in t_web]
	count(deny) == 0 with input as t_input(tagged, [], [], [t_template("us-west-2", "lt-9", {"app": "web"})], {}, "warm-standby")
}

test_running_twin_instance_without_app_tag_counts if {
	primary := [t_instance("us-east-1", "i-1", "running", {"app": "web", "dr:tier": "warm-standby"}, null)]
	d := t_input(
		primary, [], [t_instance("us-west-2", "i-9", "running", {}, null)], [],
		{t_arn("us-east-1", "instance", "i-1"): t_arn("us-west-2", "instance", "i-9")},
		"pilot-light",
	)
	count(deny) == 0 with input as d
}

test_terminated_instances_count_on_neither_side if {
	primary := array.concat(t_web, [t_instance("us-east-1", "i-3", "terminated", {"app": "batch"}, null)])
	d := t_input(primary, [], [t_instance("us-west-2", "i-9", "terminated", {"app": "web"}, null)], [], {}, "pilot-light")
	findings := deny with input as d
	{f.resource | some f in findings} == {t_key("web")}
	applicable == {t_key("web")} with input as d
}

test_instances_without_app_tag_are_not_applicable if {
	d := t_input([t_instance("us-east-1", "i-1", "running", {"Name": "bastion"}, null), t_instance("us-east-1", "i-2", "running", {"app": ""}, null)], [], [], [], {}, "pilot-light")
	count(applicable) == 0 with input as d
	count(deny) == 0 with input as d
}

test_app_tag_name_comes_from_config if {
	primary := [t_instance("us-east-1", "i-1", "running", {"service": "web"}, null)]
	d := object.union(t_input(primary, [], [], [], {}, "pilot-light"), {"config": {"app_tag": "service"}})
	applicable == {t_key("web")} with input as d
	count(deny) == 1 with input as d
}

test_templates_of_other_workloads_do_not_count if {
	api := [t_instance("us-east-1", "i-5", "running", {"app": "api"}, null)]
	d := t_input(array.concat(t_web, api), [], [], [t_template("us-west-2", "lt-9", {"app": "web"})], {}, "pilot-light")
	findings := deny with input as d
	{f.resource | some f in findings} == {t_key("api")}
}

test_metadata if {
	metadata.id == "DR-EC2-006"
	metadata.severity == "high"
	metadata.category == "compute"
	metadata.inputs == ["ec2"]
}
