"""Patches of moto 5.2.5 for DynamoDB global tables, KMS multi-Region keys and Secrets Manager
replica keys (what drready's keys family — DR-DDB-*, DR-KMS-*, DR-SEC-* — needs to be tested).

1. DynamoDB ``UpdateTable(ReplicaUpdates)`` is accepted and ignored: no replica table appears
   and DescribeTable lists no ``Replicas``. AWS (global tables version 2019.11.21) creates a table
   of the same name in the replica region, with the same key schema, attribute definitions,
   global secondary indexes, stream and billing mode, and both tables list each other (every
   other member of the global table) under ``Replicas``, ``ACTIVE``, with
   ``GlobalTableVersion: 2019.11.21``. The patched handler does the same for ``Create`` (with the
   replica's ``KMSMasterKeyId``, when given, as the replica table's key) and ``Delete`` (the
   replica table is deleted and leaves the group); DeleteTable of a member removes it from the
   others' ``Replicas``. Replica tables are created in the same account,
   as AWS does.
2. KMS ``ReplicateKey`` shallow-copies the key object into the replica region: the copy shares the
   primary's ``multi_region_configuration`` (so once the replica is described the *primary* also
   reads back as ``REPLICA``) and its aliases (so aliases leak into the other region and creating
   the standby's own ``alias/NAME`` fails with AlreadyExists), its grants and its state. AWS makes
   an independent replica key: same key id and key material, its own ARN, state, aliases, tags and
   grants. The patched ReplicateKey copies the key with fresh aliases, grants, tags and state, and
   DescribeKey computes ``MultiRegionConfiguration`` from the primary key on both sides:
   ``MultiRegionKeyType`` ``PRIMARY`` for the primary and ``REPLICA`` for a replica, the same
   ``PrimaryKey`` and the same ``ReplicaKeys`` list (every replica) on both. ``Tags`` given to
   ReplicateKey are applied to the replica.
3. Secrets Manager ignores a replica's ``KmsKeyId`` (ReplicationStatus always reads
   ``alias/aws/secretsmanager``). AWS keeps the key asked for. The patched replica keeps the
   ``KmsKeyId`` of its ``AddReplicaRegions`` entry, in the primary's ReplicationStatus and as the
   replica secret's own ``KmsKeyId`` (moto gave the replica the primary's key). (Replication to a region that already holds a
   secret of that name ends ``Failed`` with a status message, as on AWS; moto already does that.)
"""

from copy import copy
from typing import Any

GLOBAL_TABLE_VERSION = "2019.11.21"


def apply() -> None:
    _dynamodb()
    _kms()
    _secretsmanager()


# --- 1. DynamoDB global table replicas ----------------------------------------------------------

def _dynamodb() -> None:
    from moto.dynamodb.models import dynamodb_backends
    from moto.dynamodb.models.table import Table
    from moto.dynamodb.responses import DynamoHandler

    original_update = DynamoHandler.update_table
    original_describe = Table.describe

    def group_of(table: Any) -> dict[str, dict[str, Any]]:
        """The members of the table's global table: region -> {"table", "kms"}. Shared (one
        dict object) by every member table."""
        group = getattr(table, "_drready_replicas", None)
        if group is None:
            group = {table.region_name: {"table": table, "kms": None}}
            table._drready_replicas = group
        return group

    def create_replica(table: Any, region: str, kms: str | None) -> None:
        group = group_of(table)
        if region in group:
            return
        backend = dynamodb_backends[table.account_id][region]
        sse = None
        if kms:
            sse = {"Enabled": True, "SSEType": "KMS", "KMSMasterKeyId": kms}
        elif table.sse_specification and table.sse_specification.get("Enabled") is True:
            sse = {"Enabled": True, "SSEType": "KMS"}
        gsis = [{"IndexName": i.name, "KeySchema": i.schema, "Projection": i.projection}
                for i in table.global_indexes]
        throughput = None
        if table.billing_mode != "PAY_PER_REQUEST":
            throughput = {"ReadCapacityUnits": table.throughput.get("ReadCapacityUnits", 1) or 1,
                          "WriteCapacityUnits": table.throughput.get("WriteCapacityUnits", 1) or 1}
        streams = None
        if table.stream_specification and table.stream_specification.get("StreamEnabled"):
            streams = dict(table.stream_specification)
        replica = backend.create_table(
            table.name, schema=table.schema, throughput=throughput, attr=table.attr,
            global_indexes=gsis or None, indexes=None, streams=streams,
            billing_mode=table.billing_mode or "PROVISIONED", sse_specification=sse, tags=[],
            deletion_protection_enabled=False, warm_throughput=None)
        group[region] = {"table": replica, "kms": kms}
        replica._drready_replicas = group

    def delete_replica(table: Any, region: str) -> None:
        group = group_of(table)
        member = group.pop(region, None)
        if member is None:
            return
        backend = dynamodb_backends[table.account_id][region]
        backend.tables.pop(table.name, None)
        member["table"]._drready_replicas = None

    def update_table(self: Any) -> Any:
        updates = self.body.get("ReplicaUpdates") or []
        if updates:
            table = self.dynamodb_backend.get_table(self.body["TableName"])
            for u in updates:
                if "Create" in u:
                    create_replica(table, u["Create"]["RegionName"],
                                   u["Create"].get("KMSMasterKeyId"))
                elif "Delete" in u:
                    delete_replica(table, u["Delete"]["RegionName"])
            rest = {k: v for k, v in self.body.items() if k != "ReplicaUpdates"}
            if set(rest) == {"TableName"}:
                from moto.dynamodb.responses import DynamoResult

                return DynamoResult(table.describe())
            self.body = rest
        return original_update(self)

    def describe(self: Any, base_key: str = "TableDescription") -> dict[str, Any]:
        out = original_describe(self, base_key)
        group = getattr(self, "_drready_replicas", None)
        if group and len(group) > 1:
            replicas = []
            for region in sorted(group):
                if region == self.region_name:
                    continue
                entry: dict[str, Any] = {"RegionName": region, "ReplicaStatus": "ACTIVE"}
                member = group[region]["table"]
                sse = member.sse_specification or {}
                if sse.get("Enabled") is True and sse.get("KMSMasterKeyId"):
                    entry["KMSMasterKeyId"] = sse["KMSMasterKeyId"]
                replicas.append(entry)
            out[base_key]["Replicas"] = replicas
            out[base_key]["GlobalTableVersion"] = GLOBAL_TABLE_VERSION
        return out

    from moto.dynamodb.models import DynamoDBBackend

    original_delete = DynamoDBBackend.delete_table

    def delete_table(self: Any, name: str) -> Any:
        table = original_delete(self, name)
        group = getattr(table, "_drready_replicas", None)
        if group is not None:
            group.pop(table.region_name, None)
            table._drready_replicas = None
        return table

    DynamoHandler.update_table = update_table
    Table.describe = describe
    DynamoDBBackend.delete_table = delete_table


