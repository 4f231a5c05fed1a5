package drready.rules.dynamodb_replica_drift

t_keys(h) := [{"attribute_name": h, "key_type": "HASH"}, {"attribute_name": "sk", "key_type": "RANGE"}]

t_table(region, account, gsis, stream, sse) := {k: v |
	some k, v in {
		"arn": sprintf("arn:aws:dynamodb:%s:%s:table/orders", [region, account]), "id": "orders", "name": "orders", "tags": {},
		"region": region, "account": account, "status": "ACTIVE", "key_schema": t_keys("pk"),
		"global_secondary_indexes": gsis, "stream_view_type": stream, "sse_type": sse, "replicas": [],
	}
	v != null
}

t_gsi(name, h) := {"name": name, "key_schema": [{"attribute_name": h, "key_type": "HASH"}]}

t_input(p, s) := {
	"primary": {"account": "111111111111", "region": "us-east-1", "dynamodb": {"tables": [p]}},
	"standby": {"account": "111111111111", "region": "us-west-2", "dynamodb": {"tables": [s]}},
	"parity": {"standby_of": {p.arn: s.arn}},
	"index": {"primary": {"by_arn": {p.arn: p}}, "standby": {"by_arn": {s.arn: s}}},
}

test_index_drift_is_denied if {
	p := t_table("us-east-1", "111111111111", [t_gsi("by-customer", "customer"), t_gsi("by-day", "day")], "NEW_AND_OLD_IMAGES", "KMS")
	s := t_table("us-west-2", "111111111111", [t_gsi("by-customer", "cust")], "NEW_AND_OLD_IMAGES", "KMS")
	findings := deny with input as t_input(p, s)
	count(findings) == 1
	some f in findings
	f.resource == s.arn
	f.site == "standby"
	f.related == [p.arn]
	contains(f.message, "Standby DynamoDB table orders in us-west-2 differs from primary table orders in us-east-1: global secondary indexes only in the primary: [by-customer (customer HASH), by-day (day HASH)]; only in the standby: [by-customer (cust HASH)].")
}

test_key_stream_and_encryption_drift_is_denied if {
	p := t_table("us-east-1", "111111111111", [], "NEW_AND_OLD_IMAGES", "KMS")
	s := object.union(t_table("us-west-2", "111111111111", [], null, null), {"key_schema": t_keys("id")})
	some f in deny with input as t_input(p, s)
	contains(f.message, "key schema pk HASH, sk RANGE in the primary, id HASH, sk RANGE in the standby")
	contains(f.message, "stream view type NEW_AND_OLD_IMAGES in the primary, off in the standby")
	contains(f.message, "encryption type KMS in the primary, DEFAULT (AWS owned key) in the standby")
}

test_identical_replica_passes if {
	p := t_table("us-east-1", "111111111111", [t_gsi("by-customer", "customer")], "NEW_AND_OLD_IMAGES", null)
	s := t_table("us-west-2", "111111111111", [t_gsi("by-customer", "customer")], "NEW_AND_OLD_IMAGES", null)
	count(deny) == 0 with input as t_input(p, s)
	applicable == {s.arn} with input as t_input(p, s)
}

test_table_without_twin_is_not_judged if {
	p := t_table("us-east-1", "111111111111", [], null, null)
	d := {"primary": {"dynamodb": {"tables": [p]}}, "parity": {"standby_of": {}}, "index": {"standby": {"by_arn": {}}}}
	count(applicable) == 0 with input as d
}

test_metadata if {
	metadata.id == "DR-DDB-002"
	metadata.severity == "high"
	metadata.category == "database"
}
