package drready.rules.load_balancer_missing_in_standby

import data.drready.testlib

t_listeners := [testlib.listener("HTTPS", 443, []), testlib.listener("HTTP", 80, [])]

t_primary := testlib.lb("primary", "web-use1", "internet-facing", t_listeners)

t_standby := testlib.lb("standby", "web-usw2", "internet-facing", t_listeners)

test_primary_without_twin_is_denied if {
	d := testlib.traffic_input([t_primary], [], [], [], [], [], [])
	findings := deny with input as d
	count(findings) == 1
	some f in findings
	f.resource == testlib.lb_arn("primary", "web-use1")
	f.site == "primary"
	f.related == []
	contains(f.message, "Primary internet-facing application load balancer web-use1 in us-east-1 (account 111111111111) has no twin in standby region us-west-2 (account 222222222222)")
	contains(f.message, "serving its listeners HTTP:80, HTTPS:443")
}

test_workload_is_named if {
	d := object.union(testlib.traffic_input([t_primary], [], [], [], [], [], []), {"workload_of": {testlib.lb_arn("primary", "web-use1"): ["web"]}})
	some f in deny with input as d
	contains(f.message, "web-use1 of workload web in us-east-1")
}

test_internal_load_balancer_without_listeners_is_denied if {
	internal := object.union(testlib.lb("primary", "jobs-use1", "internal", []), {"lb_type": "network"})
	d := testlib.traffic_input([internal], [], [], [], [], [], [])
	some f in deny with input as d
	contains(f.message, "Primary internal network load balancer jobs-use1")
	contains(f.message, "no standby endpoint serving it for DNS")
}

test_primary_with_twin_passes if {
	d := testlib.traffic_input([t_primary], [t_standby], [], [], [[t_primary.arn, t_standby.arn]], [], [])
	count(deny) == 0 with input as d
	applicable == {t_primary.arn} with input as d
}

test_failed_load_balancer_is_not_judged if {
	failed := object.union(t_primary, {"state": "failed"})
	d := testlib.traffic_input([failed], [], [], [], [], [], [])
	count(applicable) == 0 with input as d
	count(deny) == 0 with input as d
}

test_standby_load_balancers_are_not_judged if {
	d := testlib.traffic_input([], [t_standby], [], [], [], [], [])
	count(applicable) == 0 with input as d
}
