package drready.rules.launch_template_broken_reference

import data.drready.testlib

t_template_arn(id) := testlib.standby_template_arn(id)

t_profile_arn(name) := testlib.standby_profile_arn(name)

# null leaves a field out.
t_version(image_id, groups, subnets, profile_arn, profile_name) := testlib.compact({
	"version_number": 4, "image_id": image_id, "instance_type": "m6i.large",
	"instance_profile_arn": profile_arn, "instance_profile_name": profile_name,
	"security_group_ids": groups, "subnet_ids": subnets,
})

t_good := t_version("ami-0standby", ["sg-0standby"], ["subnet-0standby"], t_profile_arn("web-profile"), null)

# The default version (the one that launches) is `version`; the latest version 5 is complete.
t_template(id, version) := {
	"arn": t_template_arn(id), "id": id, "name": "web", "region": "us-west-2", "account": "222222222222",
	"default_version_number": 4, "latest_version_number": 5,
	"default_version": version, "latest_version": object.union(t_good, {"version_number": 5}),
}

t_input(templates) := {
	"primary": {"account": "111111111111", "region": "us-east-1", "ec2": {"launch_templates": []}},
	"standby": {"account": "222222222222", "region": "us-west-2", "ec2": {"launch_templates": templates}},
	"index": {"standby": {
		"images": {"ami-0standby": {"id": "ami-0standby", "state": "available"}},
		"security_groups": {"sg-0standby": {"id": "sg-0standby"}, "sg-0other": {"id": "sg-0other"}},
		"subnets": {"subnet-0standby": {"id": "subnet-0standby"}},
		"instance_profile_arns": {t_profile_arn("web-profile"): {"name": "web-profile"}},
		"instance_profiles": {"web-profile": {"name": "web-profile"}},
	}},
}

test_security_group_from_the_primary_is_denied if {
	d := t_input([t_template("lt-9", t_version("ami-0standby", ["sg-0standby", "sg-0primary"], [], null, "web-profile"))])
	findings := deny with input as d
	count(findings) == 1
	some f in findings
	f.resource == t_template_arn("lt-9")
	f.site == "standby"
	contains(f.message, "lt-9 (web) in us-west-2: version 4 refers to security group sg-0primary, which does not exist")
	contains(f.message, "222222222222")
}

test_every_broken_reference_is_listed_in_one_finding if {
	d := t_input([t_template("lt-9", t_version("ami-0primary", ["sg-0gone"], ["subnet-0gone"], t_profile_arn("gone-profile"), null))])
	findings := deny with input as d
	count(findings) == 1
	some f in findings
	contains(f.message, "version 4 refers to AMI ami-0primary, security group sg-0gone, subnet subnet-0gone, which do not exist")
	not contains(f.message, "instance profile")
}

test_complete_template_passes if {
	d := t_input([t_template("lt-9", t_good)])
	count(deny) == 0 with input as d
	applicable == {t_template_arn("lt-9")} with input as d
}

test_missing_instance_profile_is_left_to_dr_iam_001 if {
	d := t_input([t_template("lt-9", t_version("ami-0standby", [], [], t_profile_arn("gone-profile"), "api-profile"))])
	count(deny) == 0 with input as d
	applicable == {t_template_arn("lt-9")} with input as d
}

test_ssm_parameter_image_is_not_judged if {
	d := t_input([t_template("lt-9", t_version("resolve:ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64", [], [], null, null))])
	count(deny) == 0 with input as d
	applicable == {t_template_arn("lt-9")} with input as d
}

test_unset_references_are_not_judged if {
	d := t_input([t_template("lt-9", t_version(null, [], [], "", ""))])
	count(deny) == 0 with input as d
	applicable == {t_template_arn("lt-9")} with input as d
}

test_default_version_is_judged_not_the_latest if {
	template := object.union(t_template("lt-9", t_good), {"latest_version": object.union(t_version("ami-0gone", [], [], null, null), {"version_number": 5})})
	d := t_input([template])
	count(deny) == 0 with input as d
	applicable == {t_template_arn("lt-9")} with input as d
	broken_default := t_template("lt-9", object.union(t_version("ami-0gone", [], [], null, null), {"version_number": 3}))
	findings := deny with input as t_input([broken_default])
	count(findings) == 1
	some f in findings
	contains(f.message, "version 3 refers to AMI ami-0gone, which does not exist")
	not contains(f.message, "version 5")
}

test_latest_version_is_judged_without_a_default if {
	template := object.union(
		object.remove(t_template("lt-9", t_good), ["default_version", "default_version_number"]),
		{"latest_version": t_version("ami-0standby", ["sg-0gone"], [], null, null)},
	)
	some f in deny with input as t_input([template])
	contains(f.message, "version 4 refers to security group sg-0gone, which does not exist")
}

test_template_without_versions_is_not_applicable if {
	template := object.remove(t_template("lt-9", t_good), ["latest_version", "default_version"])
	count(applicable) == 0 with input as t_input([template])
	count(deny) == 0 with input as t_input([template])
}

test_template_with_only_a_default_version_is_judged if {
	template := object.remove(t_template("lt-9", t_version("ami-0gone", [], [], null, null)), ["latest_version"])
	applicable == {t_template_arn("lt-9")} with input as t_input([template])
	count(deny) == 1 with input as t_input([template])
}

test_primary_templates_are_not_applicable if {
	d := {
		"primary": {"account": "111111111111", "region": "us-east-1", "ec2": {"launch_templates": [t_template("lt-1", t_version("ami-0gone", [], [], null, null))]}},
		"standby": {"account": "222222222222", "region": "us-west-2", "ec2": {"launch_templates": []}},
		"index": {"standby": {"images": {}}},
	}
	count(applicable) == 0 with input as d
	count(deny) == 0 with input as d
}

test_metadata if {
	metadata.id == "DR-EC2-004"
	metadata.severity == "critical"
	metadata.category == "compute"
	metadata.inputs == ["ec2"]
}
