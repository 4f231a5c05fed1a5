package drready.rules.standby_certificate_names_not_covered

import data.drready.lib

metadata := {
	"id": "DR-ACM-002",
	"title": "Standby listener's certificates do not cover every name the primary's cover",
	"severity": "high",
	"category": "traffic",
	"inputs": ["elbv2", "acm"],
	"why": concat(" ", [
		"An HTTPS or TLS listener of a primary load balancer serves certificates for names (its domain names and subject alternative names) that the certificates of the same listener (port and protocol) on the standby twin do not cover.",
		"After a failover the same host names resolve to the standby load balancer; for a name its certificates do not cover, the load balancer presents a certificate for other names and every client refuses the handshake (NET::ERR_CERT_COMMON_NAME_INVALID), so that part of the application is down.",
		"This happens when a name is added to the primary certificate (a new subdomain, a SAN for a partner) and the standby certificate, requested separately in its own region, is not reissued.",
		"Names compare without case; a wildcard *.example.com covers exactly one label (www.example.com, not example.com nor a.b.example.com), and a primary wildcard is covered only by the same wildcard.",
		"Listeners whose standby certificates are not all in the standby ACM inventory are judged by DR-ACM-001 instead; names of IAM server certificates are not known and not compared.",
	]),
	"remediation": "Request a standby-region certificate with every name of the primary listener's certificates (or add one with the missing names to the standby listener's certificate list).",
	"remediation_detail": concat("\n", [
		"aws acm describe-certificate --region PRIMARY_REGION --certificate-arn PRIMARY_CERT_ARN --query 'Certificate.SubjectAlternativeNames'",
		"aws acm request-certificate --region STANDBY_REGION --domain-name app.example.com --subject-alternative-names '*.app.example.com' api.example.com --validation-method DNS",
		"aws elbv2 add-listener-certificates --region STANDBY_REGION --listener-arn STANDBY_LISTENER_ARN --certificates CertificateArn=NEW_CERT_ARN",
		"Terraform: one list of names (a variable or local) feeding domain_name and subject_alternative_names of the aws_acm_certificate of both regions.",
	]),
	"references": [
		"https://docs.aws.amazon.com/elasticloadbalancing/latest/application/https-listener-certificates.html",
		"https://docs.aws.amazon.com/acm/latest/userguide/acm-certificate.html",
		"https://docs.aws.amazon.com/acm/latest/userguide/acm-regions.html",
	],
}

# The certificates of a listener found in a site's inventory.
certs(site, listener) := [cert | some arn in listener.certificate_arns; cert := input.index[site].by_arn[arn]]

# Every certificate of the listener is in the site's ACM inventory (and it has one).
all_known(site, listener) if {
	count(listener.certificate_arns) > 0
	count(certs(site, listener)) == count(listener.certificate_arns)
}

names(cert_list) := {lower(name) | some cert in cert_list; some name in array.concat([cert.domain_name], object.get(cert, "subject_alternative_names", [])); lib.is_set(name)}

# A name covered by a set of certificate names: itself, or a wildcard one label up.
names_covered(name, by) if name in by

names_covered(name, by) if {
	not startswith(name, "*.")
	i := indexof(name, ".")
	i > 0
	sprintf("*.%s", [substring(name, i + 1, -1)]) in by
}

# [primary LB, standby LB, primary listener, standby listener] of TLS listeners judged.
judged_listeners contains [primary, standby, pl, sl] if {
	some pair in object.get(input.parity, ["by_kind", "load_balancer"], [])
	primary := input.index.primary.by_arn[pair.primary]
	standby := input.index.standby.by_arn[pair.standby]
	some pl in primary.listeners
	pl.protocol in lib.tls_protocols
	count(certs("primary", pl)) > 0
	some sl in standby.listeners
	sl.port == pl.port
	sl.protocol == pl.protocol
	all_known("standby", sl)
}

applicable contains standby.arn if {
	some [_, standby, _, _] in judged_listeners
}

# One listener whose standby certificates miss names of the primary's.
gaps contains gap if {
	some [primary, standby, pl, sl] in judged_listeners
	have := names(certs("standby", sl))
	missing := {name | some name in names(certs("primary", pl)); not names_covered(name, have)}
	count(missing) > 0
	gap := {
		"primary": primary, "standby": standby,
		"text": sprintf("listener %s:%v serves certificates for %s, which do not cover %s", [sl.protocol, sl.port, concat(", ", sort(have)), concat(", ", sort(missing))]),
		"missing": missing,
		"certificates": array.concat(pl.certificate_arns, sl.certificate_arns),
	}
}

deny contains finding if {
	some arn in {gap.standby.arn | some gap in gaps}
	mine := [gap | some gap in gaps; gap.standby.arn == arn]
	standby := mine[0].standby
	primary := mine[0].primary
	missing := {name | some gap in mine; some name in gap.missing}
	finding := {
		"resource": standby.arn,
		"site": "standby",
		"message": sprintf("Standby load balancer %s in %s: %s, which the same listener of its primary twin %s in %s serves. After a failover, clients of %s get a certificate for other names and refuse the connection.", [
			standby.name, input.standby.region, concat("; ", sort([gap.text | some gap in mine])),
			primary.name, input.primary.region, concat(", ", sort(missing)),
		]),
		"related": array.concat([primary.arn], sort({c | some gap in mine; some c in gap.certificates})),
	}
}
