package drready.rules.s3_kms_objects_not_replicated

import data.drready.testlib

t_standby_key := "arn:aws:kms:us-west-2:111111111111:key/2222aaaa-0000-4000-a000-000000000002"

t_primary_key := "arn:aws:kms:us-east-1:111111111111:key/1111aaaa-0000-4000-a000-000000000001"

t_bucket(name, algorithm, rules) := {
	"arn": sprintf("arn:aws:s3:::%s", [name]),
	"id": name,
	"name": name,
	"region": "us-east-1",
	"account": "111111111111",
	"versioning": "Enabled",
	"encryption": {"sse_algorithm": algorithm, "kms_key_id": t_primary_key, "bucket_key_enabled": true},
	"replication": {"role": "arn:aws:iam::111111111111:role/s3-replication", "rules": rules},
}

# replica_key null: the destination names no replica key (the field is left out).
t_rule(id, status, destination, select_kms, replica_key) := {
	"id": id, "status": status, "priority": 1, "filter_tags": {},
	"destination": testlib.compact({"bucket": sprintf("arn:aws:s3:::%s", [destination]), "replica_kms_key_id": replica_key}),
	"sse_kms_encrypted_objects": select_kms,
}

t_standby_bucket(name) := testlib.standby_bucket(name)

# The standby holds app-data-usw2; app-data-euw1 lives in a third region.
t_input(buckets) := {
	"primary": {"account": "111111111111", "region": "us-east-1", "s3": {"buckets": buckets}},
	"standby": {"account": "111111111111", "region": "us-west-2", "s3": {"buckets": [t_standby_bucket("app-data-usw2")]}},
	"index": {"standby": {"buckets": {"app-data-usw2": t_standby_bucket("app-data-usw2")}}},
}

test_rule_not_selecting_kms_objects_is_denied if {
	d := t_input([t_bucket("app-data", "aws:kms", [t_rule("dr", "Enabled", "app-data-usw2", false, null)])])
	findings := deny with input as d
	count(findings) == 1
	some f in findings
	f.resource == "arn:aws:s3:::app-data"
	f.site == "primary"
	contains(f.message, "rule dr does not select SSE-KMS encrypted objects and names no replica KMS key")
	contains(f.message, "aws:kms")
}

test_selection_without_replica_key_is_denied if {
	d := t_input([t_bucket("app-data", "aws:kms", [t_rule("dr", "Enabled", "app-data-usw2", true, null)])])
	findings := deny with input as d
	count(findings) == 1
	some f in findings
	contains(f.message, "rule dr names no replica KMS key")
	not contains(f.message, "does not select")
}

test_replica_key_in_primary_region_is_denied if {
	d := t_input([t_bucket("app-data", "aws:kms", [t_rule("dr", "Enabled", "app-data-usw2", true, t_primary_key)])])
	findings := deny with input as d
	count(findings) == 1
	some f in findings
	contains(f.message, "in us-east-1, not in standby region us-west-2")
}

test_selection_with_standby_key_passes if {
	d := t_input([t_bucket("app-data", "aws:kms", [t_rule("dr", "Enabled", "app-data-usw2", true, t_standby_key)])])
	count(deny) == 0 with input as d
	applicable == {"arn:aws:s3:::app-data"} with input as d
}

test_bare_key_id_is_accepted if {
	d := t_input([t_bucket("app-data", "aws:kms", [t_rule("dr", "Enabled", "app-data-usw2", true, "2222aaaa-0000-4000-a000-000000000002")])])
	count(deny) == 0 with input as d
	applicable == {"arn:aws:s3:::app-data"} with input as d
}

test_dsse_kms_is_judged if {
	d := t_input([t_bucket("app-data", "aws:kms:dsse", [t_rule("dr", "Enabled", "app-data-usw2", false, null)])])
	count(deny) == 1 with input as d
}

test_sse_s3_bucket_is_not_applicable if {
	d := t_input([t_bucket("app-data", "AES256", [t_rule("dr", "Enabled", "app-data-usw2", false, null)])])
	count(applicable) == 0 with input as d
	count(deny) == 0 with input as d
}

test_unencrypted_bucket_is_not_applicable if {
	b := object.remove(t_bucket("app-data", "aws:kms", [t_rule("dr", "Enabled", "app-data-usw2", false, null)]), ["encryption"])
	count(applicable) == 0 with input as t_input([b])
	count(deny) == 0 with input as t_input([b])
}

test_rules_to_other_regions_and_disabled_rules_are_ignored if {
	rules := [
		t_rule("archive", "Enabled", "app-data-euw1", false, null),
		t_rule("old", "Disabled", "app-data-usw2", false, null),
		t_rule("dr", "Enabled", "app-data-usw2", true, t_standby_key),
	]
	d := t_input([t_bucket("app-data", "aws:kms", rules)])
	count(deny) == 0 with input as d
	applicable == {"arn:aws:s3:::app-data"} with input as d
}

test_kms_bucket_replicating_elsewhere_is_not_applicable if {
	d := t_input([t_bucket("app-data", "aws:kms", [t_rule("archive", "Enabled", "app-data-euw1", false, null)])])
	count(applicable) == 0 with input as d
}

test_every_rule_toward_standby_is_judged if {
	rules := [
		t_rule("a", "Enabled", "app-data-usw2", true, t_standby_key),
		t_rule("b", "Enabled", "app-data-usw2", false, t_standby_key),
	]
	findings := deny with input as t_input([t_bucket("app-data", "aws:kms", rules)])
	count(findings) == 1
	some f in findings
	contains(f.message, "rule b does not select")
	not contains(f.message, "rule a")
}

test_metadata if {
	metadata.id == "DR-S3-006"
	metadata.severity == "high"
	metadata.category == "data"
	metadata.inputs == ["s3"]
}
