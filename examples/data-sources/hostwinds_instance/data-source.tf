# Look an instance up by its unique name, or by id with `id = "1234567"`.
data "hostwinds_instance" "mail" {
  name = "mail-tenant-42"
}

output "mail_ip" {
  value = data.hostwinds_instance.mail.main_ip
}
