//! The one place that maps each [`ResourceKind`] to where a site keeps it. Counts, ARN listing,
//! validation, sorting, scope, redaction and the policy input all walk a site through
//! [`Site::visit`] / [`Site::visit_mut`], whose matches are exhaustive: a kind added to the
//! vocabulary and not placed here fails to compile.

use super::{
    AcmInventory, AutoscalingInventory, DynamodbInventory, Ec2Inventory, Elbv2Inventory,
    IamInventory, KmsInventory, RdsInventory, Resource, Route53Inventory, S3Inventory,
    SecretsManagerInventory, ServiceQuotasInventory, Site,
};
use crate::vocab::ResourceKind;

/// Called once per kind with that kind's resources.
pub trait Visit<'a> {
    fn kind<R: Resource>(&mut self, kind: ResourceKind, items: &'a [R]);
}

/// Called once per kind with that kind's resources, mutably.
pub trait VisitMut {
    fn kind<R: Resource>(&mut self, kind: ResourceKind, items: &mut Vec<R>);
}

/// Where a site keeps a kind in the snapshot JSON: `site.<service>.<collection>`.
pub const fn field(kind: ResourceKind) -> (&'static str, &'static str) {
    match kind {
        ResourceKind::Instance => ("ec2", "instances"),
        ResourceKind::Image => ("ec2", "images"),
        ResourceKind::LaunchTemplate => ("ec2", "launch_templates"),
        ResourceKind::Volume => ("ec2", "volumes"),
        ResourceKind::Snapshot => ("ec2", "snapshots"),
        ResourceKind::Vpc => ("ec2", "vpcs"),
        ResourceKind::Subnet => ("ec2", "subnets"),
        ResourceKind::SecurityGroup => ("ec2", "security_groups"),
        ResourceKind::KeyPair => ("ec2", "key_pairs"),
        ResourceKind::PrefixList => ("ec2", "prefix_lists"),
        ResourceKind::Bucket => ("s3", "buckets"),
        ResourceKind::HostedZone => ("route53", "hosted_zones"),
        ResourceKind::RecordSet => ("route53", "record_sets"),
        ResourceKind::HealthCheck => ("route53", "health_checks"),
        ResourceKind::Role => ("iam", "roles"),
        ResourceKind::InstanceProfile => ("iam", "instance_profiles"),
        ResourceKind::DbInstance => ("rds", "db_instances"),
        ResourceKind::DbCluster => ("rds", "db_clusters"),
        ResourceKind::GlobalCluster => ("rds", "global_clusters"),
        ResourceKind::DbSnapshot => ("rds", "db_snapshots"),
        ResourceKind::Table => ("dynamodb", "tables"),
        ResourceKind::AutoScalingGroup => ("autoscaling", "groups"),
        ResourceKind::LoadBalancer => ("elbv2", "load_balancers"),
        ResourceKind::TargetGroup => ("elbv2", "target_groups"),
        ResourceKind::Certificate => ("acm", "certificates"),
        ResourceKind::KmsKey => ("kms", "keys"),
        ResourceKind::Secret => ("secretsmanager", "secrets"),
        ResourceKind::ServiceQuota => ("servicequotas", "quotas"),
    }
}

