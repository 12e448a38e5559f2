variable "bucket_name" {
  description = "Globally unique bucket name."
  type        = string

  validation {
    condition     = can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.bucket_name))
    error_message = "bucket_name must be 3-63 lowercase letters, digits, dots or hyphens."
  }
}

variable "kms_key_arn" {
  description = "Customer-managed key for SSE-KMS (access-log targets, which need SSE-S3, use the log-bucket module)."
  type        = string

  validation {
    condition     = can(regex("^arn:aws[a-z-]*:kms:", var.kms_key_arn)) && !strcontains(var.kms_key_arn, "alias/aws/")
    error_message = "kms_key_arn must be a customer-managed KMS key ARN."
  }
}

variable "access_log_bucket" {
  description = "Bucket receiving this bucket's server access logs; null for a log bucket itself."
  type        = string
  default     = null
}

variable "access_log_prefix" {
  description = "Key prefix of this bucket's access logs in access_log_bucket."
  type        = string
  default     = ""
}

variable "archival" {
  description = "Archival policy (terraform/contracts/archival_policy.json); null disables Intelligent-Tiering archive tiers and the tiering transition. Accepts exactly what lambdas/backend_core/archival.py accepts: Deep Archive Access at 180-730 days, Archive Access null or from 180 days and before Deep Archive Access (no archive tier before six months without access)."
  type = object({
    intelligent_tiering_after_days  = number
    archive_access_after_days       = number
    deep_archive_after_days         = number
    noncurrent_to_glacier_days      = number
    noncurrent_expire_days          = number
    abort_incomplete_multipart_days = number
  })
  default = null

  validation {
    condition = var.archival == null ? true : (
      var.archival.deep_archive_after_days >= 180 && var.archival.deep_archive_after_days <= 730 &&
      floor(var.archival.deep_archive_after_days) == var.archival.deep_archive_after_days
    )
    error_message = "archival.deep_archive_after_days must be a whole number of days from 180 to 730 (no archive tier before six months without access)."
  }

  validation {
    condition = var.archival == null ? true : var.archival.archive_access_after_days == null ? true : (
      var.archival.archive_access_after_days >= 180 && var.archival.archive_access_after_days <= 730 &&
      floor(var.archival.archive_access_after_days) == var.archival.archive_access_after_days &&
      var.archival.archive_access_after_days < var.archival.deep_archive_after_days
    )
    error_message = "archival.archive_access_after_days must be null or a whole number of days from 180, before deep_archive_after_days (no archive tier before six months without access)."
  }

  validation {
    condition = var.archival == null ? true : (
      var.archival.intelligent_tiering_after_days >= 0 && var.archival.noncurrent_to_glacier_days >= 1 &&
      var.archival.noncurrent_expire_days >= 1 && var.archival.abort_incomplete_multipart_days >= 1
    )
    error_message = "archival: intelligent_tiering_after_days must be 0 or more, the noncurrent and incomplete-upload days 1 or more."
  }
}

variable "failover_copy" {
  description = "This bucket is a DR copy whose reads are the failover path: it never archives (no Intelligent-Tiering archive tiers; archived objects answer 403 until restored, and a copy nothing reads looks inactive), and it is tagged failover_copy = \"true\" for the policy checks."
  type        = bool
  default     = false
}

variable "scratch_prefixes" {
  description = "Key prefix -> days: objects under the prefix are scratch copies (e.g. the DR drill's canaries) whose current and noncurrent versions expire after that many days. Needs archival (the lifecycle of user-data buckets)."
  type        = map(number)
  default     = {}

  validation {
    condition     = alltrue([for prefix, days in var.scratch_prefixes : endswith(prefix, "/") && length(prefix) > 1 && days >= 1 && floor(days) == days])
    error_message = "scratch_prefixes keys must be key prefixes ending in / and values whole days of 1 or more."
  }
}

variable "expire_current_after_days" {
  description = "Expire current objects after this many days (log buckets); null keeps them."
  type        = number
  default     = null
}

variable "noncurrent_expire_days" {
  description = "Expire noncurrent versions after this many days when no archival policy is given."
  type        = number
  default     = 90
}

variable "extra_policy_statements" {
  description = "IAM policy statements appended to the bucket policy after the TLS-only deny."
  type        = list(any)
  default     = []
}

variable "data_class" {
  description = "Value of the data_class tag (\"user\" for buckets holding user data)."
  type        = string
  default     = "operational"

  validation {
    condition     = contains(["user", "operational", "logs", "analytics"], var.data_class)
    error_message = "data_class must be user, operational, logs or analytics."
  }
}

variable "force_destroy" {
  description = "Allow destroying a non-empty bucket (never in prod)."
  type        = bool
  default     = false
}
