//! The snapshot data model: normalized resources of two sites, never SDK types.
//!
//! Every resource carries the same six identity fields (`arn`, `id`, `name`, `tags`, `region`,
//! `account`) through the [`resource!`] macro, plus the attributes the rules need. Collections are
//! plain `Vec`s in a stable order (sorted by ARN when written), so snapshot files diff well.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::vocab::Service;

/// Tags as a sorted map, so serialization is deterministic.
pub type Tags = BTreeMap<String, String>;

/// Declares a resource struct with the identity fields every resource has.
macro_rules! resource {
    ($(#[$meta:meta])* pub struct $name:ident { $($(#[$fmeta:meta])* pub $field:ident : $ty:ty,)* }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
        pub struct $name {
            /// The ARN (or, where AWS has none, a documented synthetic ARN-like key).
            pub arn: String,
            /// The service's own id (instance id, bucket name, zone id, role id, ...).
            pub id: String,
            /// The human name: the `Name` tag, or the resource's own name field.
            #[serde(default)]
            pub name: String,
            #[serde(default)]
            pub tags: Tags,
            /// Region, or `global` for IAM and Route 53.
            pub region: String,
            pub account: String,
            $($(#[$fmeta])* pub $field: $ty,)*
        }

        impl Resource for $name {
            fn arn(&self) -> &str { &self.arn }
            fn id(&self) -> &str { &self.id }
            fn name(&self) -> &str { &self.name }
            fn tags(&self) -> &Tags { &self.tags }
            fn identity_mut(&mut self) -> (&mut String, &mut Tags) { (&mut self.name, &mut self.tags) }
        }
    };
}

/// Identity shared by every resource; the parity engine and scope filters work on this.
pub trait Resource: Serialize {
    fn arn(&self) -> &str;
    fn id(&self) -> &str;
    fn name(&self) -> &str;
    fn tags(&self) -> &Tags;
    /// The name and tags, for redaction.
    fn identity_mut(&mut self) -> (&mut String, &mut Tags);
    fn tag(&self, key: &str) -> Option<&str> {
        self.tags().get(key).map(String::as_str)
    }
}

mod acm;
mod autoscaling;
mod dynamodb;
mod elbv2;
mod kms;
mod rds;
mod secretsmanager;
mod servicequotas;

pub use acm::*;
pub use autoscaling::*;
pub use dynamodb::*;
pub use elbv2::*;
pub use kms::*;
pub use rds::*;
pub use secretsmanager::*;
pub use servicequotas::*;

/// One whole snapshot: two sites, as collected at one moment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Snapshot {
    /// Must equal [`crate::snapshot::SCHEMA_VERSION`].
    pub schema_version: u32,
    /// The tool and version that wrote it, e.g. `drready 0.1.0`.
    #[serde(default)]
    pub generator: String,
    /// When collection finished. Evaluation uses this as "now", so results are reproducible.
    pub collected_at: DateTime<Utc>,
    pub primary: Site,
    pub standby: Site,
}

/// One site: an AWS account and a region.
///
/// IAM and Route 53 are global per account; when both sites share an account they are collected
/// once and the same inventory is stored in both sites.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Site {
    pub account: String,
    pub region: String,
    pub collected_at: DateTime<Utc>,
    #[serde(default)]
    pub ec2: Ec2Inventory,
    #[serde(default)]
    pub s3: S3Inventory,
    #[serde(default)]
    pub route53: Route53Inventory,
    #[serde(default)]
    pub iam: IamInventory,
    #[serde(default)]
    pub rds: RdsInventory,
    #[serde(default)]
    pub dynamodb: DynamodbInventory,
    #[serde(default)]
    pub autoscaling: AutoscalingInventory,
    #[serde(default)]
    pub elbv2: Elbv2Inventory,
    #[serde(default)]
    pub acm: AcmInventory,
    #[serde(default)]
    pub kms: KmsInventory,
    #[serde(default)]
    pub secretsmanager: SecretsManagerInventory,
    #[serde(default)]
    pub servicequotas: ServiceQuotasInventory,
    /// The services drready set out to read for this site (the scope at collection time).
    /// Snapshots written before drready recorded it leave it out; loading infers it from the
    /// inventories the file holds, so a service a snapshot never looked at (one drready learned
    /// later) is reported as not collected rather than as empty.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub services: Option<Vec<Service>>,
    /// Everything that could not be read. A service listed here is *unknown*, never "empty".
    #[serde(default)]
    pub collection_errors: Vec<CollectionError>,
    /// API calls made per service while collecting this site (absent in hand-made snapshots).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub api_calls: BTreeMap<String, u64>,
}

/// A read that failed. Recorded, never fatal, never silent.
#[derive(
    Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, schemars::JsonSchema,
)]
pub struct CollectionError {
    pub service: Service,
    /// The API action that failed, e.g. `GetBucketReplication`.
    pub api: String,
    /// The AWS error code (`AccessDenied`, `Throttling`, ...) or a transport class
    /// (`ConnectionRefused`, `Timeout`, `DispatchFailure`).
    pub code: String,
    pub message: String,
    /// The resource whose detail could not be read, when the failure concerns one resource.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resource: Option<String>,
}

