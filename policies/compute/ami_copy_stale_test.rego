package drready.rules.ami_copy_stale

t_image_arn(region, id) := sprintf("arn:aws:ec2:%s::image/%s", [region, id])

t_image(region, id, name, created, state) := {
	"arn": t_image_arn(region, id), "id": id, "name": name, "region": region, "account": "111111111111",
	"creation_date": created, "state": state,
}

# Standby copies are named like their source id with a "c" suffix and listed as [source id, state].
t_input(images, copies, rpo) := {
	"now": "2026-11-20T10:00:00Z",
	"now_ns": time.parse_rfc3339_ns("2026-11-20T10:00:00Z"),
	"primary": {"account": "111111111111", "region": "us-east-1", "ec2": {"images": images}},
	"standby": {"account": "111111111111", "region": "us-west-2", "ec2": {"images": [t_copy(c) | some c in copies]}},
	"index": {"standby": {
		"images": {t_copy(c).id: t_copy(c) | some c in copies},
		"by_arn": {t_copy(c).arn: t_copy(c) | some c in copies},
	}},
	"parity": {"standby_of": {t_image_arn("us-east-1", c[0]): t_copy(c).arn | some c in copies}},
	"objectives": {"rpo_seconds": rpo, "rto_seconds": 14400, "dns_ttl_max_seconds": 60, "failback": false, "default_tier": "pilot-light"},
}

t_copy(c) := t_image("us-west-2", concat("", [c[0], "c"]), "copy", "2026-11-20T09:00:00Z", c[1])

t_web_builds := [
	t_image("us-east-1", "ami-old", "acme-web-20261021", "2026-10-21T13:05:11Z", "available"),
	t_image("us-east-1", "ami-new", "acme-web-20261118", "2026-11-18T16:44:52Z", "available"),
]

test_family_lagging_behind_is_denied if {
	d := t_input(t_web_builds, [["ami-old", "available"]], 86400)
	findings := deny with input as d
	count(findings) == 1
	some f in findings
	f.resource == t_image_arn("us-east-1", "ami-new")
	f.site == "primary"
	f.related == [t_image_arn("us-east-1", "ami-old"), t_image_arn("us-west-2", "ami-oldc")]
	contains(f.message, "AMI family acme-web")
	contains(f.message, "the newest primary build is acme-web-20261118 (ami-new, created 2026-11-18T16:44:52Z)")
	contains(f.message, "is acme-web-20261021 (ami-old, created 2026-10-21T13:05:11Z, copy ami-oldc)")
	contains(f.message, "copy ami-oldc")
	contains(f.message, "28d 3h older, more than the 24h RPO")
}

test_newest_build_copied_passes if {
	d := t_input(t_web_builds, [["ami-old", "available"], ["ami-new", "available"]], 86400)
	count(deny) == 0 with input as d
	applicable == {t_image_arn("us-east-1", "ami-new")} with input as d
}

test_lag_within_rpo_passes if {
	images := [
		t_image("us-east-1", "ami-a", "acme-api-20261119", "2026-11-19T08:00:00Z", "available"),
		t_image("us-east-1", "ami-b", "acme-api-20261120", "2026-11-20T07:00:00Z", "available"),
	]
	d := t_input(images, [["ami-a", "available"]], 86400)
	count(deny) == 0 with input as d
	applicable == {t_image_arn("us-east-1", "ami-b")} with input as d
	count(deny) == 1 with input as object.union(d, {"objectives": {"rpo_seconds": 3600}})
}

test_family_without_any_copy_is_not_applicable if {
	d := t_input(t_web_builds, [], 86400)
	count(applicable) == 0 with input as d
	count(deny) == 0 with input as d
}

test_unavailable_copy_does_not_count if {
	d := t_input(t_web_builds, [["ami-old", "available"], ["ami-new", "pending"]], 86400)
	findings := deny with input as d
	count(findings) == 1
	some f in findings
	contains(f.message, "copy ami-oldc")
}

test_unavailable_primary_build_does_not_count if {
	images := array.concat(t_web_builds, [t_image("us-east-1", "ami-next", "acme-web-20261120", "2026-11-20T09:00:00Z", "pending")])
	d := t_input(images, [["ami-new", "available"]], 86400)
	count(deny) == 0 with input as d
	applicable == {t_image_arn("us-east-1", "ami-new")} with input as d
}

test_families_are_judged_separately if {
	images := array.concat(t_web_builds, [
		t_image("us-east-1", "ami-api1", "acme-api-v1.2.0", "2026-09-01T00:00:00Z", "available"),
		t_image("us-east-1", "ami-api2", "acme-api-v1.3.0", "2026-11-01T00:00:00Z", "available"),
	])
	d := t_input(images, [["ami-new", "available"], ["ami-api1", "available"]], 86400)
	findings := deny with input as d
	{f.resource | some f in findings} == {t_image_arn("us-east-1", "ami-api2")}
	applicable == {t_image_arn("us-east-1", "ami-new"), t_image_arn("us-east-1", "ami-api2")} with input as d
}

test_copy_of_an_old_build_made_today_is_still_stale if {
	# the copy was created at 09:00 today, but it carries the October build
	d := t_input(t_web_builds, [["ami-old", "available"]], 86400)
	count(deny) == 1 with input as d
}

test_equal_build_times_give_one_finding if {
	images := [
		t_image("us-east-1", "ami-1", "acme-db-1", "2026-10-01T00:00:00Z", "available"),
		t_image("us-east-1", "ami-3", "acme-db-3", "2026-11-01T00:00:00Z", "available"),
		t_image("us-east-1", "ami-2", "acme-db-2", "2026-11-01T00:00:00Z", "available"),
	]
	findings := deny with input as t_input(images, [["ami-1", "available"]], 86400)
	count(findings) == 1
	some f in findings
	f.resource == t_image_arn("us-east-1", "ami-3")
}

test_family_names if {
	image_family("acme-web-20261118") == "acme-web"
	image_family("acme-api-v1.3.0") == "acme-api"
	image_family("base_2026.11.02") == "base"
	image_family("golden") == "golden"
	image_family("amzn2-ami-hvm-x86_64-gp2") == "amzn2-ami-hvm-x86_64-gp2"
}

test_metadata if {
	metadata.id == "DR-EC2-002"
	metadata.severity == "medium"
	metadata.category == "compute"
	metadata.inputs == ["ec2"]
}
