package drready.rules.standby_launch_kms_key_other_region

import data.drready.testlib

t_template_arn(id) := testlib.standby_template_arn(id)

t_primary_key := "arn:aws:kms:us-east-1:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab"

t_standby_key := "arn:aws:kms:us-west-2:222222222222:key/9876abcd-12ab-34cd-56ef-1234567890ab"

# encrypted / kms_key_id null: the field is left out.
t_device(name, encrypted, kms_key_id) := testlib.compact({
	"device_name": name, "snapshot_id": "snap-0standby", "encrypted": encrypted, "kms_key_id": kms_key_id,
	"volume_type": "gp3", "volume_size_gib": 20,
})

t_version(number, devices) := {
	"version_number": number, "image_id": "ami-0standby", "instance_type": "m6i.large",
	"security_group_ids": [], "subnet_ids": [], "block_devices": devices,
}

t_template(id, default_version, latest_version) := testlib.compact({
	"arn": t_template_arn(id), "id": id, "name": "web", "tags": {}, "region": "us-west-2", "account": "222222222222",
	"default_version": default_version, "latest_version": latest_version,
})

t_input(templates) := {
	"primary": {"account": "111111111111", "region": "us-east-1", "ec2": {"launch_templates": []}},
	"standby": {"account": "222222222222", "region": "us-west-2", "ec2": {"launch_templates": templates}},
}

test_primary_region_key_is_denied if {
	d := t_input([t_template("lt-9", t_version(4, [t_device("/dev/xvda", true, t_primary_key)]), null)])
	findings := deny with input as d
	count(findings) == 1
	some f in findings
	f.resource == t_template_arn("lt-9")
	f.site == "standby"
	contains(f.message, sprintf("Standby launch template lt-9 (web) in us-west-2: version 4 encrypts block device /dev/xvda with KMS key %s of region us-east-1", [t_primary_key]))
	contains(f.message, "EBS in us-west-2 can only use KMS keys of us-west-2, so every launch from the template fails")
	f.related == [t_primary_key]
}

test_every_foreign_key_is_listed_in_one_finding if {
	alias_arn := "arn:aws:kms:eu-west-1:111111111111:alias/data"
	d := t_input([t_template("lt-9", t_version(4, [
		t_device("/dev/xvda", true, t_primary_key),
		t_device("/dev/xvdb", true, t_standby_key),
		t_device("/dev/xvdc", null, alias_arn),
	]), null)])
	findings := deny with input as d
	count(findings) == 1
	some f in findings
	contains(f.message, "block device /dev/xvda with KMS key arn:aws:kms:us-east-1")
	contains(f.message, "block device /dev/xvdc with KMS key arn:aws:kms:eu-west-1:111111111111:alias/data of region eu-west-1")
	not contains(f.message, "/dev/xvdb")
	f.related == sort([t_primary_key, alias_arn])
}

test_standby_region_key_passes if {
	d := t_input([t_template("lt-9", t_version(4, [t_device("/dev/xvda", true, t_standby_key)]), null)])
	count(deny) == 0 with input as d
	applicable == {t_template_arn("lt-9")} with input as d
}

test_standby_region_alias_arn_passes if {
	d := t_input([t_template("lt-9", t_version(4, [t_device("/dev/xvda", true, "arn:aws:kms:us-west-2:222222222222:alias/ebs")]), null)])
	count(deny) == 0 with input as d
	applicable == {t_template_arn("lt-9")} with input as d
}

test_bare_alias_and_key_id_are_not_judged if {
	d := t_input([t_template("lt-9", t_version(4, [
		t_device("/dev/xvda", true, "alias/ebs"),
		t_device("/dev/xvdb", true, "1234abcd-12ab-34cd-56ef-1234567890ab"),
	]), null)])
	count(deny) == 0 with input as d
	applicable == {t_template_arn("lt-9")} with input as d
}

test_encrypted_with_the_default_key_passes if {
	d := t_input([t_template("lt-9", t_version(4, [t_device("/dev/xvda", true, null)]), null)])
	count(deny) == 0 with input as d
	applicable == {t_template_arn("lt-9")} with input as d
}

test_unencrypted_devices_are_not_applicable if {
	d := t_input([t_template("lt-9", t_version(4, [t_device("/dev/xvda", false, null), t_device("/dev/xvdb", null, null)]), null)])
	count(applicable) == 0 with input as d
	count(deny) == 0 with input as d
}

test_version_without_block_devices_is_not_applicable if {
	version := object.remove(t_version(4, []), ["block_devices"])
	d := t_input([t_template("lt-9", version, null)])
	count(applicable) == 0 with input as d
	count(deny) == 0 with input as d
}

test_default_version_is_judged_not_the_latest if {
	d := t_input([t_template("lt-9",
		t_version(4, [t_device("/dev/xvda", true, t_standby_key)]),
		t_version(5, [t_device("/dev/xvda", true, t_primary_key)]),
	)])
	count(deny) == 0 with input as d
	applicable == {t_template_arn("lt-9")} with input as d
}

test_latest_version_is_judged_without_a_default if {
	d := t_input([t_template("lt-9", null, t_version(5, [t_device("/dev/xvda", true, t_primary_key)]))])
	some f in deny with input as d
	contains(f.message, "version 5 encrypts block device /dev/xvda")
}

test_primary_templates_are_not_applicable if {
	d := {
		"primary": {"account": "111111111111", "region": "us-east-1", "ec2": {"launch_templates": [t_template("lt-1", t_version(4, [t_device("/dev/xvda", true, t_standby_key)]), null)]}},
		"standby": {"account": "222222222222", "region": "us-west-2", "ec2": {"launch_templates": []}},
	}
	count(applicable) == 0 with input as d
	count(deny) == 0 with input as d
}

test_metadata if {
	metadata.id == "DR-EC2-009"
	metadata.severity == "critical"
	metadata.category == "compute"
	metadata.inputs == ["ec2"]
}
