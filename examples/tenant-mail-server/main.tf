# A tenant's mail server on Hostwinds Cloud: one instance, dedicated sending addresses, a PTR
# record on every address, a firewall profile that allows only mail and SSH traffic in, and the
# monthly cost of it all.
#
# `make demo` applies this folder unchanged against the bundled mock API. To run it yourself,
# set HOSTWINDS_API_KEY (and HOSTWINDS_API_URL for the mock). The provider block stays empty so
# that no key is ever written into the configuration.

terraform {
  required_providers {
    hostwinds = {
      source = "penguinmails/hostwinds"
    }
  }
}

provider "hostwinds" {}

# Catalogue look-ups: plan, image and location are chosen by their properties, not by ids
# that differ between accounts.

data "hostwinds_plans" "mail" {
  min_cpu       = 1
  min_memory_mb = var.min_memory_mb
}

data "hostwinds_images" "ubuntu" {
  os = "ubuntu"
}

data "hostwinds_locations" "all" {}

locals {
  # The plans are sorted cheapest first.
  plan = data.hostwinds_plans.mail.plans[0]

  # one() fails the plan when several entries match, and returns null when none does, which
  # the preconditions below turn into a clear error. No wrong image or location is picked
  # silently.
  image_uuid  = one([for image in data.hostwinds_images.ubuntu.images : image.uuid if image.version == "24.04"])
  location_id = one([for location in data.hostwinds_locations.all.locations : location.id if location.city == var.location_city])
}

# The firewall profile denies every packet that no rule allows, in both directions.
resource "hostwinds_firewall_profile" "smtp" {
  name        = "smtp-${var.tenant_name}"
  description = "Mail server of ${var.tenant_name}: SMTP, submission and IMAPS in, SSH for administration, all traffic out"

  rules = [
    { direction = "ingress", protocol = "tcp", port_range_min = 25, port_range_max = 25, description = "SMTP from other mail servers" },
    { direction = "ingress", protocol = "tcp", port_range_min = 465, port_range_max = 465, description = "SMTP submission over TLS" },
    { direction = "ingress", protocol = "tcp", port_range_min = 587, port_range_max = 587, description = "SMTP submission with STARTTLS" },
    { direction = "ingress", protocol = "tcp", port_range_min = 993, port_range_max = 993, description = "IMAP over TLS" },
    { direction = "ingress", protocol = "tcp", port_range_min = 22, port_range_max = 22, description = "SSH for administration" },

    # Outbound delivery (port 25 to other servers), DNS and package updates. Without egress
    # rules the profile blocks all outbound traffic.
    { direction = "egress", ethertype = "IPv4", description = "All outbound IPv4 traffic" },
    { direction = "egress", ethertype = "IPv6", description = "All outbound IPv6 traffic" },
  ]
}

resource "hostwinds_instance" "mail" {
  name             = "mail-${var.tenant_name}"
  location_id      = local.location_id
  plan_id          = local.plan.id
  image            = local.image_uuid
  billing_cycle    = var.billing_cycle
  ssh_keys         = var.ssh_key_names
  root_password    = var.root_password
  firewall_profile = hostwinds_firewall_profile.smtp.name

  lifecycle {
    precondition {
      condition     = local.location_id != null
      error_message = "No Hostwinds location is in the city \"${var.location_city}\". Set location_city to a city that the hostwinds_locations data source lists."
    }
    precondition {
      condition     = local.image_uuid != null
      error_message = "The hostwinds_images data source lists no Ubuntu 24.04 image."
    }
  }
}

# Dedicated sending addresses. regenerate_networking reboots the instance after each address
# is added or released, so that the operating system configures it.
resource "hostwinds_secondary_ip" "mta" {
  count = var.secondary_ip_count

  instance_id           = hostwinds_instance.mail.id
  regenerate_networking = true
}

# A PTR record on every address that sends mail. Receiving servers compare it with the A
# record of the same name, so create mail.<domain> and mta<N>.<domain> in the tenant's DNS.
resource "hostwinds_rdns" "main" {
  instance_id = hostwinds_instance.mail.id
  ip_address  = hostwinds_instance.mail.main_ip
  dns_ptr     = "mail.${var.tenant_domain}"
}

resource "hostwinds_rdns" "mta" {
  count = var.secondary_ip_count

  instance_id = hostwinds_instance.mail.id
  ip_address  = hostwinds_secondary_ip.mta[count.index].address
  dns_ptr     = "mta${count.index + 1}.${var.tenant_domain}"
}

# The cost model reads only the price list, so it is known in the first plan, before anything
# is created.
data "hostwinds_pricing" "mail" {
  plan_id            = local.plan.id
  billing_cycle      = var.billing_cycle
  secondary_ip_count = var.secondary_ip_count
}
