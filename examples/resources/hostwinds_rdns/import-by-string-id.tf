import {
  to = hostwinds_rdns.main
  id = "1234567/192.0.2.10"
}
