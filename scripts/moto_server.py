#!/usr/bin/env python3
"""Starts moto_server with two fixes drready's tests need, then runs it as usual.

1. moto >= 5.2.0 answers S3 GetBucketVersioning with the XML root <GetBucketVersioningResponse>
   instead of AWS's <VersioningConfiguration>. boto3 does not mind; the AWS SDK for Rust rejects
   the answer ("invalid XML root").
2. moto 5.2.5 answers S3 GetBucketReplication with a rule shape of its own: every rule's Filter
   becomes <Prefix/>, DeleteMarkerReplication always reads Disabled, and SourceSelectionCriteria
   is dropped. AWS echoes the configuration that was put, so the patched handler writes back the
   stored configuration as it was received.

AWS itself answers both correctly, so the fixes belong here, in the test emulator, and not in
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
