package provider_test

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/penguinmails/terraform-provider-hostwinds/internal/mockserver"
)

// TestAccGenerateConfig_importsPlanClean brings existing objects under Terraform the way a user
// adopts servers built by hand: import blocks only, `terraform plan -generate-config-out`, then
// apply. The generated configuration must be usable unchanged, so the plan after the apply
// must show no changes.
func TestAccGenerateConfig_importsPlanClean(t *testing.T) {
	srv := startMock(t)

	// The objects to adopt, created with one configuration. They set the attributes that
	// generated configuration handles worst: a sensitive root password, SSH keys, a firewall
	// profile by name, regenerate_networking and timeouts.
	existing := newCLIRun(t, srv, fmt.Sprintf(`
resource "hostwinds_firewall_profile" "smtp" {
  name        = "smtp-adopted"
  description = "Mail server"
  rules = [
    { direction = "ingress", protocol = "tcp", port_range_min = 25, port_range_max = 25, description = "SMTP" },
    { direction = "ingress", protocol = "tcp", port_range_min = 587, port_range_max = 587 },
    { direction = "egress", ethertype = "IPv6" },
  ]
}

resource "hostwinds_instance" "mail" {
  name             = "mail-adopted"
  location_id      = 1
  plan_id          = 301
  image            = %q
  ssh_keys         = ["ops"]
  root_password    = "correct-horse-battery"
  firewall_profile = hostwinds_firewall_profile.smtp.name

  timeouts = {
    create = "10m"
  }
}

resource "hostwinds_secondary_ip" "mta" {
  instance_id           = hostwinds_instance.mail.id
  regenerate_networking = true
}

resource "hostwinds_rdns" "mta" {
  instance_id = hostwinds_instance.mail.id
  ip_address  = hostwinds_secondary_ip.mta.address
  dns_ptr     = "mta1.adopted.example.com"
}
`, mockserver.ImageUbuntu2404))
	existing.mustRun(0, "apply", "-auto-approve", "-no-color")

	instances := srv.Instances()
	if len(instances) != 1 {
		t.Fatalf("the mock contains %d instances after the first apply, want 1", len(instances))
	}
	instanceID := instances[0].ServiceID
	var secondary string
	for _, ip := range srv.InstanceIPs(instanceID) {
		if ip.Type == "secondary" {
			secondary = ip.IP
		}
	}
	if secondary == "" {
		t.Fatalf("instance %d has no secondary address after the first apply", instanceID)
	}
	profileID := 0
	for _, p := range srv.FirewallProfiles() {
		if p.Name == "smtp-adopted" {
			profileID = p.ID
		}
	}
	if profileID == 0 {
		t.Fatal("the mock contains no profile named smtp-adopted after the first apply")
	}

	// A second folder, on the same mock, that contains nothing but import blocks.
	adopt := newCLIRun(t, srv, fmt.Sprintf(`
import {
  to = hostwinds_instance.mail
  id = "%[1]d"
}

import {
  to = hostwinds_secondary_ip.mta
  id = "%[1]d/%[2]s"
}

import {
  to = hostwinds_rdns.mta
  id = "%[1]d/%[2]s"
}

import {
  to = hostwinds_firewall_profile.smtp
  id = "%[3]d"
}
`, instanceID, secondary, profileID))

	// -detailed-exitcode: 2 means the plan succeeded and contains changes, here the four imports.
	planOut, code := adopt.run(nil, "plan", "-generate-config-out=generated.tf", "-detailed-exitcode", "-no-color")
	generated, readErr := os.ReadFile(filepath.Join(adopt.dir, "generated.tf"))
	if readErr != nil {
		t.Fatalf("terraform plan wrote no generated.tf (exit %d): %v\n%s", code, readErr, planOut)
	}
	t.Logf("generated.tf:\n%s", generated)
	if code != 2 {
		t.Fatalf("terraform plan -generate-config-out exited %d, want 2 (changes: the imports):\n%s", code, planOut)
	}
	if !strings.Contains(planOut, "4 to import, 0 to add, 0 to change, 0 to destroy") {
		t.Errorf("the plan with generated configuration is not four imports and nothing else:\n%s", planOut)
	}

	adopt.mustRun(0, "apply", "-auto-approve", "-no-color")
	replan, code := adopt.run(nil, "plan", "-detailed-exitcode", "-no-color")
	if code != 0 {
		t.Fatalf("terraform plan after importing with the generated configuration exited %d, want 0 (no changes):\n%s",
			code, replan)
	}

	if n := srv.Calls("add_instance"); n != 1 {
		t.Errorf("add_instance was called %d times, want 1: the import must not order a new instance", n)
	}
	if n := srv.Calls("add_ip"); n != 1 {
		t.Errorf("add_ip was called %d times, want 1: the import must not order a new address", n)
	}
}
