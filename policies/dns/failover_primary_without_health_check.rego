package drready.rules.failover_primary_without_health_check

import data.drready.lib

metadata := {
	"id": "DR-DNS-002",
	"title": "PRIMARY failover record has no health check",
	"severity": "high",
	"category": "dns",
	"inputs": ["route53"],
	"why": concat(" ", [
		"Route 53 treats a PRIMARY failover record without a health check (and not an alias evaluating its target's health) as always healthy.",
		"When the primary region fails, Route 53 keeps answering with the dead primary endpoint and never switches to the SECONDARY record.",
		"Failover then needs a manual DNS change during the incident, adding the change's propagation and the record TTL to the recovery time.",
	]),
	"remediation": "Attach a Route 53 health check to the PRIMARY record, or make it an alias record with evaluate target health enabled.",
	"remediation_detail": concat("\n", [
		"aws route53 create-health-check --caller-reference app-primary-$(date +%s) --health-check-config Type=HTTPS,FullyQualifiedDomainName=primary.app.example.com,Port=443,ResourcePath=/health,RequestInterval=10,FailureThreshold=3",
		"aws route53 change-resource-record-sets --hosted-zone-id ZONE_ID --change-batch file://primary.json",
		"  # primary.json: UPSERT of the PRIMARY record with \"HealthCheckId\": \"HEALTH_CHECK_ID\" (or, for an alias, \"AliasTarget\": {..., \"EvaluateTargetHealth\": true})",
		"Terraform: aws_route53_health_check (fqdn, port, type, resource_path, failure_threshold) and aws_route53_record.health_check_id = aws_route53_health_check.<name>.id on the PRIMARY record; for alias records, alias { evaluate_target_health = true }.",
	]),
	"references": [
		"https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/dns-failover-configuring.html",
		"https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/health-checks-creating.html",
		"https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/resource-record-sets-values-alias.html",
	],
}

evaluates_target_health(record) if {
	record.alias_target.evaluate_target_health == true
}

applicable contains group.primary.arn if {
	some group in lib.primary_failover_groups
}

deny contains finding if {
	some group in lib.primary_failover_groups
	record := group.primary
	not lib.has_health_check(record)
	not evaluates_target_health(record)
	finding := {
		"resource": record.arn,
		"site": "primary",
		"message": sprintf("PRIMARY failover record %s %s in hosted zone %s (primary account %s) has no health check%s, so Route 53 never fails over to the SECONDARY record.", [
			group.name, group.type, group.zone_id, input.primary.account, alias_note(record),
		]),
	}
}

alias_note(record) := " and its alias does not evaluate target health" if {
	is_object(record.alias_target)
} else := ""
