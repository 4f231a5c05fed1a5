package drready.rules.standby_kms_key_unusable

import data.drready.lib

metadata := {
	"id": "DR-KMS-001",
	"title": "KMS key that encrypts standby data is missing or unusable in the standby region",
	"severity": "critical",
	"category": "keys",
	"inputs": ["kms"],
	"why": concat(" ", [
		"A KMS key of the standby region that standby data is encrypted with, or will be encrypted with as it is replicated, does not exist in the standby site or is not Enabled (Disabled, PendingDeletion, PendingReplicaDeletion, ...).",
		"The references judged are the standby-side ones: the replica key of S3 replication rules toward the standby, the keys of standby EBS snapshot copies, standby volumes, the launching version of standby launch templates, standby RDS instances and clusters, standby DynamoDB tables and the standby replicas of primary tables, standby secrets and the standby replicas of primary secrets.",
		"A reference is resolved in the standby's KMS inventory by key ARN, key id or alias; a bare key id or alias held by a primary resource (S3, DynamoDB and Secrets Manager replica settings) is resolved there only when both sites are one account.",
		"Every read and write of that data needs the key: S3 stops replicating the objects, a volume or snapshot cannot be attached, restored or launched, a database cannot start and a secret cannot be read, on the day of the disaster, when a disabled key may be the last thing anybody thinks of and a key pending deletion may already be gone.",
		"Keys of another region are not judged here (DR-EC2-009 and DR-S3-006 report those); an AWS managed alias (alias/aws/...) that is not listed yet is created by AWS on first use; a key whose description could not be read is unknown; and a standby whose KMS inventory lists no key at all (a snapshot taken before KMS was collected, or KMS out of scope) is not judged.",
	]),
	"remediation": "Enable the key (or cancel its scheduled deletion), or create the key (a multi-Region replica or a standby key) and point the standby resources at it.",
	"remediation_detail": concat("\n", [
		"aws kms describe-key --region STANDBY_REGION --key-id KEY_ID --query 'KeyMetadata.[KeyState,DeletionDate]'",
		"aws kms cancel-key-deletion --region STANDBY_REGION --key-id KEY_ID   # PendingDeletion; the key is then Disabled",
		"aws kms enable-key --region STANDBY_REGION --key-id KEY_ID",
		"aws kms replicate-key --region PRIMARY_REGION --key-id mrk-XXXX --replica-region STANDBY_REGION   # a missing multi-Region replica",
		"aws kms create-alias --region STANDBY_REGION --alias-name alias/NAME --target-key-id KEY_ID   # a missing alias",
		"Terraform: aws_kms_key (is_enabled = true, deletion_window_in_days) or aws_kms_replica_key with provider = aws.standby, and lifecycle { prevent_destroy = true } on keys that encrypt data.",
	]),
	"references": [
		"https://docs.aws.amazon.com/kms/latest/developerguide/key-state.html",
		"https://docs.aws.amazon.com/kms/latest/developerguide/deleting-keys.html",
		"https://docs.aws.amazon.com/kms/latest/developerguide/multi-region-keys-overview.html",
		"https://docs.aws.amazon.com/kms/latest/developerguide/enabling-keys.html",
	],
}

# The standby's KMS inventory was collected: it lists at least one key.
kms_listed if count(object.get(input.standby, ["kms", "keys"], [])) > 0

gone_volume_states := {"deleting", "deleted"}

# Standby-side key references: {"ref", "holder" (ARN), "what", "own" (the holder is a resource of
# the standby site, so a bare id or alias resolves there)}.
refs contains {"ref": rule.destination.replica_kms_key_id, "holder": bucket.arn, "own": false, "what": sprintf("the replicas of bucket %s (rule %s)", [bucket.name, lib.rule_label(rule)])} if {
	some bucket in input.primary.s3.buckets
	some rule in lib.standby_rules(bucket)
	lib.is_set(rule.destination.replica_kms_key_id)
}

refs contains {"ref": snap.kms_key_id, "holder": snap.arn, "own": true, "what": sprintf("EBS snapshot copy %s", [lib.label(snap)])} if {
	some snap in input.standby.ec2.snapshots
	lib.is_set(snap.kms_key_id)
	input.parity.primary_of[snap.arn]
}

refs contains {"ref": volume.kms_key_id, "holder": volume.arn, "own": true, "what": sprintf("volume %s", [lib.label(volume)])} if {
	some volume in input.standby.ec2.volumes
	lib.is_set(volume.kms_key_id)
	not volume.state in gone_volume_states
}

refs contains {"ref": device.kms_key_id, "holder": template.arn, "own": true, "what": sprintf("launch template %s (version %v, %s)", [lib.label(template), version.version_number, object.get(device, "device_name", "a block device")])} if {
	some template in input.standby.ec2.launch_templates
	version := lib.launch_version(template)
	some device in object.get(version, "block_devices", [])
	lib.is_set(device.kms_key_id)
}

