package drready.lib

# RDS and Aurora: which primary databases there are, and the standby copies of each one (one
# definition for the DR-RDS rules; src/evidence.rs computes the recovery points the same way).

# Engines the RDS API also lists whose copies are made through their own services (DocumentDB
# and Neptune global clusters): not judged by the RDS rules.
db_foreign_engines := {"docdb", "neptune"}

# The primary databases: DB clusters that are not themselves replica clusters, and DB instances
# that are neither Aurora (or Multi-AZ) cluster members, judged through their cluster, nor read
# replicas. Stopped databases count (they start again with their data); deleting ones do not.
# An object by ARN (`some db in lib.primary_databases` iterates the databases): a set of whole
# resource objects is slow to build at scale.
primary_databases[db.arn] := db if {
	some db in input.primary.rds.db_clusters
	not is_set(db.replication_source)
	db_judged(db)
}

primary_databases[db.arn] := db if {
	some db in input.primary.rds.db_instances
	not is_set(db.db_cluster_identifier)
	not is_set(db.read_replica_source)
	db_judged(db)
}

db_judged(db) if {
	not db.engine in db_foreign_engines
	db.status != "deleting"
}

# "cluster" or "instance".
db_kind(db) := "cluster" if is_array(db.members) else := "instance"

# Standby replicas by the ARN of the primary database they copy: read replicas naming their
# source by ARN (cross-region replicas always do) and replica clusters
# (ReplicationSourceIdentifier).
db_live_copies[source][copy.arn] := copy if {
	some copy in input.standby.rds.db_instances
	source := copy.read_replica_source
	startswith(source, "arn:")
}

db_live_copies[source][copy.arn] := copy if {
	some copy in input.standby.rds.db_clusters
	source := copy.replication_source
	startswith(source, "arn:")
}

# Standby clusters by the ARN of their global database.
db_global_members[copy.global_cluster_arn][copy.arn] := copy if {
	some copy in input.standby.rds.db_clusters
	is_set(copy.global_cluster_arn)
}

# The live standby copies of a primary database (an array, empty when there is none): its
# replicas and replica clusters, and the standby clusters of its global database. Computed once
# per database (`live_copies[arn]`): rules read them several times.
live_copies[arn] := array.concat([c | some c in db_live_copies[arn]], [c |
	is_set(db.global_cluster_arn)
	some c in db_global_members[db.global_cluster_arn]
]) if {
	some arn, db in primary_databases
}

live_copies_of(db) := live_copies[db.arn]

# Copies in the standby region that the primary database itself declares but the standby site
# does not hold (ARNs): with the standby in another account, a cross-region read replica or a
# global database's secondary cluster lives in the primary's account (RDS has no cross-account
# replicas), out of the standby site's inventory. They count as copies; their status, class and
# key cannot be judged.
remote_copies_of(db) := {arn |
	some arn in object.get(db, "read_replicas", [])
	remote_copy(arn)
} | {arn |
	is_set(db.global_cluster_arn)
	some g in input.primary.rds.global_clusters
	g.arn == db.global_cluster_arn
	some member in g.members
	arn := member.db_cluster_arn
	remote_copy(arn)
}

remote_copy(arn) if {
	startswith(arn, "arn:")
	split(arn, ":")[3] == input.standby.region
	split(arn, ":")[4] != input.standby.account
}

# Statuses in which a standby replica or cluster can be promoted or take over. Anything else
# (creating, stopped, stopping, starting, storage-full, incompatible-*, failed,
# inaccessible-encryption-credentials*, restore-error, deleting, ...) cannot now.
db_usable_statuses := {
	"available", "backing-up", "modifying", "maintenance", "upgrading", "rebooting", "renaming",
	"resetting-master-credentials", "storage-optimization", "configuring-enhanced-monitoring",
	"configuring-iam-database-auth", "configuring-log-exports", "configuring-activity-stream",
	"moving-to-vpc", "converting-to-vpc", "backtracking", "failing-over", "promoting",
}

db_copy_usable(copy) if copy.status in db_usable_statuses

# Primary database ARNs by kind and lower-case identifier (RDS identifiers are case-insensitive).
primary_db_arns[kind][lower(db.id)] := db.arn if {
	some db in input.primary.rds.db_instances
	kind := "instance"
}

primary_db_arns[kind][lower(db.id)] := db.arn if {
	some db in input.primary.rds.db_clusters
	kind := "cluster"
}

db_snapshot_kind(snapshot) := "cluster" if snapshot.cluster == true else := "instance"

