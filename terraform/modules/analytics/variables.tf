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

variable "dr_kms_key_arn" {
  description = "Customer-managed key (DR region) encrypting the DR region's usage-event stream."
  type        = string
}

variable "dr_logs_kms_key_arn" {
  description = "Key (DR region) encrypting the DR stream's Firehose error log group."
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
}

variable "table_name" {
  description = "Glue table name of the usage events, also the key prefix of their objects (terraform/contracts/usage_event_columns.json `table_name`, from lambdas/backend_core/usage_events.py)."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9_]{0,254}$", var.table_name))
    error_message = "table_name must be a Glue table name: lower-case letters, digits and _, starting with a letter."
  }
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

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be a value CloudWatch Logs accepts."
  }
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

variable "named_queries" {
  description = "Athena named queries created in the workgroup (terraform/contracts/athena_named_queries.json `queries`: ops/analytics/queries/*.sql)."
  type = list(object({
    name        = string
    description = string
    query       = string
  }))
  default = []

  validation {
    condition     = alltrue([for q in var.named_queries : length(q.name) >= 1 && length(q.name) <= 128 && length(q.description) <= 1024 && length(q.query) <= 262144])
    error_message = "named queries need a name of 1-128 characters, a description of at most 1,024 and a query of at most 262,144 (Athena's limits)."
  }

  validation {
    condition     = length(distinct([for q in var.named_queries : q.name])) == length(var.named_queries)
    error_message = "named query names must be unique."
  }
}

variable "inventory" {
  description = "The media bucket's S3 Inventory (terraform/contracts/media_inventory.json, plus its source bucket): the analytics bucket takes S3's reports under `prefix` from that bucket only, and a Glue table named `table` reads them (symlink manifests, projection on `partition_key`). null = no inventory."
  type = object({
    source_bucket    = string
    configuration_id = string
    prefix           = string
    table            = string
    partition_key    = string
    partition_format = string
    columns = list(object({
      name = string
      type = string
    }))
  })
  default = null

  validation {
    condition = var.inventory == null ? true : (
      can(regex("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$", var.inventory.source_bucket)) &&
      can(regex("^[a-z_][a-z0-9_]{0,254}$", var.inventory.table)) &&
      length(var.inventory.columns) > 0 && !endswith(var.inventory.prefix, "/")
    )
    error_message = "inventory: a source bucket name, a Glue table name (lowercase letters, digits, _), at least one column, a prefix without a trailing slash."
  }
}
