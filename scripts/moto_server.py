#!/usr/bin/env python3
"""Starts moto_server with one fix drready's tests need, then runs it as usual.

moto >= 5.2.0 answers S3 GetBucketVersioning with the XML root <GetBucketVersioningResponse>
instead of AWS's <VersioningConfiguration>. boto3 does not mind; the AWS SDK for Rust rejects the
answer ("invalid XML root"). AWS itself answers correctly, so the fix belongs here, in the test
emulator, and not in drready.

Usage (arguments are moto_server's own):
    MOTO_EC2_LOAD_DEFAULT_AMIS=false .venv/bin/python scripts/moto_server.py -H 127.0.0.1 -p 5000
"""

import os
import sys
from xml.sax.saxutils import escape

os.environ.setdefault("MOTO_EC2_LOAD_DEFAULT_AMIS", "false")

from moto import server  # noqa: E402
from moto.s3.responses import S3Response  # noqa: E402


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


S3Response.get_bucket_versioning = get_bucket_versioning

if __name__ == "__main__":
    server.main(sys.argv[1:])
