package drready.rules.failover_health_check_cannot_fail

import data.drready.lib

metadata := {
	"id": "DR-DNS-007",
	"title": "PRIMARY failover record's health check can never turn unhealthy in a regional outage",
	"severity": "high",
	"category": "dns",
	"inputs": ["route53"],
	"why": concat(" ", [
		"Route 53 fails over to the SECONDARY record only when the PRIMARY record's health check turns unhealthy, and this check is configured so that it cannot when the primary region fails.",
		"A CALCULATED check with a health threshold of 0 is always healthy, and one without child health checks, or whose children all no longer exist, follows no endpoint at all.",
		"A CLOUDWATCH_METRIC check follows a CloudWatch alarm: when the primary region fails, its metrics stop arriving, the alarm goes to INSUFFICIENT_DATA, and a check whose insufficient-data status is Healthy stays healthy, while LastKnownStatus keeps the healthy status it had before the outage.",
		"Route 53 keeps answering with the failed primary endpoint and failover needs a manual DNS change during the incident.",
		"A disabled or inverted check is DR-DNS-003's finding; a CALCULATED check whose threshold exceeds its number of children is always unhealthy, not always healthy, and is not reported here.",
	]),
	"remediation": "Make the PRIMARY record's health check able to fail: a CALCULATED check with a threshold of at least 1 over existing child checks of the primary endpoints, or a CLOUDWATCH_METRIC check whose insufficient-data status is Unhealthy.",
	"remediation_detail": concat("\n", [
		"aws route53 get-health-check --health-check-id HEALTH_CHECK_ID --query 'HealthCheck.HealthCheckConfig.[Type,HealthThreshold,ChildHealthChecks,InsufficientDataHealthStatus,AlarmIdentifier]'",
		"aws route53 update-health-check --health-check-id HEALTH_CHECK_ID --insufficient-data-health-status Unhealthy   # CLOUDWATCH_METRIC",
		"aws route53 update-health-check --health-check-id HEALTH_CHECK_ID --health-threshold 1 --child-health-checks CHILD_ID_1 CHILD_ID_2   # CALCULATED",
		"Terraform: aws_route53_health_check with insufficient_data_health_status = \"Unhealthy\" (type CLOUDWATCH_METRIC), or child_health_threshold >= 1 and child_healthchecks = [aws_route53_health_check.<endpoint>.id, ...] (type CALCULATED).",
	]),
	"references": [
		"https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/health-checks-creating-values.html",
		"https://docs.aws.amazon.com/Route53/latest/APIReference/API_HealthCheckConfig.html",
		"https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/dns-failover-determining-health-of-endpoints.html",
	],
}

# The health check a record names, from the record's account.
cf_check(record) := input.index[lib.site_of(record)].health_checks[record.health_check_id]

# Disabled and inverted checks are DR-DNS-003's finding.
cf_flagged(check) if check.disabled == true

cf_flagged(check) if check.inverted == true

cf_children(check) := object.get(check, "child_health_checks", [])

cf_known_children(check, site) := [child |
	some child in cf_children(check)
	input.index[site].health_checks[child]
]

# Why the check cannot turn unhealthy when the primary region fails; undefined when it can.
cf_problem(check, site) := "is a CALCULATED check with health threshold 0, so Route 53 always considers it healthy" if {
	check.type == "CALCULATED"
	check.health_threshold == 0
} else := "" if {
	# more healthy children required than there are: always unhealthy, not this rule's finding
	check.type == "CALCULATED"
	check.health_threshold > count(cf_children(check))
} else := "is a CALCULATED check without child health checks, so nothing can make it unhealthy" if {
	check.type == "CALCULATED"
	count(cf_children(check)) == 0
} else := sprintf("is a CALCULATED check whose child health checks %s do not exist in account %s, so its status follows no endpoint", [
	concat(", ", sort(cf_children(check))), check.account,
]) if {
	check.type == "CALCULATED"
	count(cf_known_children(check, site)) == 0
} else := sprintf("is a CLOUDWATCH_METRIC check on alarm %s whose status with insufficient data is %s: when the primary region fails its metrics stop, the alarm goes to INSUFFICIENT_DATA and %s", [
	cf_alarm_label(check), check.insufficient_data_health_status, cf_insufficient_text[check.insufficient_data_health_status],
]) if {
	check.type == "CLOUDWATCH_METRIC"
	cf_insufficient_text[check.insufficient_data_health_status]
}

cf_insufficient_text := {
	"Healthy": "the check reports healthy",
	"LastKnownStatus": "the check keeps the healthy status it had before the outage",
}

cf_alarm_label(check) := sprintf("%s in %s", [check.cloudwatch_alarm_name, check.cloudwatch_alarm_region]) if {
	lib.is_set(check.cloudwatch_alarm_name)
	lib.is_set(check.cloudwatch_alarm_region)
} else := check.cloudwatch_alarm_name if {
	lib.is_set(check.cloudwatch_alarm_name)
} else := "(unnamed)"

cf_check_arn(check) := check.arn if {
	lib.is_set(check.arn)
} else := sprintf("arn:aws:route53:::healthcheck/%s", [check.id])

applicable contains group.primary.arn if {
	some group in lib.primary_failover_groups
	lib.has_health_check(group.primary)
	cf_check(group.primary)
}

deny contains finding if {
	some group in lib.primary_failover_groups
	record := group.primary
	lib.has_health_check(record)
	check := cf_check(record)
	not cf_flagged(check)
	text := cf_problem(check, lib.site_of(record))
	text != ""
	finding := {
		"resource": record.arn,
		"site": lib.site_of(record),
		"message": sprintf("PRIMARY failover record %s %s%s in hosted zone %s uses health check %s, which %s; Route 53 never fails over to the SECONDARY record and keeps sending traffic to the failed primary region %s.", [
			group.name, group.type, lib.set_label(record), group.zone_id, lib.label(check), text, input.primary.region,
		]),
		"related": [cf_check_arn(check)],
	}
}