impl Site {
    /// Calls `v` for every kind, in [`ResourceKind::ALL`] order.
    pub fn visit<'a, V: Visit<'a>>(&'a self, v: &mut V) {
        for &kind in ResourceKind::ALL {
            match kind {
                ResourceKind::Instance => v.kind(kind, &self.ec2.instances),
                ResourceKind::Image => v.kind(kind, &self.ec2.images),
                ResourceKind::LaunchTemplate => v.kind(kind, &self.ec2.launch_templates),
                ResourceKind::Volume => v.kind(kind, &self.ec2.volumes),
                ResourceKind::Snapshot => v.kind(kind, &self.ec2.snapshots),
                ResourceKind::Vpc => v.kind(kind, &self.ec2.vpcs),
                ResourceKind::Subnet => v.kind(kind, &self.ec2.subnets),
                ResourceKind::SecurityGroup => v.kind(kind, &self.ec2.security_groups),
                ResourceKind::KeyPair => v.kind(kind, &self.ec2.key_pairs),
                ResourceKind::PrefixList => v.kind(kind, &self.ec2.prefix_lists),
                ResourceKind::Bucket => v.kind(kind, &self.s3.buckets),
                ResourceKind::HostedZone => v.kind(kind, &self.route53.hosted_zones),
                ResourceKind::RecordSet => v.kind(kind, &self.route53.record_sets),
                ResourceKind::HealthCheck => v.kind(kind, &self.route53.health_checks),
                ResourceKind::Role => v.kind(kind, &self.iam.roles),
                ResourceKind::InstanceProfile => v.kind(kind, &self.iam.instance_profiles),
                ResourceKind::DbInstance => v.kind(kind, &self.rds.db_instances),
                ResourceKind::DbCluster => v.kind(kind, &self.rds.db_clusters),
                ResourceKind::GlobalCluster => v.kind(kind, &self.rds.global_clusters),
                ResourceKind::DbSnapshot => v.kind(kind, &self.rds.db_snapshots),
                ResourceKind::Table => v.kind(kind, &self.dynamodb.tables),
                ResourceKind::AutoScalingGroup => v.kind(kind, &self.autoscaling.groups),
                ResourceKind::LoadBalancer => v.kind(kind, &self.elbv2.load_balancers),
                ResourceKind::TargetGroup => v.kind(kind, &self.elbv2.target_groups),
                ResourceKind::Certificate => v.kind(kind, &self.acm.certificates),
                ResourceKind::KmsKey => v.kind(kind, &self.kms.keys),
                ResourceKind::Secret => v.kind(kind, &self.secretsmanager.secrets),
                ResourceKind::ServiceQuota => v.kind(kind, &self.servicequotas.quotas),
            }
        }
    }

    /// Calls `v` for every kind, mutably, in [`ResourceKind::ALL`] order.
    pub fn visit_mut<V: VisitMut>(&mut self, v: &mut V) {
        for &kind in ResourceKind::ALL {
            match kind {
                ResourceKind::Instance => v.kind(kind, &mut self.ec2.instances),
                ResourceKind::Image => v.kind(kind, &mut self.ec2.images),
                ResourceKind::LaunchTemplate => v.kind(kind, &mut self.ec2.launch_templates),
                ResourceKind::Volume => v.kind(kind, &mut self.ec2.volumes),
                ResourceKind::Snapshot => v.kind(kind, &mut self.ec2.snapshots),
                ResourceKind::Vpc => v.kind(kind, &mut self.ec2.vpcs),
                ResourceKind::Subnet => v.kind(kind, &mut self.ec2.subnets),
                ResourceKind::SecurityGroup => v.kind(kind, &mut self.ec2.security_groups),
                ResourceKind::KeyPair => v.kind(kind, &mut self.ec2.key_pairs),
                ResourceKind::PrefixList => v.kind(kind, &mut self.ec2.prefix_lists),
                ResourceKind::Bucket => v.kind(kind, &mut self.s3.buckets),
                ResourceKind::HostedZone => v.kind(kind, &mut self.route53.hosted_zones),
                ResourceKind::RecordSet => v.kind(kind, &mut self.route53.record_sets),
                ResourceKind::HealthCheck => v.kind(kind, &mut self.route53.health_checks),
                ResourceKind::Role => v.kind(kind, &mut self.iam.roles),
                ResourceKind::InstanceProfile => v.kind(kind, &mut self.iam.instance_profiles),
                ResourceKind::DbInstance => v.kind(kind, &mut self.rds.db_instances),
                ResourceKind::DbCluster => v.kind(kind, &mut self.rds.db_clusters),
                ResourceKind::GlobalCluster => v.kind(kind, &mut self.rds.global_clusters),
                ResourceKind::DbSnapshot => v.kind(kind, &mut self.rds.db_snapshots),
                ResourceKind::Table => v.kind(kind, &mut self.dynamodb.tables),
                ResourceKind::AutoScalingGroup => v.kind(kind, &mut self.autoscaling.groups),
                ResourceKind::LoadBalancer => v.kind(kind, &mut self.elbv2.load_balancers),
                ResourceKind::TargetGroup => v.kind(kind, &mut self.elbv2.target_groups),
                ResourceKind::Certificate => v.kind(kind, &mut self.acm.certificates),
                ResourceKind::KmsKey => v.kind(kind, &mut self.kms.keys),
                ResourceKind::Secret => v.kind(kind, &mut self.secretsmanager.secrets),
                ResourceKind::ServiceQuota => v.kind(kind, &mut self.servicequotas.quotas),
            }
        }
    }

