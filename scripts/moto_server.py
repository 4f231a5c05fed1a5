#!/usr/bin/env python3
"""Starts moto_server with two fixes drready's tests need, then runs it as usual.

1. moto >= 5.2.0 answers S3 GetBucketVersioning with the XML root <GetBucketVersioningResponse>
   instead of AWS's <VersioningConfiguration>. boto3 does not mind; the AWS SDK for Rust rejects
   the answer ("invalid XML root").
2. moto 5.2.5 answers S3 GetBucketReplication with a rule shape of its own: every rule's Filter
   becomes <Prefix/>, DeleteMarkerReplication always reads Disabled, and SourceSelectionCriteria
   is dropped. AWS echoes the configuration that was put, so the patched handler writes back the
   stored configuration as it was received.

3. moto 5.2.5 keeps images in the account that registered them: DescribeImages (and so RunInstances)
   never sees another account's public image or an image shared with the caller through a launch
   permission, and CopyImage only copies the caller's own images. AWS shows public and shared images
   to DescribeImages by id, by owner and by executable user, and copies them. The patched backend
   adds the same-region images of other accounts that are public or shared with the caller (images
   of Amazon's account 137112412989 get the owner alias ``amazon``); ``Owners=self`` is unchanged.
4. moto's CopyImage never fails and gives the copy's snapshot moto's own description. AWS describes
   the snapshots CopyImage makes as ``Copied for DestinationAmi ami-.. from SourceAmi ami-.. for
   SourceSnapshot snap-... Task created on <ms>.``, and a copy asked to encrypt with a KMS key that
   is not a key of the destination region ends in state ``failed``. The patched CopyImage writes
   that description and, when ``Encrypted`` is true and ``KmsKeyId`` is an ARN of another region,
   leaves the copy ``failed`` with a ``StateReason`` (scripts/seed_realistic.py uses it for its
   failed-copy defect).
5. moto 5.2.5 drops ``AlarmIdentifier`` and ``InsufficientDataHealthStatus`` of CLOUDWATCH_METRIC
   health checks (and answers them with an HTTP port and interval). The patched health check keeps
   and returns them as AWS does.

AWS itself answers all of these correctly, so the fixes belong here, in the test emulator, and not in
drready.

Usage (arguments are moto_server's own):
    MOTO_EC2_LOAD_DEFAULT_AMIS=false .venv/bin/python scripts/moto_server.py -H 127.0.0.1 -p 5000

With DRREADY_MOTO_EXIT_WITH_PARENT=1 the server stops when its parent process exits.
"""

import os
import sys
import threading
import time
from xml.sax.saxutils import escape

os.environ.setdefault("MOTO_EC2_LOAD_DEFAULT_AMIS", "false")

import xmltodict  # noqa: E402
from moto import server  # noqa: E402
from moto.s3.exceptions import ReplicationConfigurationNotFoundError  # noqa: E402
from moto.s3.responses import S3Response  # noqa: E402

S3_NS = "http://s3.amazonaws.com/doc/2006-03-01/"


def get_bucket_versioning(self):  # type: ignore[no-untyped-def]
    status = self.backend.get_bucket_versioning(self.bucket_name)
    body = (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<VersioningConfiguration xmlns="http://s3.amazonaws.com/doc/2006-03-01/">'
    )
    if status:
        body += f"<Status>{escape(str(status))}</Status>"
    body += "</VersioningConfiguration>"
    return 200, {"Content-Type": "application/xml"}, body


def get_bucket_replication(self):  # type: ignore[no-untyped-def]
    self.data["Action"] = "GetBucketReplication"
    replication = self.backend.get_bucket_replication(self.bucket_name)
    if not replication:
        raise ReplicationConfigurationNotFoundError(bucket_name=self.bucket_name)
    config = {k: v for k, v in replication.items() if not k.startswith("@")}
    body = xmltodict.unparse({"ReplicationConfiguration": {"@xmlns": S3_NS, **config}})
    return 200, {"Content-Type": "application/xml"}, body


S3Response.get_bucket_versioning = get_bucket_versioning
S3Response.get_bucket_replication = get_bucket_replication

# --- 3. public and shared images of other accounts --------------------------------------------
from moto.ec2.exceptions import InvalidAMIIdError  # noqa: E402
from moto.ec2.models import ec2_backends  # noqa: E402
from moto.ec2.models.amis import AmiBackend  # noqa: E402
from moto.ec2.responses.amis import AmisResponse  # noqa: E402
from moto.route53.models import HealthCheck  # noqa: E402
from moto.route53.responses import Route53 as Route53Response  # noqa: E402

AMAZON_IMAGE_OWNERS = {"137112412989"}  # Amazon Linux's owner account in the commercial regions
_describe_images = AmiBackend.describe_images
_copy_image = AmiBackend.copy_image


def _foreign_images(backend):  # type: ignore[no-untyped-def]
    """Images of other accounts in the backend's region that the backend's account may launch."""
    me = backend.account_id
    out = []
    for account in list(dict.keys(ec2_backends)):
        if account == me:
            continue
        other = dict.get(dict.__getitem__(ec2_backends, account), backend.region_name)
        if other is None:
            continue
        for ami in list(other.amis.values()):
            if ami.is_public or {"UserId": me} in ami.launch_permissions:
                if ami.owner_id in AMAZON_IMAGE_OWNERS and not ami.owner_alias:
                    ami.owner_alias = "amazon"
                out.append(ami)
    return out


