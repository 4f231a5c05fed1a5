//! Service Quotas: the quotas failover capacity depends on.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{Resource, Tags};

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct ServiceQuotasInventory {
    #[serde(default)]
    pub quotas: Vec<ServiceQuota>,
    /// vCPUs per instance type, for the instance types the site's launch templates, instances
    /// and Auto Scaling groups use (EC2 DescribeInstanceTypes).
    #[serde(default)]
    pub instance_type_vcpus: BTreeMap<String, i64>,
}

resource! {
    /// A service quota of the site's region; `id` is `SERVICE_CODE/QUOTA_CODE`
    /// (`ec2/L-1216C47A`), `name` the quota name.
    pub struct ServiceQuota {
        pub service_code: String,
        pub quota_code: String,
        /// The applied value; absent when it could not be read (a collection error names the
        /// quota, which is then unknown to the rules).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub value: Option<f64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub unit: Option<String>,
        #[serde(default)]
        pub adjustable: bool,
    }
}