// ---------------------------------------------------------------------------------------------
// EC2
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Ec2Inventory {
    #[serde(default)]
    pub instances: Vec<Instance>,
    #[serde(default)]
    pub images: Vec<Image>,
    #[serde(default)]
    pub launch_templates: Vec<LaunchTemplate>,
    #[serde(default)]
    pub volumes: Vec<Volume>,
    #[serde(default)]
    pub snapshots: Vec<EbsSnapshot>,
    #[serde(default)]
    pub vpcs: Vec<Vpc>,
    #[serde(default)]
    pub subnets: Vec<Subnet>,
    #[serde(default)]
    pub security_groups: Vec<SecurityGroup>,
    #[serde(default)]
    pub key_pairs: Vec<KeyPair>,
    #[serde(default)]
    pub prefix_lists: Vec<PrefixList>,
}

resource! {
    /// An EC2 instance.
    pub struct Instance {
        pub instance_type: String,
        /// `pending`, `running`, `stopped`, ...
        pub state: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub image_id: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub vpc_id: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub subnet_id: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub availability_zone: Option<String>,
        /// ARN of the attached instance profile.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub instance_profile_arn: Option<String>,
        #[serde(default)]
        pub security_group_ids: Vec<String>,
        /// The launch template the instance was started from (`aws:ec2launchtemplate:id` tag).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub launch_template_id: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub launch_template_version: Option<String>,
    }
}

resource! {
    /// An AMI of the site's region: owned by the site's account, or (whatever its owner)
    /// referenced by an instance or a launch template of the site, or, in the standby site, the
    /// standby region's image with the owner and name of a primary image owned by another
    /// account (an Amazon, Marketplace or shared AMI). `account` is the site's account; the
    /// image's owner is `owner_id`.
    pub struct Image {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub creation_date: Option<DateTime<Utc>>,
        /// `available`, `pending`, `failed`, `deregistered`, ...
        pub state: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub deprecation_time: Option<DateTime<Utc>>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub architecture: Option<String>,
        /// EBS snapshots behind the block-device mappings.
        #[serde(default)]
        pub block_device_snapshot_ids: Vec<String>,
        /// Copy lineage, when AWS exposes it.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub source_image_id: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub source_image_region: Option<String>,
        /// The owner's account id.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub owner_id: Option<String>,
        /// `ImageOwnerAlias`: `amazon`, `aws-marketplace`, ... (absent for ordinary accounts).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub owner_alias: Option<String>,
        /// Whether the image has public launch permissions.
        #[serde(default)]
        pub public: bool,
    }
}

resource! {
    /// A launch template with its default and latest version data.
    pub struct LaunchTemplate {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub default_version_number: Option<i64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub latest_version_number: Option<i64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub default_version: Option<LaunchTemplateData>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub latest_version: Option<LaunchTemplateData>,
    }
}

/// The parts of a launch template version that decide whether a launch would work.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct LaunchTemplateData {
    pub version_number: i64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instance_type: Option<String>,
    /// Instance profile, by ARN or by name (templates accept either).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instance_profile_arn: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub instance_profile_name: Option<String>,
    #[serde(default)]
    pub security_group_ids: Vec<String>,
    /// Subnets named by the template's network interfaces.
    #[serde(default)]
    pub subnet_ids: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub key_name: Option<String>,
    /// EBS block devices of the version (`BlockDeviceMappings[].Ebs`; instance-store and
    /// `NoDevice` mappings are left out).
    #[serde(default)]
    pub block_devices: Vec<BlockDevice>,
}

/// One EBS block device of a launch template version.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct BlockDevice {
    /// `/dev/xvda`, `/dev/sdf`, ...
    pub device_name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub snapshot_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encrypted: Option<bool>,
    /// The KMS key (id, alias or ARN, as the template gives it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kms_key_id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub volume_type: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub volume_size_gib: Option<i64>,
}

