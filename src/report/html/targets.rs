//! Per-target sections: workload verdicts, recovery points against the RPO, what was collected.

use std::collections::BTreeMap;
use std::fmt::Write;

use super::{
    charts, esc, fix_anchor, plural, severity_badge, table_close, table_open, thead, time,
    workload_badge,
};
use crate::policy::RuleStatus;
use crate::report::org::{Org, target_name};
use crate::report::text::{duration, recovery_point_cells};
use crate::report::{Report, SiteSummary};
use crate::verdicts::{Blocking, WorkloadVerdict};
use crate::vocab::Severity;

/// Opens a section; the reports in target order, each with a heading when there are several.
fn each_target<'a>(
    out: &mut String,
    org: &'a Org,
    id: &str,
    title: &str,
    mut body: impl FnMut(&mut String, &'a Report, &str),
) {
    let _ = writeln!(
        out,
        "<section id=\"{id}\" aria-labelledby=\"{id}-h\">\n<h2 id=\"{id}-h\">{title}</h2>"
    );
    let multi = org.reports.len() > 1;
    for (i, r) in org.reports.iter().enumerate() {
        let key = format!("{id}-{i}");
        if multi {
            let _ = writeln!(
                out,
                "<h3>{} <span class=\"muted\">{}</span></h3>",
                esc(&target_name(r)),
                esc(&r.site_pair)
            );
        }
        body(out, r, &key);
    }
    out.push_str("</section>\n");
}

/// `2 critical, 8 high` badges and the rule ids, linked to their fix.
fn blocking(b: &[Blocking]) -> String {
    if b.is_empty() {
        return "—".into();
    }
    let mut by: BTreeMap<Severity, usize> = BTreeMap::new();
    let mut rules: Vec<&str> = Vec::new();
    for x in b {
        *by.entry(x.severity).or_default() += 1;
        if !rules.contains(&x.rule_id.as_str()) {
            rules.push(&x.rule_id);
        }
    }
    let counts: Vec<String> = Severity::DESCENDING
        .iter()
        .filter_map(|s| by.get(s).map(|n| format!("{} {n}", severity_badge(*s))))
        .collect();
    let links: Vec<String> = rules
        .iter()
        .map(|r| format!("<a href=\"#{}\">{}</a>", fix_anchor(r), esc(r)))
        .collect();
    format!(
        "{}<br><span class=\"fix rules\">{}</span>",
        counts.join(" "),
        links.join(", ")
    )
}

pub fn workloads(out: &mut String, org: &Org) {
    each_target(out, org, "workloads", "Workloads", |out, r, key| {
        let w = &r.workloads;
        if w.workloads.is_empty() {
            out.push_str("<p>No workload (resources sharing the app tag) was found.</p>\n");
            return;
        }
        let fail_on = r
            .gate
            .fail_on
            .map_or_else(|| "never".to_string(), |s| s.to_string());
        let _ = writeln!(
            out,
            "<p class=\"lede\"><strong>{} of {}</strong> workload{} can fail over now. Blocking: \
             unwaived findings at or above the gate's <code>fail_on</code> ({fail_on}).</p>",
            w.ready(),
            w.workloads.len(),
            plural(w.workloads.len())
        );
        let cats = w.judged_categories();
        table_open(out, key, "Verdict per workload and category");
        let mut cols: Vec<(&str, bool)> = vec![
            ("Workload", false),
            ("Tier", false),
            ("Verdict", false),
            ("Blocking", false),
            ("Other", true),
        ];
        let names: Vec<&str> = cats.iter().map(|c| c.as_str()).collect();
        cols.extend(names.iter().map(|n| (*n, false)));
        thead(out, &cols);
        for e in &w.workloads {
            let _ = write!(
                out,
                "<tr><th scope=\"row\">{}</th><td>{}</td><td>{}</td><td class=\"blocking\">{}</td><td class=\"num\">{}</td>",
                esc(&e.name),
                esc(&e.tier),
                workload_badge(e.verdict),
                blocking(&e.blocking),
                e.other_findings
            );
            for c in &cats {
                let v = e
                    .categories
                    .get(c)
                    .copied()
                    .unwrap_or(WorkloadVerdict::NotApplicable);
                let _ = write!(out, "<td>{}</td>", workload_badge(v));
            }
            out.push_str("</tr>\n");
        }
        table_close(out);
        let unknown: Vec<String> = w
            .workloads
            .iter()
            .flat_map(|e| e.unknown.iter().map(move |u| (e, u)))
            .map(|(e, u)| format!("<li>{}: {}</li>", esc(&e.name), esc(u)))
            .collect();
        if !unknown.is_empty() {
            let _ = writeln!(
                out,
                "<p>Could not be read, so not judged:</p>\n<ul>{}</ul>",
                unknown.join("")
            );
        }
        if !w.shared_blocking.is_empty() {
            let _ = writeln!(
                out,
                "<p>Blocking findings on shared resources (no single workload): {}</p>",
                blocking(&w.shared_blocking)
            );
        }
    });
}

