package drready.rules.ami_copy_stale

import data.drready.lib

metadata := {
	"id": "DR-EC2-002",
	"title": "Newest standby copy of an AMI family lags behind the primary by more than the RPO",
	"severity": "medium",
	"category": "compute",
	"inputs": ["ec2"],
	"why": concat(" ", [
		"The newest build of this image family that has an available copy in the standby region was built longer before the newest primary build than the recovery point objective allows.",
		"Every build the standby lacks carries patches, configuration and application code; a standby fleet launched from the old copy comes up with the software of weeks ago, missing fixes, or incompatible with the data it restores.",
		"This happens when the copy step of the image pipeline stopped while the build step kept running, which nothing else notices until the failover.",
		"A family is the AMI name without its trailing version (acme-web-20261118 -> acme-web); a standby image belongs to the family of the primary image it was copied from, and both sides are dated by the primary build's creation date, so re-copying an old build does not make the standby look current.",
		"Only available images count; families with no copy at all are left to DR-EC2-001, which judges the images in use.",
	]),
	"remediation": "Copy the newest AMI of the family to the standby region, repoint the standby launch template at it, and make the copy a step of the image pipeline that fails the build when it fails.",
	"remediation_detail": concat("\n", [
		"aws ec2 describe-images --region PRIMARY_REGION --owners self --filters 'Name=name,Values=FAMILY-*' --query 'sort_by(Images,&CreationDate)[-1].[ImageId,Name,CreationDate]'",
		"aws ec2 copy-image --region STANDBY_REGION --source-region PRIMARY_REGION --source-image-id ami-NEWEST --name NAME --copy-image-tags",
		"aws ec2 create-launch-template-version --region STANDBY_REGION --launch-template-id lt-STANDBY --source-version '$Latest' --launch-template-data '{\"ImageId\":\"ami-COPY\"}'",
		"Automate it: EC2 Image Builder distribution configuration with both regions, so every build is copied as part of the pipeline.",
		"Terraform: aws_imagebuilder_distribution_configuration with a distribution { region = \"STANDBY_REGION\" } block, or aws_ami_copy (provider = aws.standby) for the newest source_ami_id.",
	]),
	"references": [
		"https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/CopyingAMIs.html",
		"https://docs.aws.amazon.com/imagebuilder/latest/userguide/manage-distribution-settings.html",
		"https://docs.aws.amazon.com/whitepapers/latest/disaster-recovery-workloads-on-aws/disaster-recovery-options-in-the-cloud.html",
	],
}

# The family of an AMI name: the name without a trailing version such as -20261118 or -v1.2.3.
image_family(name) := regex.replace(name, `[-_.]v?[0-9][0-9._-]*$`, "")

# Every available primary build as [family, build time (ns), image id, image], sorted, so the
# newest build of a family is the last of its run (equal build times broken by image id). One
# sort instead of grouping by family: grouping costs the interpreter several times more.
builds := sort([[name, time.parse_rfc3339_ns(image.creation_date), image.id, image] |
	some image in input.primary.ec2.images
	image.state == "available"
	is_string(image.creation_date)
	is_string(image.name)
	name := image_family(image.name)
	name != ""
])

# The builds that have an available copy in the standby, [family, ns, image id, image, copy], in
# the same order.
copied := [array.concat(build, [copy]) |
	some build in builds
	copy := lib.twin_of(build[3].arn)
	copy.state == "available"
]

# family -> its newest build, and its newest build with a copy.
newest_build := {build[0]: build |
	some i, build in builds
	not builds[i + 1][0] == build[0]
}

newest_copied := {build[0]: build |
	some i, build in copied
	not copied[i + 1][0] == build[0]
}

applicable contains newest_build[name][3].arn if {
	some name, _ in newest_copied
}

deny contains finding if {
	some name, [_, standby_ns, _, standby, copy] in newest_copied
	[_, latest_ns, _, latest] := newest_build[name]
	lag := lib.seconds(latest_ns - standby_ns)
	lag > input.objectives.rpo_seconds
	finding := {
		"resource": latest.arn,
		"site": "primary",
		"message": sprintf("AMI family %s: the newest primary build is %s (%s, created %s), but the newest build copied to standby region %s is %s (%s, created %s, copy %s), %s older, more than the %s RPO.", [
			name, latest.name, latest.id, latest.creation_date, input.standby.region,
			standby.name, standby.id, standby.creation_date, copy.id,
			lib.duration(lag), lib.duration(input.objectives.rpo_seconds),
		]),
		"related": [standby.arn, copy.arn],
	}
}
