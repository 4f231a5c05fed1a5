"""RDS: what moto 5.2.5 gets wrong for cross-region read replicas and global databases.

1. ``CreateDBInstanceReadReplica`` with a source ARN of another region copies the source instance
   and then applies the request's parameters in the order they came, the region-changing
   ``backend`` last: ``DBSubnetGroupName`` is looked up in the *source* region and a subnet group
   of the replica's own region is ``DBSubnetGroupNotFoundFault``. AWS creates a cross-region
   replica in a subnet group of its own region (it has to: subnet groups are regional). The
   patched handler moves the replica to its region first, then applies the rest.
2. ``DescribeGlobalClusters`` ignores ``GlobalClusterIdentifier`` and answers every global
   database of the account. AWS answers the one named, or ``GlobalClusterNotFoundFault``. The
   patched handler filters by identifier (or ARN).
3. ``CopyDBSnapshot`` / ``CopyDBClusterSnapshot`` look a source ARN up in the caller's own
   account only, so a snapshot shared by another account (``ModifyDBSnapshotAttribute restore``)
   cannot be copied: ``DBSnapshotNotFound``. AWS copies a manual snapshot shared with the caller,
   across regions too (how a standby in another account gets its copies). The patched lookup
   finds a source ARN of another account when that snapshot is shared with the caller (or
   public).

Measured and left alone (drready's seeder and rules work with it as it is):
- Every DB instance has the same ``DbiResourceId``; drready keys on ARNs.
- ``CopyDBSnapshot`` and ``CopyDBClusterSnapshot`` record no ``SourceRegion`` or source ARN on the
  copy (AWS does); the copy keeps the source's ``DBInstanceIdentifier`` and
  ``OriginalSnapshotCreateTime``, as AWS does. The seeder names copies after their source with
  the region token rewritten, which drready pairs by name.
- A cross-region replica created without ``KmsKeyId`` keeps the source region's key ARN (AWS
  requires a key of the destination region); the seeder's DR-RDS-004 defect relies on it.
- A replica cannot be stopped (as in AWS); a global database's secondary cluster can (AWS refuses
  to stop a member of a global database); the seeder's DR-RDS-002 defect relies on it.
- Automated-backup replication (``StartDBInstanceAutomatedBackupsReplication``) answers 500: the
  fixtures cover it.
"""

from typing import Any


def apply() -> None:
    from moto.rds.exceptions import RDSClientError
    from moto.rds.models import RDSBackend
    from moto.rds.responses import RDSResponse

    original_replica = RDSBackend.create_db_instance_read_replica

    def create_db_instance_read_replica(self: Any, db_kwargs: dict[str, Any]) -> Any:
        source = db_kwargs.get("source_db_instance_identifier") or ""
        if not self.arn_regex.match(source) or source.split(":")[3] == self.region_name:
            return original_replica(self, db_kwargs)
        # The source's own backend region, then this one: the ordering is the bug.
        ordered = {"backend": self}
        ordered.update({k: v for k, v in db_kwargs.items() if k != "backend"})
        return original_replica(self, ordered)

    RDSBackend.create_db_instance_read_replica = create_db_instance_read_replica

    original_describe = RDSResponse.describe_global_clusters

    def describe_global_clusters(self: Any) -> Any:
        wanted = self.params.get("GlobalClusterIdentifier")
        if not wanted:
            return original_describe(self)
        from moto.core.responses import ActionResult

        clusters = [
            c for c in self.global_backend.describe_global_clusters()
            if wanted in (c.global_cluster_identifier, c.global_cluster_arn)
        ]
        if not clusters:
            raise RDSClientError("GlobalClusterNotFoundFault",
                                 f"Global cluster {wanted} not found.")
        return ActionResult({"GlobalClusters": clusters})

    RDSResponse.describe_global_clusters = describe_global_clusters

    original_get_snapshot = RDSBackend.get_snapshot

    def get_snapshot(self: Any, identifier: str, resource_type: Any,
                     not_found_exception: Any) -> Any:
        parts = identifier.split(":", 6) if identifier.startswith("arn:") else []
        if len(parts) < 7 or parts[4] == self.account_id:
            return original_get_snapshot(self, identifier, resource_type, not_found_exception)
        region, account, name = parts[3], parts[4], parts[6]
        owner = self.get_backend("rds", region=region, account_id=account)
        snapshot = owner.resource_map[resource_type].get(name)
        shared = snapshot is not None and (
            self.account_id in snapshot.attributes["restore"]
            or "all" in snapshot.attributes["restore"])
        if not shared:
            raise not_found_exception(identifier)
        return snapshot

    RDSBackend.get_snapshot = get_snapshot
