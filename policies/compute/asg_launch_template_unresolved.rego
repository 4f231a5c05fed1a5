package drready.rules.asg_launch_template_unresolved

import data.drready.lib

metadata := {
	"id": "DR-ASG-002",
	"title": "Standby Auto Scaling group launches a template version that does not resolve or cannot launch",
	"severity": "critical",
	"category": "compute",
	"inputs": ["autoscaling", "ec2", "iam"],
	"why": concat(" ", [
		"The standby twin of a primary Auto Scaling group names a launch template (by id, or by name) that does not exist in the standby site, or a version of it that does not exist ($Default, $Latest or a version number, as the group says), or a version other than the template's default version that refers to something missing or unusable in the standby: an AMI that does not exist, is not available or is deprecated, a key pair, an instance profile, a subnet or security group that does not exist, security groups of another VPC than the subnets, or a KMS key of another region.",
		"Auto Scaling launches exactly the version the group names, so when it does not resolve every scale-out after a failover fails (the group's activity history shows the launch template or version not found, or the RunInstances error), and the group never reaches its desired capacity.",
		"The launch-template rules (DR-EC2-004, DR-EC2-007, DR-EC2-008, DR-EC2-009, DR-NET-003, DR-IAM-001) judge each template's default version; this rule adds only what is specific to the group, so one broken default version is not reported twice: a group launching $Latest or a pinned version is judged here on that version.",
		"drready keeps each template's default and latest version: a group pinned to an older version number is not judged (that version was not collected), and neither are groups with a legacy launch configuration (they have no launch template to resolve).",
	]),
	"remediation": "Point the standby group at a standby launch template and a version that exists and launches there ($Default of a template whose default version is sound).",
	"remediation_detail": concat("\n", [
		"aws autoscaling describe-auto-scaling-groups --region STANDBY_REGION --auto-scaling-group-names GROUP --query 'AutoScalingGroups[0].[LaunchTemplate,MixedInstancesPolicy.LaunchTemplate.LaunchTemplateSpecification]'",
		"aws ec2 describe-launch-template-versions --region STANDBY_REGION --launch-template-id lt-STANDBY --versions '$Default' '$Latest'",
		"aws autoscaling update-auto-scaling-group --region STANDBY_REGION --auto-scaling-group-name GROUP --launch-template 'LaunchTemplateId=lt-STANDBY,Version=$Default'",
		"Terraform: in the standby aws_autoscaling_group, launch_template { id = aws_launch_template.<name>.id, version = \"$Default\" } with the template also under provider = aws.standby.",
	]),
	"references": [
		"https://docs.aws.amazon.com/autoscaling/ec2/userguide/create-asg-launch-template.html",
		"https://docs.aws.amazon.com/autoscaling/ec2/userguide/ts-as-instancelaunchfailure.html",
		"https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/manage-launch-template-versions.html",
	],
}

# Standby twins of primary groups that launch from a template, with the template reference.
twins contains group if {
	some primary in input.primary.autoscaling.groups
	group := lib.group_twin(primary)
	is_object(group.launch_template)
}

template_label(group) := lib.id_label(object.get(group.launch_template, "id", object.get(group.launch_template, "name", "")), object.get(group.launch_template, "name", ""))

# Whether the group's version can be judged: the template is missing, the version is beyond the
# template's versions, or the snapshot holds the version's data.
judged_groups(group) if not lib.group_template("standby", group)

judged_groups(group) if {
	template := lib.group_template("standby", group)
	lib.version_beyond(template, lib.group_version(group))
}

judged_groups(group) if lib.template_version(lib.group_template("standby", group), lib.group_version(group))

applicable contains group.arn if {
	some group in twins
	judged_groups(group)
}

# --- what breaks a launch from a version (in the standby) --------------------------------------

breakers(version) := {p |
	some p in array.concat(
		array.concat(image_breakers(version), network_breakers(version)),
		array.concat(access_breakers(version), kms_breakers(version)),
	)
}

