package drready.rules.rds_standby_copy_drift

import data.drready.lib

metadata := {
	"id": "DR-RDS-003",
	"title": "Standby database differs from its primary in engine, major version or instance class",
	"severity": "medium",
	"category": "database",
	"inputs": ["rds"],
	"why": concat(" ", [
		"The live standby copy of this primary database (cross-region read replica, global secondary or replica cluster) runs another engine, another major engine version, or an instance class of another family or a smaller size than the primary.",
		"After a failover the standby carries the whole production load: a smaller or different class runs out of CPU, memory or connections (max_connections follows memory) exactly when it is needed, and an engine or major version difference changes query plans, extensions and parameter groups under the application.",
		"Minor version differences are tolerated (replicas may be upgraded first); a larger class of the same family is not drift. Snapshot copies are not judged (a restore chooses its class); Aurora Serverless v2 classes are not compared (capacity comes from the ACU range).",
	]),
	"remediation": "Modify the standby copy to the primary's instance class (and upgrade or recreate it on the primary's engine major version).",
	"remediation_detail": concat("\n", [
		"aws rds describe-db-instances --region PRIMARY_REGION --db-instance-identifier DB --query 'DBInstances[0].[Engine,EngineVersion,DBInstanceClass]'",
		"aws rds modify-db-instance --region STANDBY_REGION --db-instance-identifier REPLICA --db-instance-class PRIMARY_CLASS --apply-immediately",
		"Aurora: aws rds modify-db-instance --region STANDBY_REGION --db-instance-identifier SECONDARY_MEMBER --db-instance-class PRIMARY_CLASS --apply-immediately",
		"Major versions of an Aurora global database are upgraded together: aws rds modify-global-cluster --global-cluster-identifier GLOBAL --engine-version VERSION --allow-major-version-upgrade",
		"Terraform: the same instance_class variable for the primary and the replica aws_db_instance (or aws_rds_cluster_instance of both regions).",
	]),
	"references": [
		"https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/Concepts.DBInstanceClass.html",
		"https://docs.aws.amazon.com/AmazonRDS/latest/UserGuide/USER_ReadRepl.html",
		"https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-global-database-upgrade.html",
	],
}

applicable contains copy.arn if {
	some db in lib.primary_databases
	some copy in lib.live_copies_of(db)
}

# postgres, mysql, oracle, sqlserver, ... : aurora-postgresql is postgres, aurora(-mysql) mysql.
engine_family(engine) := "mysql" if {
	engine in {"aurora", "aurora-mysql", "mysql"}
} else := "postgres" if {
	engine in {"aurora-postgresql", "postgres"}
} else := split(engine, "-")[0] if {
	startswith(engine, "oracle")
} else := split(engine, "-")[0] if {
	startswith(engine, "sqlserver")
} else := engine

# The major version: two components for MySQL, MariaDB, SQL Server and PostgreSQL before 10
# (8.0, 10.6, 15.00, 9.6), else the first (16, 19).
major(engine, version) := concat(".", array.slice(parts, 0, 2)) if {
	parts := split(version, ".")
	two_part(engine, parts)
} else := split(version, ".")[0]

two_part(engine, _) if engine_family(engine) in {"mysql", "mariadb", "sqlserver"}

two_part(engine, parts) if {
	engine_family(engine) == "postgres"
	to_number(parts[0]) < 10
}

# An instance class's family and size rank: db.r6g.2xlarge -> {"family": "r6g", "rank": 7}.
size_rank := {"nano": 0, "micro": 1, "small": 2, "medium": 3, "large": 4, "xlarge": 5}

class_parts(class) := {"family": parts[1], "rank": rank(parts[2])} if {
	parts := split(class, ".")
	count(parts) == 3
}

rank(size) := size_rank[size]

rank(size) := 1000 if startswith(size, "metal")

rank(size) := 5 + to_number(n) if {
	endswith(size, "xlarge")
	n := trim_suffix(size, "xlarge")
	regex.match(`^[0-9]+$`, n)
}

differences(db, copy) := [d |
	some d in [engine_diff(db, copy), version_diff(db, copy), class_diff(db, copy)]
	d != ""
]

engine_diff(db, copy) := sprintf("engine %s, primary %s", [copy.engine, db.engine]) if {
	copy.engine != db.engine
} else := ""

version_diff(db, copy) := sprintf("major version %s (%s), primary %s (%s)", [major(copy.engine, copy.engine_version), copy.engine_version, major(db.engine, db.engine_version), db.engine_version]) if {
	engine_family(copy.engine) == engine_family(db.engine)
	lib.is_set(db.engine_version)
	lib.is_set(copy.engine_version)
	major(copy.engine, copy.engine_version) != major(db.engine, db.engine_version)
} else := ""

class_diff(db, copy) := sprintf("instance class %s of another family than the primary's %s", [copy.instance_class, db.instance_class]) if {
	p := class_parts(db.instance_class)
	s := class_parts(copy.instance_class)
	p.family != "serverless"
	s.family != "serverless"
	p.family != s.family
} else := sprintf("instance class %s, smaller than the primary's %s", [copy.instance_class, db.instance_class]) if {
	p := class_parts(db.instance_class)
	s := class_parts(copy.instance_class)
	p.family == s.family
	s.rank < p.rank
} else := ""

deny contains finding if {
	some db in lib.primary_databases
	some copy in lib.live_copies_of(db)
	diffs := differences(db, copy)
	count(diffs) > 0
	finding := {
		"resource": copy.arn,
		"site": "standby",
		"message": sprintf("Standby %s %s in %s differs from its primary database %s in %s: %s. After a failover it carries the primary's load with less capacity or other engine behaviour.", [
			lib.db_live_kind(db, copy), lib.label(copy), input.standby.region, lib.db_label(db), input.primary.region, concat("; ", diffs),
		]),
		"related": [db.arn],
	}
}
