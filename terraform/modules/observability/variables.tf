variable "name_prefix" {
  description = "Prefix for every name, usually <project>-<env>."
  type        = string
}

variable "site" {
  description = "primary or dr: the primary site also watches table replication and spend."
  type        = string

  validation {
    condition     = contains(["primary", "dr"], var.site)
    error_message = "site must be primary or dr."
  }
}

variable "kms_key_arn" {
  description = "Key encrypting the alerts topic of this region."
  type        = string
}

variable "alert_emails" {
  description = "E-mail addresses subscribed to alerts (each must confirm its subscription)."
  type        = list(string)

  validation {
    condition     = length(var.alert_emails) > 0 && alltrue([for e in var.alert_emails : can(regex("^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$", e))])
    error_message = "alert_emails needs at least one valid e-mail address."
  }
}

variable "thresholds" {
  description = "Alarm thresholds: API 5xx rate (%), API p99 latency (ms), Lambda errors per 5 min, table replication latency (ms), dead letters, monthly spend (USD)."
  type = object({
    api_5xx_rate_percent   = number
    api_latency_p99_ms     = number
    lambda_errors          = number
    replication_latency_ms = number
    dlq_depth              = number
    monthly_spend_usd      = number
  })
}

variable "api_id" {
  description = "HTTP API id of this region."
  type        = string
}

variable "function_names" {
  description = "Function key -> function name in this region."
  type        = map(string)
}

variable "dead_letter_queues" {
  description = "Label -> SQS dead-letter queue name in this region."
  type        = map(string)
}

variable "table_name" {
  description = "DynamoDB table name."
  type        = string
}

variable "dr_region" {
  description = "Region receiving the table and bucket replicas (replication alarms)."
  type        = string
}

variable "replication" {
  description = "S3 replication leaving this region: source bucket, destination bucket, rule id (null = none)."
  type = object({
    source_bucket      = string
    destination_bucket = string
    rule_id            = string
  })
  default = null
}

variable "env_name" {
  description = "Value of the env cost allocation tag the budget is filtered on; null = the last part of name_prefix (<project>-<env>)."
  type        = string
  default     = null
}

variable "env_tag_key" {
  description = "Tag key carrying the env name on every resource (provider default tags), activated as a cost allocation tag."
  type        = string
  default     = "env"
}
