//! The runbook as a CloudFormation template for AWS's own orchestrator: one
//! `AWS::ARCRegionSwitch::Plan` (ARC Region switch) per workload whose failover maps onto its
//! execution blocks — a manual approval before the switch, Aurora Global Database failover, RDS
//! read replica promotion, EC2 Auto Scaling capacity, Route 53 health checks — in the order of
//! the Markdown runbook. What a plan cannot express is listed in the plan's `Metadata` as manual
//! steps. JSON (which CloudFormation reads as well as YAML), deterministic. drready deploys
//! nothing: the user does.

use serde_json::{Map, Value, json};

use super::{Action, Runbook, Step, WorkloadRunbook};

/// `arn:aws:autoscaling:REGION:ACCOUNT:autoScalingGroup:UUID:autoScalingGroupName/NAME`, the
/// form the plan's schema accepts (a hand-made key without the UUID does not).
fn asg_arn_ok(arn: &str) -> bool {
    let Some((head, name)) = arn.split_once(":autoScalingGroupName/") else {
        return false;
    };
    let parts: Vec<&str> = head.split(':').collect();
    let uuid = parts.last().copied().unwrap_or_default();
    let groups: Vec<&str> = uuid.split('-').collect();
    let lens = [8, 4, 4, 4, 12];
    parts.len() == 7
        && parts[0] == "arn"
        && parts[2] == "autoscaling"
        && parts[4].len() == 12
        && parts[4].bytes().all(|b| b.is_ascii_digit())
        && parts[5] == "autoScalingGroup"
        && groups.len() == 5
        && groups.iter().zip(lens).all(|(g, n)| {
            g.len() == n
                && g.bytes()
                    .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        })
        && !name.is_empty()
        && name.len() <= 255
}

/// `arn:aws:rds:REGION:ACCOUNT:db:ID` with an id the schema accepts.
fn db_arn_ok(arn: &str) -> bool {
    let Some((head, id)) = arn.split_once(":db:") else {
        return false;
    };
    let parts: Vec<&str> = head.split(':').collect();
    parts.len() == 5
        && parts[2] == "rds"
        && parts[4].len() == 12
        && id.starts_with(|c: char| c.is_ascii_alphabetic())
        && id
            .split('-')
            .all(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_alphanumeric()))
}

/// `arn:aws:rds:REGION:ACCOUNT:cluster:ID`.
fn cluster_arn_ok(arn: &str) -> bool {
    let Some((head, id)) = arn.split_once(":cluster:") else {
        return false;
    };
    let parts: Vec<&str> = head.split(':').collect();
    parts.len() == 5
        && parts[2] == "rds"
        && parts[4].len() == 12
        && id.starts_with(|c: char| c.is_ascii_alphabetic())
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-:._".contains(c))
}

/// A plan name: letters, digits and hyphens, at most 32, starting and ending with a letter or
/// digit.
pub fn plan_name(workload: &str, taken: &mut Vec<String>) -> String {
    let mut base: String = format!("drready-{workload}")
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect();
    while base.contains("--") {
        base = base.replace("--", "-");
    }
    let mut name: String = base.chars().take(32).collect();
    name = name.trim_matches('-').to_string();
    let mut n = 2;
    while taken.contains(&name) {
        let suffix = format!("-{n}");
        let keep: String = base.chars().take(32 - suffix.len()).collect();
        name = format!("{}{suffix}", keep.trim_matches('-'));
        n += 1;
    }
    taken.push(name.clone());
    name
}

/// A logical id: alphanumeric, from the workload name.
fn logical_id(workload: &str, taken: &mut Vec<String>) -> String {
    let mut id = String::from("Plan");
    let mut upper = true;
    for c in workload.chars() {
        if c.is_ascii_alphanumeric() {
            id.push(if upper { c.to_ascii_uppercase() } else { c });
            upper = false;
        } else {
            upper = true;
        }
    }
    let mut unique = id.clone();
    let mut n = 2;
    while taken.contains(&unique) {
        unique = format!("{id}{n}");
        n += 1;
    }
    taken.push(unique.clone());
    unique
}

