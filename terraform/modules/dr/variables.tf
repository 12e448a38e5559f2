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
  description = "Scheduled drill: enabled (the drill function exists), its alias ARN, schedule, targets, the queue for invocations that could not be delivered, that queue's KMS key (the scheduler's role encrypts with it), and the SNS topic the DrillPassed alarm notifies (null = the alarm has no actions)."
  type = object({
    enabled                 = bool
    function_arn            = optional(string)
    schedule                = optional(string, "rate(7 days)")
    rto_minutes             = number
    rpo_minutes             = number
    dead_letter_arn         = optional(string)
    dead_letter_kms_key_arn = optional(string)
    alarm_topic_arn         = optional(string)
  })
}

variable "fault_injection" {
  description = "FIS experiment template for the drill's replication-pause fault: the global table's ARNs (primary first, then its replicas), the primary media bucket's ARN, the DR region replication goes to, and the longest the pause may last (ISO 8601, PT1M to PT12H). null = no template."
  type = object({
    table_arns       = list(string)
    media_bucket_arn = string
    dr_region        = string
    duration         = optional(string, "PT30M")
  })
  default = null

  validation {
    condition     = var.fault_injection == null || (length(try(var.fault_injection.table_arns, [])) >= 1 && can(regex("^PT([0-9]+M|([1-9]|1[0-2])H)$", try(var.fault_injection.duration, ""))))
    error_message = "fault_injection needs at least the primary table ARN and a duration such as PT30M (1 minute to 12 hours)."
  }
}

variable "permissions_boundary_arn" {
  description = "Permission boundary for the module's IAM roles (modules/access developer_boundary_arn; CI may create roles only with it). null = none."
  type        = string
  default     = null
}
