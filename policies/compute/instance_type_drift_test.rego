package drready.rules.instance_type_drift

t_primary_arn(id) := sprintf("arn:aws:ec2:us-east-1:111111111111:launch-template/%s", [id])

t_standby_arn(id) := sprintf("arn:aws:ec2:us-west-2:111111111111:launch-template/%s", [id])

t_pair(kind, primary_id, standby_id, name, drift) := {
	"kind": kind,
	"primary": t_primary_arn(primary_id),
	"standby": t_standby_arn(standby_id),
	"primary_id": primary_id,
	"standby_id": standby_id,
	"name": name,
	"strategy": "name",
	"drift": drift,
}

t_input(pairs) := {
	"primary": {"account": "111111111111", "region": "us-east-1"},
	"standby": {"account": "111111111111", "region": "us-west-2"},
	"parity": {
		"pairs": pairs,
		"by_kind": {kind: [p | some p in pairs; p.kind == kind] | some kind in {p.kind | some p in pairs}},
		"standby_of": {p.primary: p.standby | some p in pairs},
	},
}

test_instance_type_drift_is_denied if {
	d := t_input([t_pair("launch_template", "lt-1", "lt-9", "web", [
		{"attribute": "instance_type", "primary": "m5.large", "standby": "t3.micro"},
	])])
	findings := deny with input as d
	count(findings) == 1
	some f in findings
	f.resource == t_primary_arn("lt-1")
	f.site == "primary"
	f.related == [t_standby_arn("lt-9")]
	contains(f.message, "m5.large")
	contains(f.message, "t3.micro")
	contains(f.message, "lt-9")
}

test_same_instance_type_passes if {
	d := t_input([t_pair("launch_template", "lt-1", "lt-9", "web", [])])
	count(deny) == 0 with input as d
	applicable == {t_primary_arn("lt-1")} with input as d
}

test_other_drift_is_ignored if {
	d := t_input([t_pair("launch_template", "lt-1", "lt-9", "web", [
		{"attribute": "ingress", "primary": [], "standby": []},
	])])
	count(deny) == 0 with input as d
	applicable == {t_primary_arn("lt-1")} with input as d
}

test_missing_type_on_one_side_is_reported if {
	d := t_input([t_pair("launch_template", "lt-1", "lt-9", "web", [
		{"attribute": "instance_type", "primary": "m5.large"},
	])])
	findings := deny with input as d
	count(findings) == 1
	some f in findings
	contains(f.message, "no instance type")
}

test_instance_pairs_are_not_applicable if {
	instance_pair := object.union(
		t_pair("instance", "i-1", "i-9", "web-1", [{"attribute": "instance_type", "primary": "m5.large", "standby": "t3.micro"}]),
		{
			"primary": "arn:aws:ec2:us-east-1:111111111111:instance/i-1",
			"standby": "arn:aws:ec2:us-west-2:111111111111:instance/i-9",
		},
	)
	d := t_input([instance_pair, t_pair("launch_template", "lt-1", "lt-9", "web", [])])
	applicable == {t_primary_arn("lt-1")} with input as d
	count(deny) == 0 with input as d
}

test_metadata if {
	metadata.id == "DR-EC2-005"
	metadata.severity == "medium"
	metadata.inputs == ["ec2"]
}
