data "hostwinds_images" "ubuntu" {
  os = "ubuntu"
}

locals {
  ubuntu_2404 = one([for i in data.hostwinds_images.ubuntu.images : i.uuid if i.version == "24.04"])
}
