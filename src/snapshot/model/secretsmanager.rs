//! Secrets Manager secrets.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{Resource, Tags};

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct SecretsManagerInventory {
    #[serde(default)]
    pub secrets: Vec<Secret>,
}

resource! {
    /// A secret (metadata only: drready never reads secret values); `id` and `name` are the
    /// secret name.
    pub struct Secret {
        /// The KMS key that encrypts the secret (absent: `aws/secretsmanager`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub kms_key_id: Option<String>,
        /// For a replica secret: the region of its primary secret (absent for a secret that is
        /// not a replica of a secret of another region).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub primary_region: Option<String>,
        /// Regions this secret is replicated to (DescribeSecret's `ReplicationStatus`; empty for
        /// replicas and secrets scheduled for deletion, which are not described).
        #[serde(default)]
        pub replication: Vec<SecretReplica>,
        #[serde(default)]
        pub rotation_enabled: bool,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub last_changed: Option<DateTime<Utc>>,
        /// Set when the secret is scheduled for deletion.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub deleted_date: Option<DateTime<Utc>>,
        /// The AWS service that manages the secret (`rds`, ...), if any.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub owning_service: Option<String>,
    }
}

/// One replica region of a secret.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct SecretReplica {
    pub region: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kms_key_id: Option<String>,
    /// `InSync`, `Failed` or `InProgress`.
    pub status: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_message: Option<String>,
}
