# Import a PTR record by <instance serviceid>/<address>. The address may be IPv4 or IPv6.
terraform import hostwinds_rdns.main 1234567/192.0.2.10
