//! ACM certificates.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::{Resource, Tags};

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
pub struct AcmInventory {
    #[serde(default)]
    pub certificates: Vec<Certificate>,
}

resource! {
    /// An ACM certificate; `id` is the certificate id (the ARN's last part), `name` its domain
    /// name.
    pub struct Certificate {
        pub domain_name: String,
        /// Every name the certificate covers, the domain name included.
        #[serde(default)]
        pub subject_alternative_names: Vec<String>,
        /// `ISSUED`, `PENDING_VALIDATION`, `EXPIRED`, `REVOKED`, `FAILED`, `INACTIVE`, ...
        pub status: String,
        /// `AMAZON_ISSUED`, `IMPORTED` or `PRIVATE`.
        #[serde(rename = "type")]
        pub cert_type: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub not_after: Option<DateTime<Utc>>,
        /// `ELIGIBLE` or `INELIGIBLE` for managed renewal.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        pub renewal_eligibility: Option<String>,
        /// ARNs of the resources that use the certificate.
        #[serde(default)]
        pub in_use_by: Vec<String>,
    }
}
