//! EC2 Auto Scaling groups.

use serde::{Deserialize, Serialize};

use super::{Resource, Tags};

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct AutoscalingInventory {
    #[serde(default)]
    pub groups: Vec<AutoScalingGroup>,
}

resource! {
    /// An Auto Scaling group; `id` and `name` are the group name.
    pub struct AutoScalingGroup {
        /// The launch template the group launches from (directly or through a mixed instances
        /// policy).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub launch_template: Option<LaunchTemplateRef>,
        /// A legacy launch configuration, when the group uses one instead of a template.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub launch_configuration_name: Option<String>,
        /// Instance types of a mixed instances policy's overrides, in priority order (the first
        /// is what a `prioritized` On-Demand allocation launches).
        #[serde(default)]
        pub instance_type_overrides: Vec<String>,
        /// A mixed instances policy's `OnDemandBaseCapacity` (absent without a policy).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub on_demand_base_capacity: Option<i64>,
        /// A mixed instances policy's `OnDemandPercentageAboveBaseCapacity` (absent without a
        /// policy): the share of the capacity above the base that runs On-Demand, not Spot.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub on_demand_percentage_above_base: Option<i64>,
        pub min_size: i64,
        pub max_size: i64,
        pub desired_capacity: i64,
        #[serde(default)]
        pub availability_zones: Vec<String>,
        /// Subnets of `VPCZoneIdentifier`.
        #[serde(default)]
        pub subnet_ids: Vec<String>,
        #[serde(default)]
        pub target_group_arns: Vec<String>,
        /// Classic Load Balancers the group registers its instances with.
        #[serde(default)]
        pub load_balancer_names: Vec<String>,
        /// Names of suspended processes (`Launch`, `Terminate`, `HealthCheck`, ...).
        #[serde(default)]
        pub suspended_processes: Vec<String>,
        /// `EC2` or `ELB`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub health_check_type: Option<String>,
        /// `Delete in progress` while the group is being deleted.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub status: Option<String>,
        /// Instances currently in the group.
        #[serde(default)]
        pub instance_ids: Vec<String>,
    }
}

/// A group's launch template and the version it launches (`$Default`, `$Latest` or a number).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct LaunchTemplateRef {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
}