def describe_images(self, ami_ids=None, filters=None, exec_users=None, owners=None):  # type: ignore[no-untyped-def]
    try:
        own = _describe_images(self, ami_ids=ami_ids, filters=filters, exec_users=exec_users,
                               owners=owners)
    except InvalidAMIIdError:
        own = None
    foreign = _foreign_images(self)
    if ami_ids:
        foreign = [a for a in foreign if a.id in ami_ids]
    if owners:
        wanted = {self.account_id if o == "self" else o for o in owners}
        foreign = [a for a in foreign if a.owner_id in wanted or a.owner_alias in wanted]
    if exec_users:
        users = {self.account_id if u == "self" else u for u in exec_users}
        foreign = [a for a in foreign
                   if a.is_public or any(lp.get("UserId") in users for lp in a.launch_permissions)]
    if filters and foreign:
        from moto.ec2.utils import generic_filter

        foreign = generic_filter(filters, foreign)
    if own is None and not foreign:
        raise InvalidAMIIdError(ami_ids)
    seen = {a.id for a in own or []}
    return list(own or []) + [a for a in foreign if a.id not in seen]


AmiBackend.describe_images = describe_images


# --- 4. CopyImage: shared sources, AWS's snapshot description, failed copies -------------------
def copy_image(self, source_image_id, source_region, name=None, description=None):  # type: ignore[no-untyped-def]
    source_backend = ec2_backends[self.account_id][source_region]
    if source_image_id in source_backend.amis:
        copy = _copy_image(self, source_image_id, source_region, name, description)
        source = source_backend.amis[source_image_id]
    else:
        # Another account's image, visible to the caller (public or shared): copy it as AWS does.
        from moto.ec2.models.amis import Ami
        from moto.ec2.utils import random_ami_id

        source = source_backend.describe_images(ami_ids=[source_image_id])[0]
        copy = Ami(self, random_ami_id(), instance=None, source_ami=source, name=name,
                   description=description)
        self.amis[copy.id] = copy
    stamp = f"{int(copy.creation_date.timestamp() * 1000):,}"
    copy.ebs_snapshot.description = (
        f"Copied for DestinationAmi {copy.id} from SourceAmi {source.id} for SourceSnapshot "
        f"{source.ebs_snapshot.id}. Task created on {stamp}."
    )
    return copy


def copy_image_response(self):  # type: ignore[no-untyped-def]
    from moto.core.responses import ActionResult

    self.error_on_dryrun()
    image = self.ec2_backend.copy_image(
        self._get_param("SourceImageId"), self._get_param("SourceRegion"),
        self._get_param("Name"), self._get_param("Description"),
    )
    key = self._get_param("KmsKeyId") or ""
    encrypted = str(self._get_param("Encrypted", "")).lower() == "true"
    if encrypted and key.startswith("arn:") and key.split(":")[3] != self.region:
        image.state = "failed"
        image.state_reason = {
            "Code": "Client.InvalidKMSKey.InvalidState",
            "Message": f"Client.InvalidKMSKey.InvalidState: The KMS key {key} is not a key of "
                       f"{self.region}; the copy cannot be encrypted with it.",
        }
    return ActionResult({"ImageId": image.id})


AmiBackend.copy_image = copy_image
AmisResponse.copy_image = copy_image_response


# --- 5. CLOUDWATCH_METRIC health checks ------------------------------------------------------
_create_health_check = Route53Response.create_health_check
_health_check_config = HealthCheck.health_check_config.fget


def create_health_check(self):  # type: ignore[no-untyped-def]
    result = _create_health_check(self)
    config = self._get_param("HealthCheckConfig") or {}
    check = result.result["HealthCheck"] if hasattr(result, "result") else None
    if check is not None:
        check.alarm_identifier = config.get("AlarmIdentifier")
        check.insufficient_data_health_status = config.get("InsufficientDataHealthStatus")
    return result


def health_check_config(self):  # type: ignore[no-untyped-def]
    config = _health_check_config(self)
    if self.type_ == "CLOUDWATCH_METRIC":
        for key in ("IPAddress", "Port", "RequestInterval", "FailureThreshold", "MeasureLatency",
                    "ResourcePath", "FullyQualifiedDomainName", "SearchString"):
            config.pop(key, None)
    if getattr(self, "alarm_identifier", None):
        config["AlarmIdentifier"] = self.alarm_identifier
    if getattr(self, "insufficient_data_health_status", None):
        config["InsufficientDataHealthStatus"] = self.insufficient_data_health_status
    return config


Route53Response.create_health_check = create_health_check
HealthCheck.health_check_config = property(health_check_config)

# --- 6. the database, capacity, load-balancing, key and secret services ------------------------
# One module per service family in scripts/moto_patches/, each with an apply() and a docstring
# that says what moto gets wrong and how the patch fixes it.
def apply_service_patches() -> None:
    import importlib
    import pkgutil

    here = os.path.dirname(os.path.abspath(__file__))
    sys.path.insert(0, here)
    package = os.path.join(here, "moto_patches")
    for info in sorted(pkgutil.iter_modules([package]), key=lambda m: m.name):
        importlib.import_module(f"moto_patches.{info.name}").apply()


apply_service_patches()


def exit_with_parent() -> None:
    """Stops the server when the process that started it is gone (a test run killed before
    it could stop its server), so no emulator outlives its test run."""
    parent = os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(0.5)
        os._exit(0)

    threading.Thread(target=watch, daemon=True).start()


if __name__ == "__main__":
    if os.environ.get("DRREADY_MOTO_EXIT_WITH_PARENT") == "1":
        exit_with_parent()
    server.main(sys.argv[1:])
