//! ACM of one site: every certificate of the region, whatever its status and key type, with its
//! names, status, type, expiry, renewal eligibility, users and tags.
//!
//! ListCertificates returns only RSA_2048 certificates unless `Includes.keyTypes` asks for
//! more, so every key type and every status is asked for. Then, per certificate and
//! concurrently (each call takes a slot of the shared limit), DescribeCertificate (the full
//! list of names — the listing truncates it — the renewal eligibility and the users) and
//! ListTagsForCertificate. A failed listing is an error of the whole service; a failed read of
//! one certificate keeps what the listing said about it and is an error of that certificate
//! only.

use aws_sdk_acm::Client;
use aws_sdk_acm::types as sdk;
use aws_smithy_runtime_api::client::orchestrator::HttpResponse;
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;

use super::client::{SiteCtx, for_each_page};
use super::{Outcome, error, smithy_time};
use crate::snapshot::{AcmInventory, Certificate, CollectionError, Tags};
use crate::vocab::Service;

/// Largest page of ListCertificates.
const PAGE: i32 = 1000;

fn acm_error<E>(api: &str, e: &SdkError<E, HttpResponse>, resource: Option<&str>) -> CollectionError
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
{
    error::from_sdk(Service::Acm, api, e, resource)
}

pub(super) async fn collect(ctx: &SiteCtx) -> Outcome<AcmInventory> {
    let client = ctx.acm();
    let c = &client;
    let mut listed = Vec::new();
    let every_key_type = sdk::KeyAlgorithm::values()
        .iter()
        .fold(sdk::Filters::builder(), |f, k| {
            f.key_types(sdk::KeyAlgorithm::from(*k))
        })
        .build();
    let every_status = sdk::CertificateStatus::values()
        .iter()
        .map(|s| sdk::CertificateStatus::from(*s))
        .collect();
    let paginator = c
        .list_certificates()
        .includes(every_key_type)
        .set_certificate_statuses(Some(every_status))
        .max_items(PAGE)
        .into_paginator();
    let result = for_each_page!(ctx, paginator, |page| {
        listed.extend(
            page.certificate_summary_list()
                .iter()
                .filter_map(|s| summary(ctx, s)),
        );
    });
    let mut errors = Vec::new();
    if let Err(e) = result {
        errors.push(acm_error("ListCertificates", &e, None));
    }
    // A listing page repeated by a retried token must not duplicate a certificate.
    let mut seen = std::collections::HashSet::new();
    listed.retain(|c: &Certificate| seen.insert(c.arn.clone()));

    let details =
        futures::future::join_all(listed.into_iter().map(|cert| detail(ctx, c, cert))).await;
    let mut certificates = Vec::with_capacity(details.len());
    for (cert, errs) in details {
        certificates.push(cert);
        errors.extend(errs);
    }
    (AcmInventory { certificates }, errors)
}

/// The last part of a certificate ARN: `arn:aws:acm:REGION:ACCOUNT:certificate/ID` → `ID`.
fn certificate_id(arn: &str) -> String {
    arn.rsplit('/').next().unwrap_or(arn).to_string()
}

fn summary(ctx: &SiteCtx, s: &sdk::CertificateSummary) -> Option<Certificate> {
    let arn = s.certificate_arn()?.to_string();
    let domain = s.domain_name().unwrap_or_default().to_string();
    let mut names: Vec<String> = s.subject_alternative_name_summaries().to_vec();
    if !domain.is_empty() && !names.contains(&domain) {
        names.insert(0, domain.clone());
    }
    Some(Certificate {
        id: certificate_id(&arn),
        arn,
        name: domain.clone(),
        tags: Tags::new(),
        region: ctx.region.clone(),
        account: ctx.account.clone(),
        domain_name: domain,
        subject_alternative_names: names,
        status: s
            .status()
            .map(|x| x.as_str().to_string())
            .unwrap_or_default(),
        cert_type: s
            .r#type()
            .map(|x| x.as_str().to_string())
            .unwrap_or_default(),
        not_after: s.not_after().and_then(smithy_time),
        renewal_eligibility: s.renewal_eligibility().map(|x| x.as_str().to_string()),
        in_use_by: Vec::new(),
    })
}