image_breakers(version) := [sprintf("AMI %s, which does not exist in the standby site", [version.image_id])] if {
	lib.is_set(version.image_id)
	not startswith(version.image_id, "resolve:ssm:")
	not input.index.standby.images[version.image_id]
} else := [sprintf("AMI %s, which is %s", [image.id, image.state])] if {
	image := input.index.standby.images[version.image_id]
	image.state != "available"
} else := [sprintf("AMI %s, which was deprecated at %s", [image.id, image.deprecation_time])] if {
	image := input.index.standby.images[version.image_id]
	is_string(image.deprecation_time)
	time.parse_rfc3339_ns(image.deprecation_time) <= input.now_ns
} else := []

network_breakers(version) := array.concat(
	[sprintf("security group %s, which does not exist in the standby site", [id]) |
		some id in object.get(version, "security_group_ids", [])
		not input.index.standby.security_groups[id]
	],
	array.concat(
		[sprintf("subnet %s, which does not exist in the standby site", [id]) |
			some id in object.get(version, "subnet_ids", [])
			not input.index.standby.subnets[id]
		],
		stray_groups(version),
	),
)

stray_groups(version) := [sprintf("security group %s of %s, outside the VPC of its subnets", [group.id, group.vpc_id]) |
	vpcs := {subnet.vpc_id |
		some id in object.get(version, "subnet_ids", [])
		subnet := input.index.standby.subnets[id]
	}
	count(vpcs) > 0
	some id in object.get(version, "security_group_ids", [])
	group := input.index.standby.security_groups[id]
	lib.is_set(group.vpc_id)
	not group.vpc_id in vpcs
]

access_breakers(version) := array.concat(key_breakers(version), profile_breakers(version))

key_breakers(version) := [sprintf("key pair %s, which does not exist in the standby site", [version.key_name])] if {
	lib.is_set(version.key_name)
	is_array(input.standby.ec2.key_pairs)
	not version.key_name in {kp.name | some kp in input.standby.ec2.key_pairs}
} else := []

profile_breakers(version) := [sprintf("instance profile %s, which does not exist in the standby account", [ref.value])] if {
	ref := lib.profile_ref(version)
	not lib.profile_of("standby", ref)
} else := []

kms_breakers(version) := [sprintf("KMS key %s of region %s for block device %s", [device.kms_key_id, region, object.get(device, "device_name", "(unnamed)")]) |
	some device in object.get(version, "block_devices", [])
	is_string(device.kms_key_id)
	parts := split(device.kms_key_id, ":")
	count(parts) >= 6
	parts[2] == "kms"
	region := parts[3]
	region != ""
	region != input.standby.region
]

# --- findings ------------------------------------------------------------------------------------

# What does not resolve or breaks, for a group, as a sentence; undefined when the group is sound
# or its version is judged by the launch-template rules.
template_problem(group) := sprintf("names launch template %s, which does not exist in the standby site%s", [template_label(group), primary_hint(group)]) if {
	not lib.group_template("standby", group)
} else := sprintf("launches version %s of launch template %s, which has only versions up to %v", [spec, lib.label(template), template.latest_version_number]) if {
	template := lib.group_template("standby", group)
	spec := lib.group_version(group)
	lib.version_beyond(template, spec)
} else := sprintf("launches version %v (%s) of launch template %s, which refers to %s; the template's default version %v, judged by the launch-template rules, is not the one this group launches", [
	version.version_number, spec, lib.label(template), concat("; ", sort(broken)), object.get(template, "default_version_number", "?"),
]) if {
	template := lib.group_template("standby", group)
	spec := lib.group_version(group)
	version := lib.template_version(template, spec)
	version.version_number != lib.launch_version(template).version_number
	broken := breakers(version)
	count(broken) > 0
}

primary_hint(group) := sprintf(" (%s is a launch template of the primary region %s)", [group.launch_template.id, input.primary.region]) if {
	input.index.primary.launch_templates[group.launch_template.id]
} else := ""

deny contains finding if {
	some group in twins
	text := template_problem(group)
	finding := {
		"resource": group.arn,
		"site": "standby",
		"message": sprintf("Standby Auto Scaling group %s in %s %s, so every launch after a failover fails and the group never reaches its capacity.", [
			group.name, input.standby.region, text,
		]),
		"related": sort([t.arn | t := lib.group_template("standby", group)]),
	}
}
