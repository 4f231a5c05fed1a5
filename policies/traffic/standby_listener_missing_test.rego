package drready.rules.standby_listener_missing

import data.drready.testlib

t_primary := testlib.lb("primary", "web-use1", "internet-facing", [
	testlib.listener("HTTPS", 443, []),
	testlib.listener("HTTP", 80, []),
	testlib.listener("HTTPS", 8443, []),
])

t_standby(listeners) := testlib.lb("standby", "web-usw2", "internet-facing", listeners)

t_input(standby) := testlib.traffic_input([t_primary], [standby], [], [], [[t_primary.arn, standby.arn]], [], [])

test_missing_listeners_are_denied if {
	standby := t_standby([testlib.listener("HTTPS", 443, []), testlib.listener("HTTP", 8443, [])])
	findings := deny with input as t_input(standby)
	count(findings) == 1
	some f in findings
	f.resource == standby.arn
	f.site == "standby"
	f.related == [t_primary.arn]
	contains(f.message, "Standby load balancer web-usw2 in us-west-2 (account 222222222222) has no listener HTTP:80, HTTPS:8443, which its primary twin web-use1 in us-east-1 has")
}

test_standby_without_listeners_is_denied if {
	some f in deny with input as t_input(t_standby([]))
	contains(f.message, "has no listener HTTP:80, HTTPS:443, HTTPS:8443")
}

test_same_listeners_pass if {
	standby := t_standby([
		testlib.listener("HTTP", 80, []),
		testlib.listener("HTTPS", 8443, []),
		testlib.listener("HTTPS", 443, []),
		testlib.listener("HTTP", 8080, []),
	])
	count(deny) == 0 with input as t_input(standby)
	applicable == {standby.arn} with input as t_input(standby)
}

test_load_balancers_without_twin_are_not_judged if {
	d := testlib.traffic_input([t_primary], [t_standby([])], [], [], [], [], [])
	count(applicable) == 0 with input as d
	count(deny) == 0 with input as d
}
