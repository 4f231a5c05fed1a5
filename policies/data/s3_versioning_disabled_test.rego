package drready.rules.s3_versioning_disabled

import data.drready.testlib

# versioning null: never enabled; replication null: none (the fields are left out).
t_bucket(name, region, versioning, replication) := testlib.compact({
	"arn": sprintf("arn:aws:s3:::%s", [name]),
	"id": name,
	"name": name,
	"region": region,
	"account": "111111111111",
	"versioning": versioning,
	"replication": replication,
})

t_replication(status, destination) := {
	"role": "arn:aws:iam::111111111111:role/s3-replication",
	"rules": [{"id": "dr", "status": status, "destination": {"bucket": sprintf("arn:aws:s3:::%s", [destination])}}],
}

t_input(primary_buckets, standby_buckets) := {
	"primary": {"account": "111111111111", "region": "us-east-1", "s3": {"buckets": primary_buckets}},
	"standby": {"account": "111111111111", "region": "us-west-2", "s3": {"buckets": standby_buckets}},
	"index": {"standby": {"buckets": {b.name: b | some b in standby_buckets}}},
}

test_source_with_suspended_versioning_is_denied if {
	d := t_input(
		[t_bucket("app-data", "us-east-1", "Suspended", t_replication("Enabled", "app-data-usw2"))],
		[t_bucket("app-data-usw2", "us-west-2", "Enabled", null)],
	)
	findings := deny with input as d
	count(findings) == 1
	some f in findings
	f.resource == "arn:aws:s3:::app-data"
	f.site == "primary"
	contains(f.message, "suspended")
}

test_destination_without_versioning_is_denied_on_standby if {
	d := t_input(
		[t_bucket("app-data", "us-east-1", "Enabled", t_replication("Enabled", "app-data-usw2"))],
		[t_bucket("app-data-usw2", "us-west-2", null, null)],
	)
	findings := deny with input as d
	count(findings) == 1
	some f in findings
	f.resource == "arn:aws:s3:::app-data-usw2"
	f.site == "standby"
	contains(f.message, "never enabled")
}

test_both_sides_without_versioning_give_two_findings if {
	d := t_input(
		[t_bucket("app-data", "us-east-1", null, t_replication("Enabled", "app-data-usw2"))],
		[t_bucket("app-data-usw2", "us-west-2", "Suspended", null)],
	)
	findings := deny with input as d
	{[f.resource, f.site] | some f in findings} == {
		["arn:aws:s3:::app-data", "primary"],
		["arn:aws:s3:::app-data-usw2", "standby"],
	}
}

test_versioned_source_and_destination_pass if {
	d := t_input(
		[t_bucket("app-data", "us-east-1", "Enabled", t_replication("Enabled", "app-data-usw2"))],
		[t_bucket("app-data-usw2", "us-west-2", "Enabled", null)],
	)
	count(deny) == 0 with input as d
	applicable == {"arn:aws:s3:::app-data", "arn:aws:s3:::app-data-usw2"} with input as d
}

test_unreplicated_bucket_is_not_applicable if {
	d := t_input(
		[t_bucket("logs", "us-east-1", null, null)],
		[t_bucket("unrelated-usw2", "us-west-2", null, null)],
	)
	count(applicable) == 0 with input as d
	count(deny) == 0 with input as d
}

test_destination_of_disabled_rule_is_not_applicable if {
	d := t_input(
		[t_bucket("app-data", "us-east-1", "Enabled", t_replication("Disabled", "app-data-usw2"))],
		[t_bucket("app-data-usw2", "us-west-2", null, null)],
	)
	# the source still has a replication configuration, so it stays applicable
	applicable == {"arn:aws:s3:::app-data"} with input as d
	count(deny) == 0 with input as d
}

test_source_with_only_disabled_rules_is_still_judged if {
	d := t_input(
		[t_bucket("app-data", "us-east-1", "Suspended", t_replication("Disabled", "app-data-usw2"))],
		[],
	)
	findings := deny with input as d
	count(findings) == 1
	some f in findings
	f.resource == "arn:aws:s3:::app-data"
}

test_destination_outside_standby_is_not_judged if {
	d := t_input(
		[t_bucket("app-data", "us-east-1", "Enabled", t_replication("Enabled", "app-data-euw1"))],
		[],
	)
	applicable == {"arn:aws:s3:::app-data"} with input as d
	count(deny) == 0 with input as d
}

test_metadata if {
	metadata.id == "DR-S3-003"
	metadata.severity == "high"
	metadata.inputs == ["s3"]
}
