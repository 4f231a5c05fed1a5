package drready.rules.ebs_snapshot_not_copied

import data.drready.lib

metadata := {
	"id": "DR-EBS-001",
	"title": "Newest EBS snapshot of a volume has no copy in the standby region",
	"severity": "high",
	"category": "data",
	"inputs": ["ec2"],
	"why": concat(" ", [
		"EBS snapshots are regional: a volume can only be restored in the standby region from a snapshot that has been copied there.",
		"The newest completed snapshot of this volume exists only in the primary region, so on the day of the disaster the standby either restores an older copy (losing everything since, possibly beyond the RPO) or has no data for this volume at all.",
		"Copying a snapshot needs the source region to be reachable, which it is not during a regional outage.",
		"A copy counts however it was made: paired by the dr:source-snapshot-id tag or the description EC2 writes on copies, the snapshot of a copied AMI (SourceSnapshot in its description), or an AWS Backup copy (tag aws:backup:source-resource naming the volume) at least as new. A snapshot taken less than objectives.copy_grace (default 1 h) before collection is not judged yet: its copy may still be running.",
	]),
	"remediation": "Copy every new snapshot of the volume to the standby region automatically (Data Lifecycle Manager or AWS Backup cross-region copy).",
	"remediation_detail": concat("\n", [
		"aws ec2 copy-snapshot --region STANDBY_REGION --source-region PRIMARY_REGION --source-snapshot-id snap-XXXX --description 'DR copy of snap-XXXX' --tag-specifications 'ResourceType=snapshot,Tags=[{Key=dr:source-snapshot-id,Value=snap-XXXX}]'",
		"aws dlm create-lifecycle-policy --region PRIMARY_REGION --execution-role-arn arn:aws:iam::ACCOUNT:role/AWSDataLifecycleManagerDefaultRole --description dr-copy --state ENABLED --policy-details file://dlm.json",
		"  # dlm.json: a Schedules[] entry with CrossRegionCopyRules [{\"Target\": \"STANDBY_REGION\", \"Encrypted\": true, \"CopyTags\": true, \"RetainRule\": {\"Interval\": 7, \"IntervalUnit\": \"DAYS\"}}]",
		"Terraform: aws_dlm_lifecycle_policy with policy_details.schedule.cross_region_copy_rule { target = \"STANDBY_REGION\" }, or aws_backup_plan rule.copy_action.destination_vault_arn = a vault in the standby region; one-off copies with aws_ebs_snapshot_copy (source_snapshot_id, source_region).",
	]),
	"references": [
		"https://docs.aws.amazon.com/ebs/latest/userguide/ebs-copy-snapshot.html",
		"https://docs.aws.amazon.com/ebs/latest/userguide/snapshot-lifecycle.html",
		"https://docs.aws.amazon.com/aws-backup/latest/devguide/cross-region-backup.html",
	],
}

# Volumes that have at least one completed snapshot; volumes never snapshotted are not judged here.
applicable contains volume.arn if {
	some volume in input.primary.ec2.volumes
	input.index.primary.latest_snapshot_of_volume[volume.id]
}

deny contains finding if {
	some volume in input.primary.ec2.volumes
	snapshot := input.index.primary.latest_snapshot_of_volume[volume.id]
	not snapshot_covered(volume, snapshot)
	not in_grace(snapshot)
	finding := {
		"resource": volume.arn,
		"site": "primary",
		"message": sprintf("Volume %s in primary region %s: its newest snapshot %s (%s) has no copy in standby region %s.", [
			lib.label(volume), input.primary.region, snapshot.id, started(snapshot), input.standby.region,
		]),
		"related": [snapshot.arn],
	}
}

started(snapshot) := sprintf("started %s", [snapshot.start_time]) if {
	is_string(snapshot.start_time)
} else := "start time unknown"

# The snapshot's own copy (paired by tag, name or the copy's description).
snapshot_covered(_, snapshot) if input.parity.standby_of[snapshot.arn]

# A standby copy of this volume's data at least as new: an AWS Backup copy (tag
# aws:backup:source-resource), an AMI copy's snapshot, or the copy of a later snapshot.
snapshot_covered(volume, snapshot) if {
	copy := input.index.primary.standby_copy_of_volume[volume.id]
	time.parse_rfc3339_ns(copy.source_time) >= time.parse_rfc3339_ns(snapshot.start_time)
}

# Taken less than objectives.copy_grace_seconds (default 1 h) before collection: the copy may
# still be in progress.
in_grace(snapshot) if {
	grace := object.get(object.get(input, "objectives", {}), "copy_grace_seconds", 3600)
	input.now_ns - time.parse_rfc3339_ns(snapshot.start_time) < grace * 1000000000
}
