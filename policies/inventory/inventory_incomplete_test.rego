package drready.rules.inventory_incomplete

t_input(primary_errors, standby_errors) := {
	"primary": {"account": "111111111111", "region": "us-east-1", "collection_errors": primary_errors},
	"standby": {"account": "222222222222", "region": "us-west-2", "collection_errors": standby_errors},
}

t_error(service, api, code) := {"service": service, "api": api, "code": code, "message": "User is not authorized"}

test_failed_s3_calls_are_denied_once_per_site_and_service if {
	d := t_input(
		[
			t_error("s3", "ListBuckets", "AccessDenied"),
			object.union(t_error("s3", "GetBucketReplication", "AccessDenied"), {"resource": "app-data"}),
		],
		[],
	)
	findings := deny with input as d
	count(findings) == 1
	some f in findings
	f.resource == "arn:aws:s3:us-east-1:111111111111:*"
	f.site == "primary"
	contains(f.message, "ListBuckets (AccessDenied)")
	contains(f.message, "GetBucketReplication on app-data (AccessDenied)")
}

test_one_denied_bucket_names_the_bucket_and_the_iam_action if {
	denied := object.union(
		t_error("s3", "GetBucketReplication", "AccessDenied"),
		{"resource": "arn:aws:s3:::orders", "iam_action": "s3:GetReplicationConfiguration"},
	)
	d := t_input([denied], [])
	findings := deny with input as d
	count(findings) == 1
	some f in findings
	contains(f.message, "GetBucketReplication on arn:aws:s3:::orders (AccessDenied, needs s3:GetReplicationConfiguration) failed")
	contains(f.message, "the resources named are unknown to the rules reading it; everything else was judged")
}

test_a_failed_listing_makes_the_service_unknown if {
	d := t_input([object.union(t_error("s3", "ListBuckets", "AccessDenied"), {"iam_action": "s3:ListAllMyBuckets"})], [])
	some f in deny with input as d
	contains(f.message, "ListBuckets (AccessDenied, needs s3:ListAllMyBuckets) failed, so rules reading it there are unknown.")
}

test_global_service_key_has_empty_region if {
	d := t_input([], [t_error("iam", "ListRoles", "Throttling")])
	findings := deny with input as d
	count(findings) == 1
	some f in findings
	f.resource == "arn:aws:iam::222222222222:*"
	f.site == "standby"
	contains(f.message, "ListRoles (Throttling)")
}

test_errors_of_several_services_give_one_finding_each if {
	d := t_input(
		[t_error("ec2", "DescribeImages", "RequestLimitExceeded"), t_error("route53", "ListHostedZones", "AccessDenied")],
		[t_error("ec2", "DescribeInstances", "Timeout")],
	)
	findings := deny with input as d
	{[f.resource, f.site] | some f in findings} == {
		["arn:aws:ec2:us-east-1:111111111111:*", "primary"],
		["arn:aws:route53::111111111111:*", "primary"],
		["arn:aws:ec2:us-west-2:222222222222:*", "standby"],
	}
}

test_complete_inventory_passes if {
	count(deny) == 0 with input as t_input([], [])
	count(applicable) == 8 with input as t_input([], [])
	"arn:aws:s3:us-west-2:222222222222:*" in applicable with input as t_input([], [])
}

test_every_site_and_service_is_applicable if {
	applicable == {
		"arn:aws:ec2:us-east-1:111111111111:*",
		"arn:aws:s3:us-east-1:111111111111:*",
		"arn:aws:route53::111111111111:*",
		"arn:aws:iam::111111111111:*",
		"arn:aws:ec2:us-west-2:222222222222:*",
		"arn:aws:s3:us-west-2:222222222222:*",
		"arn:aws:route53::222222222222:*",
		"arn:aws:iam::222222222222:*",
	} with input as t_input([], [])
}

test_shared_account_global_keys_are_shared if {
	d := {
		"primary": {"account": "111111111111", "region": "us-east-1", "collection_errors": []},
		"standby": {"account": "111111111111", "region": "us-west-2", "collection_errors": []},
	}
	count(applicable) == 6 with input as d
}

test_metadata if {
	metadata.id == "DR-INV-001"
	metadata.severity == "high"
	metadata.category == "inventory"
	metadata.inputs == []
}
