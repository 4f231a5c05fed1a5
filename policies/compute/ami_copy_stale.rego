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
# (builds below applies the same regex inline: a function call per image costs as much again.)
image_family(name) := regex.replace(name, `[-_.]v?[0-9][0-9._-]*$`, "")

# Every available primary build as [family, build time (ns), image id, image], sorted, so the
# newest build of a family is the last of its run (equal build times broken by image id). One
# sort instead of grouping by family: grouping costs the interpreter several times more. An
# image's name is always a string and its creation_date, when present, an RFC 3339 string (the
# snapshot model), so they are not tested with is_string: a builtin call per image costs.
builds := sort([[name, time.parse_rfc3339_ns(image.creation_date), image.id, image] |
	some image in input.primary.ec2.images
	image.state == "available"
	name := regex.replace(image.name, `[-_.]v?[0-9][0-9._-]*$`, "")
	name != ""
])

# The builds that have an available copy in the standby, [family, ns, image id, image, copy], in
# the same order. The copy is the image's twin (lib.twin_of, written out: no call per build).
copied := [[build[0], build[1], build[2], build[3], copy] |
	some build in builds
	copy := input.index.standby.by_arn[input.parity.standby_of[build[3].arn]]
	copy.state == "available"
]

# family -> its newest build, and its newest build with a copy. (The list in a local variable:
# regorus resolves a local faster than a rule on every access.)
newest_build := {build[0]: build |
	sorted := builds
	some i, build in sorted
	not sorted[i + 1][0] == build[0]
}

newest_copied := {build[0]: build |
	sorted := copied
	some i, build in sorted
	not sorted[i + 1][0] == build[0]
}

applicable contains newest_build[name][3].arn if {
	some name, _ in newest_copied
}

deny contains finding if {
	some name, [_, standby_ns, _, standby, copy] in newest_copied
	[_, latest_ns, _, latest] := newest_build[name]
	lag := floor((latest_ns - standby_ns) / 1000000000) # lib.seconds, written out
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
