package drready.rules.failover_primary_without_health_check

import data.drready.testlib

t_arn(name, set_id) := testlib.record_arn(name, set_id)

# health_check_id, alias_target null: none (the field is left out).
t_record(name, failover, set_id, health_check_id, alias_target) := testlib.compact({
	"arn": t_arn(name, set_id), "id": t_arn(name, set_id), "name": name, "region": "global", "account": "111111111111",
	"zone_id": "Z1", "type": "A", "ttl": 60, "set_identifier": set_id, "failover": failover,
	"health_check_id": health_check_id, "alias_target": alias_target, "values": [],
})

t_alias(evaluate) := {"dns_name": "lb-1.us-east-1.elb.amazonaws.com.", "hosted_zone_id": "Z35SXDOTRQ7X7K", "evaluate_target_health": evaluate}

t_input(primary) := {
	"primary": {"account": "111111111111", "region": "us-east-1"},
	"standby": {"account": "111111111111", "region": "us-west-2"},
	"parity": {"failover": [testlib.compact({
		"zone_id": "Z1", "name": "app.example.com.", "type": "A",
		"primary": primary,
		"secondary": t_record("app.example.com.", "SECONDARY", "standby", null, null),
	})]},
}

test_primary_without_health_check_is_denied if {
	d := t_input(t_record("app.example.com.", "PRIMARY", "primary", null, null))
	findings := deny with input as d
	count(findings) == 1
	some f in findings
	f.resource == t_arn("app.example.com.", "primary")
	f.site == "primary"
	contains(f.message, "app.example.com.")
}

test_empty_health_check_id_is_denied if {
	d := t_input(t_record("app.example.com.", "PRIMARY", "primary", "", null))
	count(deny) == 1 with input as d
}

test_primary_with_health_check_passes if {
	d := t_input(t_record("app.example.com.", "PRIMARY", "primary", "abcd-1234", null))
	count(deny) == 0 with input as d
	applicable == {t_arn("app.example.com.", "primary")} with input as d
}

test_alias_evaluating_target_health_passes if {
	d := t_input(t_record("app.example.com.", "PRIMARY", "primary", null, t_alias(true)))
	count(deny) == 0 with input as d
	applicable == {t_arn("app.example.com.", "primary")} with input as d
}

test_alias_not_evaluating_target_health_is_denied if {
	d := t_input(t_record("app.example.com.", "PRIMARY", "primary", null, t_alias(false)))
	findings := deny with input as d
	count(findings) == 1
	some f in findings
	contains(f.message, "evaluate target health")
}

test_secondary_without_health_check_is_not_judged if {
	d := {
		"primary": {"account": "111111111111", "region": "us-east-1"},
		"standby": {"account": "111111111111", "region": "us-west-2"},
		"parity": {"failover": [{
			"zone_id": "Z1", "name": "app.example.com.", "type": "A",
			"secondary": t_record("app.example.com.", "SECONDARY", "standby", null, null),
		}]},
	}
	count(applicable) == 0 with input as d
	count(deny) == 0 with input as d
}

test_no_failover_records_nothing_applicable if {
	d := {"primary": {"account": "111111111111"}, "parity": {"failover": []}}
	count(applicable) == 0 with input as d
	count(deny) == 0 with input as d
}

test_metadata if {
	metadata.id == "DR-DNS-002"
	metadata.severity == "high"
	metadata.inputs == ["route53"]
}
