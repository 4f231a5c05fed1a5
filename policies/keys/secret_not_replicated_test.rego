package drready.rules.secret_not_replicated

t_arn(region, name) := sprintf("arn:aws:secretsmanager:%s:111111111111:secret:%s-AbCdEf", [region, name])

t_secret(name, tags, replication, extra) := object.union({
	"arn": t_arn("us-east-1", name), "id": name, "name": name, "tags": tags, "region": "us-east-1",
	"account": "111111111111", "replication": replication, "rotation_enabled": false,
}, extra)

t_input(secrets, workload_of, standby_secrets, standby_of) := {
	"primary": {"account": "111111111111", "region": "us-east-1", "secretsmanager": {"secrets": secrets}},
	"standby": {"account": "111111111111", "region": "us-west-2", "secretsmanager": {"secrets": standby_secrets}},
	"workload_of": workload_of,
	"config": {"pair_tag": "dr:pair", "app_tag": "app"},
	"parity": {"standby_of": standby_of},
	"index": {"standby": {"by_arn": {s.arn: s | some s in standby_secrets}}},
}

test_workload_secret_not_replicated_is_denied if {
	s := t_secret("web/db", {"app": "web"}, [], {})
	findings := deny with input as t_input([s], {s.arn: ["web"]}, [], {})
	count(findings) == 1
	some f in findings
	f.resource == s.arn
	f.site == "primary"
	contains(f.message, "Secret web/db of workload web in primary region us-east-1 is not replicated to standby region us-west-2, and the standby has no secret paired with it")
}

test_pair_tagged_secret_replicated_elsewhere_is_denied if {
	s := t_secret("shared/token", {"dr:pair": "token"}, [{"region": "eu-west-1", "status": "InSync"}], {})
	some f in deny with input as t_input([s], {}, [], {})
	contains(f.message, "Secret shared/token tagged dr:pair=token")
}

test_replicated_secret_passes if {
	s := t_secret("web/db", {"app": "web"}, [{"region": "us-west-2", "status": "InSync"}], {})
	d := t_input([s], {s.arn: ["web"]}, [], {})
	count(deny) == 0 with input as d
	applicable == {s.arn} with input as d
}

test_standby_twin_passes_unless_deleted if {
	s := t_secret("web/db", {"app": "web"}, [], {})
	twin := {"arn": t_arn("us-west-2", "web/db"), "name": "web/db", "region": "us-west-2"}
	d := t_input([s], {s.arn: ["web"]}, [twin], {s.arn: twin.arn})
	count(deny) == 0 with input as d
	applicable == {s.arn} with input as d
	gone := object.union(twin, {"deleted_date": "2026-11-19T00:00:00Z"})
	count(deny) == 1 with input as t_input([s], {s.arn: ["web"]}, [gone], {s.arn: gone.arn})
}

test_service_managed_replica_deleted_and_unowned_secrets_are_not_judged if {
	rds := t_secret("rds!db-1234", {"app": "web"}, [], {"owning_service": "rds"})
	replica := t_secret("web/replica", {"app": "web"}, [], {"primary_region": "eu-west-1"})
	deleted := t_secret("web/old", {"app": "web"}, [], {"deleted_date": "2026-11-19T00:00:00Z"})
	loose := t_secret("scratch", {}, [], {})
	d := t_input([rds, replica, deleted, loose], {rds.arn: ["web"], replica.arn: ["web"], deleted.arn: ["web"]}, [], {})
	count(applicable) == 0 with input as d
	count(deny) == 0 with input as d
}

test_metadata if {
	metadata.id == "DR-SEC-001"
	metadata.severity == "high"
	metadata.category == "keys"
}
