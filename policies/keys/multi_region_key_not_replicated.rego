package drready.rules.multi_region_key_not_replicated

import data.drready.lib

metadata := {
	"id": "DR-KMS-002",
	"title": "Multi-Region KMS key of replicated data has no usable replica in the standby region",
	"severity": "high",
	"category": "keys",
	"inputs": ["kms"],
	"why": concat(" ", [
		"A multi-Region KMS key of the primary region encrypts primary data that is replicated to the standby region — the default encryption of a bucket that replicates to the standby, a volume with a standby copy, a DynamoDB table with a standby replica, an RDS instance or cluster with a standby twin, a secret replicated to the standby — but the key has no related multi-Region key (replica, or its primary) in the standby region, or that standby key is not Enabled.",
		"Choosing a multi-Region key says that the data is meant to be decrypted in other regions with the same key material: client-side and envelope-encrypted data, data keys stored next to the data, and tools that name the key by its mrk- id all expect a usable key of the same id in the standby, and KMS cannot create the replica once the primary region is down.",
		"Only multi-Region keys are judged: a single-Region key cannot have a replica, and the standby-side keys that replicated data uses are judged by DR-KMS-001. The standby key's state is judged when the standby site's KMS inventory holds it (both sites in one account); with two accounts the replica lives in the primary's account and only its existence is judged.",
	]),
	"remediation": "Replicate the multi-Region key to the standby region (and keep the replica Enabled).",
	"remediation_detail": concat("\n", [
		"aws kms describe-key --region PRIMARY_REGION --key-id mrk-XXXX --query 'KeyMetadata.MultiRegionConfiguration'",
		"aws kms replicate-key --region PRIMARY_REGION --key-id mrk-XXXX --replica-region STANDBY_REGION --policy file://key-policy.json",
		"aws kms enable-key --region STANDBY_REGION --key-id mrk-XXXX   # a disabled replica; cancel-key-deletion first if it is pending deletion",
		"Terraform: aws_kms_replica_key { primary_key_arn = aws_kms_key.<name>.arn } with provider = aws.standby (aws_kms_key.<name>.multi_region = true).",
	]),
	"references": [
		"https://docs.aws.amazon.com/kms/latest/developerguide/multi-region-keys-overview.html",
		"https://docs.aws.amazon.com/kms/latest/developerguide/multi-region-keys-replicate.html",
		"https://docs.aws.amazon.com/kms/latest/developerguide/key-state.html",
	],
}

# Primary-side references of data that is replicated to the standby: {"ref", "holder", "what"}.
refs contains {"ref": bucket.encryption.kms_key_id, "holder": bucket.arn, "what": sprintf("bucket %s", [bucket.name])} if {
	some bucket in input.primary.s3.buckets
	lib.kms_encrypted(bucket)
	lib.is_set(bucket.encryption.kms_key_id)
	count(lib.standby_rules(bucket)) > 0
}

refs contains {"ref": volume.kms_key_id, "holder": volume.arn, "what": sprintf("volume %s", [lib.label(volume)])} if {
	some volume in input.primary.ec2.volumes
	lib.is_set(volume.kms_key_id)
	input.index.primary.standby_copy_of_volume[volume.id]
}

refs contains {"ref": table.kms_key_arn, "holder": table.arn, "what": sprintf("DynamoDB table %s", [table.name])} if {
	some table in object.get(input.primary, ["dynamodb", "tables"], [])
	lib.is_set(table.kms_key_arn)
	replicated_table(table)
}

refs contains {"ref": db.kms_key_id, "holder": db.arn, "what": sprintf("%s %s", [kind, lib.label(db)])} if {
	some collection, kind in {"db_instances": "DB instance", "db_clusters": "DB cluster"}
	some db in object.get(input.primary, ["rds", collection], [])
	lib.is_set(db.kms_key_id)
	input.parity.standby_of[db.arn]
}

refs contains {"ref": secret.kms_key_id, "holder": secret.arn, "what": sprintf("secret %s", [secret.name])} if {
	some secret in object.get(input.primary, ["secretsmanager", "secrets"], [])
	lib.is_set(secret.kms_key_id)
	not secret.deleted_date
	some replica in secret.replication
	replica.region == input.standby.region
}

replicated_table(table) if {
	some replica in table.replicas
	replica.region == input.standby.region
}

replicated_table(table) if input.parity.standby_of[table.arn]

# The primary-site key a reference names (an ARN of the primary's region and account, or a bare
# id or alias, which the primary resource resolves in its own region), when it is multi-Region.
mrk_of(entry) := key if {
	r := lib.kms_ref(entry.ref)
	in_primary(r)
	key := lib.kms_keys_by_name.primary[r.name]
	key.multi_region == true
}

in_primary(r) if {
	r.region == input.primary.region
	r.account == input.primary.account
}

in_primary(r) if not r.region

# Whether the primary has a multi-Region key at all: without one no reference can name one, and
# the references are not collected for nothing.
primary_has_multi_region_key if {
	some key in object.get(input.primary, ["kms", "keys"], [])
	key.multi_region == true
}

# Key ARN -> the references to it.
holders[key.arn] contains entry if {
	primary_has_multi_region_key
	some entry in refs
	key := mrk_of(entry)
}

# The related multi-Region keys of the standby region: replicas, or the primary key.
standby_keys(key) := {arn |
	some arn in array.concat(object.get(key, "multi_region_replica_arns", []), [object.get(key, "multi_region_primary_arn", "")])
	lib.kms_ref(arn).region == input.standby.region
}

applicable contains arn if {
	some arn, _ in holders
}

standby_replica_problem(key) := sprintf("has no replica in standby region %s", [input.standby.region]) if {
	count(standby_keys(key)) == 0
} else := sprintf("its standby key %s, not Enabled", [concat(", ", bad)]) if {
	bad := sort([sprintf("%s is %s", [replica.arn, replica.key_state]) |
		some arn in standby_keys(key)
		replica := input.index.standby.by_arn[arn]
		replica.key_state != "Enabled"
	])
	count(bad) > 0
}

deny contains finding if {
	some arn, entries in holders
	key := input.index.primary.by_arn[arn]
	problem := standby_replica_problem(key)
	finding := {
		"resource": arn,
		"site": "primary",
		"message": sprintf("Multi-Region KMS key %s in primary region %s encrypts replicated data (%s), but %s. Data and data keys encrypted under it cannot be decrypted in the standby with the same key, and the replica cannot be created once the primary region is down.", [
			lib.label(key), input.primary.region, concat(", ", sort({e.what | some e in entries})), problem,
		]),
		"related": sort({e.holder | some e in entries}),
	}
}
