package drready.rules.load_balancer_without_dns_failover

import data.drready.lib

metadata := {
	"id": "DR-DNS-008",
	"title": "Internet-facing primary load balancer that no DNS failover can move traffic away from",
	"severity": "high",
	"category": "dns",
	"inputs": ["elbv2", "route53"],
	"why": concat(" ", [
		"Clients reach this internet-facing primary load balancer through DNS, and no Route 53 record that names it can send them to the standby region: it is named only by simple records (an alias or a CNAME, directly or through one more record), not by a failover record nor by a weighted, latency or other routing set with a member in the standby region.",
		"When the primary region fails, those records keep answering with the failed load balancer; clients reach the standby only after someone changes DNS by hand, through the Route 53 control plane, and after resolvers' caches expire — however ready the standby is.",
		"A primary load balancer without any failover record otherwise goes unnoticed: the failover rules (DR-DNS-001 to DR-DNS-007) judge failover records, and there are none.",
		"Records are matched on the load balancer's DNS name (alias target or CNAME value, without case, trailing dot or dualstack. prefix) across the hosted zones of both sites. A load balancer named by a failover record is judged by the other DNS rules.",
		"Only load balancers meant to serve after a failover are judged: those of a workload (the app tag) or with a standby twin; internal load balancers are not judged, and a tooling load balancer with neither is reported by DR-ELB-001 if at all.",
		"A load balancer named by no record at all is judged only when it belongs to a workload: it may be fronted by CloudFront, Global Accelerator or a zone in another account, which the snapshot does not show.",
	]),
	"remediation": "Put the load balancer behind a Route 53 failover pair (PRIMARY on it with target health evaluated or a health check, SECONDARY on its standby twin), or a weighted/latency set that includes the standby.",
	"remediation_detail": concat("\n", [
		"aws route53 list-resource-record-sets --hosted-zone-id ZONE_ID --query \"ResourceRecordSets[?contains(AliasTarget.DNSName || '', 'PRIMARY_LB_DNS')]\"",
		"aws elbv2 describe-load-balancers --region STANDBY_REGION --names STANDBY_LB --query 'LoadBalancers[0].[DNSName,CanonicalHostedZoneId]'",
		"aws route53 change-resource-record-sets --hosted-zone-id ZONE_ID --change-batch file://failover.json   # UPSERT app.example.com A: SetIdentifier primary, Failover PRIMARY, AliasTarget {PRIMARY_LB_ZONE, PRIMARY_LB_DNS, EvaluateTargetHealth true}; SetIdentifier standby, Failover SECONDARY, AliasTarget {STANDBY_LB_ZONE, STANDBY_LB_DNS, EvaluateTargetHealth true}",
		"Terraform: two aws_route53_record resources with the same name and type, set_identifier and failover_routing_policy { type = \"PRIMARY\" / \"SECONDARY\" }, alias { name = aws_lb.<region>.dns_name, zone_id = aws_lb.<region>.zone_id, evaluate_target_health = true }.",
	]),
	"references": [
		"https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/dns-failover-configuring.html",
		"https://docs.aws.amazon.com/Route53/latest/DeveloperGuide/routing-to-elb-load-balancer.html",
		"https://docs.aws.amazon.com/whitepapers/latest/disaster-recovery-workloads-on-aws/disaster-recovery-options-in-the-cloud.html",
	],
}

# Every record set of both sites, once (both sites hold the same inventory in one account).
record_sets contains record if {
	some site in ["primary", "standby"]
	some record in object.get(input[site], ["route53", "record_sets"], [])
}

# Records by the targets they answer with.
records_by_target[target] contains record if {
	some record in record_sets
	some target in lib.record_targets(record)
}

set_key(record) := sprintf("%s|%s|%s", [record.zone_id, lower(record.name), record.type])

# Members of routing sets (weighted, latency, ...: a set identifier without failover) by set.
routing_sets[key] contains record if {
	some record in record_sets
	lib.is_set(record.set_identifier)
	not lib.is_set(record.failover)
	key := set_key(record)
}

standby_target(target) if lib.load_balancers_by_dns.standby[target]

standby_target(target) if contains(target, lower(input.standby.region))

# A record through which traffic can leave the primary: a failover record (judged by the other
# DNS rules), or a routing set member whose set also routes to the standby.
can_move(record) if lib.is_set(record.failover)

can_move(record) if {
	some member in routing_sets[set_key(record)]
	some target in lib.record_targets(member)
	standby_target(target)
}

candidates contains lb if {
	some lb in input.primary.elbv2.load_balancers
	lb.scheme == "internet-facing"
	not lb.state == "failed"
	lib.is_set(lb.dns_name)
	serves_failover(lb)
}

# Meant to serve after a failover: a member of a workload, or a load balancer with a standby twin.
serves_failover(lb) if count(workloads(lb)) > 0

serves_failover(lb) if input.parity.standby_of[lb.arn]

direct(lb) := records_by_target[lib.dns_target(lb.dns_name)] if {
	records_by_target[lib.dns_target(lb.dns_name)]
} else := set()

# Records naming the load balancer, and records naming those.
referring(lb) := direct(lb) | {record |
	some d in direct(lb)
	some record in records_by_target[lib.dns_target(d.name)]
}

workloads(lb) := object.get(input.workload_of, lb.arn, [])

applicable contains lb.arn if {
	some lb in candidates
	count(direct(lb)) > 0
}

applicable contains lb.arn if {
	some lb in candidates
	count(direct(lb)) == 0
	count(workloads(lb)) > 0
}

record_label(record) := sprintf("%s %s%s in hosted zone %s", [record.name, record.type, lib.set_label(record), record.zone_id])

deny contains finding if {
	some lb in candidates
	count(direct(lb)) > 0
	not any_can_move(lb)
	finding := {
		"resource": lb.arn,
		"site": "primary",
		"message": sprintf("Internet-facing load balancer %s in %s is named only by Route 53 record(s) %s, none of which is a failover record or a routing set with a member in standby region %s: when %s fails, DNS keeps sending clients to it until records are changed by hand.", [
			lb.name, input.primary.region, concat("; ", sort([record_label(r) | some r in direct(lb)])), input.standby.region, input.primary.region,
		]),
		"related": sort([r.arn | some r in direct(lb)]),
	}
}

any_can_move(lb) if {
	some record in referring(lb)
	can_move(record)
}

deny contains finding if {
	some lb in candidates
	count(direct(lb)) == 0
	count(workloads(lb)) > 0
	finding := {
		"resource": lb.arn,
		"site": "primary",
		"message": sprintf("Internet-facing load balancer %s of workload %s in %s is named by no Route 53 record in the hosted zones of the snapshot (accounts %s), so nothing can move its clients to standby region %s. If CloudFront, Global Accelerator or a zone in another account fronts it, fail over there (and tag it dr:scope=none to leave it out).", [
			lb.name, concat(", ", workloads(lb)), input.primary.region, concat(", ", sort({input.primary.account, input.standby.account})), input.standby.region,
		]),
		"related": [],
	}
}
