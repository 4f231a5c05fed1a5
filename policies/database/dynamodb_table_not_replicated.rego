package drready.rules.dynamodb_table_not_replicated

metadata := {
	"id": "DR-DDB-001",
	"title": "DynamoDB table has no active replica in the standby region",
	"severity": "critical",
	"category": "database",
	"inputs": ["dynamodb"],
	"why": concat(" ", [
		"An ACTIVE DynamoDB table of the primary region has no ACTIVE replica in the standby region: it is not a global table with a replica there (its Replicas list no standby replica, or the replica is still CREATING, UPDATING or failing), and the standby has no table of the same name that lists the primary region as a replica.",
		"Its items exist only in the primary region. On the day of the disaster the standby application finds no table, or an empty or stale one of the same name, and whatever the table held (sessions, orders, state) is lost or unreachable until the primary region returns; a global table replica cannot be added once the primary region is down.",
		"Global tables (version 2019.11.21) keep replicas in one account: with two accounts the replica in the standby region is listed by the primary table and judged from there. Tables that are not DR data — Terraform and Terragrunt state lock tables, Amplify DataStore sync tables — are set apart and not judged (tag dr:data=true to judge one anyway).",
	]),
	"remediation": "Add a replica in the standby region (make it a global table), or tag the table dr:data=false if it does not need to survive the region.",
	"remediation_detail": concat("\n", [
		"aws dynamodb describe-table --region PRIMARY_REGION --table-name TABLE --query 'Table.Replicas'",
		"aws dynamodb update-table --region PRIMARY_REGION --table-name TABLE --replica-updates '[{\"Create\": {\"RegionName\": \"STANDBY_REGION\"}}]'   # streams NEW_AND_OLD_IMAGES are enabled for you",
		"aws dynamodb wait table-exists --region STANDBY_REGION --table-name TABLE",
		"Terraform: aws_dynamodb_table { replica { region_name = \"STANDBY_REGION\" kms_key_arn = aws_kms_replica_key.<name>.arn point_in_time_recovery = true } } (or aws_dynamodb_table_replica with provider = aws.standby).",
	]),
	"references": [
		"https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/GlobalTables.html",
		"https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/V2globaltables.tutorial.html",
		"https://docs.aws.amazon.com/prescriptive-guidance/latest/dynamodb-global-tables/introduction.html",
	],
}

primary_tables contains table if {
	some table in object.get(input.primary, ["dynamodb", "tables"], [])
	table.status == "ACTIVE"
}

standby_by_name := {t.name: t | some t in object.get(input.standby, ["dynamodb", "tables"], [])}

# The table's replica in the standby region, as its Replicas list it.
standby_replica(table) := replica if {
	some replica in table.replicas
	replica.region == input.standby.region
}

replica_active(replica) if object.get(replica, "status", "ACTIVE") == "ACTIVE"

# A standby table of the same name that is a member of the same global table.
standby_member(table) := t if {
	t := standby_by_name[table.name]
	some replica in t.replicas
	replica.region == input.primary.region
}

table_covered(table) if replica_active(standby_replica(table))

table_covered(table) if standby_member(table).status == "ACTIVE"

replica_problem(table) := sprintf("its replica in %s is %s, not ACTIVE", [input.standby.region, replica.status]) if {
	replica := standby_replica(table)
	not replica_active(replica)
} else := sprintf("the standby table %s is %s, not ACTIVE", [table.name, member.status]) if {
	member := standby_member(table)
} else := sprintf("the standby table of the same name is a separate table, not a replica of it (it lists no replica in %s), so nothing keeps it in sync", [input.primary.region]) if {
	standby_by_name[table.name]
} else := sprintf("it has no replica in %s and the standby has no table of that name", [input.standby.region])

applicable contains table.arn if {
	some table in primary_tables
}

deny contains finding if {
	some table in primary_tables
	not table_covered(table)
	finding := {
		"resource": table.arn,
		"site": "primary",
		"message": sprintf("DynamoDB table %s in primary region %s has no ACTIVE replica in standby region %s: %s. Its items exist only in %s, and on failover day the standby application finds no table (or a stale one).", [
			table.name, input.primary.region, input.standby.region, replica_problem(table), input.primary.region,
		]),
		"related": [t.arn | t := standby_by_name[table.name]],
	}
}
