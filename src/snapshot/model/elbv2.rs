//! Elastic Load Balancing v2: Application, Network and Gateway Load Balancers, their listeners,
//! and target groups.

use serde::{Deserialize, Serialize};

use super::{Resource, Tags};

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Elbv2Inventory {
    #[serde(default)]
    pub load_balancers: Vec<LoadBalancer>,
    #[serde(default)]
    pub target_groups: Vec<TargetGroup>,
}

resource! {
    /// A load balancer; `id` and `name` are the load balancer name.
    pub struct LoadBalancer {
        /// `application`, `network` or `gateway`.
        pub lb_type: String,
        /// `internet-facing` or `internal`.
        pub scheme: String,
        /// `active`, `provisioning`, `active_impaired`, `failed`.
        pub state: String,
        pub dns_name: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub canonical_hosted_zone_id: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub vpc_id: Option<String>,
        #[serde(default)]
        pub availability_zones: Vec<String>,
        #[serde(default)]
        pub subnet_ids: Vec<String>,
        #[serde(default)]
        pub security_group_ids: Vec<String>,
        #[serde(default)]
        pub listeners: Vec<Listener>,
    }
}

/// One listener of a load balancer.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct Listener {
    pub arn: String,
    pub port: i64,
    /// `HTTP`, `HTTPS`, `TCP`, `TLS`, `UDP`, `TCP_UDP`, `GENEVE`.
    pub protocol: String,
    /// The default certificate first, then the listener's extra certificates
    /// (DescribeListenerCertificates).
    #[serde(default)]
    pub certificate_arns: Vec<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ssl_policy: Option<String>,
    /// Target groups of the default action (forward).
    #[serde(default)]
    pub default_target_group_arns: Vec<String>,
}

resource! {
    /// A target group; `id` and `name` are the target group name.
    pub struct TargetGroup {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub protocol: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub port: Option<i64>,
        /// `instance`, `ip`, `lambda`, `alb`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub target_type: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub vpc_id: Option<String>,
        #[serde(default)]
        pub load_balancer_arns: Vec<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub health_check_path: Option<String>,
    }
}
