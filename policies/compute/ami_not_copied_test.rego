package drready.rules.ami_not_copied

import data.drready.testlib

t_image_arn(id) := sprintf("arn:aws:ec2:us-east-1:111111111111:image/%s", [id])

t_image(id, name) := {"arn": t_image_arn(id), "id": id, "name": name, "region": "us-east-1", "account": "111111111111", "state": "available"}

# image_id null: the instance runs no known image (the field is left out).
t_instance(id, state, image_id) := testlib.compact({
	"arn": sprintf("arn:aws:ec2:us-east-1:111111111111:instance/%s", [id]),
	"id": id, "name": id, "region": "us-east-1", "account": "111111111111",
	"state": state, "image_id": image_id,
})

# A template whose latest version 3 runs latest_image and default version 1 runs default_image.
t_template(id, latest_image, default_image) := {
	"arn": sprintf("arn:aws:ec2:us-east-1:111111111111:launch-template/%s", [id]),
	"id": id, "name": "web", "region": "us-east-1", "account": "111111111111",
	"latest_version": {"version_number": 3, "image_id": latest_image},
	"default_version": {"version_number": 1, "image_id": default_image},
}

t_input(instances, templates, standby_of) := {
	"primary": {"account": "111111111111", "region": "us-east-1", "ec2": {"instances": instances, "launch_templates": templates}},
	"standby": {"account": "111111111111", "region": "us-west-2", "ec2": {"instances": [], "launch_templates": []}},
	"index": {
		"primary": {"images": {
			"ami-0aaa": t_image("ami-0aaa", "web-2026-11"),
			"ami-0old": t_image("ami-0old", "web-2026-10"),
			"ami-0amzn": object.union(t_image("ami-0amzn", "al2023-ami-2023.6.20241111.0-kernel-6.1-x86_64"), {"owner_id": "137112412989", "owner_alias": "amazon", "public": true}),
			"ami-0gold": object.union(t_image("ami-0gold", "golden-base-2026-11"), {"owner_id": "333333333333"}),
		}},
		# Every standby twin named by standby_of, available.
		"standby": {"by_arn": {arn: t_standby_image(arn, "available") | some arn in standby_of}},
	},
	"parity": {"standby_of": standby_of},
}

t_standby_image(arn, state) := {"arn": arn, "id": substring(arn, indexof(arn, "image/") + 6, -1), "state": state}

test_uncopied_ami_is_denied_with_users_related if {
	d := t_input(
		[t_instance("i-1", "running", "ami-0aaa"), t_instance("i-2", "stopped", "ami-0aaa")],
		[t_template("lt-1", "ami-0aaa", "ami-0aaa")],
		{},
	)
	findings := deny with input as d
	count(findings) == 1
	some f in findings
	f.resource == t_image_arn("ami-0aaa")
	f.site == "primary"
	f.related == [
		"arn:aws:ec2:us-east-1:111111111111:instance/i-1",
		"arn:aws:ec2:us-east-1:111111111111:instance/i-2",
		"arn:aws:ec2:us-east-1:111111111111:launch-template/lt-1",
	]
	contains(f.message, "ami-0aaa")
	contains(f.message, "us-west-2")
}

test_copied_ami_passes if {
	d := t_input(
		[t_instance("i-1", "running", "ami-0aaa")],
		[],
		{t_image_arn("ami-0aaa"): "arn:aws:ec2:us-west-2:111111111111:image/ami-0bbb"},
	)
	count(deny) == 0 with input as d
	applicable == {t_image_arn("ami-0aaa")} with input as d
}

test_copy_of_older_ami_does_not_count if {
	d := t_input(
		[t_instance("i-1", "running", "ami-0aaa")],
		[],
		{t_image_arn("ami-0old"): "arn:aws:ec2:us-west-2:111111111111:image/ami-0cpy"},
	)
	findings := deny with input as d
	{f.resource | some f in findings} == {t_image_arn("ami-0aaa")}
	applicable == {t_image_arn("ami-0aaa")} with input as d
}

