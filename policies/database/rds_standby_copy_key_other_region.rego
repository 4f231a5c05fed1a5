package drready.rules.rds_standby_copy_key_other_region

import data.drready.lib

metadata := {
	"id": "DR-RDS-004",
	"title": "Standby copy of an encrypted database is unencrypted or uses a KMS key of another region",
	"severity": "high",
	"category": "database",
	"inputs": ["rds"],
	"why": concat(" ", [
		"The primary database is encrypted, and a standby copy that counts for it (a cross-region read replica, a global secondary or replica cluster, or a snapshot copy within the RPO) is either not encrypted or encrypted with a KMS key whose ARN names another region than the standby's.",
		"KMS keys are regional: a copy in the standby region can only be read with a key of that region (a standby key or a multi-Region replica key). A copy whose key lives in the primary region cannot be opened, restored or promoted when that region is down, and it stops working the moment the key is disabled or its region unreachable.",
		"An unencrypted copy of encrypted data breaks the encryption the primary was required to have, in the one place auditors look last.",
	]),
	"remediation": "Recreate the standby copy encrypted with a KMS key of the standby region (a standby customer managed key or a multi-Region replica of the primary key).",
	"remediation_detail": concat("\n", [
		"aws rds describe-db-instances --region STANDBY_REGION --db-instance-identifier REPLICA --query 'DBInstances[0].[StorageEncrypted,KmsKeyId]'",
		"aws kms replicate-key --region PRIMARY_REGION --key-id mrk-XXXX --replica-region STANDBY_REGION   # or create a standby key",
		"aws rds create-db-instance-read-replica --region STANDBY_REGION --db-instance-identifier REPLICA-2 --source-db-instance-identifier arn:aws:rds:PRIMARY_REGION:ACCOUNT:db:DB --kms-key-id arn:aws:kms:STANDBY_REGION:ACCOUNT:key/KEY_ID",
		"aws rds copy-db-snapshot --region STANDBY_REGION --source-region PRIMARY_REGION --source-db-snapshot-identifier SNAPSHOT_ARN --target-db-snapshot-identifier NAME --kms-key-id arn:aws:kms:STANDBY_REGION:ACCOUNT:key/KEY_ID",
		"Terraform: kms_key_id = a key of the standby provider (aws_kms_key or aws_kms_replica_key with provider = aws.standby) on the replica aws_db_instance, the secondary aws_rds_cluster and aws_db_snapshot_copy.",
	]),
	"references": [
		"https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Overview.Encryption.html",
		"https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_ReadRepl.XRgn.html",
		"https://docs.aws.amazon.com/kms/latest/developerguide/multi-region-keys-overview.html",
	],
}

encrypted(resource) if resource.storage_encrypted == true

encrypted(resource) if resource.encrypted == true

applicable contains x.copy.arn if {
	some db in lib.primary_databases
	encrypted(db)
	some x in lib.accepted_copies_of(db)
}

copy_key_problem(x) := "is not encrypted" if {
	not encrypted(x.copy)
} else := sprintf("is encrypted with KMS key %s of region %s", [x.copy.kms_key_id, region]) if {
	startswith(x.copy.kms_key_id, "arn:")
	region := split(x.copy.kms_key_id, ":")[3]
	region != input.standby.region
}

deny contains finding if {
	some db in lib.primary_databases
	encrypted(db)
	some x in lib.accepted_copies_of(db)
	what := copy_key_problem(x)
	finding := {
		"resource": x.copy.arn,
		"site": "standby",
		"message": sprintf("Standby %s %s in %s of encrypted primary database %s in %s %s: %s", [
			x.kind, lib.label(x.copy), input.standby.region, lib.db_label(db), input.primary.region, what, encryption_consequence(what),
		]),
		"related": [db.arn],
	}
}

encryption_consequence(what) := "the standby holds the primary's data without the encryption it requires." if {
	what == "is not encrypted"
} else := "it cannot be read, restored or promoted while that region is down; copies across regions need a key of the destination region."
