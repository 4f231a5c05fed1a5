//! `drready doctor` end to end: the real binary against a real moto server, directly and through
//! the fault proxy (tests/support/proxy.rs), which denies chosen actions as AWS would.

mod support;

use drready::collect::API_ACTIONS;
use support::moto::{Moto, free_port};
use support::proxy::{Fault, Proxy, Rule};

const PRIMARY: &str = "us-east-1";
const STANDBY: &str = "us-west-2";

/// Runs `drready doctor` for both regions through `endpoint`, with test credentials unless
/// `credentials` is false: (exit code, stdout + stderr).
fn doctor(endpoint: &str, credentials: bool, extra: &[&str]) -> (i32, String) {
    let mut cmd = support::moto::drready_command();
    cmd.args([
        "doctor",
        "--primary-region",
        PRIMARY,
        "--standby-region",
        STANDBY,
        "--endpoint-url",
        endpoint,
    ])
    .args(extra);
    if !credentials {
        cmd.env_remove("AWS_ACCESS_KEY_ID")
            .env_remove("AWS_SECRET_ACCESS_KEY");
    }
    let out = cmd.output().expect("drready runs");
    (
        out.status.code().expect("exit code"),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

/// The lines of one site's checklist.
fn site<'a>(out: &'a str, role: &str) -> Vec<&'a str> {
    let start = out
        .find(&format!("{role} site:"))
        .unwrap_or_else(|| panic!("no {role} site in:\n{out}"));
    out[start..]
        .lines()
        .skip(1)
        .take_while(|l| !l.is_empty())
        .collect()
}

/// The line of `check` (an action, `credentials`, `region`, `role`) in a site's checklist, and
/// the fix line under it, if any.
fn check<'a>(lines: &[&'a str], what: &str) -> (&'a str, Option<&'a str>) {
    let at = lines
        .iter()
        .position(|l| {
            let mut words = l.split_whitespace();
            words.next();
            words.next() == Some(what)
        })
        .unwrap_or_else(|| panic!("no line for {what} in:\n{}", lines.join("\n")));
    let fix = lines
        .get(at + 1)
        .and_then(|l| l.trim_start().strip_prefix("fix: "));
    (lines[at], fix)
}

fn mark(line: &str) -> &str {
    line.split_whitespace().next().unwrap_or_default()
}

fn estate() -> Moto {
    let moto = Moto::start();
    moto.seed(&["--apps", "2"]);
    moto
}

#[test]
fn every_check_passes_against_moto() {
    let moto = estate();
    let proxy = Proxy::builder(&moto.endpoint).start();
    let (code, out) = doctor(&proxy.endpoint, true, &[]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("every check passed"), "{out}");
    let primary = site(&out, "primary");
    for what in ["credentials", "region"] {
        assert_eq!(mark(check(&primary, what).0), "✓", "{out}");
    }
    // The primary checks every action; the standby, in the same account, leaves the global
    // services (IAM, Route 53) to the primary, as a scan does.
    // An action that needs a resource the estate does not have (no table, no certificate) is
    // "not checked: no ...", never failed.
    let standby = site(&out, "standby");
    let absent = |line: &str| mark(line) == "–" && line.contains("not checked: no ");
    for action in API_ACTIONS {
        let (line, fix) = check(&primary, action);
        assert!(mark(line) == "✓" || absent(line), "{line}");
        assert!(fix.is_none(), "{line}");
        let (line, _) = check(&standby, action);
        let global = action.starts_with("iam:") || action.starts_with("route53:");
        if global {
            assert!(line.contains("checked in the primary site"), "{line}");
        } else {
            assert!(mark(line) == "✓" || absent(line), "{line}");
        }
    }
    // What the seeded estate has is checked for real.
    for action in [
        "sts:GetCallerIdentity",
        "ec2:DescribeInstances",
        "iam:GetAccountAuthorizationDetails",
        "route53:ListResourceRecordSets",
        "route53:ListTagsForResources",
        "s3:GetBucketLocation",
        "s3:GetBucketVersioning",
        "s3:GetReplicationConfiguration",
    ] {
        assert_eq!(mark(check(&primary, action).0), "✓", "{out}");
    }
    // Bucket-level permissions were tried on a bucket of the site's own region.
    assert!(
        check(&standby, "s3:GetReplicationConfiguration")
            .0
            .contains("-usw2"),
        "{out}"
    );
    // Read-only: every call doctor made is a Describe, List or Get.
    let records = proxy.records();
    assert!(records.len() >= API_ACTIONS.len(), "{records:?}");
    for r in records {
        assert!(
            ["Describe", "List", "Get"]
                .iter()
                .any(|p| r.operation.starts_with(p)),
            "doctor called {}",
            r.action()
        );
    }
}

