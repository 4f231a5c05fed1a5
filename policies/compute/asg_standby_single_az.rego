package drready.rules.asg_standby_single_az

import data.drready.lib

metadata := {
	"id": "DR-ASG-005",
	"title": "Standby Auto Scaling group launches into fewer than two Availability Zones",
	"severity": "medium",
	"category": "compute",
	"inputs": ["autoscaling", "ec2"],
	"why": concat(" ", [
		"The standby twin of a primary Auto Scaling group can launch into one Availability Zone only (its subnets, VPCZoneIdentifier, are all in one zone, or name subnets that do not exist in the standby), while its primary twin spans two or more.",
		"After a failover the standby region carries the whole load on a single zone: a zonal impairment, or a zone that has no capacity left for the instance type on the day everyone fails over, stops the launch or takes the application down again, although the primary was built to survive it.",
		"The zones come from the standby site's subnets (the group's AvailabilityZones when it names no subnet); a subnet that does not exist in the standby launches nothing and is named in the message. A primary group that is itself in one zone is a deliberate design and is not judged, nor are groups being deleted.",
	]),
	"remediation": "Add subnets of at least two Availability Zones of the standby region to the standby group.",
	"remediation_detail": concat("\n", [
		"aws ec2 describe-subnets --region STANDBY_REGION --filters Name=vpc-id,Values=vpc-STANDBY --query 'Subnets[].[SubnetId,AvailabilityZone]'",
		"aws autoscaling update-auto-scaling-group --region STANDBY_REGION --auto-scaling-group-name GROUP --vpc-zone-identifier 'subnet-A,subnet-B'",
		"Terraform: vpc_zone_identifier of the standby aws_autoscaling_group with subnets of two or more zones (aws_subnet.<name>[*].id under provider = aws.standby).",
	]),
	"references": [
		"https://docs.aws.amazon.com/autoscaling/ec2/userguide/ec2-auto-scaling-availability-zones.html",
		"https://docs.aws.amazon.com/whitepapers/latest/disaster-recovery-workloads-on-aws/disaster-recovery-options-in-the-cloud.html",
	],
}

pairs contains [primary, standby] if {
	some primary in input.primary.autoscaling.groups
	standby := lib.group_twin(primary)
}

# The zones a group of a site launches into: its subnets' zones, else its AvailabilityZones.
zones(site, group) := {subnet.availability_zone |
	some id in group.subnet_ids
	subnet := input.index[site].subnets[id]
	lib.is_set(subnet.availability_zone)
} if {
	count(object.get(group, "subnet_ids", [])) > 0
} else := {zone | some zone in object.get(group, "availability_zones", [])}

unknown_subnets(group) := sort([id |
	some id in object.get(group, "subnet_ids", [])
	not input.index.standby.subnets[id]
])

applicable contains standby.arn if {
	some [primary, standby] in pairs
	count(zones("primary", primary)) >= 2
}

missing_text(group) := sprintf("; subnet %s does not exist in the standby", [concat(", ", unknown_subnets(group))]) if {
	count(unknown_subnets(group)) > 0
} else := ""

zones_text(found) := "no Availability Zone" if {
	count(found) == 0
} else := sprintf("only %s", [concat(", ", sort(found))])

deny contains finding if {
	some [primary, standby] in pairs
	primary_zones := zones("primary", primary)
	count(primary_zones) >= 2
	found := zones("standby", standby)
	count(found) < 2
	finding := {
		"resource": standby.arn,
		"site": "standby",
		"message": sprintf("Standby Auto Scaling group %s in %s launches into %s%s, while its primary twin %s uses %d zones; after a failover one zone's impairment or lack of capacity stops the whole application.", [
			standby.name, input.standby.region, zones_text(found), missing_text(standby), primary.name, count(primary_zones),
		]),
		"related": [primary.arn],
	}
}
