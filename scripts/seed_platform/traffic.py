"""Seeds Elastic Load Balancing v2 and ACM: a load balancer per application and site, HTTPS with a
certificate of the site's own region, and Route 53 failover between the two; with
``ctx.defects``, one load balancer (or certificate, or record) per DR-ELB/DR-ACM rule and DR-DNS-008
that the rule must report, each on an application of its own.

Healthy, per application of ``ctx.apps`` and site (one or two accounts alike):
- an internet-facing ALB in the site's network subnets and web security group, tagged ``app``,
  named ``APP-web-TOKEN`` — except the second application, whose ALBs carry CloudFormation-made
  names ``APPstack-WebAlb-<13 chars>`` (different suffixes in the two regions, no stack tags: they
  pair by their generated-name stem);
- a target group ``APP-web-TOKEN`` (HTTP:8080, instance targets) with the application's instance
  of that site registered when the base estate has one;
- listeners HTTPS:443 (forward to the target group) and HTTP:80 (redirect to HTTPS);
- the HTTPS certificate of the site's own region for ``APP.ZONE`` and ``*.APP.ZONE``: requested
  from ACM (Amazon-issued, made ISSUED by the emulator's validation wait before it is attached,
  as AWS demands), except the first application's standby certificate, which is imported (a
  self-signed EC P-256 certificate valid a year: ListCertificates shows it only to a caller that
  asks for every key type);
- in the base estate's zone ``dr-demo.example.com.``, an alias failover pair ``www.APP.ZONE``:
  PRIMARY on the primary ALB and SECONDARY on the standby ALB, both evaluating target health.
The first application also has an internal NLB ``APP-int-TOKEN`` (TCP:5432) in both sites, which
no DNS record names (internal load balancers are not judged by DR-DNS-008).

Defects (``ctx.defects``), each on an application of its own (tag ``app``), names ``APP-web-TOKEN``:
- DR-ELB-001 ``elb-nostandby``: an internal primary ALB (HTTP:80) without any standby twin.
- DR-ELB-002 ``elb-listener``: internal ALBs in both sites; the standby lacks the primary's HTTP:80
  listener (reported on the standby ALB).
- DR-ACM-001 ``acm-expired``: the standby HTTPS listener's certificate is an imported one that has
  expired (moto refuses a certificate ARN of another region with CertificateNotFound, as AWS does,
  so the "primary-region certificate in the standby" case is proven by the fixtures and the Rego
  tests). The certificate is imported valid for a few seconds, attached, and the seeder waits for
  it to expire; reported on the standby ALB.
- DR-ACM-002 ``acm-names``: the standby certificate covers ``APP.ZONE`` only, the primary one also
  ``*.APP.ZONE`` (reported on the standby ALB).
- DR-ACM-003 ``acm-expiring``: the standby certificate is imported and expires in 10 days
  (reported on that certificate).
- DR-DNS-008 ``dns-nofailover``: internet-facing ALBs in both sites; only a simple alias record
  ``dns-nofailover.ZONE`` names the primary ALB (reported on the primary ALB).
- DR-ELB-003 ``elb-wrongsecondary``: internet-facing ALBs in both sites; the failover pair
  ``www.elb-wrongsecondary.ZONE`` has its SECONDARY on the standby ALB of ``dns-nofailover``, not on
  its own standby twin (reported on the SECONDARY record).
Every defect application except ``elb-nostandby`` and ``elb-listener`` has internet-facing ALBs in
failover records (or, for DR-DNS-008, deliberately not), so each defect is reported by its rule
only.
"""

import datetime
import time
from typing import Any

ZONE = "dr-demo.example.com"
FIXED_OK = {"Type": "fixed-response",
            "FixedResponseConfig": {"StatusCode": "200", "ContentType": "text/plain"}}
REDIRECT = {"Type": "redirect",
            "RedirectConfig": {"Protocol": "HTTPS", "Port": "443", "StatusCode": "HTTP_301"}}
# How long the DR-ACM-001 certificate is valid after its import.
SHORT_LIVED_SECONDS = 3


def _tags(app: str, **extra: str) -> list[dict[str, str]]:
    return [{"Key": "app", "Value": app}] + [{"Key": k, "Value": v} for k, v in extra.items()]


