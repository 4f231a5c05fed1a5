package drready.testlib

# Input builders of the DR-RDS rule tests. Primary us-east-1, standby us-west-2, one account
# (RDS replicas and global databases stay within one account); `extra` objects are merged over
# the defaults.

rds_now := "2026-11-20T12:00:00Z"

rds_primary_key := "arn:aws:kms:us-east-1:111111111111:key/1111aaaa-0000-0000-0000-000000000001"

rds_standby_key := "arn:aws:kms:us-west-2:111111111111:key/2222bbbb-0000-0000-0000-000000000002"

rds_region(site) := "us-east-1" if site == "primary" else := "us-west-2"

rds_key(site) := rds_primary_key if site == "primary" else := rds_standby_key

rds_db_arn(site, id) := sprintf("arn:aws:rds:%s:111111111111:db:%s", [rds_region(site), id])

rds_cluster_arn(site, id) := sprintf("arn:aws:rds:%s:111111111111:cluster:%s", [rds_region(site), id])

rds_global_arn(id) := sprintf("arn:aws:rds::111111111111:global-cluster:%s", [id])

rds_snapshot_arn(site, id) := sprintf("arn:aws:rds:%s:111111111111:snapshot:%s", [rds_region(site), id])

# A DB instance: Postgres 16.3 on db.r6g.large, encrypted with the site's key.
rds_instance(site, id, extra) := object.union({
	"arn": rds_db_arn(site, id), "id": id, "name": id, "tags": {}, "region": rds_region(site),
	"account": "111111111111", "engine": "postgres", "engine_version": "16.3",
	"instance_class": "db.r6g.large", "status": "available", "multi_az": true,
	"storage_encrypted": true, "kms_key_id": rds_key(site), "read_replicas": [],
	"automated_backup_replications": [], "security_group_ids": [],
}, extra)

# A cross-region read replica in the standby of the primary instance `source_id`.
rds_replica(id, source_id, extra) := rds_instance("standby", id, object.union({"read_replica_source": rds_db_arn("primary", source_id)}, extra))

# An Aurora PostgreSQL cluster (members given in extra), encrypted with the site's key.
rds_cluster(site, id, extra) := object.union({
	"arn": rds_cluster_arn(site, id), "id": id, "name": id, "tags": {}, "region": rds_region(site),
	"account": "111111111111", "engine": "aurora-postgresql", "engine_version": "15.4",
	"engine_mode": "provisioned", "status": "available", "members": [sprintf("%s-1", [id])],
	"instance_class": "db.r6g.large", "storage_encrypted": true, "kms_key_id": rds_key(site),
}, extra)

# A DB snapshot of the instance `source_id`, taken at `t`.
rds_snapshot(site, id, source_id, t, extra) := object.union({
	"arn": rds_snapshot_arn(site, id), "id": id, "name": id, "tags": {}, "region": rds_region(site),
	"account": "111111111111", "cluster": false, "source_identifier": source_id,
	"snapshot_type": "manual", "status": "available", "create_time": t, "original_create_time": t,
	"engine": "postgres", "engine_version": "16.3", "encrypted": true, "kms_key_id": rds_key(site),
}, extra)

# The input document: the two sites' RDS inventories, objectives (RPO 24h, pilot light), no
# workloads; `extra` adds or replaces top-level keys (workloads, workload_of, parity, index...).
rds_input(primary, standby, extra) := object.union({
	"now": rds_now,
	"now_ns": time.parse_rfc3339_ns(rds_now),
	"primary": {"account": "111111111111", "region": "us-east-1", "rds": object.union({"db_instances": [], "db_clusters": [], "global_clusters": [], "db_snapshots": []}, primary)},
	"standby": {"account": "111111111111", "region": "us-west-2", "rds": object.union({"db_instances": [], "db_clusters": [], "global_clusters": [], "db_snapshots": []}, standby)},
	"objectives": {"rpo_seconds": 86400, "default_tier": "pilot-light"},
	"workloads": [],
	"workload_of": {},
	"parity": {"primary_of": {}, "standby_of": {}},
	"index": {"primary": {"by_arn": {}}, "standby": {"by_arn": {}}},
}, extra)

# A warm-standby workload `name` holding the primary database `arn`.
rds_warm(name, arn) := {
	"workloads": [{"name": name, "key": name, "tier": "warm-standby", "primary": {}, "standby": {}}],
	"workload_of": {arn: [name]},
}
