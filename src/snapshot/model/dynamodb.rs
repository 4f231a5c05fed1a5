//! DynamoDB tables.

use serde::{Deserialize, Serialize};

use super::{Resource, Tags};

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct DynamodbInventory {
    #[serde(default)]
    pub tables: Vec<Table>,
}

resource! {
    /// A DynamoDB table; `id` and `name` are the table name.
    pub struct Table {
        /// `ACTIVE`, `CREATING`, `UPDATING`, `DELETING`, `INACCESSIBLE_ENCRYPTION_CREDENTIALS`, ...;
        /// `UNKNOWN` when DescribeTable failed (a collection error names the table).
        pub status: String,
        #[serde(default)]
        pub key_schema: Vec<KeyElement>,
        #[serde(default)]
        pub global_secondary_indexes: Vec<SecondaryIndex>,
        /// `StreamSpecification.StreamViewType` when streams are on.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub stream_view_type: Option<String>,
        /// `SSEDescription.SSEType` (`KMS`) when not the default AWS-owned key.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub sse_type: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub kms_key_arn: Option<String>,
        /// `PROVISIONED` or `PAY_PER_REQUEST`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub billing_mode: Option<String>,
        /// `GlobalTableVersion` (`2019.11.21` for current global tables).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub global_table_version: Option<String>,
        /// Replicas of a global table, the table's own region included when AWS lists it.
        #[serde(default)]
        pub replicas: Vec<TableReplica>,
        /// Point-in-time recovery status (`ENABLED`/`DISABLED`), absent when it could not be read.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub point_in_time_recovery: Option<String>,
        #[serde(default)]
        pub deletion_protection: bool,
    }
}

/// One attribute of a key schema.
#[derive(
    Debug,
    Clone,
    Default,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
pub struct KeyElement {
    pub attribute_name: String,
    /// `HASH` or `RANGE`.
    pub key_type: String,
}

/// A global secondary index.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct SecondaryIndex {
    pub name: String,
    #[serde(default)]
    pub key_schema: Vec<KeyElement>,
}

/// A replica of a global table.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct TableReplica {
    pub region: String,
    /// `ACTIVE`, `CREATING`, `UPDATING`, `DELETING`, `INACCESSIBLE_ENCRYPTION_CREDENTIALS`, ...
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kms_key_arn: Option<String>,
}
