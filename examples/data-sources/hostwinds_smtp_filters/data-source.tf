# Every SMTP filter event of the account.
data "hostwinds_smtp_filters" "account" {}

# Only the events of one mail server.
data "hostwinds_smtp_filters" "mail" {
  instance_id = hostwinds_instance.mail.id
}

output "mail_filter_reasons" {
  value = [for e in data.hostwinds_smtp_filters.mail.events : "${e.created_at} ${e.ip}: ${e.reason}"]
}

output "filtered_instances" {
  value = distinct([for e in data.hostwinds_smtp_filters.account.events : e.serviceid])
}
