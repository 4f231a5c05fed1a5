package drready.rules.ebs_snapshot_copy_stale

import data.drready.testlib

t_volume_arn(id) := testlib.volume_arn(id)

t_snapshot_arn(region, id) := sprintf("arn:aws:ec2:%s::snapshot/%s", [region, id])

t_volume(id, name) := testlib.volume(id, name)

t_snapshot(region, id, volume_id, start_time, state) := {
	"arn": t_snapshot_arn(region, id), "id": id, "name": "", "region": region, "account": "111111111111",
	"volume_id": volume_id, "start_time": start_time, "state": state,
}

# now is 2026-11-20T10:00:00Z; copies are named like their source with a "c" suffix.
t_input(volumes, snapshots, copies, rpo) := {
	"now": "2026-11-20T10:00:00Z",
	"now_ns": time.parse_rfc3339_ns("2026-11-20T10:00:00Z"),
	"primary": {"account": "111111111111", "region": "us-east-1", "ec2": {"volumes": volumes, "snapshots": snapshots}},
	"standby": {"account": "111111111111", "region": "us-west-2", "ec2": {"snapshots": [c | some c in copies]}},
	"index": {"standby": {"snapshots": {c.id: c | some c in copies}, "by_arn": {c.arn: c | some c in copies}}},
	"parity": {"standby_of": {t_snapshot_arn("us-east-1", trim_suffix(c.id, "c")): c.arn | some c in copies}},
	"objectives": {"rpo_seconds": rpo, "rto_seconds": 14400, "dns_ttl_max_seconds": 60, "failback": false, "default_tier": "pilot-light"},
}

t_copy(source_id, state) := t_snapshot("us-west-2", concat("", [source_id, "c"]), "vol-ffffffff", "2026-11-20T09:59:00Z", state)

test_stale_newest_copy_is_denied if {
	d := t_input(
		[t_volume("vol-1", "db-data")],
		[
			t_snapshot("us-east-1", "snap-1", "vol-1", "2026-11-18T03:00:00Z", "completed"),
			t_snapshot("us-east-1", "snap-2", "vol-1", "2026-11-19T03:00:00Z", "completed"),
		],
		[t_copy("snap-1", "completed"), t_copy("snap-2", "completed")],
		86400,
	)
	findings := deny with input as d
	count(findings) == 1
	some f in findings
	f.resource == t_volume_arn("vol-1")
	f.site == "primary"
	f.related == [t_snapshot_arn("us-east-1", "snap-2"), t_snapshot_arn("us-west-2", "snap-2c")]
	contains(f.message, "vol-1 (db-data)")
	contains(f.message, "snap-2 (started 2026-11-19T03:00:00Z), 31h old, older than the 24h RPO")
}

test_fresh_copy_passes if {
	d := t_input(
		[t_volume("vol-1", "db-data")],
		[t_snapshot("us-east-1", "snap-2", "vol-1", "2026-11-20T03:00:00Z", "completed")],
		[t_copy("snap-2", "completed")],
		86400,
	)
	count(deny) == 0 with input as d
	applicable == {t_volume_arn("vol-1")} with input as d
}

test_age_equal_to_rpo_passes if {
	d := t_input(
		[t_volume("vol-1", "db-data")],
		[t_snapshot("us-east-1", "snap-2", "vol-1", "2026-11-19T10:00:00Z", "completed")],
		[t_copy("snap-2", "completed")],
		86400,
	)
	count(deny) == 0 with input as d
	applicable == {t_volume_arn("vol-1")} with input as d
}

test_rpo_comes_from_objectives if {
	d := t_input(
		[t_volume("vol-1", "db-data")],
		[t_snapshot("us-east-1", "snap-2", "vol-1", "2026-11-20T09:40:00Z", "completed")],
		[t_copy("snap-2", "completed")],
		900,
	)
	findings := deny with input as d
	count(findings) == 1
	some f in findings
	contains(f.message, "20m old, older than the 15m RPO")
}

test_age_is_measured_from_the_source_not_the_copy if {
	# the copy ran a minute ago, but it holds the data of 3 days ago
	d := t_input(
		[t_volume("vol-1", "db-data")],
		[t_snapshot("us-east-1", "snap-1", "vol-1", "2026-11-17T03:00:00Z", "completed")],
		[t_copy("snap-1", "completed")],
		86400,
	)
	some f in deny with input as d
	contains(f.message, "3d 7h old")
}

test_pending_copy_does_not_count if {
	d := t_input(
		[t_volume("vol-1", "db-data")],
		[
			t_snapshot("us-east-1", "snap-1", "vol-1", "2026-11-17T03:00:00Z", "completed"),
			t_snapshot("us-east-1", "snap-2", "vol-1", "2026-11-20T03:00:00Z", "completed"),
		],
		[t_copy("snap-1", "completed"), t_copy("snap-2", "pending")],
		86400,
	)
	findings := deny with input as d
	count(findings) == 1
	some f in findings
	contains(f.message, "snap-1")
}

test_pending_source_does_not_count if {
	d := t_input(
		[t_volume("vol-1", "db-data")],
		[t_snapshot("us-east-1", "snap-2", "vol-1", "2026-11-20T03:00:00Z", "pending")],
		[t_copy("snap-2", "completed")],
		86400,
	)
	count(applicable) == 0 with input as d
}

test_volume_without_copies_is_not_applicable if {
	d := t_input(
		[t_volume("vol-1", "db-data"), t_volume("vol-2", "scratch")],
		[t_snapshot("us-east-1", "snap-9", "vol-2", "2026-11-10T03:00:00Z", "completed")],
		[],
		86400,
	)
	count(applicable) == 0 with input as d
	count(deny) == 0 with input as d
}

test_only_stale_volumes_are_denied if {
	d := t_input(
		[t_volume("vol-1", "db-data"), t_volume("vol-2", "media")],
		[
			t_snapshot("us-east-1", "snap-1", "vol-1", "2026-11-20T03:00:00Z", "completed"),
			t_snapshot("us-east-1", "snap-2", "vol-2", "2026-11-15T03:00:00Z", "completed"),
		],
		[t_copy("snap-1", "completed"), t_copy("snap-2", "completed")],
		86400,
	)
	findings := deny with input as d
	{f.resource | some f in findings} == {t_volume_arn("vol-2")}
	applicable == {t_volume_arn("vol-1"), t_volume_arn("vol-2")} with input as d
}

test_equal_start_times_give_one_finding if {
	d := t_input(
		[t_volume("vol-1", "db-data")],
		[
			t_snapshot("us-east-1", "snap-a", "vol-1", "2026-11-18T03:00:00Z", "completed"),
			t_snapshot("us-east-1", "snap-b", "vol-1", "2026-11-18T03:00:00Z", "completed"),
		],
		[t_copy("snap-a", "completed"), t_copy("snap-b", "completed")],
		86400,
	)
	findings := deny with input as d
	count(findings) == 1
	some f in findings
	contains(f.message, "snap-b")
}

test_metadata if {
	metadata.id == "DR-EBS-002"
	metadata.severity == "medium"
	metadata.category == "data"
	metadata.inputs == ["ec2"]
}
