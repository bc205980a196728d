package provider_test

import (
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/penguinmails/terraform-provider-hostwinds/internal/mockserver"
)

// badInput is one invalid input. block is a configuration block whose address is address,
// and want matches the provider's error about it: the attribute, the value and the fix,
// where the message carries them.
type badInput struct {
	address string
	block   string
	want    string
	// checkedByAPI marks inputs that only the catalogue or a read can reject. They are
	// planned in a second run, because Terraform does not plan a configuration that fails
	// validation, so these checks would not run beside the others.
	checkedByAPI bool
}

// providerAddress is the address the CLI gives an aliased configuration of this provider.
// OpenTofu's default registry host differs from Terraform's, and the tofu runs name it in
// TF_ACC_PROVIDER_HOST.
func providerAddress(alias string) string {
	host := os.Getenv("TF_ACC_PROVIDER_HOST")
	if host == "" {
		host = "registry.terraform.io"
	}
	return `provider["` + host + `/penguinmails/hostwinds"].` + alias
}

// badProvider is a provider alias with one invalid line, used by a data source so that
// Terraform validates it.
func badProvider(alias, line, want string) badInput {
	return badInput{
		address: providerAddress(alias),
		block: fmt.Sprintf(`
provider "hostwinds" {
  alias = %q
  %s
}

data "hostwinds_locations" %q {
  provider = hostwinds.%s
}
`, alias, line, alias, alias),
		want: want,
	}
}

// badInstance is an instance with one attribute overridden by line.
func badInstance(name, line, want string) badInput {
	attributes := map[string]string{
		"name": `"ok-name"`, "location_id": "1", "plan_id": "301", "image": fmt.Sprintf("%q", mockserver.ImageUbuntu2404),
	}
	key, _, _ := strings.Cut(line, " ")
	delete(attributes, key)
	var lines []string
	for _, k := range []string{"name", "location_id", "plan_id", "image"} {
		if v, ok := attributes[k]; ok {
			lines = append(lines, fmt.Sprintf("  %s = %s", k, v))
		}
	}
	return badInput{
		address: "hostwinds_instance." + name,
		block:   fmt.Sprintf("\nresource \"hostwinds_instance\" %q {\n%s\n  %s\n}\n", name, strings.Join(lines, "\n"), line),
		want:    want,
	}
}

// badBlock is any other resource or data source block.
func badBlock(kind, resourceType, name, body, want string) badInput {
	address := resourceType + "." + name
	if kind == "data" {
		address = "data." + address
	}
	return badInput{
		address: address,
		block:   fmt.Sprintf("\n%s %q %q {\n%s\n}\n", kind, resourceType, name, body),
		want:    want,
	}
}

func profileBlock(name, rule string) badInput {
	return badBlock("resource", "hostwinds_firewall_profile", name, fmt.Sprintf(`  name  = "p-%s"
  rules = [%s]`, name, rule), "")
}

