package drready.rules.s3_failback_replication_missing

import data.drready.lib

metadata := {
	"id": "DR-S3-007",
	"title": "Standby bucket does not replicate back to the primary for failback",
	"severity": "low",
	"category": "data",
	"inputs": ["s3"],
	"why": concat(" ", [
		"Failback is part of the recovery objectives (failback = true), but this standby bucket, a replica of a primary bucket, has no enabled replication rule back to that primary bucket.",
		"After a failover the application writes to the standby bucket; without replication back, every object written during the outage exists only in the standby region.",
		"Returning to the primary region then needs a bulk copy and a second cut-over under time pressure, or the data written during the outage is left behind.",
		"The rule judges only when failback is enabled in the objectives, and counts a rule back to any of the primary buckets that replicate into this one.",
	]),
	"remediation": "Enable versioning and an enabled replication rule on the standby bucket that writes back to its primary source bucket (two-way replication), ideally with replica modification sync.",
	"remediation_detail": concat("\n", [
		"aws s3api put-bucket-versioning --bucket SOURCE-STANDBY --region STANDBY_REGION --versioning-configuration Status=Enabled",
		"aws s3api put-bucket-replication --bucket SOURCE-STANDBY --region STANDBY_REGION --replication-configuration file://failback.json",
		"  # failback.json: {\"Role\": \"arn:aws:iam::STANDBY_ACCOUNT:role/s3-replication\", \"Rules\": [{\"ID\": \"failback\", \"Status\": \"Enabled\", \"Priority\": 1, \"Filter\": {}, \"DeleteMarkerReplication\": {\"Status\": \"Enabled\"}, \"SourceSelectionCriteria\": {\"ReplicaModifications\": {\"Status\": \"Enabled\"}}, \"Destination\": {\"Bucket\": \"arn:aws:s3:::SOURCE\"}}]}",
		"Or configure both directions at once with an S3 Multi-Region Access Point and its replication rules.",
		"Terraform: aws_s3_bucket_replication_configuration on the standby bucket (provider = aws.standby) with rule.destination.bucket = the primary bucket's arn, and source_selection_criteria { replica_modifications { status = \"Enabled\" } } on both sides.",
	]),
	"references": [
		"https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-for-metadata-changes.html",
		"https://docs.aws.amazon.com/AmazonS3/latest/userguide/MultiRegionAccessPointBucketReplication.html",
		"https://docs.aws.amazon.com/whitepapers/latest/disaster-recovery-workloads-on-aws/disaster-recovery-options-in-the-cloud.html",
	],
}

failback if input.objectives.failback == true

# standby bucket name -> primary buckets that replicate into it through an enabled rule.
sources_of[name] contains bucket.name if {
	failback
	some bucket in input.primary.s3.buckets
	some rule in lib.enabled_rules(bucket)
	name := lib.destination_of(rule)
	input.index.standby.buckets[name]
}

replicates_back(standby_bucket, sources) if {
	some rule in lib.enabled_rules(standby_bucket)
	lib.destination_of(rule) in sources
}

applicable contains input.index.standby.buckets[name].arn if {
	some name, _ in sources_of
}

deny contains finding if {
	some name, sources in sources_of
	bucket := input.index.standby.buckets[name]
	not replicates_back(bucket, sources)
	finding := {
		"resource": bucket.arn,
		"site": "standby",
		"message": sprintf("Bucket %s in standby region %s receives replication from %s but does not replicate back to primary region %s, so objects written after a failover are missing on failback.", [
			bucket.name, input.standby.region, concat(", ", sort(sources)), input.primary.region,
		]),
		"related": sort([sprintf("arn:aws:s3:::%s", [source]) | some source in sources]),
	}
}
