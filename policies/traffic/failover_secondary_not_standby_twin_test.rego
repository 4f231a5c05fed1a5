package drready.rules.failover_secondary_not_standby_twin

import data.drready.testlib

t_lb := testlib.lb("primary", "web-use1", "internet-facing", [])

t_twin := testlib.lb("standby", "web-usw2", "internet-facing", [])

t_other := testlib.lb("standby", "shop-usw2", "internet-facing", [])

t_dns(site, name) := sprintf("dualstack.%s.", [testlib.lb_dns(site, name)])

t_record(role, set_id, alias_dns) := {
	"arn": testlib.record_arn("app.example.com.", set_id), "id": sprintf("app.example.com./A/%s", [set_id]),
	"name": "app.example.com.", "region": "global", "account": "111111111111", "zone_id": "Z1", "type": "A",
	"set_identifier": set_id, "failover": role, "values": [],
	"alias_target": {"dns_name": alias_dns, "hosted_zone_id": "Z35SXDOTRQ7X7K", "evaluate_target_health": true},
}

t_input(secondary_dns) := t_input_pairs(secondary_dns, [[t_lb.arn, t_twin.arn]])

t_input_pairs(secondary_dns, pairs) := testlib.traffic_input(
	[t_lb], [t_twin, t_other], [], [], pairs, [],
	[{"zone_id": "Z1", "name": "app.example.com.", "type": "A", "primary": t_record("PRIMARY", "use1", t_dns("primary", "web-use1")), "secondary": t_record("SECONDARY", "usw2", secondary_dns)}],
)

test_secondary_on_another_standby_load_balancer_is_denied if {
	findings := deny with input as t_input(t_dns("standby", "shop-usw2"))
	count(findings) == 1
	some f in findings
	f.resource == testlib.record_arn("app.example.com.", "usw2")
	f.site == "primary"
	f.related == sort([testlib.record_arn("app.example.com.", "use1"), t_lb.arn, t_twin.arn, t_other.arn])
	contains(f.message, "SECONDARY failover record app.example.com. A (set usw2) in hosted zone Z1 sends clients to load balancer shop-usw2 (us-west-2) instead of web-usw2, the standby twin of the PRIMARY's load balancer web-use1")
}

test_secondary_on_an_unknown_load_balancer_is_denied if {
	some f in deny with input as t_input("old-web-99.us-west-2.elb.amazonaws.com")
	contains(f.message, "sends clients to load balancer DNS name old-web-99.us-west-2.elb.amazonaws.com (not in the snapshot) instead of web-usw2")
}

test_secondary_on_the_twin_passes if {
	arn := testlib.record_arn("app.example.com.", "usw2")
	d := t_input(upper(t_dns("standby", "web-usw2")))
	count(deny) == 0 with input as d
	applicable == {arn} with input as d
}

test_secondary_in_the_primary_region_is_left_to_dr_dns_004 if {
	arn := testlib.record_arn("app.example.com.", "usw2")
	d := t_input(t_dns("primary", "web-use1"))
	count(deny) == 0 with input as d
	applicable == {arn} with input as d
}

test_secondary_on_something_else_than_a_load_balancer_is_not_denied if {
	count(deny) == 0 with input as t_input("maintenance.example.com.s3-website-us-west-2.amazonaws.com.")
}

test_primary_without_twin_is_not_judged if {
	d := t_input_pairs(t_dns("standby", "shop-usw2"), [])
	count(applicable) == 0 with input as d
	count(deny) == 0 with input as d
}
