package drready.rules.standby_listener_missing

metadata := {
	"id": "DR-ELB-002",
	"title": "Standby load balancer lacks a listener of its primary twin",
	"severity": "high",
	"category": "traffic",
	"inputs": ["elbv2"],
	"why": concat(" ", [
		"The primary load balancer listens on a port and protocol (HTTPS:443, TCP:5432, ...) on which its standby twin does not listen.",
		"After a failover, DNS sends clients to the standby load balancer, and every connection to the missing port is refused: the part of the application served there (often the HTTPS listener itself, or an API or admin port added later in the primary only) is down although everything behind the load balancer runs.",
		"Listeners drift when they are added by hand or by a pipeline that deploys to the primary region only; the standby is rarely tested with real traffic, so nobody notices until the failover.",
		"Listeners are compared by port and protocol; the standby may have more.",
	]),
	"remediation": "Create the missing listener on the standby load balancer, with the same port, protocol and default action, and for HTTPS/TLS a certificate of the standby region.",
	"remediation_detail": concat("\n", [
		"aws elbv2 describe-listeners --region PRIMARY_REGION --load-balancer-arn PRIMARY_LB_ARN --query 'Listeners[].[Port,Protocol,SslPolicy,DefaultActions]'",
		"aws elbv2 describe-listeners --region STANDBY_REGION --load-balancer-arn STANDBY_LB_ARN --query 'Listeners[].[Port,Protocol]'",
		"aws elbv2 create-listener --region STANDBY_REGION --load-balancer-arn STANDBY_LB_ARN --protocol HTTPS --port 443 --certificates CertificateArn=STANDBY_REGION_CERT_ARN --ssl-policy ELBSecurityPolicy-TLS13-1-2-2021-06 --default-actions Type=forward,TargetGroupArn=STANDBY_TG_ARN",
		"Terraform: declare the aws_lb_listener resources in the module instantiated for both regions, so a listener added to one is added to the other.",
	]),
	"references": [
		"https://docs.aws.amazon.com/elasticloadbalancing/latest/application/load-balancer-listeners.html",
		"https://docs.aws.amazon.com/elasticloadbalancing/latest/network/load-balancer-listeners.html",
		"https://docs.aws.amazon.com/whitepapers/latest/disaster-recovery-workloads-on-aws/disaster-recovery-options-in-the-cloud.html",
	],
}

# (port, protocol) of a load balancer's listeners, as "PROTOCOL:PORT".
listener_ports(lb) := {sprintf("%s:%v", [l.protocol, l.port]) | some l in lb.listeners}

twins contains [primary, standby] if {
	some pair in object.get(input.parity, ["by_kind", "load_balancer"], [])
	primary := input.index.primary.by_arn[pair.primary]
	standby := input.index.standby.by_arn[pair.standby]
}

applicable contains standby.arn if {
	some [_, standby] in twins
}

deny contains finding if {
	some [primary, standby] in twins
	missing := listener_ports(primary) - listener_ports(standby)
	count(missing) > 0
	finding := {
		"resource": standby.arn,
		"site": "standby",
		"message": sprintf("Standby load balancer %s in %s (account %s) has no listener %s, which its primary twin %s in %s has: after a failover, connections to %s are refused.", [
			standby.name, input.standby.region, input.standby.account, concat(", ", sort(missing)),
			primary.name, input.primary.region, concat(", ", sort(missing)),
		]),
		"related": [primary.arn],
	}
}
