output "instance_id" {
  description = "The instance's serviceid."
  value       = hostwinds_instance.mail.id
}

output "main_ip" {
  value = hostwinds_instance.mail.main_ip
}

output "sending_ips" {
  description = "The dedicated secondary addresses."
  value       = hostwinds_secondary_ip.mta[*].address
}

output "ptr_records" {
  description = "Every address of the instance with its PTR record."
  value = merge(
    { (hostwinds_rdns.main.ip_address) = hostwinds_rdns.main.dns_ptr },
    { for record in hostwinds_rdns.mta : record.ip_address => record.dns_ptr },
  )
}

output "firewall_profile" {
  value = hostwinds_instance.mail.firewall_profile
}

output "plan_name" {
  value = data.hostwinds_pricing.mail.plan_name
}

output "monthly_total" {
  description = "Monthly cost in USD of the plan and the secondary addresses, from the Hostwinds price list."
  value       = data.hostwinds_pricing.mail.monthly_total
}
