package drready.rules.standby_certificate_expiring

import data.drready.testlib

t_cert(type, status, not_after, eligibility) := testlib.certificate("standby", "s1", ["app.example.com"], status, type, not_after, eligibility)

t_lb(name, certs) := testlib.lb("standby", name, "internet-facing", [testlib.listener("HTTPS", 443, certs), testlib.listener("HTTP", 80, [])])

t_input(cert) := testlib.traffic_input([], [t_lb("web-usw2", [cert.arn]), t_lb("api-usw2", [testlib.cert_arn("standby", "other"), cert.arn])], [], [cert], [], [], [])

test_expiring_imported_certificate_is_denied if {
	cert := t_cert("IMPORTED", "ISSUED", "2026-12-10T00:00:00Z", "INELIGIBLE")
	findings := deny with input as t_input(cert)
	count(findings) == 1
	some f in findings
	f.resource == cert.arn
	f.site == "standby"
	f.related == [testlib.lb_arn("standby", "api-usw2"), testlib.lb_arn("standby", "web-usw2")]
	contains(f.message, "Standby IMPORTED certificate s1 (app.example.com) in us-west-2, used by load balancer api-usw2, web-usw2, expires on 2026-12-10T00:00:00Z (in 10d 0h) and will not renew by itself: it is imported, and ACM never renews imported certificates.")
}

test_ineligible_amazon_issued_certificate_is_denied if {
	cert := t_cert("AMAZON_ISSUED", "ISSUED", "2026-12-20T12:00:00Z", "INELIGIBLE")
	some f in deny with input as t_input(cert)
	contains(f.message, "(in 20d 12h) and will not renew by itself: ACM reports it INELIGIBLE for managed renewal")
}

test_expired_eligible_certificate_is_denied if {
	cert := t_cert("AMAZON_ISSUED", "ISSUED", "2026-11-28T00:00:00Z", "ELIGIBLE")
	some f in deny with input as t_input(cert)
	contains(f.message, "expired on 2026-11-28T00:00:00Z (2d 0h ago) and is still served")
}

test_eligible_amazon_issued_certificate_passes if {
	cert := t_cert("AMAZON_ISSUED", "ISSUED", "2026-12-10T00:00:00Z", "ELIGIBLE")
	count(deny) == 0 with input as t_input(cert)
	applicable == {cert.arn} with input as t_input(cert)
}

test_imported_certificate_far_from_expiry_passes if {
	cert := t_cert("IMPORTED", "ISSUED", "2027-01-30T00:00:00Z", "INELIGIBLE")
	count(deny) == 0 with input as t_input(cert)
	applicable == {cert.arn} with input as t_input(cert)
}

test_certificates_not_issued_are_left_to_dr_acm_001 if {
	cert := t_cert("IMPORTED", "EXPIRED", "2026-11-01T00:00:00Z", "INELIGIBLE")
	count(applicable) == 0 with input as t_input(cert)
	count(deny) == 0 with input as t_input(cert)
}

test_certificates_not_in_use_are_not_judged if {
	cert := t_cert("IMPORTED", "ISSUED", "2026-12-10T00:00:00Z", "INELIGIBLE")
	d := testlib.traffic_input([], [t_lb("web-usw2", [])], [], [cert], [], [], [])
	count(applicable) == 0 with input as d
}
