package drready.rules.rds_standby_copy_unusable

import data.drready.lib

metadata := {
	"id": "DR-RDS-002",
	"title": "Standby copy of a primary database is not usable",
	"severity": "high",
	"category": "database",
	"inputs": ["rds"],
	"why": concat(" ", [
		"The primary database has standby copies, and none of them could take over now: its read replica or secondary cluster is in a status from which it cannot be promoted (stopped, storage-full, incompatible-parameters, incompatible-network, failed, inaccessible-encryption-credentials, still creating, ...), or its snapshot copy within the RPO is not available (still copying, failed).",
		"On the day of the disaster a replica that is storage-full or incompatible cannot be promoted, a stopped secondary must first start, and a failed snapshot copy cannot be restored: the recovery waits for repairs, or falls back to an older copy, or to nothing.",
		"The finding names each standby copy that counts for the database (live copies, and snapshot copies within the RPO unless the workload is warm standby); it is raised only when no counted copy is usable and the database has no automated backups replicated to the standby.",
	]),
	"remediation": "Repair the standby copy (add storage, fix the parameter group or network, restore the KMS grant, start it) or replace it; for a failed snapshot copy, copy the newest snapshot again.",
	"remediation_detail": concat("\n", [
		"aws rds describe-db-instances --region STANDBY_REGION --db-instance-identifier REPLICA --query 'DBInstances[0].[DBInstanceStatus,StatusInfos]'",
		"aws rds describe-db-clusters --region STANDBY_REGION --db-cluster-identifier SECONDARY --query 'DBClusters[0].Status'",
		"storage-full: aws rds modify-db-instance --region STANDBY_REGION --db-instance-identifier REPLICA --allocated-storage NEW_GIB --apply-immediately (and set --max-allocated-storage for storage autoscaling)",
		"incompatible-parameters: aws rds modify-db-instance --region STANDBY_REGION --db-instance-identifier REPLICA --db-parameter-group-name GROUP --apply-immediately, then reboot; a replica that stays incompatible has to be recreated.",
		"stopped cluster: aws rds start-db-cluster --region STANDBY_REGION --db-cluster-identifier SECONDARY",
		"failed snapshot copy: aws rds copy-db-snapshot --region STANDBY_REGION --source-region PRIMARY_REGION --source-db-snapshot-identifier SNAPSHOT_ARN --target-db-snapshot-identifier NAME --kms-key-id STANDBY_KEY_ARN",
		"Terraform: aws_db_instance (replica) allocated_storage / max_allocated_storage / parameter_group_name; alarm on the RDS event categories failure and low storage (aws_db_event_subscription).",
	]),
	"references": [
		"https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/accessing-monitoring.html#Overview.DBInstance.Status",
		"https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/accessing-monitoring.html#Aurora.Status",
		"https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_ReadRepl.Troubleshooting.html",
		"https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_CopySnapshot.html",
	],
}

# The standby copies that count for a primary database: the copies this rule judges.
applicable contains x.copy.arn if {
	some db in lib.primary_databases
	some x in lib.accepted_copies_of(db)
}

status_of(x) := x.copy.status

deny contains finding if {
	some db in lib.primary_databases
	copies := lib.accepted_copies_of(db)
	count(copies) > 0
	count([x | some x in copies; lib.accepted_copy_usable(x)]) == 0
	count(lib.backup_replications_of(db)) == 0
	some x in copies
	finding := {
		"resource": x.copy.arn,
		"site": "standby",
		"message": sprintf("Standby %s %s in %s of primary database %s in %s is %s: it cannot take over, and the database has no other usable standby copy. %s", [
			x.kind, lib.label(x.copy), input.standby.region, lib.db_label(db), input.primary.region, status_of(x), unusable_consequence(x),
		]),
		"related": [db.arn],
	}
}

unusable_consequence(x) := "A failover would restore nothing until the copy is available again." if {
	x.kind == "snapshot copy"
} else := "A failover could not promote it until it is repaired or started."