# The primary database whose data a standby snapshot holds, when it is a copy: copied from the
# primary region (SourceRegion, or the region of the source ARN) with the database's identifier
# (a copy keeps it); else paired with a primary snapshot of the database (tag dr:pair, name with
# the region token rewritten); else tagged by AWS Backup with the database as its source; else a
# manual or AWS Backup snapshot of its identifier when no standby database has that identifier.
db_snapshot_source(snapshot) := arn if {
	snapshot.source_region == input.primary.region
	arn := primary_db_arns[db_snapshot_kind(snapshot)][lower(snapshot.source_identifier)]
} else := arn if {
	source := input.index.primary.by_arn[input.parity.primary_of[snapshot.arn]]
	arn := primary_db_arns[db_snapshot_kind(source)][lower(source.source_identifier)]
} else := arn if {
	arn := snapshot.tags["aws:backup:source-resource"]
	startswith(arn, "arn:")
} else := arn if {
	# A manual or AWS Backup snapshot of the primary database's identifier that no standby
	# database has: a copy whose source AWS did not record (AWS Backup, cross-account copies).
	snapshot.snapshot_type != "automated"
	kind := db_snapshot_kind(snapshot)
	arn := primary_db_arns[kind][lower(snapshot.source_identifier)]
	not standby_db_ids[kind][lower(snapshot.source_identifier)]
}

# Standby database identifiers by kind, lower case.
standby_db_ids[kind][lower(db.id)] if {
	some db in input.standby.rds.db_instances
	kind := "instance"
}

standby_db_ids[kind][lower(db.id)] if {
	some db in input.standby.rds.db_clusters
	kind := "cluster"
}

# When the data in a copied snapshot was captured: OriginalSnapshotCreateTime (kept by a copy),
# else the source snapshot's creation time, else the copy's own.
db_snapshot_time(snapshot) := snapshot.original_create_time if {
	is_set(snapshot.original_create_time)
} else := source.create_time if {
	source := input.index.primary.by_arn[snapshot.source_snapshot_arn]
	is_set(source.create_time)
} else := source.create_time if {
	source := input.index.primary.by_arn[input.parity.primary_of[snapshot.arn]]
	is_set(source.create_time)
} else := snapshot.create_time if {
	is_set(snapshot.create_time)
}

# Standby snapshot copies by the ARN of the primary database, each {"snapshot", "time", "ns"}.
db_snapshot_copies[source][snapshot.arn] := entry if {
	some snapshot in input.standby.rds.db_snapshots
	source := db_snapshot_source(snapshot)
	t := db_snapshot_time(snapshot)
	entry := {"snapshot": snapshot, "time": t, "ns": time.parse_rfc3339_ns(t)}
}

# The snapshot copies of a primary database whose data is no older than the RPO (an array).
fresh_snapshot_copies[arn] := [c |
	some c in db_snapshot_copies[arn]
	seconds(input.now_ns - c.ns) <= input.objectives.rpo_seconds
] if {
	some arn, _ in primary_databases
}

fresh_snapshot_copies_of(db) := fresh_snapshot_copies[db.arn]

# The newest snapshot copy of a primary database, whatever its age; undefined without one.
newest_snapshot_copy_of(db) := c if {
	copies := db_snapshot_copies[db.arn]
	newest := max([x.ns | some x in copies])
	some c in copies
	c.ns == newest
}

# Automated backups of a DB instance replicated to the standby region (ARNs).
backup_replications_of(db) := [a |
	some a in object.get(db, "automated_backup_replications", [])
	split(a, ":")[3] == input.standby.region
]

# Workload name -> tier.
db_workload_tiers := {w.name: w.tier | some w in input.workloads}

# The tiers of the workloads a primary database belongs to.
db_tiers(db) := {db_workload_tiers[name] | some name in object.get(input.workload_of, db.arn, [])}

# A database of a warm-standby workload (or, in no workload, under a warm-standby default tier):
# only a live replica or global secondary is a standby copy for it.
db_warm(db) if warm_databases[db.arn]

warm_databases contains arn if {
	some arn, db in primary_databases
	"warm-standby" in db_tiers(db)
}

warm_databases contains arn if {
	some arn, db in primary_databases
	count(db_tiers(db)) == 0
	input.objectives.default_tier == "warm-standby"
}

# The standby copies that count for a primary database, each {"copy", "kind"} (kind: "replica",
# "replica cluster", "global secondary", "snapshot copy"): its live copies, and, unless it is
# warm standby, its snapshot copies no older than the RPO. An array, computed once per database.
accepted_copies[arn] := array.concat(db_live_entries(db), db_snapshot_entries(db)) if {
	some arn, db in primary_databases
}

accepted_copies_of(db) := accepted_copies[db.arn]

db_live_entries(db) := [{"copy": c, "kind": db_live_kind(db, c)} | some c in live_copies_of(db)]

db_snapshot_entries(db) := [] if {
	db_warm(db)
} else := [{"copy": c.snapshot, "kind": "snapshot copy", "time": c.time} | some c in fresh_snapshot_copies_of(db)]

db_live_kind(db, copy) := "replica" if {
	not is_array(copy.members)
} else := "global secondary" if {
	is_set(copy.global_cluster_arn)
	copy.global_cluster_arn == object.get(db, "global_cluster_arn", "")
} else := "replica cluster"

# Whether an accepted copy could take over now: a live copy in a usable status, an available
# snapshot copy.
accepted_copy_usable(x) if {
	x.kind != "snapshot copy"
	db_copy_usable(x.copy)
}

accepted_copy_usable(x) if {
	x.kind == "snapshot copy"
	x.copy.status == "available"
}

# A label for a database: "instance ID (engine)" / "cluster ID (engine)".
db_label(db) := sprintf("%s %s (%s)", [db_kind(db), label(db), db.engine])
