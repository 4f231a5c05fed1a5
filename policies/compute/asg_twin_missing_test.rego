package drready.rules.asg_twin_missing

t_arn(region, account, name) := sprintf("arn:aws:autoscaling:%s:%s:autoScalingGroup:0000:autoScalingGroupName/%s", [region, account, name])

t_group(region, account, name, extra) := object.union({
	"arn": t_arn(region, account, name), "id": name, "name": name, "tags": {}, "region": region, "account": account,
	"launch_template": {"id": "lt-1", "name": "web", "version": "$Default"},
	"min_size": 0, "max_size": 4, "desired_capacity": 2, "subnet_ids": [], "availability_zones": [], "suspended_processes": [],
}, extra)

t_primary(name, extra) := t_group("us-east-1", "111111111111", name, extra)

t_standby(name, extra) := t_group("us-west-2", "222222222222", name, extra)

t_input(primary, standby, pairs) := {
	"primary": {"account": "111111111111", "region": "us-east-1", "autoscaling": {"groups": primary}},
	"standby": {"account": "222222222222", "region": "us-west-2", "autoscaling": {"groups": standby}},
	"parity": {"standby_of": {p.arn: s.arn | some [p, s] in pairs}},
	"index": {"standby": {"by_arn": {g.arn: g | some g in standby}}},
}

test_group_without_twin_is_denied if {
	p := t_primary("web-use1", {})
	d := t_input([p], [], [])
	findings := deny with input as d
	count(findings) == 1
	some f in findings
	f.resource == p.arn
	f.site == "primary"
	contains(f.message, "Primary Auto Scaling group web-use1 in us-east-1 (desired 2, max 4, launch template web) has no twin group in standby region us-west-2 (account 222222222222)")
	contains(f.message, "nothing launches or scales")
	f.related == []
}

test_twin_being_deleted_is_denied if {
	p := t_primary("web-use1", {})
	s := t_standby("web-usw2", {"status": "Delete in progress"})
	d := t_input([p], [s], [[p, s]])
	some f in deny with input as d
	contains(f.message, "has only twin web-usw2 in standby region us-west-2, which is being deleted")
	f.related == [s.arn]
}

test_eks_group_names_its_node_group if {
	p := t_primary("eks-ng-web-12ab34cd-5678", {"tags": {"eks:cluster-name": "prod", "eks:nodegroup-name": "ng-web"}})
	some f in deny with input as t_input([p], [], [])
	contains(f.message, "It belongs to EKS node group ng-web of cluster prod")
}

test_cloudformation_group_names_its_stack if {
	p := t_primary("prod-web-WebAsg-1AB2C3", {"tags": {"aws:cloudformation:stack-name": "prod-web"}, "launch_template": null, "launch_configuration_name": "prod-web-lc"})
	some f in deny with input as t_input([p], [], [])
	contains(f.message, "launch configuration prod-web-lc")
	contains(f.message, "It is made by CloudFormation stack prod-web")
}

test_group_with_twin_passes if {
	p := t_primary("web-use1", {})
	s := t_standby("web-usw2", {})
	d := t_input([p], [s], [[p, s]])
	count(deny) == 0 with input as d
	applicable == {p.arn} with input as d
}

test_deleting_and_empty_groups_are_not_judged if {
	d := t_input([t_primary("old", {"status": "Delete in progress"}), t_primary("off", {"max_size": 0, "desired_capacity": 0})], [], [])
	count(deny) == 0 with input as d
	count(applicable) == 0 with input as d
}
