package drready.rules.launch_template_broken_reference

t_template_arn(id) := sprintf("arn:aws:ec2:us-west-2:222222222222:launch-template/%s", [id])

t_profile_arn(name) := sprintf("arn:aws:iam::222222222222:instance-profile/%s", [name])

t_version(image_id, groups, subnets, profile_arn, profile_name) := {
	"version_number": 4, "image_id": image_id, "instance_type": "m6i.large",
	"instance_profile_arn": profile_arn, "instance_profile_name": profile_name,
	"security_group_ids": groups, "subnet_ids": subnets, "key_name": null,
}

t_good := t_version("ami-0standby", ["sg-0standby"], ["subnet-0standby"], t_profile_arn("web-profile"), null)

t_template(id, version) := {
	"arn": t_template_arn(id), "id": id, "name": "web", "region": "us-west-2", "account": "222222222222",
	"default_version_number": 1, "latest_version_number": 4,
	"default_version": object.union(t_good, {"version_number": 1}), "latest_version": version,
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
	contains(f.message, concat(", ", [
		"AMI ami-0primary",
		sprintf("instance profile %s", [t_profile_arn("gone-profile")]),
		"security group sg-0gone",
		"subnet subnet-0gone",
	]))
	contains(f.message, "which do not exist")
}

test_complete_template_passes if {
	d := t_input([t_template("lt-9", t_good)])
	count(deny) == 0 with input as d
	applicable == {t_template_arn("lt-9")} with input as d
}

test_missing_profile_by_name_is_denied if {
	d := t_input([t_template("lt-9", t_version("ami-0standby", [], [], null, "api-profile"))])
	some f in deny with input as d
	contains(f.message, "instance profile api-profile")
}

test_profile_arn_wins_over_name if {
	d := t_input([t_template("lt-9", t_version("ami-0standby", [], [], t_profile_arn("web-profile"), "missing-profile"))])
	count(deny) == 0 with input as d
}

test_ssm_parameter_image_is_not_judged if {
	d := t_input([t_template("lt-9", t_version("resolve:ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64", [], [], null, null))])
	count(deny) == 0 with input as d
}

test_unset_references_are_not_judged if {
	d := t_input([t_template("lt-9", t_version(null, [], [], "", ""))])
	count(deny) == 0 with input as d
	count(applicable) == 1 with input as d
}

test_default_version_is_judged_too if {
	default_v := object.union(t_version("ami-0gone", [], [], null, null), {"version_number": 3})
	template := object.union(t_template("lt-9", t_good), {"default_version": default_v})
	findings := deny with input as t_input([template])
	count(findings) == 1
	some f in findings
	contains(f.message, "version 3 refers to AMI ami-0gone, which does not exist")
	not contains(f.message, "version 4")
}

test_each_broken_version_is_named if {
	default_v := object.union(t_version("ami-0gone", [], [], null, null), {"version_number": 3})
	template := object.union(t_template("lt-9", t_version("ami-0standby", ["sg-0gone"], [], null, null)), {"default_version": default_v})
	some f in deny with input as t_input([template])
	contains(f.message, "version 3 refers to AMI ami-0gone; version 4 refers to security group sg-0gone, which do not exist")
}

test_template_without_versions_is_not_applicable if {
	template := object.union(t_template("lt-9", t_good), {"latest_version": null, "default_version": null})
	count(applicable) == 0 with input as t_input([template])
	count(deny) == 0 with input as t_input([template])
}

test_template_with_only_a_default_version_is_judged if {
	template := object.union(t_template("lt-9", t_good), {"latest_version": null, "default_version": t_version("ami-0gone", [], [], null, null)})
	count(applicable) == 1 with input as t_input([template])
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
	metadata.inputs == ["ec2", "iam"]
}
