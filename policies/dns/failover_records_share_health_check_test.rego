package drready.rules.failover_records_share_health_check

import data.drready.testlib

t_arn(set_id) := testlib.record_arn("app.example.com.", set_id)

# health_check_id null: the record has none (the field is left out).
t_record(failover, set_id, health_check_id) := testlib.compact({
	"arn": t_arn(set_id), "id": sprintf("app.example.com./A/%s", [set_id]), "name": "app.example.com.", "tags": {},
	"region": "global", "account": "111111111111",
	"zone_id": "Z1", "type": "A", "ttl": 60, "set_identifier": set_id, "failover": failover,
	"health_check_id": health_check_id, "values": ["192.0.2.10"],
})

t_check(id, name) := {
	"arn": sprintf("arn:aws:route53:::healthcheck/%s", [id]), "id": id, "name": name, "tags": {}, "region": "global", "account": "111111111111",
	"type": "HTTPS", "fqdn": "primary.app.example.com", "port": 443, "disabled": false, "inverted": false,
}

# null primary or secondary: the group has no such record.
t_input(primary, secondary, checks) := {
	"primary": {"account": "111111111111", "region": "us-east-1"},
	"standby": {"account": "111111111111", "region": "us-west-2"},
	"index": {
		"primary": {"health_checks": {c.id: c | some c in checks}},
		"standby": {"health_checks": {c.id: c | some c in checks}},
	},
	"parity": {"failover": [testlib.compact({"zone_id": "Z1", "name": "app.example.com.", "type": "A", "primary": primary, "secondary": secondary})]},
}

test_shared_health_check_is_denied if {
	d := t_input(t_record("PRIMARY", "use1", "hc-1"), t_record("SECONDARY", "usw2", "hc-1"), [t_check("hc-1", "app-primary")])
	findings := deny with input as d
	count(findings) == 1
	some f in findings
	f.resource == t_arn("usw2")
	f.site == "primary"
	contains(f.message, "SECONDARY failover record app.example.com. A (set usw2) in hosted zone Z1 uses health check hc-1 (app-primary), the same as its PRIMARY record (set use1)")
	contains(f.message, "Route 53 then answers with the PRIMARY record, so traffic keeps going to the failed primary region us-east-1")
	f.related == ["arn:aws:route53:::healthcheck/hc-1"]
}

test_shared_unknown_health_check_is_denied_with_its_arn if {
	d := t_input(t_record("PRIMARY", "use1", "hc-gone"), t_record("SECONDARY", "usw2", "hc-gone"), [])
	some f in deny with input as d
	contains(f.message, "uses health check hc-gone, the same")
	f.related == ["arn:aws:route53:::healthcheck/hc-gone"]
}

test_own_health_checks_pass if {
	d := t_input(t_record("PRIMARY", "use1", "hc-1"), t_record("SECONDARY", "usw2", "hc-2"), [t_check("hc-1", "app-primary"), t_check("hc-2", "app-standby")])
	count(deny) == 0 with input as d
	applicable == {t_arn("usw2")} with input as d
}

test_only_one_side_with_a_health_check_is_not_applicable if {
	d := t_input(t_record("PRIMARY", "use1", "hc-1"), t_record("SECONDARY", "usw2", null), [t_check("hc-1", "app-primary")])
	count(applicable) == 0 with input as d
	count(deny) == 0 with input as d
	other_side := t_input(t_record("PRIMARY", "use1", null), t_record("SECONDARY", "usw2", "hc-1"), [t_check("hc-1", "app-primary")])
	count(applicable) == 0 with input as other_side
	count(deny) == 0 with input as other_side
}

test_empty_health_check_ids_are_not_applicable if {
	d := t_input(t_record("PRIMARY", "use1", ""), t_record("SECONDARY", "usw2", ""), [])
	count(applicable) == 0 with input as d
	count(deny) == 0 with input as d
}

test_group_without_secondary_is_not_applicable if {
	d := t_input(t_record("PRIMARY", "use1", "hc-1"), null, [t_check("hc-1", "app-primary")])
	count(applicable) == 0 with input as d
	count(deny) == 0 with input as d
}

test_metadata if {
	metadata.id == "DR-DNS-006"
	metadata.severity == "high"
	metadata.category == "dns"
	metadata.inputs == ["route53"]
}
