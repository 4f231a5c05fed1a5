package drready.rules.failover_ttl_exceeds_budget

import data.drready.lib

metadata := {
	"id": "DR-DNS-005",
	"title": "Failover record's TTL exceeds the DNS TTL budget",
	"severity": "low",
	"category": "dns",
	"inputs": ["route53"],
	"why": concat(" ", [
		"The TTL of this failover record is longer than the dns_ttl_max objective (60 seconds unless configured).",
		"Resolvers and clients cache the answer for the TTL: after Route 53 fails over, they keep sending traffic to the failed primary region until their cached answer expires, and on failback the same delay applies to the SECONDARY's answer.",
		"Every second of TTL adds to the recovery time, on top of the health check's detection time.",
		"Alias records have no TTL of their own (Route 53 uses the target's) and are not judged; both PRIMARY and SECONDARY records are.",
	]),
	"remediation": "Lower the record's TTL to the dns_ttl_max objective or below (60 seconds is common for failover records).",
	"remediation_detail": concat("\n", [
		"aws route53 list-resource-record-sets --hosted-zone-id ZONE_ID --query \"ResourceRecordSets[?Failover!=null].[Name,Type,SetIdentifier,TTL]\"",
		"aws route53 change-resource-record-sets --hosted-zone-id ZONE_ID --change-batch file://ttl.json   # UPSERT of the record, unchanged except \"TTL\": 60",
		"Or make it an alias record to the load balancer, which has no TTL of its own and evaluates target health.",
		"Terraform: aws_route53_record.ttl = 60 on both failover records (or an alias block instead of records and ttl).",
	]),
	"references": [
		"https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/resource-record-sets-values-failover.html#rrsets-values-failover-ttl",
		"https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/dns-failover-complex-configs.html",
		"https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/best-practices-dns.html",
	],
}

# Every failover record, PRIMARY or SECONDARY, that has a TTL (alias records have none).
ttl_records contains [group, record] if {
	some [group, record] in lib.failover_records
	is_number(record.ttl)
}

applicable contains record.arn if {
	some [_, record] in ttl_records
}

deny contains finding if {
	some [group, record] in ttl_records
	budget := input.objectives.dns_ttl_max_seconds
	record.ttl > budget
	finding := {
		"resource": record.arn,
		"site": lib.site_of(record),
		"message": sprintf("%s failover record %s %s%s in hosted zone %s has a TTL of %vs, above the %vs DNS TTL budget, so clients keep the old answer up to %vs after a failover.", [
			record.failover, group.name, group.type, lib.set_label(record), group.zone_id, record.ttl, budget, record.ttl,
		]),
	}
}
