package drready.rules.s3_replication_missing

import data.drready.testlib

# replication null: the bucket has no replication configuration (the field is left out).
t_bucket(name, replication) := testlib.compact({
	"arn": sprintf("arn:aws:s3:::%s", [name]),
	"id": name,
	"name": name,
	"region": "us-east-1",
	"account": "111111111111",
	"versioning": "Enabled",
	"replication": replication,
})

t_replication(status) := {
	"role": "arn:aws:iam::111111111111:role/s3-replication",
	"rules": [{"id": "dr", "status": status, "destination": {"bucket": "arn:aws:s3:::app-data-usw2"}}],
}

t_input(buckets) := {
	"primary": {"account": "111111111111", "region": "us-east-1", "s3": {"buckets": buckets}},
	"standby": {"account": "111111111111", "region": "us-west-2", "s3": {"buckets": []}},
}

test_bucket_without_replication_is_denied if {
	findings := deny with input as t_input([t_bucket("app-data", null)])
	count(findings) == 1
	some f in findings
	f.resource == "arn:aws:s3:::app-data"
	f.site == "primary"
	contains(f.message, "app-data")
	contains(f.message, "no replication configuration")
}

test_bucket_with_enabled_rule_passes if {
	d := t_input([t_bucket("app-data", t_replication("Enabled"))])
	count(deny) == 0 with input as d
	applicable == {"arn:aws:s3:::app-data"} with input as d
}

test_only_disabled_rules_is_denied if {
	findings := deny with input as t_input([t_bucket("app-data", t_replication("Disabled"))])
	count(findings) == 1
	some f in findings
	f.resource == "arn:aws:s3:::app-data"
	contains(f.message, "disabled")
}

test_one_enabled_among_disabled_rules_passes if {
	config := {
		"role": "arn:aws:iam::111111111111:role/s3-replication",
		"rules": [
			{"id": "old", "status": "Disabled", "destination": {"bucket": "arn:aws:s3:::old"}},
			{"id": "dr", "status": "Enabled", "destination": {"bucket": "arn:aws:s3:::app-data-usw2"}},
		],
	}
	d := t_input([t_bucket("app-data", config)])
	count(deny) == 0 with input as d
	applicable == {"arn:aws:s3:::app-data"} with input as d
}

test_empty_rules_is_denied if {
	config := {"role": "arn:aws:iam::111111111111:role/s3-replication", "rules": []}
	findings := deny with input as t_input([t_bucket("app-data", config)])
	count(findings) == 1
}

test_only_failing_buckets_are_denied if {
	findings := deny with input as t_input([t_bucket("logs", null), t_bucket("app-data", t_replication("Enabled"))])
	{f.resource | some f in findings} == {"arn:aws:s3:::logs"}
}

test_every_primary_bucket_is_applicable_and_standby_buckets_are_not if {
	d := {
		"primary": {"account": "111111111111", "region": "us-east-1", "s3": {"buckets": [t_bucket("logs", null), t_bucket("app-data", t_replication("Enabled"))]}},
		"standby": {"account": "111111111111", "region": "us-west-2", "s3": {"buckets": [t_bucket("app-data-usw2", null)]}},
	}
	applicable == {"arn:aws:s3:::logs", "arn:aws:s3:::app-data"} with input as d
	count(deny) == 1 with input as d
}

test_metadata if {
	metadata.id == "DR-S3-001"
	metadata.severity == "critical"
	metadata.inputs == ["s3"]
}