/// The execution block of a failover step, or why it has none.
fn block(r: &Runbook, s: &Step, step_name: &str) -> Result<Value, String> {
    let (pr, sr) = (&r.primary.region, &r.standby.region);
    let Some(action) = &s.action else {
        return Err("no ARC Region switch execution block does this".into());
    };
    let description = s.title.clone();
    let (kind, config) = match action {
        Action::ManualApproval => (
            "ManualApproval",
            json!({"ExecutionApprovalConfig": {
                "ApprovalRole": {"Ref": "ApprovalRoleArn"},
                "TimeoutMinutes": 60
            }}),
        ),
        Action::AuroraGlobalDatabase {
            global_cluster_identifier,
            primary_cluster_arn,
            standby_cluster_arn,
        } => {
            if !cluster_arn_ok(primary_cluster_arn) || !cluster_arn_ok(standby_cluster_arn) {
                return Err("the cluster ARNs are not in the form the plan accepts".into());
            }
            (
                "AuroraGlobalDatabase",
                json!({"GlobalAuroraConfig": {
                    "Behavior": "switchoverOnly",
                    "Ungraceful": {"Ungraceful": "failover"},
                    "GlobalClusterIdentifier": global_cluster_identifier,
                    "DatabaseClusterArns": [primary_cluster_arn, standby_cluster_arn],
                    "TimeoutMinutes": 60
                }}),
            )
        }
        Action::RdsPromoteReadReplica {
            standby_db_instance_arn,
        } => {
            if !db_arn_ok(standby_db_instance_arn) {
                return Err("the DB instance ARN is not in the form the plan accepts".into());
            }
            (
                "RdsPromoteReadReplica",
                json!({"RdsPromoteReadReplicaConfig": {
                    "DbInstanceArnMap": {sr.clone(): standby_db_instance_arn},
                    "TimeoutMinutes": 60
                }}),
            )
        }
        Action::Ec2AutoScaling {
            primary_group_arn,
            standby_group_arn,
            wait_for_targets,
        } => {
            if !asg_arn_ok(primary_group_arn) || !asg_arn_ok(standby_group_arn) {
                return Err(
                    "the Auto Scaling group ARNs lack the group's UUID the plan needs".into(),
                );
            }
            (
                "EC2AutoScaling",
                json!({"Ec2AsgCapacityIncreaseConfig": {
                    "Asgs": [{"Arn": primary_group_arn}, {"Arn": standby_group_arn}],
                    "TargetPercent": 100,
                    "CapacityMonitoringApproach": "sampledMaxInLast24Hours",
                    "WaitELBTargetGroupHealthy": if *wait_for_targets { "enabled" } else { "disabled" },
                    "TimeoutMinutes": 60
                }}),
            )
        }
        Action::Route53HealthCheck {
            hosted_zone_id,
            record_name,
            primary_set_identifier,
            secondary_set_identifier,
        } => (
            "Route53HealthCheck",
            json!({"Route53HealthCheckConfig": {
                "HostedZoneId": hosted_zone_id,
                "RecordName": record_name.trim_end_matches('.'),
                "RecordSets": [
                    {"RecordSetIdentifier": primary_set_identifier, "Region": pr},
                    {"RecordSetIdentifier": secondary_set_identifier, "Region": sr}
                ],
                "TimeoutMinutes": 60
            }}),
        ),
    };
    Ok(json!({
        "Name": step_name,
        "Description": description,
        "ExecutionBlockType": kind,
        "ExecutionBlockConfiguration": config
    }))
}

