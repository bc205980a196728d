# Import a secondary address by <instance serviceid>/<address>. Quote the resource address,
# because the shell would otherwise expand the brackets.
terraform import 'hostwinds_secondary_ip.mta[0]' 1234567/198.51.100.7
