package drready.rules.network_missing_in_standby

import data.drready.testlib

t_arn(kind, id) := sprintf("arn:aws:ec2:us-east-1:111111111111:%s/%s", [kind, id])

t_twin(kind, id) := sprintf("arn:aws:ec2:us-west-2:111111111111:%s/%s", [kind, id])

t_instance(id, state, vpc, subnet, groups) := {
	"arn": t_arn("instance", id), "id": id, "name": id, "region": "us-east-1", "account": "111111111111",
	"state": state, "vpc_id": vpc, "subnet_id": subnet, "security_group_ids": groups,
}

t_template(id, groups, subnets) := {
	"arn": t_arn("launch-template", id), "id": id, "name": id, "region": "us-east-1", "account": "111111111111",
	"latest_version": {"version_number": 1, "security_group_ids": groups, "subnet_ids": subnets},
}

t_net(kind, id, name, vpc) := testlib.compact({"arn": t_arn(kind, id), "id": id, "name": name, "region": "us-east-1", "account": "111111111111", "vpc_id": vpc})

# Primary network: vpc-1 with subnet-a, subnet-b, sg-web, sg-db; vpc-2 with sg-other.
t_index := {"primary": {
	"vpcs": {"vpc-1": t_net("vpc", "vpc-1", "prod", null), "vpc-2": t_net("vpc", "vpc-2", "legacy", null)},
	"subnets": {"subnet-a": t_net("subnet", "subnet-a", "private-a", "vpc-1"), "subnet-b": t_net("subnet", "subnet-b", "private-b", "vpc-1")},
	"security_groups": {
		"sg-web": t_net("security-group", "sg-web", "web", "vpc-1"),
		"sg-db": t_net("security-group", "sg-db", "db", "vpc-1"),
		"sg-other": t_net("security-group", "sg-other", "other", "vpc-2"),
	},
}}

t_all_twins := {t_arn(k, id): t_twin(k, id) | some [k, id] in [
	["vpc", "vpc-1"], ["vpc", "vpc-2"], ["subnet", "subnet-a"], ["subnet", "subnet-b"],
	["security-group", "sg-web"], ["security-group", "sg-db"], ["security-group", "sg-other"],
]}

t_input(instances, templates, standby_of) := {
	"primary": {"account": "111111111111", "region": "us-east-1", "ec2": {"instances": instances, "launch_templates": templates}},
	"standby": {"account": "111111111111", "region": "us-west-2"},
	"index": t_index,
	"parity": {"standby_of": standby_of},
}

t_without(arn) := object.remove(t_all_twins, [arn])

test_security_group_without_twin_is_denied if {
	d := t_input(
		[t_instance("i-1", "running", "vpc-1", "subnet-a", ["sg-web", "sg-db"])],
		[t_template("lt-1", ["sg-db"], [])],
		t_without(t_arn("security-group", "sg-db")),
	)
	findings := deny with input as d
	count(findings) == 1
	some f in findings
	f.resource == t_arn("security-group", "sg-db")
	f.site == "primary"
	f.related == [t_arn("instance", "i-1"), t_arn("launch-template", "lt-1")]
	contains(f.message, "Security group sg-db (db) in primary region us-east-1 is used by 2 primary instance(s)/launch template(s)")
	contains(f.message, "us-west-2")
}

test_subnet_and_vpc_without_twin_are_denied if {
	standby_of := object.remove(t_all_twins, [t_arn("subnet", "subnet-b"), t_arn("vpc", "vpc-1")])
	d := t_input([t_instance("i-1", "running", "vpc-1", "subnet-b", ["sg-web"])], [], standby_of)
	findings := deny with input as d
	{f.resource | some f in findings} == {t_arn("subnet", "subnet-b"), t_arn("vpc", "vpc-1")}
	some f in findings
	f.resource == t_arn("vpc", "vpc-1")
	startswith(f.message, "VPC vpc-1 (prod)")
}

test_everything_twinned_passes if {
	d := t_input([t_instance("i-1", "running", "vpc-1", "subnet-a", ["sg-web"])], [], t_all_twins)
	count(deny) == 0 with input as d
	applicable == {t_arn("vpc", "vpc-1"), t_arn("subnet", "subnet-a"), t_arn("security-group", "sg-web")} with input as d
}

test_vpc_of_a_template_security_group_is_used if {
	d := t_input([], [t_template("lt-1", ["sg-other"], ["subnet-a"])], t_without(t_arn("vpc", "vpc-2")))
	findings := deny with input as d
	count(findings) == 1
	some f in findings
	f.resource == t_arn("vpc", "vpc-2")
	f.related == [t_arn("launch-template", "lt-1")]
	applicable == {t_arn("vpc", "vpc-1"), t_arn("vpc", "vpc-2"), t_arn("subnet", "subnet-a"), t_arn("security-group", "sg-other")} with input as d
}

test_unused_network_is_not_applicable if {
	d := t_input([t_instance("i-1", "running", "vpc-1", "subnet-a", ["sg-web"])], [], t_without(t_arn("security-group", "sg-db")))
	count(deny) == 0 with input as d
	not t_arn("security-group", "sg-db") in applicable with input as d
	applicable == {t_arn("vpc", "vpc-1"), t_arn("subnet", "subnet-a"), t_arn("security-group", "sg-web")} with input as d
}

test_terminated_instances_use_nothing if {
	d := t_input([t_instance("i-1", "terminated", "vpc-1", "subnet-a", ["sg-db"])], [], {})
	count(applicable) == 0 with input as d
	count(deny) == 0 with input as d
}

test_unknown_ids_are_not_judged if {
	d := t_input([t_instance("i-1", "running", "vpc-9", "subnet-9", ["sg-9"])], [], {})
	count(applicable) == 0 with input as d
	count(deny) == 0 with input as d
}

test_template_without_versions_uses_nothing if {
	template := object.remove(t_template("lt-1", ["sg-db"], []), ["latest_version"])
	d := t_input([], [template], {})
	count(applicable) == 0 with input as d
}

test_default_version_counts_not_the_latest if {
	template := object.union(t_template("lt-1", ["sg-web"], []), {"default_version": {"version_number": 1, "security_group_ids": ["sg-db"], "subnet_ids": []}})
	d := t_input([], [template], t_without(t_arn("security-group", "sg-db")))
	findings := deny with input as d
	{f.resource | some f in findings} == {t_arn("security-group", "sg-db")}
	applicable == {t_arn("security-group", "sg-db"), t_arn("vpc", "vpc-1")} with input as d
}

test_metadata if {
	metadata.id == "DR-NET-001"
	metadata.severity == "high"
	metadata.category == "compute"
	metadata.inputs == ["ec2"]
}
