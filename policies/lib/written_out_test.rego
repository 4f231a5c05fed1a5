# Some built-in rules write a library function out instead of calling it in a loop over every
# resource (a call costs regorus about as much as the visit; docs/writing-rules.md, "What costs
# time"). Each test here pins one such copy to the library function it mirrors, over the same
# varied input, so that a change of meaning in lib.rego that a copy misses fails here.
package drready.written_out_test

import data.drready.lib

t_arn(site, kind, id) := sprintf("arn:aws:ec2:%s:%s:%s/%s", [
	{"primary": "us-east-1", "standby": "us-west-2"}[site],
	{"primary": "111111111111", "standby": "222222222222"}[site],
	kind, id,
])

# Instances in every state, with and without an image and an instance profile.
t_instances(site) := [object.union(
	{"arn": t_arn(site, "instance", id), "id": id, "name": id, "state": state},
	extra,
) |
	some [id, state, extra] in [
		["i-run", "running", {"image_id": "ami-1", "instance_profile_arn": "arn:aws:iam::222222222222:instance-profile/web"}],
		["i-stop", "stopped", {"image_id": "ami-2", "instance_profile_arn": "arn:aws:iam::222222222222:instance-profile/web"}],
		["i-pend", "pending", {"image_id": "ami-1"}],
		["i-stopping", "stopping", {"image_id": "ami-3", "instance_profile_arn": "arn:aws:iam::222222222222:instance-profile/gone"}],
		["i-down", "shutting-down", {"image_id": "ami-4", "instance_profile_arn": "arn:aws:iam::222222222222:instance-profile/web"}],
		["i-term", "terminated", {"image_id": "ami-5", "instance_profile_arn": "arn:aws:iam::222222222222:instance-profile/web"}],
		["i-noimage", "running", {"image_id": ""}],
		["i-bare", "running", {}],
	]
]

# Launch templates with both versions, one of them, or neither.
t_templates := [object.union({"arn": t_arn("primary", "launch-template", id), "id": id, "name": id}, versions) |
	some [id, versions] in [
		["lt-both", {"default_version": {"version_number": 1, "image_id": "ami-6", "subnet_ids": ["subnet-1"]}, "latest_version": {"version_number": 2, "image_id": "ami-7"}}],
		["lt-latest", {"latest_version": {"version_number": 4, "image_id": "ami-8", "security_group_ids": ["sg-1"]}}],
		["lt-default", {"default_version": {"version_number": 3, "image_id": ""}}],
		["lt-none", {}],
	]
]

# Images of three families, available or not; each with a twin in the standby, available or not.
t_images := [{"arn": t_arn("primary", "image", id), "id": id, "name": name, "state": state, "creation_date": date} |
	some [id, name, state, date] in [
		["ami-1", "web-20261101", "available", "2026-11-01T00:00:00Z"],
		["ami-2", "web-v1.2.3", "available", "2026-11-02T00:00:00Z"],
		["ami-3", "api_2026.11.03", "available", "2026-11-03T00:00:00Z"],
		["ami-4", "api-7", "pending", "2026-11-04T00:00:00Z"],
		["ami-5", "base", "available", "2026-11-05T00:00:00Z"],
	]
]

t_snapshots := [{"arn": t_arn("primary", "snapshot", id), "id": id, "volume_id": volume, "state": state, "start_time": time} |
	some [id, volume, state, time] in [
		["snap-1", "vol-1", "completed", "2026-11-01T00:00:00Z"],
		["snap-2", "vol-1", "completed", "2026-11-02T00:00:00Z"],
		["snap-3", "vol-2", "pending", "2026-11-03T00:00:00Z"],
		["snap-4", "vol-2", "completed", "2026-11-04T00:00:00Z"],
	]
]

# primary id -> the state of its standby twin (no entry: no twin).
t_twin_state := {"ami-1": "available", "ami-2": "pending", "ami-3": "available", "ami-4": "available", "snap-1": "completed", "snap-2": "pending", "snap-4": "completed"}

t_twins := [{"primary": p.arn, "arn": t_arn("standby", kind, sprintf("%s-copy", [p.id])), "state": t_twin_state[p.id]} |
	some [kind, list] in [["image", t_images], ["snapshot", t_snapshots]]
	some p in list
	t_twin_state[p.id]
]

