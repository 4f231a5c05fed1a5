package drready.rules.launch_template_missing

import data.drready.lib

metadata := {
	"id": "DR-EC2-003",
	"title": "Launch template has no counterpart in the standby region",
	"severity": "high",
	"category": "compute",
	"inputs": ["ec2"],
	"why": concat(" ", [
		"Launch templates are regional, and Auto Scaling groups, Spot Fleets and runbooks in the standby region can only launch from a template that exists there.",
		"Without a standby twin, the instance type, AMI, security groups, instance profile and user data of this workload have to be rebuilt by hand during the outage, usually from memory.",
		"Recovery then takes hours longer than the RTO and the rebuilt fleet rarely matches what ran in the primary region.",
	]),
	"remediation": "Create the launch template in the standby region with the standby AMI, subnets, security groups and instance profile (tag it dr:pair if the names differ).",
	"remediation_detail": concat("\n", [
		"aws ec2 describe-launch-template-versions --region PRIMARY_REGION --launch-template-id lt-XXXX --versions '$Latest' --query 'LaunchTemplateVersions[0].LaunchTemplateData' > lt.json",
		"# edit lt.json: replace ImageId, SecurityGroupIds, subnet ids and KMS keys with their standby-region equivalents",
		"aws ec2 create-launch-template --region STANDBY_REGION --launch-template-name NAME --launch-template-data file://lt.json --tag-specifications 'ResourceType=launch-template,Tags=[{Key=dr:pair,Value=NAME}]'",
		"Terraform: aws_launch_template with provider = aws.standby and the same name (or a tag dr:pair), setting image_id, instance_type, vpc_security_group_ids, iam_instance_profile and user_data for the standby region.",
	]),
	"references": [
		"https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/ec2-launch-templates.html",
		"https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/create-launch-template.html",
	],
}

applicable contains template.arn if {
	some template in input.primary.ec2.launch_templates
}

deny contains finding if {
	some template in input.primary.ec2.launch_templates
	not input.parity.standby_of[template.arn]
	finding := {
		"resource": template.arn,
		"site": "primary",
		"message": sprintf("Launch template %s in primary region %s has no counterpart in standby region %s, so instances cannot be launched from it there.", [
			lib.label(template), input.primary.region, input.standby.region,
		]),
	}
}
