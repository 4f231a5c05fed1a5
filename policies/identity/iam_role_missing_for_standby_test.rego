package drready.rules.iam_role_missing_for_standby

import data.drready.testlib

t_profile_arn(name) := testlib.standby_profile_arn(name)

t_template_arn(id) := testlib.standby_template_arn(id)

t_instance_arn(id) := testlib.standby_instance_arn(id)

# A template whose default version 2 names a profile by ARN and/or name (null: left out); its
# latest version 3 names web-profile.
t_template(id, profile_arn, profile_name) := {
	"arn": t_template_arn(id), "id": id, "name": "web", "region": "us-west-2", "account": "222222222222",
	"default_version": testlib.compact({"version_number": 2, "instance_profile_arn": profile_arn, "instance_profile_name": profile_name}),
	"latest_version": {"version_number": 3, "instance_profile_name": "web-profile"},
}

t_instance(id, state, profile_arn) := testlib.standby_instance(id, state, profile_arn)

t_profile(name, roles) := testlib.standby_profile(name, roles)

t_role(name) := {"arn": sprintf("arn:aws:iam::222222222222:role/%s", [name]), "id": name, "name": name, "region": "global", "account": "222222222222"}

# Standby IAM: web-profile -> web-role (exists), empty-profile (no role), orphan-profile -> gone-role (missing).
t_input(templates, instances) := {
	"primary": {"account": "111111111111", "region": "us-east-1", "ec2": {"instances": [], "launch_templates": []}},
	"standby": {"account": "222222222222", "region": "us-west-2", "ec2": {"instances": instances, "launch_templates": templates}},
	"index": {"standby": {
		"instance_profiles": {
			"web-profile": t_profile("web-profile", ["web-role"]),
			"empty-profile": t_profile("empty-profile", []),
			"orphan-profile": t_profile("orphan-profile", ["gone-role"]),
		},
		"instance_profile_arns": {
			t_profile_arn("web-profile"): t_profile("web-profile", ["web-role"]),
			t_profile_arn("empty-profile"): t_profile("empty-profile", []),
			t_profile_arn("orphan-profile"): t_profile("orphan-profile", ["gone-role"]),
		},
		"roles": {"web-role": t_role("web-role")},
	}},
}

test_template_naming_missing_profile_is_denied if {
	d := t_input([t_template("lt-9", null, "api-profile")], [])
	findings := deny with input as d
	count(findings) == 1
	some f in findings
	f.resource == t_template_arn("lt-9")
	f.site == "standby"
	contains(f.message, "api-profile")
	contains(f.message, "does not exist")
	contains(f.message, "222222222222")
}

test_template_with_existing_profile_and_role_passes if {
	d := t_input([t_template("lt-9", t_profile_arn("web-profile"), null), t_template("lt-8", null, "web-profile")], [])
	count(deny) == 0 with input as d
	applicable == {t_template_arn("lt-9"), t_template_arn("lt-8")} with input as d
}

test_profile_arn_from_another_account_is_denied if {
	d := t_input([], [t_instance("i-9", "running", "arn:aws:iam::111111111111:instance-profile/web-profile")])
	findings := deny with input as d
	count(findings) == 1
	some f in findings
	f.resource == t_instance_arn("i-9")
}

test_instance_profile_without_role_is_denied if {
	d := t_input([], [t_instance("i-9", "running", t_profile_arn("empty-profile"))])
	findings := deny with input as d
	count(findings) == 1
	some f in findings
	f.resource == t_instance_arn("i-9")
	f.site == "standby"
	contains(f.message, "no role")
}

test_profile_with_missing_role_is_denied if {
	d := t_input([t_template("lt-9", null, "orphan-profile")], [])
	findings := deny with input as d
	count(findings) == 1
	some f in findings
	f.resource == t_template_arn("lt-9")
	contains(f.message, "gone-role")
}

test_terminated_instance_is_ignored if {
	d := t_input([], [t_instance("i-9", "terminated", t_profile_arn("missing-profile"))])
	count(applicable) == 0 with input as d
	count(deny) == 0 with input as d
}

test_shutting_down_instance_is_ignored_and_stopped_is_judged if {
	d := t_input([], [t_instance("i-9", "shutting-down", t_profile_arn("missing-profile"))])
	count(applicable) == 0 with input as d
	count(deny) == 0 with input as d
	s := t_input([], [t_instance("i-8", "stopped", t_profile_arn("missing-profile"))])
	count(applicable) == 1 with input as s
	count(deny) == 1 with input as s
}

test_resources_without_profile_are_not_applicable if {
	d := t_input(
		[t_template("lt-9", null, null), t_template("lt-8", "", "")],
		[t_instance("i-9", "running", null)],
	)
	count(applicable) == 0 with input as d
	count(deny) == 0 with input as d
}

test_primary_resources_are_not_applicable if {
	d := {
		"primary": {"account": "111111111111", "region": "us-east-1", "ec2": {
			"instances": [object.union(t_instance("i-1", "running", t_profile_arn("missing-profile")), {"region": "us-east-1"})],
			"launch_templates": [t_template("lt-1", null, "missing-profile")],
		}},
		"standby": {"account": "222222222222", "region": "us-west-2", "ec2": {"instances": [], "launch_templates": []}},
		"index": {"standby": {"instance_profiles": {}, "instance_profile_arns": {}, "roles": {}}},
	}
	count(applicable) == 0 with input as d
	count(deny) == 0 with input as d
}

test_arn_wins_over_name_in_a_template if {
	# the ARN resolves; the name alone would not
	d := t_input([t_template("lt-9", t_profile_arn("web-profile"), "missing-profile")], [])
	count(deny) == 0 with input as d
	applicable == {t_template_arn("lt-9")} with input as d
}

test_default_version_is_judged_not_the_latest if {
	# the latest version names web-profile, which exists; the default one, which launches, does not
	d := t_input([t_template("lt-9", t_profile_arn("gone-profile"), null)], [])
	findings := deny with input as d
	count(findings) == 1
	some f in findings
	contains(f.message, sprintf("Standby launch template lt-9 (web) in us-west-2 uses instance profile %s, which does not exist", [t_profile_arn("gone-profile")]))
}

test_latest_version_is_judged_without_a_default if {
	template := object.union(
		object.remove(t_template("lt-9", null, null), ["default_version"]),
		{"latest_version": {"version_number": 3, "instance_profile_name": "api-profile"}},
	)
	some f in deny with input as t_input([template], [])
	contains(f.message, "uses instance profile api-profile, which does not exist")
}

test_metadata if {
	metadata.id == "DR-IAM-001"
	metadata.severity == "critical"
	metadata.category == "identity"
	metadata.inputs == ["ec2", "iam"]
}
