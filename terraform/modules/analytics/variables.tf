variable "name_prefix" {
  description = "Prefix for every name, usually <project>-<env>."
  type        = string
}

variable "kms_key_arn" {
  description = "Customer-managed key encrypting the stream, the event bucket and query results."
  type        = string
}

variable "logs_kms_key_arn" {
  description = "Key encrypting the Firehose error log group."
  type        = string
}

variable "access_log_bucket" {
  description = "Bucket receiving S3 server access logs of the analytics buckets."
  type        = string
}

variable "columns" {
  description = "Usage event columns (terraform/contracts/usage_event_columns.json `columns`)."
  type = list(object({
    name    = string
    type    = string
    comment = optional(string, "")
  }))

  validation {
    condition     = length(var.columns) > 0 && alltrue([for c in var.columns : contains(["string", "int", "bigint", "double", "boolean", "timestamp", "date"], c.type)])
    error_message = "columns need Glue primitive types (string, int, bigint, double, boolean, timestamp, date)."
  }
}

variable "partition_key" {
  description = "Name of the day partition column (the contract's `partition_key`)."
  type        = string
  default     = "day"
}

variable "table_name" {
  description = "Glue table name of the usage events."
  type        = string
  default     = "usage_events"
}

variable "projection_start_date" {
  description = "First day of the partition projection range (yyyy-MM-dd)."
  type        = string
  default     = "2025-01-01"

  validation {
    condition     = can(regex("^\\d{4}-\\d{2}-\\d{2}$", var.projection_start_date))
    error_message = "projection_start_date must be yyyy-MM-dd."
  }
}

variable "bytes_scanned_cutoff" {
  description = "Athena cancels a query in the workgroup after scanning this many bytes."
  type        = number
  default     = 1073741824

  validation {
    condition     = var.bytes_scanned_cutoff >= 10485760
    error_message = "bytes_scanned_cutoff must be at least 10 MB (Athena's minimum)."
  }
}

variable "buffering_interval_seconds" {
  description = "Firehose buffering interval before a Parquet file is written."
  type        = number
  default     = 300

  validation {
    condition     = var.buffering_interval_seconds >= 60 && var.buffering_interval_seconds <= 900
    error_message = "buffering_interval_seconds must be between 60 and 900."
  }
}

variable "event_retention_days" {
  description = "Days raw usage events are kept."
  type        = number
  default     = 730
}

variable "log_retention_days" {
  description = "Retention of the Firehose error log group."
  type        = number
  default     = 30
}

variable "force_destroy" {
  description = "Disposable envs: destroy the buckets with their objects and the Athena workgroup with its query history."
  type        = bool
  default     = false
}

variable "permissions_boundary_arn" {
  description = "Permission boundary for the module's IAM roles (modules/access developer_boundary_arn; CI may create roles only with it). null = none."
  type        = string
  default     = null
}
