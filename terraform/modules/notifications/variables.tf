variable "name_prefix" {
  description = "Prefix for every name, usually <project>-<env>."
  type        = string
}

variable "kms_key_arn" {
  description = "Customer-managed key of this region encrypting the queues."
  type        = string
}

variable "apns" {
  description = "APNs token credentials (signing key, key id, team id, bundle id); null skips the APNs platform application."
  type = object({
    signing_key = string
    key_id      = string
    team_id     = string
    bundle_id   = string
    sandbox     = optional(bool, false)
  })
  default   = null
  sensitive = true
}

variable "fcm_service_account_json" {
  description = "FCM (HTTP v1) service account JSON; null skips the FCM platform application."
  type        = string
  default     = null
  sensitive   = true
}

variable "visibility_timeout_seconds" {
  description = "Queue visibility timeout; at least six times the worker's timeout."
  type        = number
  default     = 180

  validation {
    condition     = var.visibility_timeout_seconds >= 30 && var.visibility_timeout_seconds <= 43200
    error_message = "visibility_timeout_seconds must be between 30 and 43200."
  }
}

variable "max_receive_count" {
  description = "Deliveries before a message moves to the dead-letter queue."
  type        = number
  default     = 5

  validation {
    condition     = var.max_receive_count >= 1 && var.max_receive_count <= 1000
    error_message = "max_receive_count must be between 1 and 1000."
  }
}

variable "dlq_retention_seconds" {
  description = "How long dead letters are kept for redrive (max 14 days)."
  type        = number
  default     = 1209600

  validation {
    condition     = var.dlq_retention_seconds >= 60 && var.dlq_retention_seconds <= 1209600
    error_message = "dlq_retention_seconds must be between 60 and 1209600."
  }
}
