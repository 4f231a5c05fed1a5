package drready.rules.iam_policy_pinned_to_primary

metadata := {
	"id": "DR-IAM-003",
	"title": "Role of a standby workload grants access only to primary-region resources",
	"severity": "medium",
	"category": "identity",
	"inputs": ["ec2", "iam"],
	"why": concat(" ", [
		"A role that standby launch templates (default and latest versions) or live standby instances use through their instance profile has inline policies whose resources name the primary region, by its name (us-east-1) or its short code (use1, as in bucket names), without granting the same resource with the standby region's name or code.",
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

gone_states := {"terminated", "shutting-down"}

is_set(value) if {
	is_string(value)
	value != ""
}

# The versions launches use: the default one ($Default) and the latest one ($Latest).
template_versions contains [template, version] if {
	some template in input.standby.ec2.launch_templates
	some key in ["default_version", "latest_version"]
	version := template[key]
	is_object(version)
}

# Instance profiles used by standby launch templates (an ARN wins over a name) and live standby
# instances, with the ARN of the user.
profile_uses contains [profile, template.arn] if {
	some [template, version] in template_versions
	arn := version.instance_profile_arn
	is_set(arn)
	profile := input.index.standby.instance_profile_arns[arn]
}

profile_uses contains [profile, template.arn] if {
	some [template, version] in template_versions
	not is_set(version.instance_profile_arn)
	profile := input.index.standby.instance_profiles[version.instance_profile_name]
}

profile_uses contains [profile, instance.arn] if {
	some instance in input.standby.ec2.instances
	not instance.state in gone_states
	profile := input.index.standby.instance_profile_arns[instance.instance_profile_arn]
}

# standby role name -> ARNs of the standby templates and instances that use it.
users_of[role_name] contains user if {
	some [profile, user] in profile_uses
	some role_name in profile.roles
	input.index.standby.roles[role_name]
}

# The short code teams put in names, as the pairing derives it: us-east-1 -> use1.
direction := {
	"east": "e", "west": "w", "north": "n", "south": "s", "central": "c",
	"northeast": "ne", "northwest": "nw", "southeast": "se", "southwest": "sw",
}

short_code(region) := code if {
	parts := split(region, "-")
	count(parts) >= 3
	regex.match(`^[0-9]+$`, parts[count(parts) - 1])
	middle := array.slice(parts, 1, count(parts) - 1)
	code := concat("", array.concat(
		[parts[0]],
		array.concat([object.get(direction, p, p) | some p in middle], [parts[count(parts) - 1]]),
	))
}

# The primary's region tokens and what they become in the standby.
rewrites := [[input.primary.region, input.standby.region], [short_code(input.primary.region), short_code(input.standby.region)]] if {
	short_code(input.primary.region)
	short_code(input.standby.region)
} else := [[input.primary.region, input.standby.region]]

# A token counts only as a whole word: not preceded or followed by a letter or digit.
names_token(text, token) if regex.match(sprintf("(^|[^a-z0-9])%s([^a-z0-9]|$)", [token]), lower(text))

pinned(resource) if {
	some [from, _] in rewrites
	names_token(resource, from)
}

# The resource with the primary's region name and code replaced by the standby's.
counterpart(resource) := replace(replace(resource, rewrites[0][0], rewrites[0][1]), rewrites[1][0], rewrites[1][1]) if {
	count(rewrites) == 2
} else := replace(resource, rewrites[0][0], rewrites[0][1])

as_list(value) := value if {
	is_array(value)
} else := [value] if {
	is_string(value)
} else := []

statements(document) := document.Statement if {
	is_array(document.Statement)
} else := [document.Statement] if {
	is_object(document.Statement)
} else := []

# Resources the role's inline policies allow.
granted(role) := {resource |
	some policy in object.get(role, "inline_policies", [])
	some statement in statements(policy.document)
	object.get(statement, "Effect", "Allow") == "Allow"
	some resource in as_list(object.get(statement, "Resource", []))
}

applicable contains input.index.standby.roles[role_name].arn if {
	some role_name, _ in users_of
}

deny contains finding if {
	some role_name, users in users_of
	role := input.index.standby.roles[role_name]
	resources := granted(role)
	gaps := {resource |
		some resource in resources
		pinned(resource)
		not counterpart(resource) in resources
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