/// One workload's plan, or `None` when nothing but the approval maps onto a block.
fn plan(r: &Runbook, w: &WorkloadRunbook, name: String) -> (Option<Value>, Vec<String>) {
    let mut steps = Vec::new();
    let mut manual = Vec::new();
    let mut pending: Vec<String> = Vec::new();
    let mut blocks = 0;
    // Steps ARC cannot run become an approval at their place: the plan waits for the people
    // doing them, so the order stays the runbook's.
    let wait = |steps: &mut Vec<Value>, pending: &mut Vec<String>, n: usize| {
        if pending.is_empty() {
            return;
        }
        let description = format!(
            "Done by hand first (drready runbook): {}",
            pending.join("; ")
        );
        steps.push(json!({
            "Name": format!("step-{n}-manual"),
            "Description": description,
            "ExecutionBlockType": "ManualApproval",
            "ExecutionBlockConfiguration": {"ExecutionApprovalConfig": {
                "ApprovalRole": {"Ref": "ApprovalRoleArn"},
                "TimeoutMinutes": 60
            }}
        }));
        pending.clear();
    };
    for (i, s) in w.failover.iter().enumerate() {
        let step_name = format!("step-{}-{}", i + 1, kind_word(s));
        match block(r, s, &step_name) {
            Ok(b) => {
                if !matches!(s.action, Some(Action::ManualApproval)) {
                    blocks += 1;
                }
                wait(&mut steps, &mut pending, i);
                steps.push(b);
            }
            Err(why) => {
                manual.push(format!("{}. {} ({why})", i + 1, s.title));
                pending.push(format!("{}. {}", i + 1, s.title));
            }
        }
    }
    wait(&mut steps, &mut pending, w.failover.len());
    if blocks == 0 {
        return (None, manual);
    }
    let blockers: Vec<Value> =
        w.failover
            .iter()
            .flat_map(|s| {
                s.blockers.iter().filter(|b| b.blocking).map(
                    move |b| json!({"step": s.id, "rule_id": b.rule_id, "resource": b.resource}),
                )
            })
            .collect();
    let rto_minutes = r.objectives.rto_seconds.div_ceil(60).clamp(1, 10080);
    let plan = json!({
        "Type": "AWS::ARCRegionSwitch::Plan",
        "Metadata": {
            "drready": {
                "workload": w.name,
                "verdict": w.verdict,
                "manual_steps": manual,
                "blocking_findings": blockers,
                "runbook_steps": w.failover.iter().map(|s| s.id.clone()).collect::<Vec<_>>()
            }
        },
        "Properties": {
            "Name": name,
            "Description": format!(
                "Failover of {} from {} to {}, generated by drready from the snapshot collected \
                 at {}. Manual steps are in the resource Metadata.",
                w.name, r.primary.region, r.standby.region, r.collected_at.to_rfc3339()
            ),
            "ExecutionRole": {"Ref": "ExecutionRoleArn"},
            "RecoveryApproach": "activePassive",
            "PrimaryRegion": r.primary.region,
            "Regions": [r.primary.region, r.standby.region],
            "RecoveryTimeObjectiveMinutes": rto_minutes,
            "Workflows": [{
                "WorkflowTargetAction": "activate",
                "WorkflowDescription": format!(
                    "Activate a region for {}: the steps of the drready runbook that ARC can run, \
                     in its order.",
                    w.name
                ),
                "Steps": steps
            }],
            "Tags": {"drready:workload": w.name}
        }
    });
    (Some(plan), manual)
}

fn kind_word(s: &Step) -> &'static str {
    match &s.action {
        Some(Action::ManualApproval) => "approval",
        Some(Action::AuroraGlobalDatabase { .. }) => "aurora",
        Some(Action::RdsPromoteReadReplica { .. }) => "rds",
        Some(Action::Ec2AutoScaling { .. }) => "asg",
        Some(Action::Route53HealthCheck { .. }) => "route53",
        None => "manual",
    }
}