refs contains {"ref": db.kms_key_id, "holder": db.arn, "own": true, "what": sprintf("%s %s", [kind, lib.label(db)])} if {
	some collection, kind in {"db_instances": "DB instance", "db_clusters": "DB cluster"}
	some db in object.get(input.standby, ["rds", collection], [])
	lib.is_set(db.kms_key_id)
	db.status != "deleting"
}

refs contains {"ref": table.kms_key_arn, "holder": table.arn, "own": true, "what": sprintf("DynamoDB table %s", [table.name])} if {
	some table in object.get(input.standby, ["dynamodb", "tables"], [])
	lib.is_set(table.kms_key_arn)
	table.status != "DELETING"
}

refs contains {"ref": replica.kms_key_arn, "holder": table.arn, "own": false, "what": sprintf("the %s replica of DynamoDB table %s", [replica.region, table.name])} if {
	some table in object.get(input.primary, ["dynamodb", "tables"], [])
	some replica in table.replicas
	replica.region == input.standby.region
	lib.is_set(replica.kms_key_arn)
}

refs contains {"ref": secret.kms_key_id, "holder": secret.arn, "own": true, "what": sprintf("secret %s", [secret.name])} if {
	some secret in object.get(input.standby, ["secretsmanager", "secrets"], [])
	lib.is_set(secret.kms_key_id)
	not secret.deleted_date
}

refs contains {"ref": replica.kms_key_id, "holder": secret.arn, "own": false, "what": sprintf("the %s replica of secret %s", [replica.region, secret.name])} if {
	some secret in object.get(input.primary, ["secretsmanager", "secrets"], [])
	not secret.deleted_date
	some replica in secret.replication
	replica.region == input.standby.region
	lib.is_set(replica.kms_key_id)
}

# The parts of a reference this rule judges: a key ARN of the standby's region and account, or a
# bare id or alias that resolves in the standby.
judged_key_refs(entry) := r if {
	r := lib.kms_ref(entry.ref)
	r.region == input.standby.region
	r.account == input.standby.account
} else := r if {
	r := lib.kms_ref(entry.ref)
	not r.region
	bare_in_standby(entry)
}

bare_in_standby(entry) if entry.own

bare_in_standby(_) if input.primary.account == input.standby.account

aws_alias(name) if startswith(name, "alias/aws/")

# The ARN of the key a reference names: the listed key's, else (missing) the ARN the reference
# stands for. An AWS managed alias not listed yet is left out (AWS creates it on first use).
target(entry) := key.arn if {
	r := judged_key_refs(entry)
	key := lib.kms_keys_by_name.standby[r.name]
} else := entry.ref if {
	r := judged_key_refs(entry)
	not aws_alias(r.name)
	startswith(entry.ref, "arn:")
} else := sprintf("arn:%s:kms:%s:%s:%s", [partition(entry), input.standby.region, input.standby.account, r.name]) if {
	r := judged_key_refs(entry)
	startswith(r.name, "alias/")
	not aws_alias(r.name)
} else := sprintf("arn:%s:kms:%s:%s:key/%s", [partition(entry), input.standby.region, input.standby.account, r.name]) if {
	r := judged_key_refs(entry)
	not startswith(r.name, "alias/")
}

partition(entry) := split(entry.holder, ":")[1]

# Key ARN -> the references to it.
holders[arn] contains entry if {
	kms_listed
	some entry in refs
	arn := target(entry)
}

applicable contains arn if {
	some arn, _ in holders
}

# What is wrong with the key, if anything.
standby_key_problem(arn) := state_text(key) if {
	key := input.index.standby.by_arn[arn]
	key.key_state != "Enabled"
} else := sprintf("does not exist in the standby site (account %s): no key of the standby's KMS inventory has this %s", [input.standby.account, ref_kind(arn)]) if {
	not input.index.standby.by_arn[arn]
}

ref_kind(arn) := "alias" if {
	contains(arn, ":alias/")
} else := "key id"

state_text(key) := sprintf("is pending deletion (to be deleted on %s)", [key.deletion_date]) if {
	key.key_state == "PendingDeletion"
	lib.is_set(key.deletion_date)
} else := "is pending deletion" if {
	key.key_state in {"PendingDeletion", "PendingReplicaDeletion"}
} else := "is disabled" if {
	key.key_state == "Disabled"
} else := sprintf("is in state %s, not Enabled", [key.key_state])

key_label(arn) := lib.label(input.index.standby.by_arn[arn]) if {
	input.index.standby.by_arn[arn]
} else := arn

deny contains finding if {
	some arn, entries in holders
	problem := standby_key_problem(arn)
	finding := {
		"resource": arn,
		"site": "standby",
		"message": sprintf("KMS key %s in standby region %s %s, but it encrypts %s. On failover day that data cannot be decrypted: replication, restores, launches and reads that need the key fail.", [
			key_label(arn), input.standby.region, problem,
			concat(", ", sort({e.what | some e in entries})),
		]),
		"related": sort({e.holder | some e in entries}),
	}
}
