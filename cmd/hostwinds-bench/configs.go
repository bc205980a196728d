package main

import (
	"fmt"
	"strings"

	"github.com/penguinmails/terraform-provider-hostwinds/internal/mockserver"
)

// benchPlanID is the rid of vps-2gb, the 2 GB plan of the mock's catalogue.
const benchPlanID = 301

// objectsPerInstance is the number of managed objects each instance brings: the instance,
// one secondary IP and two PTR records. The firewall profile adds one object per configuration.
const objectsPerInstance = 4

// objectCount returns the number of managed objects in a configuration of n instances.
func objectCount(n int) int {
	return objectsPerInstance*n + 1
}

// providerConfig returns a configuration of n instances, each with one secondary IP and PTR
// records for its main and its secondary address, all attached to one firewall profile.
func providerConfig(n int) string {
	var b strings.Builder
	fmt.Fprintf(&b, `terraform {
  required_providers {
    hostwinds = {
      source = "penguinmails/hostwinds"
    }
  }
}

provider "hostwinds" {}

resource "hostwinds_firewall_profile" "smtp" {
  name = "bench-smtp"
  rules = [
    { direction = "ingress", protocol = "tcp", port_range_min = 25, port_range_max = 25 },
    { direction = "ingress", protocol = "tcp", port_range_min = 22, port_range_max = 22 },
  ]
}

resource "hostwinds_instance" "mail" {
  count            = %[1]d
  name             = "bench-mail-${count.index}"
  location_id      = 1
  plan_id          = %[2]d
  image            = %[3]q
  firewall_profile = hostwinds_firewall_profile.smtp.name
}

resource "hostwinds_secondary_ip" "mail" {
  count       = %[1]d
  instance_id = hostwinds_instance.mail[count.index].id
}

resource "hostwinds_rdns" "main" {
  count       = %[1]d
  instance_id = hostwinds_instance.mail[count.index].id
  ip_address  = hostwinds_instance.mail[count.index].main_ip
  dns_ptr     = "mail-${count.index}.bench.example"
}

resource "hostwinds_rdns" "secondary" {
  count       = %[1]d
  instance_id = hostwinds_secondary_ip.mail[count.index].instance_id
  ip_address  = hostwinds_secondary_ip.mail[count.index].address
  dns_ptr     = "mail-${count.index}-2.bench.example"
}
`, n, benchPlanID, mockserver.ImageUbuntu2404)
	return b.String()
}

// floorConfig returns the same resource graph as providerConfig(n) built from terraform_data,
// which Terraform handles in-process without a provider: the floor that Terraform's own graph
// walk, state handling and output set for the same number of objects and references.
func floorConfig(n int) string {
	return fmt.Sprintf(`resource "terraform_data" "smtp" {
  input = "bench-smtp"
}

resource "terraform_data" "mail" {
  count = %[1]d
  input = {
    name             = "bench-mail-${count.index}"
    firewall_profile = terraform_data.smtp.output
  }
}

resource "terraform_data" "secondary_ip" {
  count = %[1]d
  input = terraform_data.mail[count.index].output.name
}

resource "terraform_data" "rdns_main" {
  count = %[1]d
  input = {
    instance = terraform_data.mail[count.index].output.name
    dns_ptr  = "mail-${count.index}.bench.example"
  }
}

resource "terraform_data" "rdns_secondary" {
  count = %[1]d
  input = {
    address = terraform_data.secondary_ip[count.index].output
    dns_ptr = "mail-${count.index}-2.bench.example"
  }
}
`, n)
}

// cliConfig returns a Terraform CLI configuration that loads penguinmails/hostwinds from
// binDir, so no `terraform init` and no registry are needed.
func cliConfig(binDir string) string {
	return fmt.Sprintf(`provider_installation {
  dev_overrides {
    "penguinmails/hostwinds" = %q
  }
  direct {}
}
`, binDir)
}