/// DescribeCertificate and ListTagsForCertificate of one listed certificate.
async fn detail(ctx: &SiteCtx, c: &Client, mut cert: Certificate) -> Outcome<Certificate> {
    let arn = cert.arn.clone();
    let (described, tagged) = futures::join!(
        ctx.call(c.describe_certificate().certificate_arn(&arn).send()),
        ctx.call(c.list_tags_for_certificate().certificate_arn(&arn).send()),
    );
    let mut errors = Vec::new();
    match described {
        Ok(out) => {
            if let Some(d) = out.certificate() {
                apply_detail(&mut cert, d);
            }
        }
        Err(e) => errors.push(acm_error("DescribeCertificate", &e, Some(&arn))),
    }
    match tagged {
        Ok(out) => {
            cert.tags = out
                .tags()
                .iter()
                .map(|t| {
                    (
                        t.key().to_string(),
                        t.value().unwrap_or_default().to_string(),
                    )
                })
                .collect();
        }
        Err(e) => errors.push(acm_error("ListTagsForCertificate", &e, Some(&arn))),
    }
    (cert, errors)
}

fn apply_detail(cert: &mut Certificate, d: &sdk::CertificateDetail) {
    if let Some(domain) = d.domain_name().filter(|x| !x.is_empty()) {
        cert.domain_name = domain.to_string();
        cert.name = domain.to_string();
    }
    let mut names: Vec<String> = d.subject_alternative_names().to_vec();
    if !cert.domain_name.is_empty() && !names.contains(&cert.domain_name) {
        names.insert(0, cert.domain_name.clone());
    }
    if !names.is_empty() {
        cert.subject_alternative_names = names;
    }
    if let Some(s) = d.status() {
        cert.status = s.as_str().to_string();
    }
    if let Some(t) = d.r#type() {
        cert.cert_type = t.as_str().to_string();
    }
    if let Some(t) = d.not_after().and_then(smithy_time) {
        cert.not_after = Some(t);
    }
    if let Some(r) = d.renewal_eligibility() {
        cert.renewal_eligibility = Some(r.as_str().to_string());
    }
    cert.in_use_by = d.in_use_by().to_vec();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_detail_completes_the_listed_names_and_keeps_the_domain_first() {
        let mut cert = Certificate {
            arn: "arn:aws:acm:us-west-2:1:certificate/abc".into(),
            id: certificate_id("arn:aws:acm:us-west-2:1:certificate/abc"),
            name: "a.example.com".into(),
            tags: Tags::new(),
            region: "us-west-2".into(),
            account: "1".into(),
            domain_name: "a.example.com".into(),
            subject_alternative_names: vec!["a.example.com".into()],
            status: "PENDING_VALIDATION".into(),
            cert_type: "AMAZON_ISSUED".into(),
            not_after: None,
            renewal_eligibility: None,
            in_use_by: Vec::new(),
        };
        assert_eq!(cert.id, "abc");
        let d = sdk::CertificateDetail::builder()
            .domain_name("a.example.com")
            .subject_alternative_names("*.a.example.com")
            .subject_alternative_names("b.example.com")
            .status(sdk::CertificateStatus::Issued)
            .renewal_eligibility(sdk::RenewalEligibility::Eligible)
            .in_use_by("arn:lb")
            .build();
        apply_detail(&mut cert, &d);
        assert_eq!(
            cert.subject_alternative_names,
            vec!["a.example.com", "*.a.example.com", "b.example.com"]
        );
        assert_eq!(cert.status, "ISSUED");
        assert_eq!(cert.renewal_eligibility.as_deref(), Some("ELIGIBLE"));
        assert_eq!(cert.in_use_by, vec!["arn:lb"]);
    }

    #[test]
    fn every_key_type_and_status_is_asked_for() {
        assert!(sdk::KeyAlgorithm::values().contains(&"EC_prime256v1"));
        assert!(sdk::KeyAlgorithm::values().contains(&"RSA_4096"));
        assert!(sdk::CertificateStatus::values().contains(&"EXPIRED"));
    }
}
