package drready.rules.standby_certificate_unusable

import data.drready.lib

metadata := {
	"id": "DR-ACM-001",
	"title": "Standby HTTPS/TLS listener uses a certificate that is missing from the standby region or not issued",
	"severity": "critical",
	"category": "traffic",
	"inputs": ["elbv2", "acm"],
	"why": concat(" ", [
		"An HTTPS or TLS listener of a standby load balancer names an ACM certificate that the standby region's ACM inventory does not hold, or one whose status is not ISSUED (EXPIRED, REVOKED, PENDING_VALIDATION, FAILED, INACTIVE).",
		"ACM certificates are regional: a standby listener can only use a certificate of the standby region (a template that copies the primary's certificate ARN fails to create or update the standby listener, which DR-ELB-002 then reports as missing).",
		"An expired or revoked certificate keeps its place on the listener: the load balancer still answers, and every browser and client refuses the TLS handshake, so after a failover the application is unreachable over HTTPS although the standby is otherwise ready.",
		"Every certificate of the listener counts, the default one and the extra (SNI) ones. IAM server certificates (arn:aws:iam::…:server-certificate/…) are global and not judged.",
	]),
	"remediation": "Request (or import) a certificate for the same names in the standby region, wait until it is ISSUED, and put it on the standby listener.",
	"remediation_detail": concat("\n", [
		"aws acm describe-certificate --region STANDBY_REGION --certificate-arn CERT_ARN --query 'Certificate.[Status,NotAfter,Type]'",
		"aws acm request-certificate --region STANDBY_REGION --domain-name app.example.com --subject-alternative-names '*.app.example.com' --validation-method DNS",
		"aws acm wait certificate-validated --region STANDBY_REGION --certificate-arn NEW_CERT_ARN",
		"aws elbv2 modify-listener --region STANDBY_REGION --listener-arn STANDBY_LISTENER_ARN --certificates CertificateArn=NEW_CERT_ARN   # extra certificates: aws elbv2 add-listener-certificates",
		"Terraform: an aws_acm_certificate and aws_acm_certificate_validation with provider = aws.standby, referenced as certificate_arn of the standby aws_lb_listener (never the primary's ARN).",
	]),
	"references": [
		"https://docs.aws.amazon.com/acm/latest/userguide/acm-regions.html",
		"https://docs.aws.amazon.com/elasticloadbalancing/latest/application/https-listener-certificates.html",
		"https://docs.aws.amazon.com/acm/latest/userguide/troubleshooting-renewal.html",
	],
}

# The ACM certificate ARNs of a listener (IAM server certificates are global: not judged).
acm_arns(listener) := [arn | some arn in listener.certificate_arns; contains(arn, ":acm:")]

# The region in an ACM certificate ARN: arn:PARTITION:acm:REGION:ACCOUNT:certificate/ID.
arn_region(arn) := split(arn, ":")[3]

# Why a certificate cannot serve the standby listener, if it cannot.
certificate_problem(arn) := sprintf("certificate %s of region %s, which a load balancer in %s cannot use", [arn, arn_region(arn), input.standby.region]) if {
	not input.index.standby.by_arn[arn]
	arn_region(arn) != input.standby.region
} else := sprintf("certificate %s, which does not exist in the standby site's ACM inventory (account %s)", [arn, input.standby.account]) if {
	not input.index.standby.by_arn[arn]
} else := sprintf("certificate %s (%s), which is %s", [arn, cert.domain_name, cert.status]) if {
	cert := input.index.standby.by_arn[arn]
	cert.status != "ISSUED"
}

tls_listeners(lb) := [l | some l in lb.listeners; l.protocol in lib.tls_protocols]

applicable contains lb.arn if {
	some lb in input.standby.elbv2.load_balancers
	some l in tls_listeners(lb)
	count(acm_arns(l)) > 0
}

deny contains finding if {
	some lb in input.standby.elbv2.load_balancers
	problems := [sprintf("listener %s:%v uses %s", [l.protocol, l.port, certificate_problem(arn)]) |
		some l in tls_listeners(lb)
		some arn in acm_arns(l)
		certificate_problem(arn)
	]
	count(problems) > 0
	bad := {arn | some l in tls_listeners(lb); some arn in acm_arns(l); certificate_problem(arn)}
	finding := {
		"resource": lb.arn,
		"site": "standby",
		"message": sprintf("Standby load balancer %s in %s (account %s): %s. After a failover, clients' TLS handshakes with it fail.", [
			lb.name, input.standby.region, input.standby.account, concat("; ", sort(problems)),
		]),
		"related": array.concat(sort(bad), primary_twin(lb)),
	}
}

primary_twin(lb) := [input.parity.primary_of[lb.arn]] if {
	input.parity.primary_of[lb.arn]
} else := []
