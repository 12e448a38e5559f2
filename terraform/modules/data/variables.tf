variable "name_prefix" {
  description = "Prefix for every name, usually <project>-<env>."
  type        = string
}

variable "table_design" {
  description = "The table design contract (terraform/contracts/table_design.json): keys, attributes, GSIs, TTL attribute, stream view type."
  type = object({
    hash_key         = string
    range_key        = string
    attributes       = list(object({ name = string, type = string }))
    ttl_attribute    = string
    stream_view_type = string
    global_secondary_indexes = list(object({
      name            = string
      hash_key        = string
      range_key       = string
      projection_type = string
    }))
  })

  validation {
    condition     = alltrue([for a in var.table_design.attributes : contains(["S", "N", "B"], a.type)])
    error_message = "attribute types must be S, N or B."
  }
}

variable "kms_key_arn" {
  description = "Multi-Region primary key ARN that encrypts the table in the primary region."
  type        = string
}

variable "dr_kms_key_arn" {
  description = "Replica key ARN that encrypts the table replica in the DR region."
  type        = string
}

variable "dr_region" {
  description = "Region of the global-table replica."
  type        = string

  validation {
    condition     = can(regex("^[a-z]{2}(-[a-z]+)+-[0-9]$", var.dr_region))
    error_message = "dr_region must be an AWS region name such as us-west-2."
  }
}

variable "deletion_protection" {
  description = "Protect the table and its replica from deletion."
  type        = bool
  default     = true
}

variable "pitr_recovery_period_days" {
  description = "Point-in-time recovery window in days."
  type        = number
  default     = 35

  validation {
    condition     = var.pitr_recovery_period_days >= 1 && var.pitr_recovery_period_days <= 35
    error_message = "pitr_recovery_period_days must be between 1 and 35."
  }
}
