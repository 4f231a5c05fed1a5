package drready.rules.s3_replication_missing

import data.drready.lib

metadata := {
	"id": "DR-S3-001",
	"title": "S3 bucket is not replicated to the standby region",
	"severity": "critical",
	"category": "data",
	"inputs": ["s3"],
	"why": concat(" ", [
		"The bucket has no enabled replication rule, so none of its objects exist outside the primary region.",
		"When the primary region is lost, the standby application starts against empty or missing buckets and every object written since the last manual copy is gone.",
		"Replication only copies objects written after it is enabled, so it cannot be turned on during the disaster to recover existing data.",
	]),
	"remediation": "Enable versioning and add an enabled S3 replication rule that copies the bucket to a bucket in the standby region.",
	"remediation_detail": concat("\n", [
		"aws s3api put-bucket-versioning --bucket SOURCE --versioning-configuration Status=Enabled",
		"aws s3api put-bucket-replication --bucket SOURCE --replication-configuration file://replication.json",
		"  # replication.json: {\"Role\": \"arn:aws:iam::ACCOUNT:role/s3-replication\", \"Rules\": [{\"ID\": \"dr\", \"Status\": \"Enabled\", \"Priority\": 1, \"Filter\": {}, \"DeleteMarkerReplication\": {\"Status\": \"Enabled\"}, \"Destination\": {\"Bucket\": \"arn:aws:s3:::SOURCE-STANDBY\"}}]}",
		"aws s3api get-bucket-replication --bucket SOURCE",
		"Existing objects are not replicated retroactively: copy them once with S3 Batch Replication (aws s3control create-job ... --operation '{\"S3ReplicateObject\":{}}').",
		"Terraform: aws_s3_bucket_replication_configuration with role, rule.status = \"Enabled\" and rule.destination.bucket = the standby bucket ARN (depends_on the aws_s3_bucket_versioning of the source).",
	]),
	"references": [
		"https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication.html",
		"https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-walkthrough1.html",
		"https://docs.aws.amazon.com/AmazonS3/latest/userguide/s3-batch-replication-batch.html",
	],
}

applicable contains bucket.arn if {
	some bucket in input.primary.s3.buckets
}

deny contains finding if {
	some bucket in input.primary.s3.buckets
	not lib.has_enabled_rule(bucket)
	finding := {
		"resource": bucket.arn,
		"site": "primary",
		"message": sprintf("Bucket %s in primary region %s %s, so its objects are never copied to standby region %s.", [
			bucket.name, input.primary.region, replication_gap(bucket), input.standby.region,
		]),
	}
}

replication_gap(bucket) := "has no replication configuration" if {
	not is_object(bucket.replication)
} else := "has a replication configuration without rules" if {
	count(object.get(bucket.replication, "rules", [])) == 0
} else := "has only disabled replication rules"
