//! Builds the runbook: the steps of each phase from the snapshot, then the findings placed at the
//! steps that touch their resources.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use super::Tool;
use super::{
    Action, Blocker, CliCommand, Estimate, Failback, Inputs, Phase, Runbook, RunbookObjectives,
    SiteRef, Step, WorkloadRunbook, estimate,
};
use crate::evidence::VolumeCopy;
use crate::findings::Finding;
use crate::parity::{FailoverPair, Parity};
use crate::snapshot::{
    AutoScalingGroup, Bucket, DbCluster, DbInstance, DbSnapshot, EbsSnapshot, HealthCheck, Image,
    Instance, InstanceProfile, KeyPair, KmsKey, LaunchTemplate, LoadBalancer, RecordSet, Resource,
    Role, Secret, SecurityGroup, Site, Subnet, Table, bucket_name,
};
use crate::verdicts::WorkloadVerdict;
use crate::vocab::{Category, Severity};
use crate::workload::{Workload, is_live, launch_version};

/// The EC2 quota failover capacity usually hits: Running On-Demand Standard instances (vCPUs).
pub const STANDARD_ON_DEMAND_QUOTA: &str = "L-1216C47A";

fn by<'a, R: Resource>(items: &'a [R], key: impl Fn(&'a R) -> &'a str) -> HashMap<&'a str, &'a R> {
    items.iter().map(|r| (key(r), r)).collect()
}

/// Lookups into one site.
struct SiteIdx<'a> {
    site: &'a Site,
    instances: HashMap<&'a str, &'a Instance>,
    templates: HashMap<&'a str, &'a LaunchTemplate>,
    template_by_id: HashMap<&'a str, &'a LaunchTemplate>,
    template_by_name: HashMap<&'a str, &'a LaunchTemplate>,
    images: HashMap<&'a str, &'a Image>,
    image_by_id: HashMap<&'a str, &'a Image>,
    volumes: HashMap<&'a str, &'a crate::snapshot::Volume>,
    snapshots: HashMap<&'a str, &'a EbsSnapshot>,
    buckets: HashMap<&'a str, &'a Bucket>,
    bucket_by_name: HashMap<&'a str, &'a Bucket>,
    sg_by_id: HashMap<&'a str, &'a SecurityGroup>,
    subnet_by_id: HashMap<&'a str, &'a Subnet>,
    key_by_name: HashMap<&'a str, &'a KeyPair>,
    profile_by_name: HashMap<&'a str, &'a InstanceProfile>,
    role_by_name: HashMap<&'a str, &'a Role>,
    db_instances: HashMap<&'a str, &'a DbInstance>,
    db_clusters: HashMap<&'a str, &'a DbCluster>,
    tables: HashMap<&'a str, &'a Table>,
    groups: HashMap<&'a str, &'a AutoScalingGroup>,
    lbs: HashMap<&'a str, &'a LoadBalancer>,
    secrets: HashMap<&'a str, &'a Secret>,
    health_checks: HashMap<&'a str, &'a HealthCheck>,
}

impl<'a> SiteIdx<'a> {
    fn new(site: &'a Site) -> SiteIdx<'a> {
        SiteIdx {
            site,
            instances: by(&site.ec2.instances, |r| r.arn.as_str()),
            templates: by(&site.ec2.launch_templates, |r| r.arn.as_str()),
            template_by_id: by(&site.ec2.launch_templates, |r| r.id.as_str()),
            template_by_name: by(&site.ec2.launch_templates, |r| r.name.as_str()),
            images: by(&site.ec2.images, |r| r.arn.as_str()),
            image_by_id: by(&site.ec2.images, |r| r.id.as_str()),
            volumes: by(&site.ec2.volumes, |r| r.arn.as_str()),
            snapshots: by(&site.ec2.snapshots, |r| r.arn.as_str()),
            buckets: by(&site.s3.buckets, |r| r.arn.as_str()),
            bucket_by_name: by(&site.s3.buckets, |r| r.id.as_str()),
            sg_by_id: by(&site.ec2.security_groups, |r| r.id.as_str()),
            subnet_by_id: by(&site.ec2.subnets, |r| r.id.as_str()),
            key_by_name: by(&site.ec2.key_pairs, |r| r.name.as_str()),
            profile_by_name: by(&site.iam.instance_profiles, |r| r.name.as_str()),
            role_by_name: by(&site.iam.roles, |r| r.name.as_str()),
            db_instances: by(&site.rds.db_instances, |r| r.arn.as_str()),
            db_clusters: by(&site.rds.db_clusters, |r| r.arn.as_str()),
            tables: by(&site.dynamodb.tables, |r| r.arn.as_str()),
            groups: by(&site.autoscaling.groups, |r| r.arn.as_str()),
            lbs: by(&site.elbv2.load_balancers, |r| r.arn.as_str()),
            secrets: by(&site.secretsmanager.secrets, |r| r.arn.as_str()),
            health_checks: by(&site.route53.health_checks, |r| r.id.as_str()),
        }
    }

    fn region(&self) -> &'a str {
        &self.site.region
    }

    /// A KMS key of the site by id, ARN or alias (`alias/NAME` or its ARN).
    fn kms_key(&self, key: &str) -> Option<&'a KmsKey> {
        let alias = key
            .split_once(":alias/")
            .map(|(_, a)| format!("alias/{a}"))
            .unwrap_or_else(|| key.to_string());
        self.site
            .kms
            .keys
            .iter()
            .find(|k| k.id == key || k.arn == key || k.aliases.contains(&alias))
    }
}

/// Everything a workload's steps are built from.
struct Cx<'a> {
    p: SiteIdx<'a>,
    s: SiteIdx<'a>,
    standby_of: HashMap<&'a str, &'a str>,
    primary_of: HashMap<&'a str, &'a str>,
    volume_copies: BTreeMap<String, VolumeCopy>,
    failover: &'a [FailoverPair],
    app_tag: &'a str,
    objectives: RunbookObjectives,
}

impl<'a> Cx<'a> {
    fn health_check(&self, id: &str) -> Option<&'a HealthCheck> {
        self.p
            .health_checks
            .get(id)
            .or_else(|| self.s.health_checks.get(id))
            .copied()
    }
}

fn aws(words: &[&str]) -> CliCommand {
    CliCommand::new(std::iter::once("aws").chain(words.iter().copied()))
}

/// A pre-flight check of one resource: one read-only command and what its answer must show.
fn check(
    phase: Phase,
    title: impl Into<String>,
    arn: &str,
    command: &[&str],
    verify: impl Into<String>,
) -> Step {
    let mut check = step(phase, title);
    check.touch(arn);
    check.commands.push(aws(command));
    check.verify.push(verify.into());
    check
}

fn step(phase: Phase, title: impl Into<String>) -> Step {
    Step {
        id: String::new(),
        phase,
        title: title.into(),
        notes: Vec::new(),
        commands: Vec::new(),
        verify: Vec::new(),
        verify_commands: Vec::new(),
        estimate_seconds: None,
        estimate_basis: None,
        gaps: Vec::new(),
        resources: Vec::new(),
        blockers: Vec::new(),
        action: None,
    }
}

impl Step {
    fn estimated(mut self, key: &str) -> Step {
        let (secs, basis) = estimate(key);
        self.estimate_seconds = Some(secs);
        self.estimate_basis = Some(basis);
        self
    }
    fn touch(&mut self, arn: &str) {
        if !arn.is_empty() {
            self.resources.push(arn.to_string());
        }
    }
}

/// `name (id)`, or the id alone when the name is empty or the id.
fn label(name: &str, id: &str) -> String {
    if name.is_empty() || name == id {
        id.to_string()
    } else {
        format!("{name} ({id})")
    }
}

pub(super) fn build(inputs: Inputs<'_>, only: &[String]) -> Runbook {
    let Inputs {
        snapshot,
        report,
        workloads,
        failover,
        app_tag,
    } = inputs;
    let parity = Parity {
        pairs: report.parity.pairs.clone(),
        ..Parity::default()
    };
    let objectives = RunbookObjectives {
        rto_seconds: report.objectives.rto_seconds,
        rpo_seconds: report.objectives.rpo_seconds,
        failback: report.objectives.failback,
    };
    let cx = Cx {
        p: SiteIdx::new(&snapshot.primary),
        s: SiteIdx::new(&snapshot.standby),
        standby_of: report
            .parity
            .pairs
            .iter()
            .map(|x| (x.primary.as_str(), x.standby.as_str()))
            .collect(),
        primary_of: report
            .parity
            .pairs
            .iter()
            .map(|x| (x.standby.as_str(), x.primary.as_str()))
            .collect(),
        volume_copies: crate::evidence::standby_copy_of_volume(snapshot, &parity),
        failover,
        app_tag,
        objectives: objectives.clone(),
    };
    let fail_on = report.gate.fail_on;
    let unwaived: Vec<&Finding> = report.unwaived().collect();
    let verdicts: HashMap<&str, &crate::verdicts::WorkloadEntry> = report
        .workloads
        .workloads
        .iter()
        .map(|w| (w.name.as_str(), w))
        .collect();

    let mut out = Vec::new();
    let mut placed: BTreeSet<String> = BTreeSet::new();
    for w in workloads
        .iter()
        .filter(|w| only.is_empty() || only.contains(&w.name))
    {
        let entry = verdicts.get(w.name.as_str()).copied();
        let mut wr = workload(&cx, w, entry);
        place(&mut wr, &unwaived, entry, fail_on);
        for s in &wr.failover {
            placed.extend(s.blockers.iter().map(|b| b.fingerprint.clone()));
        }
        finish(&mut wr, &objectives);
        out.push(wr);
    }
    let by_fp: HashMap<&str, &Finding> = unwaived
        .iter()
        .map(|f| (f.fingerprint.as_str(), *f))
        .collect();
    let shared_blockers = report
        .workloads
        .shared_blocking
        .iter()
        .filter(|b| !placed.contains(&b.fingerprint))
        .filter_map(|b| by_fp.get(b.fingerprint.as_str()))
        .map(|f| Blocker::of(f, fail_on, "shared"))
        .collect();

    Runbook {
        runbook_version: super::RUNBOOK_VERSION,
        tool: Tool {
            name: "drready".into(),
            version: env!("CARGO_PKG_VERSION").into(),
        },
        collected_at: snapshot.collected_at,
        site_pair: snapshot.site_pair(),
        primary: SiteRef {
            account: snapshot.primary.account.clone(),
            region: snapshot.primary.region.clone(),
        },
        standby: SiteRef {
            account: snapshot.standby.account.clone(),
            region: snapshot.standby.region.clone(),
        },
        objectives,
        fail_on,
        incomplete: snapshot.is_incomplete(),
        workloads: out,
        shared_blockers,
    }
}

