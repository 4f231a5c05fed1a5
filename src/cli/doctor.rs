//! `drready doctor`: a checklist per site of what a scan needs — credentials, region, role, and
//! every read permission — with the exact fix for each failure. Exit 0 only when a scan would
//! read everything; 3 otherwise (docs/exit-codes.md).

use std::fmt::Write as _;
use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::Args;

use super::load_config_file;
use super::scan::{SiteArgs, Unreadable, apply_sites, next_step};
use crate::collect::doctor::{Failure, Outcome, SiteDiagnosis};
use crate::config::{Config, SiteConfig};
use crate::gate::ExitStatus;
use crate::vocab::SiteRole;

#[derive(Debug, Args)]
pub struct DoctorArgs {
    #[command(flatten)]
    pub sites: SiteArgs,
    /// Configuration file (default: ./drready.toml when it exists).
    #[arg(long, short = 'c', value_name = "FILE", env = "DRREADY_CONFIG")]
    pub config: Option<PathBuf>,
}

const PASS: &str = "✓";
const FAIL: &str = "✗";
const SKIP: &str = "–";

/// The checklist being written, and how many lines failed.
struct Checklist {
    text: String,
    failed: usize,
    width: usize,
}

impl Checklist {
    fn line(&mut self, mark: &str, what: &str, result: &str, fix: Option<String>) {
        if mark == FAIL {
            self.failed += 1;
        }
        let _ = writeln!(self.text, "  {mark} {what:<w$}  {result}", w = self.width);
        if let Some(fix) = fix {
            let _ = writeln!(self.text, "      fix: {fix}");
        }
    }
}

pub fn run(args: DoctorArgs) -> Result<ExitStatus> {
    let mut config = load_config_file(args.config.as_deref())?;
    apply_sites(&mut config, &args.sites)?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .context("cannot start the async runtime")?;
    let sites = runtime.block_on(crate::collect::doctor::diagnose(&config));
    let (text, failed) = render(&sites, &config);
    print!("{text}");
    Ok(crate::gate::for_doctor(failed))
}

/// The checklist of every site and the number of failed checks.
fn render(sites: &[SiteDiagnosis], config: &Config) -> (String, usize) {
    let width = crate::collect::API_ACTIONS
        .iter()
        .map(|a| a.chars().count())
        .max()
        .unwrap_or(30);
    let mut list = Checklist {
        text: String::new(),
        failed: 0,
        width,
    };
    for (i, site) in sites.iter().enumerate() {
        if i > 0 {
            list.text.push('\n');
        }
        let conf = match site.role {
            SiteRole::Primary => &config.primary,
            SiteRole::Standby => &config.standby,
        };
        site_checks(&mut list, site, conf);
    }
    let total = list.failed;
    let _ = writeln!(
        list.text,
        "\n{}",
        if total == 0 {
            "every check passed: a scan can read both sites (exit 0)".to_string()
        } else {
            format!(
                "{total} check{} failed: a scan would not read everything (exit 3); fix the \
                 lines marked {FAIL} and run `drready doctor` again",
                crate::report::text::plural(total)
            )
        }
    );
    (list.text, total)
}

