package drready.rules.inventory_incomplete

import data.drready.lib

metadata := {
	"id": "DR-INV-001",
	"title": "Inventory of a service could not be read completely",
	"severity": "high",
	"category": "inventory",
	"inputs": [],
	"why": concat(" ", [
		"Some API calls failed while drready collected this site (access denied, throttling, network errors), so part of the inventory is missing.",
		"When a listing failed, every rule that reads the service is reported as unknown instead of passing or failing; when the reads of single resources failed (a bucket policy denying GetBucketReplication, say), those resources are unknown to the rules that read them and everything else is judged. Either way the gaps that would break the recovery stay invisible until the access is fixed.",
		"A readiness result built on an incomplete inventory gives false confidence on the day of the disaster, and the same missing permissions often break the automation that runs the failover.",
	]),
	"remediation": "Grant the collecting identity read access to the failed APIs in both accounts (for example the ReadOnlyAccess managed policy) and collect again.",
	"remediation_detail": concat("\n", [
		"aws sts get-caller-identity   # the principal drready ran as",
		"aws iam simulate-principal-policy --policy-source-arn ROLE_ARN --action-names ec2:DescribeImages s3:GetReplicationConfiguration route53:ListResourceRecordSets iam:ListInstanceProfiles",
		"aws iam attach-role-policy --role-name DRREADY_ROLE --policy-arn arn:aws:iam::aws:policy/ReadOnlyAccess",
		"For Throttling or network errors, collect again (optionally with fewer concurrent calls); check SCPs and permission boundaries when AccessDenied persists.",
		"Terraform: aws_iam_role_policy_attachment with role = the drready role and policy_arn = \"arn:aws:iam::aws:policy/ReadOnlyAccess\" (or an aws_iam_role_policy listing the failed actions), in the primary and the standby account.",
	]),
	"references": [
		"https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_access-denied.html",
		"https://docs.aws.amazon.com/aws-managed-policy/latest/reference/ReadOnlyAccess.html",
		"https://docs.aws.amazon.com/sdkref/latest/guide/feature-retry-behavior.html",
	],
}

site_names := ["primary", "standby"]

services := ["ec2", "s3", "route53", "iam"]

# EC2 and S3 are read per region; Route 53 and IAM are global per account.
regional_services := {"ec2", "s3"}

inventory_key(site, service) := sprintf("arn:aws:%s:%s:%s:*", [service, site.region, site.account]) if {
	service in regional_services
} else := sprintf("arn:aws:%s::%s:*", [service, site.account])

applicable contains inventory_key(input[site_name], service) if {
	some site_name in site_names
	some service in services
}

# site name -> service -> the failed calls, as "Api (Code)" or "Api on resource (Code)".
failures[site_name][service] contains call if {
	some site_name in site_names
	some error in input[site_name].collection_errors
	service := error.service
	call := call_text(error)
}

call_text(error) := sprintf("%s on %s (%s%s)", [error.api, error.resource, error.code, needs(error)]) if {
	lib.is_set(error.resource)
} else := sprintf("%s (%s%s)", [error.api, error.code, needs(error)])

# The IAM action the call needs (set by drready on every collection error).
needs(error) := sprintf(", needs %s", [error.iam_action]) if {
	lib.is_set(error.iam_action)
} else := ""

# Whether any failure of the service in the site was a listing (the whole service is unknown) or
# only reads of single resources (only those resources are unknown).
scope_text(site_name, service) := "rules reading it there are unknown" if {
	some error in input[site_name].collection_errors
	error.service == service
	not lib.is_set(error.resource)
} else := "the resources named are unknown to the rules reading it; everything else was judged"

deny contains finding if {
	some site_name, by_service in failures
	some service, calls in by_service
	service in services
	site := input[site_name]
	finding := {
		"resource": inventory_key(site, service),
		"site": site_name,
		"message": sprintf("The %s inventory of the %s site (account %s, %s) is incomplete: %s failed, so %s.", [
			service, site_name, site.account, site.region, concat(", ", sort(calls)), scope_text(site_name, service),
		]),
	}
}
