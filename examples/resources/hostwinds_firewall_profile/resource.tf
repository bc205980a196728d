# A firewall profile for a mail server. A profile denies all traffic that no rule allows, in
# both directions, so it also needs egress rules. Without them the server cannot deliver mail
# to other servers on port 25, resolve names or fetch updates. The ingress rules leave out
# ethertype, which defaults to IPv4, so no inbound IPv6 traffic is allowed. Rules carry no
# source address, so port 22 is open to every address.
resource "hostwinds_firewall_profile" "smtp" {
  name        = "smtp-tenant-42"
  description = "Mail server: SMTP, submission and IMAPS in, SSH for administration, all traffic out"

  rules = [
    { direction = "ingress", protocol = "tcp", port_range_min = 25, port_range_max = 25, description = "SMTP" },
    { direction = "ingress", protocol = "tcp", port_range_min = 465, port_range_max = 465, description = "SMTP submission over TLS" },
    { direction = "ingress", protocol = "tcp", port_range_min = 587, port_range_max = 587, description = "SMTP submission" },
    { direction = "ingress", protocol = "tcp", port_range_min = 993, port_range_max = 993, description = "IMAPS" },
    { direction = "ingress", protocol = "tcp", port_range_min = 22, port_range_max = 22, description = "SSH" },
    { direction = "egress", ethertype = "IPv4", description = "All outbound IPv4" },
    { direction = "egress", ethertype = "IPv6", description = "All outbound IPv6" },
  ]
}

# An instance refers to its profile by name. The instance is the only place to set this
# relation, and switching profiles is an in-place change.
resource "hostwinds_instance" "mail" {
  name             = "mail-tenant-42"
  location_id      = 1
  plan_id          = data.hostwinds_plans.mail.plans[0].id
  image            = data.hostwinds_images.ubuntu.images[0].uuid
  firewall_profile = hostwinds_firewall_profile.smtp.name
}
