package drready.rules.ebs_snapshot_copy_stale

import data.drready.lib

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

# The recovery points the standby holds, as [volume id, start time (ns), snapshot id, snapshot,
# standby copy ARN]: completed primary snapshots with a completed standby copy, sorted, so the
# newest point of a volume is the last of its run (equal start times broken by snapshot id).
# One sort instead of grouping by volume: grouping costs the interpreter several times more.
# The copy (lib.twin_of, written out) is looked up first: map lookups cost less than builtin
# calls, and most snapshots are dropped there. volume_id and start_time are strings when present
# (the snapshot model), so they are not tested with is_string.
points := sort([[snapshot.volume_id, time.parse_rfc3339_ns(snapshot.start_time), snapshot.id, snapshot, copy.arn] |
	some snapshot in input.primary.ec2.snapshots
	snapshot.state == "completed"
	copy := input.index.standby.by_arn[input.parity.standby_of[snapshot.arn]]
	copy.state == "completed"
])

# volume id -> its newest recovery point. (The list in a local variable: regorus resolves a
# local faster than a rule on every access.)
newest_point := {point[0]: point |
	sorted := points
	some i, point in sorted
	not sorted[i + 1][0] == point[0]
}

# Volumes with at least one copy; volumes without any are DR-EBS-001's concern.
applicable contains volume.arn if {
	newest := newest_point
	some volume in input.primary.ec2.volumes
	newest[volume.id]
}

deny contains finding if {
	newest := newest_point
	rpo := input.objectives.rpo_seconds
	some volume in input.primary.ec2.volumes
	point := newest[volume.id]
	age := floor((input.now_ns - point[1]) / 1000000000) # lib.seconds, written out
	age > rpo
	snapshot := point[3]
	finding := {
		"resource": volume.arn,
		"site": "primary",
		"message": sprintf("Volume %s in primary region %s: the newest snapshot copied to standby region %s is %s (started %s), %s old, older than the %s RPO.", [
			lib.label(volume), input.primary.region, input.standby.region, point[2], snapshot.start_time,
			lib.duration(age), lib.duration(rpo),
		]),
		"related": [snapshot.arn, point[4]],
	}
}
