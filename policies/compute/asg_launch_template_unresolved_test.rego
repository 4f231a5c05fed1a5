package drready.rules.asg_launch_template_unresolved

t_group_arn(region, account, name) := sprintf("arn:aws:autoscaling:%s:%s:autoScalingGroup:0000:autoScalingGroupName/%s", [region, account, name])

t_group(region, account, name, lt) := {
	"arn": t_group_arn(region, account, name), "id": name, "name": name, "tags": {}, "region": region, "account": account,
	"launch_template": lt, "min_size": 0, "max_size": 4, "desired_capacity": 0,
	"subnet_ids": [], "availability_zones": [], "suspended_processes": [],
}

t_primary_group := t_group("us-east-1", "111111111111", "web-use1", {"id": "lt-p", "name": "web-use1", "version": "$Default"})

t_version(number, extra) := object.union({
	"version_number": number, "image_id": "ami-s", "instance_type": "m6i.large",
	"security_group_ids": ["sg-s"], "subnet_ids": ["subnet-s"], "key_name": "ops", "block_devices": [],
}, extra)

t_template(id, default_number, latest_number, default_version, latest_version) := {
	"arn": sprintf("arn:aws:ec2:us-west-2:222222222222:launch-template/%s", [id]), "id": id, "name": "web-usw2", "tags": {},
	"region": "us-west-2", "account": "222222222222",
	"default_version_number": default_number, "latest_version_number": latest_number,
	"default_version": default_version, "latest_version": latest_version,
}

t_sound_template := t_template("lt-s", 1, 1, t_version(1, {}), t_version(1, {}))

t_input(standby_group, templates) := {
	"now_ns": 1800000000000000000,
	"primary": {"account": "111111111111", "region": "us-east-1", "autoscaling": {"groups": [t_primary_group]}, "ec2": {"launch_templates": []}},
	"standby": {
		"account": "222222222222", "region": "us-west-2", "autoscaling": {"groups": [standby_group]},
		"ec2": {"launch_templates": templates, "key_pairs": [{"name": "ops"}]},
	},
	"parity": {"standby_of": {t_primary_group.arn: standby_group.arn}},
	"index": {
		"primary": {"launch_templates": {"lt-p": {"id": "lt-p"}}},
		"standby": {
			"by_arn": {standby_group.arn: standby_group},
			"launch_templates": {t.id: t | some t in templates},
			"images": {"ami-s": {"id": "ami-s", "state": "available"}, "ami-old": {"id": "ami-old", "state": "available", "deprecation_time": "2020-01-01T00:00:00Z"}},
			"security_groups": {"sg-s": {"id": "sg-s", "vpc_id": "vpc-s"}, "sg-other": {"id": "sg-other", "vpc_id": "vpc-x"}},
			"subnets": {"subnet-s": {"id": "subnet-s", "vpc_id": "vpc-s"}},
			"instance_profiles": {"web": {"name": "web"}},
			"instance_profile_arns": {},
		},
	},
}

t_standby_group(lt) := t_group("us-west-2", "222222222222", "web-usw2", lt)

test_missing_template_is_denied if {
	g := t_standby_group({"id": "lt-gone", "name": "web-usw2", "version": "$Latest"})
	findings := deny with input as t_input(g, [t_sound_template])
	count(findings) == 1
	some f in findings
	f.resource == g.arn
	f.site == "standby"
	contains(f.message, "Standby Auto Scaling group web-usw2 in us-west-2 names launch template lt-gone (web-usw2), which does not exist in the standby site, so every launch after a failover fails")
	f.related == []
}

test_primary_template_id_is_named if {
	g := t_standby_group({"id": "lt-p", "version": "$Default"})
	some f in deny with input as t_input(g, [t_sound_template])
	contains(f.message, "names launch template lt-p, which does not exist in the standby site (lt-p is a launch template of the primary region us-east-1)")
}

test_template_by_name_is_found if {
	g := t_standby_group({"name": "web-usw2"})
	d := t_input(g, [t_sound_template])
	count(deny) == 0 with input as d
	applicable == {g.arn} with input as d
}

test_version_beyond_latest_is_denied if {
	g := t_standby_group({"id": "lt-s", "version": "7"})
	some f in deny with input as t_input(g, [t_template("lt-s", 1, 3, t_version(1, {}), t_version(3, {}))])
	contains(f.message, "launches version 7 of launch template lt-s (web-usw2), which has only versions up to 3")
	f.related == ["arn:aws:ec2:us-west-2:222222222222:launch-template/lt-s"]
}

test_broken_latest_version_is_denied if {
	latest := t_version(2, {"image_id": "ami-primary", "key_name": "gone", "security_group_ids": ["sg-other"], "instance_profile_name": "nope",
		"block_devices": [{"device_name": "/dev/xvda", "kms_key_id": "arn:aws:kms:us-east-1:222222222222:key/k1"}]})
	g := t_standby_group({"id": "lt-s", "version": "$Latest"})
	some f in deny with input as t_input(g, [t_template("lt-s", 1, 2, t_version(1, {}), latest)])
	contains(f.message, "launches version 2 ($Latest) of launch template lt-s (web-usw2), which refers to AMI ami-primary, which does not exist in the standby site")
	contains(f.message, "key pair gone, which does not exist in the standby site")
	contains(f.message, "instance profile nope, which does not exist in the standby account")
	contains(f.message, "security group sg-other of vpc-x, outside the VPC of its subnets")
	contains(f.message, "KMS key arn:aws:kms:us-east-1:222222222222:key/k1 of region us-east-1 for block device /dev/xvda")
	contains(f.message, "the template's default version 1, judged by the launch-template rules, is not the one this group launches")
}

test_deprecated_image_of_pinned_version_is_denied if {
	g := t_standby_group({"id": "lt-s", "version": "3"})
	some f in deny with input as t_input(g, [t_template("lt-s", 2, 3, t_version(2, {}), t_version(3, {"image_id": "ami-old"}))])
	contains(f.message, "launches version 3 (3) of launch template lt-s (web-usw2), which refers to AMI ami-old, which was deprecated at 2020-01-01T00:00:00Z")
}

test_broken_default_version_is_left_to_the_template_rules if {
	g := t_standby_group({"id": "lt-s", "version": "$Default"})
	d := t_input(g, [t_template("lt-s", 1, 1, t_version(1, {"image_id": "ami-primary"}), t_version(1, {"image_id": "ami-primary"}))])
	count(deny) == 0 with input as d
	applicable == {g.arn} with input as d
}

test_sound_latest_version_passes if {
	g := t_standby_group({"id": "lt-s", "version": "$Latest"})
	d := t_input(g, [t_template("lt-s", 1, 2, t_version(1, {"image_id": "ami-primary"}), t_version(2, {}))])
	count(deny) == 0 with input as d
	applicable == {g.arn} with input as d
}

test_older_pinned_version_is_not_judged if {
	g := t_standby_group({"id": "lt-s", "version": "2"})
	d := t_input(g, [t_template("lt-s", 1, 3, t_version(1, {}), t_version(3, {}))])
	count(deny) == 0 with input as d
	count(applicable) == 0 with input as d
}

test_launch_configuration_group_is_not_judged if {
	g := object.remove(t_standby_group({}), ["launch_template"])
	d := t_input(object.union(g, {"launch_configuration_name": "lc"}), [])
	count(applicable) == 0 with input as d
	count(deny) == 0 with input as d
}
