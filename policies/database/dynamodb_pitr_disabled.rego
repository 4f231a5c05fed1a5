package drready.rules.dynamodb_pitr_disabled

import data.drready.lib

metadata := {
	"id": "DR-DDB-003",
	"title": "Point-in-time recovery is off on a DynamoDB table or its standby replica",
	"severity": "medium",
	"category": "database",
	"inputs": ["dynamodb"],
	"why": concat(" ", [
		"Point-in-time recovery (continuous backups) is not ENABLED on an ACTIVE primary DynamoDB table, or on its standby twin (global table replica or paired standby table).",
		"Replication copies every write, the bad ones too: a faulty deployment, a script that deletes items, or ransomware reaches the standby within a second. Point-in-time recovery is the only way back to the state of a second before, on each replica separately, and it cannot be turned on retroactively.",
		"The standby replica needs it as much as the primary: after failover it is the table of record, and a corruption during the disaster (when runbooks are improvised) would have no way back.",
		"A table whose continuous backups could not be read is unknown, not failing.",
	]),
	"remediation": "Enable point-in-time recovery on the table in both regions.",
	"remediation_detail": concat("\n", [
		"aws dynamodb describe-continuous-backups --region REGION --table-name TABLE --query 'ContinuousBackupsDescription.PointInTimeRecoveryDescription.PointInTimeRecoveryStatus'",
		"aws dynamodb update-continuous-backups --region PRIMARY_REGION --table-name TABLE --point-in-time-recovery-specification PointInTimeRecoveryEnabled=true",
		"aws dynamodb update-continuous-backups --region STANDBY_REGION --table-name TABLE --point-in-time-recovery-specification PointInTimeRecoveryEnabled=true",
		"Terraform: aws_dynamodb_table { point_in_time_recovery { enabled = true } replica { region_name = \"STANDBY_REGION\" point_in_time_recovery = true } }.",
	]),
	"references": [
		"https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/PointInTimeRecovery.html",
		"https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/globaltables_reqs_bestpractices.html",
	],
}

# [site, table, primary table] for each table judged: ACTIVE primary tables and their standby twins.
judged_tables contains ["primary", table, table] if {
	some table in object.get(input.primary, ["dynamodb", "tables"], [])
	table.status == "ACTIVE"
	lib.is_set(table.point_in_time_recovery)
}

judged_tables contains ["standby", twin, table] if {
	some table in object.get(input.primary, ["dynamodb", "tables"], [])
	table.status == "ACTIVE"
	twin := lib.twin_of(table.arn)
	lib.is_set(twin.point_in_time_recovery)
}

applicable contains entry[1].arn if {
	some entry in judged_tables
}

what(site, table, primary) := sprintf("DynamoDB table %s in primary region %s", [table.name, input.primary.region]) if {
	site == "primary"
} else := sprintf("Standby replica %s in %s of primary table %s", [table.name, input.standby.region, primary.name])

deny contains finding if {
	some entry in judged_tables
	site := entry[0]
	table := entry[1]
	primary := entry[2]
	table.point_in_time_recovery != "ENABLED"
	finding := {
		"resource": table.arn,
		"site": site,
		"message": sprintf("%s has point-in-time recovery %s: a corruption or mass deletion that replication copies to every replica cannot be undone to the second before it, and backups cannot be enabled after the fact.", [
			what(site, table, primary), table.point_in_time_recovery,
		]),
		"related": [a | some a in [primary.arn]; a != table.arn],
	}
}
