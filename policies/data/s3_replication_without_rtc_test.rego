package drready.rules.s3_replication_without_rtc

import data.drready.testlib

t_bucket(name, rules) := testlib.bucket(name, rules)

t_rule(id, status, destination, rtc) := {
	"id": id, "status": status, "priority": 1, "filter_tags": {},
	"destination": {"bucket": sprintf("arn:aws:s3:::%s", [destination]), "replication_time_control": rtc, "metrics": rtc},
}

t_standby_bucket(name) := testlib.standby_bucket(name)

t_objectives(rpo) := {"rpo_seconds": rpo, "rto_seconds": 14400, "dns_ttl_max_seconds": 60, "failback": false, "default_tier": "pilot-light"}

# The standby holds app-data-usw2; app-data-euw1 lives in a third region.
t_input(buckets, rpo) := {
	"primary": {"account": "111111111111", "region": "us-east-1", "s3": {"buckets": buckets}},
	"standby": {"account": "111111111111", "region": "us-west-2", "s3": {"buckets": [t_standby_bucket("app-data-usw2")]}},
	"index": {"standby": {"buckets": {"app-data-usw2": t_standby_bucket("app-data-usw2")}}},
	"objectives": t_objectives(rpo),
}

test_rule_without_rtc_under_tight_rpo_is_denied if {
	d := t_input([t_bucket("app-data", [t_rule("dr", "Enabled", "app-data-usw2", false)])], 900)
	findings := deny with input as d
	count(findings) == 1
	some f in findings
	f.resource == "arn:aws:s3:::app-data"
	f.site == "primary"
	contains(f.message, "rule dr")
	contains(f.message, "15m RPO")
	contains(f.message, "us-west-2")
}

test_rule_with_rtc_passes if {
	d := t_input([t_bucket("app-data", [t_rule("dr", "Enabled", "app-data-usw2", true)])], 900)
	count(deny) == 0 with input as d
	applicable == {"arn:aws:s3:::app-data"} with input as d
}

test_loose_rpo_makes_nothing_applicable if {
	d := t_input([t_bucket("app-data", [t_rule("dr", "Enabled", "app-data-usw2", false)])], 901)
	count(applicable) == 0 with input as d
	count(deny) == 0 with input as d
}

test_default_rpo_makes_nothing_applicable if {
	d := t_input([t_bucket("app-data", [t_rule("dr", "Enabled", "app-data-usw2", false)])], 86400)
	count(applicable) == 0 with input as d
}

test_every_rule_toward_standby_needs_rtc if {
	rules := [
		t_rule("hot", "Enabled", "app-data-usw2", true),
		t_rule("cold", "Enabled", "app-data-usw2", false),
	]
	findings := deny with input as t_input([t_bucket("app-data", rules)], 300)
	count(findings) == 1
	some f in findings
	contains(f.message, "rule cold")
	not contains(f.message, "hot")
	contains(f.message, "5m RPO")
}

test_rules_to_other_regions_and_disabled_rules_are_ignored if {
	rules := [
		t_rule("archive", "Enabled", "app-data-euw1", false),
		t_rule("old", "Disabled", "app-data-usw2", false),
		t_rule("dr", "Enabled", "app-data-usw2", true),
	]
	d := t_input([t_bucket("app-data", rules)], 900)
	count(deny) == 0 with input as d
	applicable == {"arn:aws:s3:::app-data"} with input as d
}

test_buckets_not_replicating_to_standby_are_not_applicable if {
	unreplicated := object.remove(t_bucket("logs", []), ["replication"])
	elsewhere := t_bucket("archive", [t_rule("archive", "Enabled", "app-data-euw1", false)])
	d := t_input([unreplicated, elsewhere], 60)
	count(applicable) == 0 with input as d
	count(deny) == 0 with input as d
}

test_missing_rtc_field_counts_as_disabled if {
	rule := {"id": "dr", "status": "Enabled", "destination": {"bucket": "arn:aws:s3:::app-data-usw2"}}
	count(deny) == 1 with input as t_input([t_bucket("app-data", [rule])], 900)
}

test_rpo_below_a_minute_is_named_in_seconds if {
	some f in deny with input as t_input([t_bucket("app-data", [t_rule("dr", "Enabled", "app-data-usw2", false)])], 45)
	contains(f.message, "below the 45s RPO")
}

test_metadata if {
	metadata.id == "DR-S3-005"
	metadata.severity == "low"
	metadata.category == "data"
	metadata.inputs == ["s3"]
}