# --- 2. KMS multi-Region replica keys ------------------------------------------------------------

def _kms() -> None:
    from moto.kms.models import Key, KmsBackend, kms_backends

    original_to_dict = Key.to_dict

    def primary_of(key: Any) -> Any:
        ref = getattr(key, "_drready_primary", None)
        if ref is None:
            return key
        account, region, key_id = ref
        return kms_backends[account][region].keys.get(key_id, key)

    def replicate_key(self: Any, key_id: str, replica_region: str) -> Any:
        source = primary_of(self.keys[self.get_key_id(key_id)])
        replica = copy(source)
        replica.region = replica_region
        replica.arn = source.arn.replace(f":{source.region}:", f":{replica_region}:")
        replica.aliases = {}
        replica.grants = {}
        replica.rotations = []
        replica.key_state = "Enabled"
        replica.enabled = True
        replica.deletion_date = None
        replica._drready_primary = (source.account_id, source.region, source.id)
        replicas = getattr(source, "_drready_replica_regions", None)
        if replicas is None:
            replicas = source._drready_replica_regions = []
        if replica_region not in replicas:
            replicas.append(replica_region)
        kms_backends[source.account_id][replica_region].keys[replica.id] = replica
        return replica

    def configuration(key: Any) -> dict[str, Any]:
        primary = primary_of(key)
        regions = getattr(primary, "_drready_replica_regions", None) or []
        return {
            "MultiRegionKeyType": "PRIMARY" if primary is key else "REPLICA",
            "PrimaryKey": {"Arn": primary.arn, "Region": primary.region},
            "ReplicaKeys": [
                {"Arn": primary.arn.replace(f":{primary.region}:", f":{r}:"), "Region": r}
                for r in regions
            ],
        }

    def to_dict(self: Any) -> dict[str, Any]:
        out = original_to_dict(self)
        if self.multi_region:
            out["KeyMetadata"]["MultiRegionConfiguration"] = configuration(self)
        return out

    def describe_key(self: Any, key_id: str) -> Any:
        return self.keys[self.any_id_to_key_id(key_id)]

    KmsBackend.replicate_key = replicate_key
    KmsBackend.describe_key = describe_key
    Key.to_dict = to_dict

    from moto.kms.responses import KmsResponse

    original_replicate = KmsResponse.replicate_key

    def replicate_key_response(self: Any) -> str:
        answer = original_replicate(self)
        tags = self._get_param("Tags") or []
        if tags:
            import json

            meta = json.loads(answer)["ReplicaKeyMetadata"]
            backend = kms_backends[self.current_account][self._get_param("ReplicaRegion")]
            backend.tag_resource(meta["Arn"], {t["TagKey"]: t["TagValue"] for t in tags})
        return answer

    KmsResponse.replicate_key = replicate_key_response


# --- 3. Secrets Manager replica KMS keys ---------------------------------------------------------

def _secretsmanager() -> None:
    from moto.secretsmanager.models import FakeSecret

    original = FakeSecret.create_replicas

    def create_replicas(self: Any, replica_regions: list[dict[str, str]],
                        force_overwrite: bool) -> list[Any]:
        replicas = original(self, replica_regions, force_overwrite)
        keys = {r["Region"]: r.get("KmsKeyId") for r in replica_regions or []}
        for replica in replicas:
            if keys.get(replica.region):
                replica.config["KmsKeyId"] = keys[replica.region]
        return replicas

    FakeSecret.create_replicas = create_replicas

    from moto.secretsmanager.models import ReplicaSecret, SecretsManagerBackend

    original_replica_dict = ReplicaSecret.to_dict

    def replica_to_dict(self: Any) -> dict[str, Any]:
        dct = original_replica_dict(self)
        key = self.config.get("KmsKeyId")
        if key and key != SecretsManagerBackend.DEFAULT_KMS_KEY_ALIAS:
            dct["KmsKeyId"] = key
        else:
            dct.pop("KmsKeyId", None)
        return dct

    ReplicaSecret.to_dict = replica_to_dict
