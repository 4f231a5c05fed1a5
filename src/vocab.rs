//! The vocabulary every stage speaks: severities, categories, services, site roles, resource
//! kinds and verdicts. A leaf module: it depends on nothing else in the crate, and every other
//! module takes these names from here.
//!
//! Each enum is declared once with [`vocab!`], which gives it its wire name (serde, JSON Schema),
//! `ALL`, `as_str`, `parse`, `FromStr`, `Display` and clap's `ValueEnum`, so a flag typo is a
//! usage error listing the choices.

/// Declares a vocabulary enum: `Variant = "wire-name"`, in declaration order.
macro_rules! vocab {
    (
        $(#[$meta:meta])*
        pub enum $name:ident { $( $(#[$vmeta:meta])* $variant:ident = $wire:literal, )+ }
    ) => {
        $(#[$meta])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash,
            serde::Serialize, serde::Deserialize, schemars::JsonSchema,
        )]
        pub enum $name {
            $( $(#[$vmeta])* #[serde(rename = $wire)] $variant, )+
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The wire name (JSON, SARIF, flags, Rego).
            pub const fn as_str(self) -> &'static str {
                match self { $($name::$variant => $wire,)+ }
            }

            /// The value with this wire name.
            pub fn parse(s: &str) -> Option<$name> {
                $name::ALL.iter().copied().find(|v| v.as_str() == s)
            }

            /// The wire names joined by `, `, for error messages.
            pub fn choices() -> String {
                $name::ALL.iter().map(|v| v.as_str()).collect::<Vec<_>>().join(", ")
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl std::str::FromStr for $name {
            type Err = String;
            fn from_str(s: &str) -> Result<$name, String> {
                $name::parse(s).ok_or_else(|| {
                    format!("`{s}` is not a {}; use one of {}", stringify!($name), $name::choices())
                })
            }
        }

        impl clap::ValueEnum for $name {
            fn value_variants<'a>() -> &'a [Self] {
                $name::ALL
            }
            fn to_possible_value(&self) -> Option<clap::builder::PossibleValue> {
                Some(clap::builder::PossibleValue::new(self.as_str()))
            }
        }
    };
}
pub(crate) use vocab;

vocab! {
    /// How bad a failing rule is. Ordered: `Low < Medium < High < Critical`.
    pub enum Severity {
        Low = "low",
        Medium = "medium",
        High = "high",
        Critical = "critical",
    }
}

impl Severity {
    /// Most severe first, the order reports list them in.
    pub const DESCENDING: [Severity; 4] = [
        Severity::Critical,
        Severity::High,
        Severity::Medium,
        Severity::Low,
    ];

    /// Score weight of a rule of this severity (docs/scoring.md).
    pub fn weight(self) -> f64 {
        match self {
            Severity::Critical => 10.0,
            Severity::High => 5.0,
            Severity::Medium => 2.0,
            Severity::Low => 1.0,
        }
    }
}

vocab! {
    /// The gate's `fail_on`: the lowest severity that fails it, or `never`.
    pub enum FailOn {
        Critical = "critical",
        High = "high",
        Medium = "medium",
        Low = "low",
        Never = "never",
    }
}

impl FailOn {
    pub fn severity(self) -> Option<Severity> {
        match self {
            FailOn::Critical => Some(Severity::Critical),
            FailOn::High => Some(Severity::High),
            FailOn::Medium => Some(Severity::Medium),
            FailOn::Low => Some(Severity::Low),
            FailOn::Never => None,
        }
    }
}

vocab! {
    /// What part of a recovery a rule protects.
    pub enum Category {
        Data = "data",
        Database = "database",
        Compute = "compute",
        Traffic = "traffic",
        Dns = "dns",
        Identity = "identity",
        Keys = "keys",
        Inventory = "inventory",
    }
}

vocab! {
    /// The AWS services drready reads.
    pub enum Service {
        Ec2 = "ec2",
        S3 = "s3",
        Route53 = "route53",
        Iam = "iam",
        Rds = "rds",
        Dynamodb = "dynamodb",
        Autoscaling = "autoscaling",
        Elbv2 = "elbv2",
        Acm = "acm",
        Kms = "kms",
        SecretsManager = "secretsmanager",
        ServiceQuotas = "servicequotas",
    }
}

impl Service {
    /// IAM and Route 53 are global: one inventory per account, shared by both sites of it.
    pub fn is_global(self) -> bool {
        matches!(self, Service::Route53 | Service::Iam)
    }

    /// The prefix of the service's IAM actions (`elasticloadbalancing` for `elbv2`).
    pub const fn iam_prefix(self) -> &'static str {
        match self {
            Service::Elbv2 => "elasticloadbalancing",
            other => other.as_str(),
        }
    }
}

vocab! {
    /// Which of the two sites.
    pub enum SiteRole {
        Primary = "primary",
        Standby = "standby",
    }
}

impl SiteRole {
    pub const BOTH: [SiteRole; 2] = [SiteRole::Primary, SiteRole::Standby];
}

vocab! {
    /// The one list of resource kinds. Every loop over kinds (counts, ARNs, scope, redaction,
    /// sorting, the policy input, pairing) goes through [`ResourceKind::ALL`] and matches it
    /// exhaustively, so a kind added here and forgotten anywhere fails to compile.
    pub enum ResourceKind {
        Instance = "instance",
        Image = "image",
        LaunchTemplate = "launch_template",
        Volume = "volume",
        Snapshot = "snapshot",
        Vpc = "vpc",
        Subnet = "subnet",
        SecurityGroup = "security_group",
        KeyPair = "key_pair",
        PrefixList = "prefix_list",
        Bucket = "bucket",
        HostedZone = "hosted_zone",
        RecordSet = "record_set",
        HealthCheck = "health_check",
        Role = "role",
        InstanceProfile = "instance_profile",
        DbInstance = "db_instance",
        DbCluster = "db_cluster",
        GlobalCluster = "global_cluster",
        DbSnapshot = "db_snapshot",
        Table = "table",
        AutoScalingGroup = "auto_scaling_group",
        LoadBalancer = "load_balancer",
        TargetGroup = "target_group",
        Certificate = "certificate",
        KmsKey = "kms_key",
        Secret = "secret",
        ServiceQuota = "service_quota",
    }
}

impl ResourceKind {
    /// The service whose API lists this kind.
    pub const fn service(self) -> Service {
        use ResourceKind::*;
        match self {
            Instance | Image | LaunchTemplate | Volume | Snapshot | Vpc | Subnet
            | SecurityGroup | KeyPair | PrefixList => Service::Ec2,
            Bucket => Service::S3,
            HostedZone | RecordSet | HealthCheck => Service::Route53,
            Role | InstanceProfile => Service::Iam,
            DbInstance | DbCluster | GlobalCluster | DbSnapshot => Service::Rds,
            Table => Service::Dynamodb,
            AutoScalingGroup => Service::Autoscaling,
            LoadBalancer | TargetGroup => Service::Elbv2,
            Certificate => Service::Acm,
            KmsKey => Service::Kms,
            Secret => Service::SecretsManager,
            ServiceQuota => Service::ServiceQuotas,
        }
    }

    /// Whether ids are unique within a site (record sets are keyed `name/type`, which two hosted
    /// zones may share).
    pub const fn unique_ids(self) -> bool {
        !matches!(self, ResourceKind::RecordSet)
    }

    /// Whether primary and standby resources of this kind are paired twin by twin (Route 53
    /// records pair as failover groups instead; zones and checks are global per account; key
    /// pairs and prefix lists are looked up by name or id, not paired).
    pub const fn is_paired(self) -> bool {
        !matches!(
            self,
            ResourceKind::HostedZone
                | ResourceKind::RecordSet
                | ResourceKind::HealthCheck
                | ResourceKind::Volume
                | ResourceKind::KeyPair
                | ResourceKind::PrefixList
                | ResourceKind::GlobalCluster
                | ResourceKind::ServiceQuota
        )
    }
}

vocab! {
    /// What a judgement concludes: the report's verdict (the exit code follows from it).
    pub enum Verdict {
        /// The gate passed.
        Ready = "ready",
        /// The gate failed: findings at or above `fail_on`, or a score under `fail_under`.
        NotReady = "not_ready",
        /// Some inventory could not be read and `--allow-partial` was not given.
        Incomplete = "incomplete",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_names_round_trip() {
        for k in ResourceKind::ALL {
            assert_eq!(ResourceKind::parse(k.as_str()), Some(*k));
            assert_eq!(
                serde_json::to_value(k).unwrap(),
                serde_json::json!(k.as_str())
            );
        }
        assert_eq!(Severity::parse("critical"), Some(Severity::Critical));
        assert!(Severity::Low < Severity::Critical);
        assert_eq!(
            "nope".parse::<Category>().unwrap_err(),
            "`nope` is not a Category; use one of data, database, compute, traffic, dns, identity, keys, inventory"
        );
        assert_eq!(Verdict::NotReady.as_str(), "not_ready");
    }
}
