package drready.rules.workload_without_standby_capacity

# Workloads are computed in Rust (input.workloads); these tests give them as drready would.

t_arn(region, kind, id) := sprintf("arn:aws:ec2:%s:111111111111:%s/%s", [region, kind, id])

t_key(app) := sprintf("arn:aws:ec2:us-east-1:111111111111:workload/%s", [app])

t_standby_instance(id, state) := {
	"arn": t_arn("us-west-2", "instance", id), "id": id, "name": id, "region": "us-west-2", "account": "111111111111",
	"instance_type": "m6i.large", "state": state, "tags": {},
}

# A workload with primary instance ids, standby launch template ids and standby instances.
t_workload(app, tier, primary_ids, standby_template_ids, standby_instances) := {
	"name": app, "key": t_key(app), "tier": tier,
	"primary": {
		"instances": sort([t_arn("us-east-1", "instance", id) | some id in primary_ids]),
		"launch_templates": [], "images": [], "volumes": [], "buckets": [],
	},
	"standby": {
		"instances": sort([i.arn | some i in standby_instances]),
		"launch_templates": sort([t_arn("us-west-2", "launch-template", id) | some id in standby_template_ids]),
		"images": [], "buckets": [],
	},
}

t_input(workloads, standby_instances) := {
	"primary": {"account": "111111111111", "region": "us-east-1"},
	"standby": {"account": "111111111111", "region": "us-west-2", "ec2": {"instances": standby_instances}},
	"index": {"standby": {"by_arn": {i.arn: i | some i in standby_instances}}},
	"workloads": workloads,
}

test_workload_with_nothing_in_standby_is_denied if {
	d := t_input([t_workload("web", "pilot-light", ["i-2", "i-1"], [], [])], [])
	findings := deny with input as d
	count(findings) == 1
	some f in findings
	f.resource == t_key("web")
	f.site == "primary"
	f.related == [t_arn("us-east-1", "instance", "i-1"), t_arn("us-east-1", "instance", "i-2")]
	contains(f.message, "Workload web (pilot-light, 2 primary instance(s) in us-east-1) has no launch template and no instance in standby region us-west-2")
	applicable == {t_key("web")} with input as d
}

test_standby_template_passes_pilot_light if {
	d := t_input([t_workload("web", "pilot-light", ["i-1", "i-2"], ["lt-9"], [])], [])
	count(deny) == 0 with input as d
	applicable == {t_key("web")} with input as d
}

test_stopped_standby_instance_is_enough_for_pilot_light if {
	standby := [t_standby_instance("i-9", "stopped")]
	d := t_input([t_workload("web", "pilot-light", ["i-1"], [], standby)], standby)
	count(deny) == 0 with input as d
	applicable == {t_key("web")} with input as d
}

test_warm_standby_without_running_instance_is_denied if {
	standby := [t_standby_instance("i-9", "stopped")]
	d := t_input([t_workload("web", "warm-standby", ["i-1"], ["lt-9"], standby)], standby)
	findings := deny with input as d
	count(findings) == 1
	some f in findings
	f.resource == t_key("web")
	contains(f.message, "Workload web is warm-standby (1 primary instance(s) in us-east-1) but has no running instance in standby region us-west-2 (1 launch template(s), 1 stopped instance(s))")
}

test_warm_standby_with_running_instance_passes if {
	standby := [t_standby_instance("i-9", "running")]
	d := t_input([t_workload("web", "warm-standby", ["i-1"], [], standby)], standby)
	count(deny) == 0 with input as d
	applicable == {t_key("web")} with input as d
}

test_tier_comes_from_the_workload if {
	d := t_input([t_workload("web", "warm-standby", ["i-1", "i-2"], ["lt-9"], [])], [])
	findings := deny with input as d
	count(findings) == 1
	some f in findings
	contains(f.message, "is warm-standby")
	pilot := t_input([t_workload("web", "pilot-light", ["i-1", "i-2"], ["lt-9"], [])], [])
	count(deny) == 0 with input as pilot
	applicable == {t_key("web")} with input as pilot
}

test_terminated_standby_instances_do_not_count if {
	standby := [t_standby_instance("i-9", "terminated")]
	d := t_input([t_workload("web", "pilot-light", ["i-1"], [], standby)], standby)
	findings := deny with input as d
	{f.resource | some f in findings} == {t_key("web")}
	some f in findings
	contains(f.message, "has no launch template and no instance in standby region us-west-2")
}

test_workload_without_primary_instances_is_not_applicable if {
	d := t_input([t_workload("assets", "pilot-light", [], [], [])], [])
	count(applicable) == 0 with input as d
	count(deny) == 0 with input as d
}

test_workloads_are_judged_separately if {
	d := t_input([t_workload("web", "pilot-light", ["i-1"], ["lt-9"], []), t_workload("api", "pilot-light", ["i-5"], [], [])], [])
	findings := deny with input as d
	{f.resource | some f in findings} == {t_key("api")}
	applicable == {t_key("web"), t_key("api")} with input as d
}

test_metadata if {
	metadata.id == "DR-EC2-006"
	metadata.severity == "high"
	metadata.category == "compute"
	metadata.inputs == ["ec2"]
}
