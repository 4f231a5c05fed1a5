package drready.rules.failover_secondary_targets_primary

import data.drready.testlib

t_arn(set_id) := testlib.record_arn("app.example.com.", set_id)

# alias_dns null: not an alias record (alias records have no TTL; absent fields are left out).
t_record(failover, set_id, values, alias_dns) := testlib.compact({
	"arn": t_arn(set_id), "id": sprintf("app.example.com./A/%s", [set_id]), "name": "app.example.com.", "region": "global", "account": "111111111111",
	"zone_id": "Z1", "type": "A", "ttl": t_ttl(alias_dns), "set_identifier": set_id, "failover": failover,
	"alias_target": t_alias(alias_dns), "values": values,
})

t_ttl(alias_dns) := null if is_string(alias_dns) else := 60

t_alias(dns) := {"dns_name": dns, "hosted_zone_id": "Z35SXDOTRQ7X7K", "evaluate_target_health": true} if is_string(dns) else := null

t_primary_lb := "dualstack.app-use1-123.us-east-1.elb.amazonaws.com."

t_standby_lb := "dualstack.app-usw2-456.us-west-2.elb.amazonaws.com."

t_input(primary, secondary) := {
	"primary": {"account": "111111111111", "region": "us-east-1"},
	"standby": {"account": "111111111111", "region": "us-west-2"},
	"parity": {"failover": [testlib.compact({"zone_id": "Z1", "name": "app.example.com.", "type": "A", "primary": primary, "secondary": secondary})]},
}

test_secondary_alias_to_primary_load_balancer_is_denied if {
	d := t_input(t_record("PRIMARY", "use1", [], t_primary_lb), t_record("SECONDARY", "usw2", [], t_primary_lb))
	findings := deny with input as d
	count(findings) == 1
	some f in findings
	f.resource == t_arn("usw2")
	f.site == "primary"
	f.related == [t_arn("use1")]
	contains(f.message, "SECONDARY failover record app.example.com. A (set usw2) in hosted zone Z1 points at app-use1-123.us-east-1.elb.amazonaws.com (the PRIMARY's target)")
	contains(f.message, "standby region us-west-2")
}

test_same_ip_as_primary_is_denied if {
	d := t_input(t_record("PRIMARY", "use1", ["192.0.2.10"], null), t_record("SECONDARY", "usw2", ["198.51.100.7", "192.0.2.10"], null))
	some f in deny with input as d
	contains(f.message, "points at 192.0.2.10 (the PRIMARY's target)")
	not contains(f.message, "198.51.100.7")
}

test_primary_region_endpoint_is_denied_without_primary_record if {
	d := t_input(null, t_record("SECONDARY", "usw2", ["API-use1.execute-api.US-EAST-1.amazonaws.com."], null))
	findings := deny with input as d
	count(findings) == 1
	some f in findings
	contains(f.message, "api-use1.execute-api.us-east-1.amazonaws.com (in us-east-1)")
	f.related == []
}

test_standby_endpoint_passes if {
	d := t_input(t_record("PRIMARY", "use1", [], t_primary_lb), t_record("SECONDARY", "usw2", [], t_standby_lb))
	count(deny) == 0 with input as d
	applicable == {t_arn("usw2")} with input as d
}

test_standby_ip_passes if {
	d := t_input(t_record("PRIMARY", "use1", ["192.0.2.10"], null), t_record("SECONDARY", "usw2", ["198.51.100.7"], null))
	count(deny) == 0 with input as d
	applicable == {t_arn("usw2")} with input as d
}

test_dualstack_prefix_and_case_are_ignored if {
	d := t_input(
		t_record("PRIMARY", "use1", [], "app-lb.example.net."),
		t_record("SECONDARY", "usw2", [], "DUALSTACK.App-LB.example.net"),
	)
	count(deny) == 1 with input as d
}

test_primary_records_are_not_applicable if {
	d := t_input(t_record("PRIMARY", "use1", [], t_primary_lb), null)
	count(applicable) == 0 with input as d
	count(deny) == 0 with input as d
}

test_metadata if {
	metadata.id == "DR-DNS-004"
	metadata.severity == "high"
	metadata.category == "dns"
	metadata.inputs == ["route53"]
}
