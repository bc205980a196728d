# PTR records for every address of a tenant's mail server. Receiving servers check that the
# PTR record of the sending address names a host whose A record points back at it, so set a
# record on each address that sends mail.
resource "hostwinds_rdns" "main" {
  instance_id = hostwinds_instance.mail.id
  ip_address  = hostwinds_instance.mail.main_ip
  dns_ptr     = "mail.tenant.example.com"
}

resource "hostwinds_rdns" "mta" {
  count = length(hostwinds_secondary_ip.mta)

  instance_id = hostwinds_instance.mail.id
  ip_address  = hostwinds_secondary_ip.mta[count.index].address
  dns_ptr     = "mta${count.index + 1}.tenant.example.com"
}
