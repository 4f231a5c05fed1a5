package drready.rules.rds_standby_copy_key_other_region

import data.drready.testlib

t_orders := testlib.rds_instance("primary", "orders", {})

t_input(primary, standby) := testlib.rds_input(primary, standby, {})

test_replica_with_primary_region_key_is_denied if {
	replica := testlib.rds_replica("orders-replica", "orders", {"kms_key_id": testlib.rds_primary_key})
	d := t_input({"db_instances": [t_orders]}, {"db_instances": [replica]})
	findings := deny with input as d
	count(findings) == 1
	some f in findings
	f.resource == replica.arn
	f.site == "standby"
	f.related == [t_orders.arn]
	contains(f.message, sprintf("Standby replica orders-replica in us-west-2 of encrypted primary database instance orders (postgres) in us-east-1 is encrypted with KMS key %s of region us-east-1", [testlib.rds_primary_key]))
	contains(f.message, "need a key of the destination region")
}

test_unencrypted_snapshot_copy_is_denied if {
	copy := testlib.compact(testlib.rds_snapshot("standby", "orders-daily", "orders", "2026-11-20T02:00:00Z", {"source_region": "us-east-1", "encrypted": false, "kms_key_id": null}))
	d := t_input({"db_instances": [t_orders]}, {"db_snapshots": [copy]})
	findings := deny with input as d
	count(findings) == 1
	some f in findings
	f.resource == copy.arn
	contains(f.message, "Standby snapshot copy orders-daily in us-west-2 of encrypted primary database instance orders (postgres) in us-east-1 is not encrypted")
}

test_unencrypted_global_secondary_is_denied if {
	g := testlib.rds_global_arn("ledger-global")
	primary := testlib.rds_cluster("primary", "ledger", {"global_cluster_arn": g})
	secondary := testlib.compact(testlib.rds_cluster("standby", "ledger-dr", {"global_cluster_arn": g, "storage_encrypted": false, "kms_key_id": null}))
	d := t_input({"db_clusters": [primary]}, {"db_clusters": [secondary]})
	{f.resource | some f in deny} == {secondary.arn} with input as d
}

test_standby_region_keys_pass if {
	replica := testlib.rds_replica("orders-replica", "orders", {})
	mrk := "arn:aws:kms:us-west-2:111111111111:key/mrk-1234abcd"
	copy := testlib.rds_snapshot("standby", "orders-daily", "orders", "2026-11-20T02:00:00Z", {"source_region": "us-east-1", "kms_key_id": mrk})
	d := t_input({"db_instances": [t_orders]}, {"db_instances": [replica], "db_snapshots": [copy]})
	count(deny) == 0 with input as d
	applicable == {replica.arn, copy.arn} with input as d
}

test_copies_of_unencrypted_primaries_are_not_judged if {
	plain := testlib.compact(testlib.rds_instance("primary", "orders", {"storage_encrypted": false, "kms_key_id": null}))
	replica := testlib.compact(testlib.rds_replica("orders-replica", "orders", {"storage_encrypted": false, "kms_key_id": null}))
	d := t_input({"db_instances": [plain]}, {"db_instances": [replica]})
	count(applicable) == 0 with input as d
	count(deny) == 0 with input as d
}
