# Import a firewall profile by its numeric id.
terraform import hostwinds_firewall_profile.smtp 12
