package drready.rules.s3_replication_without_rtc

import data.drready.lib

metadata := {
	"id": "DR-S3-005",
	"title": "S3 replication to the standby has no Replication Time Control under a tight RPO",
	"severity": "low",
	"category": "data",
	"inputs": ["s3"],
	"why": concat(" ", [
		"The recovery point objective is 15 minutes or less, but an enabled replication rule of this bucket toward the standby region runs without S3 Replication Time Control (RTC).",
		"Without RTC, S3 replicates most objects within minutes but gives no bound: during large uploads or S3 incidents the backlog grows to hours, and without RTC's metrics nobody sees it.",
		"RTC replicates 99.99% of objects within 15 minutes and publishes replication latency and pending bytes, the evidence that the RPO is actually met. Every enabled rule toward the standby needs it, because an object that matches a rule without RTC has no bound.",
		"The rule applies only when the configured rpo is 15 minutes or less; with a looser RPO it judges nothing.",
	]),
	"remediation": "Enable Replication Time Control and replication metrics on every enabled replication rule toward the standby bucket, and alarm on its latency metric.",
	"remediation_detail": concat("\n", [
		"aws s3api put-bucket-replication --bucket SOURCE --replication-configuration file://replication.json",
		"  # on each rule toward the standby: \"Destination\": {\"Bucket\": \"arn:aws:s3:::SOURCE-STANDBY\", \"ReplicationTime\": {\"Status\": \"Enabled\", \"Time\": {\"Minutes\": 15}}, \"Metrics\": {\"Status\": \"Enabled\", \"EventThreshold\": {\"Minutes\": 15}}}",
		"aws cloudwatch put-metric-alarm --namespace AWS/S3 --metric-name ReplicationLatency --dimensions Name=SourceBucket,Value=SOURCE Name=DestinationBucket,Value=SOURCE-STANDBY Name=RuleId,Value=RULE_ID --statistic Maximum --period 300 --evaluation-periods 1 --threshold 900 --comparison-operator GreaterThanThreshold --alarm-name SOURCE-replication-latency",
		"Terraform: aws_s3_bucket_replication_configuration rule.destination { replication_time { status = \"Enabled\" time { minutes = 15 } } metrics { status = \"Enabled\" event_threshold { minutes = 15 } } }.",
	]),
	"references": [
		"https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-time-control.html",
		"https://docs.aws.amazon.com/AmazonS3/latest/userguide/repl-metrics.html",
		"https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-metrics-events.html",
	],
}

# RTC bounds replication at 15 minutes; the rule only matters for objectives at least that tight.
rtc_seconds := 900

tight_rpo if input.objectives.rpo_seconds <= rtc_seconds

has_rtc(rule) if rule.destination.replication_time_control == true

applicable contains bucket.arn if {
	tight_rpo
	some bucket in input.primary.s3.buckets
	count(lib.standby_rules(bucket)) > 0
}

deny contains finding if {
	tight_rpo
	some bucket in input.primary.s3.buckets
	without := [lib.rule_label(rule) | some rule in lib.standby_rules(bucket); not has_rtc(rule)]
	count(without) > 0
	finding := {
		"resource": bucket.arn,
		"site": "primary",
		"message": sprintf("Bucket %s in primary region %s replicates to standby region %s without Replication Time Control (rule %s), so nothing bounds replication lag below the %s RPO.", [
			bucket.name, input.primary.region, input.standby.region, concat(", ", sort(without)), lib.duration(input.objectives.rpo_seconds),
		]),
	}
}
