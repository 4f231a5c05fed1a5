package drready.rules.failover_health_check_broken

import data.drready.lib

metadata := {
	"id": "DR-DNS-003",
	"title": "Failover record refers to a missing, disabled or inverted health check",
	"severity": "high",
	"category": "dns",
	"inputs": ["route53"],
	"why": concat(" ", [
		"A PRIMARY or SECONDARY failover record names a health check that does not exist in the record's account, a PRIMARY record a disabled one, or either an inverted one.",
		"Route 53 lets a health check be deleted while records still use it, and the status it then reports for those records is undefined; a disabled health check is always considered healthy, so a PRIMARY on one never fails over (on a SECONDARY that is harmless: it is served whenever the PRIMARY is unhealthy, as without a check); an inverted one is healthy while the endpoint is down and unhealthy while it is up.",
		"With any of these, Route 53 keeps sending traffic to the failed primary region, or sends it to the standby while the primary is fine, and the health check that looks configured is why.",
	]),
	"remediation": "Point the record at an existing, enabled, non-inverted health check that probes the record's own endpoint.",
	"remediation_detail": concat("\n", [
		"aws route53 get-health-check --health-check-id HEALTH_CHECK_ID --query 'HealthCheck.HealthCheckConfig.[Type,FullyQualifiedDomainName,Disabled,Inverted]'",
		"aws route53 update-health-check --health-check-id HEALTH_CHECK_ID --no-disabled --no-inverted",
		"aws route53 create-health-check --caller-reference app-$(date +%s) --health-check-config Type=HTTPS,FullyQualifiedDomainName=ENDPOINT,Port=443,ResourcePath=/health,FailureThreshold=3   # when it was deleted",
		"aws route53 change-resource-record-sets --hosted-zone-id ZONE_ID --change-batch file://record.json   # UPSERT of the record with the new \"HealthCheckId\"",
		"Terraform: aws_route53_health_check with disabled = false and invert_healthcheck = false, referenced as aws_route53_record.health_check_id = aws_route53_health_check.<name>.id (never a literal id).",
	]),
	"references": [
		"https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/health-checks-creating-values.html",
		"https://docs.aws.amazon.com/Route53/latest/APIReference/API_DeleteHealthCheck.html",
		"https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/dns-failover-determining-health-of-endpoints.html",
	],
}

# Route 53 is global per account: a record's health check lives in the record's account.
health_check_problem(record) := sprintf("names health check %s, which does not exist in account %s", [record.health_check_id, record.account]) if {
	not input.index[lib.site_of(record)].health_checks[record.health_check_id]
} else := sprintf("uses health check %s, which is %s", [lib.label(check), concat(" and ", states)]) if {
	check := input.index[lib.site_of(record)].health_checks[record.health_check_id]
	states := [state |
		some [flag, state] in [["disabled", "disabled (always healthy)"], ["inverted", "inverted (healthy while the endpoint is down)"]]
		object.get(check, flag, false) == true
		judged_flag(record, flag)
	]
	count(states) > 0
}

# A disabled check is healthy to Route 53: on a PRIMARY that means it never fails over, but a
# SECONDARY is meant to be served whenever the PRIMARY is unhealthy, so a disabled check there
# is harmless (the same as no check). An inverted check is wrong on either.
judged_flag(record, "disabled") := true if record.failover == "PRIMARY"

judged_flag(_, "inverted") := true

applicable contains record.arn if {
	some [_, record] in lib.failover_records
	lib.has_health_check(record)
}

deny contains finding if {
	some [group, record] in lib.failover_records
	lib.has_health_check(record)
	text := health_check_problem(record)
	finding := {
		"resource": record.arn,
		"site": lib.site_of(record),
		"message": sprintf("%s failover record %s %s%s in hosted zone %s %s, so Route 53 cannot tell whether its endpoint is healthy and fails over wrongly or not at all.", [
			record.failover, group.name, group.type, lib.set_label(record), group.zone_id, text,
		]),
	}
}
