"""Seeds RDS and Aurora: a standby copy for the first applications' databases and, with
``ctx.defects``, one database per DR-RDS rule that the rule must report.

Healthy, one account (cross-region replicas and global databases stay within one account):
- the first application: a Postgres primary ``APP-orders`` with a cross-region read replica in the
  standby named ``APP-orders-replica`` (paired by its source ARN, not its name), encrypted with a
  key of the standby region;
- the second application: an Aurora PostgreSQL global database with CloudFormation-style
  generated names (``APPstack-ledgercluster-<10 chars>``), its primary cluster and writer in the
  primary region and its secondary cluster and a reader in the standby.
Healthy, two accounts (RDS has no cross-account replicas or global databases): the same
databases, each with a manual snapshot shared with the standby account and copied there (to a
standby-region key); the applications' tier is the default one (pilot light), for which a
copied snapshot within the RPO is a standby copy.

Defects (``ctx.defects``), each a database of its own, tagged with an application of its own
(``rds-nocopy`` ...), so no other rule's workloads change:
- DR-RDS-001: ``rds-nocopy-orders``, a primary with no copy of any kind.
- DR-RDS-002 (one account): the Aurora global database ``rds-stopped-ledger`` whose secondary
  cluster is stopped (moto lets a global secondary stop; AWS does not, but a storage-full or
  incompatible replica cannot be made through the API at all: the fixtures prove those).
- DR-RDS-003 (one account): ``rds-drift-orders`` whose replica runs ``db.r6g.large`` against the
  primary's ``db.r6g.2xlarge``.
- DR-RDS-004: ``rds-key-orders`` whose standby copy is encrypted with the primary region's key:
  a replica (one account) or a snapshot copy (two accounts) made without a destination-region
  ``KmsKeyId``, which moto accepts (AWS refuses it).
Two accounts cannot have DR-RDS-002 and DR-RDS-003 (no live cross-account copies): they are
listed under ``unavailable_defects`` with the reason.
"""

from typing import Any

PASSWORD = "drready-not-a-secret-1"


def _subnet_group(site: Any) -> str:
    name = f"drready-db-{site.token}"
    site.client("rds").create_db_subnet_group(
        DBSubnetGroupName=name, DBSubnetGroupDescription="drready databases",
        SubnetIds=site.network["subnets"])
    return name


def _key(site: Any) -> str:
    kms = site.client("kms")
    key = kms.create_key(Description=f"RDS data {site.region}",
                         Tags=[{"TagKey": "purpose", "TagValue": "rds"}])["KeyMetadata"]["Arn"]
    kms.create_alias(AliasName=f"alias/rds-data-{site.token}", TargetKeyId=key)
    return key


def _tags(app: str, **extra: str) -> list[dict[str, str]]:
    return [{"Key": "app", "Value": app}] + [{"Key": k, "Value": v} for k, v in extra.items()]


