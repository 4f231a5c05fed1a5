package drready.rules.s3_replication_role_broken

import data.drready.lib

metadata := {
	"id": "DR-S3-008",
	"title": "S3 replication uses an IAM role that does not exist or that S3 cannot assume",
	"severity": "high",
	"category": "data",
	"inputs": ["s3", "iam"],
	"why": concat(" ", [
		"S3 replicates a bucket's objects by assuming the IAM role named in the bucket's replication configuration. This bucket has an enabled replication rule, but that role does not exist in the bucket's account, or its trust policy has no Allow statement that lets the service principal s3.amazonaws.com call sts:AssumeRole.",
		"Nothing warns when the role is deleted, renamed or its trust policy edited after the configuration was saved: S3 can no longer assume it, new objects are not replicated (their replication status shows FAILED, visible only through replication metrics, event notifications or HeadObject), and the configuration still looks correct.",
		"The standby bucket silently falls further behind from the moment the role was deleted, renamed or its trust policy edited, and on the day of the disaster the standby application finds stale or missing data.",
		"A role of another account is not judged, since drready does not see that account's IAM; permissions of the role (s3:GetObjectVersionForReplication, s3:ReplicateObject, KMS) are not judged either.",
	]),
	"remediation": "Point the replication configuration at an existing role whose trust policy allows s3.amazonaws.com to assume it (sts:AssumeRole), then re-replicate the objects that failed.",
	"remediation_detail": concat("\n", [
		"aws s3api get-bucket-replication --bucket SOURCE --query 'ReplicationConfiguration.Role'",
		"aws iam get-role --role-name ROLE_NAME --query 'Role.AssumeRolePolicyDocument'",
		"aws iam update-assume-role-policy --role-name ROLE_NAME --policy-document '{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"Service\":\"s3.amazonaws.com\"},\"Action\":\"sts:AssumeRole\"}]}'",
		"aws s3api put-bucket-replication --bucket SOURCE --replication-configuration file://replication.json   # with \"Role\": \"arn:aws:iam::ACCOUNT:role/ROLE_NAME\"",
		"aws s3control create-job ... --operation '{\"S3ReplicateObject\":{}}'   # S3 Batch Replication of the objects that FAILED",
		"Terraform: aws_s3_bucket_replication_configuration.role = aws_iam_role.<name>.arn, with aws_iam_role.assume_role_policy allowing Service = s3.amazonaws.com to sts:AssumeRole.",
	]),
	"references": [
		"https://docs.aws.amazon.com/AmazonS3/latest/userguide/setting-repl-config-perm-overview.html",
		"https://docs.aws.amazon.com/AmazonS3/latest/userguide/replication-troubleshoot.html",
		"https://docs.aws.amazon.com/AmazonS3/latest/userguide/s3-batch-replication-batch.html",
	],
}

# The parts of an IAM role ARN (arn:PARTITION:iam::ACCOUNT:role/PATH/NAME): {"account", "name"};
# undefined for anything else. Role names are unique in an account whatever their path.
rr_role_ref(arn) := {"account": parts[4], "name": segments[count(segments) - 1]} if {
	is_string(arn)
	parts := split(arn, ":")
	count(parts) == 6
	parts[0] == "arn"
	parts[2] == "iam"
	startswith(parts[5], "role/")
	segments := split(parts[5], "/")
}

# The replication role (ARN) of each primary bucket with an enabled rule, by the bucket's index in
# input.primary.s3.buckets (lib.has_enabled_rule written out).
rr_role_arns[i] := bucket.replication.role if {
	some i, bucket in input.primary.s3.buckets
	[rule | some rule in bucket.replication.rules; rule.status == "Enabled"] != []
}

# Those roles that are roles of the primary account, the only IAM that drready sees, by ARN: each
# role once (buckets mostly share a few replication roles).
rr_refs[arn] := ref if {
	some arn in {role_arn | some role_arn in rr_role_arns}
	ref := rr_role_ref(arn)
	ref.account == input.primary.account
}

# --- the trust policy --------------------------------------------------------------------------

# An IAM action pattern (wildcards * and ?, case-insensitive) that matches sts:AssumeRole.
rr_action_matches(pattern) if {
	is_string(pattern)
	p := replace(replace(replace(lower(pattern), ".", "\\."), "*", ".*"), "?", ".")
	regex.match(concat("", ["^", p, "$"]), "sts:assumerole")
}

rr_action(statement) if {
	some pattern in lib.as_list(statement.Action)
	rr_action_matches(pattern)
}

rr_principal(statement) if statement.Principal == "*"

rr_principal(statement) if {
	some service in lib.as_list(statement.Principal.Service)
	service == "s3.amazonaws.com"
}

rr_principal(statement) if {
	some principal in lib.as_list(statement.Principal.AWS)
	principal == "*"
}

# An Allow statement with NotAction or NotPrincipal is not judged: taken as allowing.
rr_allows(statement) if {
	statement.Effect == "Allow"
	rr_action(statement)
	rr_principal(statement)
}

rr_allows(statement) if {
	statement.Effect == "Allow"
	rr_inverted(statement)
}

rr_inverted(statement) if statement.NotAction

rr_inverted(statement) if statement.NotPrincipal

# A Deny statement without conditions that matches S3 assuming the role.
rr_denies(statement) if {
	statement.Effect == "Deny"
	not statement.Condition
	rr_action(statement)
	rr_principal(statement)
}

rr_trusts_s3(document) if {
	statements := lib.statements(document)
	some allow in statements
	rr_allows(allow)
	not rr_denied(statements)
}

rr_denied(statements) if {
	some statement in statements
	rr_denies(statement)
}

# Why S3 cannot use the role; undefined when it can (or when its trust policy is not known).
rr_problem(ref) := sprintf("which does not exist in account %s", [ref.account]) if {
	not input.index.primary.roles[ref.name]
} else := "whose trust policy does not allow the service principal s3.amazonaws.com to assume it (sts:AssumeRole)" if {
	role := input.index.primary.roles[ref.name]
	is_object(role.trust_policy)
	not rr_trusts_s3(role.trust_policy)
}

# Why S3 cannot use each of those roles (rr_problem), by ARN. (The call is in the body: with
# rr_problem(ref) as the head value, regorus 0.14.1 left this map empty in `evaluate`, though not
# in the tests.)
rr_problems[arn] := problem if {
	some arn, ref in rr_refs
	problem := rr_problem(ref)
}

# The destination buckets of the enabled rules, for the message.
rr_destinations(bucket) := concat(", ", names) if {
	names := sort({name |
		some rule in lib.enabled_rules(bucket)
		name := lib.destination_of(rule)
		name != ""
	})
	count(names) > 0
} else := "no named bucket"

applicable contains input.primary.s3.buckets[i].arn if {
	some i, arn in rr_role_arns
	rr_refs[arn]
}

deny contains finding if {
	some i, arn in rr_role_arns
	text := rr_problems[arn]
	bucket := input.primary.s3.buckets[i]
	finding := {
		"resource": bucket.arn,
		"site": "primary",
		"message": sprintf("Bucket %s in primary region %s replicates to %s with IAM role %s, %s; S3 cannot assume the role, so replication stops silently and new objects never reach the standby region %s.", [
			bucket.name, input.primary.region, rr_destinations(bucket), bucket.replication.role, text, input.standby.region,
		]),
		"related": [bucket.replication.role],
	}
}
