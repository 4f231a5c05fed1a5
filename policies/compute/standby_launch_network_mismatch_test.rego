package drready.rules.standby_launch_network_mismatch

import data.drready.testlib

t_template_arn(id) := testlib.standby_template_arn(id)

t_subnet_arn(id) := sprintf("arn:aws:ec2:us-west-2:222222222222:subnet/%s", [id])

t_group_arn(id) := sprintf("arn:aws:ec2:us-west-2:222222222222:security-group/%s", [id])

t_subnet(id, vpc_id) := {"arn": t_subnet_arn(id), "id": id, "name": id, "tags": {}, "region": "us-west-2", "account": "222222222222", "vpc_id": vpc_id, "cidr_block": "10.1.0.0/24", "availability_zone": "us-west-2a"}

t_group(id, name, vpc_id) := {"arn": t_group_arn(id), "id": id, "name": name, "tags": {}, "region": "us-west-2", "account": "222222222222", "vpc_id": vpc_id, "description": name, "ingress": []}

t_version(number, groups, subnets) := {
	"version_number": number, "image_id": "ami-0standby", "instance_type": "m6i.large",
	"security_group_ids": groups, "subnet_ids": subnets,
}

t_template(id, default_version, latest_version) := testlib.compact({
	"arn": t_template_arn(id), "id": id, "name": "web", "tags": {}, "region": "us-west-2", "account": "222222222222",
	"default_version": default_version, "latest_version": latest_version,
})

# vpc-0app holds subnet-0a, subnet-0b and sg-0web; the default VPC vpc-0default holds sg-0default and subnet-0d.
t_input(templates) := {
	"primary": {"account": "111111111111", "region": "us-east-1", "ec2": {"launch_templates": []}},
	"standby": {"account": "222222222222", "region": "us-west-2", "ec2": {"launch_templates": templates}},
	"index": {"standby": {
		"subnets": {
			"subnet-0a": t_subnet("subnet-0a", "vpc-0app"),
			"subnet-0b": t_subnet("subnet-0b", "vpc-0app"),
			"subnet-0d": t_subnet("subnet-0d", "vpc-0default"),
		},
		"security_groups": {
			"sg-0web": t_group("sg-0web", "web", "vpc-0app"),
			"sg-0default": t_group("sg-0default", "default", "vpc-0default"),
		},
	}},
}

test_group_of_another_vpc_is_denied if {
	d := t_input([t_template("lt-9", t_version(4, ["sg-0web", "sg-0default"], ["subnet-0a"]), null)])
	findings := deny with input as d
	count(findings) == 1
	some f in findings
	f.resource == t_template_arn("lt-9")
	f.site == "standby"
	contains(f.message, "Standby launch template lt-9 (web) in us-west-2: version 4 launches into subnet subnet-0a of vpc-0app but uses security group sg-0default (default) of vpc-0default")
	contains(f.message, "every launch fails")
	not contains(f.message, "sg-0web")
	f.related == sort([t_subnet_arn("subnet-0a"), t_group_arn("sg-0default")])
}

test_groups_and_subnets_of_one_vpc_pass if {
	d := t_input([t_template("lt-9", t_version(4, ["sg-0web"], ["subnet-0a", "subnet-0b"]), null)])
	count(deny) == 0 with input as d
	applicable == {t_template_arn("lt-9")} with input as d
}

test_interfaces_in_two_vpcs_with_their_own_groups_pass if {
	# the groups of all network interfaces are listed together: each group's VPC holds one of the subnets
	d := t_input([t_template("lt-9", t_version(4, ["sg-0web", "sg-0default"], ["subnet-0a", "subnet-0d"]), null)])
	count(deny) == 0 with input as d
	applicable == {t_template_arn("lt-9")} with input as d
}

test_unknown_subnets_and_groups_are_left_to_dr_ec2_004 if {
	d := t_input([t_template("lt-9", t_version(4, ["sg-0web", "sg-0gone"], ["subnet-0a", "subnet-0gone"]), null)])
	count(deny) == 0 with input as d
	applicable == {t_template_arn("lt-9")} with input as d
	only_unknown_subnet := t_input([t_template("lt-9", t_version(4, ["sg-0default"], ["subnet-0gone"]), null)])
	count(applicable) == 0 with input as only_unknown_subnet
	count(deny) == 0 with input as only_unknown_subnet
}

test_template_without_subnet_is_not_applicable if {
	# the Auto Scaling group chooses the subnet
	d := t_input([t_template("lt-9", t_version(4, ["sg-0default"], []), null)])
	count(applicable) == 0 with input as d
	count(deny) == 0 with input as d
}

test_template_without_groups_is_not_applicable if {
	d := t_input([t_template("lt-9", t_version(4, [], ["subnet-0a"]), null)])
	count(applicable) == 0 with input as d
	count(deny) == 0 with input as d
}

test_default_version_is_judged_not_the_latest if {
	d := t_input([t_template("lt-9", t_version(4, ["sg-0web"], ["subnet-0a"]), t_version(5, ["sg-0default"], ["subnet-0a"]))])
	count(deny) == 0 with input as d
	applicable == {t_template_arn("lt-9")} with input as d
}

test_latest_version_is_judged_without_a_default if {
	d := t_input([t_template("lt-9", null, t_version(5, ["sg-0web"], ["subnet-0d"]))])
	some f in deny with input as d
	contains(f.message, "version 5 launches into subnet subnet-0d of vpc-0default but uses security group sg-0web (web) of vpc-0app")
}

test_primary_templates_are_not_applicable if {
	d := object.union(t_input([]), {"primary": {"account": "111111111111", "region": "us-east-1", "ec2": {"launch_templates": [t_template("lt-1", t_version(4, ["sg-0default"], ["subnet-0a"]), null)]}}})
	count(applicable) == 0 with input as d
	count(deny) == 0 with input as d
}

test_metadata if {
	metadata.id == "DR-NET-003"
	metadata.severity == "critical"
	metadata.category == "compute"
	metadata.inputs == ["ec2"]
}
