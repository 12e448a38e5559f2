variable "name_prefix" {
  description = "Prefix for every name, usually <project>-<env>."
  type        = string
}

variable "api_hosts" {
  description = "execute-api host name of the HTTP API in each site (primary, dr)."
  type = object({
    primary = string
    dr      = string
  })
}

variable "api_ids" {
  description = "HTTP API id in each site, for the custom domain mappings."
  type = object({
    primary = string
    dr      = string
  })
}

variable "health_check" {
  description = "Route 53 health check of each regional API: path, interval (10 or 30 s) and failures before unhealthy."
  type = object({
    path              = optional(string, "/health")
    request_interval  = optional(number, 30)
    failure_threshold = optional(number, 3)
  })
  default = {}

  validation {
    condition     = contains([10, 30], var.health_check.request_interval) && var.health_check.failure_threshold >= 1 && var.health_check.failure_threshold <= 10
    error_message = "request_interval must be 10 or 30 and failure_threshold 1-10."
  }
}

variable "public_api" {
  description = "Public API name and its hosted zone; null = no failover record (clients use the primary URL)."
  type = object({
    zone_id     = string
    domain_name = string
  })
  default = null
}

variable "drill" {
  description = "Scheduled drill: enabled (the drill function exists), its alias ARN, schedule, targets, the queue for invocations that could not be delivered, and that queue's KMS key (the scheduler's role encrypts with it)."
  type = object({
    enabled                 = bool
    function_arn            = optional(string)
    schedule                = optional(string, "rate(7 days)")
    rto_minutes             = number
    rpo_minutes             = number
    dead_letter_arn         = optional(string)
    dead_letter_kms_key_arn = optional(string)
  })
}

variable "permissions_boundary_arn" {
  description = "Permission boundary for the module's IAM roles (modules/access developer_boundary_arn; CI may create roles only with it). null = none."
  type        = string
  default     = null
}
