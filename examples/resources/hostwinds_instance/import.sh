# Import an instance by its serviceid.
terraform import hostwinds_instance.mail 1234567
