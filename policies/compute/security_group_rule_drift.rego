package drready.rules.security_group_rule_drift

import data.drready.lib

metadata := {
	"id": "DR-NET-002",
	"title": "Standby security group has different ingress rules than its primary twin",
	"severity": "medium",
	"category": "compute",
	"inputs": ["ec2"],
	"why": concat(" ", [
		"This security group and its standby twin allow different inbound traffic (protocol, ports or source).",
		"A rule missing in the standby blocks traffic the application needs after failover (the web tier cannot reach the API, the load balancer cannot reach the targets), and an extra rule opens the standby wider than production was reviewed for.",
		"Such breakage only shows when traffic arrives, in the middle of the failover, as timeouts that look like application bugs.",
		"Region-specific ids are not differences: source security groups are compared through their pairing, and a CIDR equal to the group's own VPC CIDR matches the twin VPC's CIDR. Prefix list ids are compared as they are.",
	]),
	"remediation": "Make the standby group's ingress rules match the primary's (with standby source groups), ideally by generating both from one definition.",
	"remediation_detail": concat("\n", [
		"aws ec2 describe-security-group-rules --region PRIMARY_REGION --filters Name=group-id,Values=sg-PRIMARY --query 'SecurityGroupRules[?!IsEgress]'",
		"aws ec2 describe-security-group-rules --region STANDBY_REGION --filters Name=group-id,Values=sg-STANDBY --query 'SecurityGroupRules[?!IsEgress]'",
		"aws ec2 authorize-security-group-ingress --region STANDBY_REGION --group-id sg-STANDBY --ip-permissions IpProtocol=tcp,FromPort=PORT,ToPort=PORT,UserIdGroupPairs=[{GroupId=sg-STANDBY-SOURCE}]",
		"aws ec2 revoke-security-group-ingress --region STANDBY_REGION --group-id sg-STANDBY --security-group-rule-ids sgr-EXTRA   # rules the primary does not have",
		"Terraform: one module with aws_security_group and aws_vpc_security_group_ingress_rule resources, instantiated once per region (provider = aws.standby for the second).",
	]),
	"references": [
		"https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html",
		"https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/working-with-security-group-rules.html",
		"https://docs.aws.amazon.com/whitepapers/latest/disaster-recovery-workloads-on-aws/disaster-recovery-options-in-the-cloud.html",
	],
}

vpc_cidr_token := "the VPC CIDR"

# The CIDR of the VPC a group lives in, or "" when unknown.
vpc_cidr(site, group_id) := cidr if {
	group := input.index[site].security_groups[group_id]
	cidr := input.index[site].vpcs[group.vpc_id].cidr_block
	is_string(cidr)
} else := ""

# A rule with its own VPC's CIDR replaced by a token, so twin VPCs' CIDRs compare equal.
canonical(rule, cidr) := object.union(rule, {"cidr_ipv4": sort([c |
	some raw in object.get(rule, "cidr_ipv4", [])
	c := cidr_token(raw, cidr)
])})

cidr_token(raw, cidr) := vpc_cidr_token if {
	cidr != ""
	raw == cidr
} else := raw

# pair -> [rules only in the primary, rules only in the standby], after canonicalization.
ingress_differences(pair) := [only_primary, only_standby] if {
	some drift in pair.drift
	drift.attribute == "ingress"
	primary_cidr := vpc_cidr("primary", pair.primary_id)
	standby_cidr := vpc_cidr("standby", pair.standby_id)
	primary_rules := {canonical(rule, primary_cidr) | some rule in drift.primary}
	standby_rules := {canonical(rule, standby_cidr) | some rule in drift.standby}
	only_primary := primary_rules - standby_rules
	only_standby := standby_rules - primary_rules
}

applicable contains pair.primary if {
	some pair in input.parity.by_kind.security_group
}

deny contains finding if {
	some pair in input.parity.by_kind.security_group
	[only_primary, only_standby] := ingress_differences(pair)
	count(only_primary) + count(only_standby) > 0
	parts := array.concat(
		[sprintf("only in the primary: %s", [rule_list(only_primary)]) | count(only_primary) > 0],
		[sprintf("only in the standby: %s", [rule_list(only_standby)]) | count(only_standby) > 0],
	)
	finding := {
		"resource": pair.primary,
		"site": "primary",
		"message": sprintf("Security group %s in primary region %s and its standby twin %s in %s allow different inbound traffic; %s.", [
			lib.id_label(pair.primary_id, object.get(pair, "name", "")), input.primary.region, pair.standby_id, input.standby.region, concat("; ", parts),
		]),
		"related": [pair.standby],
	}
}

rule_list(rules) := concat(", ", sort([rule_text(rule) | some rule in rules]))

rule_text(rule) := sprintf("%s from %s", [ports(rule), sources(rule)])

# sprintf's %d mangles negative numbers in regorus, so ports are printed with %v; a port of -1
# (ICMP "all types") reads as all ports.
ports(rule) := "all traffic" if {
	rule.protocol == "-1"
} else := sprintf("%s %v", [rule.protocol, rule.from_port]) if {
	is_number(rule.from_port)
	rule.from_port >= 0
	rule.from_port == rule.to_port
} else := sprintf("%s %v-%v", [rule.protocol, rule.from_port, rule.to_port]) if {
	is_number(rule.from_port)
	is_number(rule.to_port)
	rule.from_port >= 0
} else := sprintf("%s all ports", [rule.protocol])

sources(rule) := concat(", ", list) if {
	list := array.concat(
		array.concat(object.get(rule, "cidr_ipv4", []), object.get(rule, "cidr_ipv6", [])),
		array.concat([source_group_label(g) | some g in object.get(rule, "source_security_group_ids", [])], object.get(rule, "prefix_list_ids", [])),
	)
	count(list) > 0
} else := "no source"

# Source groups of both sides are standby ids after pairing; unpaired primary ids stay as they are.
source_group_label(id) := sprintf("%s (%s)", [id, input.index.standby.security_groups[id].name]) if {
	input.index.standby.security_groups[id].name != ""
} else := sprintf("%s (%s, primary, no standby twin)", [id, input.index.primary.security_groups[id].name]) if {
	input.index.primary.security_groups[id]
} else := id
