package drready.rules.standby_launch_kms_key_other_region

import data.drready.lib

metadata := {
	"id": "DR-EC2-009",
	"title": "Standby launch template encrypts volumes with a KMS key of another region",
	"severity": "critical",
	"category": "compute",
	"inputs": ["ec2"],
	"why": concat(" ", [
		"A block device of the version of this standby launch template that launches (its default version, else the latest) names, as its KmsKeyId, the ARN of a KMS key in a region other than the standby region.",
		"KMS keys are regional and EBS encrypts a volume only with a key of the volume's own region, so a key ARN copied from the primary region's template cannot be used in the standby region; even a multi-Region key has to be named by its replica's ARN in the standby region.",
		"Every launch from the template, by hand or by Auto Scaling, fails on the day of the disaster, when the key's region may itself be the one that is down.",
		"A bare key id, alias name or alias/ reference is resolved in the template's own region and is not judged here; neither is a block device without a KmsKeyId, which uses the account's default EBS key of the standby region.",
	]),
	"remediation": "Create a template version whose block devices name a KMS key (or a multi-Region replica key) of the standby region, and make it the default version.",
	"remediation_detail": concat("\n", [
		"aws ec2 describe-launch-template-versions --region STANDBY_REGION --launch-template-id lt-STANDBY --versions '$Default' --query 'LaunchTemplateVersions[0].LaunchTemplateData.BlockDeviceMappings[].[DeviceName,Ebs.KmsKeyId]'",
		"aws kms replicate-key --region PRIMARY_REGION --key-id mrk-XXXX --replica-region STANDBY_REGION   # multi-Region keys; else aws kms create-key --region STANDBY_REGION",
		"aws ec2 create-launch-template-version --region STANDBY_REGION --launch-template-id lt-STANDBY --source-version '$Default' --launch-template-data '{\"BlockDeviceMappings\":[{\"DeviceName\":\"/dev/xvda\",\"Ebs\":{\"Encrypted\":true,\"KmsKeyId\":\"arn:aws:kms:STANDBY_REGION:ACCOUNT:key/KEY_ID\"}}]}'",
		"aws ec2 modify-launch-template --region STANDBY_REGION --launch-template-id lt-STANDBY --default-version NEW_VERSION",
		"Terraform: block_device_mappings.ebs.kms_key_id = aws_kms_key.<name>.arn (or aws_kms_replica_key.<name>.arn) with provider = aws.standby in the standby aws_launch_template.",
	]),
	"references": [
		"https://docs.aws.amazon.com/ebs/latest/userguide/ebs-encryption.html",
		"https://docs.aws.amazon.com/kms/latest/developerguide/multi-region-keys-overview.html",
		"https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/troubleshooting-launch.html",
	],
}

# The region a KMS key ARN (arn:PARTITION:kms:REGION:ACCOUNT:key/ID or :alias/NAME) names;
# undefined for a bare key id, alias/NAME or anything that is not a KMS ARN.
kms_region(key) := parts[3] if {
	is_string(key)
	parts := split(key, ":")
	count(parts) >= 6
	parts[0] == "arn"
	parts[2] == "kms"
	parts[3] != ""
}

# The block devices of a version that use encryption: encrypted, or naming a key.
kms_encrypted_devices(version) := [device |
	some device in object.get(version, "block_devices", [])
	kms_encrypting(device)
]

kms_encrypting(device) if device.encrypted == true

kms_encrypting(device) if lib.is_set(device.kms_key_id)

# The block devices of a version whose key ARN names another region than the standby's.
kms_foreign_devices(version) := [device |
	some device in object.get(version, "block_devices", [])
	kms_region(device.kms_key_id) != input.standby.region
]

kms_device_text(device) := sprintf("block device %s with KMS key %s of region %s", [
	object.get(device, "device_name", "(unnamed)"), device.kms_key_id, kms_region(device.kms_key_id),
])

applicable contains template.arn if {
	some template in input.standby.ec2.launch_templates
	count(kms_encrypted_devices(lib.launch_version(template))) > 0
}

deny contains finding if {
	some template in input.standby.ec2.launch_templates
	version := lib.launch_version(template)
	devices := kms_foreign_devices(version)
	count(devices) > 0
	finding := {
		"resource": template.arn,
		"site": "standby",
		"message": sprintf("Standby launch template %s in %s: version %v encrypts %s, but EBS in %s can only use KMS keys of %s, so every launch from the template fails.", [
			lib.label(template), input.standby.region, version.version_number,
			concat(", ", sort([kms_device_text(d) | some d in devices])),
			input.standby.region, input.standby.region,
		]),
		"related": sort({d.kms_key_id | some d in devices}),
	}
}
