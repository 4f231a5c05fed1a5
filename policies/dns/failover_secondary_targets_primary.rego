package drready.rules.failover_secondary_targets_primary

import data.drready.lib

metadata := {
	"id": "DR-DNS-004",
	"title": "SECONDARY failover record points at the primary region",
	"severity": "high",
	"category": "dns",
	"inputs": ["route53"],
	"why": concat(" ", [
		"The SECONDARY record of this failover policy answers with the same target as the PRIMARY record, or with an endpoint whose name carries the primary region (for example a load balancer name ending in .us-east-1.elb.amazonaws.com).",
		"When Route 53 fails over, clients are sent to the SECONDARY's target, which is then the endpoint that just failed: the failover happens on paper and the outage continues.",
		"This is usually a copy-paste of the PRIMARY record or an alias chosen from the wrong region's list, and it stays invisible until the day it is needed.",
		"Targets are the record's values and its alias DNS name, compared without case, trailing dot or dualstack. prefix; the primary region is recognized by its name (e.g. us-east-1), which the DNS names of load balancers, regional API Gateway endpoints and most other regional AWS endpoints contain.",
	]),
	"remediation": "Point the SECONDARY record at the standby region's endpoint (load balancer, API, or IP addresses in the standby region).",
	"remediation_detail": concat("\n", [
		"aws route53 list-resource-record-sets --hosted-zone-id ZONE_ID --query \"ResourceRecordSets[?Name=='app.example.com.'].[SetIdentifier,Failover,AliasTarget.DNSName,ResourceRecords[].Value]\"",
		"aws elbv2 describe-load-balancers --region STANDBY_REGION --names STANDBY_LB --query 'LoadBalancers[0].[DNSName,CanonicalHostedZoneId]'",
		"aws route53 change-resource-record-sets --hosted-zone-id ZONE_ID --change-batch file://secondary.json   # UPSERT of the SECONDARY with AliasTarget {HostedZoneId: STANDBY_LB_ZONE, DNSName: STANDBY_LB_DNS, EvaluateTargetHealth: true}",
		"Terraform: the SECONDARY aws_route53_record's alias { name = aws_lb.standby.dns_name, zone_id = aws_lb.standby.zone_id } with the load balancer created with provider = aws.standby.",
	]),
	"references": [
		"https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/dns-failover-types.html",
		"https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/routing-to-elb-load-balancer.html",
		"https://docs.aws.amazon.com/whitepapers/latest/disaster-recovery-workloads-on-aws/disaster-recovery-options-in-the-cloud.html",
	],
}

secondaries contains group if {
	some group in input.parity.failover
	is_object(group.secondary)
}

normalize_target(target) := trim_prefix(trim_suffix(lower(target), "."), "dualstack.")

# The targets a record answers with: its values and its alias DNS name.
targets(record) := {normalize_target(value) | some value in object.get(record, "values", [])} | alias_targets(record)

alias_targets(record) := {normalize_target(record.alias_target.dns_name)} if {
	is_string(record.alias_target.dns_name)
} else := set()

primary_targets(group) := targets(group.primary) if {
	is_object(group.primary)
} else := set()

# Why a SECONDARY target points at the primary, if it does.
reason(target, group) := "the PRIMARY's target" if {
	target in primary_targets(group)
} else := sprintf("in %s", [input.primary.region]) if {
	contains(target, lower(input.primary.region))
}

applicable contains group.secondary.arn if {
	some group in secondaries
}

deny contains finding if {
	some group in secondaries
	record := group.secondary
	wrong := [sprintf("%s (%s)", [target, reason(target, group)]) | some target in targets(record); reason(target, group)]
	count(wrong) > 0
	finding := {
		"resource": record.arn,
		"site": lib.site_of(record),
		"message": sprintf("SECONDARY failover record %s %s%s in hosted zone %s points at %s, so a failover sends clients back to primary region %s instead of standby region %s.", [
			group.name, group.type, lib.set_label(record), group.zone_id, concat(", ", sort(wrong)), input.primary.region, input.standby.region,
		]),
		"related": [group.primary.arn | is_object(group.primary)],
	}
}
