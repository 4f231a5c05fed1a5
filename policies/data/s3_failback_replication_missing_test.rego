package drready.rules.s3_failback_replication_missing

import data.drready.testlib

# rules null: the bucket has no replication configuration (the field is left out).
t_bucket(name, region, rules) := testlib.compact({
	"arn": sprintf("arn:aws:s3:::%s", [name]),
	"id": name,
	"name": name,
	"region": region,
	"account": "111111111111",
	"versioning": "Enabled",
	"replication": t_replication(rules),
})

t_replication(rules) := null if {
	rules == null
} else := {"role": "arn:aws:iam::111111111111:role/s3-replication", "rules": rules}

t_rule(id, status, destination) := {
	"id": id, "status": status, "priority": 1, "filter_tags": {},
	"destination": {"bucket": sprintf("arn:aws:s3:::%s", [destination])},
}

t_input(primary_buckets, standby_buckets, failback) := {
	"primary": {"account": "111111111111", "region": "us-east-1", "s3": {"buckets": primary_buckets}},
	"standby": {"account": "111111111111", "region": "us-west-2", "s3": {"buckets": standby_buckets}},
	"index": {
		"primary": {"buckets": {b.name: b | some b in primary_buckets}},
		"standby": {"buckets": {b.name: b | some b in standby_buckets}},
	},
	"objectives": {"rpo_seconds": 86400, "rto_seconds": 14400, "dns_ttl_max_seconds": 60, "failback": failback, "default_tier": "pilot-light"},
}

t_source := t_bucket("app-data", "us-east-1", [t_rule("dr", "Enabled", "app-data-usw2")])

test_replica_without_failback_rule_is_denied if {
	d := t_input([t_source], [t_bucket("app-data-usw2", "us-west-2", null)], true)
	findings := deny with input as d
	count(findings) == 1
	some f in findings
	f.resource == "arn:aws:s3:::app-data-usw2"
	f.site == "standby"
	f.related == ["arn:aws:s3:::app-data"]
	contains(f.message, "from app-data")
	contains(f.message, "us-east-1")
}

test_replica_replicating_back_passes if {
	d := t_input([t_source], [t_bucket("app-data-usw2", "us-west-2", [t_rule("failback", "Enabled", "app-data")])], true)
	count(deny) == 0 with input as d
	applicable == {"arn:aws:s3:::app-data-usw2"} with input as d
}

test_failback_disabled_makes_nothing_applicable if {
	d := t_input([t_source], [t_bucket("app-data-usw2", "us-west-2", null)], false)
	count(applicable) == 0 with input as d
	count(deny) == 0 with input as d
}

test_disabled_failback_rule_does_not_count if {
	d := t_input([t_source], [t_bucket("app-data-usw2", "us-west-2", [t_rule("failback", "Disabled", "app-data")])], true)
	count(deny) == 1 with input as d
}

test_replication_to_another_bucket_does_not_count if {
	d := t_input([t_source], [t_bucket("app-data-usw2", "us-west-2", [t_rule("archive", "Enabled", "app-data-euw1")])], true)
	count(deny) == 1 with input as d
}

test_standby_buckets_that_are_no_replica_are_not_applicable if {
	d := t_input(
		[t_bucket("logs", "us-east-1", null), t_bucket("old", "us-east-1", [t_rule("dr", "Disabled", "old-usw2")])],
		[t_bucket("local-usw2", "us-west-2", null), t_bucket("old-usw2", "us-west-2", null)],
		true,
	)
	count(applicable) == 0 with input as d
	count(deny) == 0 with input as d
}

test_replica_of_two_sources_may_replicate_back_to_either if {
	other := t_bucket("app-data-2", "us-east-1", [t_rule("dr", "Enabled", "app-data-usw2")])
	d := t_input([t_source, other], [t_bucket("app-data-usw2", "us-west-2", [t_rule("failback", "Enabled", "app-data-2")])], true)
	count(deny) == 0 with input as d
	applicable == {"arn:aws:s3:::app-data-usw2"} with input as d
	d2 := t_input([t_source, other], [t_bucket("app-data-usw2", "us-west-2", null)], true)
	some f in deny with input as d2
	f.related == ["arn:aws:s3:::app-data", "arn:aws:s3:::app-data-2"]
	contains(f.message, "from app-data, app-data-2")
}

test_metadata if {
	metadata.id == "DR-S3-007"
	metadata.severity == "low"
	metadata.category == "data"
	metadata.inputs == ["s3"]
}
