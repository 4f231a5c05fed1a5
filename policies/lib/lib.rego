# The shared library of the built-in rules, also usable by custom rules:
#
#	import data.drready.lib
#	... lib.label(resource) ...
#
# Every function here reads only its arguments and the input document; none has side effects.
package drready.lib

# --- values ----------------------------------------------------------------------------------

# A non-empty string. Absent values are left out of the input, so is_set(x.field) is false
# (undefined) both for a missing field and for "".
is_set(value) if {
	is_string(value)
	value != ""
}

# A string as a one-element list, a list as it is, anything else as [] (IAM policy fields).
as_list(value) := value if {
	is_array(value)
} else := [value] if {
	is_string(value)
} else := []

# --- labels ----------------------------------------------------------------------------------

# "id (name)" when the resource has a name different from its id, else the id.
label(resource) := id_label(resource.id, object.get(resource, "name", ""))

# "id (name)" when name is set and differs from id, else id.
id_label(id, name) := sprintf("%s (%s)", [id, name]) if {
	is_set(name)
	name != id
} else := id

# A human duration: 2d 7h, 31h 1m, 24h, 15m, 1m 30s, 45s (days from 48 hours on; seconds are
# shown only below one hour, and what does not fit the two units is cut off).
duration(seconds) := sprintf("%dd %dh", [floor(seconds / 86400), floor((seconds % 86400) / 3600)]) if {
	seconds >= 172800
} else := sprintf("%dh %dm", [floor(seconds / 3600), floor((seconds % 3600) / 60)]) if {
	seconds >= 3600
	seconds % 3600 != 0
} else := sprintf("%dh", [floor(seconds / 3600)]) if {
	seconds >= 3600
} else := sprintf("%dm %ds", [floor(seconds / 60), floor(seconds % 60)]) if {
	seconds >= 60
	seconds % 60 >= 1
} else := sprintf("%dm", [floor(seconds / 60)]) if {
	seconds >= 60
} else := sprintf("%ds", [floor(seconds)])

# Whole seconds in a number of nanoseconds (time.parse_rfc3339_ns, input.now_ns).
seconds(ns) := floor(ns / 1000000000)

# --- names across the two sites ----------------------------------------------------------------

# text with input.rewrites applied in order: the primary region name, the short region codes, then
# the user's [[pairing.rewrites]]; what a primary name, ARN or text becomes in the standby. Rego
# has no loops with state, so the steps are unrolled: up to 64 rewrites are applied.
rewrite(text) := text if {
	count(object.get(input, "rewrites", [])) == 0
} else := rewrite_2(text, 0) if {
	count(input.rewrites) <= 2
} else := rewrite_8(text, 0) if {
	count(input.rewrites) <= 8
} else := rewrite_8(rewrite_8(rewrite_8(rewrite_8(rewrite_8(rewrite_8(rewrite_8(rewrite_8(text, 0), 8), 16), 24), 32), 40), 48), 56)

rewrite_step(text, i) := replace(text, input.rewrites[i][0], input.rewrites[i][1]) if {
	is_string(input.rewrites[i][0])
	is_string(input.rewrites[i][1])
} else := text

rewrite_2(text, i) := rewrite_step(rewrite_step(text, i), i + 1)

rewrite_8(text, i) := rewrite_2(rewrite_2(rewrite_2(rewrite_2(text, i), i + 2), i + 4), i + 6)

# The standby twin of a primary resource, from its ARN (undefined when it has none).
twin_of(primary_arn) := input.index.standby.by_arn[input.parity.standby_of[primary_arn]]

# --- EC2 ---------------------------------------------------------------------------------------

gone_states := {"terminated", "shutting-down"}

# An instance that exists or can be started again: not terminated or shutting down.
live(instance) if not instance.state in gone_states

# The version of a launch template that launches: the default version ($Default, what instances
# and Auto Scaling use unless told otherwise), else the latest version when there is no default.
launch_version(template) := version if {
	version := template.default_version
	is_object(version)
} else := version if {
	version := template.latest_version
	is_object(version)
}

