"""Load balancers and certificates (ELBv2, ACM): what moto 5.2.5 gets wrong, and what the patches
make it do instead, as AWS does.

1. ELBv2 accepts an HTTPS/TLS listener (CreateListener, ModifyListener, AddListenerCertificates)
   whose ACM certificate is not ``ISSUED`` (a requested certificate still in
   ``PENDING_VALIDATION``, say). AWS refuses it with ``UnsupportedCertificate`` ("The certificate
   '...' must have a fully-qualified domain name, a supported signature, and a supported key
   size."). The patch refuses it the same way. AddListenerCertificates also accepts a
   certificate ARN that exists nowhere (AWS: ``CertificateNotFound``) and does not mark the
   certificate in use; the patch does both.
2. ACM lists the listener (not the load balancer) in a certificate's ``InUseBy``; AWS lists the
   load balancer ARN. The patch records the load balancer, once.
3. ACM reports ``RenewalEligibility: INELIGIBLE`` for every certificate. AWS renews an
   Amazon-issued (or private) certificate that is in use, and reports it ``ELIGIBLE``; imported
   certificates stay ``INELIGIBLE``. The patch reports ``ELIGIBLE`` for an ``AMAZON_ISSUED`` or
   ``PRIVATE`` certificate in use.
4. ACM ListCertificates without ``Includes.keyTypes`` lists every certificate; AWS lists only
   RSA_1024 and RSA_2048 certificates then ("Default filtering returns only RSA_2048
   certificates", Filters: "RSA_1024 and RSA_2048"). The patch applies that default, so a
   collector that does not ask for every key type misses EC certificates here as on AWS.
5. Requested certificates turn ``ISSUED`` after ``MOTO_ACM_VALIDATION_WAIT`` seconds (moto's
   default 60; AWS: once the DNS validation record is seen, minutes). Without the variable the
   wait here is 1 second, so seeders can request certificates, wait for them and attach them
   (which patch 1 makes necessary, as on AWS).

Measured along (not patched): moto's DescribeListenerCertificates returns the listener's whole
certificate list, the default first with ``IsDefault: true`` and no paging (AWS returns the default
with ``IsDefault: true`` and the list entries, the default possibly again, paged by ``Marker``);
ListCertificates has no paging and honours ``CertificateStatuses`` and ``Includes.keyTypes``;
CreateListener in one region with a certificate ARN of another region fails with
``CertificateNotFound`` (as on AWS); an imported certificate that has already expired is refused
(as on AWS), and an imported certificate reads ``EXPIRED`` once its NotAfter has passed (as on
AWS).
"""

import os
from typing import Any

UNSUPPORTED = ("The certificate '{arn}' must have a fully-qualified domain name, a supported "
               "signature, and a supported key size.")
DEFAULT_KEY_TYPES = ("RSA_1024", "RSA_2048")


def _acm_cert(backend: Any, arn: str) -> Any:
    """The ACM certificate of the backend's region named by `arn`, or None (IAM certificates, or
    one that does not exist)."""
    from moto.acm.models import CertificateNotFound, acm_backends

    if ":acm:" not in arn:
        return None
    try:
        return acm_backends[backend.account_id][backend.region_name].get_certificate(arn)
    except CertificateNotFound:
        return None


def _refuse_unissued(backend: Any, certificates: Any) -> None:
    from moto.elbv2.exceptions import ELBClientError

    for cert in certificates or []:
        arn = cert.get("CertificateArn") if isinstance(cert, dict) else cert
        if not arn:
            continue
        bundle = _acm_cert(backend, arn)
        if bundle is not None and bundle.status != "ISSUED":
            raise ELBClientError("UnsupportedCertificate", UNSUPPORTED.format(arn=arn))


def _load_balancer_arn(user: str) -> str:
    """`arn:...:listener/app/NAME/LB_ID/LISTENER_ID` → `arn:...:loadbalancer/app/NAME/LB_ID`."""
    if ":listener/" not in user:
        return user
    return user.replace(":listener/", ":loadbalancer/", 1).rsplit("/", 1)[0]


def apply() -> None:
    from moto import settings
    from moto.acm import models as acm_models
    from moto.elbv2 import models as elbv2_models

    # --- 5. validation wait ----------------------------------------------------------------
    if "MOTO_ACM_VALIDATION_WAIT" not in os.environ:
        settings.ACM_VALIDATION_WAIT = 1

    # --- 1. listeners refuse certificates that are not issued --------------------------------
    backend_cls = elbv2_models.ELBv2Backend
    create_listener = backend_cls.create_listener
    modify_listener = backend_cls.modify_listener
    add_listener_certificates = backend_cls.add_listener_certificates

    def patched_create_listener(self, load_balancer_arn, protocol, port, ssl_policy,  # type: ignore[no-untyped-def]
                                certificate, actions, *args, **kwargs):
        _refuse_unissued(self, [certificate] if certificate else [])
        return create_listener(self, load_balancer_arn, protocol, port, ssl_policy,
                               certificate, actions, *args, **kwargs)

    def patched_modify_listener(self, arn, port=None, protocol=None, ssl_policy=None,  # type: ignore[no-untyped-def]
                                certificates=None, actions=None):
        _refuse_unissued(self, certificates)
        return modify_listener(self, arn, port, protocol, ssl_policy, certificates, actions)

    def patched_add_listener_certificates(self, arn, certificates):  # type: ignore[no-untyped-def]
        from moto.elbv2.exceptions import ELBClientError

        for cert in certificates or []:
            cert_arn = cert.get("CertificateArn", "")
            if ":acm:" in cert_arn and _acm_cert(self, cert_arn) is None:
                raise ELBClientError("CertificateNotFound", f"Certificate '{cert_arn}' not found")
        _refuse_unissued(self, certificates)
        out = add_listener_certificates(self, arn, certificates)
        for cert in certificates or []:
            bundle = _acm_cert(self, cert.get("CertificateArn", ""))
            if bundle is not None:
                bundle.in_use_by.append(arn)
        return out

    backend_cls.create_listener = patched_create_listener
    backend_cls.modify_listener = patched_modify_listener
    backend_cls.add_listener_certificates = patched_add_listener_certificates

    # --- 2. InUseBy names the load balancer, once -------------------------------------------
    # --- 3. in-use Amazon-issued certificates are eligible for renewal -----------------------
    describe = acm_models.CertBundle.describe

    def patched_describe(self):  # type: ignore[no-untyped-def]
        users: list[str] = []
        for user in self.in_use_by:
            lb = _load_balancer_arn(user)
            if lb not in users:
                users.append(lb)
        self.in_use_by = users
        out = describe(self)
        if self.type in ("AMAZON_ISSUED", "PRIVATE") and users:
            out["Certificate"]["RenewalEligibility"] = "ELIGIBLE"
        return out

    acm_models.CertBundle.describe = patched_describe

    # --- 4. ListCertificates lists RSA_1024 and RSA_2048 unless told otherwise ----------------
    list_certificates = acm_models.AWSCertificateManagerBackend.list_certificates

    def patched_list_certificates(self, statuses, includes):  # type: ignore[no-untyped-def]
        includes = dict(includes or {})
        if not includes.get("keyTypes"):
            includes["keyTypes"] = list(DEFAULT_KEY_TYPES)
        return list_certificates(self, statuses, includes)

    acm_models.AWSCertificateManagerBackend.list_certificates = patched_list_certificates
