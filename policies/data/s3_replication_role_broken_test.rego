package drready.rules.s3_replication_role_broken

import data.drready.testlib

t_role_arn(account, path_name) := sprintf("arn:aws:iam::%s:role/%s", [account, path_name])

t_rule(id, status) := {"id": id, "status": status, "priority": 1, "destination": {"bucket": "arn:aws:s3:::data-usw2"}}

t_bucket(role_arn, rules) := object.union(testlib.bucket("data", rules), {"replication": {"role": role_arn, "rules": rules}})

t_s3_trust := {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "s3.amazonaws.com"}, "Action": "sts:AssumeRole"}]}

t_role(name, trust) := {
	"arn": t_role_arn("111111111111", name), "id": sprintf("AROA%s", [upper(name)]), "name": name, "tags": {},
	"region": "global", "account": "111111111111", "path": "/", "trust_policy": trust,
	"attached_policy_arns": [], "inline_policies": [],
}

t_input(buckets, roles) := {
	"primary": {"account": "111111111111", "region": "us-east-1", "s3": {"buckets": buckets}},
	"standby": {"account": "111111111111", "region": "us-west-2", "s3": {"buckets": []}},
	"index": {"primary": {"roles": {r.name: r | some r in roles}}},
}

t_enabled := [t_rule("dr", "Enabled")]

test_missing_role_is_denied if {
	role := t_role_arn("111111111111", "s3-replication")
	d := t_input([t_bucket(role, t_enabled)], [t_role("other", t_s3_trust)])
	findings := deny with input as d
	count(findings) == 1
	some f in findings
	f.resource == "arn:aws:s3:::data"
	f.site == "primary"
	contains(f.message, "Bucket data in primary region us-east-1 replicates to data-usw2 with IAM role arn:aws:iam::111111111111:role/s3-replication, which does not exist in account 111111111111")
	contains(f.message, "replication stops silently and new objects never reach the standby region us-west-2")
	f.related == [role]
}

test_trust_policy_without_s3_is_denied if {
	trust := {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": {"Service": "ec2.amazonaws.com"}, "Action": "sts:AssumeRole"}]}
	d := t_input([t_bucket(t_role_arn("111111111111", "s3-replication"), t_enabled)], [t_role("s3-replication", trust)])
	some f in deny with input as d
	f.resource == "arn:aws:s3:::data"
	contains(f.message, "whose trust policy does not allow the service principal s3.amazonaws.com to assume it (sts:AssumeRole)")
}

test_trust_policy_with_another_action_is_denied if {
	trust := {"Statement": {"Effect": "Allow", "Principal": {"Service": "s3.amazonaws.com"}, "Action": "sts:TagSession"}}
	d := t_input([t_bucket(t_role_arn("111111111111", "s3-replication"), t_enabled)], [t_role("s3-replication", trust)])
	count(deny) == 1 with input as d
}

test_unconditional_deny_of_s3_is_denied if {
	trust := {"Statement": [
		{"Effect": "Allow", "Principal": {"Service": "s3.amazonaws.com"}, "Action": "sts:AssumeRole"},
		{"Effect": "Deny", "Principal": {"Service": ["s3.amazonaws.com"]}, "Action": "sts:*"},
	]}
	d := t_input([t_bucket(t_role_arn("111111111111", "s3-replication"), t_enabled)], [t_role("s3-replication", trust)])
	count(deny) == 1 with input as d
}

test_working_role_passes if {
	d := t_input([t_bucket(t_role_arn("111111111111", "s3-replication"), t_enabled)], [t_role("s3-replication", t_s3_trust)])
	count(deny) == 0 with input as d
	applicable == {"arn:aws:s3:::data"} with input as d
}

test_service_principal_in_an_array_passes if {
	trust := {"Statement": [{"Effect": "Allow", "Principal": {"Service": ["batchoperations.s3.amazonaws.com", "s3.amazonaws.com"]}, "Action": ["sts:AssumeRole"]}]}
	d := t_input([t_bucket(t_role_arn("111111111111", "s3-replication"), t_enabled)], [t_role("s3-replication", trust)])
	count(deny) == 0 with input as d
	applicable == {"arn:aws:s3:::data"} with input as d
}

test_wildcard_actions_and_statement_object_pass if {
	trust := {"Statement": {"Effect": "Allow", "Principal": {"Service": "s3.amazonaws.com"}, "Action": "sts:Assume*"}}
	d := t_input([t_bucket(t_role_arn("111111111111", "s3-replication"), t_enabled)], [t_role("s3-replication", trust)])
	count(deny) == 0 with input as d
	star := {"Statement": [{"Effect": "Allow", "Principal": {"Service": "s3.amazonaws.com"}, "Action": "*"}]}
	count(deny) == 0 with input as t_input([t_bucket(t_role_arn("111111111111", "s3-replication"), t_enabled)], [t_role("s3-replication", star)])
}

test_conditional_deny_is_not_judged if {
	trust := {"Statement": [
		{"Effect": "Allow", "Principal": {"Service": "s3.amazonaws.com"}, "Action": "sts:AssumeRole"},
		{"Effect": "Deny", "Principal": {"Service": "s3.amazonaws.com"}, "Action": "sts:AssumeRole", "Condition": {"StringNotEquals": {"aws:SourceAccount": "111111111111"}}},
	]}
	d := t_input([t_bucket(t_role_arn("111111111111", "s3-replication"), t_enabled)], [t_role("s3-replication", trust)])
	count(deny) == 0 with input as d
	applicable == {"arn:aws:s3:::data"} with input as d
}

test_role_with_a_path_is_found_by_its_name if {
	d := t_input([t_bucket(t_role_arn("111111111111", "service-role/s3-replication"), t_enabled)], [t_role("s3-replication", t_s3_trust)])
	count(deny) == 0 with input as d
	applicable == {"arn:aws:s3:::data"} with input as d
}

test_role_of_another_account_is_not_applicable if {
	d := t_input([t_bucket(t_role_arn("333333333333", "s3-replication"), t_enabled)], [])
	count(applicable) == 0 with input as d
	count(deny) == 0 with input as d
}

test_disabled_replication_is_not_applicable if {
	d := t_input([t_bucket(t_role_arn("111111111111", "gone"), [t_rule("dr", "Disabled")])], [])
	count(applicable) == 0 with input as d
	count(deny) == 0 with input as d
	unreplicated := t_input([testlib.standby_bucket("plain")], [])
	count(applicable) == 0 with input as unreplicated
}

test_role_without_a_known_trust_policy_is_only_checked_for_existence if {
	role := object.remove(t_role("s3-replication", t_s3_trust), ["trust_policy"])
	d := t_input([t_bucket(t_role_arn("111111111111", "s3-replication"), t_enabled)], [role])
	count(deny) == 0 with input as d
	applicable == {"arn:aws:s3:::data"} with input as d
}

test_metadata if {
	metadata.id == "DR-S3-008"
	metadata.severity == "high"
	metadata.category == "data"
	metadata.inputs == ["s3", "iam"]
}
