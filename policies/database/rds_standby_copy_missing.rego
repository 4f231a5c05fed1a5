package drready.rules.rds_standby_copy_missing

import data.drready.lib

metadata := {
	"id": "DR-RDS-001",
	"title": "Primary database has no standby copy",
	"severity": "critical",
	"category": "database",
	"inputs": ["rds"],
	"why": concat(" ", [
		"This primary RDS DB instance or Aurora DB cluster has no copy of its data in the standby region: no cross-region read replica naming it as its source, no secondary cluster of its Aurora global database (or replica cluster) in the standby region, and, for tiers below warm standby, no automated backups replicated to the standby region and no snapshot copied there within the recovery point objective.",
		"A database is the one piece of the estate that cannot be rebuilt from code: when the primary region fails, the standby has nothing to promote and nothing to restore, and the application comes back empty or not at all.",
		"For a warm-standby workload only a live replica or global secondary counts, since restoring a snapshot takes far longer than a warm standby's recovery time.",
		"Aurora member instances are judged through their cluster; read replicas, DocumentDB and Neptune are not judged here. Pairing follows lineage (the replica's source ARN, the global database), whatever the names.",
		"With the standby in another account, a replica or global secondary in the primary account's standby region (RDS has no cross-account replicas) counts as a copy: the primary lists it.",
	]),
	"remediation": "Create a cross-region read replica (RDS) or add a secondary region to an Aurora global database; for pilot-light or backup-and-restore tiers, replicate automated backups or copy snapshots to the standby region at least as often as the RPO.",
	"remediation_detail": concat("\n", [
		"RDS: aws rds create-db-instance-read-replica --region STANDBY_REGION --db-instance-identifier DB-replica --source-db-instance-identifier arn:aws:rds:PRIMARY_REGION:ACCOUNT:db:DB --kms-key-id STANDBY_KEY_ARN --db-subnet-group-name STANDBY_SUBNET_GROUP",
		"Aurora: aws rds create-global-cluster --region PRIMARY_REGION --global-cluster-identifier DB-global --source-db-cluster-identifier arn:aws:rds:PRIMARY_REGION:ACCOUNT:cluster:DB",
		"        aws rds create-db-cluster --region STANDBY_REGION --db-cluster-identifier DB-secondary --engine aurora-postgresql --engine-version VERSION --global-cluster-identifier DB-global --kms-key-id STANDBY_KEY_ARN --db-subnet-group-name STANDBY_SUBNET_GROUP",
		"Backups: aws rds start-db-instance-automated-backups-replication --region STANDBY_REGION --source-db-instance-arn arn:aws:rds:PRIMARY_REGION:ACCOUNT:db:DB --kms-key-id STANDBY_KEY_ARN --backup-retention-period 7",
		"Snapshots: aws rds copy-db-snapshot --region STANDBY_REGION --source-region PRIMARY_REGION --source-db-snapshot-identifier SNAPSHOT_ARN --target-db-snapshot-identifier NAME --kms-key-id STANDBY_KEY_ARN (or an AWS Backup plan with a copy_action to a standby-region vault)",
		"Terraform: aws_db_instance { replicate_source_db = <primary ARN> } with provider = aws.standby; aws_rds_global_cluster + aws_rds_cluster { global_cluster_identifier }; aws_db_instance_automated_backups_replication; aws_backup_plan rule { copy_action { destination_vault_arn } }.",
	]),
	"references": [
		"https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_ReadRepl.XRgn.html",
		"https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-global-database.html",
		"https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_ReplicateBackups.html",
		"https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_CopySnapshot.html",
	],
}

applicable contains db.arn if {
	some db in lib.primary_databases
}

# What was looked for, by kind of database and tier.
looked_for(db) := "a cross-region read replica naming it as its source" if {
	lib.db_kind(db) == "instance"
	lib.db_warm(db)
} else := "a cross-region read replica naming it as its source, automated backups replicated to the standby region, or a snapshot copied there within the RPO" if {
	lib.db_kind(db) == "instance"
} else := "a secondary cluster of its Aurora global database or a replica cluster in the standby region" if {
	lib.db_warm(db)
} else := "a secondary cluster of its Aurora global database or a replica cluster in the standby region, or a cluster snapshot copied there within the RPO"

# What the standby holds instead, if anything.
found(db) := sprintf("; its newest snapshot copy %s holds data from %s, %s old, which does not count for a warm-standby workload", [c.snapshot.id, c.time, lib.duration(lib.seconds(input.now_ns - c.ns))]) if {
	lib.db_warm(db)
	c := lib.newest_snapshot_copy_of(db)
} else := sprintf("; its newest snapshot copy %s holds data from %s, %s old, older than the %s RPO", [c.snapshot.id, c.time, lib.duration(lib.seconds(input.now_ns - c.ns)), lib.duration(input.objectives.rpo_seconds)]) if {
	c := lib.newest_snapshot_copy_of(db)
} else := ""

tier_note(db) := " (warm-standby workload: only a live copy counts)" if lib.db_warm(db) else := ""

deny contains finding if {
	some db in lib.primary_databases
	count(lib.live_copies_of(db)) == 0
	count(lib.remote_copies_of(db)) == 0
	no_lower_tier_copy(db)
	finding := {
		"resource": db.arn,
		"site": "primary",
		"message": sprintf("Primary database %s in %s has no standby copy in %s%s: looked for %s%s. If %s fails, the standby has no data to promote or restore.", [
			lib.db_label(db), input.primary.region, input.standby.region, tier_note(db), looked_for(db), found(db), input.primary.region,
		]),
		"related": related(db),
	}
}

no_lower_tier_copy(db) if lib.db_warm(db)

no_lower_tier_copy(db) if {
	not lib.db_warm(db)
	count(lib.backup_replications_of(db)) == 0
	count(lib.fresh_snapshot_copies_of(db)) == 0
}

related(db) := [c.snapshot.arn] if {
	c := lib.newest_snapshot_copy_of(db)
} else := []
