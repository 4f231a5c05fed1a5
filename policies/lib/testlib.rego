# Builders shared by the built-in rules' tests (not a test file itself: no test_ rules here).
# Tests import it as `import data.drready.testlib`.
package drready.testlib

# An object without its null values: absent optional values are left out of the input, so
# builders taking "no value" as null drop the field with this.
compact(obj) := {k: v | some k, v in obj; v != null}

# Primary site: account 111111111111 in us-east-1; standby site: account 222222222222 in us-west-2.
standby_template_arn(id) := sprintf("arn:aws:ec2:us-west-2:222222222222:launch-template/%s", [id])

standby_instance_arn(id) := sprintf("arn:aws:ec2:us-west-2:222222222222:instance/%s", [id])

standby_profile_arn(name) := sprintf("arn:aws:iam::222222222222:instance-profile/%s", [name])

volume_arn(id) := sprintf("arn:aws:ec2:us-east-1:111111111111:volume/%s", [id])

volume(id, name) := {"arn": volume_arn(id), "id": id, "name": name, "region": "us-east-1", "account": "111111111111", "size_gib": 100, "state": "in-use"}

# A Route 53 record set ARN in hosted zone Z1, type A.
record_arn(name, set_id) := sprintf("arn:aws:route53:::hostedzone/Z1/recordset/%s/A/%s", [name, set_id])

# A primary bucket in us-east-1 replicating with the given rules.
bucket(name, rules) := {
	"arn": sprintf("arn:aws:s3:::%s", [name]),
	"id": name,
	"name": name,
	"region": "us-east-1",
	"account": "111111111111",
	"versioning": "Enabled",
	"replication": {"role": "arn:aws:iam::111111111111:role/s3-replication", "rules": rules},
}

# A versioned standby bucket in us-west-2 without replication.
standby_bucket(name) := {"arn": sprintf("arn:aws:s3:::%s", [name]), "id": name, "name": name, "region": "us-west-2", "account": "111111111111", "versioning": "Enabled"}

# A standby instance using the instance profile profile_arn (null: none, the field is left out).
standby_instance(id, state, profile_arn) := compact({
	"arn": standby_instance_arn(id), "id": id, "name": id, "region": "us-west-2", "account": "222222222222",
	"state": state, "instance_profile_arn": profile_arn,
})

# A standby instance profile holding the named roles.
standby_profile(name, roles) := {"arn": standby_profile_arn(name), "id": name, "name": name, "region": "global", "account": "222222222222", "roles": roles}

# --- load balancers and certificates (DR-ELB, DR-ACM, DR-DNS-008) ------------------------------

traffic_sites := {
	"primary": {"account": "111111111111", "region": "us-east-1"},
	"standby": {"account": "222222222222", "region": "us-west-2"},
}

lb_arn(site, name) := sprintf("arn:aws:elasticloadbalancing:%s:%s:loadbalancer/app/%s/0123456789abcdef", [traffic_sites[site].region, traffic_sites[site].account, name])

lb_dns(site, name) := sprintf("%s-1234567890.%s.elb.amazonaws.com", [name, traffic_sites[site].region])

# An active application load balancer of "primary" or "standby" with the given listeners.
lb(site, name, scheme, listeners) := {
	"arn": lb_arn(site, name), "id": name, "name": name, "tags": {},
	"region": traffic_sites[site].region, "account": traffic_sites[site].account,
	"lb_type": "application", "scheme": scheme, "state": "active", "dns_name": lb_dns(site, name),
	"availability_zones": [], "subnet_ids": [], "security_group_ids": [], "listeners": listeners,
}

listener(protocol, port, certificate_arns) := {
	"arn": sprintf("arn:aws:elasticloadbalancing:us-east-1:111111111111:listener/app/x/0123456789abcdef/%s%v", [lower(protocol), port]),
	"port": port, "protocol": protocol, "certificate_arns": certificate_arns, "default_target_group_arns": [],
}

cert_arn(site, id) := sprintf("arn:aws:acm:%s:%s:certificate/%s", [traffic_sites[site].region, traffic_sites[site].account, id])

# An ACM certificate for names (the first is the domain name); eligibility null leaves it out.
certificate(site, id, names, status, type, not_after, eligibility) := compact({
	"arn": cert_arn(site, id), "id": id, "name": names[0], "tags": {},
	"region": traffic_sites[site].region, "account": traffic_sites[site].account,
	"domain_name": names[0], "subject_alternative_names": names, "status": status, "type": type,
	"not_after": not_after, "renewal_eligibility": eligibility, "in_use_by": [],
})

# The input of the traffic rules: load balancers and certificates per site, load balancer pairs
# [[primary ARN, standby ARN]], record sets (in the primary account) and failover groups.
traffic_input(p_lbs, s_lbs, p_certs, s_certs, pairs, records, failover) := {
	"primary": object.union(traffic_sites.primary, {
		"elbv2": {"load_balancers": p_lbs, "target_groups": []},
		"acm": {"certificates": p_certs},
		"route53": {"record_sets": records},
	}),
	"standby": object.union(traffic_sites.standby, {
		"elbv2": {"load_balancers": s_lbs, "target_groups": []},
		"acm": {"certificates": s_certs},
		"route53": {"record_sets": []},
	}),
	"index": {
		"primary": {"by_arn": {x.arn: x | some x in array.concat(p_lbs, p_certs)}},
		"standby": {"by_arn": {x.arn: x | some x in array.concat(s_lbs, s_certs)}},
	},
	"parity": {
		"by_kind": {"load_balancer": [{"kind": "load_balancer", "primary": p, "standby": s} | some [p, s] in pairs]},
		"standby_of": {p: s | some [p, s] in pairs},
		"primary_of": {s: p | some [p, s] in pairs},
		"failover": failover,
	},
	"workload_of": {},
	"rewrites": [["us-east-1", "us-west-2"], ["use1", "usw2"]],
	"now_ns": time.parse_rfc3339_ns("2026-11-30T00:00:00Z"),
}
