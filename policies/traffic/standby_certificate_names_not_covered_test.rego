package drready.rules.standby_certificate_names_not_covered

import data.drready.testlib

t_pcert(id, names) := testlib.certificate("primary", id, names, "ISSUED", "AMAZON_ISSUED", "2027-06-01T00:00:00Z", "ELIGIBLE")

t_scert(id, names) := testlib.certificate("standby", id, names, "ISSUED", "AMAZON_ISSUED", "2027-06-01T00:00:00Z", "ELIGIBLE")

t_primary(certs) := testlib.lb("primary", "web-use1", "internet-facing", [testlib.listener("HTTPS", 443, certs), testlib.listener("HTTP", 80, [])])

t_standby(certs) := testlib.lb("standby", "web-usw2", "internet-facing", [testlib.listener("HTTPS", 443, certs), testlib.listener("HTTP", 80, [])])

t_input(p_certs, s_certs) := testlib.traffic_input(
	[t_primary([c.arn | some c in p_certs])], [t_standby([c.arn | some c in s_certs])],
	p_certs, s_certs, [[testlib.lb_arn("primary", "web-use1"), testlib.lb_arn("standby", "web-usw2")]], [], [],
)

test_names_not_covered_are_denied if {
	p := [t_pcert("p1", ["app.example.com", "*.app.example.com"]), t_pcert("p2", ["api.example.com"])]
	s := [t_scert("s1", ["app.example.com"])]
	findings := deny with input as t_input(p, s)
	count(findings) == 1
	some f in findings
	f.resource == testlib.lb_arn("standby", "web-usw2")
	f.site == "standby"
	f.related == [
		testlib.lb_arn("primary", "web-use1"),
		testlib.cert_arn("primary", "p1"), testlib.cert_arn("primary", "p2"), testlib.cert_arn("standby", "s1"),
	]
	contains(f.message, "Standby load balancer web-usw2 in us-west-2: listener HTTPS:443 serves certificates for app.example.com, which do not cover *.app.example.com, api.example.com, which the same listener of its primary twin web-use1 in us-east-1 serves.")
}

test_wildcard_covers_one_label_only if {
	p := [t_pcert("p1", ["www.app.example.com", "a.b.app.example.com", "app.example.com"])]
	s := [t_scert("s1", ["*.app.example.com"])]
	some f in deny with input as t_input(p, s)
	contains(f.message, "do not cover a.b.app.example.com, app.example.com,")
	not contains(f.message, "www.app.example.com")
}

test_covered_names_pass if {
	p := [t_pcert("p1", ["App.Example.com", "www.app.example.com", "*.api.example.com"])]
	s := [t_scert("s1", ["app.example.com", "*.app.example.com"]), t_scert("s2", ["*.API.example.com"])]
	standby := testlib.lb_arn("standby", "web-usw2")
	count(deny) == 0 with input as t_input(p, s)
	applicable == {standby} with input as t_input(p, s)
}

test_unknown_standby_certificates_are_left_to_dr_acm_001 if {
	p := [t_pcert("p1", ["app.example.com"])]
	d := testlib.traffic_input(
		[t_primary([testlib.cert_arn("primary", "p1")])], [t_standby([testlib.cert_arn("primary", "p1")])],
		p, [], [[testlib.lb_arn("primary", "web-use1"), testlib.lb_arn("standby", "web-usw2")]], [], [],
	)
	count(applicable) == 0 with input as d
	count(deny) == 0 with input as d
}

test_missing_standby_listener_is_left_to_dr_elb_002 if {
	p := [t_pcert("p1", ["app.example.com"])]
	d := testlib.traffic_input(
		[t_primary([testlib.cert_arn("primary", "p1")])], [testlib.lb("standby", "web-usw2", "internet-facing", [])],
		p, [], [[testlib.lb_arn("primary", "web-use1"), testlib.lb_arn("standby", "web-usw2")]], [], [],
	)
	count(applicable) == 0 with input as d
}
