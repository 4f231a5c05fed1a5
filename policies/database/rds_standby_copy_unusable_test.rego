package drready.rules.rds_standby_copy_unusable

import data.drready.testlib

t_orders := testlib.rds_instance("primary", "orders", {})

t_input(primary, standby) := testlib.rds_input(primary, standby, {})

test_storage_full_replica_is_denied if {
	replica := testlib.rds_replica("orders-replica", "orders", {"status": "storage-full"})
	d := t_input({"db_instances": [t_orders]}, {"db_instances": [replica]})
	findings := deny with input as d
	count(findings) == 1
	some f in findings
	f.resource == replica.arn
	f.site == "standby"
	f.related == [t_orders.arn]
	contains(f.message, "Standby replica orders-replica in us-west-2 of primary database instance orders (postgres) in us-east-1 is storage-full")
	contains(f.message, "could not promote it")
}

test_stopped_global_secondary_is_denied if {
	g := testlib.rds_global_arn("ledger-global")
	primary := testlib.rds_cluster("primary", "ledger", {"global_cluster_arn": g})
	secondary := testlib.rds_cluster("standby", "ledger-dr", {"global_cluster_arn": g, "status": "stopped"})
	d := t_input({"db_clusters": [primary]}, {"db_clusters": [secondary]})
	findings := deny with input as d
	count(findings) == 1
	some f in findings
	f.resource == secondary.arn
	contains(f.message, "Standby global secondary ledger-dr in us-west-2 of primary database cluster ledger (aurora-postgresql) in us-east-1 is stopped")
}

test_failed_snapshot_copy_is_denied if {
	copy := testlib.rds_snapshot("standby", "orders-daily", "orders", "2026-11-20T02:00:00Z", {"source_region": "us-east-1", "status": "failed"})
	d := t_input({"db_instances": [t_orders]}, {"db_snapshots": [copy]})
	findings := deny with input as d
	count(findings) == 1
	some f in findings
	f.resource == copy.arn
	contains(f.message, "Standby snapshot copy orders-daily in us-west-2 of primary database instance orders (postgres) in us-east-1 is failed")
	contains(f.message, "would restore nothing")
}

test_one_usable_copy_is_enough if {
	broken := testlib.rds_replica("orders-replica", "orders", {"status": "incompatible-parameters"})
	copy := testlib.rds_snapshot("standby", "orders-daily", "orders", "2026-11-20T02:00:00Z", {"source_region": "us-east-1"})
	d := t_input({"db_instances": [t_orders]}, {"db_instances": [broken], "db_snapshots": [copy]})
	count(deny) == 0 with input as d
	applicable == {broken.arn, copy.arn} with input as d
}

test_warm_standby_snapshot_copy_does_not_rescue_a_broken_replica if {
	broken := testlib.rds_replica("orders-replica", "orders", {"status": "incompatible-network"})
	copy := testlib.rds_snapshot("standby", "orders-daily", "orders", "2026-11-20T02:00:00Z", {"source_region": "us-east-1"})
	d := testlib.rds_input({"db_instances": [t_orders]}, {"db_instances": [broken], "db_snapshots": [copy]}, testlib.rds_warm("shop", t_orders.arn))
	findings := deny with input as d
	{f.resource | some f in findings} == {broken.arn}
}

test_available_and_busy_replicas_pass if {
	a := testlib.rds_replica("orders-a", "orders", {})
	b := testlib.rds_replica("orders-b", "orders", {"status": "backing-up"})
	d := t_input({"db_instances": [t_orders]}, {"db_instances": [a, b]})
	count(deny) == 0 with input as d
	applicable == {a.arn, b.arn} with input as d
}

test_only_broken_busy_replica_passes if {
	b := testlib.rds_replica("orders-b", "orders", {"status": "modifying"})
	d := t_input({"db_instances": [t_orders]}, {"db_instances": [b]})
	count(deny) == 0 with input as d
	applicable == {b.arn} with input as d
}
