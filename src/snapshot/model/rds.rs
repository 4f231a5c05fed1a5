//! RDS and Aurora: DB instances, DB clusters, Aurora global databases, DB snapshots.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{Resource, Tags};

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct RdsInventory {
    #[serde(default)]
    pub db_instances: Vec<DbInstance>,
    #[serde(default)]
    pub db_clusters: Vec<DbCluster>,
    /// Aurora global databases with a member in the site's region (a global database is listed
    /// by every region it has a cluster in).
    #[serde(default)]
    pub global_clusters: Vec<GlobalCluster>,
    /// Manual, automated and AWS Backup snapshots of DB instances and DB clusters owned by the
    /// site's account.
    #[serde(default)]
    pub db_snapshots: Vec<DbSnapshot>,
}

resource! {
    /// A DB instance (RDS, or an Aurora cluster member); `id` is `DBInstanceIdentifier`.
    pub struct DbInstance {
        /// `postgres`, `mysql`, `aurora-postgresql`, ...
        pub engine: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub engine_version: Option<String>,
        /// `db.r6g.large`, ...
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub instance_class: Option<String>,
        /// `available`, `creating`, `stopped`, `storage-full`, ...
        pub status: String,
        #[serde(default)]
        pub multi_az: bool,
        #[serde(default)]
        pub storage_encrypted: bool,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub kms_key_id: Option<String>,
        /// The Aurora cluster the instance belongs to.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub db_cluster_identifier: Option<String>,
        /// `ReadReplicaSourceDBInstanceIdentifier`: an identifier in the same region, an ARN for
        /// a cross-region replica.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub read_replica_source: Option<String>,
        /// `ReadReplicaDBInstanceIdentifiers`: replicas of this instance (ARNs when
        /// cross-region).
        #[serde(default)]
        pub read_replicas: Vec<String>,
        /// `DBInstanceAutomatedBackupsReplications[].DBInstanceAutomatedBackupsArn`: automated
        /// backups replicated to other regions.
        #[serde(default)]
        pub automated_backup_replications: Vec<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub backup_retention_period: Option<i64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub db_subnet_group: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub vpc_id: Option<String>,
        #[serde(default)]
        pub security_group_ids: Vec<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub availability_zone: Option<String>,
        #[serde(default)]
        pub deletion_protection: bool,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub create_time: Option<DateTime<Utc>>,
    }
}

resource! {
    /// An Aurora (or Multi-AZ) DB cluster; `id` is `DBClusterIdentifier`.
    pub struct DbCluster {
        pub engine: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub engine_version: Option<String>,
        /// `provisioned`, `serverless`, `global`, ...
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub engine_mode: Option<String>,
        pub status: String,
        /// Identifiers of the member DB instances.
        #[serde(default)]
        pub members: Vec<String>,
        /// The member that is the writer, when the cluster has one (a secondary cluster of a
        /// global database has none).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub writer: Option<String>,
        /// ARN of the global database the cluster belongs to (from DescribeGlobalClusters).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub global_cluster_arn: Option<String>,
        /// `ReplicationSourceIdentifier`: the source cluster of a cross-region replica cluster.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub replication_source: Option<String>,
        #[serde(default)]
        pub storage_encrypted: bool,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub kms_key_id: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub backup_retention_period: Option<i64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub db_subnet_group: Option<String>,
        #[serde(default)]
        pub deletion_protection: bool,
        /// The DB instance class of the cluster: `DBClusterInstanceClass` (Multi-AZ DB
        /// clusters), else the writer member's, else (a global secondary) the largest member's;
        /// absent for a cluster without instances (a headless global secondary).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub instance_class: Option<String>,
    }
}

resource! {
    /// An Aurora global database; `id` is `GlobalClusterIdentifier`, `region` is `global`.
    pub struct GlobalCluster {
        pub engine: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub engine_version: Option<String>,
        pub status: String,
        #[serde(default)]
        pub storage_encrypted: bool,
        #[serde(default)]
        pub members: Vec<GlobalClusterMember>,
    }
}

/// One member cluster of a global database.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct GlobalClusterMember {
    pub db_cluster_arn: String,
    #[serde(default)]
    pub is_writer: bool,
    /// `ENABLED`, `DISABLED`, `ENABLING`, ... (`GlobalWriteForwardingStatus`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub write_forwarding: Option<String>,
    /// Replica cluster ARNs of a writer member.
    #[serde(default)]
    pub readers: Vec<String>,
}

resource! {
    /// A DB snapshot or DB cluster snapshot; `id` is the snapshot identifier.
    pub struct DbSnapshot {
        /// Whether this is a DB cluster snapshot (Aurora) rather than a DB instance snapshot.
        #[serde(default)]
        pub cluster: bool,
        /// The DB instance or DB cluster identifier the snapshot is of.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub source_identifier: Option<String>,
        /// `manual`, `automated`, `awsbackup`, ...
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub snapshot_type: Option<String>,
        /// `available`, `creating`, `copying`, `failed`, ...
        pub status: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub create_time: Option<DateTime<Utc>>,
        /// `OriginalSnapshotCreateTime` (DB snapshots): when the data was captured; unlike
        /// `create_time` it does not change when the snapshot is copied.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub original_create_time: Option<DateTime<Utc>>,
        pub engine: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub engine_version: Option<String>,
        #[serde(default)]
        pub encrypted: bool,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub kms_key_id: Option<String>,
        /// For a copy: the region and ARN of the snapshot it was copied from (`SourceRegion`,
        /// else the region of the source ARN; `SourceDBSnapshotIdentifier` or
        /// `SourceDBClusterSnapshotArn`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub source_region: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub source_snapshot_arn: Option<String>,
    }
}
