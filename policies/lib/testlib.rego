# Builders shared by the built-in rules' tests (not a test file itself: no test_ rules here).
# Tests import it as `import data.drready.testlib`.
package drready.testlib

# An object without its null values: absent optional values are left out of the input, so
# builders taking "no value" as null drop the field with this.
compact(obj) := {k: v | some k, v in obj; v != null}

# Primary site: account 111111111111 in us-east-1; standby site: account 222222222222 in us-west-2.
standby_template_arn(id) := sprintf("arn:aws:ec2:us-west-2:222222222222:launch-template/%s", [id])

standby_instance_arn(id) := sprintf("arn:aws:ec2:us-west-2:222222222222:instance/%s", [id])

standby_profile_arn(name) := sprintf("arn:aws:iam::222222222222:instance-profile/%s", [name])

volume_arn(id) := sprintf("arn:aws:ec2:us-east-1:111111111111:volume/%s", [id])

volume(id, name) := {"arn": volume_arn(id), "id": id, "name": name, "region": "us-east-1", "account": "111111111111", "size_gib": 100, "state": "in-use"}

# A Route 53 record set ARN in hosted zone Z1, type A.
record_arn(name, set_id) := sprintf("arn:aws:route53:::hostedzone/Z1/recordset/%s/A/%s", [name, set_id])

# A primary bucket in us-east-1 replicating with the given rules.
bucket(name, rules) := {
	"arn": sprintf("arn:aws:s3:::%s", [name]),
	"id": name,
	"name": name,
	"region": "us-east-1",
	"account": "111111111111",
	"versioning": "Enabled",
	"replication": {"role": "arn:aws:iam::111111111111:role/s3-replication", "rules": rules},
}

# A versioned standby bucket in us-west-2 without replication.
standby_bucket(name) := {"arn": sprintf("arn:aws:s3:::%s", [name]), "id": name, "name": name, "region": "us-west-2", "account": "111111111111", "versioning": "Enabled"}

# A standby instance using the instance profile profile_arn (null: none, the field is left out).
standby_instance(id, state, profile_arn) := compact({
	"arn": standby_instance_arn(id), "id": id, "name": id, "region": "us-west-2", "account": "222222222222",
	"state": state, "instance_profile_arn": profile_arn,
})

# A standby instance profile holding the named roles.
standby_profile(name, roles) := {"arn": standby_profile_arn(name), "id": name, "name": name, "region": "global", "account": "222222222222", "roles": roles}