fn site_checks(list: &mut Checklist, site: &SiteDiagnosis, conf: &SiteConfig) {
    let region = site.region.as_deref().unwrap_or("no region");
    let _ = writeln!(
        list.text,
        "{} site: {region}, account {}",
        site.role,
        site.account.as_deref().unwrap_or("unknown")
    );
    let fix = |f: &Failure| {
        next_step(
            &Unreadable {
                role: site.role,
                region,
                code: &f.code,
                message: &f.message,
            },
            conf,
        )
    };
    let identity = match &site.credentials {
        Ok(arn) => {
            list.line(PASS, "credentials", &format!("resolve to {arn}"), None);
            list.line(PASS, "region", &format!("{region} answers"), None);
            Some(arn.as_str())
        }
        Err(f) if f.code == "MissingRegion" => {
            list.line(SKIP, "credentials", "not checked: no region", None);
            list.line(FAIL, "region", "no region configured", Some(fix(f)));
            None
        }
        Err(f) if f.is_unreachable() => {
            let what = "not checked: nothing answered in the region";
            list.line(SKIP, "credentials", what, None);
            list.line(FAIL, "region", &short(f), Some(fix(f)));
            None
        }
        Err(f) => {
            list.line(FAIL, "credentials", &short(f), Some(fix(f)));
            list.line(SKIP, "region", "not checked: no credentials", None);
            None
        }
    };
    let reader = match (&conf.role_arn, &site.assumed, identity) {
        (None, _, Some(arn)) => {
            list.line(
                SKIP,
                "role",
                "none configured: read as the identity above",
                None,
            );
            Some(arn.to_string())
        }
        (Some(role), Some(Ok(arn)), _) => {
            list.line(PASS, "role", &format!("{role} assumed: {arn}"), None);
            Some(arn.clone())
        }
        (Some(role), Some(Err(f)), Some(caller)) => {
            let fix = format!(
                "let {caller} assume it: allow `sts:AssumeRole` on {role} for that identity, and \
                 trust it in the role's trust policy{}",
                if conf.external_id.is_some() {
                    " with the external id drready passes"
                } else {
                    " (if the role requires an external id, pass it with --external-id)"
                }
            );
            list.line(
                FAIL,
                "role",
                &format!("{role} cannot be assumed: {}", short(f)),
                Some(fix),
            );
            None
        }
        (_, _, _) => {
            let why = "not checked: the site's identity could not be read";
            list.line(SKIP, "role", why, None);
            None
        }
    };
    let Some(reader) = reader else {
        let n = crate::collect::API_ACTIONS.len();
        let what = format!("{n} read permissions");
        list.line(
            SKIP,
            &what,
            "not checked: the site cannot be read at all",
            None,
        );
        return;
    };
    let grantee = grantee(&reader);
    for check in &site.actions {
        match &check.outcome {
            Outcome::Allowed { on } => {
                let result = match on {
                    Some(on) => format!("allowed ({on})"),
                    None => "allowed".to_string(),
                };
                list.line(PASS, check.action, &result, None);
            }
            Outcome::Failed { on, failure } => {
                let on_text = on.as_ref().map(|o| format!(" on {o}")).unwrap_or_default();
                let (result, fix) = if failure.is_denied() {
                    let mut fix = format!(
                        "grant `{}` to {grantee} (the whole read-only policy is in \
                         docs/permissions.md)",
                        check.action
                    );
                    if let Some(bucket) = on.as_deref().and_then(|o| o.strip_prefix("bucket ")) {
                        let _ = write!(
                            fix,
                            "; if the identity has it, the policy of bucket {bucket} denies it"
                        );
                    }
                    (format!("denied ({}){on_text}", failure.code), fix)
                } else if failure.is_unreachable() {
                    (
                        format!("{}{on_text}", short(failure)),
                        "nothing answered: check the network, proxy or --endpoint-url, then run \
                         doctor again"
                            .to_string(),
                    )
                } else {
                    (
                        format!("{}{on_text}", short(failure)),
                        format!(
                            "AWS answered {} to {}: run doctor again; if it persists, check the \
                             message above",
                            failure.code, check.api
                        ),
                    )
                };
                list.line(FAIL, check.action, &result, Some(fix));
            }
            Outcome::NotChecked(why) => list.line(SKIP, check.action, why, None),
        }
    }
}

/// `CODE: message`, the message cut to one short line.
fn short(f: &Failure) -> String {
    let message: String = f.message.chars().take(160).collect();
    let ellipsis = if f.message.chars().count() > 160 {
        "…"
    } else {
        ""
    };
    format!("{}: {message}{ellipsis}", f.code)
}

/// Who to grant a permission to: the role behind an assumed-role session, else the identity.
fn grantee(arn: &str) -> String {
    // arn:aws:sts::123456789012:assumed-role/NAME/SESSION → arn:aws:iam::123456789012:role/NAME
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    if let [_, partition, "sts", _, account, resource] = parts.as_slice()
        && let Some(rest) = resource.strip_prefix("assumed-role/")
    {
        let name = rest.split('/').next().unwrap_or(rest);
        return format!("the role arn:{partition}:iam::{account}:role/{name}");
    }
    arn.to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn permissions_go_to_the_role_of_an_assumed_role_session() {
        assert_eq!(
            grantee("arn:aws:sts::123456789012:assumed-role/drready-read/drready"),
            "the role arn:aws:iam::123456789012:role/drready-read"
        );
        assert_eq!(
            grantee("arn:aws:iam::123456789012:user/ci"),
            "arn:aws:iam::123456789012:user/ci"
        );
    }
}