pub fn recovery_points(out: &mut String, org: &Org) {
    each_target(out, org, "recovery", "Recovery points", |out, r, key| {
        let rpo = r.objectives.rpo_seconds;
        let _ = writeln!(
            out,
            "<p class=\"lede\">Recovery objectives: RPO <strong>{}</strong>, RTO {}, largest DNS \
             TTL {}. Ages are measured against the collection time ({}); a live copy's lag is not \
             in the inventory, so it stays unknown, never zero.</p>",
            duration(rpo),
            duration(r.objectives.rto_seconds),
            duration(r.objectives.dns_ttl_max_seconds),
            time(r.collected_at)
        );
        if r.recovery_points.is_empty() {
            out.push_str(
                "<p>No workload (resources sharing the app tag) was found, so no recovery point \
                 could be measured.</p>\n",
            );
            return;
        }
        let items: Vec<(String, Option<i64>, Option<bool>)> = r
            .recovery_points
            .iter()
            .map(|w| {
                let oldest = [
                    w.snapshots.newest_copy_age_seconds,
                    w.databases.newest_copy_age_seconds,
                ]
                .into_iter()
                .flatten()
                .max();
                (w.workload.clone(), oldest, w.within_rpo)
            })
            .collect();
        let _ = writeln!(
            out,
            "<figure>\n{}\n<figcaption>Oldest recovery point (volume and database snapshot \
             copies in the standby) per workload; the dashed line is the RPO. The numbers are \
             in the table below.</figcaption>\n</figure>",
            charts::recovery_ages(&format!("chart-{key}"), rpo, &items)
        );
        table_open(
            out,
            key,
            &format!(
                "Recovery points in the standby, against the RPO of {}",
                duration(rpo)
            ),
        );
        thead(
            out,
            &[
                ("Workload", false),
                ("Tier", false),
                ("AMIs copied", true),
                ("Newest AMI copy", true),
                ("Volumes copied", true),
                ("Oldest volume point", true),
                ("Databases copied", false),
                ("Buckets with RTC", true),
                ("Within RPO", false),
            ],
        );
        for w in &r.recovery_points {
            let within = match w.within_rpo {
                Some(true) => "<span class=\"badge good\">yes</span>",
                Some(false) => "<span class=\"badge bad\">no</span>",
                None => "<span class=\"badge na\">unknown</span>",
            };
            let [amis, ami_age, volumes, volume_age, databases, buckets] =
                recovery_point_cells(w).map(|c| esc(&c));
            let _ = writeln!(
                out,
                "<tr><th scope=\"row\">{}</th><td>{}</td><td class=\"num\">{amis}</td><td class=\"num\">{ami_age}</td>\
                 <td class=\"num\">{volumes}</td><td class=\"num\">{volume_age}</td><td>{databases}</td><td class=\"num\">{buckets}</td><td>{within}</td></tr>",
                esc(&w.workload),
                esc(&w.tier),
            );
        }
        table_close(out);
    });
}

fn inventory(s: &SiteSummary) -> String {
    match s.collection_errors.len() {
        0 => "<span class=\"badge good\">complete</span>".into(),
        n => format!(
            "<span class=\"badge warn\">incomplete</span> {n} collection error{}",
            plural(n)
        ),
    }
}

