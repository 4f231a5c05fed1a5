package drready.rules.rds_standby_copy_missing

import data.drready.testlib

t_input(primary, standby) := testlib.rds_input(primary, standby, {})

t_orders := testlib.rds_instance("primary", "orders", {})

test_instance_without_copy_is_denied if {
	d := t_input({"db_instances": [t_orders]}, {})
	findings := deny with input as d
	count(findings) == 1
	some f in findings
	f.resource == testlib.rds_db_arn("primary", "orders")
	f.site == "primary"
	f.related == []
	contains(f.message, "instance orders (postgres) in us-east-1 has no standby copy in us-west-2")
	contains(f.message, "a cross-region read replica naming it as its source, automated backups replicated to the standby region, or a snapshot copied there within the RPO")
}

test_instance_with_cross_region_replica_passes if {
	replica := testlib.rds_replica("mystack-ordersreplica-1a2b3c4d5e", "orders", {})
	d := t_input({"db_instances": [t_orders]}, {"db_instances": [replica]})
	count(deny) == 0 with input as d
	applicable == {testlib.rds_db_arn("primary", "orders")} with input as d
}

test_replicas_and_cluster_members_are_not_judged if {
	local_replica := testlib.rds_instance("primary", "orders-ro", {"read_replica_source": "orders"})
	member := testlib.rds_instance("primary", "ledger-1", {"db_cluster_identifier": "ledger", "engine": "aurora-postgresql"})
	graph := testlib.rds_cluster("primary", "graph", {"engine": "neptune"})
	d := t_input({"db_instances": [local_replica, member], "db_clusters": [graph]}, {})
	count(applicable) == 0 with input as d
	count(deny) == 0 with input as d
}

test_cluster_with_global_secondary_passes if {
	g := testlib.rds_global_arn("ledger-global")
	primary := testlib.rds_cluster("primary", "prod-ledgercluster-1a2b3c4d5e", {"global_cluster_arn": g})
	secondary := testlib.rds_cluster("standby", "dr-ledgercluster-9z8y7x6w5v", {"global_cluster_arn": g})
	d := t_input({"db_clusters": [primary]}, {"db_clusters": [secondary]})
	count(deny) == 0 with input as d
	applicable == {primary.arn} with input as d
}

test_cluster_with_replica_cluster_passes if {
	primary := testlib.rds_cluster("primary", "ledger", {"engine": "aurora-mysql"})
	replica := testlib.rds_cluster("standby", "ledger-dr", {"engine": "aurora-mysql", "replication_source": primary.arn})
	d := t_input({"db_clusters": [primary]}, {"db_clusters": [replica]})
	count(deny) == 0 with input as d
	applicable == {primary.arn} with input as d
}

test_cluster_of_another_global_database_is_no_copy if {
	primary := testlib.rds_cluster("primary", "ledger", {"global_cluster_arn": testlib.rds_global_arn("a")})
	other := testlib.rds_cluster("standby", "ledger", {"global_cluster_arn": testlib.rds_global_arn("b")})
	d := t_input({"db_clusters": [primary]}, {"db_clusters": [other]})
	findings := deny with input as d
	count(findings) == 1
	some f in findings
	f.resource == primary.arn
	contains(f.message, "cluster ledger (aurora-postgresql)")
	contains(f.message, "a secondary cluster of its Aurora global database or a replica cluster in the standby region, or a cluster snapshot copied there within the RPO")
}

test_fresh_snapshot_copy_counts_for_pilot_light if {
	copy := testlib.rds_snapshot("standby", "orders-daily", "orders", "2026-11-20T02:00:00Z", {"source_region": "us-east-1"})
	d := t_input({"db_instances": [t_orders]}, {"db_snapshots": [copy]})
	count(deny) == 0 with input as d
	applicable == {t_orders.arn} with input as d
}

test_snapshot_copy_paired_by_name_counts if {
	source := testlib.rds_snapshot("primary", "orders-daily-use1", "orders", "2026-11-20T02:00:00Z", {})
	copy := testlib.rds_snapshot("standby", "orders-daily-usw2", "orders", "2026-11-20T02:30:00Z", {"original_create_time": null})
	d := testlib.rds_input({"db_instances": [t_orders], "db_snapshots": [source]}, {"db_snapshots": [testlib.compact(copy)]}, {
		"parity": {"primary_of": {copy.arn: source.arn}, "standby_of": {source.arn: copy.arn}},
		"index": {"primary": {"by_arn": {source.arn: source}}, "standby": {"by_arn": {}}},
	})
	count(deny) == 0 with input as d
	applicable == {t_orders.arn} with input as d
}

test_stale_snapshot_copy_is_denied if {
	copy := testlib.rds_snapshot("standby", "orders-weekly", "orders", "2026-11-17T12:00:00Z", {"source_region": "us-east-1"})
	d := t_input({"db_instances": [t_orders]}, {"db_snapshots": [copy]})
	findings := deny with input as d
	count(findings) == 1
	some f in findings
	f.resource == t_orders.arn
	f.related == [copy.arn]
	contains(f.message, "its newest snapshot copy orders-weekly holds data from 2026-11-17T12:00:00Z, 3d 0h old, older than the 24h RPO")
}

