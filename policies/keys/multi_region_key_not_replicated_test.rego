package drready.rules.multi_region_key_not_replicated

t_mrk := "arn:aws:kms:us-east-1:111111111111:key/mrk-1"

t_replica := "arn:aws:kms:us-west-2:111111111111:key/mrk-1"

t_key(arn, region, multi, replicas, state) := {
	"arn": arn, "id": "mrk-1", "name": "web-data", "tags": {}, "region": region, "account": "111111111111",
	"key_state": state, "key_manager": "CUSTOMER", "aliases": ["alias/web-data"], "multi_region": multi,
	"multi_region_key_type": "PRIMARY", "multi_region_primary_arn": t_mrk, "multi_region_replica_arns": replicas,
}

t_secret(key, replica_region) := {
	"arn": "arn:aws:secretsmanager:us-east-1:111111111111:secret:web/db-AbCdEf", "id": "web/db", "name": "web/db",
	"region": "us-east-1", "account": "111111111111", "kms_key_id": key,
	"replication": [{"region": replica_region, "status": "InSync"}],
}

t_input(primary_keys, standby_keys, secrets) := {
	"primary": {"account": "111111111111", "region": "us-east-1", "kms": {"keys": primary_keys}, "secretsmanager": {"secrets": secrets}},
	"standby": {"account": "111111111111", "region": "us-west-2", "kms": {"keys": standby_keys}},
	"index": {"primary": {"by_arn": {k.arn: k | some k in primary_keys}}, "standby": {"by_arn": {k.arn: k | some k in standby_keys}}},
	"parity": {"standby_of": {}},
}

test_multi_region_key_without_standby_replica_is_denied if {
	d := t_input([t_key(t_mrk, "us-east-1", true, [], "Enabled")], [], [t_secret("alias/web-data", "us-west-2")])
	findings := deny with input as d
	count(findings) == 1
	some f in findings
	f.resource == t_mrk
	f.site == "primary"
	contains(f.message, "Multi-Region KMS key mrk-1 (web-data) in primary region us-east-1 encrypts replicated data (secret web/db), but has no replica in standby region us-west-2.")
	f.related == ["arn:aws:secretsmanager:us-east-1:111111111111:secret:web/db-AbCdEf"]
}

test_disabled_standby_replica_is_denied if {
	d := t_input([t_key(t_mrk, "us-east-1", true, [t_replica], "Enabled")], [t_key(t_replica, "us-west-2", true, [t_replica], "Disabled")], [t_secret(t_mrk, "us-west-2")])
	some f in deny with input as d
	contains(f.message, sprintf("its standby key %s is Disabled, not Enabled", [t_replica]))
}

test_replicated_key_passes if {
	d := t_input([t_key(t_mrk, "us-east-1", true, [t_replica], "Enabled")], [t_key(t_replica, "us-west-2", true, [t_replica], "Enabled")], [t_secret("mrk-1", "us-west-2")])
	count(deny) == 0 with input as d
	applicable == {t_mrk} with input as d
}

test_replica_in_another_account_counts_by_existence if {
	d := t_input([t_key(t_mrk, "us-east-1", true, [t_replica], "Enabled")], [], [t_secret(t_mrk, "us-west-2")])
	count(deny) == 0 with input as d
	applicable == {t_mrk} with input as d
}

test_single_region_key_is_not_judged if {
	d := t_input([t_key(t_mrk, "us-east-1", false, [], "Enabled")], [], [t_secret(t_mrk, "us-west-2")])
	count(applicable) == 0 with input as d
}

test_data_that_is_not_replicated_is_not_judged if {
	d := t_input([t_key(t_mrk, "us-east-1", true, [], "Enabled")], [], [t_secret(t_mrk, "eu-west-1")])
	count(applicable) == 0 with input as d
}

test_replicated_bucket_and_table_are_judged if {
	bucket := {
		"arn": "arn:aws:s3:::orders", "name": "orders", "encryption": {"sse_algorithm": "aws:kms", "kms_key_id": t_mrk},
		"replication": {"rules": [{"status": "Enabled", "destination": {"bucket": "arn:aws:s3:::orders-dr"}}]},
	}
	table := {"arn": "arn:aws:dynamodb:us-east-1:111111111111:table/t", "name": "t", "kms_key_arn": t_mrk, "replicas": [{"region": "us-west-2"}]}
	base := t_input([t_key(t_mrk, "us-east-1", true, [], "Enabled")], [], [])
	d := object.union(base, {
		"primary": {"s3": {"buckets": [bucket]}, "dynamodb": {"tables": [table]}},
		"index": {"standby": {"buckets": {"orders-dr": {}}}},
	})
	some f in deny with input as d
	f.related == ["arn:aws:dynamodb:us-east-1:111111111111:table/t", "arn:aws:s3:::orders"]
}

test_metadata if {
	metadata.id == "DR-KMS-002"
	metadata.severity == "high"
	metadata.category == "keys"
}
