package drready.rules.rds_standby_copy_drift

import data.drready.testlib

t_orders := testlib.rds_instance("primary", "orders", {"instance_class": "db.r6g.2xlarge"})

t_input(primary, standby) := testlib.rds_input(primary, standby, {})

test_smaller_replica_is_denied if {
	replica := testlib.rds_replica("orders-replica", "orders", {"instance_class": "db.r6g.large"})
	d := t_input({"db_instances": [t_orders]}, {"db_instances": [replica]})
	findings := deny with input as d
	count(findings) == 1
	some f in findings
	f.resource == replica.arn
	f.site == "standby"
	f.related == [t_orders.arn]
	contains(f.message, "Standby replica orders-replica in us-west-2 differs from its primary database instance orders (postgres) in us-east-1: instance class db.r6g.large, smaller than the primary's db.r6g.2xlarge.")
}

test_other_family_and_major_version_are_denied if {
	replica := testlib.rds_replica("orders-replica", "orders", {"instance_class": "db.m6g.4xlarge", "engine_version": "15.7"})
	d := t_input({"db_instances": [t_orders]}, {"db_instances": [replica]})
	findings := deny with input as d
	count(findings) == 1
	some f in findings
	contains(f.message, "major version 15 (15.7), primary 16 (16.3); instance class db.m6g.4xlarge of another family than the primary's db.r6g.2xlarge")
}

test_mysql_major_is_two_components if {
	primary := testlib.rds_instance("primary", "shop", {"engine": "mysql", "engine_version": "8.0.35"})
	same := testlib.rds_replica("shop-a", "shop", {"engine": "mysql", "engine_version": "8.0.39"})
	older := testlib.rds_replica("shop-b", "shop", {"engine": "mysql", "engine_version": "5.7.44"})
	d := t_input({"db_instances": [primary]}, {"db_instances": [same, older]})
	findings := deny with input as d
	{f.resource | some f in findings} == {older.arn}
	some f in findings
	contains(f.message, "major version 5.7 (5.7.44), primary 8.0 (8.0.35)")
}

test_cluster_secondary_drift_is_denied if {
	g := testlib.rds_global_arn("ledger-global")
	primary := testlib.rds_cluster("primary", "ledger", {"global_cluster_arn": g, "instance_class": "db.r6g.4xlarge"})
	secondary := testlib.rds_cluster("standby", "ledger-dr", {"global_cluster_arn": g, "instance_class": "db.r6g.xlarge"})
	d := t_input({"db_clusters": [primary]}, {"db_clusters": [secondary]})
	findings := deny with input as d
	count(findings) == 1
	some f in findings
	f.resource == secondary.arn
	contains(f.message, "Standby global secondary ledger-dr")
	contains(f.message, "instance class db.r6g.xlarge, smaller than the primary's db.r6g.4xlarge")
}

test_same_larger_minor_serverless_and_headless_pass if {
	larger := testlib.rds_replica("orders-a", "orders", {"instance_class": "db.r6g.4xlarge", "engine_version": "16.4"})
	same := testlib.rds_replica("orders-b", "orders", {"instance_class": "db.r6g.2xlarge"})
	g := testlib.rds_global_arn("ledger-global")
	primary := testlib.rds_cluster("primary", "ledger", {"global_cluster_arn": g, "instance_class": "db.serverless"})
	serverless := testlib.rds_cluster("standby", "ledger-dr", {"global_cluster_arn": g, "instance_class": "db.r6g.large"})
	g2 := testlib.rds_global_arn("audit-global")
	audit := testlib.rds_cluster("primary", "audit", {"global_cluster_arn": g2})
	headless := testlib.compact(testlib.rds_cluster("standby", "audit-dr", {"global_cluster_arn": g2, "members": [], "instance_class": null}))
	d := t_input({"db_instances": [t_orders], "db_clusters": [primary, audit]}, {"db_instances": [larger, same], "db_clusters": [serverless, headless]})
	count(deny) == 0 with input as d
	applicable == {larger.arn, same.arn, serverless.arn, headless.arn} with input as d
}
