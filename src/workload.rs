//! Workloads: the applications of an estate, computed once here and read by everything else
//! (the recovery-point evidence, the rules through `input.workloads`, the reports).
//!
//! A workload is named by the app tag (`pairing.app_tag`, default `app`) of a primary resource.
//! Its primary members are the live instances with the tag; the launch templates with the tag or
//! that a member instance was launched from; the images that member instances run and that member
//! templates' launching version names (when the image is in the inventory); the volumes with the
//! tag or attached to a member instance; the buckets with the tag. Its standby members are the
//! live standby instances with the tag or twinned with a member instance, the standby templates
//! with the tag or twinned with a member template, and the twins of its images and buckets.
//!
//! The tier is `warm-standby` when any primary member's tier tag says so, else the smallest
//! non-empty tier tag value among the primary members, else the configured default tier.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use serde::Serialize;

use crate::parity::Parity;
use crate::snapshot::{Instance, LaunchTemplate, LaunchTemplateData, Resource, Snapshot};

/// Instance states that no longer count: the instance is gone or going.
pub const GONE_STATES: [&str; 2] = ["terminated", "shutting-down"];

/// Whether an instance still exists for DR purposes.
pub fn is_live(instance: &Instance) -> bool {
    !GONE_STATES.contains(&instance.state.as_str())
}

/// The launch-template version a launch uses: `$Default` (what instances and Auto Scaling groups
/// use unless told otherwise), else the latest version when the default is unknown.
pub fn launch_version(template: &LaunchTemplate) -> Option<&LaunchTemplateData> {
    template
        .default_version
        .as_ref()
        .or(template.latest_version.as_ref())
}

/// The names drready reads workloads by.
#[derive(Debug, Clone, Copy)]
pub struct WorkloadTags<'a> {
    pub app_tag: &'a str,
    pub tier_tag: &'a str,
    pub default_tier: &'a str,
}

/// The ARNs of one site's members of a workload, each list sorted.
#[derive(Debug, Clone, Default, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Members {
    pub instances: Vec<String>,
    pub launch_templates: Vec<String>,
    pub images: Vec<String>,
    pub volumes: Vec<String>,
    pub buckets: Vec<String>,
    /// DB instances, DB clusters and DynamoDB tables.
    #[serde(default)]
    pub databases: Vec<String>,
    #[serde(default)]
    pub auto_scaling_groups: Vec<String>,
    #[serde(default)]
    pub load_balancers: Vec<String>,
    #[serde(default)]
    pub secrets: Vec<String>,
}

impl Members {
    fn from_sets(s: SetMembers<'_>) -> Members {
        let v = |set: BTreeSet<&str>| set.into_iter().map(String::from).collect();
        Members {
            instances: v(s.instances),
            launch_templates: v(s.launch_templates),
            images: v(s.images),
            volumes: v(s.volumes),
            buckets: v(s.buckets),
            databases: v(s.databases),
            auto_scaling_groups: v(s.auto_scaling_groups),
            load_balancers: v(s.load_balancers),
            secrets: v(s.secrets),
        }
    }

    /// Every member ARN.
    pub fn all(&self) -> impl Iterator<Item = &str> {
        self.instances
            .iter()
            .chain(&self.launch_templates)
            .chain(&self.images)
            .chain(&self.volumes)
            .chain(&self.buckets)
            .chain(&self.databases)
            .chain(&self.auto_scaling_groups)
            .chain(&self.load_balancers)
            .chain(&self.secrets)
            .map(String::as_str)
    }
}

#[derive(Default)]
struct SetMembers<'a> {
    instances: BTreeSet<&'a str>,
    launch_templates: BTreeSet<&'a str>,
    images: BTreeSet<&'a str>,
    volumes: BTreeSet<&'a str>,
    buckets: BTreeSet<&'a str>,
    databases: BTreeSet<&'a str>,
    auto_scaling_groups: BTreeSet<&'a str>,
    load_balancers: BTreeSet<&'a str>,
    secrets: BTreeSet<&'a str>,
}

impl<'a> SetMembers<'a> {
    /// The member set of the platform kinds that join by app tag and by twin.
    fn platform(&mut self, kind: Platform) -> &mut BTreeSet<&'a str> {
        match kind {
            Platform::Database => &mut self.databases,
            Platform::Group => &mut self.auto_scaling_groups,
            Platform::LoadBalancer => &mut self.load_balancers,
            Platform::Secret => &mut self.secrets,
        }
    }
}

#[derive(Clone, Copy)]
enum Platform {
    Database,
    Group,
    LoadBalancer,
    Secret,
}

