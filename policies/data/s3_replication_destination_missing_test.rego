package drready.rules.s3_replication_destination_missing

import data.drready.testlib

t_bucket(name, rules) := testlib.bucket(name, rules)

t_rule(status, destination) := {"id": "dr", "status": status, "destination": {"bucket": sprintf("arn:aws:s3:::%s", [destination])}}

t_standby_bucket(name) := testlib.standby_bucket(name)

# The standby inventory holds app-data-usw2 only; app-data-euw1 lives in a third region.
t_input(buckets) := {
	"primary": {"account": "111111111111", "region": "us-east-1", "s3": {"buckets": buckets}},
	"standby": {"account": "111111111111", "region": "us-west-2", "s3": {"buckets": [t_standby_bucket("app-data-usw2")]}},
	"index": {"standby": {"buckets": {"app-data-usw2": t_standby_bucket("app-data-usw2")}}},
}

test_destination_in_another_region_is_denied if {
	findings := deny with input as t_input([t_bucket("app-data", [t_rule("Enabled", "app-data-euw1")])])
	count(findings) == 1
	some f in findings
	f.resource == "arn:aws:s3:::app-data"
	f.site == "primary"
	contains(f.message, "app-data-euw1")
	contains(f.message, "us-west-2")
}

test_destination_in_standby_passes if {
	d := t_input([t_bucket("app-data", [t_rule("Enabled", "app-data-usw2")])])
	count(deny) == 0 with input as d
	applicable == {"arn:aws:s3:::app-data"} with input as d
}

test_one_enabled_rule_to_standby_is_enough if {
	rules := [t_rule("Enabled", "app-data-euw1"), t_rule("Enabled", "app-data-usw2")]
	d := t_input([t_bucket("app-data", rules)])
	count(deny) == 0 with input as d
	applicable == {"arn:aws:s3:::app-data"} with input as d
}

test_disabled_rule_to_standby_does_not_count if {
	rules := [t_rule("Disabled", "app-data-usw2"), t_rule("Enabled", "gone-bucket")]
	findings := deny with input as t_input([t_bucket("app-data", rules)])
	count(findings) == 1
	some f in findings
	contains(f.message, "gone-bucket")
	not contains(f.message, "app-data-usw2")
}

test_empty_destination_is_denied if {
	b := t_bucket("app-data", [{"id": "dr", "status": "Enabled", "destination": {"bucket": ""}}])
	findings := deny with input as t_input([b])
	count(findings) == 1
	some f in findings
	contains(f.message, "no destination bucket")
}

test_only_buckets_with_an_enabled_rule_are_applicable if {
	unreplicated := object.remove(t_bucket("logs", []), ["replication"])
	disabled := t_bucket("archive", [t_rule("Disabled", "archive-euw1")])
	replicated := t_bucket("app-data", [t_rule("Enabled", "app-data-usw2")])
	d := t_input([unreplicated, disabled, replicated])
	applicable == {"arn:aws:s3:::app-data"} with input as d
	count(deny) == 0 with input as d
}

test_rule_without_destination_is_denied if {
	b := t_bucket("app-data", [{"id": "dr", "status": "Enabled"}])
	some f in deny with input as t_input([b])
	contains(f.message, "replicates to no destination bucket")
}

test_metadata if {
	metadata.id == "DR-S3-002"
	metadata.severity == "critical"
	metadata.inputs == ["s3"]
}
