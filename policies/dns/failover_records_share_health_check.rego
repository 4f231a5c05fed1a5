package drready.rules.failover_records_share_health_check

import data.drready.lib

metadata := {
	"id": "DR-DNS-006",
	"title": "PRIMARY and SECONDARY failover records share one health check",
	"severity": "high",
	"category": "dns",
	"inputs": ["route53"],
	"why": concat(" ", [
		"The PRIMARY and the SECONDARY record of one failover group name the same Route 53 health check, so both records are always healthy or unhealthy together.",
		"Route 53 answers with the SECONDARY record only while the PRIMARY is unhealthy and the SECONDARY healthy; when the SECONDARY is unhealthy too it answers with the PRIMARY, whatever the PRIMARY's health.",
		"When the primary region fails, the shared check (which probes the primary endpoint) turns both records unhealthy and Route 53 keeps sending traffic to the failed region; a shared check that probes the standby endpoint instead never notices the primary failing at all.",
		"Failover then needs a manual DNS change during the incident.",
	]),
	"remediation": "Give the SECONDARY record its own health check that probes the standby endpoint (or no health check), and keep the PRIMARY's check on the primary endpoint.",
	"remediation_detail": concat("\n", [
		"aws route53 list-resource-record-sets --hosted-zone-id ZONE_ID --query \"ResourceRecordSets[?Name=='app.example.com.'].[SetIdentifier,Failover,HealthCheckId]\"",
		"aws route53 create-health-check --caller-reference app-standby-$(date +%s) --health-check-config Type=HTTPS,FullyQualifiedDomainName=standby.app.example.com,Port=443,ResourcePath=/health,FailureThreshold=3",
		"aws route53 change-resource-record-sets --hosted-zone-id ZONE_ID --change-batch file://secondary.json   # UPSERT of the SECONDARY record with the new \"HealthCheckId\"",
		"Terraform: one aws_route53_health_check per endpoint; aws_route53_record.health_check_id of the SECONDARY record = aws_route53_health_check.<standby>.id, different from the PRIMARY record's.",
	]),
	"references": [
		"https://docs.aws.amazon.com/Route53/latest/APIReference/API_ResourceRecordSet.html",
		"https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/dns-failover-configuring.html",
		"https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/dns-failover-determining-health-of-endpoints.html",
	],
}

# Failover groups whose PRIMARY and SECONDARY records both name a health check.
sh_groups contains group if {
	some group in input.parity.failover
	lib.has_health_check(group.primary)
	lib.has_health_check(group.secondary)
}

# The ARN of a health check of a record's account: the inventory's, else the one AWS gives it.
sh_check_arn(record) := check.arn if {
	check := input.index[lib.site_of(record)].health_checks[record.health_check_id]
	lib.is_set(check.arn)
} else := sprintf("arn:aws:route53:::healthcheck/%s", [record.health_check_id])

sh_check_label(record) := lib.label(check) if {
	check := input.index[lib.site_of(record)].health_checks[record.health_check_id]
	lib.is_set(check.id)
} else := record.health_check_id

applicable contains group.secondary.arn if {
	some group in sh_groups
}

deny contains finding if {
	some group in sh_groups
	primary := group.primary
	secondary := group.secondary
	primary.health_check_id == secondary.health_check_id
	finding := {
		"resource": secondary.arn,
		"site": lib.site_of(secondary),
		"message": sprintf("SECONDARY failover record %s %s%s in hosted zone %s uses health check %s, the same as its PRIMARY record%s: when the primary region fails both turn unhealthy, and Route 53 then answers with the PRIMARY record, so traffic keeps going to the failed primary region %s.", [
			group.name, group.type, lib.set_label(secondary), group.zone_id, sh_check_label(secondary), lib.set_label(primary), input.primary.region,
		]),
		"related": [sh_check_arn(secondary)],
	}
}
