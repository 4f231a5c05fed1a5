package drready.rules.asg_standby_single_az

t_group(region, account, name, extra) := object.union({
	"arn": sprintf("arn:aws:autoscaling:%s:%s:autoScalingGroup:0000:autoScalingGroupName/%s", [region, account, name]),
	"id": name, "name": name, "tags": {}, "region": region, "account": account,
	"min_size": 0, "desired_capacity": 0, "max_size": 4, "subnet_ids": [], "availability_zones": [],
}, extra)

t_p := t_group("us-east-1", "111111111111", "web-use1", {"subnet_ids": ["subnet-p1", "subnet-p2"]})

t_input(p, s) := {
	"primary": {"region": "us-east-1", "autoscaling": {"groups": [p]}},
	"standby": {"region": "us-west-2", "autoscaling": {"groups": [s]}},
	"parity": {"standby_of": {p.arn: s.arn}},
	"index": {
		"primary": {"subnets": {"subnet-p1": {"availability_zone": "us-east-1a"}, "subnet-p2": {"availability_zone": "us-east-1b"}}},
		"standby": {
			"by_arn": {s.arn: s},
			"subnets": {"subnet-s1": {"availability_zone": "us-west-2a"}, "subnet-s2": {"availability_zone": "us-west-2b"}, "subnet-s3": {"availability_zone": "us-west-2a"}},
		},
	},
}

test_single_zone_standby_is_denied if {
	s := t_group("us-west-2", "222222222222", "web-usw2", {"subnet_ids": ["subnet-s1", "subnet-s3"]})
	findings := deny with input as t_input(t_p, s)
	count(findings) == 1
	some f in findings
	f.resource == s.arn
	f.site == "standby"
	f.message == "Standby Auto Scaling group web-usw2 in us-west-2 launches into only us-west-2a, while its primary twin web-use1 uses 2 zones; after a failover one zone's impairment or lack of capacity stops the whole application."
	f.related == [t_p.arn]
}

test_missing_subnet_is_named if {
	s := t_group("us-west-2", "222222222222", "web-usw2", {"subnet_ids": ["subnet-s1", "subnet-p2"]})
	some f in deny with input as t_input(t_p, s)
	contains(f.message, "launches into only us-west-2a; subnet subnet-p2 does not exist in the standby, while")
}

test_zones_without_subnets if {
	p := t_group("us-east-1", "111111111111", "web-use1", {"availability_zones": ["us-east-1a", "us-east-1c"]})
	s := t_group("us-west-2", "222222222222", "web-usw2", {"availability_zones": ["us-west-2a"]})
	some f in deny with input as t_input(p, s)
	contains(f.message, "launches into only us-west-2a")
}

test_two_zones_pass if {
	s := t_group("us-west-2", "222222222222", "web-usw2", {"subnet_ids": ["subnet-s1", "subnet-s2"]})
	count(deny) == 0 with input as t_input(t_p, s)
	applicable == {s.arn} with input as t_input(t_p, s)
}

test_single_zone_primary_is_not_judged if {
	p := t_group("us-east-1", "111111111111", "web-use1", {"subnet_ids": ["subnet-p1"]})
	s := t_group("us-west-2", "222222222222", "web-usw2", {"subnet_ids": ["subnet-s1"]})
	count(deny) == 0 with input as t_input(p, s)
	count(applicable) == 0 with input as t_input(p, s)
}
