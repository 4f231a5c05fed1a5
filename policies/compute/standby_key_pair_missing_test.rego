package drready.rules.standby_key_pair_missing

import data.drready.testlib

t_template_arn(id) := testlib.standby_template_arn(id)

t_key(region, account, name) := {
	"arn": sprintf("arn:aws:ec2:%s:%s:key-pair/%s", [region, account, name]), "id": sprintf("key-0%s", [name]),
	"name": name, "tags": {}, "region": region, "account": account, "key_type": "ed25519",
}

t_primary_key(name) := t_key("us-east-1", "111111111111", name)

t_standby_key(name) := t_key("us-west-2", "222222222222", name)

# key_name null: the version names no key (the field is left out).
t_version(number, key_name) := testlib.compact({
	"version_number": number, "image_id": "ami-0standby", "instance_type": "m6i.large",
	"security_group_ids": [], "subnet_ids": [], "key_name": key_name,
})

t_template(id, default_version, latest_version) := testlib.compact({
	"arn": t_template_arn(id), "id": id, "name": "web", "tags": {}, "region": "us-west-2", "account": "222222222222",
	"default_version": default_version, "latest_version": latest_version,
})

t_input(templates, primary_keys, standby_keys) := {
	"primary": {"account": "111111111111", "region": "us-east-1", "ec2": {"launch_templates": [], "key_pairs": primary_keys}},
	"standby": {"account": "222222222222", "region": "us-west-2", "ec2": {"launch_templates": templates, "key_pairs": standby_keys}},
}

test_key_pair_only_in_the_primary_region_is_denied if {
	d := t_input([t_template("lt-9", t_version(4, "web-key"), t_version(5, "web-key"))], [t_primary_key("web-key")], [t_standby_key("ops-key")])
	findings := deny with input as d
	count(findings) == 1
	some f in findings
	f.resource == t_template_arn("lt-9")
	f.site == "standby"
	contains(f.message, "Standby launch template lt-9 (web) in us-west-2: version 4 names key pair web-key, which does not exist in the standby site (account 222222222222)")
	contains(f.message, "the primary region us-east-1 has a key pair of that name, which was never imported into us-west-2")
	contains(f.message, "InvalidKeyPair.NotFound")
	f.related == ["arn:aws:ec2:us-east-1:111111111111:key-pair/web-key"]
}

test_key_pair_missing_in_both_regions_is_denied if {
	d := t_input([t_template("lt-9", t_version(4, "gone-key"), null)], [t_primary_key("web-key")], [])
	some f in deny with input as d
	contains(f.message, "names key pair gone-key")
	contains(f.message, "the primary region us-east-1 has no key pair of that name either")
	f.related == []
}

test_key_pair_in_the_standby_region_passes if {
	d := t_input([t_template("lt-9", t_version(4, "web-key"), null)], [t_primary_key("web-key")], [t_standby_key("web-key")])
	count(deny) == 0 with input as d
	applicable == {t_template_arn("lt-9")} with input as d
}

test_template_without_key_is_not_applicable if {
	d := t_input([t_template("lt-9", t_version(4, null), t_version(5, "gone-key"))], [], [])
	count(applicable) == 0 with input as d
	count(deny) == 0 with input as d
}

test_empty_key_name_is_not_applicable if {
	d := t_input([t_template("lt-9", t_version(4, ""), null)], [], [])
	count(applicable) == 0 with input as d
	count(deny) == 0 with input as d
}

test_default_version_is_judged_not_the_latest if {
	d := t_input([t_template("lt-9", t_version(4, "web-key"), t_version(5, "gone-key"))], [], [t_standby_key("web-key")])
	count(deny) == 0 with input as d
	applicable == {t_template_arn("lt-9")} with input as d
}

test_latest_version_is_judged_without_a_default if {
	d := t_input([t_template("lt-9", null, t_version(5, "gone-key"))], [], [t_standby_key("web-key")])
	some f in deny with input as d
	contains(f.message, "version 5 names key pair gone-key")
}

test_key_pair_of_another_site_does_not_count if {
	# a key of the same name in the primary region does not make the standby launch work
	d := t_input([t_template("lt-9", t_version(4, "web-key"), null)], [t_primary_key("web-key")], [])
	count(deny) == 1 with input as d
}

test_primary_templates_are_not_applicable if {
	d := {
		"primary": {"account": "111111111111", "region": "us-east-1", "ec2": {"launch_templates": [t_template("lt-1", t_version(4, "gone-key"), null)], "key_pairs": []}},
		"standby": {"account": "222222222222", "region": "us-west-2", "ec2": {"launch_templates": [], "key_pairs": []}},
	}
	count(applicable) == 0 with input as d
	count(deny) == 0 with input as d
}

test_snapshot_without_key_pair_inventory_is_not_judged if {
	d := {
		"primary": {"account": "111111111111", "region": "us-east-1", "ec2": {"launch_templates": []}},
		"standby": {"account": "222222222222", "region": "us-west-2", "ec2": {"launch_templates": [t_template("lt-9", t_version(4, "web-key"), null)]}},
	}
	count(applicable) == 0 with input as d
	count(deny) == 0 with input as d
}

test_metadata if {
	metadata.id == "DR-EC2-008"
	metadata.severity == "critical"
	metadata.category == "compute"
	metadata.inputs == ["ec2"]
}
