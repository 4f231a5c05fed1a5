package drready.rules.asg_standby_launch_suspended

t_group(region, account, name, extra) := object.union({
	"arn": sprintf("arn:aws:autoscaling:%s:%s:autoScalingGroup:0000:autoScalingGroupName/%s", [region, account, name]),
	"id": name, "name": name, "tags": {}, "region": region, "account": account,
	"min_size": 0, "desired_capacity": 0, "max_size": 4, "suspended_processes": [], "target_group_arns": [],
}, extra)

t_input(s) := {
	"primary": {"region": "us-east-1", "autoscaling": {"groups": [t_p]}},
	"standby": {"region": "us-west-2", "autoscaling": {"groups": [s]}},
	"parity": {"standby_of": {t_p.arn: s.arn}, "primary_of": {s.arn: t_p.arn}},
	"index": {"standby": {"by_arn": {s.arn: s}}},
}

t_p := t_group("us-east-1", "111111111111", "web-use1", {})

test_launch_suspended_is_denied if {
	s := t_group("us-west-2", "222222222222", "web-usw2", {"suspended_processes": ["AZRebalance", "Launch"]})
	findings := deny with input as t_input(s)
	count(findings) == 1
	some f in findings
	f.resource == s.arn
	f.site == "standby"
	f.message == "Standby Auto Scaling group web-usw2 in us-west-2 has suspended Launch (no instance is launched), so after a failover it does not bring up the application until the processes are resumed."
	f.related == [t_p.arn]
}

test_add_to_load_balancer_suspended_with_target_groups_is_denied if {
	s := t_group("us-west-2", "222222222222", "web-usw2", {"suspended_processes": ["AddToLoadBalancer"], "target_group_arns": ["arn:tg"]})
	some f in deny with input as t_input(s)
	contains(f.message, "has suspended AddToLoadBalancer (new instances get no traffic)")
}

test_add_to_load_balancer_without_load_balancer_passes if {
	s := t_group("us-west-2", "222222222222", "web-usw2", {"suspended_processes": ["AddToLoadBalancer", "AZRebalance", "AlarmNotification"]})
	count(deny) == 0 with input as t_input(s)
	applicable == {s.arn} with input as t_input(s)
}

test_nothing_suspended_passes if {
	s := t_group("us-west-2", "222222222222", "web-usw2", {})
	count(deny) == 0 with input as t_input(s)
	applicable == {s.arn} with input as t_input(s)
}
