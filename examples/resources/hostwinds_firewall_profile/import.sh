# Import a firewall profile by its numeric id or by its exact name.
terraform import hostwinds_firewall_profile.smtp 12
terraform import hostwinds_firewall_profile.smtp smtp-tenant-42
