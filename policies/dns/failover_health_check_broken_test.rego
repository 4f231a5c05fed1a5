package drready.rules.failover_health_check_broken

import data.drready.testlib

t_arn(set_id) := testlib.record_arn("app.example.com.", set_id)

# health_check_id null: the record has none (the field is left out).
t_record(failover, set_id, account, health_check_id) := testlib.compact({
	"arn": t_arn(set_id), "id": sprintf("app.example.com./A/%s", [set_id]), "name": "app.example.com.", "region": "global", "account": account,
	"zone_id": "Z1", "type": "A", "ttl": 60, "set_identifier": set_id, "failover": failover,
	"health_check_id": health_check_id, "values": ["192.0.2.10"],
})

t_check(id, disabled, inverted) := {
	"arn": sprintf("arn:aws:route53:::healthcheck/%s", [id]), "id": id, "name": "app-primary", "region": "global", "account": "111111111111",
	"type": "HTTPS", "disabled": disabled, "inverted": inverted,
}

t_input(primary, secondary, primary_checks, standby_checks) := {
	"primary": {"account": "111111111111", "region": "us-east-1"},
	"standby": {"account": "222222222222", "region": "us-west-2"},
	"index": {
		"primary": {"health_checks": {c.id: c | some c in primary_checks}},
		"standby": {"health_checks": {c.id: c | some c in standby_checks}},
	},
	"parity": {"failover": [testlib.compact({"zone_id": "Z1", "name": "app.example.com.", "type": "A", "primary": primary, "secondary": secondary})]},
}

test_missing_health_check_is_denied if {
	d := t_input(t_record("PRIMARY", "use1", "111111111111", "hc-gone"), null, [], [])
	findings := deny with input as d
	count(findings) == 1
	some f in findings
	f.resource == t_arn("use1")
	f.site == "primary"
	contains(f.message, "PRIMARY failover record app.example.com. A (set use1) in hosted zone Z1 names health check hc-gone, which does not exist in account 111111111111")
}

test_disabled_health_check_is_denied if {
	d := t_input(t_record("PRIMARY", "use1", "111111111111", "hc-1"), null, [t_check("hc-1", true, false)], [])
	findings := deny with input as d
	count(findings) == 1
	some f in findings
	contains(f.message, "uses health check hc-1 (app-primary), which is disabled (always healthy)")
}

test_inverted_health_check_on_secondary_is_denied if {
	d := t_input(
		t_record("PRIMARY", "use1", "111111111111", "hc-1"),
		t_record("SECONDARY", "usw2", "111111111111", "hc-2"),
		[t_check("hc-1", false, false), t_check("hc-2", false, true)],
		[],
	)
	findings := deny with input as d
	count(findings) == 1
	some f in findings
	f.resource == t_arn("usw2")
	contains(f.message, "SECONDARY failover record")
	contains(f.message, "inverted (healthy while the endpoint is down)")
}

test_disabled_health_check_on_secondary_passes if {
	# Route 53 treats a disabled check as healthy: what a SECONDARY needs to be served.
	d := t_input(
		t_record("PRIMARY", "use1", "111111111111", "hc-1"),
		t_record("SECONDARY", "usw2", "111111111111", "hc-2"),
		[t_check("hc-1", false, false), t_check("hc-2", true, false)],
		[],
	)
	count(deny) == 0 with input as d
	applicable[t_arn("usw2")] with input as d
}

test_disabled_and_inverted_are_both_named if {
	d := t_input(t_record("PRIMARY", "use1", "111111111111", "hc-1"), null, [t_check("hc-1", true, true)], [])
	some f in deny with input as d
	contains(f.message, "which is disabled (always healthy) and inverted")
}

test_working_health_checks_pass if {
	d := t_input(
		t_record("PRIMARY", "use1", "111111111111", "hc-1"),
		t_record("SECONDARY", "usw2", "111111111111", "hc-2"),
		[t_check("hc-1", false, false), t_check("hc-2", false, false)],
		[],
	)
	count(deny) == 0 with input as d
	applicable == {t_arn("use1"), t_arn("usw2")} with input as d
}

test_records_without_health_check_are_not_applicable if {
	d := t_input(t_record("PRIMARY", "use1", "111111111111", null), t_record("SECONDARY", "usw2", "111111111111", ""), [], [])
	count(applicable) == 0 with input as d
	count(deny) == 0 with input as d
}

test_health_check_is_looked_up_in_the_records_account if {
	# a record of the standby account finds its check in the standby inventory, not in the primary's
	standby_record := t_record("SECONDARY", "usw2", "222222222222", "hc-9")
	ok := t_input(null, standby_record, [], [t_check("hc-9", false, false)])
	count(deny) == 0 with input as ok
	applicable == {t_arn("usw2")} with input as ok
	wrong := t_input(null, standby_record, [t_check("hc-9", false, false)], [])
	findings := deny with input as wrong
	count(findings) == 1
	some f in findings
	f.site == "standby"
	contains(f.message, "does not exist in account 222222222222")
}

test_no_failover_records_nothing_applicable if {
	d := {"primary": {"account": "111111111111"}, "standby": {"account": "111111111111"}, "parity": {"failover": []}}
	count(applicable) == 0 with input as d
	count(deny) == 0 with input as d
}

test_metadata if {
	metadata.id == "DR-DNS-003"
	metadata.severity == "high"
	metadata.category == "dns"
	metadata.inputs == ["route53"]
}
