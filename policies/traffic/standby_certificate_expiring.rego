package drready.rules.standby_certificate_expiring

import data.drready.lib

metadata := {
	"id": "DR-ACM-003",
	"title": "Standby certificate in use expires within 30 days and will not renew by itself",
	"severity": "high",
	"category": "traffic",
	"inputs": ["elbv2", "acm"],
	"why": concat(" ", [
		"A certificate on an HTTPS or TLS listener of a standby load balancer expires within 30 days of the snapshot and ACM will not renew it: it was imported (ACM never renews imported certificates), or ACM reports it INELIGIBLE for managed renewal.",
		"Standby load balancers receive no traffic until the failover, so nobody sees the expiry warnings a busy primary would trigger; on the day of the disaster the standby answers with an expired certificate and every client refuses the connection.",
		"Amazon-issued (and private CA) certificates that ACM reports ELIGIBLE renew by themselves and are not flagged, unless their expiry has already passed. A certificate whose status is no longer ISSUED is reported by DR-ACM-001 instead.",
	]),
	"remediation": "Renew the certificate now: re-import a new certificate under the same ARN (imported), or replace it with an Amazon-issued certificate of the standby region, which ACM renews.",
	"remediation_detail": concat("\n", [
		"aws acm describe-certificate --region STANDBY_REGION --certificate-arn CERT_ARN --query 'Certificate.[Type,NotAfter,RenewalEligibility,InUseBy]'",
		"aws acm import-certificate --region STANDBY_REGION --certificate-arn CERT_ARN --certificate fileb://cert.pem --private-key fileb://key.pem --certificate-chain fileb://chain.pem   # keeps the ARN: listeners need no change",
		"aws acm request-certificate --region STANDBY_REGION --domain-name app.example.com --validation-method DNS   # then aws elbv2 modify-listener --certificates CertificateArn=NEW_CERT_ARN",
		"Terraform: aws_acm_certificate with validation_method = \"DNS\" (provider = aws.standby) instead of an imported certificate_body; an aws_cloudwatch_metric_alarm on AWS/CertificateManager DaysToExpiry in the standby region.",
	]),
	"references": [
		"https://docs.aws.amazon.com/acm/latest/userguide/managed-renewal.html",
		"https://docs.aws.amazon.com/acm/latest/userguide/import-reimport.html",
		"https://docs.aws.amazon.com/acm/latest/userguide/acm-regions.html",
	],
}

window_ns := 30 * 86400 * 1000000000

# Standby certificate ARN -> the standby load balancers whose HTTPS/TLS listeners use it.
users[arn] contains lb.arn if {
	some lb in input.standby.elbv2.load_balancers
	some l in lb.listeners
	l.protocol in lib.tls_protocols
	some arn in l.certificate_arns
}

in_use contains cert if {
	some arn, _ in users
	cert := input.index.standby.by_arn[arn]
	cert.status == "ISSUED"
	lib.is_set(cert.not_after)
}

renews(cert) if {
	cert.type in {"AMAZON_ISSUED", "PRIVATE"}
	cert.renewal_eligibility == "ELIGIBLE"
}

# Why the certificate will not renew by itself.
no_renewal(cert) := "it is imported, and ACM never renews imported certificates" if {
	cert.type == "IMPORTED"
} else := sprintf("ACM reports it %s for managed renewal", [object.get(cert, "renewal_eligibility", "without eligibility")]) if {
	not renews(cert)
}

applicable contains cert.arn if {
	some cert in in_use
}

deny contains finding if {
	some cert in in_use
	expires := time.parse_rfc3339_ns(cert.not_after)
	left := expires - input.now_ns
	left <= 0
	finding := result(cert, sprintf("expired on %s (%s ago) and is still served: after a failover, clients refuse the standby's TLS handshakes", [cert.not_after, lib.duration(lib.seconds(0 - left))]))
}

deny contains finding if {
	some cert in in_use
	expires := time.parse_rfc3339_ns(cert.not_after)
	left := expires - input.now_ns
	left > 0
	left < window_ns
	reason := no_renewal(cert)
	finding := result(cert, sprintf("expires on %s (in %s) and will not renew by itself: %s. A failover after that day meets an expired certificate, and clients refuse the standby's TLS handshakes", [cert.not_after, lib.duration(lib.seconds(left)), reason]))
}

result(cert, text) := {
	"resource": cert.arn,
	"site": "standby",
	"message": sprintf("Standby %s certificate %s (%s) in %s, used by load balancer %s, %s.", [
		cert.type, cert.id, cert.domain_name, input.standby.region,
		concat(", ", sort([input.index.standby.by_arn[lb].name | some lb in users[cert.arn]])), text,
	]),
	"related": sort(users[cert.arn]),
}
