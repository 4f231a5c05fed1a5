package drready.rules.ebs_snapshot_copy_stale

metadata := {
	"id": "DR-EBS-002",
	"title": "Newest standby copy of a volume's snapshots is older than the RPO",
	"severity": "medium",
	"category": "data",
	"inputs": ["ec2"],
	"why": concat(" ", [
		"The newest snapshot of this volume that has a completed copy in the standby region was taken longer ago than the recovery point objective.",
		"Restoring in the standby brings the volume back as it was at that moment, so everything written since is lost: more data than the business agreed to lose.",
		"This happens when the snapshot schedule or the cross-region copy stopped (a paused lifecycle policy, a copy failing on a KMS permission) while older copies keep everything looking fine.",
		"The age is measured from the start time of the primary snapshot the copy was made from, the point in time it restores, not from when the copy ran; copies still pending do not count.",
	]),
	"remediation": "Snapshot the volume and copy each snapshot to the standby region at least as often as the RPO (Data Lifecycle Manager or AWS Backup with a cross-region copy), and alarm when a copy fails.",
	"remediation_detail": concat("\n", [
		"aws ec2 describe-snapshots --region PRIMARY_REGION --owner-ids self --filters Name=volume-id,Values=vol-XXXX --query 'sort_by(Snapshots,&StartTime)[-3:].[SnapshotId,StartTime,State]'",
		"aws dlm get-lifecycle-policies --region PRIMARY_REGION --query 'Policies[].[PolicyId,State,Description]'   # is the policy ENABLED, does its schedule run often enough?",
		"aws ec2 copy-snapshot --region STANDBY_REGION --source-region PRIMARY_REGION --source-snapshot-id snap-NEWEST --tag-specifications 'ResourceType=snapshot,Tags=[{Key=dr:source-snapshot-id,Value=snap-NEWEST}]'",
		"Alarm on failed copies: EventBridge rule on source aws.ec2, detail-type \"EBS Snapshot Notification\", detail.event copySnapshot, detail.result failed.",
		"Terraform: aws_dlm_lifecycle_policy policy_details.schedule { create_rule { interval = HOURS } cross_region_copy_rule { target = \"STANDBY_REGION\" } } with an interval no longer than the RPO, or aws_backup_plan rule { schedule, copy_action { destination_vault_arn } }.",
	]),
	"references": [
		"https://docs.aws.amazon.com/ebs/latest/userguide/snapshot-lifecycle.html",
		"https://docs.aws.amazon.com/ebs/latest/userguide/ebs-copy-snapshot.html",
		"https://docs.aws.amazon.com/ebs/latest/userguide/ebs-cloud-watch-events.html",
	],
}

ns_per_second := 1000000000

# The last '/'-separated part of an ARN: the snapshot id of a snapshot ARN.
arn_id(arn) := id if {
	parts := split(arn, "/")
	id := parts[count(parts) - 1]
}

# volume id -> the recovery points the standby holds: completed primary snapshots of the volume
# with a completed standby copy, by the primary snapshot's start time.
points[volume_id] contains point if {
	some snapshot in input.primary.ec2.snapshots
	snapshot.state == "completed"
	volume_id := snapshot.volume_id
	is_string(volume_id)
	is_string(snapshot.start_time)
	copy_arn := input.parity.standby_of[snapshot.arn]
	input.index.standby.snapshots[arn_id(copy_arn)].state == "completed"
	point := {"ns": time.parse_rfc3339_ns(snapshot.start_time), "snapshot": snapshot, "copy": copy_arn}
}

# The newest recovery point; equal start times are broken by snapshot id, so there is one.
newest_point(volume_id) := point if {
	ordered := sort([[p.ns, p.snapshot.id] | some p in points[volume_id]])
	last := ordered[count(ordered) - 1]
	some point in points[volume_id]
	[point.ns, point.snapshot.id] == last
}

# Volumes with at least one copy; volumes without any are DR-EBS-001's concern.
applicable contains volume.arn if {
	some volume in input.primary.ec2.volumes
	points[volume.id]
}

deny contains finding if {
	some volume in input.primary.ec2.volumes
	point := newest_point(volume.id)
	age := floor((input.now_ns - point.ns) / ns_per_second)
	age > input.objectives.rpo_seconds
	finding := {
		"resource": volume.arn,
		"site": "primary",
		"message": sprintf("Volume %s in primary region %s: the newest snapshot copied to standby region %s is %s (started %s), %s old, older than the %s RPO.", [
			label(volume), input.primary.region, input.standby.region, point.snapshot.id, point.snapshot.start_time,
			duration(age), duration(input.objectives.rpo_seconds),
		]),
		"related": [point.snapshot.arn, point.copy],
	}
}

label(resource) := sprintf("%s (%s)", [resource.id, resource.name]) if {
	object.get(resource, "name", "") != ""
	resource.name != resource.id
} else := resource.id

# A human duration: 2d 7h, 31h 1m, 24h, 15m, 45s.
duration(seconds) := sprintf("%dd %dh", [floor(seconds / 86400), floor((seconds % 86400) / 3600)]) if {
	seconds >= 172800
} else := sprintf("%dh %dm", [floor(seconds / 3600), floor((seconds % 3600) / 60)]) if {
	seconds >= 3600
	seconds % 3600 != 0
} else := sprintf("%dh", [floor(seconds / 3600)]) if {
	seconds >= 3600
} else := sprintf("%dm", [floor(seconds / 60)]) if {
	seconds >= 60
} else := sprintf("%ds", [floor(seconds)])