test_public_ami_is_not_applicable if {
	ssm := "resolve:ssm:/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-x86_64"
	d := t_input(
		[t_instance("i-1", "running", "ami-0public")],
		[t_template("lt-1", ssm, ssm)],
		{},
	)
	count(applicable) == 0 with input as d
	count(deny) == 0 with input as d
}

test_failed_or_pending_copy_is_not_a_copy if {
	copy := "arn:aws:ec2:us-west-2:111111111111:image/ami-0bbb"
	base := t_input([t_instance("i-1", "running", "ami-0aaa")], [], {t_image_arn("ami-0aaa"): copy})
	d := object.union(base, {"index": {"standby": {"by_arn": {copy: t_standby_image(copy, "failed")}}}})
	findings := deny with input as d
	count(findings) == 1
	some f in findings
	contains(f.message, "has no usable copy in standby region us-west-2: its copy ami-0bbb is failed")
	applicable == {t_image_arn("ami-0aaa")} with input as d
}

test_amazon_ami_with_its_standby_counterpart_passes if {
	d := t_input(
		[t_instance("i-1", "running", "ami-0amzn")],
		[],
		{t_image_arn("ami-0amzn"): "arn:aws:ec2:us-west-2::image/ami-0amznw2"},
	)
	count(deny) == 0 with input as d
	applicable == {t_image_arn("ami-0amzn")} with input as d
}

test_shared_ami_not_available_to_the_standby_is_denied if {
	d := t_input([t_instance("i-1", "running", "ami-0gold")], [], {})
	findings := deny with input as d
	count(findings) == 1
	some f in findings
	f.resource == t_image_arn("ami-0gold")
	contains(f.message, "is owned by account 333333333333 and no image of that owner named golden-base-2026-11 is available to the standby account 111111111111 in us-west-2")
}

test_terminated_instance_is_ignored if {
	d := t_input([t_instance("i-1", "terminated", "ami-0aaa")], [], {})
	count(applicable) == 0 with input as d
	count(deny) == 0 with input as d
}

test_shutting_down_instance_is_ignored if {
	d := t_input([t_instance("i-1", "shutting-down", "ami-0aaa")], [], {})
	count(applicable) == 0 with input as d
	count(deny) == 0 with input as d
	# the same instance running uses the image
	applicable == {t_image_arn("ami-0aaa")} with input as t_input([t_instance("i-1", "running", "ami-0aaa")], [], {})
}

test_default_template_version_counts_not_latest if {
	d := t_input([], [t_template("lt-1", "ami-0aaa", "ami-0old")], {})
	applicable == {t_image_arn("ami-0old")} with input as d
	findings := deny with input as d
	count(findings) == 1
	some f in findings
	f.resource == t_image_arn("ami-0old")
	f.related == ["arn:aws:ec2:us-east-1:111111111111:launch-template/lt-1"]
}

test_latest_template_version_counts_without_a_default if {
	template := object.remove(t_template("lt-1", "ami-0aaa", "ami-0old"), ["default_version"])
	d := t_input([], [template], {})
	applicable == {t_image_arn("ami-0aaa")} with input as d
	{f.resource | some f in deny} == {t_image_arn("ami-0aaa")} with input as d
}

test_template_without_versions_is_ignored if {
	template := object.remove(t_template("lt-1", "ami-0aaa", "ami-0aaa"), ["latest_version", "default_version"])
	d := t_input([], [template], {})
	count(applicable) == 0 with input as d
}

test_instance_without_image_is_ignored if {
	d := t_input([t_instance("i-1", "running", null)], [], {})
	count(applicable) == 0 with input as d
}

test_metadata if {
	metadata.id == "DR-EC2-001"
	metadata.severity == "critical"
	metadata.category == "compute"
	metadata.inputs == ["ec2"]
}
