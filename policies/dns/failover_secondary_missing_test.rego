package drready.rules.failover_secondary_missing

import data.drready.testlib

t_arn(name, set_id) := testlib.record_arn(name, set_id)

t_record(name, failover, set_id) := {
	"arn": t_arn(name, set_id), "id": t_arn(name, set_id), "name": name, "region": "global", "account": "111111111111",
	"zone_id": "Z1", "type": "A", "ttl": 60, "set_identifier": set_id, "failover": failover,
	"health_check_id": "hc-1", "values": ["192.0.2.10"],
}

# A side given as null has no record (the field is left out).
t_group(name, primary, secondary) := testlib.compact({"zone_id": "Z1", "name": name, "type": "A", "primary": primary, "secondary": secondary})

t_input(groups) := {
	"primary": {"account": "111111111111", "region": "us-east-1"},
	"standby": {"account": "111111111111", "region": "us-west-2"},
	"parity": {"failover": groups},
}

test_primary_without_secondary_is_denied if {
	d := t_input([t_group("app.example.com.", t_record("app.example.com.", "PRIMARY", "primary"), null)])
	findings := deny with input as d
	count(findings) == 1
	some f in findings
	f.resource == t_arn("app.example.com.", "primary")
	f.site == "primary"
	contains(f.message, "app.example.com.")
	contains(f.message, "Z1")
}

test_complete_pair_passes if {
	d := t_input([t_group(
		"app.example.com.",
		t_record("app.example.com.", "PRIMARY", "primary"),
		t_record("app.example.com.", "SECONDARY", "standby"),
	)])
	count(deny) == 0 with input as d
	applicable == {t_arn("app.example.com.", "primary")} with input as d
}

test_secondary_only_group_is_not_applicable if {
	d := t_input([t_group("api.example.com.", null, t_record("api.example.com.", "SECONDARY", "standby"))])
	count(applicable) == 0 with input as d
	count(deny) == 0 with input as d
}

test_no_failover_records_nothing_applicable if {
	# weighted, latency and simple records never appear in parity.failover
	d := t_input([])
	count(applicable) == 0 with input as d
	count(deny) == 0 with input as d
}

test_only_incomplete_groups_are_denied if {
	d := t_input([
		t_group("app.example.com.", t_record("app.example.com.", "PRIMARY", "primary"), t_record("app.example.com.", "SECONDARY", "standby")),
		t_group("api.example.com.", t_record("api.example.com.", "PRIMARY", "primary"), null),
	])
	findings := deny with input as d
	{f.resource | some f in findings} == {t_arn("api.example.com.", "primary")}
	count(applicable) == 2 with input as d
}

test_metadata if {
	metadata.id == "DR-DNS-001"
	metadata.severity == "critical"
	metadata.inputs == ["route53"]
}
