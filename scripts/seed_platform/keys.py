"""Seeds the keys family into moto: KMS keys, DynamoDB global tables and Secrets Manager secrets
(runs first; later families read ``ctx.seeded["keys"]["apps"][APP]``).

Healthy, per application APP:
  - a customer managed multi-Region key ``alias/APP-data`` in the primary region, replicated to
    the standby region (ReplicateKey: the replica lives in the primary's account). With one
    account the replica gets the alias ``alias/APP-data`` in the standby region too; with two
    accounts the standby account gets a key of its own with that alias. ``standby_key_arn`` is
    the key standby-site resources should use.
  - a standby-site key ``alias/APP-replica``: the base estate's S3 replication (seed_moto.py,
    ``replicate(rich=True)``) names it as the replica KMS key of its standby buckets, and a key
    that standby data will be encrypted with must exist (DR-KMS-001).
  - a global table ``APP-sessions`` (pk/sk, GSI by-user, stream NEW_AND_OLD_IMAGES, SSE with the
    multi-Region key, the replica with the replica key) with point-in-time recovery on both sides.
  - a secret ``APP/db-credentials`` encrypted with the multi-Region key and replicated to the
    standby region with the replica key.

With ``ctx.defects``, one defect per rule, each on a resource of its own (the application is
taken from the end of ``ctx.apps``, one per rule while there are enough):
  - DR-DDB-001 table ``APP-orders`` without replica (point-in-time recovery on).
  - DR-DDB-002 table ``APP-catalog``: a global table whose standby table lacks the GSI
    ``by-category`` (one account: the GSI is deleted from the replica; two accounts: the standby
    account holds a separately created table of that name without it). Reported on the standby
    table.
  - DR-DDB-003 table ``APP-ledger``: replicated, point-in-time recovery off on the primary.
  - DR-KMS-001 standby key ``alias/APP-archive`` disabled while a standby volume is encrypted
    with it. Reported on the key.
  - DR-KMS-002 multi-Region key ``alias/APP-vault`` never replicated, encrypting the replicated
    secret ``APP/api-token``. Reported on the key.
  - DR-SEC-001 secret ``APP/api-key`` not replicated.
  - DR-SEC-002 secret ``APP/partner-token`` whose replication Failed: a secret of that name already
    existed in the primary account's standby region (moto, like AWS, then fails the replica).
"""

import json

RULES = ["DR-DDB-001", "DR-DDB-002", "DR-DDB-003", "DR-KMS-001", "DR-KMS-002", "DR-SEC-001",
         "DR-SEC-002"]


def _tags_kms(app, **extra):
    tags = {"app": app, "env": "prod", **extra}
    return [{"TagKey": k, "TagValue": v} for k, v in tags.items()]


def _tags(app, **extra):
    tags = {"app": app, "env": "prod", **extra}
    return [{"Key": k, "Value": v} for k, v in tags.items()]


class Clients:
    def __init__(self, ctx):
        self.ctx = ctx
        self._c = {}

    def get(self, where, service):
        """where: "p" (primary), "s" (standby site), "ps" (the primary's account in the standby
        region: where global table, key and secret replicas live)."""
        key = (where, service)
        if key not in self._c:
            ctx = self.ctx
            if where == "p":
                c = ctx.primary.client(service)
            elif where == "s":
                c = ctx.standby.client(service)
            else:
                c = ctx.primary.session.client(service, endpoint_url=ctx.endpoint,
                                               region_name=ctx.standby.region)
            self._c[key] = c
        return self._c[key]


def table_arn(site_region, account, name):
    return f"arn:aws:dynamodb:{site_region}:{account}:table/{name}"


def create_table(ddb, name, app, gsis=("by-user",), kms=None):
    attrs = [{"AttributeName": "pk", "AttributeType": "S"},
             {"AttributeName": "sk", "AttributeType": "S"}]
    indexes = []
    for g in gsis:
        attr = g.replace("by-", "") + "_id"
        attrs.append({"AttributeName": attr, "AttributeType": "S"})
        indexes.append({"IndexName": g, "KeySchema": [{"AttributeName": attr, "KeyType": "HASH"}],
                        "Projection": {"ProjectionType": "ALL"}})
    args = dict(
        TableName=name,
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"},
                   {"AttributeName": "sk", "KeyType": "RANGE"}],
        AttributeDefinitions=attrs, BillingMode="PAY_PER_REQUEST",
        StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"},
        Tags=_tags(app))
    if indexes:
        args["GlobalSecondaryIndexes"] = indexes
    if kms:
        args["SSESpecification"] = {"Enabled": True, "SSEType": "KMS", "KMSMasterKeyId": kms}
    return ddb.create_table(**args)["TableDescription"]["TableArn"]


def pitr(ddb, name, on=True):
    ddb.update_continuous_backups(
        TableName=name, PointInTimeRecoverySpecification={"PointInTimeRecoveryEnabled": on})


def replicate_table(ddb, name, region, kms=None):
    create = {"RegionName": region}
    if kms:
        create["KMSMasterKeyId"] = kms
    ddb.update_table(TableName=name, ReplicaUpdates=[{"Create": create}])


def mrk(kms, app, name, standby_region=None):
    key = kms.create_key(MultiRegion=True, Description=f"{app} {name}",
                         Tags=_tags_kms(app))["KeyMetadata"]
    kms.create_alias(AliasName=f"alias/{name}", TargetKeyId=key["KeyId"])
    replica = None
    if standby_region:
        replica = kms.replicate_key(KeyId=key["KeyId"], ReplicaRegion=standby_region,
                                    Tags=_tags_kms(app))["ReplicaKeyMetadata"]["Arn"]
    return key["KeyId"], key["Arn"], replica