#[test]
fn a_denied_action_fails_its_line_with_the_fix() {
    let moto = estate();
    let proxy = Proxy::builder(&moto.endpoint)
        .rule(
            Rule::new(Fault::AccessDenied)
                .operation("GetBucketReplication")
                .region(STANDBY),
        )
        .rule(Rule::new(Fault::AccessDenied).operation("DescribeKeyPairs"))
        .start();
    let (code, out) = doctor(&proxy.endpoint, true, &[]);
    assert_eq!(code, 3, "a scan would be incomplete: exit 3\n{out}");
    assert!(out.contains("3 checks failed"), "{out}");

    let standby = site(&out, "standby");
    let (line, fix) = check(&standby, "s3:GetReplicationConfiguration");
    assert_eq!(mark(line), "✗", "{line}");
    assert!(line.contains("denied (AccessDenied) on bucket"), "{line}");
    let fix = fix.expect("a fix line");
    assert!(
        fix.contains("grant `s3:GetReplicationConfiguration` to arn:aws:sts::123456789012:"),
        "{fix}"
    );
    // Only the standby's replication was denied.
    let primary = site(&out, "primary");
    assert_eq!(
        mark(check(&primary, "s3:GetReplicationConfiguration").0),
        "✓"
    );
    for lines in [&primary, &standby] {
        let (line, fix) = check(lines, "ec2:DescribeKeyPairs");
        assert!(
            mark(line) == "✗" && line.contains("denied (UnauthorizedOperation)"),
            "{line}"
        );
        assert!(fix.unwrap().contains("grant `ec2:DescribeKeyPairs`"));
        // The other actions are unaffected.
        assert_eq!(mark(check(lines, "ec2:DescribeInstances").0), "✓");
    }
}

#[test]
fn a_role_that_cannot_be_assumed_is_named_with_the_fix() {
    let moto = estate();
    let proxy = Proxy::builder(&moto.endpoint)
        .rule(Rule::new(Fault::AccessDenied).operation("AssumeRole"))
        .start();
    let role = "arn:aws:iam::222222222222:role/drready-read";
    let (code, out) = doctor(&proxy.endpoint, true, &["--standby-role-arn", role]);
    assert_eq!(code, 3, "{out}");
    let standby = site(&out, "standby");
    assert_eq!(mark(check(&standby, "credentials").0), "✓", "{out}");
    let (line, fix) = check(&standby, "role");
    assert_eq!(mark(line), "✗", "{line}");
    assert!(line.contains(role), "{line}");
    assert!(fix.unwrap().contains("`sts:AssumeRole`"), "{out}");
    // The primary has no role and is fully readable.
    let primary = site(&out, "primary");
    assert_eq!(mark(check(&primary, "role").0), "–");
    assert_eq!(mark(check(&primary, "ec2:DescribeInstances").0), "✓");
}

#[test]
fn no_credentials_is_a_clear_failure_per_site() {
    // Nothing listens here: no call may get this far without credentials anyway.
    let endpoint = format!("http://127.0.0.1:{}", free_port());
    let (code, out) = doctor(&endpoint, false, &[]);
    assert_eq!(code, 3, "{out}");
    for role in ["primary", "standby"] {
        let lines = site(&out, role);
        let (line, fix) = check(&lines, "credentials");
        assert_eq!(mark(line), "✗", "{line}");
        assert!(line.contains("CredentialsError"), "{line}");
        let fix = fix.expect("a fix");
        assert!(fix.contains("no AWS credentials were found"), "{fix}");
        assert!(fix.contains(&format!("--{role}-profile")), "{fix}");
        assert!(
            lines
                .iter()
                .any(|l| l.contains("read permissions") && l.contains("not checked")),
            "{out}"
        );
    }
    assert!(!out.contains("✓"), "{out}");
}