class _Seeder:
    def __init__(self, ctx: Any) -> None:
        self.ctx = ctx
        self.p, self.s = ctx.primary, ctx.standby
        self.prds, self.srds = self.p.client("rds"), self.s.client("rds")
        self.pgroup, self.sgroup = _subnet_group(self.p), _subnet_group(self.s)
        self.pkey, self.skey = _key(self.p), _key(self.s)

    def postgres(self, ident: str, app: str, cls: str = "db.r6g.large") -> str:
        return self.prds.create_db_instance(
            DBInstanceIdentifier=ident, Engine="postgres", EngineVersion="16.3",
            DBInstanceClass=cls, AllocatedStorage=100, MasterUsername="app",
            MasterUserPassword=PASSWORD, StorageEncrypted=True, KmsKeyId=self.pkey,
            DBSubnetGroupName=self.pgroup, VpcSecurityGroupIds=[self.p.network["db_sg"]],
            BackupRetentionPeriod=7, MultiAZ=True, Tags=_tags(app),
        )["DBInstance"]["DBInstanceArn"]

    def replica(self, source_arn: str, ident: str, app: str, cls: str = "db.r6g.large",
                key: bool = True) -> str:
        args: dict[str, Any] = dict(
            DBInstanceIdentifier=ident, SourceDBInstanceIdentifier=source_arn,
            DBInstanceClass=cls, DBSubnetGroupName=self.sgroup,
            VpcSecurityGroupIds=[self.s.network["db_sg"]], Tags=_tags(app),
        )
        if key:
            args["KmsKeyId"] = self.skey
        return self.srds.create_db_instance_read_replica(**args)["DBInstance"]["DBInstanceArn"]

    def aurora(self, app: str, stack: str, suffix: str, global_id: str | None) -> str:
        ident = f"{stack}-ledgercluster-{suffix}"
        args: dict[str, Any] = dict(
            DBClusterIdentifier=ident, Engine="aurora-postgresql", EngineVersion="15.4",
            MasterUsername="app", MasterUserPassword=PASSWORD, StorageEncrypted=True,
            KmsKeyId=self.pkey, DBSubnetGroupName=self.pgroup,
            VpcSecurityGroupIds=[self.p.network["db_sg"]],
            Tags=_tags(app, **{"aws:cloudformation:stack-name": stack,
                               "aws:cloudformation:logical-id": "LedgerCluster"}),
        )
        if global_id:
            args["GlobalClusterIdentifier"] = global_id
        arn = self.prds.create_db_cluster(**args)["DBCluster"]["DBClusterArn"]
        self.prds.create_db_instance(
            DBInstanceIdentifier=f"{stack}-ledgerwriter-{suffix[::-1]}", DBClusterIdentifier=ident,
            Engine="aurora-postgresql", DBInstanceClass="db.r6g.large", Tags=_tags(app))
        return arn

    def secondary(self, app: str, stack: str, suffix: str, global_id: str) -> str:
        ident = f"{stack}-ledgercluster-{suffix}"
        arn = self.srds.create_db_cluster(
            DBClusterIdentifier=ident, Engine="aurora-postgresql", EngineVersion="15.4",
            GlobalClusterIdentifier=global_id, StorageEncrypted=True, KmsKeyId=self.skey,
            DBSubnetGroupName=self.sgroup, VpcSecurityGroupIds=[self.s.network["db_sg"]],
            Tags=_tags(app, **{"aws:cloudformation:stack-name": stack,
                               "aws:cloudformation:logical-id": "LedgerCluster"}),
        )["DBCluster"]["DBClusterArn"]
        self.srds.create_db_instance(
            DBInstanceIdentifier=f"{stack}-ledgerreader-{suffix[::-1]}", DBClusterIdentifier=ident,
            Engine="aurora-postgresql", DBInstanceClass="db.r6g.large", Tags=_tags(app))
        return arn

    def global_db(self, ident: str) -> str:
        return self.prds.create_global_cluster(
            GlobalClusterIdentifier=ident, Engine="aurora-postgresql", EngineVersion="15.4",
            StorageEncrypted=True)["GlobalCluster"]["GlobalClusterArn"]

    def copied_snapshot(self, source: str, cluster: bool, app: str, key: bool = True) -> str:
        """A manual snapshot of `source` (identifier) shared with the standby account when it is
        another one, copied to the standby under the same name with the region token rewritten."""
        pt, st = self.p.token, self.s.token
        name = f"{source}-daily-{pt}"
        copy_name = f"{source}-daily-{st}"
        if cluster:
            arn = self.prds.create_db_cluster_snapshot(
                DBClusterIdentifier=source, DBClusterSnapshotIdentifier=name, Tags=_tags(app)
            )["DBClusterSnapshot"]["DBClusterSnapshotArn"]
        else:
            arn = self.prds.create_db_snapshot(
                DBInstanceIdentifier=source, DBSnapshotIdentifier=name, Tags=_tags(app)
            )["DBSnapshot"]["DBSnapshotArn"]
        if not self.ctx.shared_account:
            share = dict(AttributeName="restore", ValuesToAdd=[self.s.account])
            if cluster:
                self.prds.modify_db_cluster_snapshot_attribute(
                    DBClusterSnapshotIdentifier=name, **share)
            else:
                self.prds.modify_db_snapshot_attribute(DBSnapshotIdentifier=name, **share)
        args: dict[str, Any] = {"Tags": _tags(app), "SourceRegion": self.p.region}
        if key:
            args["KmsKeyId"] = self.skey
        if cluster:
            return self.srds.copy_db_cluster_snapshot(
                SourceDBClusterSnapshotIdentifier=arn, TargetDBClusterSnapshotIdentifier=copy_name,
                **args)["DBClusterSnapshot"]["DBClusterSnapshotArn"]
        return self.srds.copy_db_snapshot(
            SourceDBSnapshotIdentifier=arn, TargetDBSnapshotIdentifier=copy_name, **args
        )["DBSnapshot"]["DBSnapshotArn"]


