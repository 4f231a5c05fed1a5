package drready.rules.standby_launch_network_mismatch

import data.drready.lib

metadata := {
	"id": "DR-NET-003",
	"title": "Standby launch template puts instances in a subnet of another VPC than its security groups",
	"severity": "critical",
	"category": "compute",
	"inputs": ["ec2"],
	"why": concat(" ", [
		"The version of this standby launch template that launches (its default version, else the latest) names subnets and security groups that all exist in the standby site, but a security group belongs to a VPC in which none of the template's subnets is.",
		"A security group can only be attached to network interfaces of its own VPC, so EC2 refuses the launch (\"Security group ... and subnet ... belong to different networks\"); this happens when the standby network was rebuilt, or when a group id was replaced by a lookalike group of the default VPC, and the template still looks complete.",
		"Every launch from the template, by hand or by Auto Scaling, fails on the day of the disaster.",
		"Subnets or groups that do not exist in the standby are DR-EC2-004's finding; a template without a subnet (the Auto Scaling group chooses it) is not judged.",
	]),
	"remediation": "Create a template version whose security groups are groups of the subnets' VPC, and make it the default version.",
	"remediation_detail": concat("\n", [
		"aws ec2 describe-subnets --region STANDBY_REGION --subnet-ids subnet-XXXX --query 'Subnets[].[SubnetId,VpcId]'",
		"aws ec2 describe-security-groups --region STANDBY_REGION --group-ids sg-XXXX --query 'SecurityGroups[].[GroupId,VpcId]'",
		"aws ec2 create-launch-template-version --region STANDBY_REGION --launch-template-id lt-STANDBY --source-version '$Default' --launch-template-data '{\"NetworkInterfaces\":[{\"DeviceIndex\":0,\"SubnetId\":\"subnet-XXXX\",\"Groups\":[\"sg-SAME-VPC\"]}]}'",
		"aws ec2 modify-launch-template --region STANDBY_REGION --launch-template-id lt-STANDBY --default-version NEW_VERSION",
		"Terraform: in the standby aws_launch_template, network_interfaces.subnet_id and security_groups both from the same aws_vpc (aws_subnet.<name>.id, aws_security_group.<name>.id with vpc_id = aws_vpc.<name>.id), provider = aws.standby.",
	]),
	"references": [
		"https://docs.aws.amazon.com/vpc/latest/userguide/vpc-security-groups.html",
		"https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/create-launch-template.html",
		"https://docs.aws.amazon.com/autoscaling/ec2/userguide/ts-as-instancelaunchfailure.html",
	],
}

# Each standby template whose launching version (that of lib.launch_version: the default version,
# else the latest) names subnets and security groups that exist in the standby with a known VPC
# (lib.is_set: a non-empty string), with that version, those subnets and those groups. Written out
# in one comprehension rather than with helper functions: regorus spends on every function call
# about what it spends on visiting an element, and this runs for every standby template.
net_judged := [{"template": template, "version": version, "subnets": subnets, "groups": groups} |
	some template in input.standby.ec2.launch_templates
	version := [v |
		some key in ["default_version", "latest_version"]
		v := template[key]
		is_object(v)
	][0]
	subnets := [subnet |
		some id in version.subnet_ids
		subnet := input.index.standby.subnets[id]
		is_string(subnet.vpc_id)
		subnet.vpc_id != ""
	]
	subnets != []
	groups := [group |
		some id in version.security_group_ids
		group := input.index.standby.security_groups[id]
		is_string(group.vpc_id)
		group.vpc_id != ""
	]
	groups != []
]

# The ARNs of resources, sorted, each once.
net_arns(resources) := sort({r.arn | some r in resources; lib.is_set(r.arn)})

applicable contains judged.template.arn if some judged in net_judged

# Groups whose VPC holds none of the version's subnets are strays. The groups of all network
# interfaces are listed together, so a group is only wrong when no subnet of the version is in
# its VPC.
deny contains finding if {
	some judged in net_judged
	vpcs := {subnet.vpc_id | some subnet in judged.subnets}
	strays := [group | some group in judged.groups; not group.vpc_id in vpcs]
	strays != []
	template := judged.template
	finding := {
		"resource": template.arn,
		"site": "standby",
		"message": sprintf("Standby launch template %s in %s: version %v launches into subnet %s but uses security group %s; a security group only attaches to interfaces of its own VPC, so every launch fails (security group and subnet belong to different networks).", [
			lib.label(template), input.standby.region, judged.version.version_number,
			concat(", ", sort({sprintf("%s of %s", [s.id, s.vpc_id]) | some s in judged.subnets})),
			concat(", ", sort({sprintf("%s of %s", [lib.label(g), g.vpc_id]) | some g in strays})),
		]),
		"related": net_arns(array.concat(judged.subnets, strays)),
	}
}
