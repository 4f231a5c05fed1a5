package drready.rules.launch_template_broken_reference

import data.drready.lib

metadata := {
	"id": "DR-EC2-004",
	"title": "Standby launch template refers to something that does not exist in the standby",
	"severity": "critical",
	"category": "compute",
	"inputs": ["ec2"],
	"why": concat(" ", [
		"The version of this standby launch template that launches (its default version, what $Default, instances and Auto Scaling use; the latest version when there is no default) names an AMI, security group or subnet that does not exist in the standby site.",
		"AMI, security group and subnet ids are regional, so a template copied from the primary region or left behind after a clean-up keeps ids that point nowhere.",
		"RunInstances and every Auto Scaling launch from this template fail on the day of the disaster, and the fix needs the missing resource to be recreated first.",
		"drready sees only the AMIs the standby account owns, so a template on a public or shared AMI is reported too: copy the AMI into the account, which also protects the standby from the owner deregistering it. Image ids given as resolve:ssm: parameters are not judged. A missing instance profile is DR-IAM-001's finding.",
	]),
	"remediation": "Create a new version of the standby launch template whose AMI, security groups and subnets are standby-site resources (and make it the default version).",
	"remediation_detail": concat("\n", [
		"aws ec2 describe-launch-template-versions --region STANDBY_REGION --launch-template-id lt-STANDBY --versions '$Default' --query 'LaunchTemplateVersions[0].LaunchTemplateData.[ImageId,SecurityGroupIds,NetworkInterfaces[].SubnetId]'",
		"aws ec2 describe-images --region STANDBY_REGION --image-ids ami-XXXX; aws ec2 describe-security-groups --region STANDBY_REGION --group-ids sg-XXXX",
		"aws ec2 create-launch-template-version --region STANDBY_REGION --launch-template-id lt-STANDBY --source-version '$Default' --launch-template-data '{\"ImageId\":\"ami-STANDBY\",\"SecurityGroupIds\":[\"sg-STANDBY\"]}'",
		"aws ec2 modify-launch-template --region STANDBY_REGION --launch-template-id lt-STANDBY --default-version NEW_VERSION",
		"Terraform: reference standby resources instead of literal ids in the standby aws_launch_template: image_id = aws_ami_copy.<name>.id, vpc_security_group_ids = [aws_security_group.<name>.id], network_interfaces.subnet_id, all with provider = aws.standby.",
	]),
	"references": [
		"https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/manage-launch-template-versions.html",
		"https://docs.aws.amazon.com/autoscaling/ec2/userguide/ts-as-instancelaunchfailure.html",
		"https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/using-systems-manager-parameter-to-find-AMI.html",
	],
}

# The broken references of a template version, each as "KIND ID". A missing instance profile is
# DR-IAM-001's finding, not this rule's.
broken(version) := union({
	broken_image(version),
	broken_security_groups(version),
	broken_subnets(version),
})

broken_image(version) := {sprintf("AMI %s", [image_id])} if {
	image_id := version.image_id
	lib.is_set(image_id)
	not startswith(image_id, "resolve:ssm:")
	not input.index.standby.images[image_id]
} else := set()

broken_security_groups(version) := {sprintf("security group %s", [group]) |
	some group in object.get(version, "security_group_ids", [])
	not input.index.standby.security_groups[group]
}

broken_subnets(version) := {sprintf("subnet %s", [subnet]) |
	some subnet in object.get(version, "subnet_ids", [])
	not input.index.standby.subnets[subnet]
}

applicable contains template.arn if {
	some template in input.standby.ec2.launch_templates
	lib.launch_version(template)
}

deny contains finding if {
	some template in input.standby.ec2.launch_templates
	version := lib.launch_version(template)
	refs := broken(version)
	count(refs) > 0
	finding := {
		"resource": template.arn,
		"site": "standby",
		"message": sprintf("Standby launch template %s in %s: version %v refers to %s, which %s not exist in the standby site (account %s), so launches from it fail.", [
			lib.label(template), input.standby.region, version.version_number, concat(", ", sort(refs)), verb(refs), input.standby.account,
		]),
	}
}

verb(refs) := "does" if {
	count(refs) == 1
} else := "do"
