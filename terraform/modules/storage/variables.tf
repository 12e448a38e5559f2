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

variable "replication" {
  description = "The media replication contract (terraform/contracts/media_replication.json, from lambdas/backend_core/media_replication.py): one rule per direction, primary -> DR (the warm standby's copy) and DR -> primary (fail-back)."
  type = object({
    to_dr = object({
      id                        = string
      prefix                    = string
      delete_marker_replication = bool
      replicate_kms_encrypted   = bool
      replica_modifications     = bool
      storage_class             = string
      replication_time_minutes  = number
    })
    to_primary = object({
      id                        = string
      prefix                    = string
      delete_marker_replication = bool
      replicate_kms_encrypted   = bool
      replica_modifications     = bool
      storage_class             = string
      replication_time_minutes  = number
    })
  })

  validation {
    condition = alltrue([
      for rule in [var.replication.to_dr, var.replication.to_primary] :
      can(regex("^[A-Za-z0-9-]{1,255}$", rule.id)) && contains(["STANDARD", "INTELLIGENT_TIERING"], rule.storage_class)
    ])
    error_message = "Each rule needs an id of 1-255 letters, digits and '-', and a copy class of STANDARD or INTELLIGENT_TIERING (the copy is the failover read path)."
  }
  validation {
    condition     = var.replication.to_dr.replication_time_minutes == 15 && var.replication.to_primary.replication_time_minutes == 15
    error_message = "S3 Replication Time Control only supports 15 minutes."
  }
  validation {
    condition     = var.replication.to_dr.replicate_kms_encrypted && var.replication.to_primary.replicate_kms_encrypted
    error_message = "Media objects are SSE-KMS encrypted: a rule that skips KMS objects replicates nothing."
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

variable "inventory" {
  description = "Daily S3 Inventory of the primary media bucket (terraform/contracts/media_inventory.json, from lambdas/backend_core/archival.py, plus where it goes): Parquet reports into the analytics bucket of the same region (S3 delivers only there), encrypted with the analytics key, which `ops audit lifecycle` reads through Athena. The DR copy has none (the audit lists it). null = no inventory."
  type = object({
    configuration_id         = string
    prefix                   = string
    frequency                = string
    format                   = string
    included_object_versions = string
    optional_fields          = list(string)
    destination_bucket_arn   = string
    kms_key_arn              = string
  })
  default = null

  validation {
    condition = var.inventory == null ? true : (
      contains(["Daily", "Weekly"], var.inventory.frequency) &&
      contains(["CSV", "ORC", "Parquet"], var.inventory.format) &&
      contains(["All", "Current"], var.inventory.included_object_versions) &&
      can(regex("^[A-Za-z0-9._-]{1,64}$", var.inventory.configuration_id)) &&
      can(regex("^arn:aws[a-z-]*:s3:::", var.inventory.destination_bucket_arn)) &&
      !endswith(var.inventory.prefix, "/")
    )
    error_message = "inventory: frequency Daily or Weekly, format CSV, ORC or Parquet, versions All or Current, an id of 1-64 letters, digits, '.', '_' or '-', a destination bucket ARN and a prefix without a trailing slash (S3 adds one)."
  }
}
