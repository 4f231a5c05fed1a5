package drready.rules.launch_template_broken_reference

metadata := {
	"id": "DR-EC2-004",
	"title": "Standby launch template refers to something that does not exist in the standby",
	"severity": "critical",
	"category": "compute",
	"inputs": ["ec2", "iam"],
	"why": concat(" ", [
		"The default or the latest version of this standby launch template (the versions $Default and $Latest launches use) names an AMI, security group, subnet or instance profile that does not exist in the standby site.",
		"AMI, security group and subnet ids are regional and instance profiles belong to an account, so a template copied from the primary region or left behind after a clean-up keeps ids that point nowhere.",
		"RunInstances and every Auto Scaling launch from this template fail on the day of the disaster, and the fix needs the missing resource to be recreated first.",
		"drready sees only the AMIs the standby account owns, so a template on a public or shared AMI is reported too: copy the AMI into the account, which also protects the standby from the owner deregistering it. Image ids given as resolve:ssm: parameters are not judged.",
	]),
	"remediation": "Create a new version of the standby launch template whose AMI, security groups, subnets and instance profile are standby-site resources (and make it the default version).",
	"remediation_detail": concat("\n", [
		"aws ec2 describe-launch-template-versions --region STANDBY_REGION --launch-template-id lt-STANDBY --versions '$Latest' --query 'LaunchTemplateVersions[0].LaunchTemplateData.[ImageId,SecurityGroupIds,NetworkInterfaces[].SubnetId,IamInstanceProfile]'",
		"aws ec2 describe-images --region STANDBY_REGION --image-ids ami-XXXX; aws ec2 describe-security-groups --region STANDBY_REGION --group-ids sg-XXXX; aws iam get-instance-profile --instance-profile-name PROFILE",
		"aws ec2 create-launch-template-version --region STANDBY_REGION --launch-template-id lt-STANDBY --source-version '$Latest' --launch-template-data '{\"ImageId\":\"ami-STANDBY\",\"SecurityGroupIds\":[\"sg-STANDBY\"],\"IamInstanceProfile\":{\"Name\":\"PROFILE\"}}'",
		"aws ec2 modify-launch-template --region STANDBY_REGION --launch-template-id lt-STANDBY --default-version NEW_VERSION",
		"Terraform: reference standby resources instead of literal ids in the standby aws_launch_template: image_id = aws_ami_copy.<name>.id, vpc_security_group_ids = [aws_security_group.<name>.id], network_interfaces.subnet_id, iam_instance_profile { name = aws_iam_instance_profile.<name>.name }, all with provider = aws.standby.",
	]),
	"references": [
		"https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/manage-launch-template-versions.html",
		"https://docs.aws.amazon.com/autoscaling/ec2/userguide/ts-as-instancelaunchfailure.html",
		"https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/using-systems-manager-parameter-to-find-AMI.html",
	],
}

is_set(value) if {
	is_string(value)
	value != ""
}

# The broken references of a template version, each as "KIND ID".
broken(version) := union({
	broken_image(version),
	broken_security_groups(version),
	broken_subnets(version),
	broken_profile(version),
})

broken_image(version) := {sprintf("AMI %s", [image_id])} if {
	image_id := version.image_id
	is_set(image_id)
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

# A template naming both an ARN and a name is resolved by its ARN.
broken_profile(version) := {sprintf("instance profile %s", [arn])} if {
	arn := version.instance_profile_arn
	is_set(arn)
	not input.index.standby.instance_profile_arns[arn]
} else := {sprintf("instance profile %s", [name])} if {
	not is_set(object.get(version, "instance_profile_arn", null))
	name := version.instance_profile_name
	is_set(name)
	not input.index.standby.instance_profiles[name]
} else := set()

# The versions launches use: the default one ($Default) and the latest one ($Latest).
versions(template) := {version |
	some key in ["default_version", "latest_version"]
	version := template[key]
	is_object(version)
}

applicable contains template.arn if {
	some template in input.standby.ec2.launch_templates
	count(versions(template)) > 0
}

deny contains finding if {
	some template in input.standby.ec2.launch_templates
	gaps := [sprintf("version %v refers to %s", [version.version_number, concat(", ", sort(refs))]) |
		some version in versions(template)
		refs := broken(version)
		count(refs) > 0
	]
	count(gaps) > 0
	refs := union({broken(version) | some version in versions(template)})
	finding := {
		"resource": template.arn,
		"site": "standby",
		"message": sprintf("Standby launch template %s in %s: %s, which %s not exist in the standby site (account %s), so launches from it fail.", [
			label(template), input.standby.region, concat("; ", sort(gaps)), verb(refs), input.standby.account,
		]),
	}
}

verb(refs) := "does" if {
	count(refs) == 1
} else := "do"

label(resource) := sprintf("%s (%s)", [resource.id, resource.name]) if {
	object.get(resource, "name", "") != ""
	resource.name != resource.id
} else := resource.id
