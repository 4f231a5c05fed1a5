package drready.rules.iam_role_policy_drift

import data.drready.lib

metadata := {
	"id": "DR-IAM-002",
	"title": "Standby role's permissions or trust differ from its primary twin",
	"severity": "medium",
	"category": "identity",
	"inputs": ["iam"],
	"why": concat(" ", [
		"This role and its standby twin differ in attached managed policies, inline policies, the actions their inline policies allow or deny, or the principals their trust policy allows to assume them.",
		"A standby role with fewer permissions makes the application fail with AccessDenied after the failover, one code path at a time; a different trust policy stops the service, pipeline or operator from assuming it; extra permissions widen the standby beyond what was reviewed.",
		"IAM drift is invisible until the role is used, which for a standby role is during the disaster.",
		"Customer-managed policy ARNs are compared with the account rewritten (by the pairing); in trust policies each site's own account reads {own-account} and the other site's account {other-account}, and primary names are rewritten for the standby (input.rewrites: region name, short code, then the configured [[pairing.rewrites]]), so cross-account and region-named principals that mirror each other are equal. Service-linked roles (path /aws-service-role/) are managed by AWS and not judged.",
	]),
	"remediation": "Give the standby role the same managed policies, inline policy actions and trust policy as the primary role (with standby account and region where they differ by design), ideally from one definition.",
	"remediation_detail": concat("\n", [
		"aws iam list-attached-role-policies --role-name ROLE   # in both accounts",
		"aws iam get-role-policy --role-name ROLE --policy-name POLICY; aws iam get-role --role-name ROLE --query Role.AssumeRolePolicyDocument",
		"aws iam attach-role-policy --role-name ROLE --policy-arn POLICY_ARN   # with the standby account's credentials",
		"aws iam put-role-policy --role-name ROLE --policy-name POLICY --policy-document file://policy.json",
		"aws iam update-assume-role-policy --role-name ROLE --policy-document file://trust.json",
		"Terraform: one module defining aws_iam_role (assume_role_policy), aws_iam_role_policy and aws_iam_role_policy_attachment, instantiated for both accounts with the account and region as inputs.",
	]),
	"references": [
		"https://docs.aws.amazon.com/IAM/latest/UserGuide/access_policies_manage-attach-detach.html",
		"https://docs.aws.amazon.com/IAM/latest/UserGuide/roles-managingrole-editing-cli.html",
		"https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_principal.html",
	],
}

service_linked(role) if startswith(object.get(role, "path", "/"), "/aws-service-role/")

# "Allow s3:getobject", "Deny not iam:*", ... over every inline policy of the role.
inline_actions(role) := {sprintf("%s %s%s", [object.get(statement, "Effect", "Allow"), negation, lower(action)]) |
	some policy in object.get(role, "inline_policies", [])
	some statement in lib.statements(policy.document)
	some [key, negation] in [["Action", ""], ["NotAction", "not "]]
	some action in lib.as_list(object.get(statement, key, []))
}

principals(statement) := {"*"} if {
	statement.Principal == "*"
} else := {sprintf("%s:%s", [kind, value]) |
	some kind, values in statement.Principal
	some value in lib.as_list(values)
}

# Trusted principals of a trust policy, with accounts (and, for the primary, names rewritten for the
# standby with lib.rewrite) normalized.
trusted(policy, own_account, other_account, rewrite) := {normalize_principal(principal, own_account, other_account, rewrite) |
	some statement in lib.statements(policy)
	object.get(statement, "Effect", "Allow") == "Allow"
	some principal in principals(statement)
}

normalize_principal(principal, own_account, other_account, rewrite) := rewritten if {
	accounts := replace(replace(principal, own_account, "{own-account}"), other_account, "{other-account}")
	rewritten := rewritten_if(accounts, rewrite)
}

rewritten_if(text, rewrite) := text if {
	rewrite == false
} else := lib.rewrite(text)

