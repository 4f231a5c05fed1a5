package drready.rules.failover_ttl_exceeds_budget

import data.drready.testlib

t_arn(set_id) := sprintf("arn:aws:route53:::hostedzone/Z1/recordset/app.example.com./CNAME/%s", [set_id])

# ttl null: no TTL (the field is left out).
t_record(failover, set_id, ttl) := testlib.compact({
	"arn": t_arn(set_id), "id": sprintf("app.example.com./CNAME/%s", [set_id]), "name": "app.example.com.", "region": "global", "account": "111111111111",
	"zone_id": "Z1", "type": "CNAME", "ttl": ttl, "set_identifier": set_id, "failover": failover,
	"values": ["lb.example.net"],
})

t_input(primary, secondary, budget) := {
	"primary": {"account": "111111111111", "region": "us-east-1"},
	"standby": {"account": "222222222222", "region": "us-west-2"},
	"parity": {"failover": [testlib.compact({"zone_id": "Z1", "name": "app.example.com.", "type": "CNAME", "primary": primary, "secondary": secondary})]},
	"objectives": {"rpo_seconds": 86400, "rto_seconds": 14400, "dns_ttl_max_seconds": budget, "failback": false, "default_tier": "pilot-light"},
}

test_long_ttl_is_denied if {
	d := t_input(t_record("PRIMARY", "use1", 300), t_record("SECONDARY", "usw2", 60), 60)
	findings := deny with input as d
	count(findings) == 1
	some f in findings
	f.resource == t_arn("use1")
	f.site == "primary"
	contains(f.message, "PRIMARY failover record app.example.com. CNAME (set use1) in hosted zone Z1 has a TTL of 300s, above the 60s DNS TTL budget")
}

test_secondary_is_judged_too if {
	d := t_input(t_record("PRIMARY", "use1", 60), t_record("SECONDARY", "usw2", 3600), 60)
	findings := deny with input as d
	{f.resource | some f in findings} == {t_arn("usw2")}
}

test_ttl_at_budget_passes if {
	d := t_input(t_record("PRIMARY", "use1", 60), t_record("SECONDARY", "usw2", 60), 60)
	count(deny) == 0 with input as d
	applicable == {t_arn("use1"), t_arn("usw2")} with input as d
}

test_budget_comes_from_objectives if {
	d := t_input(t_record("PRIMARY", "use1", 300), null, 300)
	count(deny) == 0 with input as d
	applicable == {t_arn("use1")} with input as d
	findings := deny with input as t_input(t_record("PRIMARY", "use1", 300), null, 30)
	some f in findings
	contains(f.message, "above the 30s DNS TTL budget")
}

test_alias_records_are_not_applicable if {
	alias := object.union(t_record("PRIMARY", "use1", null), {"alias_target": {"dns_name": "lb.example.net.", "hosted_zone_id": "Z35SXDOTRQ7X7K", "evaluate_target_health": true}})
	d := t_input(alias, null, 60)
	count(applicable) == 0 with input as d
	count(deny) == 0 with input as d
}

test_standby_account_record_site if {
	record := object.union(t_record("SECONDARY", "usw2", 300), {"account": "222222222222"})
	some f in deny with input as t_input(null, record, 60)
	f.site == "standby"
}

test_no_failover_records_nothing_applicable if {
	d := {"primary": {"account": "111111111111"}, "parity": {"failover": []}, "objectives": {"dns_ttl_max_seconds": 60}}
	count(applicable) == 0 with input as d
	count(deny) == 0 with input as d
}

test_metadata if {
	metadata.id == "DR-DNS-005"
	metadata.severity == "low"
	metadata.category == "dns"
	metadata.inputs == ["route53"]
}
