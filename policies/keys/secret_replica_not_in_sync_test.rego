package drready.rules.secret_replica_not_in_sync

t_secret(name, replication, extra) := object.union({
	"arn": sprintf("arn:aws:secretsmanager:us-east-1:111111111111:secret:%s-AbCdEf", [name]), "id": name, "name": name,
	"tags": {}, "region": "us-east-1", "account": "111111111111", "replication": replication,
}, extra)

t_input(secrets) := {
	"primary": {"account": "111111111111", "region": "us-east-1", "secretsmanager": {"secrets": secrets}},
	"standby": {"account": "111111111111", "region": "us-west-2"},
}

test_failed_replica_is_denied_with_its_message if {
	s := t_secret("web/db", [{"region": "us-west-2", "status": "Failed", "status_message": "Replication failed: Secret name web/db already exists in region us-west-2."}], {})
	findings := deny with input as t_input([s])
	count(findings) == 1
	some f in findings
	f.resource == s.arn
	f.site == "primary"
	contains(f.message, "Secret web/db in primary region us-east-1: its replica in standby region us-west-2 is Failed (Replication failed: Secret name web/db already exists in region us-west-2.), not InSync.")
}

test_replica_in_progress_is_denied if {
	s := t_secret("web/db", [{"region": "us-west-2", "status": "InProgress"}], {})
	some f in deny with input as t_input([s])
	contains(f.message, "is InProgress, not InSync")
}

test_in_sync_replica_passes if {
	s := t_secret("web/db", [{"region": "eu-west-1", "status": "Failed"}, {"region": "us-west-2", "status": "InSync"}], {})
	count(deny) == 0 with input as t_input([s])
	applicable == {s.arn} with input as t_input([s])
}

test_deleted_and_unreplicated_secrets_are_not_judged if {
	deleted := t_secret("web/old", [{"region": "us-west-2", "status": "Failed"}], {"deleted_date": "2026-11-19T00:00:00Z"})
	alone := t_secret("web/alone", [], {})
	count(applicable) == 0 with input as t_input([deleted, alone])
}

test_metadata if {
	metadata.id == "DR-SEC-002"
	metadata.severity == "high"
	metadata.category == "keys"
}
