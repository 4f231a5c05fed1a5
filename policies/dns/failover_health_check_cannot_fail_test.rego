package drready.rules.failover_health_check_cannot_fail

import data.drready.testlib

t_arn(set_id) := testlib.record_arn("app.example.com.", set_id)

t_check_arn(id) := sprintf("arn:aws:route53:::healthcheck/%s", [id])

# health_check_id null: the record has none (the field is left out).
t_record(failover, set_id, health_check_id) := testlib.compact({
	"arn": t_arn(set_id), "id": sprintf("app.example.com./A/%s", [set_id]), "name": "app.example.com.", "tags": {},
	"region": "global", "account": "111111111111",
	"zone_id": "Z1", "type": "A", "ttl": 60, "set_identifier": set_id, "failover": failover,
	"health_check_id": health_check_id, "values": ["192.0.2.10"],
})

# fields: the type's own fields (null leaves one out).
t_check(id, type, fields) := testlib.compact(object.union({
	"arn": t_check_arn(id), "id": id, "name": id, "tags": {}, "region": "global", "account": "111111111111",
	"type": type, "disabled": false, "inverted": false,
}, fields))

t_https(id) := t_check(id, "HTTPS", {"fqdn": "primary.app.example.com", "port": 443, "resource_path": "/health", "failure_threshold": 3})

t_calculated(id, threshold, children) := t_check(id, "CALCULATED", {"health_threshold": threshold, "child_health_checks": children})

t_metric(id, insufficient) := t_check(id, "CLOUDWATCH_METRIC", {
	"cloudwatch_alarm_name": "api-5xx", "cloudwatch_alarm_region": "us-east-1", "insufficient_data_health_status": insufficient,
})

t_input(primary, checks) := {
	"primary": {"account": "111111111111", "region": "us-east-1"},
	"standby": {"account": "222222222222", "region": "us-west-2"},
	"index": {
		"primary": {"health_checks": {c.id: c | some c in checks}},
		"standby": {"health_checks": {}},
	},
	"parity": {"failover": [testlib.compact({
		"zone_id": "Z1", "name": "app.example.com.", "type": "A", "primary": primary,
		"secondary": t_record("SECONDARY", "usw2", null),
	})]},
}

test_calculated_threshold_zero_is_denied if {
	d := t_input(t_record("PRIMARY", "use1", "hc-calc"), [t_calculated("hc-calc", 0, ["hc-a"]), t_https("hc-a")])
	findings := deny with input as d
	count(findings) == 1
	some f in findings
	f.resource == t_arn("use1")
	f.site == "primary"
	contains(f.message, "PRIMARY failover record app.example.com. A (set use1) in hosted zone Z1 uses health check hc-calc, which is a CALCULATED check with health threshold 0, so Route 53 always considers it healthy")
	contains(f.message, "keeps sending traffic to the failed primary region us-east-1")
	f.related == [t_check_arn("hc-calc")]
}

test_calculated_without_children_is_denied if {
	check := object.remove(t_calculated("hc-calc", null, []), ["child_health_checks"])
	d := t_input(t_record("PRIMARY", "use1", "hc-calc"), [check])
	some f in deny with input as d
	contains(f.message, "is a CALCULATED check without child health checks, so nothing can make it unhealthy")
	count(deny) == 1 with input as t_input(t_record("PRIMARY", "use1", "hc-calc"), [t_calculated("hc-calc", null, [])])
}

test_calculated_with_only_unknown_children_is_denied if {
	d := t_input(t_record("PRIMARY", "use1", "hc-calc"), [t_calculated("hc-calc", 1, ["hc-gone-b", "hc-gone-a"])])
	some f in deny with input as d
	contains(f.message, "is a CALCULATED check whose child health checks hc-gone-a, hc-gone-b do not exist in account 111111111111")
}

