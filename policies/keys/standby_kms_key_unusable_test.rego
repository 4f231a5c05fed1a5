package drready.rules.standby_kms_key_unusable

t_key_arn(id) := sprintf("arn:aws:kms:us-west-2:222222222222:key/%s", [id])

# A standby customer managed key; deletion_date null: left out.
t_key(id, state, aliases, deletion_date) := {k: v |
	some k, v in {
		"arn": t_key_arn(id), "id": id, "name": "", "tags": {}, "region": "us-west-2", "account": "222222222222",
		"key_state": state, "key_manager": "CUSTOMER", "aliases": aliases, "multi_region": false,
		"multi_region_replica_arns": [], "deletion_date": deletion_date,
	}
	v != null
}

t_volume(id, key) := {
	"arn": sprintf("arn:aws:ec2:us-west-2:222222222222:volume/%s", [id]), "id": id, "name": "", "tags": {},
	"region": "us-west-2", "account": "222222222222", "state": "available", "encrypted": true, "kms_key_id": key,
}

t_template(key) := {
	"arn": "arn:aws:ec2:us-west-2:222222222222:launch-template/lt-9", "id": "lt-9", "name": "web", "tags": {},
	"region": "us-west-2", "account": "222222222222",
	"default_version": {"version_number": 3, "block_devices": [{"device_name": "/dev/xvda", "encrypted": true, "kms_key_id": key}]},
}

# Sites: primary account pa / us-east-1, standby account sa / us-west-2.
t_input(pa, sa, keys, volumes, templates, buckets, standby_buckets) := {
	"primary": {"account": pa, "region": "us-east-1", "s3": {"buckets": buckets}, "ec2": {}, "kms": {"keys": []}},
	"standby": {
		"account": sa, "region": "us-west-2", "kms": {"keys": keys},
		"ec2": {"volumes": volumes, "launch_templates": templates, "snapshots": []},
		"s3": {"buckets": standby_buckets},
	},
	"index": {
		"standby": {"by_arn": {k.arn: k | some k in keys}, "buckets": {b.name: b | some b in standby_buckets}},
		"primary": {"by_arn": {}},
	},
	"parity": {"primary_of": {}, "standby_of": {}},
}

t_standby(keys, volumes, templates) := t_input("111111111111", "222222222222", keys, volumes, templates, [], [])

t_other := t_key("other", "Enabled", ["alias/other"], null)

test_disabled_key_of_a_standby_volume_is_denied if {
	d := t_standby([t_key("k1", "Disabled", ["alias/web-data"], null), t_other], [t_volume("vol-1", t_key_arn("k1"))], [])
	findings := deny with input as d
	count(findings) == 1
	some f in findings
	f.resource == t_key_arn("k1")
	f.site == "standby"
	contains(f.message, "KMS key k1 in standby region us-west-2 is disabled, but it encrypts volume vol-1.")
	f.related == ["arn:aws:ec2:us-west-2:222222222222:volume/vol-1"]
}

test_key_pending_deletion_names_the_date if {
	k := object.union(t_key("k1", "PendingDeletion", [], "2026-11-27T10:00:00Z"), {"name": ""})
	d := t_standby([k], [t_volume("vol-1", "k1")], [])
	some f in deny with input as d
	f.resource == t_key_arn("k1")
	contains(f.message, "is pending deletion (to be deleted on 2026-11-27T10:00:00Z)")
}

test_missing_alias_of_a_standby_template_is_denied if {
	d := t_standby([t_other], [], [t_template("alias/gone")])
	findings := deny with input as d
	count(findings) == 1
	some f in findings
	f.resource == "arn:aws:kms:us-west-2:222222222222:alias/gone"
	contains(f.message, "does not exist in the standby site (account 222222222222): no key of the standby's KMS inventory has this alias")
	contains(f.message, "launch template lt-9 (web) (version 3, /dev/xvda)")
}

test_missing_key_arn_is_denied if {
	d := t_standby([t_other], [t_volume("vol-1", t_key_arn("k404"))], [])
	some f in deny with input as d
	f.resource == t_key_arn("k404")
	contains(f.message, "has this key id")
}

