package drready.rules.iam_role_missing_for_standby

import data.drready.lib

metadata := {
	"id": "DR-IAM-001",
	"title": "Standby compute references a missing instance profile or role",
	"severity": "critical",
	"category": "identity",
	"inputs": ["ec2", "iam"],
	"why": concat(" ", [
		"A standby launch template (the version that launches: its default version, else the latest) or a standby instance names an IAM instance profile that does not exist in the standby account, has no role, or holds a role that does not exist.",
		"RunInstances fails outright for a launch template with an unknown instance profile, and an instance whose profile has no working role gets no credentials, so the application cannot reach S3, KMS, Secrets Manager or anything else it needs.",
		"On the day of the disaster the standby fleet either never starts or starts broken, and IAM changes made during the incident take time to propagate.",
	]),
	"remediation": "Create the instance profile and its role in the standby account (same names as referenced) and add the role to the profile.",
	"remediation_detail": concat("\n", [
		"aws iam create-role --role-name ROLE --assume-role-policy-document file://ec2-trust.json   # Principal: {\"Service\": \"ec2.amazonaws.com\"}",
		"aws iam attach-role-policy --role-name ROLE --policy-arn POLICY_ARN   # the same policies as the primary role",
		"aws iam create-instance-profile --instance-profile-name PROFILE",
		"aws iam add-role-to-instance-profile --instance-profile-name PROFILE --role-name ROLE",
		"aws iam get-instance-profile --instance-profile-name PROFILE --query 'InstanceProfile.Roles[].RoleName'",
		"Terraform: aws_iam_role (assume_role_policy for ec2.amazonaws.com), aws_iam_instance_profile.role = aws_iam_role.<name>.name in the standby account, and aws_launch_template.iam_instance_profile { name = aws_iam_instance_profile.<name>.name } (or arn) on the standby template.",
	]),
	"references": [
		"https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_switch-role-ec2_instance-profiles.html",
		"https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/iam-roles-for-amazon-ec2.html",
		"https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use_switch-role-ec2.html",
	],
}

# Every standby launch template (the version that launches) and live standby instance (lib.live,
# written out: stopped counts, terminated and shutting-down do not) that names an instance
# profile, with the profile reference (lib.profile_ref: an ARN wins over a name). This rule, not
# DR-EC2-004, reports a template's missing instance profile. The resource is kept for its label,
# made (lib.label) only for a finding.
references contains ref if {
	some template in input.standby.ec2.launch_templates
	profile := lib.profile_ref(lib.launch_version(template))
	ref := {"arn": template.arn, "what": "launch template", "resource": template, "profile": profile}
}

references contains ref if {
	some instance in input.standby.ec2.instances
	instance.state != "terminated"
	instance.state != "shutting-down"
	profile_arn := instance.instance_profile_arn
	is_string(profile_arn) # lib.is_set, without a call
	profile_arn != ""
	ref := {"arn": instance.arn, "what": "instance", "resource": instance, "profile": {"by": "arn", "value": profile_arn}}
}

# The standby instance profiles by the kind of reference (lib.profile_of, without a call).
profiles_by := {"arn": input.index.standby.instance_profile_arns, "name": input.index.standby.instance_profiles}

applicable contains ref.arn if {
	some ref in references
}

deny contains finding if {
	some ref in references
	profiles := profiles_by[ref.profile.by]
	not profiles[ref.profile.value]
	finding := {
		"resource": ref.arn,
		"site": "standby",
		"message": sprintf("Standby %s %s in %s uses instance profile %s, which does not exist in standby account %s.", [
			ref.what, lib.label(ref.resource), input.standby.region, ref.profile.value, input.standby.account,
		]),
	}
}

deny contains finding if {
	some ref in references
	profiles := profiles_by[ref.profile.by]
	profile := profiles[ref.profile.value]
	[role | is_array(profile.roles); some role in profile.roles] == [] # roles_of(profile), without a call
	finding := {
		"resource": ref.arn,
		"site": "standby",
		"message": sprintf("Standby %s %s in %s uses instance profile %s, which has no role in standby account %s.", [
			ref.what, lib.label(ref.resource), input.standby.region, ref.profile.value, input.standby.account,
		]),
	}
}

deny contains finding if {
	some ref in references
	profiles := profiles_by[ref.profile.by]
	profile := profiles[ref.profile.value]
	missing := {role | is_array(profile.roles); some role in profile.roles; not input.index.standby.roles[role]} # over roles_of(profile)
	count(missing) > 0
	finding := {
		"resource": ref.arn,
		"site": "standby",
		"message": sprintf("Standby %s %s in %s uses instance profile %s, whose role %s does not exist in standby account %s.", [
			ref.what, lib.label(ref.resource), input.standby.region, ref.profile.value, concat(", ", sort(missing)), input.standby.account,
		]),
	}
}
