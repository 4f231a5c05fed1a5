package drready.lib_test

import data.drready.lib
import data.drready.testlib

test_is_set if {
	lib.is_set("a")
	not lib.is_set("")
	not lib.is_set(1)
	not lib.is_set({}.missing)
	not lib.is_set(object.get({}, "missing", null))
}

test_as_list if {
	lib.as_list(["a", "b"]) == ["a", "b"]
	lib.as_list("a") == ["a"]
	lib.as_list({"a": 1}) == []
}

test_label if {
	lib.label({"id": "i-1", "name": "web"}) == "i-1 (web)"
	lib.label({"id": "i-1", "name": "i-1"}) == "i-1"
	lib.label({"id": "i-1", "name": ""}) == "i-1"
	lib.label({"id": "i-1"}) == "i-1"
}

test_id_label if {
	lib.id_label("lt-1", "web") == "lt-1 (web)"
	lib.id_label("lt-1", "lt-1") == "lt-1"
	lib.id_label("lt-1", "") == "lt-1"
}

test_duration if {
	lib.duration(45) == "45s"
	lib.duration(90) == "1m 30s"
	lib.duration(900) == "15m"
	lib.duration(1200) == "20m"
	lib.duration(3600) == "1h"
	lib.duration(86400) == "24h"
	lib.duration(111600) == "31h"
	lib.duration(111660) == "31h 1m"
	lib.duration(172800) == "2d 0h"
	lib.duration(198000) == "2d 7h"
}

test_seconds if {
	lib.seconds(1500000000) == 1
	lib.seconds(86400000000000) == 86400
}

t_rewrites := [["us-east-1", "us-west-2"], ["use1", "usw2"], ["prod-usw2-blue", "dr-usw2-green"]]

test_rewrite_applies_the_rewrites_in_order if {
	# the user rewrite sees the name after the region code was rewritten
	lib.rewrite("prod-use1-blue") == "dr-usw2-green" with input as {"rewrites": t_rewrites}
	lib.rewrite("arn:aws:sqs:us-east-1:1:jobs-use1") == "arn:aws:sqs:us-west-2:1:jobs-usw2" with input as {"rewrites": t_rewrites}
	lib.rewrite("unrelated") == "unrelated" with input as {"rewrites": t_rewrites}
}

test_rewrite_without_rewrites_is_identity if {
	lib.rewrite("us-east-1") == "us-east-1" with input as {"rewrites": []}
	lib.rewrite("us-east-1") == "us-east-1" with input as {}
}

test_rewrite_applies_many_rewrites if {
	steps := [[sprintf("s%d", [i]), sprintf("s%d", [i + 1])] | some i in numbers.range(0, 39)]
	lib.rewrite("s0") == "s40" with input as {"rewrites": steps}
	lib.rewrite("s0") == "s5" with input as {"rewrites": array.slice(steps, 0, 5)}
}

test_twin_of if {
	d := {
		"parity": {"standby_of": {"arn:p": "arn:s"}},
		"index": {"standby": {"by_arn": {"arn:s": {"arn": "arn:s", "id": "s"}}}},
	}
	lib.twin_of("arn:p").id == "s" with input as d
	not lib.twin_of("arn:other") with input as d
}

test_live if {
	lib.live({"state": "running"})
	lib.live({"state": "stopped"})
	not lib.live({"state": "terminated"})
	not lib.live({"state": "shutting-down"})
	"terminated" in lib.gone_states
}

test_launch_version_is_the_default_else_the_latest if {
	lib.launch_version({"default_version": {"version_number": 1}, "latest_version": {"version_number": 3}}).version_number == 1
	lib.launch_version({"latest_version": {"version_number": 3}}).version_number == 3
	not lib.launch_version({"id": "lt-1"})
}

test_profile_ref_prefers_the_arn if {
	lib.profile_ref({"instance_profile_arn": "arn:p", "instance_profile_name": "n"}) == {"by": "arn", "value": "arn:p"}
	lib.profile_ref({"instance_profile_arn": "", "instance_profile_name": "n"}) == {"by": "name", "value": "n"}
	lib.profile_ref({"instance_profile_name": "n"}) == {"by": "name", "value": "n"}
	not lib.profile_ref({"image_id": "ami-1"})
}

test_profile_of if {
	d := {"index": {"standby": {
		"instance_profile_arns": {"arn:web": {"name": "web"}},
		"instance_profiles": {"web": {"name": "web"}},
	}}}
	lib.profile_of("standby", {"by": "arn", "value": "arn:web"}).name == "web" with input as d
	lib.profile_of("standby", {"by": "name", "value": "web"}).name == "web" with input as d
	not lib.profile_of("standby", {"by": "arn", "value": "web"}) with input as d
	not lib.profile_of("standby", {"by": "name", "value": "gone"}) with input as d
}

test_destination_name if {
	lib.destination_name("arn:aws:s3:::my-bucket") == "my-bucket"
	lib.destination_name("arn:aws-cn:s3:::my-bucket") == "my-bucket"
	lib.destination_of({"destination": {"bucket": "arn:aws:s3:::b"}}) == "b"
	lib.destination_of({"destination": {}}) == ""
	lib.destination_of({"id": "r"}) == ""
}

t_bucket := {"name": "a", "replication": {"rules": [
	{"id": "dr", "status": "Enabled", "destination": {"bucket": "arn:aws:s3:::a-usw2"}},
	{"id": "old", "status": "Disabled", "destination": {"bucket": "arn:aws:s3:::a-usw2"}},
	{"id": "eu", "status": "Enabled", "destination": {"bucket": "arn:aws:s3:::a-euw1"}},
]}}

