package drready.rules.standby_key_pair_missing

import data.drready.lib

metadata := {
	"id": "DR-EC2-008",
	"title": "Standby launch template names a key pair that does not exist in the standby region",
	"severity": "critical",
	"category": "compute",
	"inputs": ["ec2"],
	"why": concat(" ", [
		"The version of this standby launch template that launches (its default version, else the latest) names an EC2 key pair by its key name, and the standby site has no key pair of that name.",
		"Key pairs are regional and belong to one account: a key created or imported in the primary region does not exist in the standby region, and a template copied from the primary keeps its KeyName.",
		"RunInstances checks the key name before anything starts, so every launch from this template, by hand or by Auto Scaling, fails with InvalidKeyPair.NotFound on the day of the disaster, and the Auto Scaling group keeps retrying without ever reaching its desired capacity.",
		"Importing the same public key into the standby region (or removing KeyName and using Session Manager) fixes it; the private key cannot be downloaded again, so a key that exists nowhere has to be replaced.",
	]),
	"remediation": "Import the key pair's public key into the standby region under the same name (or create a template version without KeyName) and make that version the default.",
	"remediation_detail": concat("\n", [
		"aws ec2 describe-key-pairs --region STANDBY_REGION --key-names KEY_NAME",
		"aws ec2 describe-key-pairs --region PRIMARY_REGION --key-names KEY_NAME --include-public-key --query 'KeyPairs[0].PublicKey' --output text > key.pub",
		"aws ec2 import-key-pair --region STANDBY_REGION --key-name KEY_NAME --public-key-material fileb://key.pub",
		"Terraform: an aws_key_pair with provider = aws.standby and the same public_key, referenced as key_name = aws_key_pair.<name>.key_name in the standby aws_launch_template.",
	]),
	"references": [
		"https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/ec2-key-pairs.html",
		"https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/create-key-pairs.html",
		"https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/troubleshooting-launch.html",
	],
}

# Key pair names of a site. The inventory lists key pairs only when the snapshot has the field;
# an older snapshot without it is not judged.
kp_names(site) := {kp.name | some kp in input[site].ec2.key_pairs}

kp_listed if is_array(input.standby.ec2.key_pairs)

# Whether the primary region has the key: then it was only never imported into the standby.
kp_in_primary(key) := sprintf("the primary region %s has a key pair of that name, which was never imported into %s", [input.primary.region, input.standby.region]) if {
	key in kp_names("primary")
} else := sprintf("the primary region %s has no key pair of that name either", [input.primary.region])

# The primary site's key pairs of that name.
kp_related(key) := sort([kp.arn | some kp in input.primary.ec2.key_pairs; kp.name == key])

applicable contains template.arn if {
	kp_listed
	some template in input.standby.ec2.launch_templates
	lib.is_set(lib.launch_version(template).key_name)
}

deny contains finding if {
	kp_listed
	some template in input.standby.ec2.launch_templates
	version := lib.launch_version(template)
	key := version.key_name
	lib.is_set(key)
	not key in kp_names("standby")
	finding := {
		"resource": template.arn,
		"site": "standby",
		"message": sprintf("Standby launch template %s in %s: version %v names key pair %s, which does not exist in the standby site (account %s); %s. Every launch from the template fails with InvalidKeyPair.NotFound.", [
			lib.label(template), input.standby.region, version.version_number, key, input.standby.account, kp_in_primary(key),
		]),
		"related": kp_related(key),
	}
}
