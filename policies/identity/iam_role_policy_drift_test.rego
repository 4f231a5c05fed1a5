package drready.rules.iam_role_policy_drift

t_role_arn(account, name) := sprintf("arn:aws:iam::%s:role/%s", [account, name])

t_trust(principal) := {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": principal, "Action": "sts:AssumeRole"}]}

t_inline(name, actions) := {"name": name, "document": {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": actions, "Resource": "*"}]}}

t_role(account, name, trust, attached, inline) := {
	"arn": t_role_arn(account, name), "id": concat("", ["AROA", name]), "name": name, "region": "global", "account": account,
	"path": "/", "trust_policy": trust, "attached_policy_arns": attached, "inline_policies": inline,
}

t_pair(name, drift) := {
	"kind": "role", "primary": t_role_arn("111111111111", name), "standby": t_role_arn("222222222222", name),
	"primary_id": concat("", ["AROA", name]), "standby_id": concat("", ["AROA", name]), "name": name, "strategy": "name", "drift": drift,
}

t_ssm := "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore"

t_cw := "arn:aws:iam::aws:policy/CloudWatchAgentServerPolicy"

t_ec2 := t_trust({"Service": "ec2.amazonaws.com"})

t_input(primary_role, standby_role, drift) := {
	"primary": {"account": "111111111111", "region": "us-east-1"},
	"standby": {"account": "222222222222", "region": "us-west-2"},
	"rewrites": [["us-east-1", "us-west-2"], ["use1", "usw2"]],
	"index": {
		"primary": {"roles": {primary_role.name: primary_role}, "by_arn": {primary_role.arn: primary_role}},
		"standby": {"roles": {standby_role.name: standby_role}, "by_arn": {standby_role.arn: standby_role}},
	},
	"parity": {"pairs": [t_pair(primary_role.name, drift)], "by_kind": {"role": [t_pair(primary_role.name, drift)]}},
}

test_missing_managed_policy_is_denied if {
	d := t_input(
		t_role("111111111111", "app", t_ec2, [t_ssm, t_cw], []),
		t_role("222222222222", "app", t_ec2, [t_ssm], []),
		[{"attribute": "attached_policy_arns", "primary": [t_cw, t_ssm], "standby": [t_ssm]}],
	)
	findings := deny with input as d
	count(findings) == 1
	some f in findings
	f.resource == t_role_arn("111111111111", "app")
	f.site == "primary"
	f.related == [t_role_arn("222222222222", "app")]
	contains(f.message, "Role app in primary account 111111111111 and its standby twin in account 222222222222 differ: attached managed policies only in the primary: arn:aws:iam::aws:policy/CloudWatchAgentServerPolicy.")
}

test_inline_action_drift_is_denied if {
	d := t_input(
		t_role("111111111111", "app", t_ec2, [], [t_inline("s3", ["s3:GetObject", "s3:PutObject"])]),
		t_role("222222222222", "app", t_ec2, [], [t_inline("s3", "s3:getobject")]),
		[],
	)
	findings := deny with input as d
	count(findings) == 1
	some f in findings
	contains(f.message, "inline policy actions only in the primary: Allow s3:putobject")
	not contains(f.message, "getobject")
}

test_inline_policy_name_drift_is_denied if {
	d := t_input(
		t_role("111111111111", "app", t_ec2, [], [t_inline("s3", "s3:GetObject")]),
		t_role("222222222222", "app", t_ec2, [], [t_inline("s3-access", "s3:GetObject")]),
		[{"attribute": "inline_policy_names", "primary": ["s3"], "standby": ["s3-access"]}],
	)
	some f in deny with input as d
	contains(f.message, "inline policies only in the primary: s3, inline policies only in the standby: s3-access")
	not contains(f.message, "actions")
}

test_trust_drift_is_denied if {
	d := t_input(
		t_role("111111111111", "app", t_trust({"Service": ["ec2.amazonaws.com", "lambda.amazonaws.com"]}), [], []),
		t_role("222222222222", "app", t_ec2, [], []),
		[],
	)
	some f in deny with input as d
	contains(f.message, "trusted principals only in the primary: Service:lambda.amazonaws.com")
}

test_mirrored_cross_account_trust_passes if {
	# each site's role trusts the other site's account
	d := t_input(
		t_role("111111111111", "drready", t_trust({"AWS": "arn:aws:iam::222222222222:root"}), [], []),
		t_role("222222222222", "drready", t_trust({"AWS": "arn:aws:iam::111111111111:root"}), [], []),
		[],
	)
	count(deny) == 0 with input as d
	applicable == {t_role_arn("111111111111", "drready")} with input as d
}

test_region_named_principals_are_rewritten if {
	d := t_input(
		t_role("111111111111", "deploy", t_trust({"AWS": "arn:aws:iam::111111111111:role/ci-use1-us-east-1"}), [], []),
		t_role("222222222222", "deploy", t_trust({"AWS": "arn:aws:iam::222222222222:role/ci-usw2-us-west-2"}), [], []),
		[],
	)
	count(deny) == 0 with input as d
	applicable == {t_role_arn("111111111111", "deploy")} with input as d
}

test_user_rewrites_apply_to_principals if {
	d := t_input(
		t_role("111111111111", "deploy", t_trust({"AWS": "arn:aws:iam::111111111111:role/ci-blue"}), [], []),
		t_role("222222222222", "deploy", t_trust({"AWS": "arn:aws:iam::222222222222:role/ci-green"}), [], []),
		[],
	)
	count(deny) == 1 with input as d
	with_rewrite := object.union(d, {"rewrites": [["us-east-1", "us-west-2"], ["use1", "usw2"], ["blue", "green"]]})
	count(deny) == 0 with input as with_rewrite
	applicable == {t_role_arn("111111111111", "deploy")} with input as with_rewrite
}

test_third_party_account_must_match if {
	d := t_input(
		t_role("111111111111", "audit", t_trust({"AWS": "arn:aws:iam::999999999999:root"}), [], []),
		t_role("222222222222", "audit", t_trust({"AWS": "arn:aws:iam::888888888888:root"}), [], []),
		[],
	)
	some f in deny with input as d
	contains(f.message, "trusted principals only in the primary: AWS:arn:aws:iam::999999999999:root, trusted principals only in the standby: AWS:arn:aws:iam::888888888888:root")
}

test_identical_roles_pass if {
	role := t_role("111111111111", "app", t_ec2, [t_ssm], [t_inline("s3", ["s3:GetObject"])])
	d := t_input(role, object.union(role, {"arn": t_role_arn("222222222222", "app"), "account": "222222222222"}), [])
	count(deny) == 0 with input as d
	applicable == {t_role_arn("111111111111", "app")} with input as d
}

test_several_differences_are_listed_in_one_finding if {
	d := t_input(
		t_role("111111111111", "app", t_ec2, [t_ssm], [t_inline("s3", ["s3:GetObject", "s3:PutObject"])]),
		t_role("222222222222", "app", t_trust("*"), [], [t_inline("s3", ["s3:GetObject"])]),
		[{"attribute": "attached_policy_arns", "primary": [t_ssm], "standby": []}],
	)
	findings := deny with input as d
	count(findings) == 1
	some f in findings
	contains(f.message, "attached managed policies only in the primary")
	contains(f.message, "inline policy actions only in the primary")
	contains(f.message, "trusted principals only in the primary: Service:ec2.amazonaws.com, trusted principals only in the standby: *")
}

test_service_linked_roles_are_not_judged if {
	primary := object.union(t_role("111111111111", "AWSServiceRoleForAutoScaling", t_ec2, [t_ssm], []), {"path": "/aws-service-role/autoscaling.amazonaws.com/"})
	standby := object.union(t_role("222222222222", "AWSServiceRoleForAutoScaling", t_ec2, [], []), {"path": "/aws-service-role/autoscaling.amazonaws.com/"})
	d := t_input(primary, standby, [{"attribute": "attached_policy_arns", "primary": [t_ssm], "standby": []}])
	count(applicable) == 0 with input as d
	count(deny) == 0 with input as d
}

test_deny_statements_and_not_actions_are_kept_apart if {
	deny_doc := {"name": "guard", "document": {"Statement": {"Effect": "Deny", "NotAction": "s3:*", "Resource": "*"}}}
	inline_actions({"inline_policies": [deny_doc]}) == {"Deny not s3:*"}
}

test_metadata if {
	metadata.id == "DR-IAM-002"
	metadata.severity == "medium"
	metadata.category == "identity"
	metadata.inputs == ["iam"]
}