test_snapshot_of_a_standby_database_is_no_copy if {
	own := testlib.rds_snapshot("standby", "orders-own", "orders", "2026-11-20T02:00:00Z", {"source_region": null, "snapshot_type": "automated"})
	d := t_input({"db_instances": [t_orders]}, {"db_snapshots": [testlib.compact(own)]})
	count(deny) == 1 with input as d
}

test_warm_standby_needs_a_live_copy if {
	copy := testlib.rds_snapshot("standby", "orders-daily", "orders", "2026-11-20T02:00:00Z", {"source_region": "us-east-1"})
	d := testlib.rds_input({"db_instances": [t_orders]}, {"db_snapshots": [copy]}, testlib.rds_warm("shop", t_orders.arn))
	findings := deny with input as d
	count(findings) == 1
	some f in findings
	f.resource == t_orders.arn
	contains(f.message, "(warm-standby workload: only a live copy counts): looked for a cross-region read replica naming it as its source; its newest snapshot copy orders-daily")
	contains(f.message, "which does not count for a warm-standby workload")
}

test_replicated_automated_backups_count_for_pilot_light if {
	db := testlib.rds_instance("primary", "orders", {"automated_backup_replications": ["arn:aws:rds:us-west-2:111111111111:auto-backup:ab-orders"]})
	d := t_input({"db_instances": [db]}, {})
	count(deny) == 0 with input as d
	applicable == {db.arn} with input as d
}

test_automated_backups_replicated_elsewhere_do_not_count if {
	db := testlib.rds_instance("primary", "orders", {"automated_backup_replications": ["arn:aws:rds:eu-west-1:111111111111:auto-backup:ab-orders"]})
	d := t_input({"db_instances": [db]}, {})
	count(deny) == 1 with input as d
}

test_stopped_primary_still_counts if {
	db := testlib.rds_instance("primary", "orders", {"status": "stopped"})
	d := t_input({"db_instances": [db]}, {})
	count(deny) == 1 with input as d
}

test_replica_in_the_primary_account_counts_with_a_standby_account if {
	db := testlib.rds_instance("primary", "orders", {"read_replicas": ["arn:aws:rds:us-west-2:111111111111:db:orders-dr"]})
	d := testlib.rds_input({"db_instances": [db]}, {}, {"standby": {"account": "222222222222", "region": "us-west-2", "rds": {}}})
	count(deny) == 0 with input as d
	applicable == {db.arn} with input as d
}

test_global_secondary_in_the_primary_account_counts_with_a_standby_account if {
	g := testlib.rds_global_arn("ledger-global")
	primary := testlib.rds_cluster("primary", "ledger", {"global_cluster_arn": g})
	secondary_arn := "arn:aws:rds:us-west-2:111111111111:cluster:ledger-dr"
	global := {"arn": g, "id": "ledger-global", "name": "ledger-global", "region": "global", "account": "111111111111", "engine": "aurora-postgresql", "status": "available", "members": [
		{"db_cluster_arn": primary.arn, "is_writer": true, "readers": [secondary_arn]},
		{"db_cluster_arn": secondary_arn, "is_writer": false, "readers": []},
	]}
	d := testlib.rds_input({"db_clusters": [primary], "global_clusters": [global]}, {}, {"standby": {"account": "222222222222", "region": "us-west-2", "rds": {}}})
	count(deny) == 0 with input as d
	applicable == {primary.arn} with input as d
}

test_replica_in_a_third_region_is_no_copy if {
	db := testlib.rds_instance("primary", "orders", {"read_replicas": ["arn:aws:rds:eu-west-1:111111111111:db:orders-eu"]})
	d := testlib.rds_input({"db_instances": [db]}, {}, {"standby": {"account": "222222222222", "region": "us-west-2", "rds": {}}})
	count(deny) == 1 with input as d
}

test_aws_backup_copy_without_source_region_counts if {
	copy := testlib.compact(testlib.rds_snapshot("standby", "awsbackup:copyjob-1a2b", "orders", "2026-11-20T02:00:00Z", {"snapshot_type": "awsbackup"}))
	d := t_input({"db_instances": [t_orders]}, {"db_snapshots": [copy]})
	count(deny) == 0 with input as d
	applicable == {t_orders.arn} with input as d
}

test_backup_of_a_standby_database_of_the_same_name_is_no_copy if {
	own := testlib.compact(testlib.rds_snapshot("standby", "awsbackup:job-1a2b", "orders", "2026-11-20T02:00:00Z", {"snapshot_type": "awsbackup"}))
	standby_db := testlib.rds_instance("standby", "orders", {})
	d := t_input({"db_instances": [t_orders]}, {"db_instances": [standby_db], "db_snapshots": [own]})
	count(deny) == 1 with input as d
}
