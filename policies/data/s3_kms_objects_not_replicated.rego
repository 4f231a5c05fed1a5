package drready.rules.s3_kms_objects_not_replicated

import data.drready.lib

metadata := {
	"id": "DR-S3-006",
	"title": "SSE-KMS objects of the bucket are not replicated to the standby",
	"severity": "high",
	"category": "data",
	"inputs": ["s3"],
	"why": concat(" ", [
		"The bucket encrypts new objects with SSE-KMS by default, but an enabled replication rule toward the standby region does not select SSE-KMS encrypted objects, or names no replica KMS key in the standby region.",
		"S3 replication skips SSE-KMS objects unless the rule opts in (SourceSelectionCriteria.SseKmsEncryptedObjects) and names a destination key (ReplicaKmsKeyID); KMS keys are regional, so a key in another region does not work either.",
		"Replication looks enabled and healthy while every encrypted object, that is nearly every object of this bucket, stays in the primary region and is lost to the standby in a disaster.",
		"A replica key given as a bare key id or alias is resolved by S3 in the destination region and accepted; a key ARN must name the standby region.",
	]),
	"remediation": "On every enabled rule toward the standby, select SSE-KMS encrypted objects and set the replica KMS key to a key in the standby region (and let the replication role use both keys).",
	"remediation_detail": concat("\n", [
		"aws s3api put-bucket-replication --bucket SOURCE --replication-configuration file://replication.json",
		"  # on each rule toward the standby: \"SourceSelectionCriteria\": {\"SseKmsEncryptedObjects\": {\"Status\": \"Enabled\"}}, \"Destination\": {\"Bucket\": \"arn:aws:s3:::SOURCE-STANDBY\", \"EncryptionConfiguration\": {\"ReplicaKmsKeyID\": \"arn:aws:kms:STANDBY_REGION:ACCOUNT:key/KEY_ID\"}}",
		"Grant the replication role kms:Decrypt on the source key and kms:Encrypt on the standby key (and the standby key policy must allow it when the accounts differ).",
		"Objects skipped so far are not replicated retroactively: copy them once with S3 Batch Replication.",
		"Terraform: aws_s3_bucket_replication_configuration rule { source_selection_criteria { sse_kms_encrypted_objects { status = \"Enabled\" } } destination { encryption_configuration { replica_kms_key_id = aws_kms_key.standby.arn } } } with the key created with provider = aws.standby.",
	]),
	"references": [
		"https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-config-for-kms-objects.html",
		"https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-what-is-isnot-replicated.html",
		"https://docs.aws.amazon.com/kms/latest/developerguide/concepts.html#key-id",
	],
}

# The enabled replication rules writing to a standby bucket (lib.standby_rules) of each primary
# bucket that encrypts with KMS by default, by the bucket's index in input.primary.s3.buckets.
# lib.standby_rules and lib.destination_of are written out: their calls per bucket and
# rule cost more than the rest.
kms_standby_rules[i] := [rule |
	some rule in bucket.replication.rules
	rule.status == "Enabled"
	destination := rule.destination.bucket
	is_string(destination)
	parts := split(destination, ":")
	input.index.standby.buckets[parts[count(parts) - 1]]
] if {
	some i, bucket in input.primary.s3.buckets
	lib.kms_encrypted(bucket)
}

# What is wrong with one rule, if anything: [] when nothing.
rule_problems(rule) := array.concat(
	[p |
		not rule.sse_kms_encrypted_objects == true
		p := "does not select SSE-KMS encrypted objects"
	],
	replica_key_problem(rule),
)

# A replica key that is not set, or an ARN in another region than the standby's: [] when none.
replica_key_problem(rule) := ["names no replica KMS key"] if {
	not lib.is_set(rule.destination.replica_kms_key_id)
} else := [sprintf("names replica key %s in %s, not in standby region %s", [key, key_region, input.standby.region]) |
	key := rule.destination.replica_kms_key_id
	startswith(key, "arn:")
	key_region := split(key, ":")[3]
	key_region != input.standby.region
]

applicable contains input.primary.s3.buckets[i].arn if {
	some i, rules in kms_standby_rules
	rules != []
}

deny contains finding if {
	some i, rules in kms_standby_rules
	gaps := [sprintf("rule %s %s", [lib.rule_label(rule), concat(" and ", problems)]) |
		some rule in rules

		# not a rule that is clearly right (selects SSE-KMS objects, replica key in the standby
		# region), which needs no rule_problems call
		[true |
			rule.sse_kms_encrypted_objects == true
			key := rule.destination.replica_kms_key_id
			is_string(key)
			startswith(key, "arn:")
			split(key, ":")[3] == input.standby.region
		] == []
		problems := rule_problems(rule)
		problems != []
	]
	gaps != []
	bucket := input.primary.s3.buckets[i]
	finding := {
		"resource": bucket.arn,
		"site": "primary",
		"message": sprintf("Bucket %s in primary region %s encrypts with %s by default, but its replication to standby region %s skips SSE-KMS objects: %s.", [
			bucket.name, input.primary.region, bucket.encryption.sse_algorithm, input.standby.region, concat("; ", sort(gaps)),
		]),
	}
}
