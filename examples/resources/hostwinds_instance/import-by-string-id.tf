import {
  to = hostwinds_instance.mail
  id = "1234567"
}
