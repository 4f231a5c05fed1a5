package drready.rules.s3_replication_destination_missing

import data.drready.lib

metadata := {
	"id": "DR-S3-002",
	"title": "S3 bucket replicates to no bucket in the standby region",
	"severity": "critical",
	"category": "data",
	"inputs": ["s3"],
	"why": concat(" ", [
		"The bucket has enabled replication rules, but none of them writes to a bucket that exists in the standby region: the destination was deleted, mistyped, or lives in a third region.",
		"Replication to a missing bucket fails silently object by object, and replication to another region leaves the standby without the data.",
		"On the day of the disaster the standby application finds no replica of this bucket and the data is unavailable until the primary region returns.",
	]),
	"remediation": "Point an enabled replication rule of the bucket at a versioned bucket in the standby region.",
	"remediation_detail": concat("\n", [
		"aws s3api create-bucket --bucket SOURCE-STANDBY --region STANDBY_REGION --create-bucket-configuration LocationConstraint=STANDBY_REGION",
		"aws s3api put-bucket-versioning --bucket SOURCE-STANDBY --region STANDBY_REGION --versioning-configuration Status=Enabled",
		"aws s3api put-bucket-replication --bucket SOURCE --replication-configuration file://replication.json",
		"  # with Rules[].Destination.Bucket = \"arn:aws:s3:::SOURCE-STANDBY\"",
		"aws s3api get-bucket-replication --bucket SOURCE --query 'ReplicationConfiguration.Rules[].Destination.Bucket'",
		"Terraform: an aws_s3_bucket (provider = aws.standby) plus its aws_s3_bucket_versioning, and aws_s3_bucket_replication_configuration.rule.destination.bucket = that bucket's arn.",
	]),
	"references": [
		"https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication.html",
		"https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-requirements.html",
		"https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-walkthrough1.html",
	],
}

# Destination bucket names of the bucket's enabled rules ("" when a rule names none).
destinations(bucket) := {lib.destination_of(rule) | some rule in lib.enabled_rules(bucket)}

replicates_to_standby(bucket) if {
	some name in destinations(bucket)
	input.index.standby.buckets[name]
}

applicable contains bucket.arn if {
	some bucket in input.primary.s3.buckets
	lib.has_enabled_rule(bucket)
}

deny contains finding if {
	some bucket in input.primary.s3.buckets
	lib.has_enabled_rule(bucket)
	not replicates_to_standby(bucket)
	finding := {
		"resource": bucket.arn,
		"site": "primary",
		"message": sprintf("Bucket %s in primary region %s replicates to %s, which is not a bucket in standby region %s.", [
			bucket.name, input.primary.region, destination_label(bucket), input.standby.region,
		]),
	}
}

destination_label(bucket) := label if {
	names := [name | some name in destinations(bucket); name != ""]
	count(names) > 0
	label := concat(", ", sort(names))
} else := "no destination bucket"