func badInputs() []badInput {
	withWant := func(in badInput, want string) badInput {
		in.want = want
		return in
	}
	api := func(in badInput) badInput {
		in.checkedByAPI = true
		return in
	}
	return []badInput{
		// Provider block.
		badProvider("endpoint_no_scheme", `endpoint = "clients.hostwinds.com/cloud/api.php"`,
			`endpoint "clients\.hostwinds\.com/cloud/api\.php" is not an absolute http or https URL\. Use the full URL of the API script, such as https://`),
		badProvider("endpoint_ftp", `endpoint = "ftp://127.0.0.1/api.php"`,
			`endpoint "ftp://127\.0\.0\.1/api\.php" is not an absolute http or https URL\. Use the full URL`),
		badProvider("retries_negative", `max_retries = -1`, `max_retries value must be between 0 and 20, got: -1`),
		badProvider("retries_many", `max_retries = 50`, `max_retries value must be between 0 and 20, got: 50`),
		badProvider("rate_zero", `requests_per_second = 0`, `requests_per_second value must be between 0\.1\d* and 1000\.?\d*, got: 0`),
		badProvider("poll_word", `poll_interval = "fast"`, `poll_interval is "fast", but it must be a duration from 10ms to 1m0s, such as 500ms or 2s`),
		badProvider("poll_short", `poll_interval = "5ms"`, `poll_interval is "5ms", but it must be a duration from 10ms`),

		// hostwinds_instance.
		badInstance("name_empty", `name = ""`, `name is "", but it must be 1 to 64 printable characters.*Use a name such as "mail-tenant-42"`),
		badInstance("name_padded", `name = " mail "`, `name is " mail ", but it must be .*without leading or trailing spaces\. Use a name such as`),
		badInstance("name_long", fmt.Sprintf(`name = %q`, strings.Repeat("m", 65)), `name is "m{65}", but it must be 1 to 64 printable characters`),
		badInstance("image_word", `image = "ubuntu"`, `image must be an image UUID such as 0f1a2b3c-0000-4000-8000-000000002404; list them with the hostwinds_images data source, got: ubuntu`),
		badInstance("plan_zero", `plan_id = 0`, `plan_id value must be at least 1, got: 0`),
		badInstance("location_negative", `location_id = -1`, `location_id value must be at least 1, got: -1`),
		badInstance("billing_weekly", `billing_cycle = "weekly"`, `billing_cycle value must be one of: \["monthly" "quarterly".*got: "weekly"`),
		badInstance("power_paused", `power_state = "paused"`, `power_state value must be one of: \["running" "stopped"\], got: "paused"`),
		badInstance("password_short", `root_password = "short"`, `root_password string length must be between 8 and 128, got: 5`),
		badInstance("ssh_key_empty", `ssh_keys = [""]`, `ssh_keys.* string length must be between 1 and 255, got: 0`),
		badInstance("firewall_empty", `firewall_profile = ""`, `firewall_profile string length must be between 1 and 255, got: 0`),
		// NOTE: the timeouts library's message names the value and the rule but not the
		// attribute; Terraform shows the attribute in the source line it prints.
		badInstance("timeout_word", `timeouts = { create = "soon" }`, `"soon" must be a string containing a sequence of decimal numbers, each with optional fraction and a unit suffix, such as "300ms"`),
		api(badInstance("plan_unknown", `plan_id = 999`, `plan_id 999 is not a Hostwinds plan\. Use the id of a plan from the hostwinds_plans data source; the plans are: .*301`)),
		api(badInstance("location_unknown", `location_id = 42`, `location_id 42 is not a Hostwinds location\. Use an id from the hostwinds_locations data source: .*Seattle`)),
		api(badInstance("image_unknown", `image = "00000000-0000-4000-8000-000000000000"`,
			`image "00000000-0000-4000-8000-000000000000" is not a Hostwinds public image\. Use a uuid from the hostwinds_images data source`)),

		// hostwinds_secondary_ip.
		badBlock("resource", "hostwinds_secondary_ip", "id_word", `  instance_id = "abc"`,
			`instance_id is "abc", but it must be an instance's numeric serviceid, such as hostwinds_instance\.example\.id`),
		badBlock("resource", "hostwinds_secondary_ip", "id_zero", `  instance_id = "0"`, `instance_id is "0", but it must be an instance's numeric serviceid`),

		// hostwinds_rdns.
		badBlock("resource", "hostwinds_rdns", "ip_out_of_range", "  instance_id = \"1000\"\n  ip_address = \"300.1.2.3\"\n  dns_ptr = \"mail.example.com\"",
			`ip_address is "300\.1\.2\.3", but it must be an IPv4 or IPv6 address, such as 192\.0\.2\.10 or 2001:db8::1`),
		badBlock("resource", "hostwinds_rdns", "ip_prefix", "  instance_id = \"1000\"\n  ip_address = \"192.0.2.10/24\"\n  dns_ptr = \"mail.example.com\"",
			`ip_address is "192\.0\.2\.10/24", but it must be an IPv4 or IPv6 address.*without a zone or prefix length`),
		badBlock("resource", "hostwinds_rdns", "ptr_double_dot", "  instance_id = \"1000\"\n  ip_address = \"192.0.2.10\"\n  dns_ptr = \"mail..example.com\"",
			`dns_ptr is "mail\.\.example\.com", but it has an empty label.*such as "mail\.example\.com"`),
		badBlock("resource", "hostwinds_rdns", "ptr_hyphen", "  instance_id = \"1000\"\n  ip_address = \"192.0.2.10\"\n  dns_ptr = \"-mx.example.com\"",
			`dns_ptr is "-mx\.example\.com", but its label "-mx" is not 1 to 63 letters, digits and inner hyphens.*such as "mail\.example\.com"`),
		badBlock("resource", "hostwinds_rdns", "id_word", "  instance_id = \"12x\"\n  ip_address = \"192.0.2.10\"\n  dns_ptr = \"mail.example.com\"",
			`instance_id is "12x", but it must be an instance's numeric serviceid`),

		// hostwinds_firewall_profile.
		withWant(badBlock("resource", "hostwinds_firewall_profile", "name_empty", "  name = \"\"\n  rules = []", ""),
			`name string length must be between 1 and 255, got: 0`),
		withWant(badBlock("resource", "hostwinds_firewall_profile", "name_padded", "  name = \" smtp\"\n  rules = []", ""),
			`name must not start or end with white space, got: smtp`),
		withWant(profileBlock("port_high", `{ direction = "ingress", protocol = "tcp", port_range_min = 25, port_range_max = 70000 }`),
			`port_range_max is 70000 in the rule \{ingress IPv4 tcp 25-70000\}, but a port must be from 1 to 65535\. Leave both port_range_min and port_range_max out to allow every port`),
		withWant(profileBlock("port_zero", `{ direction = "ingress", protocol = "udp", port_range_min = 0, port_range_max = 53 }`),
			`port_range_min is 0 in the rule \{ingress IPv4 udp 0-53\}, but a port must be from 1 to 65535`),
		withWant(profileBlock("direction_word", `{ direction = "inbound", protocol = "tcp", port_range_min = 25, port_range_max = 25 }`),
			`direction is "inbound" in the rule \{inbound IPv4 tcp 25-25\}, but it must be one of "ingress", "egress"`),
		withWant(profileBlock("protocol_word", `{ direction = "ingress", protocol = "tcp6" }`),
			`protocol is "tcp6" in the rule .*, but it must be one of "tcp", "udp", "icmp".*Leave protocol out to allow every protocol`),
		withWant(profileBlock("ports_on_icmp", `{ direction = "ingress", protocol = "icmp", port_range_min = 8, port_range_max = 8 }`),
			`The rule \{ingress IPv4 icmp 8-8\} has ports, but its protocol is icmp\. Ports apply only to tcp and udp`),
		withWant(profileBlock("ports_reversed", `{ direction = "ingress", protocol = "tcp", port_range_min = 587, port_range_max = 25 }`),
			`port_range_min \(587\) is above port_range_max \(25\)\. Swap them`),

		// Data sources. hostwinds_locations takes no input.
		badBlock("data", "hostwinds_plans", "cpu_negative", `  min_cpu = -1`, `min_cpu value must be at least 0, got: -1`),
		badBlock("data", "hostwinds_plans", "disk_negative", `  min_disk_gb = -10`, `min_disk_gb value must be at least 0, got: -10`),
		badBlock("data", "hostwinds_pricing", "plan_zero", `  plan_id = 0`, `plan_id value must be at least 1, got: 0`),
		badBlock("data", "hostwinds_pricing", "billing_weekly", "  plan_id = 301\n  billing_cycle = \"weekly\"", `billing_cycle value must be one of: .*got: "weekly"`),
		badBlock("data", "hostwinds_pricing", "ips_negative", "  plan_id = 301\n  secondary_ip_count = -1", `secondary_ip_count value must be between 0 and 1000, got: -1`),
		badBlock("data", "hostwinds_pricing", "ip_price_negative", "  plan_id = 301\n  ip_monthly_price = -4.99", `ip_monthly_price value must be between 0\.0* and 1000\.0*, got: -4\.99`),
		api(badBlock("data", "hostwinds_pricing", "plan_unknown", `  plan_id = 999`,
			`plan_id 999 is not in the price list\. Use an id from the hostwinds_plans data source: .*301`)),
		badBlock("data", "hostwinds_images", "os_empty", `  os = ""`, `os string length must be at least 1, got: 0`),
		badBlock("data", "hostwinds_instance", "id_word", `  id = "abc"`, `id must be a numeric serviceid such as 1234567, got: abc`),
		badBlock("data", "hostwinds_instance", "id_and_name", "  id = \"1000\"\n  name = \"mail\"", `2 attributes specified when one \(and only one\) of \[id,name\] is required`),
		badBlock("data", "hostwinds_instance", "name_empty", `  name = ""`, `name is "", but it must be 1 to 64 printable characters`),
		api(badBlock("data", "hostwinds_instance", "name_unknown", `  name = "no-such-instance"`,
			`No instance is named "no-such-instance" in the Hostwinds account\. Check the name, or look it up by id`)),
		badBlock("data", "hostwinds_instance_maintenance", "id_word", `  instance_id = "x"`, `instance_id must be a numeric serviceid such as 1234567, got: x`),
		badBlock("data", "hostwinds_smtp_filters", "id_zero", `  instance_id = "0"`, `instance_id must be a numeric serviceid such as 1234567, got: 0`),
	}
}

