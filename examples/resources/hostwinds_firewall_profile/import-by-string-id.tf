import {
  to = hostwinds_firewall_profile.smtp
  id = "12"
}
