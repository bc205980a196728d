# The cheapest unmanaged plan with at least 2 GB of memory and 50 GB of disk.
data "hostwinds_plans" "mail" {
  min_memory_mb = 2048
  min_disk_gb   = 50
}

output "cheapest_plan" {
  value = data.hostwinds_plans.mail.plans[0]
}
