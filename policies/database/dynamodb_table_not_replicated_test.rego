package drready.rules.dynamodb_table_not_replicated

t_arn(region, account, name) := sprintf("arn:aws:dynamodb:%s:%s:table/%s", [region, account, name])

t_table(region, account, name, status, replicas) := {
	"arn": t_arn(region, account, name), "id": name, "name": name, "tags": {}, "region": region, "account": account,
	"status": status, "key_schema": [{"attribute_name": "pk", "key_type": "HASH"}], "global_secondary_indexes": [],
	"replicas": replicas,
}

t_primary(name, replicas) := t_table("us-east-1", "111111111111", name, "ACTIVE", replicas)

t_input(primary_tables, standby_tables) := {
	"primary": {"account": "111111111111", "region": "us-east-1", "dynamodb": {"tables": primary_tables}},
	"standby": {"account": "222222222222", "region": "us-west-2", "dynamodb": {"tables": standby_tables}},
}

test_table_without_replica_is_denied if {
	d := t_input([t_primary("orders", [])], [])
	findings := deny with input as d
	count(findings) == 1
	some f in findings
	f.resource == t_arn("us-east-1", "111111111111", "orders")
	f.site == "primary"
	contains(f.message, "DynamoDB table orders in primary region us-east-1 has no ACTIVE replica in standby region us-west-2: it has no replica in us-west-2 and the standby has no table of that name.")
	f.related == []
}

test_replica_not_active_is_denied if {
	d := t_input([t_primary("orders", [{"region": "us-west-2", "status": "CREATING"}])], [])
	some f in deny with input as d
	contains(f.message, "its replica in us-west-2 is CREATING, not ACTIVE")
}

test_separate_standby_table_of_the_same_name_is_denied if {
	standby := t_table("us-west-2", "222222222222", "orders", "ACTIVE", [])
	d := t_input([t_primary("orders", [{"region": "eu-west-1", "status": "ACTIVE"}])], [standby])
	some f in deny with input as d
	contains(f.message, "the standby table of the same name is a separate table, not a replica of it")
	f.related == [standby.arn]
}

test_global_table_replica_passes if {
	d := t_input([t_primary("orders", [{"region": "us-west-2", "status": "ACTIVE"}])], [])
	count(deny) == 0 with input as d
	applicable == {t_arn("us-east-1", "111111111111", "orders")} with input as d
}

test_standby_member_listing_the_primary_region_passes if {
	standby := t_table("us-west-2", "222222222222", "orders", "ACTIVE", [{"region": "us-east-1", "status": "ACTIVE"}])
	d := t_input([t_primary("orders", [])], [standby])
	count(deny) == 0 with input as d
	applicable == {t_arn("us-east-1", "111111111111", "orders")} with input as d
}

test_tables_that_are_not_active_are_not_judged if {
	d := t_input([t_table("us-east-1", "111111111111", "old", "DELETING", [])], [])
	count(applicable) == 0 with input as d
	count(deny) == 0 with input as d
}

test_metadata if {
	metadata.id == "DR-DDB-001"
	metadata.severity == "critical"
	metadata.category == "database"
}
