variable "name_prefix" {
  description = "Prefix for every name, usually <project>-<env>."
  type        = string
}

variable "kms_key_arn" {
  description = "Multi-Region primary key encrypting the primary media bucket."
  type        = string
}

variable "dr_kms_key_arn" {
  description = "Replica key encrypting the DR media bucket (and replicated objects)."
  type        = string
}

variable "archival" {
  description = "Archival policy contract (terraform/contracts/archival_policy.json): Intelligent-Tiering archive tiers on the primary media bucket only (the DR copy is the failover read path and never archives), lifecycle hygiene on both."
  type = object({
    intelligent_tiering_after_days  = number
    archive_access_after_days       = number
    deep_archive_after_days         = number
    noncurrent_to_glacier_days      = number
    noncurrent_expire_days          = number
    abort_incomplete_multipart_days = number
  })
}

variable "replication_time_minutes" {
  description = "S3 Replication Time Control threshold (S3 supports exactly 15)."
  type        = number
  default     = 15

  validation {
    condition     = var.replication_time_minutes == 15
    error_message = "S3 Replication Time Control only supports 15 minutes."
  }
}

variable "access_log_retention_days" {
  description = "Days to keep S3 server access logs."
  type        = number
  default     = 90

  validation {
    condition     = var.access_log_retention_days >= 1
    error_message = "access_log_retention_days must be positive."
  }
}

variable "scratch_prefixes" {
  description = "Key prefix -> days after which objects under it (current and noncurrent versions) expire in both media buckets: scratch copies such as the DR drill's canaries (terraform/contracts/drill_canary.json)."
  type        = map(number)
  default     = {}
}

variable "force_destroy" {
  description = "Allow destroying non-empty buckets (disposable envs only)."
  type        = bool
  default     = false
}

variable "cdn_distribution_arn" {
  description = "CloudFront distribution allowed to read the media buckets through origin access control (null = none)."
  type        = string
  default     = null
}

variable "permissions_boundary_arn" {
  description = "Permission boundary for the module's IAM roles (modules/access developer_boundary_arn; CI may create roles only with it). null = none."
  type        = string
  default     = null
}
