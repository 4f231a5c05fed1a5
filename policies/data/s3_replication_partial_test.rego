package drready.rules.s3_replication_partial

import data.drready.testlib

t_bucket(name, rules) := testlib.bucket(name, rules)

# prefix null: the rule has no prefix (the field is left out).
t_rule(id, status, destination, prefix, tags) := testlib.compact({
	"id": id, "status": status, "priority": 1, "prefix": prefix, "filter_tags": tags,
	"destination": {"bucket": sprintf("arn:aws:s3:::%s", [destination])},
})

t_standby_bucket(name) := testlib.standby_bucket(name)

# The standby holds app-data-usw2; app-data-euw1 lives in a third region.
t_input(buckets) := {
	"primary": {"account": "111111111111", "region": "us-east-1", "s3": {"buckets": buckets}},
	"standby": {"account": "111111111111", "region": "us-west-2", "s3": {"buckets": [t_standby_bucket("app-data-usw2")]}},
	"index": {"standby": {"buckets": {"app-data-usw2": t_standby_bucket("app-data-usw2")}}},
}

test_prefix_filtered_rule_is_denied if {
	d := t_input([t_bucket("app-data", [t_rule("dr", "Enabled", "app-data-usw2", "images/", {})])])
	findings := deny with input as d
	count(findings) == 1
	some f in findings
	f.resource == "arn:aws:s3:::app-data"
	f.site == "primary"
	contains(f.message, "rule dr: prefix \"images/\"")
	contains(f.message, "us-west-2")
}

test_tag_filtered_rule_is_denied if {
	d := t_input([t_bucket("app-data", [t_rule("dr", "Enabled", "app-data-usw2", null, {"replicate": "true", "class": "gold"})])])
	findings := deny with input as d
	count(findings) == 1
	some f in findings
	f.resource == "arn:aws:s3:::app-data"
	contains(f.message, "tags class=gold, replicate=true")
}

test_prefix_and_tags_are_both_named if {
	d := t_input([t_bucket("app-data", [t_rule("dr", "Enabled", "app-data-usw2", "logs/", {"keep": "yes"})])])
	some f in deny with input as d
	contains(f.message, "prefix \"logs/\" and tags keep=yes")
}

test_unfiltered_rule_passes if {
	d := t_input([t_bucket("app-data", [t_rule("dr", "Enabled", "app-data-usw2", null, {})])])
	count(deny) == 0 with input as d
	applicable == {"arn:aws:s3:::app-data"} with input as d
}

test_empty_prefix_selects_everything if {
	d := t_input([t_bucket("app-data", [t_rule("dr", "Enabled", "app-data-usw2", "", {})])])
	count(deny) == 0 with input as d
	applicable == {"arn:aws:s3:::app-data"} with input as d
}

test_one_unfiltered_rule_among_filtered_passes if {
	rules := [
		t_rule("hot", "Enabled", "app-data-usw2", "hot/", {}),
		t_rule("all", "Enabled", "app-data-usw2", null, {}),
	]
	d := t_input([t_bucket("app-data", rules)])
	count(deny) == 0 with input as d
	applicable == {"arn:aws:s3:::app-data"} with input as d
}

test_several_filtered_rules_are_listed if {
	rules := [
		t_rule("b", "Enabled", "app-data-usw2", "b/", {}),
		t_rule("a", "Enabled", "app-data-usw2", "a/", {}),
	]
	some f in deny with input as t_input([t_bucket("app-data", rules)])
	contains(f.message, "rule a: prefix \"a/\"; rule b: prefix \"b/\"")
}

test_unfiltered_rule_to_another_region_does_not_count if {
	rules := [
		t_rule("archive", "Enabled", "app-data-euw1", null, {}),
		t_rule("dr", "Enabled", "app-data-usw2", "images/", {}),
	]
	count(deny) == 1 with input as t_input([t_bucket("app-data", rules)])
}

test_disabled_unfiltered_rule_does_not_count if {
	rules := [
		t_rule("old", "Disabled", "app-data-usw2", null, {}),
		t_rule("dr", "Enabled", "app-data-usw2", "images/", {}),
	]
	findings := deny with input as t_input([t_bucket("app-data", rules)])
	count(findings) == 1
	some f in findings
	not contains(f.message, "old")
}

test_buckets_not_replicating_to_standby_are_not_applicable if {
	unreplicated := object.remove(t_bucket("logs", []), ["replication"])
	elsewhere := t_bucket("archive", [t_rule("archive", "Enabled", "app-data-euw1", "x/", {})])
	disabled := t_bucket("old", [t_rule("dr", "Disabled", "app-data-usw2", "x/", {})])
	d := t_input([unreplicated, elsewhere, disabled])
	count(applicable) == 0 with input as d
	count(deny) == 0 with input as d
}

test_rule_without_id_is_labelled if {
	rule := object.remove(t_rule("x", "Enabled", "app-data-usw2", "p/", {}), ["id"])
	some f in deny with input as t_input([t_bucket("app-data", [rule])])
	contains(f.message, "rule without id")
}

test_metadata if {
	metadata.id == "DR-S3-004"
	metadata.severity == "medium"
	metadata.category == "data"
	metadata.inputs == ["s3"]
}
