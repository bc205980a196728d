# Read the maintenance events of a mail server, and stop a change while maintenance runs.
data "hostwinds_instance_maintenance" "mail" {
  instance_id = hostwinds_instance.mail.id
}

output "mail_maintenance" {
  value = [for e in data.hostwinds_instance_maintenance.mail.events : "${e.status}: ${e.description} (${e.start} to ${e.end})"]
}

# `raw` keeps every field the API sent, including ones this data source does not name.
output "mail_maintenance_raw" {
  value = [for e in data.hostwinds_instance_maintenance.mail.events : jsondecode(e.raw)]
}

resource "terraform_data" "deploy" {
  lifecycle {
    precondition {
      condition     = !data.hostwinds_instance_maintenance.mail.in_progress
      error_message = "Maintenance is in progress on the mail server; apply again when it has finished."
    }
  }
}
