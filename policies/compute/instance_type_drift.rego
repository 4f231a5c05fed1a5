package drready.rules.instance_type_drift

import data.drready.lib

metadata := {
	"id": "DR-EC2-005",
	"title": "Standby launch template uses a different instance type than the primary",
	"severity": "medium",
	"category": "compute",
	"inputs": ["ec2"],
	"why": concat(" ", [
		"The standby twin of this launch template launches a different instance type than the primary one (the default versions — the ones that launch — are compared, falling back to the latest).",
		"A smaller type makes the standby fleet run out of CPU or memory under production load right after failover, and a different family or architecture can break the AMI or the software.",
		"Finding out during the disaster means scaling out under pressure, possibly into a type without capacity or quota in the standby region.",
	]),
	"remediation": "Create a new version of the standby launch template with the primary's instance type (or document the deliberate pilot-light sizing and scale-up step).",
	"remediation_detail": concat("\n", [
		"aws ec2 create-launch-template-version --region STANDBY_REGION --launch-template-id lt-STANDBY --source-version '$Latest' --launch-template-data '{\"InstanceType\":\"PRIMARY_TYPE\"}'",
		"aws ec2 modify-launch-template --region STANDBY_REGION --launch-template-id lt-STANDBY --default-version NEW_VERSION",
		"aws service-quotas list-service-quotas --region STANDBY_REGION --service-code ec2   # check the On-Demand vCPU quota for that family",
		"Terraform: aws_launch_template.instance_type of the standby template (provider = aws.standby) set to the primary's type, with update_default_version = true.",
	]),
	"references": [
		"https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/manage-launch-template-versions.html",
		"https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/instance-types.html",
		"https://docs.aws.amazon.com/servicequotas/latest/userguide/request-quota-increase.html",
	],
}

applicable contains pair.primary if {
	some pair in input.parity.by_kind.launch_template
}

deny contains finding if {
	some pair in input.parity.by_kind.launch_template
	some drift in pair.drift
	drift.attribute == "instance_type"
	finding := {
		"resource": pair.primary,
		"site": "primary",
		"message": sprintf("Launch template %s launches %s in primary region %s but its standby twin %s launches %s in standby region %s.", [
			lib.id_label(pair.primary_id, object.get(pair, "name", "")), type_label(object.get(drift, "primary", "")), input.primary.region,
			pair.standby_id, type_label(object.get(drift, "standby", "")), input.standby.region,
		]),
		"related": [pair.standby],
	}
}

# A side without an instance type has no value in the drift entry.
type_label(instance_type) := instance_type if {
	lib.is_set(instance_type)
} else := "no instance type"