def self_signed(names: list[str], *, days: float = 365, seconds: float | None = None,
                ec: bool = False) -> tuple[bytes, bytes]:
    """A self-signed certificate and its key (PEM) for `names`, valid from a minute ago."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec as ec_keys
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import NameOID

    key: Any = (ec_keys.generate_private_key(ec_keys.SECP256R1()) if ec
                else rsa.generate_private_key(public_exponent=65537, key_size=2048))
    now = datetime.datetime.now(datetime.timezone.utc)
    life = datetime.timedelta(seconds=seconds) if seconds is not None else datetime.timedelta(
        days=days)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, names[0])])
    cert = (x509.CertificateBuilder().subject_name(subject).issuer_name(subject)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=1)).not_valid_after(now + life)
            .add_extension(x509.SubjectAlternativeName([x509.DNSName(n) for n in names]),
                           critical=False)
            .sign(key, hashes.SHA256()))
    return (cert.public_bytes(serialization.Encoding.PEM),
            key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                              serialization.NoEncryption()))


def names_of(app: str, wildcard: bool = True) -> list[str]:
    return [f"{app}.{ZONE}"] + ([f"*.{app}.{ZONE}"] if wildcard else [])


class _Site:
    """One site's ELBv2 and ACM clients and what was made there."""

    def __init__(self, site: Any) -> None:
        self.site = site
        self.elb = site.client("elbv2")
        self.acm = site.client("acm")
        self.pending: list[str] = []

    def request(self, app: str, wildcard: bool = True) -> str:
        names = names_of(app, wildcard)
        arn = self.acm.request_certificate(
            DomainName=names[0], SubjectAlternativeNames=names, ValidationMethod="DNS",
            Tags=_tags(app))["CertificateArn"]
        self.pending.append(arn)
        return arn

    def imported(self, app: str, **life: Any) -> str:
        cert, key = self_signed(names_of(app), **life)
        return self.acm.import_certificate(Certificate=cert, PrivateKey=key,
                                           Tags=_tags(app))["CertificateArn"]

    def wait_issued(self) -> None:
        """Requested certificates become ISSUED after the emulator's validation wait (AWS: once
        the DNS validation record resolves); listeners refuse them before."""
        deadline = time.monotonic() + 120
        while self.pending:
            arn = self.pending[0]
            status = self.acm.describe_certificate(CertificateArn=arn)["Certificate"]["Status"]
            if status == "ISSUED":
                self.pending.pop(0)
            elif time.monotonic() > deadline:
                raise RuntimeError(f"certificate {arn} still {status} after 120 s")
            else:
                time.sleep(0.3)

    def alb(self, name: str, app: str, internal: bool = False) -> dict[str, Any]:
        net = self.site.network
        return self.elb.create_load_balancer(
            Name=name, Subnets=net["subnets"], SecurityGroups=[net["web_sg"]],
            Scheme="internal" if internal else "internet-facing", Type="application",
            IpAddressType="ipv4", Tags=_tags(app))["LoadBalancers"][0]

    def target_group(self, name: str, app: str, instance: str | None) -> str:
        arn = self.elb.create_target_group(
            Name=name, Protocol="HTTP", Port=8080, VpcId=self.site.network["vpc"],
            TargetType="instance", HealthCheckPath="/health", Tags=_tags(app),
        )["TargetGroups"][0]["TargetGroupArn"]
        if instance:
            self.elb.register_targets(TargetGroupArn=arn, Targets=[{"Id": instance}])
        return arn

    def https(self, lb: str, cert: str, tg: str | None, port: int = 443) -> str:
        action = {"Type": "forward", "TargetGroupArn": tg} if tg else FIXED_OK
        return self.elb.create_listener(
            LoadBalancerArn=lb, Protocol="HTTPS", Port=port, Certificates=[{"CertificateArn": cert}],
            SslPolicy="ELBSecurityPolicy-TLS13-1-2-2021-06", DefaultActions=[action],
        )["Listeners"][0]["ListenerArn"]

    def http(self, lb: str) -> str:
        return self.elb.create_listener(LoadBalancerArn=lb, Protocol="HTTP", Port=80,
                                        DefaultActions=[REDIRECT])["Listeners"][0]["ListenerArn"]