# The pairs judged, by their index in input.parity.by_kind.role: the primary role is not
# service-linked and the standby role is in the snapshot.
judged[i] := pair if {
	some i, pair in input.parity.by_kind.role
	primary_role := input.index.primary.by_arn[pair.primary]
	not startswith(primary_role.path, "/aws-service-role/") # service_linked, without a call
	input.index.standby.by_arn[pair.standby]
}

# The trust policies of the judged roles of each site ("primary", "standby"), each once: most
# roles share a few trust policies, and normalizing one (lib.rewrite) takes a dozen calls.
trust_policies[site] := {role.trust_policy |
	some pair in judged
	role := by_arn[pair[site]]
} if {
	some site in ["primary", "standby"]
	by_arn := input.index[site].by_arn
}

# Trusted principals of each of those trust policies, normalized (see trusted), by site and policy.
trusted_by_policy[site][policy] := normalized if {
	some site, other in {"primary": "standby", "standby": "primary"}
	some policy in trust_policies[site]
	normalized := trusted(policy, input[site].account, input[other].account, site == "primary")
}

label_of := {"attached_policy_arns": "attached managed policies", "inline_policy_names": "inline policies"}

applicable contains pair.primary if {
	some pair in input.parity.by_kind.role
	role := input.index.primary.by_arn[pair.primary]
	not service_linked(role)
}

deny contains finding if {
	some pair in judged
	primary_role := input.index.primary.by_arn[pair.primary]
	standby_role := input.index.standby.by_arn[pair.standby]

	# [label, only in the primary, only in the standby] for each attribute that differs
	drift_diffs := [d |
		some drift in object.get(pair, "drift", [])
		label_of[drift.attribute]
		d := [label_of[drift.attribute], {v | some v in drift.primary} - {v | some v in drift.standby}, {v | some v in drift.standby} - {v | some v in drift.primary}]
		count(d[1]) + count(d[2]) > 0
	]

	# What decides a role's inline policy actions, as written: [effect, "Action" or "NotAction",
	# its value] for each statement (lib.statements written out: Statement as a list). Roles with
	# equal entries have equal inline_actions; only when the entries differ are the actions
	# listed (lowered and formatted) with inline_actions. (statement_lists is bound first because
	# regorus indexes a literal more slowly than a variable.)
	action_entries := {site: {[object.get(statement, "Effect", "Allow"), key, statement[key]] |
		some policy in role.inline_policies
		statements := policy.document.Statement
		statement_lists := {"array": statements, "object": [statements]}
		some statement in statement_lists[type_name(statements)]
		some key in ["Action", "NotAction"]
	} |
		some site, role in {"primary": primary_role, "standby": standby_role}
	}
	action_diffs := [["inline policy actions", primary_actions - standby_actions, standby_actions - primary_actions] |
		action_entries.primary != action_entries.standby
		primary_actions := inline_actions(primary_role)
		standby_actions := inline_actions(standby_role)
		primary_actions != standby_actions
	]

	# a role without a trust policy trusts no one
	primary_trusted := {principal | some principal in trusted_by_policy.primary[primary_role.trust_policy]}
	standby_trusted := {principal | some principal in trusted_by_policy.standby[standby_role.trust_policy]}
	trust_diffs := [["trusted principals", primary_trusted - standby_trusted, standby_trusted - primary_trusted] |
		primary_trusted != standby_trusted
	]
	[drift_diffs, action_diffs, trust_diffs] != [[], [], []]
	diffs := array.concat(array.concat(drift_diffs, action_diffs), trust_diffs)
	finding := {
		"resource": pair.primary,
		"site": "primary",
		"message": sprintf("Role %s in primary account %s and its standby twin in account %s differ: %s.", [
			primary_role.name, input.primary.account, input.standby.account, concat("; ", [difference_text(d) | some d in diffs]),
		]),
		"related": [pair.standby],
	}
}

difference_text(difference) := concat(", ", array.concat(
	[sprintf("%s only in the primary: %s", [difference[0], concat(", ", sort(difference[1]))]) | count(difference[1]) > 0],
	[sprintf("%s only in the standby: %s", [difference[0], concat(", ", sort(difference[2]))]) | count(difference[2]) > 0],
))