/// A site's resources of the platform kinds, with the member set each joins.
fn platform_resources(site: &crate::snapshot::Site) -> Vec<(Platform, &dyn PlatformResource)> {
    let mut out: Vec<(Platform, &dyn PlatformResource)> = Vec::new();
    out.extend(
        site.rds
            .db_instances
            .iter()
            .map(|r| (Platform::Database, r as _)),
    );
    out.extend(
        site.rds
            .db_clusters
            .iter()
            .map(|r| (Platform::Database, r as _)),
    );
    out.extend(
        site.dynamodb
            .tables
            .iter()
            .map(|r| (Platform::Database, r as _)),
    );
    out.extend(
        site.autoscaling
            .groups
            .iter()
            .map(|r| (Platform::Group, r as _)),
    );
    out.extend(
        site.elbv2
            .load_balancers
            .iter()
            .map(|r| (Platform::LoadBalancer, r as _)),
    );
    out.extend(
        site.secretsmanager
            .secrets
            .iter()
            .map(|r| (Platform::Secret, r as _)),
    );
    out
}

/// Identity and tags of a platform resource, through a trait object.
trait PlatformResource: TagLookup {
    fn arn_str(&self) -> &str;
}

impl<R: Resource> PlatformResource for R {
    fn arn_str(&self) -> &str {
        self.arn()
    }
}

/// One application.
#[derive(Debug, Clone, PartialEq, Serialize, schemars::JsonSchema)]
pub struct Workload {
    pub name: String,
    /// `arn:aws:ec2:PRIMARY_REGION:PRIMARY_ACCOUNT:workload/NAME`: the key findings about the
    /// workload as a whole name.
    pub key: String,
    pub tier: String,
    pub primary: Members,
    pub standby: Members,
}