def _zone_id(r53: Any) -> str:
    zones = r53.list_hosted_zones_by_name(DNSName=f"{ZONE}.")["HostedZones"]
    zone = next(z for z in zones if z["Name"] == f"{ZONE}.")
    return zone["Id"].split("/")[-1]


def _alias(lb: dict[str, Any]) -> dict[str, Any]:
    return {"HostedZoneId": lb["CanonicalHostedZoneId"],
            "DNSName": f"dualstack.{lb['DNSName']}.", "EvaluateTargetHealth": True}


def _failover(name: str, app: str, primary: dict[str, Any], secondary: dict[str, Any]) -> list:
    return [
        {"Action": "CREATE", "ResourceRecordSet": {
            "Name": name, "Type": "A", "SetIdentifier": f"{app}-primary", "Failover": "PRIMARY",
            "AliasTarget": _alias(primary)}},
        {"Action": "CREATE", "ResourceRecordSet": {
            "Name": name, "Type": "A", "SetIdentifier": f"{app}-secondary",
            "Failover": "SECONDARY", "AliasTarget": _alias(secondary)}},
    ]


def _record_arn(zone_id: str, name: str, kind: str, set_id: str) -> str:
    return f"arn:aws:route53:::hostedzone/{zone_id}/recordset/{name}/{kind}/{set_id}"


