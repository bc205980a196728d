import {
  to = hostwinds_secondary_ip.mta[0]
  id = "1234567/198.51.100.7"
}
