package drready.rules.failover_secondary_missing

import data.drready.lib

metadata := {
	"id": "DR-DNS-001",
	"title": "Failover record has a PRIMARY but no SECONDARY",
	"severity": "critical",
	"category": "dns",
	"inputs": ["route53"],
	"why": concat(" ", [
		"Route 53 failover routing only moves traffic when a SECONDARY record with the same name and type exists in the same hosted zone.",
		"With only a PRIMARY record, Route 53 keeps answering with the failed primary endpoint (or with nothing) when the primary region goes down.",
		"Clients never reach the standby region, however ready it is, until someone edits DNS by hand, which also depends on the Route 53 control plane in us-east-1.",
	]),
	"remediation": "Create the SECONDARY failover record (same zone, name and type) pointing at the standby region's endpoint.",
	"remediation_detail": concat("\n", [
		"aws route53 change-resource-record-sets --hosted-zone-id ZONE_ID --change-batch file://secondary.json",
		"  # secondary.json: {\"Changes\": [{\"Action\": \"CREATE\", \"ResourceRecordSet\": {\"Name\": \"app.example.com.\", \"Type\": \"A\", \"SetIdentifier\": \"standby\", \"Failover\": \"SECONDARY\", \"AliasTarget\": {\"HostedZoneId\": \"STANDBY_LB_ZONE\", \"DNSName\": \"standby-lb.STANDBY_REGION.elb.amazonaws.com.\", \"EvaluateTargetHealth\": true}}}]}",
		"aws route53 list-resource-record-sets --hosted-zone-id ZONE_ID --query \"ResourceRecordSets[?Name=='app.example.com.']\"",
		"Terraform: a second aws_route53_record with the same zone_id, name and type, set_identifier = \"standby\" and failover_routing_policy { type = \"SECONDARY\" }.",
	]),
	"references": [
		"https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/routing-policy-failover.html",
		"https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/dns-failover-configuring.html",
		"https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/dns-failover-types.html",
	],
}

applicable contains group.primary.arn if {
	some group in lib.primary_failover_groups
}

deny contains finding if {
	some group in lib.primary_failover_groups
	not is_object(group.secondary)
	finding := {
		"resource": group.primary.arn,
		"site": "primary",
		"message": sprintf("Failover record %s %s in hosted zone %s (primary account %s) has a PRIMARY record but no SECONDARY record, so Route 53 has no standby endpoint to fail over to.", [
			group.name, group.type, group.zone_id, input.primary.account,
		]),
	}
}
