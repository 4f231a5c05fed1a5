package drready.rules.iam_policy_pinned_to_primary

import data.drready.lib

metadata := {
	"id": "DR-IAM-003",
	"title": "Role of a standby workload grants access only to primary-region resources",
	"severity": "medium",
	"category": "identity",
	"inputs": ["ec2", "iam"],
	"why": concat(" ", [
		"A role that standby launch templates (the version that launches: the default version, else the latest) or live standby instances use through their instance profile has inline policies whose resources name the primary region, by its name (us-east-1), its short code (use1, as in bucket names) or a token of the configured [[pairing.rewrites]], without granting the same resource rewritten for the standby (the rewrites the pairing uses, in the same order).",
		"Such policies are usually copied from the primary account unchanged: after failover the standby application is allowed to use only the primary region's buckets, keys, queues and tables, which are down or unreachable, and gets AccessDenied on its own standby resources.",
		"Fixing IAM during the incident takes time to review and to propagate, while the application is failing.",
		"Only inline policy documents are collected, so customer-managed policies are not judged; a resource whose region part is a wildcard names no region and is not judged either.",
	]),
	"remediation": "Grant the standby role the standby region's resources (rewrite the region name and code in its policies, or use a variable or wildcard for the region), keeping primary-region grants only where failback needs them.",
	"remediation_detail": concat("\n", [
		"aws iam list-role-policies --role-name ROLE; aws iam get-role-policy --role-name ROLE --policy-name POLICY --query PolicyDocument.Statement[].Resource",
		"aws iam put-role-policy --role-name ROLE --policy-name POLICY --policy-document file://policy.json   # Resource: arn:aws:s3:::acme-prod-STANDBY_CODE-app-*, arn:aws:kms:STANDBY_REGION:ACCOUNT:key/...",
		"aws iam simulate-principal-policy --policy-source-arn arn:aws:iam::STANDBY_ACCOUNT:role/ROLE --action-names s3:GetObject --resource-arns arn:aws:s3:::STANDBY_BUCKET/key",
		"Terraform: build resource ARNs from the provider's region (data.aws_region.current.name) and a region-code variable in the role's aws_iam_policy_document, so the standby instance of the module grants standby resources.",
	]),
	"references": [
		"https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_resource.html",
		"https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html",
		"https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_switch-role-ec2_instance-profiles.html",
	],
}

# standby role name -> ARNs of the standby launch templates (the version that launches) and live
# standby instances whose instance profile holds it (a profile ARN wins over a name).
role_users[role_name] contains template.arn if {
	some template in input.standby.ec2.launch_templates
	ref := lib.profile_ref(lib.launch_version(template))
	profiles := standby_profiles_by[ref.by]
	profile := profiles[ref.value] # lib.profile_of("standby", ref), without a call
	some role_name in profile.roles
	input.index.standby.roles[role_name]
}

role_users[role_name] contains instance.arn if {
	some instance in input.standby.ec2.instances
	# lib.live(instance) written out: reading lib.gone_states would make regorus evaluate every
	# rule of the library (kms_keys_by_name, load_balancers_by_dns, ...) for this rule
	not instance.state in {"terminated", "shutting-down"}
	ref := lib.profile_ref(instance)
	profiles := standby_profiles_by[ref.by]
	profile := profiles[ref.value]
	some role_name in profile.roles
	input.index.standby.roles[role_name]
}

# The standby instance profiles by the kind of a lib.profile_ref ("arn" or "name").
standby_profiles_by := {"arn": input.index.standby.instance_profile_arns, "name": input.index.standby.instance_profiles}

# The primary's tokens (the "from" side of input.rewrites: region name, region code, user
# rewrites) as patterns; a token counts only as a whole word: not preceded or followed by a letter
# or digit. Compared in lower case.
token_patterns := {sprintf("(^|[^a-z0-9])%s([^a-z0-9]|$)", [regex_literal(lower(rewrite[0]))]) |
	some rewrite in object.get(input, "rewrites", [])
	lib.is_set(rewrite[0])
}

regex_literal(text) := regex.replace(text, `[.*+?^${}()|\[\]\\]`, `\$0`)

# The token patterns as one alternation: a resource is pinned to the primary when its lower case
# text matches (one regex.match instead of one per pattern); undefined without tokens, when nothing
# is pinned.
token_regex := concat("|", token_patterns) if count(token_patterns) > 0

# The tokens of token_patterns as text: a resource can match a pattern only if it contains its
# token, a much cheaper test than the match.
tokens := {lower(rewrite[0]) |
	some rewrite in object.get(input, "rewrites", [])
	lib.is_set(rewrite[0])
}

applicable contains input.index.standby.roles[role_name].arn if {
	some role_name, _ in role_users
}

deny contains finding if {
	some role_name, users in role_users
	role := input.index.standby.roles[role_name]

	# the resources that the role's inline policies allow (lib.statements and lib.as_list written
	# out: their calls per statement cost more than the rest; statement_lists and resource_lists
	# are bound first because regorus indexes a literal more slowly than a variable)
	resources := {resource |
		some policy in role.inline_policies
		statements := policy.document.Statement
		statement_lists := {"array": statements, "object": [statements]}
		some statement in statement_lists[type_name(statements)]
		object.get(statement, "Effect", "Allow") == "Allow"
		values := statement.Resource
		resource_lists := {"array": values, "string": [values]}
		some resource in resource_lists[type_name(values)]
	}
	gaps := {resource |
		some resource in resources
		text := lower(resource)
		[token | some token in tokens; contains(text, token)] != []
		regex.match(token_regex, text) # pinned
		not lib.rewrite(resource) in resources
	}
	count(gaps) > 0
	finding := {
		"resource": role.arn,
		"site": "standby",
		"message": sprintf("Role %s in standby account %s, used by %d standby launch template(s)/instance(s), grants %s in primary region %s with no %s counterpart, so the standby workload cannot use its own region's resources after failover.", [
			role.name, input.standby.account, count(users), concat(", ", sort(gaps)), input.primary.region, input.standby.region,
		]),
		"related": sort(users),
	}
}
