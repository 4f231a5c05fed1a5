package drready.rules.asg_standby_cannot_scale

t_group(region, account, name, sizes, extra) := object.union({
	"arn": sprintf("arn:aws:autoscaling:%s:%s:autoScalingGroup:0000:autoScalingGroupName/%s", [region, account, name]),
	"id": name, "name": name, "tags": {}, "region": region, "account": account,
	"min_size": sizes[0], "desired_capacity": sizes[1], "max_size": sizes[2], "suspended_processes": [],
}, extra)

t_input(p, s, tier) := {
	"primary": {"region": "us-east-1", "autoscaling": {"groups": [p]}},
	"standby": {"region": "us-west-2", "autoscaling": {"groups": [s]}},
	"parity": {"standby_of": {p.arn: s.arn}},
	"index": {"standby": {"by_arn": {s.arn: s}}},
	"workloads": [{"name": "web", "tier": tier}],
	"workload_of": {p.arn: ["web"]},
	"objectives": {"default_tier": "pilot-light"},
}

t_primary(sizes) := t_group("us-east-1", "111111111111", "web-use1", sizes, {})

t_standby(sizes) := t_group("us-west-2", "222222222222", "web-usw2", sizes, {})

test_max_below_primary_desired_is_denied if {
	p := t_primary([2, 6, 10])
	s := t_standby([0, 0, 4])
	findings := deny with input as t_input(p, s, "pilot-light")
	count(findings) == 1
	some f in findings
	f.resource == s.arn
	f.site == "standby"
	contains(f.message, "Standby Auto Scaling group web-usw2 in us-west-2 (pilot-light; min 0, desired 0, max 4): its maximum size 4 is below the 6 instance(s) the primary group web-use1 runs (desired capacity)")
	f.related == [p.arn]
}

test_warm_standby_without_instance_is_denied if {
	p := t_primary([2, 2, 4])
	s := t_standby([0, 0, 4])
	some f in deny with input as t_input(p, s, "warm-standby")
	contains(f.message, "(warm-standby; min 0, desired 0, max 4): the workload is warm-standby but the group runs no instance (desired capacity 0)")
}

test_group_tier_tag_without_workload if {
	p := t_group("us-east-1", "111111111111", "web-use1", [2, 2, 4], {"tags": {"dr:tier": "warm-standby"}})
	s := t_standby([0, 0, 4])
	d := object.union(t_input(p, s, "x"), {"workloads": [], "workload_of": {}})
	some f in deny with input as d
	contains(f.message, "warm-standby")
}

test_pilot_light_at_zero_that_can_scale_passes if {
	p := t_primary([2, 4, 8])
	s := t_standby([0, 0, 4])
	d := t_input(p, s, "pilot-light")
	count(deny) == 0 with input as d
	applicable == {s.arn} with input as d
}

test_warm_standby_running_passes if {
	p := t_primary([2, 2, 4])
	s := t_standby([1, 1, 4])
	d := t_input(p, s, "warm-standby")
	count(deny) == 0 with input as d
	applicable == {s.arn} with input as d
}

test_deleting_twin_is_not_judged if {
	p := t_primary([2, 6, 10])
	s := object.union(t_standby([0, 0, 1]), {"status": "Delete in progress"})
	d := t_input(p, s, "pilot-light")
	count(applicable) == 0 with input as d
}
