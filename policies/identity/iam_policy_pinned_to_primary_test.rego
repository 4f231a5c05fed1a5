package drready.rules.iam_policy_pinned_to_primary

import data.drready.testlib

t_template_arn(id) := testlib.standby_template_arn(id)

t_instance_arn(id) := testlib.standby_instance_arn(id)

t_profile_arn(name) := testlib.standby_profile_arn(name)

t_role_arn(name) := sprintf("arn:aws:iam::222222222222:role/%s", [name])

# A template with only a latest version, naming a profile by ARN and/or name (null: left out).
t_template(id, profile_arn, profile_name) := {
	"arn": t_template_arn(id), "id": id, "name": id, "region": "us-west-2", "account": "222222222222",
	"latest_version": testlib.compact({"version_number": 1, "instance_profile_arn": profile_arn, "instance_profile_name": profile_name}),
}

t_instance(id, state, profile_arn) := testlib.standby_instance(id, state, profile_arn)

t_profile(name, roles) := testlib.standby_profile(name, roles)

t_role(name, resources) := {
	"arn": t_role_arn(name), "id": name, "name": name, "region": "global", "account": "222222222222",
	"inline_policies": [{"name": "app", "document": {"Version": "2012-10-17", "Statement": [
		{"Effect": "Allow", "Action": ["s3:GetObject"], "Resource": resources},
	]}}],
}

# Standby IAM: web-profile -> web-role.
t_input(templates, instances, role) := {
	"primary": {"account": "111111111111", "region": "us-east-1"},
	"rewrites": [["us-east-1", "us-west-2"], ["use1", "usw2"]],
	"standby": {"account": "222222222222", "region": "us-west-2", "ec2": {"launch_templates": templates, "instances": instances}},
	"index": {"standby": {
		"instance_profiles": {"web-profile": t_profile("web-profile", ["web-role"])},
		"instance_profile_arns": {t_profile_arn("web-profile"): t_profile("web-profile", ["web-role"])},
		"roles": {"web-role": role},
	}},
}

test_role_pinned_to_primary_bucket_is_denied if {
	role := t_role("web-role", ["arn:aws:s3:::acme-prod-use1-web-*", "arn:aws:s3:::acme-prod-use1-web-*/*"])
	d := t_input([t_template("lt-9", null, "web-profile")], [t_instance("i-9", "running", t_profile_arn("web-profile"))], role)
	findings := deny with input as d
	count(findings) == 1
	some f in findings
	f.resource == t_role_arn("web-role")
	f.site == "standby"
	f.related == [t_instance_arn("i-9"), t_template_arn("lt-9")]
	contains(f.message, "Role web-role in standby account 222222222222, used by 2 standby launch template(s)/instance(s), grants arn:aws:s3:::acme-prod-use1-web-*, arn:aws:s3:::acme-prod-use1-web-*/* in primary region us-east-1 with no us-west-2 counterpart")
}

test_region_name_in_arn_is_pinned if {
	role := t_role("web-role", "arn:aws:kms:us-east-1:222222222222:key/abcd")
	some f in deny with input as t_input([t_template("lt-9", t_profile_arn("web-profile"), null)], [], role)
	contains(f.message, "grants arn:aws:kms:us-east-1:222222222222:key/abcd")
}

test_standby_resources_pass if {
	role := t_role("web-role", ["arn:aws:s3:::acme-prod-usw2-web-*", "arn:aws:kms:us-west-2:222222222222:key/abcd"])
	d := t_input([t_template("lt-9", null, "web-profile")], [], role)
	count(deny) == 0 with input as d
	applicable == {t_role_arn("web-role")} with input as d
}

test_primary_resource_with_standby_counterpart_passes if {
	# failback: the role may reach both regions
	role := t_role("web-role", ["arn:aws:s3:::acme-prod-use1-web-*", "arn:aws:s3:::acme-prod-usw2-web-*"])
	d := t_input([t_template("lt-9", null, "web-profile")], [], role)
	count(deny) == 0 with input as d
	applicable == {t_role_arn("web-role")} with input as d
}

test_only_the_missing_counterparts_are_listed if {
	role := t_role("web-role", ["arn:aws:s3:::acme-prod-use1-web-*", "arn:aws:s3:::acme-prod-usw2-web-*", "arn:aws:sqs:us-east-1:222222222222:jobs"])
	some f in deny with input as t_input([t_template("lt-9", null, "web-profile")], [], role)
	contains(f.message, "grants arn:aws:sqs:us-east-1:222222222222:jobs in primary region")
	not contains(f.message, "acme-prod")
}