def seed(ctx: Any) -> dict:
    global ZONE
    ZONE = getattr(ctx, "zone", ZONE)
    p, s = _Site(ctx.primary), _Site(ctx.standby)
    pt, st = ctx.primary.token, ctx.standby.token
    zone_id = _zone_id(ctx.primary.r53)
    changes: list[dict[str, Any]] = []
    apps: dict[str, dict] = {}

    # Certificates first: requested ones must be ISSUED before a listener takes them.
    certs: dict[str, tuple[str, str]] = {}
    for n, app in enumerate(ctx.apps):
        standby_cert = (s.imported(app, ec=True) if n == 0 else s.request(app))
        certs[app] = (p.request(app), standby_cert)
    d: dict[str, tuple[str, str]] = {}
    if ctx.defects:
        d["elb-listener"] = (p.request("elb-listener"), s.request("elb-listener"))
        d["acm-expired"] = (p.request("acm-expired"), "")
        d["acm-names"] = (p.request("acm-names"), s.request("acm-names", wildcard=False))
        d["acm-expiring"] = (p.request("acm-expiring"), s.imported("acm-expiring", days=10))
        for app in ("dns-nofailover", "elb-wrongsecondary"):
            d[app] = (p.request(app), s.request(app))
    p.wait_issued()
    s.wait_issued()

    def pair(app: str, cert: tuple[str, str], *, names: tuple[str, str] | None = None,
             internal: bool = False, standby: bool = True, standby_http: bool = True,
             instances: tuple[str | None, str | None] = (None, None)) -> dict[str, Any]:
        """Load balancers of `app` in both sites (the standby one unless `standby` is false),
        each with a target group, HTTPS:443 on the site's certificate and HTTP:80."""
        pname, sname = names or (f"{app}-web-{pt}", f"{app}-web-{st}")
        out: dict[str, Any] = {}
        for side, name, c, inst in ((p, pname, cert[0], instances[0]),
                                    (s, sname, cert[1], instances[1])):
            if side is s and not standby:
                continue
            lb = side.alb(name, app, internal=internal)
            tg = side.target_group(f"{app}-web-{side.site.token}", app, inst)
            if c:
                side.https(lb["LoadBalancerArn"], c, tg)
            if side is p or standby_http:
                side.http(lb["LoadBalancerArn"])
            out["primary" if side is p else "standby"] = {
                "load_balancer": lb["LoadBalancerArn"], "dns_name": lb["DNSName"],
                "target_group": tg, "certificate": c or None, "lb": lb}
        return out

    for n, app in enumerate(ctx.apps):
        base = ctx.base.get(app, {})
        instances = (base.get("primary", {}).get("instance"),
                     base.get("standby", {}).get("instance"))
        names = None
        if n == 1:
            names = (f"{app}stack-WebAlb-1A2B3C4D5E6F7", f"{app}stack-WebAlb-9Z8Y7X6W5V4U3")
        made = pair(app, certs[app], names=names, instances=instances)
        changes += _failover(f"www.{app}.{ZONE}.", app, made["primary"]["lb"],
                             made["standby"]["lb"])
        if n == 0:
            for side in (p, s):
                nlb = side.elb.create_load_balancer(
                    Name=f"{app}-int-{side.site.token}", Subnets=side.site.network["subnets"],
                    Scheme="internal", Type="network", Tags=_tags(app))["LoadBalancers"][0]
                tg = side.elb.create_target_group(
                    Name=f"{app}-db-{side.site.token}", Protocol="TCP", Port=5432,
                    VpcId=side.site.network["vpc"], TargetType="ip", Tags=_tags(app),
                )["TargetGroups"][0]["TargetGroupArn"]
                side.elb.create_listener(
                    LoadBalancerArn=nlb["LoadBalancerArn"], Protocol="TCP", Port=5432,
                    DefaultActions=[{"Type": "forward", "TargetGroupArn": tg}])
                made["primary" if side is p else "standby"]["internal_nlb"] = \
                    nlb["LoadBalancerArn"]
        apps[app] = {k: {x: y for x, y in v.items() if x != "lb"} for k, v in made.items()}

    defects: dict[str, list[str]] = {}
    expire_at = 0.0
    if ctx.defects:
        lone = pair("elb-nostandby", ("", ""), internal=True, standby=False)
        defects["DR-ELB-001"] = [lone["primary"]["load_balancer"]]

        short = pair("elb-listener", d["elb-listener"], internal=True, standby_http=False)
        defects["DR-ELB-002"] = [short["standby"]["load_balancer"]]

        expiring = s.imported("acm-expired", seconds=SHORT_LIVED_SECONDS)
        expire_at = time.monotonic() + SHORT_LIVED_SECONDS + 1.5
        expired = pair("acm-expired", (d["acm-expired"][0], expiring))
        changes += _failover(f"www.acm-expired.{ZONE}.", "acm-expired",
                             expired["primary"]["lb"], expired["standby"]["lb"])
        defects["DR-ACM-001"] = [expired["standby"]["load_balancer"]]

        narrow = pair("acm-names", d["acm-names"])
        changes += _failover(f"www.acm-names.{ZONE}.", "acm-names", narrow["primary"]["lb"],
                             narrow["standby"]["lb"])
        defects["DR-ACM-002"] = [narrow["standby"]["load_balancer"]]

        soon = pair("acm-expiring", d["acm-expiring"])
        changes += _failover(f"www.acm-expiring.{ZONE}.", "acm-expiring", soon["primary"]["lb"],
                             soon["standby"]["lb"])
        defects["DR-ACM-003"] = [d["acm-expiring"][1]]

        plain = pair("dns-nofailover", d["dns-nofailover"])
        changes.append({"Action": "CREATE", "ResourceRecordSet": {
            "Name": f"dns-nofailover.{ZONE}.", "Type": "A",
            "AliasTarget": _alias(plain["primary"]["lb"])}})
        defects["DR-DNS-008"] = [plain["primary"]["load_balancer"]]

        wrong = pair("elb-wrongsecondary", d["elb-wrongsecondary"])
        name = f"www.elb-wrongsecondary.{ZONE}."
        changes += _failover(name, "elb-wrongsecondary", wrong["primary"]["lb"],
                             plain["standby"]["lb"])
        defects["DR-ELB-003"] = [_record_arn(zone_id, name, "A", "elb-wrongsecondary-secondary")]

    ctx.primary.r53.change_resource_record_sets(HostedZoneId=zone_id,
                                                ChangeBatch={"Changes": changes})
    if expire_at:
        # The DR-ACM-001 certificate must have expired before anyone reads it.
        time.sleep(max(0.0, expire_at - time.monotonic()))
        status = s.acm.describe_certificate(
            CertificateArn=expiring)["Certificate"]["Status"]
        if status != "EXPIRED":
            raise RuntimeError(f"the short-lived certificate is {status}, not EXPIRED")
    return {"apps": apps, "defects": defects, "unavailable_defects": {}, "zone_id": zone_id}
