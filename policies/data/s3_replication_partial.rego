package drready.rules.s3_replication_partial

import data.drready.lib

metadata := {
	"id": "DR-S3-004",
	"title": "S3 replication to the standby covers only part of the bucket",
	"severity": "medium",
	"category": "data",
	"inputs": ["s3"],
	"why": concat(" ", [
		"Every enabled replication rule of this bucket that writes to the standby region filters objects by key prefix or by object tags, so objects outside those filters are never copied.",
		"Filters are usually added for one data set and forgotten when the application starts writing under new prefixes or without the tags; nothing fails, the objects simply stay in the primary region.",
		"On the day of the disaster the standby application finds some objects and not others, which is harder to notice and to repair than a bucket that is plainly missing.",
		"drready cannot prove that several filtered rules together cover every key, so the bucket passes only when at least one enabled rule toward the standby has no prefix and no tag filter.",
	]),
	"remediation": "Add (or widen) an enabled replication rule toward the standby bucket with an empty filter, so every object is replicated; keep filtered rules only for extra destinations.",
	"remediation_detail": concat("\n", [
		"aws s3api get-bucket-replication --bucket SOURCE --query 'ReplicationConfiguration.Rules[].{id:ID,status:Status,filter:Filter,dest:Destination.Bucket}'",
		"aws s3api put-bucket-replication --bucket SOURCE --replication-configuration file://replication.json",
		"  # the rule toward arn:aws:s3:::SOURCE-STANDBY with \"Filter\": {} (or \"Filter\": {\"Prefix\": \"\"}), \"Status\": \"Enabled\", \"DeleteMarkerReplication\": {\"Status\": \"Enabled\"}",
		"Objects written before the rule was widened are not replicated retroactively: copy them once with S3 Batch Replication (aws s3control create-job ... --operation '{\"S3ReplicateObject\":{}}').",
		"Terraform: aws_s3_bucket_replication_configuration, the rule whose destination.bucket is the standby bucket with an empty filter {} (no prefix, no tag, no and block).",
	]),
	"references": [
		"https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-add-config.html",
		"https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-what-is-isnot-replicated.html",
		"https://docs.aws.amazon.com/AmazonS3/latest/userguide/s3-batch-replication-batch.html",
	],
}

has_prefix(rule) if lib.is_set(rule.prefix)

has_tag_filter(rule) if count(object.get(rule, "filter_tags", {})) > 0

selects_everything(rule) if {
	not has_prefix(rule)
	not has_tag_filter(rule)
}

# Buckets replicating to the standby at all; buckets that do not are DR-S3-001/002's findings.
applicable contains bucket.arn if {
	some bucket in input.primary.s3.buckets
	count(lib.standby_rules(bucket)) > 0
}

deny contains finding if {
	some bucket in input.primary.s3.buckets
	rules := lib.standby_rules(bucket)
	count(rules) > 0
	not any_selects_everything(rules)
	finding := {
		"resource": bucket.arn,
		"site": "primary",
		"message": sprintf("Bucket %s in primary region %s replicates to standby region %s only through filtered rules (%s), so objects outside these filters are not in the standby.", [
			bucket.name, input.primary.region, input.standby.region, concat("; ", sort([rule_filters_text(rule) | some rule in rules])),
		]),
	}
}

any_selects_everything(rules) if {
	some rule in rules
	selects_everything(rule)
}

rule_filters_text(rule) := sprintf("rule %s: %s", [lib.rule_label(rule), concat(" and ", filters(rule))])

filters(rule) := array.concat(prefix_filter(rule), tag_filter(rule))

prefix_filter(rule) := [sprintf("prefix \"%s\"", [rule.prefix])] if {
	has_prefix(rule)
} else := []

tag_filter(rule) := [sprintf("tags %s", [concat(", ", sort([sprintf("%s=%s", [k, v]) | some k, v in rule.filter_tags]))])] if {
	has_tag_filter(rule)
} else := []
