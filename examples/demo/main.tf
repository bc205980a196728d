# A tenant mail server on Hostwinds Cloud running Ubuntu 24.04, on the first
# plan with at least 1 vCPU and 2 GB of memory, with its monthly cost.
#
# `make demo` runs this against the bundled mock API. To run it yourself, set
# HOSTWINDS_API_KEY (and HOSTWINDS_API_URL for the mock); the provider block
# stays empty so that no key is ever written into the configuration.

terraform {
  required_providers {
    hostwinds = {
      source = "penguinmails/hostwinds"
    }
  }
}

provider "hostwinds" {}

data "hostwinds_plans" "small" {
  min_cpu       = 1
  min_memory_mb = 2048
}

data "hostwinds_images" "all" {}

data "hostwinds_locations" "all" {}

locals {
  # one() fails the plan when several images match, and returns null when none
  # does, which the required image argument rejects. Either way no wrong image
  # is picked silently.
  ubuntu_2404 = one([
    for image in data.hostwinds_images.all.images : image.uuid
    if image.os == "ubuntu" && image.version == "24.04"
  ])
}

resource "hostwinds_instance" "mail" {
  name        = "mail-tenant-demo"
  location_id = 1
  plan_id     = data.hostwinds_plans.small.plans[0].id
  image       = local.ubuntu_2404
}

data "hostwinds_pricing" "mail" {
  plan_id            = hostwinds_instance.mail.plan_id
  secondary_ip_count = 0
}

output "instance_id" {
  value = hostwinds_instance.mail.id
}

output "main_ip" {
  value = hostwinds_instance.mail.main_ip
}

output "hostname" {
  value = hostwinds_instance.mail.hostname
}

output "location_names" {
  description = "Locations available to the account, for choosing location_id."
  value       = { for location in data.hostwinds_locations.all.locations : location.id => "${location.name} (${location.city}, ${location.country})" }
}

output "monthly_total" {
  value = data.hostwinds_pricing.mail.monthly_total
}
