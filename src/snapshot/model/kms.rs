//! KMS keys.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{Resource, Tags};

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct KmsInventory {
    #[serde(default)]
    pub keys: Vec<KmsKey>,
}

resource! {
    /// A KMS key of the site's region, AWS managed keys included; `id` is the key id (`mrk-...`
    /// for multi-Region keys), `name` its first customer alias without `alias/` (an AWS managed
    /// key's `aws/...` alias when it has no other; empty without alias). Tags are read for
    /// customer managed keys only.
    pub struct KmsKey {
        /// `Enabled`, `Disabled`, `PendingDeletion`, `PendingImport`, `PendingReplicaDeletion`,
        /// `Unavailable`, `Creating`, `Updating`; `Unknown` when DescribeKey failed (a collection
        /// error names the key).
        pub key_state: String,
        /// `AWS` (AWS managed keys such as `aws/s3`) or `CUSTOMER`; `Unknown` when DescribeKey
        /// failed.
        pub key_manager: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub key_usage: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub key_spec: Option<String>,
        /// Aliases (`alias/...`) that point at the key.
        #[serde(default)]
        pub aliases: Vec<String>,
        #[serde(default)]
        pub multi_region: bool,
        /// For a multi-Region key: `PRIMARY` or `REPLICA`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub multi_region_key_type: Option<String>,
        /// For a multi-Region key: the primary key's ARN.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub multi_region_primary_arn: Option<String>,
        /// For a multi-Region key: the replica keys' ARNs.
        #[serde(default)]
        pub multi_region_replica_arns: Vec<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub deletion_date: Option<DateTime<Utc>>,
    }
}