pub fn collection(out: &mut String, org: &Org) {
    each_target(
        out,
        org,
        "collection",
        "What was collected",
        |out, r, key| {
            let (p, s) = (&r.sites.primary, &r.sites.standby);
            table_open(out, key, "The two sites");
            thead(
                out,
                &[
                    ("Site", false),
                    ("Account", false),
                    ("Region", false),
                    ("Collected", false),
                    ("Resources in scope", true),
                    ("Inventory", false),
                ],
            );
            for (role, site) in [("primary", p), ("standby", s)] {
                let _ = writeln!(
                    out,
                    "<tr><th scope=\"row\">{role}</th><td><code>{}</code></td><td><code>{}</code></td>\
                 <td>{}</td><td class=\"num\">{}</td><td>{}</td></tr>",
                    esc(&site.account),
                    esc(&site.region),
                    time(site.collected_at),
                    site.resources.values().sum::<usize>(),
                    inventory(site)
                );
            }
            table_close(out);
            let errors: Vec<_> = [("primary", p), ("standby", s)]
                .into_iter()
                .flat_map(|(role, site)| site.collection_errors.iter().map(move |e| (role, e)))
                .collect();
            if errors.is_empty() {
                out.push_str("<p>Both sites were read completely.</p>\n");
            } else {
                table_open(
                    out,
                    &format!("{key}-errors"),
                    "What could not be collected: rules that read it are unknown, not ready",
                );
                thead(
                    out,
                    &[
                        ("Site", false),
                        ("Service", false),
                        ("API", false),
                        ("Error", false),
                        ("Message", false),
                        ("Resource", false),
                    ],
                );
                for (role, e) in errors {
                    let _ = writeln!(
                        out,
                        "<tr><th scope=\"row\">{role}</th><td>{}</td><td><code>{}</code></td><td><code>{}</code></td>\
                     <td>{}</td><td>{}</td></tr>",
                        esc(&e.service.to_string()),
                        esc(&e.api),
                        esc(&e.code),
                        esc(&e.message),
                        e.resource.as_deref().map_or_else(
                            || "—".to_string(),
                            |x| format!("<code>{}</code>", esc(x))
                        )
                    );
                }
                table_close(out);
            }
            let mut notes: Vec<String> = Vec::new();
            for u in r.rules.iter().filter(|x| x.status == RuleStatus::Unknown) {
                notes.push(format!(
                    "Not judged, counted against the score: <code>{}</code> {}: {}",
                    esc(&u.id),
                    esc(&u.title),
                    esc(&u.unknown_because.join("; "))
                ));
            }
            for u in r.rules.iter().filter(|x| x.status != RuleStatus::Unknown) {
                for (arn, why) in &u.unknown_resources {
                    notes.push(format!(
                        "Not judged by <code>{}</code>: <code>{}</code>: {}",
                        esc(&u.id),
                        esc(arn),
                        esc(why)
                    ));
                }
            }
            if !r.not_collected.is_empty() {
                let list: Vec<String> = r
                    .not_collected
                    .iter()
                    .map(|s| format!("<code>{}</code>", esc(s.as_str())))
                    .collect();
                notes.push(format!(
                    "Not collected in this snapshot, so not judged: {}",
                    list.join(", ")
                ));
            }
            if r.out_of_scope > 0 {
                notes.push(format!(
                    "{} resource{} left out of scope (scope tag <code>none</code>, \
                 <code>scope.exclude</code> or <code>scope.services</code>)",
                    r.out_of_scope,
                    plural(r.out_of_scope)
                ));
            }
            if !r.not_dr_data.is_empty() {
                notes.push(format!(
                    "{} resource{} set aside as not DR data (listed in the JSON report)",
                    r.not_dr_data.len(),
                    plural(r.not_dr_data.len())
                ));
            }
            for w in &r.waivers {
                let what = match w.status {
                    crate::findings::WaiverStatus::Expired => "expired: it hides nothing",
                    crate::findings::WaiverStatus::Unmatched => "matches no finding",
                    crate::findings::WaiverStatus::Active => continue,
                };
                notes.push(format!(
                    "Waiver at <code>{}</code> (<code>{}</code> on <code>{}</code>) {what}",
                    esc(&w.waiver.location),
                    esc(&w.waiver.rule),
                    esc(&w.waiver.resource)
                ));
            }
            if !notes.is_empty() {
                let _ = writeln!(out, "<ul>\n<li>{}</li>\n</ul>", notes.join("</li>\n<li>"));
            }
        },
    );
}