resource! {
    /// An EBS volume.
    pub struct Volume {
        pub size_gib: i64,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub volume_type: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub availability_zone: Option<String>,
        pub state: String,
        #[serde(default)]
        pub encrypted: bool,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub kms_key_id: Option<String>,
        /// Instances the volume is attached to.
        #[serde(default)]
        pub attached_instance_ids: Vec<String>,
    }
}

resource! {
    /// An EBS snapshot owned by the site's account.
    pub struct EbsSnapshot {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub volume_id: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub start_time: Option<DateTime<Utc>>,
        /// `pending`, `completed`, `error`, ...
        pub state: String,
        #[serde(default)]
        pub description: String,
        #[serde(default)]
        pub encrypted: bool,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub kms_key_id: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub volume_size_gib: Option<i64>,
    }
}

resource! {
    /// A VPC.
    pub struct Vpc {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub cidr_block: Option<String>,
        #[serde(default)]
        pub is_default: bool,
    }
}

resource! {
    /// A subnet.
    pub struct Subnet {
        pub vpc_id: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub cidr_block: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub availability_zone: Option<String>,
    }
}

resource! {
    /// A security group; `name` is the group name.
    pub struct SecurityGroup {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub vpc_id: Option<String>,
        #[serde(default)]
        pub description: String,
        #[serde(default)]
        pub ingress: Vec<IngressRule>,
    }
}

/// One ingress permission of a security group.
#[derive(
    Debug,
    Clone,
    Default,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    schemars::JsonSchema,
)]
pub struct IngressRule {
    /// `tcp`, `udp`, `icmp` or `-1` (all).
    pub protocol: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from_port: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to_port: Option<i64>,
    #[serde(default)]
    pub cidr_ipv4: Vec<String>,
    #[serde(default)]
    pub cidr_ipv6: Vec<String>,
    #[serde(default)]
    pub source_security_group_ids: Vec<String>,
    #[serde(default)]
    pub prefix_list_ids: Vec<String>,
}

resource! {
    /// An EC2 key pair; `id` is the key pair id (`key-...`), `name` the key name. The ARN is
    /// `arn:PARTITION:ec2:REGION:ACCOUNT:key-pair/KEY_PAIR_ID`.
    pub struct KeyPair {
        /// `rsa` or `ed25519`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub key_type: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub fingerprint: Option<String>,
    }
}

resource! {
    /// A managed prefix list (AWS-managed, owner `AWS`, or the account's own); `id` is `pl-...`,
    /// `name` the prefix list name (e.g. `com.amazonaws.us-east-1.s3`).
    pub struct PrefixList {
        /// The owner's account id, or `AWS` for an AWS-managed list.
        pub owner_id: String,
        /// `IPv4` or `IPv6`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub address_family: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub max_entries: Option<i64>,
    }
}

// ---------------------------------------------------------------------------------------------
// S3
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct S3Inventory {
    #[serde(default)]
    pub buckets: Vec<Bucket>,
}

resource! {
    /// A bucket whose location is the site's region; `id` and `name` are the bucket name.
    pub struct Bucket {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub creation_date: Option<DateTime<Utc>>,
        /// `Enabled`, `Suspended`, or `None` when versioning was never turned on.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub versioning: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub encryption: Option<BucketEncryption>,
        /// `None`: the bucket has no replication configuration.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub replication: Option<ReplicationConfiguration>,
        /// Name of the bucket that receives this bucket's server access logs
        /// (`LoggingEnabled.TargetBucket`); absent when access logging is off.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub logging_target: Option<String>,
    }
}

