package drready.rules.network_missing_in_standby

import data.drready.lib

metadata := {
	"id": "DR-NET-001",
	"title": "Network resource used by primary workloads has no standby twin",
	"severity": "high",
	"category": "compute",
	"inputs": ["ec2"],
	"why": concat(" ", [
		"A VPC, subnet or security group that live primary instances or primary launch templates (the version that launches: the default version, else the latest) use has no twin in the standby region; the VPCs of used subnets and security groups count as used.",
		"Instances cannot be launched without a subnet, and a workload launched into a different security group either cannot be reached or is exposed more than in the primary.",
		"Networks are the slowest part to rebuild during an outage: CIDR planning, route tables, NAT, endpoints, peering and firewall rules all have to exist before the first instance can start.",
		"Twins are found by the pairing: the dr:pair tag; the name after region-token and role-word rewriting (prod-use1-web, prod-primary-vpc / prod-standby-vpc, prod-main / prod-dr); CloudFormation stack and logical id; Terraform name_prefix; and the network's structure (the only workload VPC of each site, subnets by AZ and CIDR offset within twin VPCs). A resource none of these can pair (several groups of one name) needs a dr:pair tag.",
	]),
	"remediation": "Create the missing VPC, subnet or security group in the standby region with the same purpose and rules (named after the primary one with the region token rewritten, or tagged dr:pair).",
	"remediation_detail": concat("\n", [
		"aws ec2 describe-security-groups --region PRIMARY_REGION --group-ids sg-XXXX --query 'SecurityGroups[0].[GroupName,Description,IpPermissions]'",
		"aws ec2 create-security-group --region STANDBY_REGION --vpc-id vpc-STANDBY --group-name NAME --description DESCRIPTION --tag-specifications 'ResourceType=security-group,Tags=[{Key=Name,Value=NAME}]'",
		"aws ec2 authorize-security-group-ingress --region STANDBY_REGION --group-id sg-NEW --ip-permissions file://ingress.json   # source groups replaced by their standby twins",
		"aws ec2 create-subnet --region STANDBY_REGION --vpc-id vpc-STANDBY --cidr-block CIDR --availability-zone AZ --tag-specifications 'ResourceType=subnet,Tags=[{Key=Name,Value=NAME}]'",
		"Terraform: instantiate the network module a second time with provider = aws.standby (aws_vpc, aws_subnet, aws_security_group and aws_vpc_security_group_ingress_rule), so both regions come from one definition.",
	]),
	"references": [
		"https://docs.aws.amazon.com/whitepapers/latest/disaster-recovery-workloads-on-aws/disaster-recovery-options-in-the-cloud.html",
		"https://docs.aws.amazon.com/vpc/latest/userguide/vpc-security-groups.html",
		"https://docs.aws.amazon.com/vpc/latest/userguide/configure-subnets.html",
	],
}

index_name := {"vpc": "vpcs", "subnet": "subnets", "security_group": "security_groups"}

kind_label := {"vpc": "VPC", "subnet": "Subnet", "security_group": "Security group"}

# The live primary instances (lib.live, written out: a function call per instance costs about
# as much as visiting it, and the three uses below would call it three times).
live_instances := [instance |
	gone := lib.gone_states
	some instance in input.primary.ec2.instances
	not instance.state in gone
]

# The version of each primary launch template that launches (lib.launch_version, written out:
# the default version, else the latest), once per template for the two uses below.
launch_versions := [{"arn": template.arn, "version": version} |
	some template in input.primary.ec2.launch_templates
	version := [v |
		some key in ["default_version", "latest_version"]
		v := template[key]
		is_object(v)
	][0]
]

# The ids each kind of network resource is named by: directly by live instances and launching
# template versions, and, for VPCs, also as the VPC of a named subnet or security group. Plain sets
# of ids, for applicable and for finding the resources without a twin; which instances and
# templates use a resource (named_by, used) is only computed when deny needs it for a finding.
# An instance's vpc_id and subnet_id, a subnet's and a group's vpc_id are strings or absent (the
# snapshot model), so a set one (lib.is_set) is one that is not "".
named_subnets := {id | some instance in live_instances; id := instance.subnet_id; id != ""} | {id |
	some launch in launch_versions
	some id in launch.version.subnet_ids
}

named_groups := {id | some instance in live_instances; some id in object.get(instance, "security_group_ids", [])} | {id |
	some launch in launch_versions
	some id in launch.version.security_group_ids
}

used_ids := {
	"vpc": {id | some instance in live_instances; id := instance.vpc_id; id != ""} | {vpc_id |
		some id in named_subnets
		vpc_id := input.index.primary.subnets[id].vpc_id
		vpc_id != ""
	} | {vpc_id |
		some id in named_groups
		vpc_id := input.index.primary.security_groups[id].vpc_id
		vpc_id != ""
	},
	"subnet": named_subnets,
	"security_group": named_groups,
}

# kind -> id -> ARNs of the primary instances and launch templates that name it directly.
named_by.vpc[id] contains instance.arn if {
	some instance in live_instances
	id := instance.vpc_id
	id != ""
}

named_by.subnet[id] contains instance.arn if {
	some instance in live_instances
	id := instance.subnet_id
	id != ""
}

named_by.security_group[id] contains instance.arn if {
	some instance in live_instances
	some id in object.get(instance, "security_group_ids", [])
}

# Launch templates use what the version that launches names.
named_by.security_group[id] contains launch.arn if {
	some launch in launch_versions
	some id in launch.version.security_group_ids
}

named_by.subnet[id] contains launch.arn if {
	some launch in launch_versions
	some id in launch.version.subnet_ids
}

# kind -> id -> ARNs of the primary instances and launch templates that use it.
used[kind][id] := users if {
	some kind, by_id in named_by
	some id, users in by_id
	kind != "vpc"
}

# A VPC is used by what names it and by what uses one of its subnets or security groups.
direct_vpc := object.get(named_by, "vpc", {})

vpc_ids := {id | some id, _ in direct_vpc} | {id | some id, _ in derived_vpc}

used.vpc[vpc_id] := users if {
	some vpc_id in vpc_ids
	users := object.get(direct_vpc, vpc_id, set()) | object.get(derived_vpc, vpc_id, set())
}

derived_vpc[vpc_id] contains user if {
	some kind in ["subnet", "security_group"]
	some id, users in object.get(named_by, kind, {})
	vpc_id := input.index.primary[index_name[kind]][id].vpc_id
	lib.is_set(vpc_id)
	some user in users
}

# Used resources the primary inventory knows, kind -> id -> resource; unknown ids are not judged.
# (Keyed by strings rather than a set of [kind, resource]: comparing whole resources costs.)
resources := {kind: {id: resource |
	some id in ids
	resource := input.index.primary[index_name[kind]][id]
} |
	some kind, ids in used_ids
}

applicable contains resource.arn if {
	some by_id in resources
	some resource in by_id
}

deny contains finding if {
	some kind, by_id in resources
	some resource in by_id
	not input.parity.standby_of[resource.arn]
	users := used[kind][resource.id]
	finding := {
		"resource": resource.arn,
		"site": "primary",
		"message": sprintf("%s %s in primary region %s is used by %d primary instance(s)/launch template(s) but has no twin in standby region %s, so the workload has no network to start in there.", [
			kind_label[kind], lib.label(resource), input.primary.region, count(users), input.standby.region,
		]),
		"related": sort(users),
	}
}