# The instance profile that a launch template version or an instance names, as
# {"by": "arn"|"name", "value": ...}; an ARN wins over a name. Undefined when it names none.
profile_ref(x) := {"by": "arn", "value": x.instance_profile_arn} if {
	is_set(x.instance_profile_arn)
} else := {"by": "name", "value": x.instance_profile_name} if {
	is_set(x.instance_profile_name)
}

# The instance profile a profile_ref resolves to in a site ("primary" or "standby").
profile_of(site, ref) := input.index[site].instance_profile_arns[ref.value] if ref.by == "arn"

profile_of(site, ref) := input.index[site].instance_profiles[ref.value] if ref.by == "name"

# --- S3 ----------------------------------------------------------------------------------------

# Name of the bucket a replication destination ARN (arn:aws:s3:::NAME) points at. Bucket names
# contain no ':', so the last ':'-separated part is the name in every partition.
destination_name(destination_arn) := name if {
	parts := split(destination_arn, ":")
	name := parts[count(parts) - 1]
}

# Destination bucket name of a replication rule, "" when it names none.
destination_of(rule) := destination_name(rule.destination.bucket) if {
	is_string(rule.destination.bucket)
} else := ""

# The enabled replication rules of a bucket ([] without replication).
enabled_rules(bucket) := [rule |
	some rule in bucket.replication.rules
	rule.status == "Enabled"
]

has_enabled_rule(bucket) if count(enabled_rules(bucket)) > 0

# Enabled rules of a primary bucket that write to a bucket of the standby site.
standby_rules(bucket) := [rule |
	some rule in enabled_rules(bucket)
	input.index.standby.buckets[destination_of(rule)]
]

# A replication rule's id, or "without id".
rule_label(rule) := rule.id if {
	is_set(rule.id)
} else := "without id"

# --- Route 53 ----------------------------------------------------------------------------------

# The site of a Route 53 record or health check: Route 53 is global per account.
site_of(record) := "primary" if {
	record.account == input.primary.account
} else := "standby"

# " (set ID)" for a record with a set identifier, else "".
set_label(record) := sprintf(" (set %s)", [record.set_identifier]) if {
	is_set(record.set_identifier)
} else := ""

has_health_check(record) if is_set(record.health_check_id)

# Every failover record, PRIMARY or SECONDARY, with its group, as [group, record].
failover_records contains [group, record] if {
	some group in input.parity.failover
	some role in ["primary", "secondary"]
	record := group[role]
	is_object(record)
}

# Failover groups that have a PRIMARY record.
primary_failover_groups contains group if {
	some group in input.parity.failover
	is_object(group.primary)
}

# --- IAM ---------------------------------------------------------------------------------------

# The statements of a policy document: Statement as a list ([] when absent).
statements(document) := document.Statement if {
	is_array(document.Statement)
} else := [document.Statement] if {
	is_object(document.Statement)
} else := []

# --- Auto Scaling ------------------------------------------------------------------------------

# The launch template an Auto Scaling group launches from, in a site ("primary" or "standby"):
# by id when the group names one (Auto Scaling keeps the id: a template deleted and re-created
# under the same name is another template), else by name. Undefined when the group names no
# template or the site has none of that id or name.
group_template(site, group) := input.index[site].launch_templates[group.launch_template.id] if {
	is_set(group.launch_template.id)
}

group_template(site, group) := template if {
	not is_set(group.launch_template.id)
	is_set(group.launch_template.name)
	some template in input[site].ec2.launch_templates
	template.name == group.launch_template.name
}

# The launch template version an Auto Scaling group launches: "$Default", "$Latest" or a version
# number as a string; "$Default" when the group names none (what Auto Scaling then uses).
group_version(group) := version if {
	version := group.launch_template.version
	is_set(version)
} else := "$Default"

# A numeric version spec as a number; undefined for "$Default", "$Latest" and anything else.
version_number(spec) := to_number(spec) if regex.match(`^[0-9]+$`, spec)