    /// Every resource's (id, ARN), grouped by kind in kind order.
    pub fn identities(&self) -> Vec<(ResourceKind, Vec<(&str, &str)>)> {
        struct Ids<'a>(Vec<(ResourceKind, Vec<(&'a str, &'a str)>)>);
        impl<'a> Visit<'a> for Ids<'a> {
            fn kind<R: Resource>(&mut self, kind: ResourceKind, items: &'a [R]) {
                self.0
                    .push((kind, items.iter().map(|r| (r.id(), r.arn())).collect()));
            }
        }
        let mut v = Ids(Vec::new());
        self.visit(&mut v);
        v.0
    }

    /// Number of resources per kind, keyed by the kind's wire name (sorted as text, as reports
    /// show them).
    pub fn counts(&self) -> std::collections::BTreeMap<&'static str, usize> {
        self.identities()
            .into_iter()
            .map(|(k, v)| (k.as_str(), v.len()))
            .collect()
    }

    /// Sorts every collection by ARN so output is deterministic.
    pub fn sort(&mut self) {
        struct ByArn;
        impl VisitMut for ByArn {
            fn kind<R: Resource>(&mut self, _: ResourceKind, items: &mut Vec<R>) {
                items.sort_by(|a, b| a.arn().cmp(b.arn()));
            }
        }
        self.visit_mut(&mut ByArn);
        self.collection_errors.sort();
    }
}

/// The number of resources one service's inventory holds (progress counts while collecting).
/// Each impl destructures its inventory without `..`, so a kind added to an inventory and not
/// counted here fails to compile.
pub trait InventorySize {
    fn size(&self) -> usize;
}

impl InventorySize for Ec2Inventory {
    fn size(&self) -> usize {
        let Ec2Inventory {
            instances,
            images,
            launch_templates,
            volumes,
            snapshots,
            vpcs,
            subnets,
            security_groups,
            key_pairs,
            prefix_lists,
        } = self;
        instances.len()
            + images.len()
            + launch_templates.len()
            + volumes.len()
            + snapshots.len()
            + vpcs.len()
            + subnets.len()
            + security_groups.len()
            + key_pairs.len()
            + prefix_lists.len()
    }
}

impl InventorySize for S3Inventory {
    fn size(&self) -> usize {
        let S3Inventory { buckets } = self;
        buckets.len()
    }
}

impl InventorySize for IamInventory {
    fn size(&self) -> usize {
        let IamInventory {
            roles,
            instance_profiles,
        } = self;
        roles.len() + instance_profiles.len()
    }
}

impl InventorySize for Route53Inventory {
    fn size(&self) -> usize {
        let Route53Inventory {
            hosted_zones,
            record_sets,
            health_checks,
        } = self;
        hosted_zones.len() + record_sets.len() + health_checks.len()
    }
}

/// Declares [`InventorySize`] for an inventory by destructuring it without `..`: a collection
/// added to the inventory and not listed here fails to compile. Maps and other non-resource
/// fields are listed after `;` and not counted.
macro_rules! inventory_size {
    ($ty:ident { $($field:ident),+ $(; $($other:ident),+)? }) => {
        impl InventorySize for $ty {
            fn size(&self) -> usize {
                let $ty { $($field,)+ $($($other: _,)+)? } = self;
                0 $(+ $field.len())+
            }
        }
    };
}

inventory_size!(RdsInventory {
    db_instances,
    db_clusters,
    global_clusters,
    db_snapshots
});
inventory_size!(DynamodbInventory { tables });
inventory_size!(AutoscalingInventory { groups });
inventory_size!(Elbv2Inventory {
    load_balancers,
    target_groups
});
inventory_size!(AcmInventory { certificates });
inventory_size!(KmsInventory { keys });
inventory_size!(SecretsManagerInventory { secrets });
inventory_size!(ServiceQuotasInventory {
    quotas;
    instance_type_vcpus
});