/// Renders the template.
pub fn render(r: &Runbook) -> anyhow::Result<String> {
    let mut resources = Map::new();
    let mut not_expressed = Vec::new();
    let mut names = Vec::new();
    let mut ids = Vec::new();
    for w in &r.workloads {
        let name = plan_name(&w.name, &mut names);
        match plan(r, w, name) {
            (Some(p), _) => {
                resources.insert(logical_id(&w.name, &mut ids), p);
            }
            (None, _) => not_expressed.push(json!({
                "workload": w.name,
                "why": "none of its failover steps maps onto an ARC Region switch execution block \
                        (Aurora Global Database, RDS read replica, EC2 Auto Scaling, Route 53 \
                        health check): run its Markdown runbook by hand"
            })),
        }
    }
    let parameters = json!({
        "ExecutionRoleArn": {
            "Type": "String",
            "Description": "The IAM role ARC Region switch assumes to run the plans (trust \
                            arc-region-switch.amazonaws.com).",
            "AllowedPattern": "^arn:aws[a-zA-Z0-9-]*:iam::[0-9]{12}:role/.+$"
        },
        "ApprovalRoleArn": {
            "Type": "String",
            "Description": "The IAM role whose holders approve a switch (the manual approval step).",
            "AllowedPattern": "^arn:aws[a-zA-Z0-9-]*:iam::[0-9]{12}:role/.+$"
        }
    });
    let mut template = Map::new();
    template.insert("AWSTemplateFormatVersion".into(), json!("2010-09-09"));
    template.insert(
        "Description".into(),
        json!(format!(
            "ARC Region switch plans {} -> {}, generated by drready {} from the snapshot collected \
             at {}. Review, then deploy it yourself; drready changes nothing in AWS.",
            r.primary.region,
            r.standby.region,
            r.tool.version,
            r.collected_at.to_rfc3339()
        )),
    );
    template.insert(
        "Metadata".into(),
        json!({"drready": {
            "site_pair": r.site_pair,
            "collected_at": r.collected_at.to_rfc3339(),
            "runbook_version": r.runbook_version,
            "workloads_without_plan": not_expressed
        }}),
    );
    if resources.is_empty() {
        // A template needs a resource; this one creates nothing billable and says why there is
        // no plan.
        template.insert("Resources".into(), json!({
            "NoRegionSwitchPlan": {
                "Type": "AWS::CloudFormation::WaitConditionHandle",
                "Metadata": {"drready": "No workload of this estate maps onto an ARC Region switch \
                                         execution block; see workloads_without_plan."}
            }
        }));
    } else {
        template.insert("Parameters".into(), parameters);
        template.insert("Resources".into(), Value::Object(resources));
    }
    let mut s = serde_json::to_string_pretty(&Value::Object(template))?;
    s.push('\n');
    Ok(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plan_names_fit_the_schema_and_are_unique() {
        let mut taken = Vec::new();
        assert_eq!(plan_name("web", &mut taken), "drready-web");
        assert_eq!(plan_name("web", &mut taken), "drready-web-2");
        let long = plan_name("a very long workload name with spaces!", &mut taken);
        assert!(long.len() <= 32, "{long}");
        assert!(
            !long.ends_with('-') && long.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        );
    }

    #[test]
    fn arn_forms() {
        assert!(asg_arn_ok(
            "arn:aws:autoscaling:us-west-2:222222222222:autoScalingGroup:0a1b2c3d-1111-2222-3333-444455556666:autoScalingGroupName/web"
        ));
        assert!(!asg_arn_ok(
            "arn:aws:autoscaling:us-west-2:222222222222:autoScalingGroup:autoScalingGroupName/web"
        ));
        assert!(db_arn_ok(
            "arn:aws:rds:us-west-2:222222222222:db:orders-replica"
        ));
        assert!(!db_arn_ok(
            "arn:aws:rds:us-west-2:222222222222:db:orders_replica"
        ));
        assert!(cluster_arn_ok(
            "arn:aws:rds:us-east-1:111111111111:cluster:orders"
        ));
    }
}