/// Computes the workloads of a (scoped) snapshot, sorted by name.
pub fn workloads(snapshot: &Snapshot, parity: &Parity, tags: WorkloadTags<'_>) -> Vec<Workload> {
    let p = &snapshot.primary;
    let s = &snapshot.standby;
    let app_of = |r| nonempty_tag(r, tags.app_tag);

    let mut primary: BTreeMap<&str, SetMembers> = BTreeMap::new();
    let mut tiers: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    let mut note_tier = |app, r| {
        if let Some(t) = nonempty_tag(r, tags.tier_tag) {
            tiers.entry(app).or_default().insert(t);
        }
    };

    let templates_by_id: HashMap<&str, &LaunchTemplate> = p
        .ec2
        .launch_templates
        .iter()
        .map(|t| (t.id.as_str(), t))
        .collect();
    let image_arn: HashMap<&str, &str> = p
        .ec2
        .images
        .iter()
        .map(|i| (i.id.as_str(), i.arn.as_str()))
        .collect();

    let mut instance_app: HashMap<&str, &str> = HashMap::new();
    for i in p.ec2.instances.iter().filter(|i| is_live(i)) {
        let Some(app) = app_of(i) else { continue };
        note_tier(app, i);
        instance_app.insert(i.id.as_str(), app);
        let w = primary.entry(app).or_default();
        w.instances.insert(&i.arn);
        if let Some(img) = i.image_id.as_deref().and_then(|id| image_arn.get(id)) {
            w.images.insert(img);
        }
        if let Some(t) = i
            .launch_template_id
            .as_deref()
            .and_then(|id| templates_by_id.get(id))
        {
            w.launch_templates.insert(&t.arn);
        }
    }
    for t in &p.ec2.launch_templates {
        if let Some(app) = app_of(t) {
            note_tier(app, t);
            primary
                .entry(app)
                .or_default()
                .launch_templates
                .insert(&t.arn);
        }
    }
    // Images of member templates (after both loops: a template joins by tag or by an instance).
    let template_image: HashMap<&str, &str> = p
        .ec2
        .launch_templates
        .iter()
        .filter_map(|t| {
            let img = launch_version(t)?.image_id.as_deref()?;
            Some((t.arn.as_str(), *image_arn.get(img)?))
        })
        .collect();
    for w in primary.values_mut() {
        let imgs: Vec<&str> = w
            .launch_templates
            .iter()
            .filter_map(|t| template_image.get(t).copied())
            .collect();
        w.images.extend(imgs);
    }
    for v in &p.ec2.volumes {
        let app = app_of(v).or_else(|| {
            v.attached_instance_ids
                .iter()
                .find_map(|id| instance_app.get(id.as_str()).copied())
        });
        if let Some(app) = app {
            if app_of(v).is_some() {
                note_tier(app, v);
            }
            primary.entry(app).or_default().volumes.insert(&v.arn);
        }
    }
    for b in &p.s3.buckets {
        if let Some(app) = app_of(b) {
            note_tier(app, b);
            primary.entry(app).or_default().buckets.insert(&b.arn);
        }
    }
    let templates_by_name: HashMap<&str, &LaunchTemplate> = p
        .ec2
        .launch_templates
        .iter()
        .map(|t| (t.name.as_str(), t))
        .collect();
    for (kind, r) in platform_resources(p) {
        if let Some(app) = app_of(r) {
            note_tier(app, r);
            primary
                .entry(app)
                .or_default()
                .platform(kind)
                .insert(r.arn_str());
        }
    }
    // A member Auto Scaling group's launch template is a member too.
    for g in &p.autoscaling.groups {
        let Some(app) = app_of(g) else { continue };
        let Some(lt) = g.launch_template.as_ref() else {
            continue;
        };
        let template = lt
            .id
            .as_deref()
            .and_then(|id| templates_by_id.get(id))
            .or_else(|| lt.name.as_deref().and_then(|n| templates_by_name.get(n)));
        if let Some(t) = template {
            primary
                .entry(app)
                .or_default()
                .launch_templates
                .insert(&t.arn);
        }
    }

    // Standby members.
    let standby_of = parity.standby_of();
    let primary_of = parity.primary_of();
    let mut member_of: HashMap<&str, Vec<&str>> = HashMap::new();
    for (app, w) in &primary {
        for arn in w.instances.iter().chain(&w.launch_templates) {
            member_of.entry(arn).or_default().push(app);
        }
    }
    let mut standby: BTreeMap<&str, SetMembers> = BTreeMap::new();
    // The workloads a standby instance or template joins: its own app tag (when that names a
    // workload), and the workloads of the primary resource it twins.
    let joins = |own: Option<&str>, arn: &str| -> Vec<&str> {
        let mut apps: Vec<&str> = Vec::new();
        if let Some((app, _)) = own.and_then(|a| primary.get_key_value(a)) {
            apps.push(app);
        }
        if let Some(twin_of) = primary_of.get(arn) {
            apps.extend(member_of.get(twin_of).into_iter().flatten().copied());
        }
        apps
    };
    for i in s.ec2.instances.iter().filter(|i| is_live(i)) {
        for app in joins(app_of(i), &i.arn) {
            standby.entry(app).or_default().instances.insert(&i.arn);
        }
    }
    for t in &s.ec2.launch_templates {
        for app in joins(app_of(t), &t.arn) {
            standby
                .entry(app)
                .or_default()
                .launch_templates
                .insert(&t.arn);
        }
    }
    for (kind, r) in platform_resources(s) {
        if let Some((app, _)) = app_of(r).and_then(|a| primary.get_key_value(a)) {
            standby
                .entry(app)
                .or_default()
                .platform(kind)
                .insert(r.arn_str());
        }
    }
    for (app, w) in &primary {
        let sw = standby.entry(app).or_default();
        sw.images
            .extend(w.images.iter().filter_map(|a| standby_of.get(a).copied()));
        sw.buckets
            .extend(w.buckets.iter().filter_map(|a| standby_of.get(a).copied()));
        let twins = |set: &BTreeSet<&str>| -> Vec<&str> {
            set.iter()
                .filter_map(|a| standby_of.get(a).copied())
                .collect()
        };
        sw.databases.extend(twins(&w.databases));
        sw.auto_scaling_groups.extend(twins(&w.auto_scaling_groups));
        sw.load_balancers.extend(twins(&w.load_balancers));
        sw.secrets.extend(twins(&w.secrets));
    }

    primary
        .into_iter()
        .map(|(app, members)| {
            let tier = match tiers.get(app) {
                Some(t) if t.contains("warm-standby") => "warm-standby",
                Some(t) => t.first().copied().unwrap_or(tags.default_tier),
                None => tags.default_tier,
            };
            Workload {
                name: app.to_string(),
                key: format!("arn:aws:ec2:{}:{}:workload/{app}", p.region, p.account),
                tier: tier.to_string(),
                primary: Members::from_sets(members),
                standby: Members::from_sets(standby.remove(app).unwrap_or_default()),
            }
        })
        .collect()
}

/// ARN → names of the workloads it belongs to (either site), each list sorted.
pub fn workload_of(workloads: &[Workload]) -> BTreeMap<&str, Vec<&str>> {
    let mut out: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for w in workloads {
        for arn in w.primary.all().chain(w.standby.all()) {
            let names = out.entry(arn).or_default();
            if !names.contains(&w.name.as_str()) {
                names.push(&w.name);
            }
        }
    }
    for names in out.values_mut() {
        names.sort_unstable();
    }
    out
}

/// A tag's value when it is set and not empty.
fn nonempty_tag<'r>(r: &'r dyn TagLookup, key: &str) -> Option<&'r str> {
    r.tag_value(key).filter(|v| !v.is_empty())
}

/// Tag lookup through a trait object, so one function serves every kind.
trait TagLookup {
    fn tag_value(&self, key: &str) -> Option<&str>;
}

impl<R: Resource> TagLookup for R {
    fn tag_value(&self, key: &str) -> Option<&str> {
        self.tag(key)
    }
}
