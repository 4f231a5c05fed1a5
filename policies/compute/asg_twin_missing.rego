package drready.rules.asg_twin_missing

import data.drready.lib

metadata := {
	"id": "DR-ASG-001",
	"title": "Primary Auto Scaling group has no standby twin group",
	"severity": "high",
	"category": "compute",
	"inputs": ["autoscaling"],
	"why": concat(" ", [
		"This primary Auto Scaling group has no twin group in the standby site, or its twin is being deleted.",
		"drready pairs groups by the dr:pair tag, by name with the region tokens rewritten (prod-use1-web and prod-usw2-web), by the same CloudFormation stack and logical id (CDK and CloudFormation generated names), by Terraform name prefixes, by EKS cluster and node group names (eks-... groups of managed node groups) and by Elastic Beanstalk environment name.",
		"Without a group in the standby region nothing launches, replaces or scales the application's instances after a failover: someone has to rebuild the group (launch template, subnets, load balancer attachments, scaling policies) by hand during the outage, far beyond the RTO.",
		"Groups being deleted and groups whose maximum size is 0 (nothing runs there to fail over) are not judged. Groups that EKS or Elastic Beanstalk manage get their twin from a node group or environment in the standby region, which the message names.",
	]),
	"remediation": "Create the group in the standby region from the standby launch template (pilot light: desired 0, a maximum that covers the primary's desired capacity).",
	"remediation_detail": concat("\n", [
		"aws autoscaling describe-auto-scaling-groups --region PRIMARY_REGION --auto-scaling-group-names GROUP --query 'AutoScalingGroups[0].[MinSize,MaxSize,DesiredCapacity,VPCZoneIdentifier,LaunchTemplate]'",
		"aws autoscaling create-auto-scaling-group --region STANDBY_REGION --auto-scaling-group-name GROUP_STANDBY --launch-template 'LaunchTemplateId=lt-STANDBY,Version=$Default' --min-size 0 --max-size MAX --desired-capacity 0 --vpc-zone-identifier 'subnet-A,subnet-B' --tags 'Key=dr:pair,Value=GROUP,PropagateAtLaunch=false'",
		"EKS: aws eks create-nodegroup --region STANDBY_REGION --cluster-name CLUSTER --nodegroup-name NODEGROUP ...; Elastic Beanstalk: aws elasticbeanstalk create-environment --region STANDBY_REGION ...",
		"Terraform: a second aws_autoscaling_group with provider = aws.standby (same module, standby launch template and subnets).",
	]),
	"references": [
		"https://docs.aws.amazon.com/autoscaling/ec2/userguide/create-asg-launch-template.html",
		"https://docs.aws.amazon.com/whitepapers/latest/disaster-recovery-workloads-on-aws/disaster-recovery-options-in-the-cloud.html",
		"https://docs.aws.amazon.com/eks/latest/userguide/create-managed-node-group.html",
	],
}

# Primary groups that could need a twin: not being deleted, able to run instances.
judged_primary_groups contains group if {
	some group in input.primary.autoscaling.groups
	not lib.group_deleting(group)
	group.max_size > 0
}

applicable contains group.arn if {
	some group in judged_primary_groups
}

# What manages the group, as a hint of where its twin comes from.
managed_by(group) := sprintf(" It belongs to EKS node group %s of cluster %s: create that node group in the standby region's cluster.", [group.tags["eks:nodegroup-name"], group.tags["eks:cluster-name"]]) if {
	lib.is_set(group.tags["eks:nodegroup-name"])
	lib.is_set(group.tags["eks:cluster-name"])
} else := sprintf(" It belongs to Elastic Beanstalk environment %s: create the environment in the standby region.", [group.tags["elasticbeanstalk:environment-name"]]) if {
	lib.is_set(group.tags["elasticbeanstalk:environment-name"])
} else := sprintf(" It is made by CloudFormation stack %s: deploy the stack in the standby region.", [group.tags["aws:cloudformation:stack-name"]]) if {
	lib.is_set(group.tags["aws:cloudformation:stack-name"])
} else := ""

launches(group) := sprintf("launch template %s", [object.get(group.launch_template, "name", object.get(group.launch_template, "id", "?"))]) if {
	is_object(group.launch_template)
} else := sprintf("launch configuration %s", [group.launch_configuration_name]) if {
	lib.is_set(group.launch_configuration_name)
} else := "no launch template"

missing(group) := sprintf("has no twin group in standby region %s (account %s)", [input.standby.region, input.standby.account]) if {
	not input.parity.standby_of[group.arn]
} else := sprintf("has only twin %s in standby region %s, which is being deleted", [twin.name, input.standby.region]) if {
	twin := lib.twin_of(group.arn)
	lib.group_deleting(twin)
}

deny contains finding if {
	some group in judged_primary_groups
	gap := missing(group)
	finding := {
		"resource": group.arn,
		"site": "primary",
		"message": sprintf("Primary Auto Scaling group %s in %s (desired %v, max %v, %s) %s, so after a failover nothing launches or scales the application there until a group is built by hand.%s", [
			group.name, input.primary.region, group.desired_capacity, group.max_size, launches(group), gap, managed_by(group),
		]),
		"related": [arn | some arn in [input.parity.standby_of[group.arn]]],
	}
}