/// The steps of one workload, before findings are placed.
fn workload(
    cx: &Cx<'_>,
    w: &Workload,
    entry: Option<&crate::verdicts::WorkloadEntry>,
) -> WorkloadRunbook {
    let mut b = Builder {
        cx,
        w,
        pre: Vec::new(),
        fo: Vec::new(),
        fb: Vec::new(),
        prereq: Vec::new(),
    };
    b.decide();
    b.buckets();
    b.volumes();
    b.databases();
    b.identity();
    b.compute();
    b.targets();
    b.traffic();
    b.failback_common();
    let verdict = entry.map_or(WorkloadVerdict::Unknown, |e| e.verdict);
    let warning = match (verdict, entry) {
        (WorkloadVerdict::NotReady, Some(e)) => Some(format!(
            "NOT READY: {} blocking finding{} would make this failover fail; each is shown at the \
             step it blocks. Fix them before the day, or plan to work around them.",
            e.blocking.len(),
            crate::report::text::plural(e.blocking.len())
        )),
        (WorkloadVerdict::Unknown, Some(e)) => Some(format!(
            "UNKNOWN: what this workload needs could not all be read ({}); steps may be missing \
             and the blockers are incomplete.",
            if e.unknown.is_empty() {
                "see the report".to_string()
            } else {
                e.unknown.join("; ")
            }
        )),
        (WorkloadVerdict::Unknown, None) => {
            Some("UNKNOWN: the workload has no verdict in the report.".into())
        }
        _ => None,
    };
    let Builder {
        pre,
        fo,
        fb,
        prereq,
        ..
    } = b;
    WorkloadRunbook {
        name: w.name.clone(),
        tier: w.tier.clone(),
        verdict,
        warning,
        preflight: pre,
        failover: fo,
        failback: Failback {
            prerequisites: prereq,
            steps: fb,
        },
        estimate: Estimate {
            total_seconds: 0,
            unestimated_steps: 0,
            rto_seconds: 0,
            within_rto: false,
        },
    }
}

struct Builder<'c, 'a> {
    cx: &'c Cx<'a>,
    w: &'c Workload,
    pre: Vec<Step>,
    fo: Vec<Step>,
    fb: Vec<Step>,
    prereq: Vec<String>,
}

