package drready.rules.secret_replica_not_in_sync

import data.drready.lib

metadata := {
	"id": "DR-SEC-002",
	"title": "Standby replica of a secret is not in sync",
	"severity": "high",
	"category": "keys",
	"inputs": ["secretsmanager"],
	"why": concat(" ", [
		"A primary secret is replicated to the standby region, but its replica there is not InSync: replication Failed (a secret of that name already exists in the standby region, the replica KMS key is missing, disabled or not allowed, ...) or is still InProgress.",
		"A failed replica does not receive new values: after the next rotation or update the standby holds an old password or no secret at all, and the standby application fails to authenticate on the day of the disaster, when the primary value is out of reach.",
		"Secrets scheduled for deletion are not judged.",
	]),
	"remediation": "Fix the cause named in the status message (remove or rename the conflicting standby secret, fix the replica KMS key), then replicate the secret again.",
	"remediation_detail": concat("\n", [
		"aws secretsmanager describe-secret --region PRIMARY_REGION --secret-id NAME --query 'ReplicationStatus'",
		"aws secretsmanager remove-regions-from-replication --region PRIMARY_REGION --secret-id NAME --remove-replica-regions STANDBY_REGION",
		"aws secretsmanager replicate-secret-to-regions --region PRIMARY_REGION --secret-id NAME --add-replica-regions Region=STANDBY_REGION[,KmsKeyId=KEY] [--force-overwrite-replica-secret]",
		"Terraform: aws_secretsmanager_secret { replica { region = \"STANDBY_REGION\" } force_overwrite_replica_secret = true } when a standby secret of the same name must be replaced.",
	]),
	"references": [
		"https://docs.aws.amazon.com/secretsmanager/latest/userguide/create-manage-multi-region-secrets.html",
		"https://docs.aws.amazon.com/secretsmanager/latest/apireference/API_ReplicationStatusType.html",
		"https://docs.aws.amazon.com/secretsmanager/latest/userguide/troubleshoot.html",
	],
}

# [secret, its replica in the standby region]
standby_replicas contains [secret, replica] if {
	some secret in object.get(input.primary, ["secretsmanager", "secrets"], [])
	not secret.deleted_date
	some replica in secret.replication
	replica.region == input.standby.region
}

status_text(replica) := sprintf("%s (%s)", [replica.status, replica.status_message]) if {
	lib.is_set(replica.status_message)
} else := replica.status

applicable contains entry[0].arn if {
	some entry in standby_replicas
}

deny contains finding if {
	some entry in standby_replicas
	secret := entry[0]
	replica := entry[1]
	replica.status != "InSync"
	finding := {
		"resource": secret.arn,
		"site": "primary",
		"message": sprintf("Secret %s in primary region %s: its replica in standby region %s is %s, not InSync. The standby copy does not receive new values, so after the next rotation the standby application authenticates with a stale secret or none on failover day.", [
			secret.name, input.primary.region, input.standby.region, status_text(replica),
		]),
	}
}
