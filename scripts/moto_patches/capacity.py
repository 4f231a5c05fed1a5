"""Service Quotas for the capacity rules (DR-QUOTA-001).

moto 5.2.5's Service Quotas knows only the ``vpc`` service: GetServiceQuota for ``ec2`` answers
``NoSuchResourceException``, so no EC2 quota can be read and RequestServiceQuotaIncrease does
not exist. AWS serves the applied value of every EC2 quota. The patch:

1. answers GetServiceQuota for ``ec2`` / ``L-1216C47A`` (Running On-Demand Standard (A, C, D, H,
   I, M, R, T, Z) instances, in vCPUs) with the applied value of the account and region: the
   value set by RequestServiceQuotaIncrease (below), else ``$DRREADY_MOTO_EC2_VCPU_QUOTA`` of the
   server's environment, else 1152 (a value accounts that run fleets have);
2. implements RequestServiceQuotaIncrease for that quota. moto-only shortcut for tests: the
   desired value is applied at once, whatever it is, even below the current value (AWS opens a
   request, applies it when granted, and never lowers a quota). This is how the seeder plants a
   standby quota too low for the primary's capacity:
   ``service-quotas request-service-quota-increase --service-code ec2 --quota-code L-1216C47A
   --desired-value 1`` in the standby region. ``POST /moto-api/reset`` forgets the values.

Auto Scaling needs no patch for drready: groups with launch templates (``$Default``, ``$Latest``
or a number, echoed as given), mixed instances policies with overrides, VPCZoneIdentifier,
suspended processes, tags and MaxRecords paging work as on AWS (moto deletes a group at once,
so the ``Delete in progress`` status is never seen; the rules are tested on it with fixtures).
"""

import json
import os
import uuid

EC2_VCPUS = ("ec2", "L-1216C47A")
QUOTA_NAME = "Running On-Demand Standard (A, C, D, H, I, M, R, T, Z) instances"


def _default_value() -> float:
    return float(os.environ.get("DRREADY_MOTO_EC2_VCPU_QUOTA", "1152"))


def _quota(backend, value: float) -> dict:
    service, code = EC2_VCPUS
    return {
        "ServiceCode": service,
        "ServiceName": "Amazon Elastic Compute Cloud (Amazon EC2)",
        "QuotaArn": f"arn:aws:servicequotas:{backend.region_name}:{backend.account_id}:"
                    f"{service}/{code}",
        "QuotaCode": code,
        "QuotaName": QUOTA_NAME,
        "Value": float(value),
        "Unit": "None",
        "Adjustable": True,
        "GlobalQuota": False,
    }


def apply() -> None:
    from moto.servicequotas.models import ServiceQuotasBackend
    from moto.servicequotas.responses import ServiceQuotasResponse

    original = ServiceQuotasBackend.get_service_quota

    def applied(self) -> dict:
        # Per backend, that is per account and region; a reset makes new backends.
        if not hasattr(self, "drready_applied"):
            self.drready_applied = {}
        return self.drready_applied

    def get_service_quota(self, service_code, quota_code):  # type: ignore[no-untyped-def]
        if (service_code, quota_code) == EC2_VCPUS:
            value = applied(self).get(EC2_VCPUS, _default_value())
            return _quota(self, value)
        return original(self, service_code, quota_code)

    def request_service_quota_increase(self):  # type: ignore[no-untyped-def]
        params = json.loads(self.body)
        key = (str(params.get("ServiceCode")), str(params.get("QuotaCode")))
        backend = self.backend
        if key != EC2_VCPUS:
            from moto.servicequotas.exceptions import NoSuchResource

            raise NoSuchResource
        desired = float(params["DesiredValue"])
        applied(backend)[key] = desired
        quota = _quota(backend, desired)
        return json.dumps({"RequestedQuota": {
            "Id": uuid.uuid4().hex,
            "ServiceCode": quota["ServiceCode"],
            "ServiceName": quota["ServiceName"],
            "QuotaCode": quota["QuotaCode"],
            "QuotaName": quota["QuotaName"],
            "DesiredValue": desired,
            "Status": "APPROVED",
            "QuotaArn": quota["QuotaArn"],
            "GlobalQuota": False,
            "Unit": "None",
        }})

    ServiceQuotasBackend.get_service_quota = get_service_quota
    ServiceQuotasResponse.request_service_quota_increase = request_service_quota_increase
