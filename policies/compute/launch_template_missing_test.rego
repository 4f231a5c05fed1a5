package drready.rules.launch_template_missing

t_arn(region, id) := sprintf("arn:aws:ec2:%s:111111111111:launch-template/%s", [region, id])

t_template(region, id, name) := {"arn": t_arn(region, id), "id": id, "name": name, "region": region, "account": "111111111111"}

t_input(primary_templates, standby_templates, standby_of) := {
	"primary": {"account": "111111111111", "region": "us-east-1", "ec2": {"launch_templates": primary_templates}},
	"standby": {"account": "111111111111", "region": "us-west-2", "ec2": {"launch_templates": standby_templates}},
	"parity": {"standby_of": standby_of},
}

test_unpaired_template_is_denied if {
	d := t_input(
		[t_template("us-east-1", "lt-0web", "web"), t_template("us-east-1", "lt-0api", "api")],
		[t_template("us-west-2", "lt-9web", "web")],
		{t_arn("us-east-1", "lt-0web"): t_arn("us-west-2", "lt-9web")},
	)
	findings := deny with input as d
	count(findings) == 1
	some f in findings
	f.resource == t_arn("us-east-1", "lt-0api")
	f.site == "primary"
	contains(f.message, "lt-0api (api)")
	contains(f.message, "us-west-2")
}

test_paired_templates_pass if {
	d := t_input(
		[t_template("us-east-1", "lt-0web", "web")],
		[t_template("us-west-2", "lt-9web", "web")],
		{t_arn("us-east-1", "lt-0web"): t_arn("us-west-2", "lt-9web")},
	)
	count(deny) == 0 with input as d
	applicable == {t_arn("us-east-1", "lt-0web")} with input as d
}

test_only_primary_templates_are_applicable if {
	d := t_input(
		[t_template("us-east-1", "lt-0web", "web"), t_template("us-east-1", "lt-0api", "api")],
		[t_template("us-west-2", "lt-9web", "web"), t_template("us-west-2", "lt-9extra", "extra")],
		{},
	)
	applicable == {t_arn("us-east-1", "lt-0web"), t_arn("us-east-1", "lt-0api")} with input as d
	count(deny) == 2 with input as d
}

test_no_templates_nothing_applicable if {
	d := t_input([], [t_template("us-west-2", "lt-9web", "web")], {})
	count(applicable) == 0 with input as d
	count(deny) == 0 with input as d
}

test_metadata if {
	metadata.id == "DR-EC2-003"
	metadata.severity == "high"
	metadata.inputs == ["ec2"]
}