test_metric_healthy_on_insufficient_data_is_denied if {
	d := t_input(t_record("PRIMARY", "use1", "hc-cw"), [t_metric("hc-cw", "Healthy")])
	findings := deny with input as d
	count(findings) == 1
	some f in findings
	f.resource == t_arn("use1")
	contains(f.message, "is a CLOUDWATCH_METRIC check on alarm api-5xx in us-east-1 whose status with insufficient data is Healthy")
	contains(f.message, "the alarm goes to INSUFFICIENT_DATA and the check reports healthy")
}

test_metric_last_known_status_is_denied if {
	d := t_input(t_record("PRIMARY", "use1", "hc-cw"), [t_metric("hc-cw", "LastKnownStatus")])
	some f in deny with input as d
	contains(f.message, "whose status with insufficient data is LastKnownStatus")
	contains(f.message, "keeps the healthy status it had before the outage")
}

test_metric_unhealthy_on_insufficient_data_passes if {
	d := t_input(t_record("PRIMARY", "use1", "hc-cw"), [t_metric("hc-cw", "Unhealthy")])
	count(deny) == 0 with input as d
	applicable == {t_arn("use1")} with input as d
}

test_metric_without_insufficient_data_status_is_not_judged if {
	d := t_input(t_record("PRIMARY", "use1", "hc-cw"), [t_metric("hc-cw", null)])
	count(deny) == 0 with input as d
	applicable == {t_arn("use1")} with input as d
}

test_https_check_passes if {
	d := t_input(t_record("PRIMARY", "use1", "hc-1"), [t_https("hc-1")])
	count(deny) == 0 with input as d
	applicable == {t_arn("use1")} with input as d
}

test_calculated_over_known_children_passes if {
	d := t_input(t_record("PRIMARY", "use1", "hc-calc"), [t_calculated("hc-calc", 1, ["hc-a", "hc-gone"]), t_https("hc-a")])
	count(deny) == 0 with input as d
	applicable == {t_arn("use1")} with input as d
}

test_calculated_threshold_above_children_is_not_reported if {
	# always unhealthy (Route 53 always fails over), not always healthy
	d := t_input(t_record("PRIMARY", "use1", "hc-calc"), [t_calculated("hc-calc", 2, ["hc-a"]), t_https("hc-a")])
	count(deny) == 0 with input as d
	applicable == {t_arn("use1")} with input as d
	no_children := t_input(t_record("PRIMARY", "use1", "hc-calc"), [t_calculated("hc-calc", 1, [])])
	count(deny) == 0 with input as no_children
}

test_disabled_or_inverted_checks_are_left_to_dr_dns_003 if {
	disabled := object.union(t_calculated("hc-calc", 0, []), {"disabled": true})
	d := t_input(t_record("PRIMARY", "use1", "hc-calc"), [disabled])
	count(deny) == 0 with input as d
	applicable == {t_arn("use1")} with input as d
	inverted := object.union(t_metric("hc-cw", "Healthy"), {"inverted": true})
	count(deny) == 0 with input as t_input(t_record("PRIMARY", "use1", "hc-cw"), [inverted])
}

test_unknown_or_missing_health_check_is_not_applicable if {
	d := t_input(t_record("PRIMARY", "use1", "hc-gone"), [])
	count(applicable) == 0 with input as d
	count(deny) == 0 with input as d
	none := t_input(t_record("PRIMARY", "use1", null), [])
	count(applicable) == 0 with input as none
}

test_secondary_records_are_not_judged if {
	d := {
		"primary": {"account": "111111111111", "region": "us-east-1"},
		"standby": {"account": "222222222222", "region": "us-west-2"},
		"index": {"primary": {"health_checks": {"hc-calc": t_calculated("hc-calc", 0, [])}}},
		"parity": {"failover": [{"zone_id": "Z1", "name": "app.example.com.", "type": "A", "secondary": t_record("SECONDARY", "usw2", "hc-calc")}]},
	}
	count(applicable) == 0 with input as d
	count(deny) == 0 with input as d
}

test_metadata if {
	metadata.id == "DR-DNS-007"
	metadata.severity == "high"
	metadata.category == "dns"
	metadata.inputs == ["route53"]
}