test_enabled_rules if {
	[r.id | some r in lib.enabled_rules(t_bucket)] == ["dr", "eu"]
	lib.enabled_rules({"name": "b"}) == []
	lib.has_enabled_rule(t_bucket)
	not lib.has_enabled_rule({"name": "b"})
	not lib.has_enabled_rule({"name": "b", "replication": {"rules": [{"id": "x", "status": "Disabled"}]}})
}

test_standby_rules_write_to_standby_buckets if {
	d := {"index": {"standby": {"buckets": {"a-usw2": {"name": "a-usw2"}}}}}
	[r.id | some r in lib.standby_rules(t_bucket)] == ["dr"] with input as d
}

test_rule_label if {
	lib.rule_label({"id": "dr"}) == "dr"
	lib.rule_label({"id": ""}) == "without id"
	lib.rule_label({"status": "Enabled"}) == "without id"
}

test_site_of if {
	d := {"primary": {"account": "111111111111"}, "standby": {"account": "222222222222"}}
	lib.site_of({"account": "111111111111"}) == "primary" with input as d
	lib.site_of({"account": "222222222222"}) == "standby" with input as d
}

test_set_label if {
	lib.set_label({"set_identifier": "use1"}) == " (set use1)"
	lib.set_label({"set_identifier": ""}) == ""
	lib.set_label({}) == ""
}

test_has_health_check if {
	lib.has_health_check({"health_check_id": "hc-1"})
	not lib.has_health_check({"health_check_id": ""})
	not lib.has_health_check({})
}

t_failover := {"parity": {"failover": [
	{"zone_id": "Z1", "name": "a.", "type": "A", "primary": {"arn": "p1"}, "secondary": {"arn": "s1"}},
	{"zone_id": "Z1", "name": "b.", "type": "A", "secondary": {"arn": "s2"}},
	{"zone_id": "Z1", "name": "c.", "type": "A", "primary": {"arn": "p3"}},
]}}

test_failover_records if {
	{record.arn | some [_, record] in lib.failover_records} == {"p1", "s1", "s2", "p3"} with input as t_failover
	{[group.name, record.arn] | some [group, record] in lib.failover_records} == {["a.", "p1"], ["a.", "s1"], ["b.", "s2"], ["c.", "p3"]} with input as t_failover
}

test_primary_failover_groups if {
	{group.name | some group in lib.primary_failover_groups} == {"a.", "c."} with input as t_failover
}

test_statements if {
	lib.statements({"Statement": [{"Effect": "Allow"}]}) == [{"Effect": "Allow"}]
	lib.statements({"Statement": {"Effect": "Deny"}}) == [{"Effect": "Deny"}]
	lib.statements({"Version": "2012-10-17"}) == []
	lib.statements({}) == []
}

test_testlib_compact_leaves_nulls_out if {
	testlib.compact({"a": 1, "b": null, "c": "", "d": false}) == {"a": 1, "c": "", "d": false}
}

test_kms_ref_parts if {
	lib.kms_ref("arn:aws:kms:us-west-2:222222222222:key/1234abcd") == {"region": "us-west-2", "account": "222222222222", "name": "1234abcd"}
	lib.kms_ref("arn:aws:kms:us-west-2:222222222222:alias/orders") == {"region": "us-west-2", "account": "222222222222", "name": "alias/orders"}
	lib.kms_ref("alias/orders") == {"name": "alias/orders"}
	lib.kms_ref("mrk-1") == {"name": "mrk-1"}
	not lib.kms_ref("")
	not lib.kms_ref("arn:aws:s3:::bucket")
}

test_kms_keys_by_name if {
	key := {"arn": "arn:aws:kms:us-west-2:222222222222:key/k1", "id": "k1", "aliases": ["alias/a", "alias/b"], "key_state": "Enabled"}
	d := {"primary": {"kms": {"keys": []}}, "standby": {"kms": {"keys": [key]}}}
	lib.kms_keys_by_name.standby.k1 == key with input as d
	lib.kms_keys_by_name.standby["alias/b"] == key with input as d
	not lib.kms_keys_by_name.primary.k1 with input as d
}

test_kms_encrypted if {
	lib.kms_encrypted({"encryption": {"sse_algorithm": "aws:kms"}})
	lib.kms_encrypted({"encryption": {"sse_algorithm": "aws:kms:dsse"}})
	not lib.kms_encrypted({"encryption": {"sse_algorithm": "AES256"}})
	not lib.kms_encrypted({"encryption": {}})
	not lib.kms_encrypted({})
}

test_group_twin if {
	p := {"arn": "arn:p:web", "status": ""}
	s := {"arn": "arn:s:web"}
	d := {"parity": {"standby_of": {"arn:p:web": "arn:s:web", "arn:p:old": "arn:s:old"}}, "index": {"standby": {"by_arn": {"arn:s:web": s, "arn:s:old": {"arn": "arn:s:old", "status": "Delete in progress"}}}}}
	lib.group_twin(p) == s with input as d
	not lib.group_twin({"arn": "arn:p:web", "status": "Delete in progress"}) with input as d
	not lib.group_twin({"arn": "arn:p:old"}) with input as d
	not lib.group_twin({"arn": "arn:p:none"}) with input as d
}
