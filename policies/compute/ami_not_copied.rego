package drready.rules.ami_not_copied

import data.drready.lib

metadata := {
	"id": "DR-EC2-001",
	"title": "AMI in use has no copy in the standby region",
	"severity": "critical",
	"category": "compute",
	"inputs": ["ec2"],
	"why": concat(" ", [
		"AMIs are regional: an instance or launch template in the standby region can only boot from an image that exists there.",
		"This AMI, used by primary instances or launch templates (the version that launches: the default version, else the latest), has no copy in the standby region, so the replacement fleet cannot be launched from the same image.",
		"Copying an AMI takes minutes to hours and needs the source region's API, which is exactly what is unavailable during a regional outage.",
		"A copy that is pending or failed is not a copy. An AMI the account does not own (Amazon, Marketplace, or a golden image shared by an image-factory account) needs the owner's image of the same name available to the standby account in the standby region.",
	]),
	"remediation": "Copy the AMI to the standby region (and keep copying every new version) and point the standby launch templates at the copy.",
	"remediation_detail": concat("\n", [
		"aws ec2 copy-image --region STANDBY_REGION --source-region PRIMARY_REGION --source-image-id ami-XXXX --name NAME --copy-image-tags",
		"aws ec2 create-tags --region STANDBY_REGION --resources ami-COPY --tags Key=dr:source-ami-id,Value=ami-XXXX",
		"aws ec2 wait image-available --region STANDBY_REGION --image-ids ami-COPY",
		"Automate it: EC2 Image Builder distribution to both regions, or a Data Lifecycle Manager policy with cross-region copy rules.",
		"Terraform: aws_ami_copy (provider = aws.standby) with source_ami_id and source_ami_region; or aws_imagebuilder_distribution_configuration with a distribution block per region; or aws_dlm_lifecycle_policy with policy_details.schedule.cross_region_copy_rule.",
	]),
	"references": [
		"https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/CopyingAMIs.html",
		"https://docs.aws.amazon.com/imagebuilder/latest/APIReference/API_Distribution.html",
		"https://docs.aws.amazon.com/ebs/latest/userguide/snapshot-lifecycle.html",
	],
}

# image id -> ARNs of the primary instances and launch templates (the version that launches) that
# use it. lib.live, lib.is_set and lib.launch_version are written out (a function call per
# instance or template costs about as much as visiting it); image_id is a string or absent (the
# snapshot model), so a set one is one that is not "". Instances that are terminated or shutting
# down (lib.gone_states) use nothing any more.
image_users[image_id] contains instance.arn if {
	some instance in input.primary.ec2.instances
	instance.state != "terminated"
	instance.state != "shutting-down"
	image_id := instance.image_id
	image_id != ""
}

image_users[image_id] contains template.arn if {
	some template in input.primary.ec2.launch_templates
	version := [v |
		some key in ["default_version", "latest_version"]
		v := template[key]
		is_object(v)
	][0]
	image_id := version.image_id
	image_id != ""
}

# Every AMI in use that the inventory knows: the account's own and, since the images instances and
# templates reference are collected whatever their owner, public and shared ones too.
applicable contains image.arn if {
	some image_id, _ in image_users
	image := input.index.primary.images[image_id]
}

# The standby counterpart: a copy (lineage, tag, name) or, for an image the account does not own,
# the owner's image of the same name in the standby region (pairing strategy `owner`).
twin(image) := input.index.standby.by_arn[input.parity.standby_of[image.arn]]

owned(image) if not lib.is_set(image.owner_id)

owned(image) if image.owner_id == input.primary.account

gap(image) := sprintf("has no copy in standby region %s", [input.standby.region]) if {
	owned(image)
	not twin(image)
} else := sprintf("has no usable copy in standby region %s: its copy %s is %s", [input.standby.region, twin(image).id, twin(image).state]) if {
	twin(image).state != "available"
} else := sprintf("is owned by %s and no image of that owner named %s is available to the standby account %s in %s: copy the AMI into the standby region and account (or have its owner publish or share it there)", [owner_label(image), image.name, input.standby.account, input.standby.region]) if {
	not owned(image)
	not twin(image)
}

owner_label(image) := sprintf("%s (%s)", [image.owner_alias, image.owner_id]) if {
	lib.is_set(image.owner_alias)
} else := sprintf("account %s", [image.owner_id])

deny contains finding if {
	some image_id, users in image_users
	image := input.index.primary.images[image_id]
	# An available twin leaves gap undefined: skip the common case without calling it.
	not input.index.standby.by_arn[input.parity.standby_of[image.arn]].state == "available"
	problem := gap(image)
	finding := {
		"resource": image.arn,
		"site": "primary",
		"message": sprintf("AMI %s in primary region %s is used by %d primary instance(s)/launch template(s) but %s.", [
			lib.label(image), input.primary.region, count(users), problem,
		]),
		"related": sort(users),
	}
}
