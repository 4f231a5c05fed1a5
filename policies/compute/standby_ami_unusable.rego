package drready.rules.standby_ami_unusable

metadata := {
	"id": "DR-EC2-007",
	"title": "Standby launch template uses an AMI that is not available or is deprecated",
	"severity": "high",
	"category": "compute",
	"inputs": ["ec2"],
	"why": concat(" ", [
		"The AMI that the default or the latest version of this standby launch template launches (the versions $Default and $Latest use) exists in the standby account but is not in the available state (pending, failed, deregistered, ...) or has passed its deprecation time.",
		"Launches from an image that is not available fail, and a deprecated image disappears from DescribeImages results and from the automation that looks it up, and is usually deregistered soon after by the same lifecycle policy.",
		"The standby fleet then cannot start on the day of the disaster, although the template and the copy both look present.",
		"An AMI id the standby account does not have at all is DR-EC2-004's finding, not this rule's. Deprecation is compared with the snapshot's collection time, not the current time.",
	]),
	"remediation": "Copy a current, available AMI to the standby region and point a new default version of the standby launch template at it; if the AMI is still needed, cancel its deprecation.",
	"remediation_detail": concat("\n", [
		"aws ec2 describe-images --region STANDBY_REGION --image-ids ami-XXXX --include-deprecated --query 'Images[0].[State,DeprecationTime,StateReason.Message]'",
		"aws ec2 disable-image-deprecation --region STANDBY_REGION --image-id ami-XXXX   # when the image is still the one to run",
		"aws ec2 copy-image --region STANDBY_REGION --source-region PRIMARY_REGION --source-image-id ami-CURRENT --name NAME --copy-image-tags",
		"aws ec2 create-launch-template-version --region STANDBY_REGION --launch-template-id lt-STANDBY --source-version '$Latest' --launch-template-data '{\"ImageId\":\"ami-COPY\"}'",
		"Terraform: aws_ami_copy (provider = aws.standby) of the current source AMI with deprecation_time unset or in the future, referenced by the standby aws_launch_template.image_id.",
	]),
	"references": [
		"https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/ami-deprecate.html",
		"https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/CopyingAMIs.html",
		"https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/troubleshooting-launch.html",
	],
}

# template ARN -> [version number, image] for the AMIs in the standby inventory that its default
# ($Default) and latest ($Latest) versions launch.
uses[template.arn] contains [version.version_number, image] if {
	some template in input.standby.ec2.launch_templates
	some key in ["default_version", "latest_version"]
	version := template[key]
	is_object(version)
	image := input.index.standby.images[version.image_id]
}

deprecated(image) if {
	is_string(image.deprecation_time)
	time.parse_rfc3339_ns(image.deprecation_time) <= input.now_ns
}

problems(image) := [p |
	some p in [
		state_problem(image),
		deprecation_problem(image),
	]
	p != ""
]

state_problem(image) := "" if {
	image.state == "available"
} else := sprintf("is %s", [image.state])

deprecation_problem(image) := sprintf("was deprecated at %s", [image.deprecation_time]) if {
	deprecated(image)
} else := ""

applicable contains arn if {
	some arn, _ in uses
}

deny contains finding if {
	some template in input.standby.ec2.launch_templates
	bad := [[number, image] |
		some [number, image] in uses[template.arn]
		count(problems(image)) > 0
	]
	count(bad) > 0
	finding := {
		"resource": template.arn,
		"site": "standby",
		"message": sprintf("Standby launch template %s in %s: %s, so launches from it fail or break when the image is deregistered.", [
			label(template), input.standby.region, concat("; ", sort([sprintf("version %v uses AMI %s, which %s", [number, label(image), concat(" and ", problems(image))]) | some [number, image] in bad])),
		]),
		"related": sort({image.arn | some [_, image] in bad}),
	}
}

label(resource) := sprintf("%s (%s)", [resource.id, resource.name]) if {
	object.get(resource, "name", "") != ""
	resource.name != resource.id
} else := resource.id