t_input := {
	"primary": {"account": "111111111111", "region": "us-east-1", "ec2": {
		"instances": t_instances("primary"), "launch_templates": t_templates,
		"images": t_images, "snapshots": t_snapshots,
	}},
	"standby": {"account": "222222222222", "region": "us-west-2", "ec2": {"instances": t_instances("standby"), "launch_templates": []}},
	"index": {
		"primary": {"images": {i.id: i | some i in t_images}},
		"standby": {
			"by_arn": {t.arn: {"arn": t.arn, "state": t.state} | some t in t_twins},
			"instance_profile_arns": {"arn:aws:iam::222222222222:instance-profile/web": {"name": "web", "roles": ["web-role"]}},
			"instance_profiles": {"web": {"name": "web", "roles": ["web-role"]}},
			"roles": {"web-role": {"name": "web-role"}},
		},
	},
	"parity": {"standby_of": {t.primary: t.arn | some t in t_twins}},
	"rewrites": [],
}

# DR-NET-001: live_instances is lib.live, launch_versions is lib.launch_version.
test_network_missing_in_standby_live_instances_and_launch_versions if {
	live := data.drready.rules.network_missing_in_standby.live_instances with input as t_input
	live == [i | some i in t_instances("primary"); lib.live(i)]
	versions := data.drready.rules.network_missing_in_standby.launch_versions with input as t_input
	versions == [{"arn": t.arn, "version": lib.launch_version(t)} | some t in t_templates; lib.launch_version(t)]
	count(versions) == 3
}

# DR-EC2-001: the images in use are those of lib.live instances and lib.launch_version versions.
test_ami_not_copied_image_users if {
	users := data.drready.rules.ami_not_copied.image_users with input as t_input
	got := {[id, arn] | some id, arns in users; some arn in arns}
	want := {[id, i.arn] | some i in t_instances("primary"); lib.live(i); id := i.image_id; lib.is_set(id)} | {[id, t.arn] |
		some t in t_templates
		id := lib.launch_version(t).image_id
		lib.is_set(id)
	}
	got == want
	count(got) == 6
}

# DR-EC2-002: builds uses image_family's regex; copied uses lib.twin_of.
test_ami_copy_stale_families_and_twins if {
	builds := data.drready.rules.ami_copy_stale.builds with input as t_input
	{[b[0], b[2]] | some b in builds} == {[data.drready.rules.ami_copy_stale.image_family(i.name), i.id] | some i in t_images; i.state == "available"}
	copied := data.drready.rules.ami_copy_stale.copied with input as t_input
	got := {[b[2], b[4].arn] | some b in copied}
	want := {[i.id, twin.arn] |
		some i in t_images
		i.state == "available"
		twin := lib.twin_of(i.arn) with input as t_input
		twin.state == "available"
	}
	got == want
	count(got) == 2
}

# DR-EBS-002: points holds the completed snapshots whose lib.twin_of is a completed copy.
test_ebs_snapshot_copy_stale_points_use_twin_of if {
	points := data.drready.rules.ebs_snapshot_copy_stale.points with input as t_input
	got := {[p[2], p[4]] | some p in points}
	want := {[s.id, twin.arn] |
		some s in t_snapshots
		s.state == "completed"
		twin := lib.twin_of(s.arn) with input as t_input
		twin.state == "completed"
	}
	got == want
	count(got) == 2
}

# DR-IAM-001: the standby instances judged are the lib.live ones that name a profile (lib.is_set).
test_iam_role_missing_for_standby_judges_live_instances if {
	refs := data.drready.rules.iam_role_missing_for_standby.references with input as t_input
	{r.arn | some r in refs; r.what == "instance"} == {i.arn | some i in t_instances("standby"); lib.live(i); lib.is_set(i.instance_profile_arn)}
}

# DR-IAM-003: the roles of lib.live standby instances, through lib.profile_of.
test_iam_policy_pinned_to_primary_role_users_of_live_instances if {
	users := data.drready.rules.iam_policy_pinned_to_primary.role_users with input as t_input
	got := {[role, arn] | some role, arns in users; some arn in arns}
	want := {[role, i.arn] |
		some i in t_instances("standby")
		lib.live(i)
		profile := lib.profile_of("standby", lib.profile_ref(i)) with input as t_input
		some role in profile.roles
	}
	got == want
	count(got) == 2
}