test_tokens_must_be_whole_words if {
	role := t_role("web-role", ["arn:aws:s3:::house1-logs/*", "arn:aws:s3:::acme-*-web/*", "arn:aws:dynamodb:*:222222222222:table/t"])
	d := t_input([t_template("lt-9", null, "web-profile")], [], role)
	count(deny) == 0 with input as d
	applicable == {t_role_arn("web-role")} with input as d
}

test_deny_statements_are_ignored if {
	role := object.union(t_role("web-role", "arn:aws:s3:::acme-prod-usw2-web-*"), {"inline_policies": [{"name": "guard", "document": {"Statement": [
		{"Effect": "Deny", "Action": "s3:DeleteBucket", "Resource": "arn:aws:s3:::acme-prod-use1-web-*"},
	]}}]})
	d := t_input([t_template("lt-9", null, "web-profile")], [], role)
	count(deny) == 0 with input as d
	applicable == {t_role_arn("web-role")} with input as d
}

test_roles_no_standby_workload_uses_are_not_applicable if {
	role := t_role("web-role", "arn:aws:s3:::acme-prod-use1-web-*")
	d := t_input([t_template("lt-9", null, "other-profile")], [t_instance("i-9", "terminated", t_profile_arn("web-profile"))], role)
	count(applicable) == 0 with input as d
	count(deny) == 0 with input as d
}

test_profile_arn_wins_over_name if {
	role := t_role("web-role", "arn:aws:s3:::acme-prod-use1-web-*")
	d := t_input([t_template("lt-9", "arn:aws:iam::222222222222:instance-profile/gone", "web-profile")], [], role)
	count(applicable) == 0 with input as d
}

test_default_template_version_is_the_one_judged if {
	role := t_role("web-role", "arn:aws:s3:::acme-prod-use1-web-*")
	template := object.union(t_template("lt-9", null, "other-profile"), {"default_version": {"version_number": 2, "instance_profile_name": "web-profile"}})
	d := t_input([template], [], role)
	applicable == {t_role_arn("web-role")} with input as d
	count(deny) == 1 with input as d
	# the latest version naming web-profile does not count while the default names another one
	other := object.union(t_template("lt-9", null, "web-profile"), {"default_version": {"version_number": 2, "instance_profile_name": "other-profile"}})
	count(applicable) == 0 with input as t_input([other], [], role)
}

test_user_rewrites_pin_too if {
	role := t_role("web-role", ["arn:aws:s3:::acme-blue-data/*"])
	d := object.union(t_input([t_template("lt-9", null, "web-profile")], [], role), {"rewrites": [["us-east-1", "us-west-2"], ["use1", "usw2"], ["blue", "green"]]})
	some f in deny with input as d
	contains(f.message, "grants arn:aws:s3:::acme-blue-data/* in primary region")
	both := t_role("web-role", ["arn:aws:s3:::acme-blue-data/*", "arn:aws:s3:::acme-green-data/*"])
	fixed := object.union(d, {"index": {"standby": {"roles": {"web-role": both}}}})
	count(deny) == 0 with input as fixed
	applicable == {t_role_arn("web-role")} with input as fixed
}

test_tokens_are_literal_text if {
	regex_literal("prod.use1") == `prod\.use1`
	role := t_role("web-role", ["arn:aws:s3:::acme-prodxuse1-data/*"])
	d := object.union(t_input([t_template("lt-9", null, "web-profile")], [], role), {"rewrites": [["prod.use1", "prod.usw2"]]})
	count(deny) == 0 with input as d
	applicable == {t_role_arn("web-role")} with input as d
}

test_nothing_is_pinned_without_rewrites if {
	# both sites in one region: input.rewrites is empty
	role := t_role("web-role", "arn:aws:s3:::acme-prod-use1-web-*")
	d := object.union(t_input([t_template("lt-9", null, "web-profile")], [], role), {"rewrites": []})
	count(deny) == 0 with input as d
	applicable == {t_role_arn("web-role")} with input as d
}

test_metadata if {
	metadata.id == "DR-IAM-003"
	metadata.severity == "medium"
	metadata.category == "identity"
	metadata.inputs == ["ec2", "iam"]
}
