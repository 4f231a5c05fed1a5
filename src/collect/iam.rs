//! IAM of one account: roles (trust policy, attached managed policies, inline policies with
//! their documents) and instance profiles with their roles.
//!
//! GetAccountAuthorizationDetails filtered to roles returns all of that in one paginated call
//! instead of four calls per role; ListInstanceProfiles adds the profiles no role is in.

use std::collections::BTreeMap;

use aws_sdk_iam::types::{self as sdk, EntityType};

use super::client::{SiteCtx, for_each_page};
use super::{Outcome, error};
use crate::snapshot::{IamInventory, InlinePolicy, InstanceProfile, Role, Tags};
use crate::vocab::Service;

/// Largest page of GetAccountAuthorizationDetails and ListInstanceProfiles.
const PAGE: i32 = 1000;

pub(crate) async fn collect(ctx: &SiteCtx) -> Outcome<IamInventory> {
    let client = ctx.iam();
    let mut roles = Vec::new();
    // Profiles seen inside role details carry their tags; ListInstanceProfiles does not.
    let mut profile_tags: BTreeMap<String, Tags> = BTreeMap::new();
    let mut errors = Vec::new();

    let details = client
        .get_account_authorization_details()
        .filter(EntityType::Role)
        .max_items(PAGE)
        .into_paginator();
    let (profiles, roles_result) = futures::join!(instance_profiles(ctx, &client), async {
        for_each_page!(ctx, details, |page| {
            for r in page.role_detail_list() {
                for p in r.instance_profile_list() {
                    profile_tags.insert(p.arn().to_string(), tags(p.tags()));
                }
                roles.extend(role(ctx, r));
            }
        })
    });
    if let Err(e) = roles_result {
        errors.push(error::from_sdk(
            Service::Iam,
            "GetAccountAuthorizationDetails",
            &e,
            None,
        ));
    }
    let (mut instance_profiles, profile_errors) = profiles;
    errors.extend(profile_errors);
    for p in &mut instance_profiles {
        if p.tags.is_empty() {
            p.tags = profile_tags.remove(&p.arn).unwrap_or_default();
        }
    }
    (
        IamInventory {
            roles,
            instance_profiles,
        },
        errors,
    )
}

fn tags(tags: &[sdk::Tag]) -> Tags {
    tags.iter()
        .map(|t| (t.key().to_string(), t.value().to_string()))
        .collect()
}

fn role(ctx: &SiteCtx, r: &sdk::RoleDetail) -> Option<Role> {
    let name = r.role_name()?.to_string();
    Some(Role {
        arn: r.arn().map(str::to_string).unwrap_or_else(|| {
            format!(
                "arn:{}:iam::{}:role{}{name}",
                ctx.partition,
                ctx.account,
                r.path().unwrap_or("/")
            )
        }),
        id: r.role_id().unwrap_or_default().to_string(),
        tags: tags(r.tags()),
        region: "global".to_string(),
        account: ctx.account.clone(),
        path: r.path().unwrap_or("/").to_string(),
        trust_policy: r
            .assume_role_policy_document()
            .map(policy_document)
            .unwrap_or_default(),
        attached_policy_arns: r
            .attached_managed_policies()
            .iter()
            .filter_map(|p| p.policy_arn().map(str::to_string))
            .collect(),
        inline_policies: r
            .role_policy_list()
            .iter()
            .filter_map(|p| {
                Some(InlinePolicy {
                    name: p.policy_name()?.to_string(),
                    document: p.policy_document().map(policy_document).unwrap_or_default(),
                })
            })
            .collect(),
        name,
    })
}

async fn instance_profiles(
    ctx: &SiteCtx,
    c: &aws_sdk_iam::Client,
) -> Outcome<Vec<InstanceProfile>> {
    let mut out = Vec::new();
    let paginator = c.list_instance_profiles().max_items(PAGE).into_paginator();
    let result = for_each_page!(ctx, paginator, |page| {
        for p in page.instance_profiles() {
            out.push(InstanceProfile {
                arn: p.arn().to_string(),
                id: p.instance_profile_id().to_string(),
                name: p.instance_profile_name().to_string(),
                tags: tags(p.tags()),
                region: "global".to_string(),
                account: ctx.account.clone(),
                path: p.path().to_string(),
                roles: p
                    .roles()
                    .iter()
                    .map(|r| r.role_name().to_string())
                    .collect(),
            });
        }
    });
    let errors = match result {
        Ok(()) => Vec::new(),
        Err(e) => vec![error::from_sdk(
            Service::Iam,
            "ListInstanceProfiles",
            &e,
            None,
        )],
    };
    (out, errors)
}

/// A policy document as JSON. IAM returns documents URL-encoded (RFC 3986); a document that is
/// already JSON is taken as it is. An unreadable document is kept as a JSON string.
pub(crate) fn policy_document(raw: &str) -> serde_json::Value {
    let trimmed = raw.trim_start();
    if trimmed.starts_with('{')
        && let Ok(v) = serde_json::from_str(trimmed)
    {
        return v;
    }
    let decoded = percent_decode(raw);
    serde_json::from_str(&decoded).unwrap_or(serde_json::Value::String(decoded))
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match bytes[i] {
            b'%' if i + 2 < bytes.len() => match (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                (Some(h), Some(l)) => {
                    out.push((h * 16 + l) as u8);
                    i += 3;
                    continue;
                }
                _ => out.push(b'%'),
            },
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_url_encoded_and_plain_documents() {
        let encoded = "%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%5D%7D";
        let v = policy_document(encoded);
        assert_eq!(v["Version"], "2012-10-17");
        let plain = r#"{"Version": "2012-10-17", "Statement": [{"Sid": "100%"}]}"#;
        assert_eq!(policy_document(plain)["Statement"][0]["Sid"], "100%");
        assert_eq!(percent_decode("a%2"), "a%2");
        assert_eq!(percent_decode("a%zz"), "a%zz");
        assert_eq!(percent_decode("%C3%A9"), "é");
    }
}
