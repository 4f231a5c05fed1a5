package drready.rules.dynamodb_pitr_disabled

t_table(region, pitr) := {k: v |
	some k, v in {
		"arn": sprintf("arn:aws:dynamodb:%s:111111111111:table/orders", [region]), "id": "orders", "name": "orders", "tags": {},
		"region": region, "account": "111111111111", "status": "ACTIVE", "replicas": [], "point_in_time_recovery": pitr,
	}
	v != null
}

t_input(p, s) := {
	"primary": {"account": "111111111111", "region": "us-east-1", "dynamodb": {"tables": [p]}},
	"standby": {"account": "111111111111", "region": "us-west-2", "dynamodb": {"tables": [s]}},
	"parity": {"standby_of": {p.arn: s.arn}},
	"index": {"standby": {"by_arn": {s.arn: s}}},
}

test_primary_without_pitr_is_denied if {
	p := t_table("us-east-1", "DISABLED")
	findings := deny with input as t_input(p, t_table("us-west-2", "ENABLED"))
	count(findings) == 1
	some f in findings
	f.resource == p.arn
	f.site == "primary"
	f.related == []
	contains(f.message, "DynamoDB table orders in primary region us-east-1 has point-in-time recovery DISABLED")
}

test_standby_replica_without_pitr_is_denied if {
	p := t_table("us-east-1", "ENABLED")
	s := t_table("us-west-2", "DISABLED")
	findings := deny with input as t_input(p, s)
	count(findings) == 1
	some f in findings
	f.resource == s.arn
	f.site == "standby"
	f.related == [p.arn]
	contains(f.message, "Standby replica orders in us-west-2 of primary table orders has point-in-time recovery DISABLED")
}

test_pitr_on_both_sides_passes if {
	p := t_table("us-east-1", "ENABLED")
	s := t_table("us-west-2", "ENABLED")
	count(deny) == 0 with input as t_input(p, s)
	applicable == {p.arn, s.arn} with input as t_input(p, s)
}

test_unread_continuous_backups_are_not_judged if {
	p := t_table("us-east-1", null)
	s := t_table("us-west-2", null)
	count(applicable) == 0 with input as t_input(p, s)
}

test_metadata if {
	metadata.id == "DR-DDB-003"
	metadata.severity == "medium"
	metadata.category == "database"
}