/// Default encryption of a bucket.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct BucketEncryption {
    /// `AES256`, `aws:kms`, `aws:kms:dsse`.
    pub sse_algorithm: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kms_key_id: Option<String>,
    #[serde(default)]
    pub bucket_key_enabled: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ReplicationConfiguration {
    /// The IAM role S3 assumes to replicate.
    pub role: String,
    #[serde(default)]
    pub rules: Vec<ReplicationRule>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ReplicationRule {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// `Enabled` or `Disabled`.
    pub status: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub priority: Option<i64>,
    /// Object key prefix the rule selects (from `Filter.Prefix`, `Filter.And.Prefix` or the
    /// legacy `Prefix`); empty or absent selects every key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prefix: Option<String>,
    /// Tags the rule's filter requires (`Filter.Tag` or `Filter.And.Tags`).
    #[serde(default)]
    pub filter_tags: Tags,
    pub destination: ReplicationDestination,
    #[serde(default)]
    pub delete_marker_replication: bool,
    /// `SourceSelectionCriteria.SseKmsEncryptedObjects` is enabled.
    #[serde(default)]
    pub sse_kms_encrypted_objects: bool,
}

/// `arn:aws:s3:::NAME` (or a bare name) → `NAME`.
pub fn bucket_name(arn_or_name: &str) -> &str {
    arn_or_name
        .strip_prefix("arn:aws:s3:::")
        .unwrap_or(arn_or_name)
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ReplicationDestination {
    /// Destination bucket ARN, `arn:aws:s3:::NAME`.
    pub bucket: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub storage_class: Option<String>,
    /// `EncryptionConfiguration.ReplicaKmsKeyID`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub replica_kms_key_id: Option<String>,
    /// Replication Time Control enabled.
    #[serde(default)]
    pub replication_time_control: bool,
    #[serde(default)]
    pub metrics: bool,
}

// ---------------------------------------------------------------------------------------------
// Route 53
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Route53Inventory {
    #[serde(default)]
    pub hosted_zones: Vec<HostedZone>,
    /// Every record set of every zone above.
    #[serde(default)]
    pub record_sets: Vec<RecordSet>,
    #[serde(default)]
    pub health_checks: Vec<HealthCheck>,
}

resource! {
    /// A hosted zone; `id` is the bare zone id (`Z0123...`), `name` the domain with a trailing dot.
    pub struct HostedZone {
        #[serde(default)]
        pub private_zone: bool,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub record_count: Option<i64>,
    }
}

resource! {
    /// A record set. Route 53 gives record sets no ARN; `arn` is the synthetic key
    /// `arn:aws:route53:::hostedzone/ZONE/recordset/NAME/TYPE[/SET_IDENTIFIER]`.
    pub struct RecordSet {
        pub zone_id: String,
        /// `A`, `AAAA`, `CNAME`, ...
        #[serde(rename = "type")]
        pub record_type: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub ttl: Option<i64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub set_identifier: Option<String>,
        /// `PRIMARY` or `SECONDARY` for failover records.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub failover: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub health_check_id: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub alias_target: Option<AliasTarget>,
        #[serde(default)]
        pub values: Vec<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub weight: Option<i64>,
        /// Latency-routing region.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub routing_region: Option<String>,
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct AliasTarget {
    pub dns_name: String,
    pub hosted_zone_id: String,
    pub evaluate_target_health: bool,
}

resource! {
    /// A Route 53 health check; `arn` is `arn:aws:route53:::healthcheck/ID`.
    pub struct HealthCheck {
        /// `HTTP`, `HTTPS`, `HTTP_STR_MATCH`, `TCP`, `CALCULATED`, ...
        #[serde(rename = "type")]
        pub check_type: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub fqdn: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub ip_address: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub port: Option<i64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub resource_path: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub request_interval: Option<i64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub failure_threshold: Option<i64>,
        #[serde(default)]
        pub disabled: bool,
        #[serde(default)]
        pub inverted: bool,
        /// Ids of the health checks a `CALCULATED` check combines.
        #[serde(default)]
        pub child_health_checks: Vec<String>,
        /// How many children must be healthy for a `CALCULATED` check to be healthy.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub health_threshold: Option<i64>,
        /// Status when the alarm of a `CLOUDWATCH_METRIC` check lacks data: `Healthy`,
        /// `Unhealthy` or `LastKnownStatus`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub insufficient_data_health_status: Option<String>,
        /// The CloudWatch alarm a `CLOUDWATCH_METRIC` check follows (`AlarmIdentifier.Name`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub cloudwatch_alarm_name: Option<String>,
        /// The alarm's region (`AlarmIdentifier.Region`).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub cloudwatch_alarm_region: Option<String>,
    }
}

// ---------------------------------------------------------------------------------------------
// IAM
// ---------------------------------------------------------------------------------------------

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct IamInventory {
    #[serde(default)]
    pub roles: Vec<Role>,
    #[serde(default)]
    pub instance_profiles: Vec<InstanceProfile>,
}

resource! {
    /// An IAM role; `id` is the role id, `name` the role name.
    pub struct Role {
        #[serde(default)]
        pub path: String,
        /// The trust (assume-role) policy document.
        #[serde(default)]
        pub trust_policy: serde_json::Value,
        /// ARNs of attached managed policies.
        #[serde(default)]
        pub attached_policy_arns: Vec<String>,
        #[serde(default)]
        pub inline_policies: Vec<InlinePolicy>,
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct InlinePolicy {
    pub name: String,
    #[serde(default)]
    pub document: serde_json::Value,
}

resource! {
    /// An instance profile; `name` is its name, `roles` the names of its roles.
    pub struct InstanceProfile {
        #[serde(default)]
        pub path: String,
        #[serde(default)]
        pub roles: Vec<String>,
    }
}