def secret_value(app):
    return json.dumps({"username": f"{app}_app", "password": f"seed-{app}"})


def seed_app(c, ctx, app):
    p, s = ctx.primary, ctx.standby
    kid, arn, replica = mrk(c.get("p", "kms"), app, f"{app}-data", s.region)
    if ctx.shared_account:
        c.get("s", "kms").create_alias(AliasName=f"alias/{app}-data", TargetKeyId=kid)
        standby_key = replica
    else:
        k = c.get("s", "kms").create_key(Description=f"{app} data (standby)",
                                        Tags=_tags_kms(app))["KeyMetadata"]
        c.get("s", "kms").create_alias(AliasName=f"alias/{app}-data", TargetKeyId=k["KeyId"])
        standby_key = k["Arn"]

    k = c.get("s", "kms").create_key(Description=f"{app} S3 replicas (standby)",
                                    Tags=_tags_kms(app))["KeyMetadata"]
    c.get("s", "kms").create_alias(AliasName=f"alias/{app}-replica", TargetKeyId=k["KeyId"])

    name = f"{app}-sessions"
    table = create_table(c.get("p", "dynamodb"), name, app, kms=arn)
    pitr(c.get("p", "dynamodb"), name)
    replicate_table(c.get("p", "dynamodb"), name, s.region, kms=replica)
    pitr(c.get("ps", "dynamodb"), name)

    secret = c.get("p", "secretsmanager").create_secret(
        Name=f"{app}/db-credentials", SecretString=secret_value(app), KmsKeyId=arn,
        Tags=_tags(app), AddReplicaRegions=[{"Region": s.region, "KmsKeyId": replica}])["ARN"]
    return {"key_id": kid, "key_arn": arn, "replica_key_arn": replica,
            "standby_key_arn": standby_key, "table": name, "table_arn": table,
            "replica_table_arn": table_arn(s.region, p.account, name), "secret_arn": secret}


def seed_defects(c, ctx):
    p, s = ctx.primary, ctx.standby
    apps = ctx.apps
    owner = {rule: apps[-(i % len(apps)) - 1] for i, rule in enumerate(RULES)}
    defects = {}

    app = owner["DR-DDB-001"]
    name = f"{app}-orders"
    defects["DR-DDB-001"] = [create_table(c.get("p", "dynamodb"), name, app)]
    pitr(c.get("p", "dynamodb"), name)

    app = owner["DR-DDB-002"]
    name = f"{app}-catalog"
    create_table(c.get("p", "dynamodb"), name, app, gsis=("by-user", "by-category"))
    pitr(c.get("p", "dynamodb"), name)
    replicate_table(c.get("p", "dynamodb"), name, s.region)
    pitr(c.get("ps", "dynamodb"), name)
    if ctx.shared_account:
        c.get("s", "dynamodb").update_table(
            TableName=name, GlobalSecondaryIndexUpdates=[{"Delete": {"IndexName": "by-category"}}])
        drifted = table_arn(s.region, s.account, name)
    else:
        drifted = create_table(c.get("s", "dynamodb"), name, app, gsis=("by-user",))
        pitr(c.get("s", "dynamodb"), name)
    defects["DR-DDB-002"] = [drifted]

    app = owner["DR-DDB-003"]
    name = f"{app}-ledger"
    ledger = create_table(c.get("p", "dynamodb"), name, app)
    replicate_table(c.get("p", "dynamodb"), name, s.region)
    pitr(c.get("ps", "dynamodb"), name)
    defects["DR-DDB-003"] = [ledger]

    app = owner["DR-KMS-001"]
    skms = c.get("s", "kms")
    key = skms.create_key(Description=f"{app} archive (standby)",
                          Tags=_tags_kms(app))["KeyMetadata"]
    skms.create_alias(AliasName=f"alias/{app}-archive", TargetKeyId=key["KeyId"])
    c.get("s", "ec2").create_volume(
        AvailabilityZone=f"{s.region}a", Size=8, VolumeType="gp3", Encrypted=True,
        KmsKeyId=key["Arn"],
        TagSpecifications=[{"ResourceType": "volume",
                            "Tags": [{"Key": "Name", "Value": f"{app}-archive-{s.token}"}]}])
    skms.disable_key(KeyId=key["KeyId"])
    defects["DR-KMS-001"] = [key["Arn"]]

    app = owner["DR-KMS-002"]
    _, vault, _ = mrk(c.get("p", "kms"), app, f"{app}-vault")
    c.get("p", "secretsmanager").create_secret(
        Name=f"{app}/api-token", SecretString=secret_value(app), KmsKeyId=vault, Tags=_tags(app),
        AddReplicaRegions=[{"Region": s.region}])
    defects["DR-KMS-002"] = [vault]

    app = owner["DR-SEC-001"]
    defects["DR-SEC-001"] = [c.get("p", "secretsmanager").create_secret(
        Name=f"{app}/api-key", SecretString=secret_value(app), Tags=_tags(app))["ARN"]]

    app = owner["DR-SEC-002"]
    name = f"{app}/partner-token"
    c.get("ps", "secretsmanager").create_secret(Name=name, SecretString="left over")
    defects["DR-SEC-002"] = [c.get("p", "secretsmanager").create_secret(
        Name=name, SecretString=secret_value(app), Tags=_tags(app),
        AddReplicaRegions=[{"Region": s.region}])["ARN"]]
    return defects, owner


def seed(ctx):
    c = Clients(ctx)
    out = {"apps": {app: seed_app(c, ctx, app) for app in ctx.apps}, "defects": {}}
    if ctx.defects:
        out["defects"], out["defect_apps"] = seed_defects(c, ctx)
    return out
