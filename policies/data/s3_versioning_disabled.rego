package drready.rules.s3_versioning_disabled

import data.drready.lib

metadata := {
	"id": "DR-S3-003",
	"title": "S3 bucket on a replication path has versioning disabled",
	"severity": "high",
	"category": "data",
	"inputs": ["s3"],
	"why": concat(" ", [
		"S3 replication requires versioning on both the source and the destination bucket.",
		"A replicated source bucket with versioning suspended or never enabled stops replicating new objects, and a destination without versioning makes every replication attempt fail.",
		"The replica in the standby region silently falls behind, so on the day of the disaster the standby serves stale or missing objects.",
	]),
	"remediation": "Enable versioning on the replication source and on its destination bucket in the standby region.",
	"remediation_detail": concat("\n", [
		"aws s3api put-bucket-versioning --bucket BUCKET --versioning-configuration Status=Enabled",
		"aws s3api get-bucket-versioning --bucket BUCKET",
		"Run it for the primary source bucket and, with --region STANDBY_REGION, for its destination bucket.",
		"Objects written while replication was failing are not replicated retroactively: re-copy them with S3 Batch Replication.",
		"Terraform: aws_s3_bucket_versioning with versioning_configuration { status = \"Enabled\" } for both buckets (the standby one with provider = aws.standby).",
	]),
	"references": [
		"https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-requirements.html",
		"https://docs.aws.amazon.com/AmazonS3/latest/userguide/Versioning.html",
		"https://docs.aws.amazon.com/AmazonS3/latest/userguide/manage-versioning-examples.html",
	],
}

# Primary buckets with a replication configuration (site primary).
replicated_sources contains bucket if {
	some bucket in input.primary.s3.buckets
	is_object(bucket.replication)
}

# Standby buckets that receive replication from an enabled rule of a primary bucket (site standby).
standby_destinations contains destination if {
	some bucket in input.primary.s3.buckets
	some rule in lib.enabled_rules(bucket)
	destination := input.index.standby.buckets[lib.destination_of(rule)]
}

versioning_enabled(bucket) if bucket.versioning == "Enabled"

versioning_label(bucket) := "suspended" if {
	bucket.versioning == "Suspended"
} else := "never enabled"

applicable contains bucket.arn if {
	some bucket in replicated_sources
}

applicable contains bucket.arn if {
	some bucket in standby_destinations
}

deny contains finding if {
	some bucket in replicated_sources
	not versioning_enabled(bucket)
	finding := {
		"resource": bucket.arn,
		"site": "primary",
		"message": sprintf("Bucket %s in primary region %s has a replication configuration but its versioning is %s, so its objects do not replicate to standby region %s.", [
			bucket.name, input.primary.region, versioning_label(bucket), input.standby.region,
		]),
	}
}

deny contains finding if {
	some bucket in standby_destinations
	not versioning_enabled(bucket)
	finding := {
		"resource": bucket.arn,
		"site": "standby",
		"message": sprintf("Bucket %s in standby region %s is the destination of replication from primary region %s but its versioning is %s, so replication into it fails.", [
			bucket.name, input.standby.region, input.primary.region, versioning_label(bucket),
		]),
	}
}
