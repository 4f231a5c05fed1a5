package drready.rules.standby_ami_unusable

import data.drready.testlib

t_template_arn(id) := testlib.standby_template_arn(id)

t_image_arn(id) := sprintf("arn:aws:ec2:us-west-2::image/%s", [id])

t_template(id, image_id) := {
	"arn": t_template_arn(id), "id": id, "name": "web", "region": "us-west-2", "account": "222222222222",
	"latest_version": {"version_number": 4, "image_id": image_id},
	"default_version": {"version_number": 4, "image_id": image_id},
}

t_template2(id, default_image, latest_image) := {
	"arn": t_template_arn(id), "id": id, "name": "web", "region": "us-west-2", "account": "222222222222",
	"latest_version": {"version_number": 4, "image_id": latest_image},
	"default_version": {"version_number": 3, "image_id": default_image},
}

# deprecation_time null: not deprecated (the field is left out).
t_image(id, state, deprecation_time) := testlib.compact({
	"arn": t_image_arn(id), "id": id, "name": "acme-web-20261021", "region": "us-west-2", "account": "222222222222",
	"state": state, "deprecation_time": deprecation_time,
})

t_input(templates, images) := {
	"now": "2026-11-20T10:00:00Z",
	"now_ns": time.parse_rfc3339_ns("2026-11-20T10:00:00Z"),
	"primary": {"account": "111111111111", "region": "us-east-1", "ec2": {"launch_templates": []}},
	"standby": {"account": "222222222222", "region": "us-west-2", "ec2": {"launch_templates": templates, "images": images}},
	"index": {"standby": {"images": {i.id: i | some i in images}}},
}

test_deprecated_ami_is_denied if {
	d := t_input([t_template("lt-9", "ami-1")], [t_image("ami-1", "available", "2026-11-20T08:41:02Z")])
	findings := deny with input as d
	count(findings) == 1
	some f in findings
	f.resource == t_template_arn("lt-9")
	f.site == "standby"
	f.related == [t_image_arn("ami-1")]
	contains(f.message, "lt-9 (web) in us-west-2: version 4 uses AMI ami-1 (acme-web-20261021), which was deprecated at 2026-11-20T08:41:02Z")
}

test_unavailable_ami_is_denied if {
	d := t_input([t_template("lt-9", "ami-1")], [t_image("ami-1", "failed", null)])
	findings := deny with input as d
	count(findings) == 1
	some f in findings
	contains(f.message, "which is failed")
}

test_both_problems_are_named if {
	d := t_input([t_template("lt-9", "ami-1")], [t_image("ami-1", "deregistered", "2026-01-01T00:00:00Z")])
	some f in deny with input as d
	contains(f.message, "which is deregistered and was deprecated at 2026-01-01T00:00:00Z")
}

test_available_ami_passes if {
	d := t_input([t_template("lt-9", "ami-1")], [t_image("ami-1", "available", null)])
	count(deny) == 0 with input as d
	applicable == {t_template_arn("lt-9")} with input as d
}

test_future_deprecation_passes if {
	d := t_input([t_template("lt-9", "ami-1")], [t_image("ami-1", "available", "2026-11-20T10:00:01Z")])
	count(deny) == 0 with input as d
	applicable == {t_template_arn("lt-9")} with input as d
}

test_deprecation_exactly_now_is_denied if {
	d := t_input([t_template("lt-9", "ami-1")], [t_image("ami-1", "available", "2026-11-20T10:00:00Z")])
	count(deny) == 1 with input as d
}

test_ami_missing_from_inventory_is_left_to_dr_ec2_004 if {
	d := t_input([t_template("lt-9", "ami-gone")], [t_image("ami-1", "failed", null)])
	count(applicable) == 0 with input as d
	count(deny) == 0 with input as d
}

test_default_version_is_judged_not_the_latest if {
	d := t_input([t_template2("lt-9", "ami-2", "ami-1")], [t_image("ami-1", "available", null), t_image("ami-2", "failed", null)])
	findings := deny with input as d
	count(findings) == 1
	some f in findings
	f.related == [t_image_arn("ami-2")]
	contains(f.message, "version 3 uses AMI ami-2 (acme-web-20261021), which is failed")
	not contains(f.message, "version 4")
	healthy_default := t_input([t_template2("lt-9", "ami-1", "ami-2")], [t_image("ami-1", "available", null), t_image("ami-2", "failed", null)])
	count(deny) == 0 with input as healthy_default
	applicable == {t_template_arn("lt-9")} with input as healthy_default
}

test_latest_version_is_judged_without_a_default if {
	template := object.remove(t_template2("lt-9", "ami-2", "ami-1"), ["default_version"])
	d := t_input([template], [t_image("ami-1", "pending", null), t_image("ami-2", "available", null)])
	findings := deny with input as d
	count(findings) == 1
	some f in findings
	f.related == [t_image_arn("ami-1")]
	contains(f.message, "version 4 uses AMI ami-1 (acme-web-20261021), which is pending")
}

test_template_without_versions_is_not_applicable if {
	template := object.remove(t_template("lt-9", "ami-1"), ["latest_version", "default_version"])
	d := t_input([template], [t_image("ami-1", "failed", null)])
	count(applicable) == 0 with input as d
	count(deny) == 0 with input as d
}

test_metadata if {
	metadata.id == "DR-EC2-007"
	metadata.severity == "high"
	metadata.category == "compute"
	metadata.inputs == ["ec2"]
}
