package drready.rules.load_balancer_without_dns_failover

import data.drready.testlib

t_lb := testlib.lb("primary", "web-use1", "internet-facing", [testlib.listener("HTTPS", 443, [])])

t_twin := testlib.lb("standby", "web-usw2", "internet-facing", [testlib.listener("HTTPS", 443, [])])

t_alias(site) := sprintf("dualstack.%s.", [testlib.lb_dns(site, sprintf("web-%s", [{"primary": "use1", "standby": "usw2"}[site]]))])

# A record in zone Z1; set_id, failover, alias_dns, weight null leave the field out.
t_record(name, type, set_id, failover, alias_dns, values, weight) := testlib.compact({
	"arn": sprintf("arn:aws:route53:::hostedzone/Z1/recordset/%s/%s/%s", [name, type, t_set(set_id)]),
	"id": name, "name": name, "region": "global", "account": "111111111111", "zone_id": "Z1", "type": type,
	"set_identifier": set_id, "failover": failover, "weight": weight, "values": values,
	"alias_target": t_alias_target(alias_dns),
})

t_set(set_id) := set_id if is_string(set_id) else := ""

t_alias_target(dns) := {"dns_name": dns, "hosted_zone_id": "Z35SXDOTRQ7X7K", "evaluate_target_health": true} if is_string(dns) else := null

t_input(records) := testlib.traffic_input([t_lb], [t_twin], [], [], [[t_lb.arn, t_twin.arn]], records, [])

test_simple_alias_record_is_denied if {
	record := t_record("app.example.com.", "A", null, null, t_alias("primary"), [], null)
	findings := deny with input as t_input([record])
	count(findings) == 1
	some f in findings
	f.resource == t_lb.arn
	f.site == "primary"
	f.related == [record.arn]
	contains(f.message, "Internet-facing load balancer web-use1 in us-east-1 is named only by Route 53 record(s) app.example.com. A in hosted zone Z1, none of which is a failover record or a routing set with a member in standby region us-west-2")
}

test_cname_is_matched_without_case_or_trailing_dot if {
	record := t_record("app.example.com.", "CNAME", null, null, null, [upper(sprintf("%s.", [testlib.lb_dns("primary", "web-use1")]))], null)
	count(deny) == 1 with input as t_input([record])
}

test_failover_primary_passes if {
	records := [
		t_record("app.example.com.", "A", "use1", "PRIMARY", t_alias("primary"), [], null),
		t_record("app.example.com.", "A", "usw2", "SECONDARY", t_alias("standby"), [], null),
	]
	count(deny) == 0 with input as t_input(records)
	arn := t_lb.arn
	applicable == {arn} with input as t_input(records)
}

test_failover_through_another_record_passes if {
	records := [
		t_record("web-use1.example.com.", "A", null, null, t_alias("primary"), [], null),
		t_record("app.example.com.", "CNAME", "use1", "PRIMARY", null, ["web-use1.example.com"], null),
	]
	count(deny) == 0 with input as t_input(records)
	arn := t_lb.arn
	applicable == {arn} with input as t_input(records)
}

test_weighted_set_with_standby_member_passes if {
	records := [
		t_record("app.example.com.", "A", "use1", null, t_alias("primary"), [], 100),
		t_record("app.example.com.", "A", "usw2", null, t_alias("standby"), [], 0),
	]
	count(deny) == 0 with input as t_input(records)
	arn := t_lb.arn
	applicable == {arn} with input as t_input(records)
}

test_weighted_set_without_standby_member_is_denied if {
	records := [
		t_record("app.example.com.", "A", "use1", null, t_alias("primary"), [], 100),
		t_record("app.example.com.", "A", "maint", null, null, ["192.0.2.10"], 0),
	]
	some f in deny with input as t_input(records)
	contains(f.message, "app.example.com. A (set use1) in hosted zone Z1")
}

test_unreferenced_workload_load_balancer_is_denied if {
	d := object.union(t_input([]), {"workload_of": {t_lb.arn: ["web"]}})
	findings := deny with input as d
	count(findings) == 1
	some f in findings
	f.related == []
	contains(f.message, "Internet-facing load balancer web-use1 of workload web in us-east-1 is named by no Route 53 record in the hosted zones of the snapshot (accounts 111111111111, 222222222222)")
}

test_unreferenced_load_balancer_outside_workloads_is_not_judged if {
	count(applicable) == 0 with input as t_input([])
	count(deny) == 0 with input as t_input([])
}

test_tooling_load_balancer_without_twin_or_workload_is_not_judged if {
	record := t_record("jenkins.example.com.", "A", null, null, t_alias("primary"), [], null)
	d := testlib.traffic_input([t_lb], [], [], [], [], [record], [])
	count(applicable) == 0 with input as d
	count(deny) == 0 with input as d
}

test_workload_load_balancer_without_twin_is_judged if {
	record := t_record("app.example.com.", "A", null, null, t_alias("primary"), [], null)
	d := object.union(testlib.traffic_input([t_lb], [], [], [], [], [record], []), {"workload_of": {t_lb.arn: ["web"]}})
	arn := t_lb.arn
	applicable == {arn} with input as d
	count(deny) == 1 with input as d
}

test_internal_load_balancer_is_not_judged if {
	internal := object.union(t_lb, {"scheme": "internal"})
	record := t_record("app.example.com.", "A", null, null, t_alias("primary"), [], null)
	d := object.union(testlib.traffic_input([internal], [], [], [], [], [record], []), {"workload_of": {t_lb.arn: ["web"]}})
	count(applicable) == 0 with input as d
	count(deny) == 0 with input as d
}