// diagnosticsByAddress splits terraform output into its error diagnostics and returns their
// text, white space collapsed, under the address of the "with" line Terraform adds. The text
// leaves out the lines Terraform adds, so a match shows what the provider wrote.
func diagnosticsByAddress(output string) map[string][]string {
	withLine := regexp.MustCompile(`^\s*with (.+),$`)
	out := map[string][]string{}
	var address string
	var text []string
	inError := false
	flush := func() {
		if inError {
			out[address] = append(out[address], strings.Join(strings.Fields(strings.Join(text, " ")), " "))
		}
		inError, address, text = false, "", nil
	}
	for _, line := range strings.Split(output, "\n") {
		line = strings.TrimPrefix(strings.TrimLeft(line, " "), "│")
		trimmed := strings.TrimSpace(line)
		switch {
		case strings.HasPrefix(trimmed, "Error: "):
			flush()
			inError = true
			text = append(text, strings.TrimPrefix(trimmed, "Error: "))
		case strings.HasPrefix(trimmed, "╵"):
			flush()
		case !inError:
		case withLine.MatchString(line):
			address = withLine.FindStringSubmatch(line)[1]
		case !diagnosticLine.MatchString(line):
			text = append(text, trimmed)
		}
	}
	flush()
	return out
}

func TestAccBadInput_rejectedAtPlan(t *testing.T) {
	srv := startMock(t)
	inputs := badInputs()
	if len(inputs) < 30 {
		t.Fatalf("the table holds %d invalid inputs, want at least 30", len(inputs))
	}
	run := newCLIRun(t, srv, "")

	for _, checkedByAPI := range []bool{false, true} {
		var config strings.Builder
		var group []badInput
		for _, in := range inputs {
			if in.checkedByAPI == checkedByAPI {
				config.WriteString(in.block)
				group = append(group, in)
			}
		}
		if err := run.setConfig(config.String()); err != nil {
			t.Fatal(err)
		}
		out := run.mustRun(1, "plan", "-no-color", "-input=false")
		diagnostics := diagnosticsByAddress(out)

		for _, in := range group {
			t.Run(strings.NewReplacer(".", "_", `"`, "", "[", "_", "]", "").Replace(in.address), func(t *testing.T) {
				want := regexp.MustCompile(in.want)
				found := diagnostics[in.address]
				for _, text := range found {
					if want.MatchString(text) {
						return
					}
				}
				t.Errorf("no error about %s matches %q; its errors are: %q", in.address, in.want, found)
			})
		}
	}

	if n := srv.MutatingCalls(); n != 0 {
		t.Errorf("the mock received %d mutating calls, want 0: %v", n, srv.CallCounts())
	}
	t.Logf("bad input: %d invalid inputs rejected at plan time", len(inputs))
}