# The data of the launch template version a version spec names, when the snapshot holds it:
# drready keeps each template's default and latest version. Undefined for any other version
# (a number that is neither: not collected, so not judged).
template_version(template, spec) := template.default_version if {
	spec == "$Default"
	is_object(template.default_version)
} else := template.latest_version if {
	spec == "$Latest"
	is_object(template.latest_version)
} else := template.default_version if {
	spec == "$Latest"
	template.latest_version_number == template.default_version_number
	is_object(template.default_version)
} else := template.default_version if {
	version_number(spec) == template.default_version_number
	is_object(template.default_version)
} else := template.latest_version if {
	version_number(spec) == template.latest_version_number
	is_object(template.latest_version)
}

# A version spec naming a version the template cannot have: a number below 1 or above the
# template's latest version number.
version_beyond(template, spec) if version_number(spec) < 1

version_beyond(template, spec) if version_number(spec) > template.latest_version_number

# An Auto Scaling group being deleted (Status "Delete in progress").
group_deleting(group) if startswith(lower(object.get(group, "status", "")), "delete")

# The standby twin of a primary Auto Scaling group, when neither is being deleted: the pair the
# Auto Scaling rules judge. Undefined when the group has no twin or either is going away.
group_twin(primary) := standby if {
	not group_deleting(primary)
	standby := twin_of(primary.arn)
	not group_deleting(standby)
}

# --- KMS ---------------------------------------------------------------------------------------

# The parts of a KMS key reference. An ARN (arn:PARTITION:kms:REGION:ACCOUNT:key/ID or
# ...:alias/NAME) gives {"region", "account", "name"}; a bare key id or alias/NAME gives {"name"}.
# `name` is the key id or alias/NAME, as kms_keys_by_name is keyed. Undefined for anything else.
kms_ref(ref) := {"region": parts[3], "account": parts[4], "name": kms_ref_name(concat(":", array.slice(parts, 5, count(parts))))} if {
	is_string(ref)
	startswith(ref, "arn:")
	parts := split(ref, ":")
	count(parts) >= 6
	parts[2] == "kms"
} else := {"name": kms_ref_name(ref)} if {
	is_set(ref)
	not startswith(ref, "arn:")
}

kms_ref_name(resource) := trim_prefix(resource, "key/")

# A bucket whose default encryption is SSE-KMS or DSSE-KMS: new objects are encrypted with a KMS
# key, which replication must be told to decrypt and re-encrypt.
kms_encrypted(bucket) if bucket.encryption.sse_algorithm in {"aws:kms", "aws:kms:dsse"}

# The KMS keys of each site ("primary", "standby") by key id and by each alias (alias/NAME).
kms_keys_by_name[site][name] := key if {
	some site in ["primary", "standby"]
	some key in object.get(input[site], ["kms", "keys"], [])
	some name in array.concat([key.id], object.get(key, "aliases", []))
}

# --- Load balancers and DNS targets --------------------------------------------------------------

# The listener protocols that terminate TLS with certificates.
tls_protocols := {"HTTPS", "TLS"}

# A DNS name as a record target or a load balancer's DNS name, comparable: lower case, without the
# trailing dot and without the "dualstack." prefix of Route 53 aliases to load balancers.
dns_target(name) := trim_prefix(trim_suffix(lower(name), "."), "dualstack.")

# The targets a Route 53 record answers with: its values and its alias DNS name, as dns_target.
record_targets(record) := {dns_target(value) | some value in object.get(record, "values", [])} | {dns_target(record.alias_target.dns_name) | is_string(record.alias_target.dns_name)}

# The load balancers of a site ("primary" or "standby") by their DNS name, as dns_target:
# load_balancers_by_dns[site][target].
load_balancers_by_dns[site][target] := lb if {
	some site in ["primary", "standby"]
	some lb in object.get(input[site], ["elbv2", "load_balancers"], [])
	is_set(lb.dns_name)
	target := dns_target(lb.dns_name)
}
