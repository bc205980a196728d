# Two dedicated sending addresses for a tenant's mail server. Each one is billed monthly.
# regenerate_networking = true reboots the instance after each address is added, so that its
# network configuration includes the address. Leave it false on a server that must not reboot,
# and reboot it in a maintenance window instead.
resource "hostwinds_secondary_ip" "mta" {
  count = 2

  instance_id           = hostwinds_instance.mail.id
  regenerate_networking = true

  timeouts = {
    create = "20m"
    delete = "20m"
  }
}

output "sending_ips" {
  value = hostwinds_secondary_ip.mta[*].address
}
