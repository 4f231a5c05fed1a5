package drready.rules.load_balancer_missing_in_standby

metadata := {
	"id": "DR-ELB-001",
	"title": "Load balancer has no twin in the standby region",
	"severity": "high",
	"category": "traffic",
	"inputs": ["elbv2"],
	"why": concat(" ", [
		"Clients reach the application through this primary load balancer, and the standby region has no load balancer paired with it.",
		"Load balancers are regional: on failover day the standby needs its own, with the same listeners, certificates of its own region, target groups and security groups, and a DNS name for Route 53 to send clients to.",
		"Creating all of that during an outage (and waiting for DNS, certificate validation and health checks) usually takes longer than the recovery time objective, and it happens while the AWS control plane of the failed region may be unavailable to copy settings from.",
		"The twin is found by the dr:pair tag, by the name with the region rewritten (web-use1 → web-usw2, or [[pairing.rewrites]]), by the CloudFormation stack and logical id, by the name CloudFormation or CDK generated without its random suffix (MyStack-WebAlb-1A2B3C4D5E6F ↔ MyStack-WebAlb-9Z8Y7X6W5V4U), by the Kubernetes ingress or service the AWS Load Balancer Controller made it for, or by a Terraform name_prefix.",
		"Load balancers in state failed are not judged.",
	]),
	"remediation": "Create the standby load balancer (same type, scheme and listeners, in the standby VPC) or, when it exists under another name, tag both with the same dr:pair value.",
	"remediation_detail": concat("\n", [
		"aws elbv2 describe-load-balancers --region PRIMARY_REGION --names LB_NAME --query 'LoadBalancers[0].[Type,Scheme,IpAddressType]'",
		"aws elbv2 describe-listeners --region PRIMARY_REGION --load-balancer-arn PRIMARY_LB_ARN --query 'Listeners[].[Port,Protocol]'",
		"aws elbv2 create-load-balancer --region STANDBY_REGION --name LB_NAME_STANDBY --type application --scheme internet-facing --subnets SUBNET_A SUBNET_B --security-groups SG_ID",
		"aws elbv2 add-tags --region STANDBY_REGION --resource-arns STANDBY_LB_ARN --tags Key=dr:pair,Value=LB_NAME   # pair an existing twin (tag the primary too)",
		"Terraform: the same aws_lb (with its aws_lb_listener and aws_lb_target_group) instantiated with provider = aws.standby, e.g. from one module called once per region.",
	]),
	"references": [
		"https://docs.aws.amazon.com/elasticloadbalancing/latest/application/create-application-load-balancer.html",
		"https://docs.aws.amazon.com/whitepapers/latest/disaster-recovery-workloads-on-aws/disaster-recovery-options-in-the-cloud.html",
		"https://docs.aws.amazon.com/wellarchitected/latest/reliability-pillar/rel_planning_for_recovery_disaster_recovery.html",
	],
}

# Every state but failed: provisioning, active, active_impaired (and unknown).
live(lb) if not lb.state == "failed"

workload_note(lb) := sprintf(" of workload %s", [concat(", ", input.workload_of[lb.arn])]) if {
	count(input.workload_of[lb.arn]) > 0
} else := ""

listeners_note(lb) := sprintf("its listeners %s", [concat(", ", sort([sprintf("%s:%v", [l.protocol, l.port]) | some l in lb.listeners]))]) if {
	count(lb.listeners) > 0
} else := "it"

applicable contains lb.arn if {
	some lb in input.primary.elbv2.load_balancers
	live(lb)
}

deny contains finding if {
	some lb in input.primary.elbv2.load_balancers
	live(lb)
	not input.parity.standby_of[lb.arn]
	finding := {
		"resource": lb.arn,
		"site": "primary",
		"message": sprintf("Primary %s %s load balancer %s%s in %s (account %s) has no twin in standby region %s (account %s): on failover day there is no standby endpoint serving %s for DNS to send clients to.", [
			lb.scheme, lb.lb_type, lb.name, workload_note(lb), input.primary.region, input.primary.account,
			input.standby.region, input.standby.account, listeners_note(lb),
		]),
		"related": [],
	}
}
