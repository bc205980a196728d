data "hostwinds_locations" "all" {}

locals {
  dallas = one([for l in data.hostwinds_locations.all.locations : l.id if l.city == "Dallas"])
}
