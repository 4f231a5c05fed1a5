package drready.rules.failover_secondary_not_standby_twin

import data.drready.lib

metadata := {
	"id": "DR-ELB-003",
	"title": "SECONDARY failover record targets another load balancer than the standby twin of the PRIMARY's",
	"severity": "high",
	"category": "traffic",
	"inputs": ["elbv2", "route53"],
	"why": concat(" ", [
		"The PRIMARY record of this failover pair sends clients to a primary load balancer that has a standby twin, and the SECONDARY record sends them to a different load balancer: one of another application, an old or test load balancer of the standby region, or one whose DNS name is not in the snapshot.",
		"After a failover, clients reach a load balancer with other listeners, other certificates and other targets: they get another application's pages or API, certificate errors, or 404s, while the application's real standby waits unused.",
		"This is usually a copy-paste of another application's record or an alias picked from a long list in the console.",
		"Targets compare on DNS names (alias target or CNAME value, without case, trailing dot or dualstack. prefix). A SECONDARY that points at the PRIMARY's own target or at an endpoint in the primary region is reported by DR-DNS-004, and one that points at something other than a load balancer (a maintenance page, a CDN) is not judged.",
	]),
	"remediation": "Point the SECONDARY record at the standby twin of the PRIMARY's load balancer.",
	"remediation_detail": concat("\n", [
		"aws route53 list-resource-record-sets --hosted-zone-id ZONE_ID --query \"ResourceRecordSets[?Name=='app.example.com.'].[SetIdentifier,Failover,AliasTarget.DNSName]\"",
		"aws elbv2 describe-load-balancers --region STANDBY_REGION --names STANDBY_TWIN --query 'LoadBalancers[0].[DNSName,CanonicalHostedZoneId]'",
		"aws route53 change-resource-record-sets --hosted-zone-id ZONE_ID --change-batch file://secondary.json   # UPSERT of the SECONDARY with AliasTarget {HostedZoneId: STANDBY_TWIN_ZONE, DNSName: STANDBY_TWIN_DNS, EvaluateTargetHealth: true}",
		"Terraform: the SECONDARY aws_route53_record's alias { name = aws_lb.standby.dns_name, zone_id = aws_lb.standby.zone_id } referencing the twin of the load balancer the PRIMARY record references.",
	]),
	"references": [
		"https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/dns-failover-types.html",
		"https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/routing-to-elb-load-balancer.html",
		"https://docs.aws.amazon.com/elasticloadbalancing/latest/application/application-load-balancers.html",
	],
}

# SECONDARY record ARN -> [PRIMARY's load balancer, its standby twin] for failover pairs whose
# PRIMARY targets a primary load balancer that has a twin.
twins[group.secondary.arn] contains [lb, twin] if {
	some group in input.parity.failover
	is_object(group.primary)
	is_object(group.secondary)
	some target in lib.record_targets(group.primary)
	lb := lib.load_balancers_by_dns.primary[target]
	twin := lib.twin_of(lb.arn)
}

groups[group.secondary.arn] := group if {
	some group in input.parity.failover
	is_object(group.secondary)
	twins[group.secondary.arn]
}

# What DR-DNS-004 reports: a SECONDARY target that is a PRIMARY target or names the primary region.
reported_by_dns_004(group) if {
	some target in lib.record_targets(group.secondary)
	target in lib.record_targets(group.primary)
}

reported_by_dns_004(group) if {
	some target in lib.record_targets(group.secondary)
	contains(target, lower(input.primary.region))
}

# A target that is a load balancer: one of the snapshot, or an ELB DNS name.
lb_label(target) := sprintf("load balancer %s (%s)", [lb.name, input.standby.region]) if {
	lb := lib.load_balancers_by_dns.standby[target]
} else := sprintf("load balancer %s (%s)", [lb.name, input.primary.region]) if {
	lb := lib.load_balancers_by_dns.primary[target]
} else := sprintf("load balancer DNS name %s (not in the snapshot)", [target]) if {
	contains(target, ".elb.amazonaws.com")
}

lb_arn(target) := lib.load_balancers_by_dns.standby[target].arn if {
	lib.load_balancers_by_dns.standby[target]
} else := lib.load_balancers_by_dns.primary[target].arn

applicable contains arn if {
	some arn, _ in groups
}

deny contains finding if {
	some arn, group in groups
	expected := {lib.dns_target(pair[1].dns_name) | some pair in twins[arn]}
	targets := lib.record_targets(group.secondary)
	count(targets & expected) == 0
	not reported_by_dns_004(group)
	wrong := {t | some t in targets; lb_label(t)}
	count(wrong) > 0
	record := group.secondary
	finding := {
		"resource": arn,
		"site": lib.site_of(record),
		"message": sprintf("SECONDARY failover record %s %s%s in hosted zone %s sends clients to %s instead of %s, the standby twin of the PRIMARY's load balancer %s: after a failover, clients reach another load balancer (other listeners, certificates and targets) while the application's standby waits unused.", [
			group.name, group.type, lib.set_label(record), group.zone_id,
			concat(", ", sort([lb_label(t) | some t in wrong])),
			concat(", ", sort({pair[1].name | some pair in twins[arn]})),
			concat(", ", sort({pair[0].name | some pair in twins[arn]})),
		]),
		"related": sort(({group.primary.arn} | {x | some pair in twins[arn]; some x in [pair[0].arn, pair[1].arn]}) | {a | some t in wrong; a := lb_arn(t)}),
	}
}
