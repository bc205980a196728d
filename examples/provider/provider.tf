terraform {
  required_providers {
    hostwinds = {
      source  = "penguinmails/hostwinds"
      version = "~> 0.1"
    }
  }
}

# The API key comes from HOSTWINDS_API_KEY. Hostwinds accepts it only from the
# IPv4 addresses on the key's allow-list.
provider "hostwinds" {
  requests_per_second = 5
  poll_interval       = "2s"
}
