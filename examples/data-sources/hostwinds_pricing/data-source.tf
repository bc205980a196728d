# The monthly cost of a mail server on plan 301 with three dedicated IPs.
data "hostwinds_pricing" "mail" {
  plan_id            = 301
  billing_cycle      = "annually"
  secondary_ip_count = 3
}

output "monthly_cost_usd" {
  value = data.hostwinds_pricing.mail.monthly_total
}