def seed(ctx: Any) -> dict:
    x = _Seeder(ctx)
    one = ctx.shared_account
    apps: dict[str, dict] = {}
    for n, app in enumerate(ctx.apps[:2]):
        if n == 0:
            ident = f"{app}-orders"
            primary = x.postgres(ident, app)
            standby = (x.replica(primary, f"{app}-orders-replica", app) if one
                       else x.copied_snapshot(ident, False, app))
            apps[app] = {"engine": "postgres", "primary": primary, "standby": standby}
        else:
            stack, suffix = f"{app}stack", "1a2b3c4d5e"
            global_id = f"{app}-ledger-global" if one else None
            if global_id:
                x.global_db(global_id)
            primary = x.aurora(app, stack, suffix, global_id)
            cluster_id = f"{stack}-ledgercluster-{suffix}"
            standby = (x.secondary(app, f"{app}drstack", "9z8y7x6w5v", global_id) if global_id
                       else x.copied_snapshot(cluster_id, True, app))
            apps[app] = {"engine": "aurora-postgresql", "primary": primary, "standby": standby}

    defects: dict[str, list[str]] = {}
    unavailable: dict[str, str] = {}
    if ctx.defects:
        defects["DR-RDS-001"] = [x.postgres("rds-nocopy-orders", "rds-nocopy")]
        if one:
            x.global_db("rds-stopped-ledger-global")
            x.aurora("rds-stopped", "rds-stopped", "4f5g6h7j8k", "rds-stopped-ledger-global")
            secondary = x.secondary("rds-stopped", "rds-stoppeddr", "8k7j6h5g4f",
                                    "rds-stopped-ledger-global")
            x.srds.stop_db_cluster(DBClusterIdentifier=secondary.rsplit(":", 1)[1])
            defects["DR-RDS-002"] = [secondary]
            drift_primary = x.postgres("rds-drift-orders", "rds-drift", cls="db.r6g.2xlarge")
            defects["DR-RDS-003"] = [x.replica(drift_primary, "rds-drift-orders", "rds-drift",
                                               cls="db.r6g.large")]
            key_primary = x.postgres("rds-key-orders", "rds-key")
            defects["DR-RDS-004"] = [x.replica(key_primary, "rds-key-orders", "rds-key",
                                               key=False)]
        else:
            x.postgres("rds-key-orders", "rds-key")
            defects["DR-RDS-004"] = [x.copied_snapshot("rds-key-orders", False, "rds-key",
                                                       key=False)]
            reason = ("RDS has no cross-account read replicas or global databases: with "
                      "--two-accounts the standby copies are snapshot copies only")
            unavailable["DR-RDS-002"] = reason
            unavailable["DR-RDS-003"] = reason
    return {"apps": apps, "defects": defects, "unavailable_defects": unavailable,
            "keys": {"primary": x.pkey, "standby": x.skey}}
