package drready.rules.quota_standby_vcpus_insufficient

t_quota_arn := "arn:aws:servicequotas:us-west-2:222222222222:ec2/L-1216C47A"

t_unread_quota := {
	"arn": t_quota_arn, "id": "ec2/L-1216C47A", "name": "Running On-Demand Standard (A, C, D, H, I, M, R, T, Z) instances",
	"tags": {}, "region": "us-west-2", "account": "222222222222", "service_code": "ec2", "quota_code": "L-1216C47A",
	"unit": "None", "adjustable": true,
}

t_quota(value) := object.union(t_unread_quota, {"value": value})

t_group(name, desired, extra) := object.union({
	"arn": sprintf("arn:aws:autoscaling:us-east-1:111111111111:autoScalingGroup:0000:autoScalingGroupName/%s", [name]),
	"id": name, "name": name, "tags": {}, "region": "us-east-1", "account": "111111111111",
	"launch_template": {"id": "lt-1", "version": "$Default"}, "instance_type_overrides": [],
	"min_size": 0, "desired_capacity": desired, "max_size": 10, "instance_ids": [],
}, extra)

t_template := {"id": "lt-1", "name": "web", "default_version_number": 1, "latest_version_number": 2,
	"default_version": {"version_number": 1, "instance_type": "m5.large"}, "latest_version": {"version_number": 2, "instance_type": "m5.2xlarge"}}

t_instance(id, instance_type, state, tags) := {"arn": id, "id": id, "instance_type": instance_type, "state": state, "tags": tags}

t_input(groups, instances, quotas, vcpus) := {
	"primary": {"region": "us-east-1", "autoscaling": {"groups": groups}, "ec2": {"instances": instances, "launch_templates": [t_template]},
		"servicequotas": {"quotas": [], "instance_type_vcpus": {"c5.xlarge": 4}}},
	"standby": {"region": "us-west-2", "servicequotas": {"quotas": quotas, "instance_type_vcpus": vcpus}},
	"index": {"primary": {"launch_templates": {"lt-1": t_template}}},
}

t_vcpus := {"m5.large": 2, "m5.2xlarge": 8, "t3.small": 2, "g5.xlarge": 4}

test_quota_below_need_is_denied if {
	groups := [
		t_group("web", 3, {}),
		t_group("api", 2, {"launch_template": {"id": "lt-1", "version": "$Latest"}}),
		t_group("batch", 4, {"instance_type_overrides": ["c5.xlarge", "m5.large"], "on_demand_base_capacity": 1, "on_demand_percentage_above_base": 50}),
		t_group("gpu", 2, {"instance_type_overrides": ["g5.xlarge"]}),
		t_group("idle", 0, {}),
	]
	instances := [
		t_instance("i-lone", "t3.small", "running", {}),
		t_instance("i-stopped", "t3.small", "stopped", {}),
		t_instance("i-asg", "m5.large", "running", {"aws:autoscaling:groupName": "web"}),
	]
	findings := deny with input as t_input(groups, instances, [t_quota(20)], t_vcpus)
	count(findings) == 1
	some f in findings
	f.resource == t_quota_arn
	f.site == "standby"
	# web 3 x 2 + api 2 x 8 + batch (1 + ceil(3 x 50%) = 3) x 4 + i-lone 2 = 36; gpu is another quota.
	contains(f.message, "Standby quota Running On-Demand Standard (A, C, D, H, I, M, R, T, Z) instances (ec2/L-1216C47A) in us-west-2 is 20 vCPUs, but running the primary's current capacity there needs 36 vCPUs (group api: 2 x m5.2xlarge = 16, group batch: 3 x c5.xlarge = 12, group web: 3 x m5.large = 6, instance i-lone: 1 x t3.small = 2)")
	contains(f.message, "VcpuLimitExceeded")
}

test_unknown_vcpus_are_said_not_passed if {
	d := t_input([t_group("web", 2, {"instance_type_overrides": ["m7i.large"]})], [], [t_quota(100)], t_vcpus)
	some f in deny with input as d
	contains(f.message, "is 100 vCPUs and the known part of the primary's capacity needs 0, but group web (vCPUs of m7i.large not in the snapshot), so whether the quota covers a failover is unknown")
}

test_launch_configuration_group_type_from_instances if {
	g := t_group("legacy", 2, {"launch_template": null, "launch_configuration_name": "lc", "instance_ids": ["i-1"]})
	d := t_input([g], [t_instance("i-1", "m5.2xlarge", "running", {"aws:autoscaling:groupName": "legacy"})], [t_quota(10)], t_vcpus)
	some f in deny with input as d
	contains(f.message, "needs 16 vCPUs (group legacy: 2 x m5.2xlarge = 16)")
}

test_group_without_known_type_is_unknown if {
	g := t_group("legacy", 2, {"launch_template": null, "launch_configuration_name": "lc"})
	some f in deny with input as t_input([g], [], [t_quota(10)], t_vcpus)
	contains(f.message, "group legacy (instance type unknown)")
}

test_unreadable_quota_is_reported_for_the_unknown_mark if {
	findings := deny with input as t_input([t_group("web", 2, {})], [], [t_unread_quota], t_vcpus)
	count(findings) == 1
	some f in findings
	f.resource == t_quota_arn
	contains(f.message, "could not be read, so whether the standby may run the 4 vCPUs the primary runs is unknown")
}

test_ample_quota_passes if {
	d := t_input([t_group("web", 3, {})], [t_instance("i-lone", "t3.small", "running", {})], [t_quota(1152)], t_vcpus)
	count(deny) == 0 with input as d
	applicable == {t_quota_arn} with input as d
}

test_nothing_to_run_or_no_quota_is_not_applicable if {
	count(applicable) == 0 with input as t_input([t_group("web", 0, {})], [], [t_quota(1)], t_vcpus)
	count(applicable) == 0 with input as t_input([t_group("web", 2, {})], [], [], t_vcpus)
}