test_enabled_key_by_alias_passes if {
	d := t_standby([t_key("k1", "Enabled", ["alias/web-data"], null)], [t_volume("vol-1", "alias/web-data")], [t_template(t_key_arn("k1"))])
	count(deny) == 0 with input as d
	applicable == {t_key_arn("k1")} with input as d
}

test_key_of_another_region_or_account_is_not_judged if {
	d := t_standby([t_other], [
		t_volume("vol-1", "arn:aws:kms:us-east-1:222222222222:key/k1"),
		t_volume("vol-2", "arn:aws:kms:us-west-2:333333333333:key/k1"),
	], [])
	count(applicable) == 0 with input as d
	count(deny) == 0 with input as d
}

test_aws_managed_alias_not_listed_yet_is_not_judged if {
	d := t_standby([t_other], [t_volume("vol-1", "alias/aws/ebs")], [])
	count(applicable) == 0 with input as d
}

test_standby_without_kms_inventory_is_not_judged if {
	d := t_standby([], [t_volume("vol-1", t_key_arn("k1"))], [])
	count(applicable) == 0 with input as d
	count(deny) == 0 with input as d
}

t_bucket(key) := {
	"arn": "arn:aws:s3:::orders", "id": "orders", "name": "orders", "region": "us-east-1",
	"replication": {"role": "r", "rules": [{"id": "dr", "status": "Enabled", "destination": {"bucket": "arn:aws:s3:::orders-dr", "replica_kms_key_id": key}}]},
}

t_dr_bucket := {"arn": "arn:aws:s3:::orders-dr", "id": "orders-dr", "name": "orders-dr", "region": "us-west-2"}

test_replica_key_of_s3_replication_is_judged if {
	d := t_input("111111111111", "222222222222", [t_key("k1", "PendingDeletion", [], null)], [], [], [t_bucket(t_key_arn("k1"))], [t_dr_bucket])
	some f in deny with input as d
	f.resource == t_key_arn("k1")
	contains(f.message, "is pending deletion, but it encrypts the replicas of bucket orders (rule dr)")
	f.related == ["arn:aws:s3:::orders"]
}

test_bare_replica_key_of_a_primary_resource_resolves_only_in_one_account if {
	two := t_input("111111111111", "222222222222", [t_other], [], [], [t_bucket("alias/gone")], [t_dr_bucket])
	count(applicable) == 0 with input as two
	one := t_input("222222222222", "222222222222", [t_other], [], [], [t_bucket("alias/gone")], [t_dr_bucket])
	some f in deny with input as one
	f.resource == "arn:aws:kms:us-west-2:222222222222:alias/gone"
}

test_database_table_and_secret_references_are_judged if {
	key := t_key("k1", "Disabled", [], null)
	base := t_standby([key], [], [])
	d := object.union(base, {
		"primary": {"dynamodb": {"tables": [{"arn": "arn:aws:dynamodb:us-east-1:111111111111:table/t", "name": "t", "replicas": [{"region": "us-west-2", "kms_key_arn": t_key_arn("k1")}]}]},
			"secretsmanager": {"secrets": [{"arn": "arn:s1", "name": "app/db", "replication": [{"region": "us-west-2", "status": "InSync", "kms_key_id": t_key_arn("k1")}]}]}},
		"standby": {"rds": {"db_instances": [{"arn": "arn:db1", "id": "db1", "name": "db1", "status": "available", "kms_key_id": "k1"}], "db_clusters": []}},
	})
	findings := deny with input as d
	count(findings) == 1
	some f in findings
	f.related == ["arn:aws:dynamodb:us-east-1:111111111111:table/t", "arn:db1", "arn:s1"]
	contains(f.message, "DB instance db1, the us-west-2 replica of DynamoDB table t, the us-west-2 replica of secret app/db")
}

test_metadata if {
	metadata.id == "DR-KMS-001"
	metadata.severity == "critical"
	metadata.category == "keys"
}
