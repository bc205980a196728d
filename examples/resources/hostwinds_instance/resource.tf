data "hostwinds_plans" "mail" {
  min_cpu       = 1
  min_memory_mb = 2048
}

data "hostwinds_images" "ubuntu" {
  os = "ubuntu"
}

resource "hostwinds_instance" "mail" {
  name          = "mail-tenant-42"
  location_id   = 1
  plan_id       = data.hostwinds_plans.mail.plans[0].id
  image         = data.hostwinds_images.ubuntu.images[0].uuid
  billing_cycle = "monthly"
  ssh_keys      = ["ops"]

  timeouts = {
    create = "45m"
  }
}