impl<'a> Builder<'_, 'a> {
    fn pr(&self) -> &'a str {
        self.cx.p.region()
    }
    fn sr(&self) -> &'a str {
        self.cx.s.region()
    }

    fn decide(&mut self) {
        let mut s = step(
            Phase::Decide,
            "Declare the disaster and approve the failover",
        )
        .estimated("decide");
        s.notes.push(format!(
            "Run the pre-flight checks first. Fail over {} only when {} is impaired for the \
             services it needs (AWS Health Dashboard, your own alarms) and is not expected back \
             within the RTO.",
            self.w.name,
            self.pr()
        ));
        s.verify
            .push("The incident owner has approved the failover, and who runs it is named.".into());
        s.action = Some(Action::ManualApproval);
        self.fo.push(s);
    }

    /// The standby bucket a primary bucket's data is in: its twin, else the destination of an
    /// enabled replication rule that is a standby bucket.
    fn standby_bucket(&self, b: &'a Bucket) -> Option<&'a Bucket> {
        if let Some(s) = self
            .cx
            .standby_of
            .get(b.arn.as_str())
            .and_then(|a| self.cx.s.buckets.get(a))
        {
            return Some(s);
        }
        b.replication.as_ref().and_then(|r| {
            r.rules
                .iter()
                .filter(|rule| rule.status == "Enabled")
                .find_map(|rule| {
                    self.cx
                        .s
                        .bucket_by_name
                        .get(bucket_name(&rule.destination.bucket))
                        .copied()
                })
        })
    }

    fn buckets(&mut self) {
        let buckets: Vec<&Bucket> = self
            .w
            .primary
            .buckets
            .iter()
            .filter_map(|a| self.cx.p.buckets.get(a.as_str()).copied())
            .collect();
        if buckets.is_empty() {
            return;
        }
        let (pr, sr) = (self.pr(), self.sr());
        let mut fo = step(
            Phase::Data,
            "Serve the data from the standby buckets (S3 replication)",
        )
        .estimated("s3");
        let mut back = step(
            Phase::Data,
            "Replicate the standby buckets back to the primary",
        );
        let mut back_needed = false;
        for b in buckets {
            fo.touch(&b.arn);
            back.touch(&b.arn);
            let mut check = step(Phase::Data, format!("Replication of bucket {}", b.id));
            check.touch(&b.arn);
            check.commands.push(aws(&[
                "s3api",
                "get-bucket-replication",
                "--bucket",
                &b.id,
                "--region",
                pr,
            ]));
            match self.standby_bucket(b) {
                Some(s) => {
                    check.touch(&s.arn);
                    check.verify.push(format!(
                        "A rule with `Status: Enabled` replicates to `arn:aws:s3:::{}` (no prefix or \
                         tag filter, so every object is copied).",
                        s.id
                    ));
                    check.commands.push(aws(&[
                        "s3api",
                        "get-bucket-versioning",
                        "--bucket",
                        &s.id,
                        "--region",
                        sr,
                    ]));
                    check
                        .verify
                        .push(format!("Versioning of `{}` is `Enabled`.", s.id));
                    fo.touch(&s.arn);
                    back.touch(&s.arn);
                    fo.notes.push(format!(
                        "Point the application at `{}` instead of `{}`.",
                        s.id, b.id
                    ));
                    fo.verify_commands.push(aws(&[
                        "s3api",
                        "head-bucket",
                        "--bucket",
                        &s.id,
                        "--region",
                        sr,
                    ]));
                    let replicates_back = s.replication.as_ref().is_some_and(|r| {
                        r.rules.iter().any(|rule| {
                            rule.status == "Enabled"
                                && bucket_name(&rule.destination.bucket) == b.id
                        })
                    });
                    if replicates_back {
                        back.verify_commands.push(aws(&[
                            "s3api",
                            "get-bucket-replication",
                            "--bucket",
                            &s.id,
                            "--region",
                            sr,
                        ]));
                        back.verify.push(format!(
                            "`{}` already replicates back to `{}`: objects written during the \
                             outage reach the primary once it is back.",
                            s.id, b.id
                        ));
                    } else {
                        back_needed = true;
                        back.commands.push(aws(&[
                            "s3api",
                            "put-bucket-replication",
                            "--bucket",
                            &s.id,
                            "--region",
                            sr,
                            "--replication-configuration",
                            &format!("file://failback-replication-{}.json", s.id),
                        ]));
                        back.notes.push(format!(
                            "`failback-replication-{}.json`: a rule replicating every object of \
                             `{}` to `arn:aws:s3:::{}`, with a role S3 can assume in {}; \
                             versioning must be on in both buckets.",
                            s.id, s.id, b.id, sr
                        ));
                        back.commands.push(aws(&[
                            "s3",
                            "sync",
                            &format!("s3://{}", s.id),
                            &format!("s3://{}", b.id),
                            "--source-region",
                            sr,
                            "--region",
                            pr,
                        ]));
                    }
                }
                None if self
                    .cx
                    .s
                    .site
                    .unlisted_services()
                    .contains(&crate::vocab::Service::S3) =>
                {
                    check.verify.push(format!(
                        "Expected: an enabled rule replicating to a bucket in {sr} (the standby's \
                         buckets could not be listed)."
                    ));
                    fo.gaps.push(format!(
                        "The standby's buckets could not be read: whether `{}` has a copy in {sr} \
                         is unknown; check it by hand before relying on it.",
                        b.id
                    ));
                }
                None => {
                    check.verify.push(format!(
                        "Expected: a rule replicating to a bucket in {sr}. None is in the snapshot."
                    ));
                    fo.gaps.push(format!(
                        "Bucket `{}` has no copy in {sr}: its objects cannot be served from the \
                         standby.",
                        b.id
                    ));
                }
            }
            self.pre.push(check);
        }
        fo.notes.push(
            "S3 replication is asynchronous: objects written in the last minutes before the \
             outage may not have arrived (with Replication Time Control, 99.99% within 15 \
             minutes)."
                .into(),
        );
        fo.verify
            .push("Each standby bucket answers, and the application reads and writes it.".into());
        self.fo.push(fo);
        if back_needed {
            back.notes.push(
                "Replication copies only new objects: `aws s3 sync` copies what was written \
                 during the outage."
                    .into(),
            );
        }
        if !back.commands.is_empty() || !back.verify_commands.is_empty() {
            self.fb.push(back);
        }
        if self.cx.objectives.failback {
            self.prereq.push(
                "Failback is an objective (`failback = true`): every standby bucket already \
                 replicates back to its primary bucket (rule DR-S3-007)."
                    .into(),
            );
        } else {
            self.prereq.push(
                "Failback is not an objective (`failback = false`): the standby buckets do not \
                 necessarily replicate back; the data written during the outage must be copied \
                 back first (the data steps below)."
                    .into(),
            );
        }
    }

    /// The availability zone to create standby volumes in: the first subnet of the first
    /// standby member template, else the first standby subnet.
    fn standby_az(&self) -> String {
        let from_template = self
            .w
            .standby
            .launch_templates
            .iter()
            .filter_map(|a| self.cx.s.templates.get(a.as_str()))
            .filter_map(|t| launch_version(t))
            .flat_map(|v| v.subnet_ids.iter())
            .filter_map(|id| self.cx.s.subnet_by_id.get(id.as_str()))
            .find_map(|s| s.availability_zone.clone());
        let mut subnets: Vec<&Subnet> = self.cx.s.site.ec2.subnets.iter().collect();
        subnets.sort_by(|a, b| a.id.cmp(&b.id));
        from_template
            .or_else(|| subnets.iter().find_map(|s| s.availability_zone.clone()))
            .unwrap_or_else(|| format!("{}a", self.sr()))
    }

    fn volumes(&mut self) {
        let volumes: Vec<&crate::snapshot::Volume> = self
            .w
            .primary
            .volumes
            .iter()
            .filter_map(|a| self.cx.p.volumes.get(a.as_str()).copied())
            .collect();
        if volumes.is_empty() {
            return;
        }
        let sr = self.sr();
        let az = self.standby_az();
        let mut fo = step(
            Phase::Data,
            "Create volumes from the newest standby snapshot copies",
        )
        .estimated("ebs_restore");
        let mut check = step(Phase::Data, "Standby snapshot copies of the volumes");
        let mut copies: Vec<String> = Vec::new();
        let mut unsnapshotted: Vec<String> = Vec::new();
        for v in volumes {
            fo.touch(&v.arn);
            check.touch(&v.arn);
            let copy = self
                .cx
                .volume_copies
                .get(&v.id)
                .and_then(|c| self.cx.s.snapshots.get(c.arn.as_str()).map(|s| (c, *s)));
            match copy {
                Some((c, snap)) => {
                    fo.touch(&snap.arn);
                    check.touch(&snap.arn);
                    copies.push(snap.id.clone());
                    let mut words = vec![
                        "ec2",
                        "create-volume",
                        "--region",
                        sr,
                        "--availability-zone",
                        &az,
                        "--snapshot-id",
                        &snap.id,
                    ];
                    if let Some(t) = v.volume_type.as_deref() {
                        words.extend(["--volume-type", t]);
                    }
                    fo.commands.push(aws(&words));
                    fo.notes.push(format!(
                        "{} ← `{}`, the data as of {}.",
                        label(&v.name, &v.id),
                        snap.id,
                        crate::report::text::time(c.source_time)
                    ));
                    fo.verify_commands.push(aws(&[
                        "ec2",
                        "describe-volumes",
                        "--region",
                        sr,
                        "--filters",
                        &format!("Name=snapshot-id,Values={}", snap.id),
                    ]));
                }
                None if self
                    .cx
                    .p
                    .site
                    .ec2
                    .snapshots
                    .iter()
                    .any(|s| s.volume_id.as_deref() == Some(v.id.as_str())) =>
                {
                    fo.gaps.push(format!(
                        "Volume {} has snapshots but no copy in {sr}: its data cannot be restored \
                         in the standby.",
                        label(&v.name, &v.id)
                    ))
                }
                None => unsnapshotted.push(label(&v.name, &v.id)),
            }
        }
        if !unsnapshotted.is_empty() {
            fo.notes.push(format!(
                "Not snapshotted, so not restored: {} (a root volume comes with the AMI; any other \
                 holds data the standby does not have).",
                unsnapshotted.join(", ")
            ));
        }
        fo.notes.push(
            "Root volumes come with the AMI: restore only the data volumes, in the zone of the \
             instances that will attach them."
                .into(),
        );
        fo.verify.push(
            "Each new volume is `available`; attach it to the instance that needs it once that \
             runs (`aws ec2 attach-volume`)."
                .into(),
        );
        if !copies.is_empty() {
            let mut words = vec![
                "ec2".to_string(),
                "describe-snapshots".into(),
                "--region".into(),
                sr.into(),
                "--snapshot-ids".into(),
            ];
            words.extend(copies);
            check.commands.push(CliCommand::new(
                std::iter::once("aws".to_string()).chain(words),
            ));
            check.verify.push(format!(
                "Every snapshot is `completed` and its data is no older than the RPO ({}).",
                crate::report::text::duration(self.cx.objectives.rpo_seconds)
            ));
            self.pre.push(check);
        }
        if fo.commands.is_empty() && fo.gaps.is_empty() {
            // Nothing snapshotted: nothing to restore (the volumes come with the AMIs).
            return;
        }
        self.fo.push(fo);
        let mut back = step(Phase::Data, "Copy the volumes' data back to the primary");
        back.notes.push(format!(
            "Snapshot the volumes in use in {sr} (`aws ec2 create-snapshot`), copy the snapshots to \
             {} (`aws ec2 copy-snapshot --source-region {sr}`) and restore them there before \
             switching back.",
            self.pr()
        ));
        self.fb.push(back);
    }

    fn databases(&mut self) {
        let arns: Vec<&str> = self
            .w
            .primary
            .databases
            .iter()
            .map(String::as_str)
            .collect();
        for arn in arns {
            if let Some(db) = self.cx.p.db_instances.get(arn).copied() {
                if db.db_cluster_identifier.is_none() {
                    self.db_instance(db);
                }
            } else if let Some(c) = self.cx.p.db_clusters.get(arn).copied() {
                self.db_cluster(c);
            } else if let Some(t) = self.cx.p.tables.get(arn).copied() {
                self.table(t);
            }
        }
    }

    /// The newest available standby copy of a primary DB (cluster) snapshot source.
    fn standby_db_snapshot(&self, source_id: &str, cluster: bool) -> Option<&'a DbSnapshot> {
        self.cx
            .s
            .site
            .rds
            .db_snapshots
            .iter()
            .filter(|s| s.cluster == cluster && s.status == "available")
            .filter(|s| s.source_identifier.as_deref() == Some(source_id))
            .max_by(|a, b| a.create_time.cmp(&b.create_time).then(b.id.cmp(&a.id)))
    }

    fn db_instance(&mut self, db: &'a DbInstance) {
        let (pr, sr) = (self.pr(), self.sr());
        let twin = self
            .cx
            .standby_of
            .get(db.arn.as_str())
            .and_then(|a| self.cx.s.db_instances.get(a).copied())
            .or_else(|| {
                // A cross-region replica names its source by ARN.
                self.cx
                    .s
                    .site
                    .rds
                    .db_instances
                    .iter()
                    .find(|r| r.read_replica_source.as_deref() == Some(db.arn.as_str()))
            });
        match twin {
            Some(r) if r.read_replica_source.is_some() => {
                let mut check = step(Phase::Data, format!("Read replica {} of {}", r.id, db.id));
                check.touch(&db.arn);
                check.touch(&r.arn);
                check.commands.push(aws(&[
                    "rds",
                    "describe-db-instances",
                    "--region",
                    sr,
                    "--db-instance-identifier",
                    &r.id,
                ]));
                check.verify.push(format!(
                    "`DBInstanceStatus` is `available` and `ReadReplicaSourceDBInstanceIdentifier` \
                     is `{}`; the `ReplicaLag` metric (CloudWatch) is within the RPO.",
                    db.arn
                ));
                self.pre.push(check);
                let mut s = step(
                    Phase::Data,
                    format!(
                        "Promote the RDS read replica {} to a standalone database",
                        r.id
                    ),
                )
                .estimated("rds_promote");
                s.touch(&db.arn);
                s.touch(&r.arn);
                s.commands.push(aws(&[
                    "rds",
                    "promote-read-replica",
                    "--region",
                    sr,
                    "--db-instance-identifier",
                    &r.id,
                ]));
                s.verify.push(
                    "`DBInstanceStatus` is `available` and the instance has no \
                     `ReadReplicaSourceDBInstanceIdentifier`: it accepts writes. Point the \
                     application at its endpoint."
                        .into(),
                );
                s.verify_commands.push(aws(&[
                    "rds",
                    "describe-db-instances",
                    "--region",
                    sr,
                    "--db-instance-identifier",
                    &r.id,
                ]));
                s.action = Some(Action::RdsPromoteReadReplica {
                    standby_db_instance_arn: r.arn.clone(),
                });
                self.fo.push(s);
                let mut back = step(
                    Phase::Data,
                    format!("Replicate {} back to {} and promote it there", r.id, pr),
                );
                back.touch(&db.arn);
                back.touch(&r.arn);
                back.notes.push(format!(
                    "The old primary `{}` is stale: rename or delete it first (keep a final \
                     snapshot) so the new replica can take its identifier.",
                    db.id
                ));
                back.commands.push(aws(&[
                    "rds",
                    "create-db-instance-read-replica",
                    "--region",
                    pr,
                    "--db-instance-identifier",
                    &db.id,
                    "--source-db-instance-identifier",
                    &r.arn,
                ]));
                back.commands.push(aws(&[
                    "rds",
                    "promote-read-replica",
                    "--region",
                    pr,
                    "--db-instance-identifier",
                    &db.id,
                ]));
                back.verify.push(format!(
                    "Run the promotion only once the replica in {pr} has caught up (`ReplicaLag` \
                     0) and writes in {sr} are stopped."
                ));
                self.fb.push(back);
            }
            other => {
                let mut s = step(
                    Phase::Data,
                    format!("Restore the RDS database {} in {sr}", db.id),
                )
                .estimated("rds_restore");
                s.touch(&db.arn);
                if let Some(o) = other {
                    s.touch(&o.arn);
                    s.gaps.push(format!(
                        "`{}` in {sr} is not a read replica of `{}`: nothing keeps it current.",
                        o.id, db.id
                    ));
                }
                match self.standby_db_snapshot(&db.id, false) {
                    Some(snap) => {
                        s.touch(&snap.arn);
                        let mut words = vec![
                            "rds",
                            "restore-db-instance-from-db-snapshot",
                            "--region",
                            sr,
                            "--db-instance-identifier",
                            &db.id,
                            "--db-snapshot-identifier",
                            &snap.id,
                        ];
                        if let Some(c) = db.instance_class.as_deref() {
                            words.extend(["--db-instance-class", c]);
                        }
                        s.commands.push(aws(&words));
                        s.verify_commands.push(aws(&[
                            "rds",
                            "describe-db-instances",
                            "--region",
                            sr,
                            "--db-instance-identifier",
                            &db.id,
                        ]));
                        s.verify.push(format!(
                            "The restored instance is `available`; its data is as of the snapshot \
                             ({}).",
                            snap.create_time
                                .map(crate::report::text::time)
                                .unwrap_or_else(|| "time unknown".into())
                        ));
                    }
                    None => {
                        s.estimate_seconds = None;
                        s.estimate_basis = None;
                        s.gaps.push(format!(
                            "`{}` has no read replica and no snapshot copy in {sr}: its data cannot \
                             be brought up in the standby.",
                            db.id
                        ));
                    }
                }
                self.fo.push(s);
            }
        }
    }

    fn db_cluster(&mut self, c: &'a DbCluster) {
        let (pr, sr) = (self.pr(), self.sr());
        let twin = self
            .cx
            .standby_of
            .get(c.arn.as_str())
            .and_then(|a| self.cx.s.db_clusters.get(a).copied())
            .or_else(|| {
                self.cx.s.site.rds.db_clusters.iter().find(|s| {
                    (c.global_cluster_arn.is_some() && s.global_cluster_arn == c.global_cluster_arn)
                        || s.replication_source.as_deref() == Some(c.arn.as_str())
                })
            });
        let global_id = c.global_cluster_arn.as_deref().map(|g| {
            self.cx
                .p
                .site
                .rds
                .global_clusters
                .iter()
                .chain(&self.cx.s.site.rds.global_clusters)
                .find(|x| x.arn == g)
                .map(|x| x.id.clone())
                .unwrap_or_else(|| {
                    g.rsplit_once(":global-cluster:")
                        .map_or(g, |(_, id)| id)
                        .to_string()
                })
        });
        match (twin, global_id) {
            (Some(sc), Some(gid)) => {
                let garn = c.global_cluster_arn.clone().unwrap_or_default();
                let mut check = step(Phase::Data, format!("Aurora global database {gid}"));
                check.touch(&c.arn);
                check.touch(&sc.arn);
                check.touch(&garn);
                check.commands.push(aws(&[
                    "rds",
                    "describe-global-clusters",
                    "--region",
                    pr,
                    "--global-cluster-identifier",
                    &gid,
                ]));
                check.commands.push(aws(&[
                    "rds",
                    "describe-db-clusters",
                    "--region",
                    sr,
                    "--db-cluster-identifier",
                    &sc.id,
                ]));
                check.verify.push(format!(
                    "`{}` is a member of `{gid}` (not the writer) and `available`; the \
                     `AuroraGlobalDBReplicationLag` metric is within the RPO.",
                    sc.arn
                ));
                self.pre.push(check);
                let mut s = step(
                    Phase::Data,
                    format!("Fail over the Aurora global database {gid} to {}", sc.id),
                )
                .estimated("aurora_global");
                s.touch(&c.arn);
                s.touch(&sc.arn);
                s.touch(&garn);
                s.commands.push(aws(&[
                    "rds",
                    "failover-global-cluster",
                    "--region",
                    sr,
                    "--global-cluster-identifier",
                    &gid,
                    "--target-db-cluster-identifier",
                    &sc.arn,
                    "--allow-data-loss",
                ]));
                s.notes.push(format!(
                    "With {pr} down this is the unplanned failover (`--allow-data-loss`): writes not \
                     yet replicated are lost, within the RPO. With both regions healthy (a test), \
                     use `switchover-global-cluster` instead, as the failback does."
                ));
                s.verify.push(format!(
                    "`{}` is the writer of `{gid}`; the application writes through its cluster \
                     endpoint.",
                    sc.id
                ));
                s.verify_commands.push(aws(&[
                    "rds",
                    "describe-global-clusters",
                    "--region",
                    sr,
                    "--global-cluster-identifier",
                    &gid,
                ]));
                s.action = Some(Action::AuroraGlobalDatabase {
                    global_cluster_identifier: gid.clone(),
                    primary_cluster_arn: c.arn.clone(),
                    standby_cluster_arn: sc.arn.clone(),
                });
                self.fo.push(s);
                let mut back = step(
                    Phase::Data,
                    format!("Switch the Aurora global database {gid} back to {}", c.id),
                );
                back.touch(&c.arn);
                back.touch(&sc.arn);
                back.notes.push(format!(
                    "When {pr} recovers, Aurora adds `{}` back to `{gid}` as a secondary; switch \
                     over only once it is `available` and caught up.",
                    c.id
                ));
                back.commands.push(aws(&[
                    "rds",
                    "switchover-global-cluster",
                    "--region",
                    pr,
                    "--global-cluster-identifier",
                    &gid,
                    "--target-db-cluster-identifier",
                    &c.arn,
                ]));
                self.fb.push(back);
            }
            (Some(sc), None) if sc.replication_source.is_some() => {
                let mut check = step(Phase::Data, format!("Aurora replica cluster {}", sc.id));
                check.touch(&c.arn);
                check.touch(&sc.arn);
                check.commands.push(aws(&[
                    "rds",
                    "describe-db-clusters",
                    "--region",
                    sr,
                    "--db-cluster-identifier",
                    &sc.id,
                ]));
                check.verify.push(format!(
                    "`Status` is `available`; it replicates from `{}`.",
                    c.arn
                ));
                self.pre.push(check);
                let mut s = step(
                    Phase::Data,
                    format!("Promote the Aurora replica cluster {}", sc.id),
                )
                .estimated("aurora_promote");
                s.touch(&c.arn);
                s.touch(&sc.arn);
                s.commands.push(aws(&[
                    "rds",
                    "promote-read-replica-db-cluster",
                    "--region",
                    sr,
                    "--db-cluster-identifier",
                    &sc.id,
                ]));
                s.verify.push(
                    "The cluster is `available` with a writer and no \
                     `ReplicationSourceIdentifier`."
                        .into(),
                );
                s.verify_commands.push(aws(&[
                    "rds",
                    "describe-db-clusters",
                    "--region",
                    sr,
                    "--db-cluster-identifier",
                    &sc.id,
                ]));
                self.fo.push(s);
            }
            (other, _) => {
                let mut s = step(
                    Phase::Data,
                    format!("Restore the Aurora cluster {} in {sr}", c.id),
                )
                .estimated("rds_restore");
                s.touch(&c.arn);
                if let Some(o) = other {
                    s.touch(&o.arn);
                    s.gaps.push(format!(
                        "`{}` in {sr} neither shares a global database with `{}` nor replicates \
                         from it.",
                        o.id, c.id
                    ));
                }
                match self.standby_db_snapshot(&c.id, true) {
                    Some(snap) => {
                        s.touch(&snap.arn);
                        s.commands.push(aws(&[
                            "rds",
                            "restore-db-cluster-from-snapshot",
                            "--region",
                            sr,
                            "--db-cluster-identifier",
                            &c.id,
                            "--snapshot-identifier",
                            &snap.id,
                            "--engine",
                            &c.engine,
                        ]));
                        s.verify.push(
                            "The cluster is `available`; add a DB instance to it \
                             (`aws rds create-db-instance --db-cluster-identifier`)."
                                .into(),
                        );
                    }
                    None => {
                        s.estimate_seconds = None;
                        s.estimate_basis = None;
                        s.gaps.push(format!(
                            "`{}` has no replica and no snapshot copy in {sr}: its data cannot be \
                             brought up in the standby.",
                            c.id
                        ));
                    }
                }
                self.fo.push(s);
            }
        }
    }

    fn table(&mut self, t: &'a Table) {
        let sr = self.sr();
        let replica = t.replicas.iter().find(|r| r.region == sr);
        let mut s = step(Phase::Data, format!("DynamoDB table {}", t.name)).estimated("dynamodb");
        s.touch(&t.arn);
        if let Some(st) = self
            .cx
            .standby_of
            .get(t.arn.as_str())
            .and_then(|a| self.cx.s.tables.get(a))
        {
            s.touch(&st.arn);
        }
        match replica {
            Some(_) => {
                self.pre.push(check(
                    Phase::Data,
                    format!("Global table {} in {sr}", t.name),
                    &t.arn,
                    &[
                        "dynamodb",
                        "describe-table",
                        "--region",
                        sr,
                        "--table-name",
                        &t.name,
                    ],
                    format!("`TableStatus` is `ACTIVE` and `Replicas` lists {sr} as `ACTIVE`."),
                ));
                s.notes.push(
                    "A global table is multi-active: nothing to promote; the standby's writes \
                     replicate back when the primary returns."
                        .into(),
                );
                s.verify_commands.push(aws(&[
                    "dynamodb",
                    "describe-table",
                    "--region",
                    sr,
                    "--table-name",
                    &t.name,
                ]));
                s.verify.push(format!(
                    "The application reads and writes `{}` in {sr}.",
                    t.name
                ));
            }
            None => {
                s.estimate_seconds = None;
                s.estimate_basis = None;
                s.gaps.push(format!(
                    "`{}` has no replica in {sr}: restore it from a backup copied to {sr}, or make \
                     it a global table before the day.",
                    t.name
                ));
            }
        }
        self.fo.push(s);
    }

    /// The standby instance profiles, roles and KMS keys the standby members use; secret
    /// replicas.
    fn identity(&mut self) {
        let (pr, sr) = (self.pr(), self.sr());
        let mut s = step(
            Phase::Identity,
            "Confirm the standby's roles and keys, and promote secret replicas",
        )
        .estimated("identity");
        let mut profiles: BTreeSet<&str> = BTreeSet::new();
        let mut keys: BTreeSet<&str> = BTreeSet::new();
        for t in self
            .w
            .standby
            .launch_templates
            .iter()
            .filter_map(|a| self.cx.s.templates.get(a.as_str()))
        {
            let Some(v) = launch_version(t) else { continue };
            let name = v.instance_profile_name.as_deref().or_else(|| {
                v.instance_profile_arn
                    .as_deref()
                    .and_then(|a| a.rsplit('/').next())
            });
            if let Some(n) = name.filter(|n| self.cx.s.profile_by_name.contains_key(n)) {
                profiles.insert(n);
            }
            for bd in &v.block_devices {
                if let Some(k) = bd.kms_key_id.as_deref().and_then(|k| self.cx.s.kms_key(k)) {
                    keys.insert(k.arn.as_str());
                }
            }
        }
        // Every key the standby's data is encrypted with.
        let mut key_refs: Vec<&str> = Vec::new();
        for a in &self.w.standby.databases {
            let a = a.as_str();
            key_refs.extend(
                self.cx
                    .s
                    .db_instances
                    .get(a)
                    .and_then(|d| d.kms_key_id.as_deref()),
            );
            key_refs.extend(
                self.cx
                    .s
                    .db_clusters
                    .get(a)
                    .and_then(|d| d.kms_key_id.as_deref()),
            );
            key_refs.extend(
                self.cx
                    .s
                    .tables
                    .get(a)
                    .and_then(|t| t.kms_key_arn.as_deref()),
            );
        }
        for a in &self.w.standby.secrets {
            key_refs.extend(
                self.cx
                    .s
                    .secrets
                    .get(a.as_str())
                    .and_then(|x| x.kms_key_id.as_deref()),
            );
        }
        for ps in self
            .w
            .primary
            .secrets
            .iter()
            .filter_map(|a| self.cx.p.secrets.get(a.as_str()))
        {
            key_refs.extend(
                ps.replication
                    .iter()
                    .filter(|r| r.region == sr)
                    .filter_map(|r| r.kms_key_id.as_deref()),
            );
        }
        for b in self
            .w
            .primary
            .buckets
            .iter()
            .filter_map(|a| self.cx.p.buckets.get(a.as_str()))
        {
            for rule in b.replication.iter().flat_map(|r| r.rules.iter()) {
                key_refs.extend(rule.destination.replica_kms_key_id.as_deref());
            }
        }
        for k in key_refs {
            match self.cx.s.kms_key(k) {
                Some(key) => {
                    keys.insert(key.arn.as_str());
                }
                // A key of another account or region: findings about it land here.
                None if k.starts_with("arn:") => s.touch(k),
                None => {}
            }
        }
        for p in &profiles {
            let prof = self.cx.s.profile_by_name[p];
            s.touch(&prof.arn);
            self.pre.push(check(Phase::Identity, format!("Instance profile {p}"), &prof.arn, &[
                "iam",
                "get-instance-profile",
                "--instance-profile-name",
                p,
            ], format!(
                "Run with the standby account's credentials: it exists and holds the role{} {}.",
                crate::report::text::plural(prof.roles.len()),
                prof.roles
                    .iter()
                    .map(|r| format!("`{r}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )));
            for r in &prof.roles {
                if let Some(role) = self.cx.s.role_by_name.get(r.as_str()) {
                    s.touch(&role.arn);
                    if let Some(p) = self.cx.primary_of.get(role.arn.as_str()) {
                        s.touch(p);
                    }
                    s.verify_commands
                        .push(aws(&["iam", "get-role", "--role-name", &role.name]));
                }
            }
        }
        for k in &keys {
            let key = self.cx.s.kms_key(k).expect("found above");
            s.touch(&key.arn);
            self.pre.push(check(
                Phase::Identity,
                format!("KMS key {}", key.id),
                &key.arn,
                &["kms", "describe-key", "--region", sr, "--key-id", &key.id],
                "`KeyState` is `Enabled`.",
            ));
        }
        let mut back = step(Phase::Identity, "Replicate the secrets back to the primary");
        for ps in self
            .w
            .primary
            .secrets
            .iter()
            .filter_map(|a| self.cx.p.secrets.get(a.as_str()))
        {
            s.touch(&ps.arn);
            let replica = self
                .cx
                .standby_of
                .get(ps.arn.as_str())
                .and_then(|a| self.cx.s.secrets.get(a).copied())
                .or_else(|| {
                    self.cx
                        .s
                        .site
                        .secretsmanager
                        .secrets
                        .iter()
                        .find(|x| x.name == ps.name && x.primary_region.as_deref() == Some(pr))
                });
            self.pre.push(check(
                Phase::Identity,
                format!("Secret {}", ps.name),
                &ps.arn,
                &[
                    "secretsmanager",
                    "describe-secret",
                    "--region",
                    pr,
                    "--secret-id",
                    &ps.name,
                ],
                format!("`ReplicationStatus` lists {sr} with `Status: InSync`."),
            ));
            // The replica: in the standby snapshot, or — same-account replication to another
            // account's standby region — listed by the primary secret's replication status.
            let listed = ps.replication.iter().find(|x| x.region == sr);
            let replica_name = match (replica, listed) {
                (Some(r), _) if r.primary_region.is_some() => {
                    s.touch(&r.arn);
                    back.touch(&r.arn);
                    Some(r.name.as_str())
                }
                (_, Some(x)) => {
                    if x.status != "InSync" {
                        s.gaps.push(format!(
                            "The replica of `{}` in {sr} is `{}`{}: its value may be stale.",
                            ps.name,
                            x.status,
                            x.status_message
                                .as_deref()
                                .map(|m| format!(" ({m})"))
                                .unwrap_or_default()
                        ));
                    }
                    if ps.account != self.cx.s.site.account {
                        s.notes.push(format!(
                            "The replica of `{}` is in account {} (the primary's), region {sr}: run \
                             its command with that account's credentials.",
                            ps.name, ps.account
                        ));
                    }
                    Some(ps.name.as_str())
                }
                (Some(r), None) => {
                    s.touch(&r.arn);
                    s.gaps.push(format!(
                        "`{}` in {sr} is not a replica of the primary secret: its value may \
                         differ.",
                        r.name
                    ));
                    None
                }
                (None, None) if ps.owning_service.is_some() => {
                    s.notes.push(format!(
                        "Secret `{}` is managed by {}: it follows its resource (a promoted \
                         database manages its own).",
                        ps.name,
                        ps.owning_service.as_deref().unwrap_or_default()
                    ));
                    None
                }
                (None, None) => {
                    s.gaps.push(format!(
                        "Secret `{}` has no replica in {sr}: create it there before the \
                         application starts.",
                        ps.name
                    ));
                    None
                }
            };
            if let Some(name) = replica_name {
                back.touch(&ps.arn);
                s.commands.push(aws(&[
                    "secretsmanager",
                    "stop-replication-to-replica",
                    "--region",
                    sr,
                    "--secret-id",
                    name,
                ]));
                s.notes.push(format!(
                    "`stop-replication-to-replica` makes `{name}` in {sr} a standalone secret the \
                     standby can rotate and write; reading it works without."
                ));
                back.commands.push(aws(&[
                    "secretsmanager",
                    "replicate-secret-to-regions",
                    "--region",
                    sr,
                    "--secret-id",
                    name,
                    "--add-replica-regions",
                    &format!("Region={pr}"),
                    "--force-overwrite-replica-secret",
                ]));
            }
        }
        if !back.commands.is_empty() {
            back.notes.push(format!(
                "Overwrites the secrets in {pr} with the values the standby used; then make {pr} \
                 the primary region of each secret again."
            ));
            self.fb.push(back);
        }
        if s.resources.is_empty() {
            return;
        }
        s.verify.push(
            "Each role exists with the permissions of its primary twin; each key is enabled."
                .into(),
        );
        self.fo.push(s);
    }

    /// The standby launch template version to launch: the default version's number, else the
    /// latest's, else `$Default`.
    fn version(t: &LaunchTemplate) -> String {
        t.default_version_number
            .or(t.default_version.as_ref().map(|v| v.version_number))
            .or(t.latest_version_number)
            .map_or_else(|| "$Default".to_string(), |n| n.to_string())
    }

    /// Resources a standby template's launch touches: the template, its image, security groups,
    /// subnets and key pair.
    fn touch_template(&self, s: &mut Step, t: &LaunchTemplate) {
        s.touch(&t.arn);
        if let Some(p) = self.cx.primary_of.get(t.arn.as_str()) {
            s.touch(p);
        }
        for v in [t.default_version.as_ref(), t.latest_version.as_ref()]
            .into_iter()
            .flatten()
        {
            if let Some(i) = v
                .image_id
                .as_deref()
                .and_then(|id| self.cx.s.image_by_id.get(id))
            {
                s.touch(&i.arn);
            }
            for sg in v
                .security_group_ids
                .iter()
                .filter_map(|id| self.cx.s.sg_by_id.get(id.as_str()))
            {
                s.touch(&sg.arn);
            }
            for sn in v
                .subnet_ids
                .iter()
                .filter_map(|id| self.cx.s.subnet_by_id.get(id.as_str()))
            {
                s.touch(&sn.arn);
            }
            if let Some(k) = v
                .key_name
                .as_deref()
                .and_then(|k| self.cx.s.key_by_name.get(k))
            {
                s.touch(&k.arn);
            }
        }
    }

    fn compute(&mut self) {
        let sr = self.sr();
        let cx = self.cx;
        let mut covered: BTreeSet<&str> = BTreeSet::new();
        let mut vcpus_needed: Option<i64> = Some(0);
        let mut add_vcpus = |itype: Option<&str>, n: i64| {
            let v = itype.and_then(|t| cx.s.site.servicequotas.instance_type_vcpus.get(t));
            vcpus_needed = match (vcpus_needed, v) {
                (Some(acc), Some(v)) => Some(acc + v * n),
                _ => None,
            };
        };
        let mut images: BTreeSet<&str> = BTreeSet::new();
        let mut templates_to_check: Vec<(&LaunchTemplate, String)> = Vec::new();
        let mut launched = false;
        let mut twinless_groups: Vec<&AutoScalingGroup> = Vec::new();
        let mut group_steps: Vec<usize> = Vec::new();
        // The standby's EC2 quotas: launching capacity hits them.
        let quota_arns: Vec<&str> =
            cx.s.site
                .servicequotas
                .quotas
                .iter()
                .filter(|q| q.service_code == "ec2")
                .map(|q| q.arn.as_str())
                .collect();

        // Auto Scaling groups.
        for pg in self
            .w
            .primary
            .auto_scaling_groups
            .iter()
            .filter_map(|a| cx.p.groups.get(a.as_str()).copied())
        {
            let Some(sg) = cx
                .standby_of
                .get(pg.arn.as_str())
                .and_then(|a| cx.s.groups.get(a).copied())
            else {
                twinless_groups.push(pg);
                continue;
            };
            launched = true;
            let template = sg.launch_template.as_ref().and_then(|lt| {
                lt.id
                    .as_deref()
                    .and_then(|id| cx.s.template_by_id.get(id))
                    .or_else(|| {
                        lt.name
                            .as_deref()
                            .and_then(|n| cx.s.template_by_name.get(n))
                    })
                    .copied()
            });
            let primary_template = pg.launch_template.as_ref().and_then(|lt| {
                lt.id
                    .as_deref()
                    .and_then(|id| cx.p.template_by_id.get(id))
                    .or_else(|| {
                        lt.name
                            .as_deref()
                            .and_then(|n| cx.p.template_by_name.get(n))
                    })
                    .copied()
            });
            if let Some(pt) = primary_template {
                covered.insert(pt.arn.as_str());
            }
            let desired = pg.desired_capacity.max(1);
            let itype = template
                .and_then(launch_version)
                .and_then(|v| v.instance_type.as_deref());
            add_vcpus(itype, (desired - sg.desired_capacity).max(0));
            self.pre.push(check(Phase::Compute, format!("Auto Scaling group {}", sg.name), &sg.arn, &[
                "autoscaling",
                "describe-auto-scaling-groups",
                "--region",
                sr,
                "--auto-scaling-group-names",
                &sg.name,
            ], format!(
                "The group exists with `MaxSize` ≥ {desired} (or is raised by the failover), and no \
                 `Launch` process is suspended."
            )));
            let mut s = step(
                Phase::Compute,
                format!(
                    "Scale the Auto Scaling group {} to the primary's capacity ({desired})",
                    sg.name
                ),
            )
            .estimated("asg");
            s.touch(&pg.arn);
            s.touch(&sg.arn);
            s.touch(&self.w.key);
            if let Some(pt) = primary_template {
                s.touch(&pt.arn);
            }
            for q in &quota_arns {
                s.touch(q);
            }
            if let Some(t) = template {
                self.touch_template(&mut s, t);
                templates_to_check.push((t, Self::version(t)));
                if let Some(id) = launch_version(t).and_then(|v| v.image_id.as_deref()) {
                    images.insert(id);
                }
            }
            if !sg.suspended_processes.is_empty() {
                s.commands.push(aws(&[
                    "autoscaling",
                    "resume-processes",
                    "--region",
                    sr,
                    "--auto-scaling-group-name",
                    &sg.name,
                ]));
            }
            let min = pg.min_size.min(desired).to_string();
            let max = sg.max_size.max(pg.max_size).max(desired).to_string();
            s.commands.push(aws(&[
                "autoscaling",
                "update-auto-scaling-group",
                "--region",
                sr,
                "--auto-scaling-group-name",
                &sg.name,
                "--min-size",
                &min,
                "--max-size",
                &max,
                "--desired-capacity",
                &desired.to_string(),
            ]));
            s.verify.push(format!(
                "{desired} instance{} `InService` in `{}`.",
                if desired == 1 { " is" } else { "s are" },
                sg.name
            ));
            s.verify_commands.push(aws(&[
                "autoscaling",
                "describe-auto-scaling-groups",
                "--region",
                sr,
                "--auto-scaling-group-names",
                &sg.name,
            ]));
            s.action = Some(Action::Ec2AutoScaling {
                primary_group_arn: pg.arn.clone(),
                standby_group_arn: sg.arn.clone(),
                wait_for_targets: !sg.target_group_arns.is_empty(),
            });
            group_steps.push(self.fo.len());
            self.fo.push(s);
            let mut back = step(
                Phase::Compute,
                format!("Return {} to its standby size", sg.name),
            );
            back.touch(&sg.arn);
            back.notes.push(
                "After traffic is back on the primary: the standby returns to the size it had \
                 before the failover."
                    .into(),
            );
            back.commands.push(aws(&[
                "autoscaling",
                "update-auto-scaling-group",
                "--region",
                sr,
                "--auto-scaling-group-name",
                &sg.name,
                "--min-size",
                &sg.min_size.to_string(),
                "--max-size",
                &sg.max_size.to_string(),
                "--desired-capacity",
                &sg.desired_capacity.to_string(),
            ]));
            self.fb.push(back);
        }

        // Launch templates (pilot light) and template-less instances.
        let mut s = step(
            Phase::Compute,
            "Launch the workload's instances from the standby launch templates",
        )
        .estimated("ec2_launch");
        s.touch(&self.w.key);
        for q in &quota_arns {
            s.touch(q);
        }
        for pg in &twinless_groups {
            s.touch(&pg.arn);
            s.gaps.push(format!(
                "Auto Scaling group `{}` has no twin in {sr}: its {} instance{} must be launched \
                 from the standby template instead.",
                pg.name,
                pg.desired_capacity,
                crate::report::text::plural(pg.desired_capacity)
            ));
        }
        let primary_instances: Vec<&Instance> = self
            .w
            .primary
            .instances
            .iter()
            .filter_map(|a| cx.p.instances.get(a.as_str()).copied())
            .filter(|i| is_live(i))
            .collect();
        let standby_instances: Vec<&Instance> = self
            .w
            .standby
            .instances
            .iter()
            .filter_map(|a| cx.s.instances.get(a.as_str()).copied())
            .filter(|i| is_live(i))
            .collect();
        for i in &standby_instances {
            s.touch(&i.arn);
        }
        for pt in self
            .w
            .primary
            .launch_templates
            .iter()
            .filter_map(|a| cx.p.templates.get(a.as_str()).copied())
        {
            if covered.contains(pt.arn.as_str()) {
                continue;
            }
            s.touch(&pt.arn);
            if let Some(img) = launch_version(pt)
                .and_then(|v| v.image_id.as_deref())
                .and_then(|id| cx.p.image_by_id.get(id))
            {
                s.touch(&img.arn);
            }
            let running = primary_instances
                .iter()
                .filter(|i| i.launch_template_id.as_deref() == Some(pt.id.as_str()))
                .inspect(|i| s.touch(&i.arn))
                .count() as i64;
            let Some(st) = cx
                .standby_of
                .get(pt.arn.as_str())
                .and_then(|a| cx.s.templates.get(a).copied())
            else {
                s.gaps.push(format!(
                    "Launch template {} has no twin in {sr}: there is nothing to launch its \
                     instances from.",
                    label(&pt.name, &pt.id)
                ));
                continue;
            };
            self.touch_template(&mut s, st);
            let version = Self::version(st);
            templates_to_check.push((st, version.clone()));
            let warm = standby_instances
                .iter()
                .filter(|i| i.launch_template_id.as_deref() == Some(st.id.as_str()))
                .count() as i64;
            let want = running.max(1);
            let count = (want - warm).max(0);
            if count == 0 {
                s.notes.push(format!(
                    "{warm} instance{} from {} already run{} in {sr} (warm standby): nothing to \
                     launch.",
                    crate::report::text::plural(warm),
                    label(&st.name, &st.id),
                    if warm == 1 { "s" } else { "" }
                ));
            } else {
                launched = true;
                add_vcpus(
                    launch_version(st).and_then(|v| v.instance_type.as_deref()),
                    count,
                );
                s.commands.push(aws(&[
                    "ec2",
                    "run-instances",
                    "--region",
                    sr,
                    "--launch-template",
                    &format!("LaunchTemplateId={},Version={version}", st.id),
                    "--count",
                    &count.to_string(),
                ]));
                s.notes.push(format!(
                    "{count} instance{} from {} (version {version}): the primary runs {running} \
                     from {}{}.",
                    crate::report::text::plural(count),
                    label(&st.name, &st.id),
                    label(&pt.name, &pt.id),
                    if warm > 0 {
                        format!(", the standby {warm} already")
                    } else {
                        String::new()
                    }
                ));
            }
            s.verify_commands.push(aws(&[
                "ec2",
                "describe-instances",
                "--region",
                sr,
                "--filters",
                &format!("Name=tag:aws:ec2launchtemplate:id,Values={}", st.id),
                "Name=instance-state-name,Values=pending,running",
            ]));
            if let Some(id) = launch_version(st).and_then(|v| v.image_id.as_deref()) {
                images.insert(id);
            }
        }
        for i in primary_instances
            .iter()
            .filter(|i| i.launch_template_id.is_none())
        {
            s.touch(&i.arn);
            let img = i
                .image_id
                .as_deref()
                .and_then(|id| cx.p.image_by_id.get(id))
                .inspect(|img| s.touch(&img.arn))
                .and_then(|img| cx.standby_of.get(img.arn.as_str()))
                .and_then(|a| cx.s.images.get(a).copied());
            let Some(img) = img else {
                s.gaps.push(format!(
                    "Instance {} was not launched from a template and its AMI has no copy in \
                     {sr}: rebuild it by hand.",
                    label(&i.name, &i.id)
                ));
                continue;
            };
            launched = true;
            s.touch(&img.arn);
            images.insert(img.id.as_str());
            add_vcpus(Some(&i.instance_type), 1);
            let mut words = vec![
                "ec2".to_string(),
                "run-instances".into(),
                "--region".into(),
                sr.into(),
                "--image-id".into(),
                img.id.clone(),
                "--instance-type".into(),
                i.instance_type.clone(),
                "--count".into(),
                "1".into(),
            ];
            if let Some(sn) = i
                .subnet_id
                .as_deref()
                .and_then(|id| cx.p.subnet_by_id.get(id))
                .and_then(|sn| cx.standby_of.get(sn.arn.as_str()))
                .and_then(|a| cx.s.site.ec2.subnets.iter().find(|x| x.arn == *a))
            {
                s.touch(&sn.arn);
                words.extend(["--subnet-id".into(), sn.id.clone()]);
            }
            let sgs: Vec<&SecurityGroup> = i
                .security_group_ids
                .iter()
                .filter_map(|id| cx.p.sg_by_id.get(id.as_str()))
                .filter_map(|sg| cx.standby_of.get(sg.arn.as_str()))
                .filter_map(|a| cx.s.site.ec2.security_groups.iter().find(|x| x.arn == *a))
                .collect();
            if !sgs.is_empty() {
                words.push("--security-group-ids".into());
                for sg in sgs {
                    s.touch(&sg.arn);
                    words.push(sg.id.clone());
                }
            }
            s.commands.push(CliCommand::new(
                std::iter::once("aws".to_string()).chain(words),
            ));
            s.notes.push(format!(
                "A replacement for {} ({}), which was not launched from a template.",
                label(&i.name, &i.id),
                i.instance_type
            ));
        }
        // Every image the workload runs, and its standby copy.
        for a in &self.w.primary.images {
            s.touch(a);
            if let Some(t) = cx.standby_of.get(a.as_str()) {
                s.touch(t);
            }
        }
        if s.commands.is_empty() && s.gaps.is_empty() && s.notes.is_empty() {
            if let Some(&i) = group_steps.first() {
                // Capacity lives in the groups: their first step takes what this one touches
                // (standby instances, images, templates).
                let resources = std::mem::take(&mut s.resources);
                self.fo[i].resources.extend(resources);
            } else {
                s.estimate_seconds = None;
                s.estimate_basis = None;
                s.title = "No instances to launch".into();
                s.notes.push(
                    "The workload has no instances, launch templates or Auto Scaling groups in \
                     the primary."
                        .into(),
                );
                self.fo.push(s);
            }
        } else {
            if !s.commands.is_empty() || !s.verify_commands.is_empty() {
                s.verify.push(
                    "The instances are `running` and pass their status checks; the application \
                     answers on them."
                        .into(),
                );
            }
            self.fo.push(s);
        }

        // Pre-flight: images, templates, quota.
        if !images.is_empty() {
            let mut check = step(Phase::Compute, "AMIs the standby launches from");
            let mut words = vec![
                "aws".to_string(),
                "ec2".into(),
                "describe-images".into(),
                "--region".into(),
                sr.into(),
                "--image-ids".into(),
            ];
            for id in &images {
                words.push((*id).to_string());
                if let Some(i) = cx.s.image_by_id.get(id) {
                    check.touch(&i.arn);
                }
            }
            check.commands.push(CliCommand::new(words));
            check.verify.push(
                "Every image is `available` and not deprecated; none is missing from the answer."
                    .into(),
            );
            self.pre.push(check);
        }
        templates_to_check.sort_by(|a, b| a.0.id.cmp(&b.0.id));
        templates_to_check.dedup_by(|a, b| a.0.id == b.0.id);
        for (t, version) in templates_to_check {
            self.pre.push(check(
                Phase::Compute,
                format!("Launch template {}", t.name),
                &t.arn,
                &[
                    "ec2",
                    "describe-launch-template-versions",
                    "--region",
                    sr,
                    "--launch-template-id",
                    &t.id,
                    "--versions",
                    &version,
                ],
                "The version names an AMI, subnets, security groups, key pair and instance profile \
                 that exist in the standby.",
            ));
        }
        if launched {
            let quotas: Vec<&crate::snapshot::ServiceQuota> =
                cx.s.site
                    .servicequotas
                    .quotas
                    .iter()
                    .filter(|q| q.service_code == "ec2" && q.quota_code == STANDARD_ON_DEMAND_QUOTA)
                    .collect();
            let mut check = step(
                Phase::Compute,
                "EC2 On-Demand capacity quota in the standby",
            );
            for q in &quotas {
                check.touch(&q.arn);
            }
            check.commands.push(aws(&[
                "service-quotas",
                "get-service-quota",
                "--region",
                sr,
                "--service-code",
                "ec2",
                "--quota-code",
                STANDARD_ON_DEMAND_QUOTA,
            ]));
            check.verify.push(match (vcpus_needed, quotas.first()) {
                (Some(n), Some(q)) if q.value.is_some() => format!(
                    "`Value` ({} when collected) leaves room for the {n} vCPUs this failover \
                     launches, on top of what already runs in {sr}.",
                    q.value.unwrap_or_default()
                ),
                (Some(n), _) => format!(
                    "`Value` leaves room for the {n} vCPUs this failover launches, on top of what \
                     already runs in {sr}."
                ),
                (None, _) => format!(
                    "`Value` (vCPUs of running On-Demand standard instances) leaves room for the \
                     instances this failover launches, on top of what already runs in {sr}."
                ),
            });
            self.pre.push(check);
        }
    }

    /// Standby load balancer targets.
    fn targets(&mut self) {
        let sr = self.sr();
        let lbs: Vec<&LoadBalancer> = self
            .w
            .standby
            .load_balancers
            .iter()
            .filter_map(|a| self.cx.s.lbs.get(a.as_str()).copied())
            .collect();
        let mut s = step(
            Phase::Compute,
            "Confirm the standby load balancers' targets are healthy",
        )
        .estimated("targets");
        for a in &self.w.primary.load_balancers {
            s.touch(a);
            if !self.cx.standby_of.contains_key(a.as_str())
                && let Some(lb) = self.cx.p.lbs.get(a.as_str())
            {
                s.gaps.push(format!(
                    "Load balancer `{}` has no twin in {sr}: clients have nowhere to go.",
                    lb.name
                ));
            }
        }
        for lb in self
            .w
            .primary
            .load_balancers
            .iter()
            .filter_map(|a| self.cx.p.lbs.get(a.as_str()).copied())
            .chain(lbs.iter().copied())
        {
            for l in &lb.listeners {
                s.touch(&l.arn);
                for c in &l.certificate_arns {
                    s.touch(c);
                }
            }
        }
        for lb in &lbs {
            s.touch(&lb.arn);
            self.pre.push(check(
                Phase::Compute,
                format!("Load balancer {}", lb.name),
                &lb.arn,
                &[
                    "elbv2",
                    "describe-load-balancers",
                    "--region",
                    sr,
                    "--names",
                    &lb.name,
                ],
                "`State.Code` is `active`.",
            ));
            let mut tgs: BTreeSet<&str> = self
                .cx
                .s
                .site
                .elbv2
                .target_groups
                .iter()
                .filter(|t| t.load_balancer_arns.contains(&lb.arn))
                .map(|t| t.arn.as_str())
                .collect();
            tgs.extend(
                lb.listeners
                    .iter()
                    .flat_map(|l| l.default_target_group_arns.iter().map(String::as_str)),
            );
            for tg in tgs {
                s.touch(tg);
                s.verify_commands.push(aws(&[
                    "elbv2",
                    "describe-target-health",
                    "--region",
                    sr,
                    "--target-group-arn",
                    tg,
                ]));
            }
        }
        if s.resources.is_empty() {
            return;
        }
        s.verify.push(
            "Every target is `healthy`. Instances launched outside an Auto Scaling group must be \
             registered first (`aws elbv2 register-targets`)."
                .into(),
        );
        self.fo.push(s);
    }

    /// Whether a failover group belongs to the workload: a DNS label equal to its name, a health
    /// check carrying its app tag, or a value or alias naming one of its load balancers.
    fn owns(&self, g: &FailoverPair) -> bool {
        let name = self.w.name.as_str();
        if g.name.trim_end_matches('.').split('.').any(|l| l == name) {
            return true;
        }
        let records = [g.primary.as_ref(), g.secondary.as_ref()];
        let tagged = records.iter().flatten().any(|r| {
            r.health_check_id
                .as_deref()
                .and_then(|id| self.cx.health_check(id))
                .is_some_and(|h| h.tag(self.cx.app_tag) == Some(name))
        });
        if tagged {
            return true;
        }
        let norm = |d: &str| {
            let d = d.trim_end_matches('.').to_ascii_lowercase();
            d.strip_prefix("dualstack.")
                .map(str::to_string)
                .unwrap_or(d)
        };
        let lb_names: BTreeSet<String> = self
            .w
            .primary
            .load_balancers
            .iter()
            .filter_map(|a| self.cx.p.lbs.get(a.as_str()))
            .chain(
                self.w
                    .standby
                    .load_balancers
                    .iter()
                    .filter_map(|a| self.cx.s.lbs.get(a.as_str())),
            )
            .map(|lb| norm(&lb.dns_name))
            .collect();
        records.iter().flatten().any(|r| {
            r.values
                .iter()
                .map(|v| norm(v))
                .chain(r.alias_target.iter().map(|a| norm(&a.dns_name)))
                .any(|d| lb_names.contains(&d))
        })
    }

    fn traffic(&mut self) {
        let groups: Vec<&FailoverPair> = self.cx.failover.iter().filter(|g| self.owns(g)).collect();
        if groups.is_empty() {
            let mut s = step(Phase::Traffic, "Move the traffic");
            // What a finding about DNS failover of the workload's load balancers names.
            for a in &self.w.primary.load_balancers {
                s.touch(a);
            }
            s.gaps.push(format!(
                "No Route 53 failover record belongs to {} (by name, health check tag or load \
                 balancer): if it serves traffic, it cannot be moved by DNS; point its clients at \
                 {} another way.",
                self.w.name,
                self.sr()
            ));
            self.fo.push(s);
            return;
        }
        for g in groups {
            self.failover_group(g);
        }
    }

    fn failover_group(&mut self, g: &FailoverPair) {
        let title = format!("Move {} ({}) to the SECONDARY", g.name, g.record_type);
        let mut s = step(Phase::Traffic, title);
        let touch_record = |s: &mut Step, r: &RecordSet| {
            s.touch(&r.arn);
            if let Some(h) = r
                .health_check_id
                .as_deref()
                .and_then(|id| self.cx.health_check(id))
            {
                s.touch(&h.arn);
            }
        };
        for r in [g.primary.as_ref(), g.secondary.as_ref()]
            .into_iter()
            .flatten()
        {
            touch_record(&mut s, r);
        }
        // The workload's primary load balancers: what DNS failover findings about them name.
        for a in &self.w.primary.load_balancers {
            s.touch(a);
        }
        let (Some(p), Some(sec)) = (g.primary.as_ref(), g.secondary.as_ref()) else {
            s.gaps.push(if g.secondary.is_none() {
                format!(
                    "{} has no SECONDARY record: traffic cannot be moved by DNS.",
                    g.name
                )
            } else {
                format!(
                    "{} has only a SECONDARY record: Route 53 already answers with it.",
                    g.name
                )
            });
            self.fo.push(s);
            return;
        };
        let secondary_answer = sec
            .alias_target
            .as_ref()
            .map(|a| a.dns_name.clone())
            .unwrap_or_else(|| sec.values.join(", "));
        let check = p
            .health_check_id
            .as_deref()
            .and_then(|id| self.cx.health_check(id));
        let evaluates_target = p
            .alias_target
            .as_ref()
            .is_some_and(|a| a.evaluate_target_health);
        if check.is_none() && p.health_check_id.is_none() && evaluates_target {
            // An alias that evaluates target health fails over by itself when the primary load
            // balancer has no healthy target: nothing to run, only to check.
            let (base, _) = estimate("dns");
            s.estimate_seconds = Some(base + 60);
            s.estimate_basis = Some(format!(
                "dns: {base} s + 60 s (alias TTL), once the primary target is unhealthy"
            ));
            s.notes.push(format!(
                "The PRIMARY is an alias that evaluates target health: Route 53 answers {} with the \
                 SECONDARY (`{secondary_answer}`) as soon as the primary load balancer has no \
                 healthy target. With the primary only partly down, there is no health check to \
                 invert: change the records (`aws route53 change-resource-record-sets`).",
                g.name
            ));
            s.verify.push(format!(
                "Route 53 answers {} with `{secondary_answer}`.",
                g.name
            ));
            s.verify_commands.push(aws(&[
                "route53",
                "test-dns-answer",
                "--hosted-zone-id",
                &g.zone_id,
                "--record-name",
                &g.name,
                "--record-type",
                &g.record_type,
            ]));
            self.fo.push(s);
            return;
        }
        let Some(h) = check else {
            s.gaps.push(format!(
                "The PRIMARY record of {} has no health check{}: Route 53 keeps answering with \
                 it, so inverting a health check cannot move traffic. Change the records \
                 (`aws route53 change-resource-record-sets`), or add a health check before the \
                 day.",
                g.name,
                if p.health_check_id.is_some() {
                    " in the snapshot"
                } else {
                    ""
                }
            ));
            self.fo.push(s);
            return;
        };
        let interval = h.request_interval.unwrap_or(30).max(0) as u64;
        let threshold = h.failure_threshold.unwrap_or(3).max(0) as u64;
        let ttl = p.ttl.unwrap_or(60).max(0) as u64;
        let (base, _) = estimate("dns");
        s.estimate_seconds = Some(base + interval * threshold + ttl);
        s.estimate_basis = Some(format!(
            "dns: {base} s + {interval} s × {threshold} (health check) + {ttl} s (TTL)"
        ));
        let mut pre = step(Phase::Traffic, format!("Health of {}", g.name));
        touch_record(&mut pre, p);
        pre.commands.push(aws(&[
            "route53",
            "get-health-check-status",
            "--health-check-id",
            &h.id,
        ]));
        pre.verify.push(format!(
            "Health check `{}` of the PRIMARY: while {} is down most checkers report `Failure`, \
             and Route 53 may already answer with the SECONDARY.",
            h.id,
            self.pr()
        ));
        if let Some(h2) = sec
            .health_check_id
            .as_deref()
            .and_then(|id| self.cx.health_check(id))
            .filter(|h2| h2.id != h.id)
        {
            pre.commands.push(aws(&[
                "route53",
                "get-health-check-status",
                "--health-check-id",
                &h2.id,
            ]));
            pre.verify.push(format!(
                "Health check `{}` of the SECONDARY reports `Success`: an unhealthy SECONDARY \
                 leaves Route 53 answering with the PRIMARY.",
                h2.id
            ));
        }
        pre.commands.push(aws(&[
            "route53",
            "list-resource-record-sets",
            "--hosted-zone-id",
            &g.zone_id,
            "--start-record-name",
            &g.name,
            "--start-record-type",
            &g.record_type,
            "--max-items",
            "2",
        ]));
        pre.verify.push(format!(
            "The PRIMARY (`{}`) and SECONDARY (`{}`) records are both there.",
            p.set_identifier.as_deref().unwrap_or("?"),
            sec.set_identifier.as_deref().unwrap_or("?")
        ));
        self.pre.push(pre);
        s.commands.push(aws(&[
            "route53",
            "update-health-check",
            "--health-check-id",
            &h.id,
            "--inverted",
        ]));
        s.notes.push(format!(
            "Inverting health check `{}` makes Route 53 treat the PRIMARY as unhealthy whatever it \
             answers, so {} resolves to the SECONDARY (`{secondary_answer}`).",
            h.id, g.name
        ));
        s.verify.push(format!(
            "Every checker reports the health check as failing, and Route 53 answers {} with \
             `{secondary_answer}`; clients follow within the TTL.",
            g.name
        ));
        s.verify_commands.push(aws(&[
            "route53",
            "get-health-check-status",
            "--health-check-id",
            &h.id,
        ]));
        s.verify_commands.push(aws(&[
            "route53",
            "test-dns-answer",
            "--hosted-zone-id",
            &g.zone_id,
            "--record-name",
            &g.name,
            "--record-type",
            &g.record_type,
        ]));
        if let (Some(ps), Some(ss)) = (p.set_identifier.as_ref(), sec.set_identifier.as_ref()) {
            s.action = Some(Action::Route53HealthCheck {
                hosted_zone_id: g.zone_id.clone(),
                record_name: g.name.clone(),
                primary_set_identifier: ps.clone(),
                secondary_set_identifier: ss.clone(),
            });
        }
        self.fo.push(s);
        let mut back = step(
            Phase::Traffic,
            format!("Move {} back to the PRIMARY", g.name),
        );
        touch_record(&mut back, p);
        back.commands.push(aws(&[
            "route53",
            "update-health-check",
            "--health-check-id",
            &h.id,
            "--no-inverted",
        ]));
        back.verify.push(format!(
            "The health check reports `Success` again and Route 53 answers {} with the PRIMARY.",
            g.name
        ));
        back.verify_commands.push(aws(&[
            "route53",
            "test-dns-answer",
            "--hosted-zone-id",
            &g.zone_id,
            "--record-name",
            &g.name,
            "--record-type",
            &g.record_type,
        ]));
        self.fb.push(back);
    }

    /// Failback steps every workload has, and the prerequisites.
    fn failback_common(&mut self) {
        let (pr, sr) = (self.pr(), self.sr());
        self.prereq.insert(
            0,
            format!(
                "{pr} is healthy again for every service {} uses (AWS Health Dashboard), and the \
                 pre-flight checks pass with the roles of primary and standby swapped.",
                self.w.name
            ),
        );
        self.prereq.push(format!(
            "The data written in {sr} during the outage has reached {pr}: every data step below \
             is done and replication has caught up."
        ));
        self.prereq.push(format!(
            "The primary's capacity runs and is healthy before traffic moves back (its instances \
             and load balancer targets in {pr})."
        ));
        // AMIs built in the standby (no primary twin) must be copied back.
        let mut copy = step(
            Phase::Compute,
            "Copy the standby's AMIs back to the primary",
        );
        let mut seen = BTreeSet::new();
        for t in self
            .w
            .standby
            .launch_templates
            .iter()
            .filter_map(|a| self.cx.s.templates.get(a.as_str()))
        {
            let Some(img) = launch_version(t)
                .and_then(|v| v.image_id.as_deref())
                .and_then(|id| self.cx.s.image_by_id.get(id))
            else {
                continue;
            };
            if self.cx.primary_of.contains_key(img.arn.as_str()) || !seen.insert(&img.id) {
                continue;
            }
            copy.touch(&img.arn);
            copy.commands.push(aws(&[
                "ec2",
                "copy-image",
                "--region",
                pr,
                "--source-region",
                sr,
                "--source-image-id",
                &img.id,
                "--name",
                &img.name,
            ]));
        }
        copy.notes.push(format!(
            "Images built or patched in {sr} during the outage must be copied to {pr} the same way \
             (`aws ec2 copy-image --source-region {sr}`), and the primary launch templates pointed \
             at them."
        ));
        // The primary's own instances, when it comes back.
        let ids: Vec<String> = self
            .w
            .primary
            .instances
            .iter()
            .filter_map(|a| self.cx.p.instances.get(a.as_str()))
            .map(|i| i.id.clone())
            .collect();
        if !ids.is_empty() {
            let mut words = vec![
                "aws".to_string(),
                "ec2".into(),
                "describe-instances".into(),
                "--region".into(),
                pr.into(),
                "--instance-ids".into(),
            ];
            words.extend(ids);
            copy.verify_commands.push(CliCommand::new(words));
            copy.verify.push(format!(
                "The primary's instances are `running` again in {pr} (or replaced from the \
                 primary launch templates)."
            ));
        }
        // Data steps first, then compute, then traffic: the order of the failover.
        let traffic_at = self
            .fb
            .iter()
            .position(|s| s.phase == Phase::Traffic)
            .unwrap_or(self.fb.len());
        self.fb.insert(traffic_at, copy);
        self.fb.sort_by_key(|s| match s.phase {
            Phase::Decide | Phase::Data | Phase::Identity => 0,
            Phase::Compute if s.title.starts_with("Return ") => 3,
            Phase::Compute => 1,
            Phase::Traffic => 2,
        });
    }
}

/// Places every unwaived finding at the first failover step that touches its resource (else one
/// of its related resources); a blocking finding of the workload that no step touches goes to
/// the first step of its category.
fn place(
    wr: &mut WorkloadRunbook,
    unwaived: &[&Finding],
    entry: Option<&crate::verdicts::WorkloadEntry>,
    fail_on: Option<Severity>,
) {
    for s in wr.failover.iter_mut() {
        s.resources.sort();
        s.resources.dedup();
    }
    for s in wr.preflight.iter_mut().chain(wr.failback.steps.iter_mut()) {
        s.resources.sort();
        s.resources.dedup();
    }
    let blocking: BTreeSet<&str> = entry
        .map(|e| e.blocking.iter().map(|b| b.fingerprint.as_str()).collect())
        .unwrap_or_default();
    let touches = |s: &Step, arn: &str| {
        s.resources
            .binary_search_by(|r| r.as_str().cmp(arn))
            .is_ok()
    };
    for f in unwaived {
        let want = match f.category {
            Category::Data | Category::Database => Phase::Data,
            Category::Identity | Category::Keys => Phase::Identity,
            Category::Dns | Category::Traffic => Phase::Traffic,
            Category::Compute | Category::Inventory => Phase::Compute,
        };
        // Of the steps that touch it, the first of its category's phase, else the first.
        let first = |hit: &dyn Fn(&Step) -> bool| {
            let mut all = wr.failover.iter().enumerate().filter(|(_, s)| hit(s));
            let first = all.next()?;
            Some(
                std::iter::once(first)
                    .chain(all)
                    .find(|(_, s)| s.phase == want)
                    .unwrap_or(first)
                    .0,
            )
        };
        let direct = first(&|s| touches(s, &f.resource));
        let (at, how) = match direct {
            Some(i) => (Some(i), "resource"),
            None => match first(&|s| f.related.iter().any(|r| touches(s, r))) {
                Some(i) => (Some(i), "related"),
                None if blocking.contains(f.fingerprint.as_str()) => {
                    let i = wr
                        .failover
                        .iter()
                        .position(|s| s.phase == want)
                        .or_else(|| wr.failover.iter().position(|s| s.phase >= want))
                        .or(Some(wr.failover.len() - 1));
                    (i, "category")
                }
                None => (None, ""),
            },
        };
        if let Some(i) = at {
            wr.failover[i].blockers.push(Blocker::of(f, fail_on, how));
        }
    }
    for s in wr.failover.iter_mut() {
        s.blockers.sort_by(|a, b| {
            b.severity
                .cmp(&a.severity)
                .then_with(|| a.rule_id.cmp(&b.rule_id))
                .then_with(|| a.resource.cmp(&b.resource))
        });
    }
}

/// Step ids and the estimate.
fn finish(wr: &mut WorkloadRunbook, objectives: &RunbookObjectives) {
    for (kind, steps) in [
        ("preflight", &mut wr.preflight),
        ("failover", &mut wr.failover),
        ("failback", &mut wr.failback.steps),
    ] {
        for (i, s) in steps.iter_mut().enumerate() {
            s.id = format!("{}/{kind}/{}", wr.name, i + 1);
        }
    }
    let total: u64 = wr.failover.iter().filter_map(|s| s.estimate_seconds).sum();
    let unestimated = wr
        .failover
        .iter()
        .filter(|s| s.estimate_seconds.is_none())
        .count();
    let blocked = wr
        .failover
        .iter()
        .any(|s| s.blockers.iter().any(|b| b.blocking));
    wr.estimate = Estimate {
        total_seconds: total,
        unestimated_steps: unestimated,
        rto_seconds: objectives.rto_seconds,
        within_rto: total <= objectives.rto_seconds
            && !blocked
            && wr.verdict == WorkloadVerdict::Ready,
    };
}
