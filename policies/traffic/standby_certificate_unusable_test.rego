package drready.rules.standby_certificate_unusable

import data.drready.testlib

t_names := ["app.example.com", "*.app.example.com"]

t_cert(id, status) := testlib.certificate("standby", id, t_names, status, "AMAZON_ISSUED", "2027-06-01T00:00:00Z", "ELIGIBLE")

t_standby(certs) := testlib.lb("standby", "web-usw2", "internet-facing", [
	testlib.listener("HTTPS", 443, certs),
	testlib.listener("HTTP", 80, []),
])

t_primary := testlib.lb("primary", "web-use1", "internet-facing", [testlib.listener("HTTPS", 443, [testlib.cert_arn("primary", "p1")])])

t_input(standby, certs) := testlib.traffic_input([t_primary], [standby], [], certs, [[t_primary.arn, standby.arn]], [], [])

test_expired_certificate_is_denied if {
	lb := t_standby([testlib.cert_arn("standby", "s1")])
	findings := deny with input as t_input(lb, [t_cert("s1", "EXPIRED")])
	count(findings) == 1
	some f in findings
	f.resource == lb.arn
	f.site == "standby"
	f.related == [testlib.cert_arn("standby", "s1"), t_primary.arn]
	contains(f.message, sprintf("Standby load balancer web-usw2 in us-west-2 (account 222222222222): listener HTTPS:443 uses certificate %s (app.example.com), which is EXPIRED.", [testlib.cert_arn("standby", "s1")]))
	contains(f.message, "TLS handshakes with it fail")
}

test_primary_region_certificate_is_denied if {
	lb := t_standby([testlib.cert_arn("primary", "p1")])
	findings := deny with input as t_input(lb, [])
	count(findings) == 1
	some f in findings
	contains(f.message, sprintf("uses certificate %s of region us-east-1, which a load balancer in us-west-2 cannot use", [testlib.cert_arn("primary", "p1")]))
}

test_certificate_missing_from_standby_inventory_is_denied if {
	lb := t_standby([testlib.cert_arn("standby", "gone")])
	some f in deny with input as t_input(lb, [t_cert("s1", "ISSUED")])
	contains(f.message, "which does not exist in the standby site's ACM inventory (account 222222222222)")
}

test_extra_certificate_counts if {
	lb := t_standby([testlib.cert_arn("standby", "s1"), testlib.cert_arn("standby", "s2")])
	findings := deny with input as t_input(lb, [t_cert("s1", "ISSUED"), t_cert("s2", "PENDING_VALIDATION")])
	count(findings) == 1
	some f in findings
	contains(f.message, sprintf("certificate %s (app.example.com), which is PENDING_VALIDATION", [testlib.cert_arn("standby", "s2")]))
	not contains(f.message, testlib.cert_arn("standby", "s1"))
}

test_issued_standby_certificate_passes if {
	lb := t_standby([testlib.cert_arn("standby", "s1")])
	count(deny) == 0 with input as t_input(lb, [t_cert("s1", "ISSUED")])
	applicable == {lb.arn} with input as t_input(lb, [t_cert("s1", "ISSUED")])
}

test_iam_server_certificates_are_not_judged if {
	lb := t_standby(["arn:aws:iam::222222222222:server-certificate/web"])
	count(applicable) == 0 with input as t_input(lb, [])
	count(deny) == 0 with input as t_input(lb, [])
}

test_plain_listeners_are_not_judged if {
	lb := testlib.lb("standby", "web-usw2", "internet-facing", [testlib.listener("HTTP", 80, [])])
	count(applicable) == 0 with input as t_input(lb, [])
}
