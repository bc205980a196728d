variable "tenant_name" {
  description = "Short name of the tenant, used in the instance name and the firewall profile name. Both must be unique in the Hostwinds account."
  type        = string
  default     = "tenant-demo"

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9-]{0,40}[a-z0-9]$", var.tenant_name))
    error_message = "tenant_name must be 2 to 42 lower-case letters, digits and hyphens, and must not start or end with a hyphen."
  }
}

variable "tenant_domain" {
  description = "Domain the tenant sends mail from. The PTR records are mail.<domain> on the main IP and mta<N>.<domain> on the secondary IPs; create the matching A records in that domain's DNS."
  type        = string
  default     = "tenant.example.com"
}

variable "location_city" {
  description = "City of the data centre, as the hostwinds_locations data source lists it (for example Seattle, Dallas or Amsterdam)."
  type        = string
  default     = "Seattle"
}

variable "min_memory_mb" {
  description = "The example uses the cheapest plan with at least 1 vCPU and this much memory, in MB."
  type        = number
  default     = 2048
}

variable "billing_cycle" {
  description = "Billing cycle of the instance, also used for the cost model: monthly, quarterly, semiannually, annually, biennially or triennially."
  type        = string
  default     = "monthly"

  validation {
    condition     = contains(["monthly", "quarterly", "semiannually", "annually", "biennially", "triennially"], var.billing_cycle)
    error_message = "billing_cycle must be one of monthly, quarterly, semiannually, annually, biennially or triennially."
  }
}

variable "secondary_ip_count" {
  description = "Number of dedicated sending addresses besides the main IP. Each one is billed monthly and gets its own PTR record."
  type        = number
  default     = 2

  validation {
    condition     = var.secondary_ip_count >= 0 && floor(var.secondary_ip_count) == var.secondary_ip_count
    error_message = "secondary_ip_count must be a whole number, 0 or more."
  }
}

variable "ssh_key_names" {
  description = "Names of SSH keys stored in the Hostwinds account, installed when the instance is built. null installs none. Changing the keys later replaces the instance."
  type        = set(string)
  default     = null
}

variable "root_password" {
  description = "Root password of the instance. Leave it null to keep the one Hostwinds generates; it is read into state as a sensitive value either way."
  type        = string
  default     = null
  sensitive   = true
}
