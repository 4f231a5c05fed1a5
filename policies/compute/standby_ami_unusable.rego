package drready.rules.standby_ami_unusable

import data.drready.lib

metadata := {
	"id": "DR-EC2-007",
	"title": "Standby launch template uses an AMI that is not available or is deprecated",
	"severity": "high",
	"category": "compute",
	"inputs": ["ec2"],
	"why": concat(" ", [
		"The AMI that this standby launch template launches (from its default version, what $Default, instances and Auto Scaling use; the latest version when there is no default) exists in the standby account but is not in the available state (pending, failed, deregistered, ...) or has passed its deprecation time.",
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

# The image in the standby inventory that the launching version of a template uses.
launch_image(template) := input.index.standby.images[lib.launch_version(template).image_id]

deprecated(image) if {
	is_string(image.deprecation_time)
	time.parse_rfc3339_ns(image.deprecation_time) <= input.now_ns
}

image_problems(image) := [p |
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

applicable contains template.arn if {
	some template in input.standby.ec2.launch_templates
	launch_image(template)
}

deny contains finding if {
	some template in input.standby.ec2.launch_templates
	image := launch_image(template)
	problems := image_problems(image)
	count(problems) > 0
	finding := {
		"resource": template.arn,
		"site": "standby",
		"message": sprintf("Standby launch template %s in %s: version %v uses AMI %s, which %s, so launches from it fail or break when the image is deregistered.", [
			lib.label(template), input.standby.region, lib.launch_version(template).version_number, lib.label(image), concat(" and ", problems),
		]),
		"related": [image.arn],
	}
}
