package drready.rules.dynamodb_replica_drift

import data.drready.lib

metadata := {
	"id": "DR-DDB-002",
	"title": "Standby DynamoDB table differs from the primary in keys, indexes, stream or encryption",
	"severity": "high",
	"category": "database",
	"inputs": ["dynamodb"],
	"why": concat(" ", [
		"The standby twin of an ACTIVE primary DynamoDB table (its global table replica, or the standby table paired by dr:pair tag or name) has a different key schema, different global secondary indexes (names and key schemas), a different stream view type, or a different server-side encryption type.",
		"The application that fails over queries the standby table with the primary's keys and index names: a missing or differently keyed index makes those queries fail with ValidationException, a different key schema makes every read and write fail, a stream without the same view type starves the consumers (Lambda triggers, replication pipelines) that the standby expects to run, and a different encryption type changes which key (and key policy) the standby data depends on.",
		"Global table replicas normally stay identical; drift appears when the standby table was created on its own (restored from a backup, deployed by another template) or an index was added on one side only.",
	]),
	"remediation": "Make the standby table's key schema, global secondary indexes, stream and encryption type match the primary's (for a separate table: recreate or update it from the same definition).",
	"remediation_detail": concat("\n", [
		"aws dynamodb describe-table --region PRIMARY_REGION --table-name TABLE --query 'Table.[KeySchema,GlobalSecondaryIndexes[].[IndexName,KeySchema],StreamSpecification,SSEDescription.SSEType]'",
		"aws dynamodb describe-table --region STANDBY_REGION --table-name TABLE --query 'Table.[KeySchema,GlobalSecondaryIndexes[].[IndexName,KeySchema],StreamSpecification,SSEDescription.SSEType]'",
		"aws dynamodb update-table --region STANDBY_REGION --table-name TABLE --attribute-definitions ... --global-secondary-index-updates '[{\"Create\": {\"IndexName\": \"INDEX\", \"KeySchema\": [...], \"Projection\": {\"ProjectionType\": \"ALL\"}}}]'",
		"aws dynamodb update-table --region STANDBY_REGION --table-name TABLE --stream-specification StreamEnabled=true,StreamViewType=NEW_AND_OLD_IMAGES",
		"Terraform: define both tables from one module (or one aws_dynamodb_table with replica blocks) so hash_key, range_key, global_secondary_index, stream_view_type and server_side_encryption cannot drift.",
	]),
	"references": [
		"https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/globaltables_reqs_bestpractices.html",
		"https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/GSI.html",
		"https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Streams.html",
		"https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/EncryptionAtRest.html",
	],
}

keys_text(schema) := "(none)" if {
	count(schema) == 0
} else := concat(", ", [sprintf("%s %s", [k.attribute_name, k.key_type]) | some k in schema])

indexes(table) := {sprintf("%s (%s)", [i.name, keys_text(i.key_schema)]) | some i in object.get(table, "global_secondary_indexes", [])}

stream(table) := object.get(table, "stream_view_type", "off")

encryption(table) := object.get(table, "sse_type", "DEFAULT (AWS owned key)")

# Primary table -> its standby twin.
twins[table.arn] := twin if {
	some table in object.get(input.primary, ["dynamodb", "tables"], [])
	table.status == "ACTIVE"
	twin := lib.twin_of(table.arn)
}

replica_differences(p, s) := [d |
	some d in [
		key_diff(p, s),
		index_diff(p, s),
		value_diff("stream view type", stream(p), stream(s)),
		value_diff("encryption type", encryption(p), encryption(s)),
	]
	d != ""
]

key_diff(p, s) := sprintf("key schema %s in the primary, %s in the standby", [keys_text(p.key_schema), keys_text(s.key_schema)]) if {
	p.key_schema != s.key_schema
} else := ""

index_diff(p, s) := sprintf("global secondary indexes only in the primary: [%s]; only in the standby: [%s]", [
	concat(", ", sort(indexes(p) - indexes(s))), concat(", ", sort(indexes(s) - indexes(p))),
]) if {
	indexes(p) != indexes(s)
} else := ""

value_diff(what, a, b) := sprintf("%s %s in the primary, %s in the standby", [what, a, b]) if {
	a != b
} else := ""

applicable contains twin.arn if {
	some _, twin in twins
}

deny contains finding if {
	some primary_arn, twin in twins
	table := input.index.primary.by_arn[primary_arn]
	diffs := replica_differences(table, twin)
	count(diffs) > 0
	finding := {
		"resource": twin.arn,
		"site": "standby",
		"message": sprintf("Standby DynamoDB table %s in %s differs from primary table %s in %s: %s. After failover the application's queries, index reads and stream consumers do not work as they do in the primary.", [
			twin.name, input.standby.region, table.name, input.primary.region, concat("; ", diffs),
		]),
		"related": [primary_arn],
	}
}
