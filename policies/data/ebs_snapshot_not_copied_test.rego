package drready.rules.ebs_snapshot_not_copied

import data.drready.testlib

t_volume_arn(id) := testlib.volume_arn(id)

t_snapshot_arn(id) := sprintf("arn:aws:ec2:us-east-1::snapshot/%s", [id])

t_volume(id, name) := testlib.volume(id, name)

t_snapshot(id, volume_id, start_time) := {
	"arn": t_snapshot_arn(id), "id": id, "name": "", "region": "us-east-1", "account": "111111111111",
	"volume_id": volume_id, "start_time": start_time, "state": "completed",
}

t_input(volumes, latest, standby_of) := {
	"primary": {"account": "111111111111", "region": "us-east-1", "ec2": {"volumes": volumes}},
	"standby": {"account": "111111111111", "region": "us-west-2", "ec2": {"volumes": []}},
	"index": {"primary": {"latest_snapshot_of_volume": latest}},
	"parity": {"standby_of": standby_of},
}

test_uncopied_latest_snapshot_is_denied if {
	d := t_input(
		[t_volume("vol-1", "db-data")],
		{"vol-1": t_snapshot("snap-2", "vol-1", "2026-11-20T02:00:00Z")},
		{},
	)
	findings := deny with input as d
	count(findings) == 1
	some f in findings
	f.resource == t_volume_arn("vol-1")
	f.site == "primary"
	f.related == [t_snapshot_arn("snap-2")]
	contains(f.message, "vol-1 (db-data)")
	contains(f.message, "snap-2")
}

test_copied_latest_snapshot_passes if {
	d := t_input(
		[t_volume("vol-1", "db-data")],
		{"vol-1": t_snapshot("snap-2", "vol-1", "2026-11-20T02:00:00Z")},
		{t_snapshot_arn("snap-2"): "arn:aws:ec2:us-west-2::snapshot/snap-9"},
	)
	count(deny) == 0 with input as d
	applicable == {t_volume_arn("vol-1")} with input as d
}

test_copy_of_older_snapshot_does_not_count if {
	d := t_input(
		[t_volume("vol-1", "db-data")],
		{"vol-1": t_snapshot("snap-2", "vol-1", "2026-11-20T02:00:00Z")},
		{t_snapshot_arn("snap-1"): "arn:aws:ec2:us-west-2::snapshot/snap-8"},
	)
	count(deny) == 1 with input as d
}

test_aws_backup_copy_of_the_volume_counts if {
	d := object.union(
		t_input(
			[t_volume("vol-1", "db-data")],
			{"vol-1": t_snapshot("snap-2", "vol-1", "2026-11-20T02:00:00Z")},
			{},
		),
		{"index": {"primary": {"standby_copy_of_volume": {"vol-1": {
			"arn": "arn:aws:ec2:us-west-2::snapshot/snap-b1",
			"source_time": "2026-11-20T02:30:00Z", "via": "aws backup",
		}}}}},
	)
	count(deny) == 0 with input as d
	applicable == {t_volume_arn("vol-1")} with input as d
}

test_older_backup_copy_does_not_count if {
	d := object.union(
		t_input(
			[t_volume("vol-1", "db-data")],
			{"vol-1": t_snapshot("snap-2", "vol-1", "2026-11-20T02:00:00Z")},
			{},
		),
		{"index": {"primary": {"standby_copy_of_volume": {"vol-1": {
			"arn": "arn:aws:ec2:us-west-2::snapshot/snap-b1",
			"source_time": "2026-11-19T02:30:00Z", "via": "aws backup",
		}}}}},
	)
	count(deny) == 1 with input as d
}

test_snapshot_within_the_copy_grace_is_not_yet_a_finding if {
	base := t_input(
		[t_volume("vol-1", "db-data")],
		{"vol-1": t_snapshot("snap-2", "vol-1", "2026-11-20T09:40:00Z")},
		{},
	)
	# Collected 20 minutes after the snapshot started: its copy may still be running.
	d := object.union(base, {"now_ns": time.parse_rfc3339_ns("2026-11-20T10:00:00Z"), "objectives": {"copy_grace_seconds": 3600}})
	count(deny) == 0 with input as d
	applicable == {t_volume_arn("vol-1")} with input as d
	# Two hours later it is overdue.
	late := object.union(base, {"now_ns": time.parse_rfc3339_ns("2026-11-20T11:40:00Z"), "objectives": {"copy_grace_seconds": 3600}})
	count(deny) == 1 with input as late
}

test_volume_without_snapshot_is_not_applicable if {
	d := t_input(
		[t_volume("vol-1", "db-data"), t_volume("vol-2", "scratch")],
		{"vol-1": t_snapshot("snap-2", "vol-1", "2026-11-20T02:00:00Z")},
		{t_snapshot_arn("snap-2"): "arn:aws:ec2:us-west-2::snapshot/snap-9"},
	)
	applicable == {t_volume_arn("vol-1")} with input as d
	count(deny) == 0 with input as d
}

test_metadata if {
	metadata.id == "DR-EBS-001"
	metadata.severity == "high"
	metadata.category == "data"
	metadata.inputs == ["ec2"]
}
