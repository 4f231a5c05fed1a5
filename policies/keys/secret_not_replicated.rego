package drready.rules.secret_not_replicated

import data.drready.lib

metadata := {
	"id": "DR-SEC-001",
	"title": "Secret of a workload is not replicated to the standby region",
	"severity": "high",
	"category": "keys",
	"inputs": ["secretsmanager"],
	"why": concat(" ", [
		"A primary secret that belongs to a workload (it carries the app tag, or is a twin of a member) or is tagged dr:pair has no replica in the standby region and the standby has no secret paired with it (same dr:pair tag or same name after region rewriting).",
		"Secrets are regional: the standby application asks the standby region's Secrets Manager for its database password or API token and gets ResourceNotFoundException, so it cannot start on the day of the disaster — and the value cannot be read from the primary region when that region is down.",
		"Secrets managed by another service (OwningService set, such as RDS-managed master user passwords named rds!db-...) are not judged: that service creates and rotates them, the promoted standby database gets a managed secret of its own, and they cannot be replicated by hand. Replicas (a secret whose primary is in another region) and secrets scheduled for deletion are not judged either.",
	]),
	"remediation": "Replicate the secret to the standby region (or create the standby secret and tag both with the same dr:pair value).",
	"remediation_detail": concat("\n", [
		"aws secretsmanager describe-secret --region PRIMARY_REGION --secret-id NAME --query 'ReplicationStatus'",
		"aws secretsmanager replicate-secret-to-regions --region PRIMARY_REGION --secret-id NAME --add-replica-regions Region=STANDBY_REGION,KmsKeyId=alias/NAME",
		"Terraform: aws_secretsmanager_secret { replica { region = \"STANDBY_REGION\" kms_key_id = aws_kms_replica_key.<name>.arn } }.",
	]),
	"references": [
		"https://docs.aws.amazon.com/secretsmanager/latest/userguide/create-manage-multi-region-secrets.html",
		"https://docs.aws.amazon.com/secretsmanager/latest/userguide/service-linked-secrets.html",
		"https://docs.aws.amazon.com/secretsmanager/latest/userguide/disaster-recovery-resiliency.html",
	],
}

# Why a secret is judged: the workloads it belongs to, or its dr:pair tag.
belongs(secret) := sprintf("of workload %s", [concat(", ", input.workload_of[secret.arn])]) if {
	count(object.get(input.workload_of, secret.arn, [])) > 0
} else := sprintf("tagged %s=%s", [input.config.pair_tag, secret.tags[input.config.pair_tag]]) if {
	lib.is_set(object.get(object.get(secret, "tags", {}), input.config.pair_tag, ""))
}

judged_secrets contains secret if {
	some secret in object.get(input.primary, ["secretsmanager", "secrets"], [])
	not secret.primary_region
	not secret.deleted_date
	not lib.is_set(object.get(secret, "owning_service", ""))
	belongs(secret)
}

replicated(secret) if {
	some replica in secret.replication
	replica.region == input.standby.region
}

# A live standby twin (a replica paired by name, or a secret kept in the standby by other means).
replicated(secret) if {
	twin := lib.twin_of(secret.arn)
	not twin.deleted_date
}

applicable contains secret.arn if {
	some secret in judged_secrets
}

deny contains finding if {
	some secret in judged_secrets
	not replicated(secret)
	finding := {
		"resource": secret.arn,
		"site": "primary",
		"message": sprintf("Secret %s %s in primary region %s is not replicated to standby region %s, and the standby has no secret paired with it: the standby application cannot read it on failover day (ResourceNotFoundException), and the primary copy is out of reach while %s is down.", [
			secret.name, belongs(secret), input.primary.region, input.standby.region, input.primary.region,
		]),
	}
}
