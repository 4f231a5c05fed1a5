package drready.rules.security_group_rule_drift

import data.drready.testlib

t_primary_arn(id) := sprintf("arn:aws:ec2:us-east-1:111111111111:security-group/%s", [id])

t_standby_arn(id) := sprintf("arn:aws:ec2:us-west-2:111111111111:security-group/%s", [id])

# Ports given as null are left out (protocols without ports).
t_rule(protocol, from, to, cidrs, groups) := testlib.compact({
	"protocol": protocol, "from_port": from, "to_port": to, "cidr_ipv4": cidrs, "cidr_ipv6": [],
	"source_security_group_ids": groups, "prefix_list_ids": [],
})

t_pair(primary_id, standby_id, name, drift) := {
	"kind": "security_group",
	"primary": t_primary_arn(primary_id), "standby": t_standby_arn(standby_id),
	"primary_id": primary_id, "standby_id": standby_id, "name": name, "strategy": "name", "drift": drift,
}

t_group(id, name, vpc) := {"id": id, "name": name, "vpc_id": vpc}

# Primary: sg-api and sg-web in vpc-p (10.10.0.0/16); standby twins sg-9api, sg-9web in vpc-s (10.20.0.0/16).
# sg-legacy exists only in the primary.
t_input(pairs) := {
	"primary": {"account": "111111111111", "region": "us-east-1"},
	"standby": {"account": "111111111111", "region": "us-west-2"},
	"index": {
		"primary": {
			"security_groups": {"sg-api": t_group("sg-api", "prod-use1-api", "vpc-p"), "sg-web": t_group("sg-web", "prod-use1-web", "vpc-p"), "sg-legacy": t_group("sg-legacy", "legacy", "vpc-p")},
			"vpcs": {"vpc-p": {"id": "vpc-p", "cidr_block": "10.10.0.0/16"}},
		},
		"standby": {
			"security_groups": {"sg-9api": t_group("sg-9api", "prod-usw2-api", "vpc-s"), "sg-9web": t_group("sg-9web", "prod-usw2-web", "vpc-s")},
			"vpcs": {"vpc-s": {"id": "vpc-s", "cidr_block": "10.20.0.0/16"}},
		},
	},
	"parity": {"pairs": pairs, "by_kind": {kind: [p | some p in pairs; p.kind == kind] | some kind in {p.kind | some p in pairs}}},
}

test_rule_missing_in_standby_is_denied if {
	d := t_input([t_pair("sg-api", "sg-9api", "prod-use1-api", [{
		"attribute": "ingress",
		"primary": [t_rule("tcp", 8443, 8443, [], ["sg-9web"])],
		"standby": [],
	}])])
	findings := deny with input as d
	count(findings) == 1
	some f in findings
	f.resource == t_primary_arn("sg-api")
	f.site == "primary"
	f.related == [t_standby_arn("sg-9api")]
	contains(f.message, "sg-api (prod-use1-api) in primary region us-east-1 and its standby twin sg-9api in us-west-2")
	contains(f.message, "only in the primary: tcp 8443 from sg-9web (prod-usw2-web)")
	not contains(f.message, "only in the standby")
}

test_both_directions_are_reported if {
	d := t_input([t_pair("sg-api", "sg-9api", "prod-use1-api", [{
		"attribute": "ingress",
		"primary": [t_rule("tcp", 8443, 8443, ["10.0.0.0/8"], [])],
		"standby": [t_rule("tcp", 8000, 9000, ["0.0.0.0/0"], []), t_rule("-1", null, null, [], ["sg-9api"])],
	}])])
	some f in deny with input as d
	contains(f.message, "only in the primary: tcp 8443 from 10.0.0.0/8; only in the standby: all traffic from sg-9api (prod-usw2-api), tcp 8000-9000 from 0.0.0.0/0")
}

test_pair_without_drift_passes if {
	d := t_input([t_pair("sg-api", "sg-9api", "prod-use1-api", [])])
	count(deny) == 0 with input as d
	applicable == {t_primary_arn("sg-api")} with input as d
}

test_pair_without_drift_field_passes if {
	d := t_input([object.remove(t_pair("sg-api", "sg-9api", "prod-use1-api", []), ["drift"])])
	count(deny) == 0 with input as d
	count(applicable) == 1 with input as d
}

test_own_vpc_cidrs_are_equivalent if {
	d := t_input([t_pair("sg-web", "sg-9web", "prod-use1-web", [{
		"attribute": "ingress",
		"primary": [t_rule("tcp", 9100, 9100, ["10.10.0.0/16"], [])],
		"standby": [t_rule("tcp", 9100, 9100, ["10.20.0.0/16"], [])],
	}])])
	count(deny) == 0 with input as d
	applicable == {t_primary_arn("sg-web")} with input as d
}

test_other_vpc_cidr_is_a_difference if {
	d := t_input([t_pair("sg-web", "sg-9web", "prod-use1-web", [{
		"attribute": "ingress",
		"primary": [t_rule("tcp", 9100, 9100, ["10.10.0.0/16"], [])],
		"standby": [t_rule("tcp", 9100, 9100, ["10.30.0.0/16"], [])],
	}])])
	some f in deny with input as d
	contains(f.message, "only in the primary: tcp 9100 from the VPC CIDR; only in the standby: tcp 9100 from 10.30.0.0/16")
}

test_unpaired_source_group_is_named if {
	d := t_input([t_pair("sg-api", "sg-9api", "prod-use1-api", [{
		"attribute": "ingress",
		"primary": [t_rule("udp", null, null, [], ["sg-legacy"])],
		"standby": [],
	}])])
	some f in deny with input as d
	contains(f.message, "udp all ports from sg-legacy (legacy, primary, no standby twin)")
}

test_other_drift_and_other_kinds_are_ignored if {
	instance_pair := object.union(t_pair("i-1", "i-9", "web-1", [{"attribute": "ingress", "primary": [t_rule("tcp", 1, 1, [], [])], "standby": []}]), {"kind": "instance"})
	other := t_pair("sg-api", "sg-9api", "prod-use1-api", [{"attribute": "description", "primary": "a", "standby": "b"}])
	d := t_input([instance_pair, other])
	count(deny) == 0 with input as d
	applicable == {t_primary_arn("sg-api")} with input as d
}

test_rules_are_described if {
	rule_text(t_rule("icmp", -1, -1, [], [])) == "icmp all ports from no source"
	rule_text(t_rule("tcp", 0, 65535, ["10.0.0.0/8"], [])) == "tcp 0-65535 from 10.0.0.0/8"
	rule_text(t_rule("tcp", 443, 443, ["0.0.0.0/0"], [])) == "tcp 443 from 0.0.0.0/0"
}

test_metadata if {
	metadata.id == "DR-NET-002"
	metadata.severity == "medium"
	metadata.category == "compute"
	metadata.inputs == ["ec2"]
}
