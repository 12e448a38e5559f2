variable "name_prefix" {
  description = "Prefix for every name, usually <project>-<env>."
  type        = string
}

variable "table_design" {
  description = "The table design contract (terraform/contracts/table_design.json, from lambdas/backend_core/table_design.py): keys, attributes, GSIs (a GSI's range key may be null), TTL attribute, stream view type, billing mode. Accepts what the Python model accepts (tests/unit/contracts/test_table_design_bounds.py)."
  type = object({
    hash_key         = string
    range_key        = string
    attributes       = list(object({ name = string, type = string }))
    ttl_attribute    = string
    stream_view_type = string
    billing_mode     = string
    global_secondary_indexes = list(object({
      name            = string
      hash_key        = string
      range_key       = optional(string)
      projection_type = string
    }))
  })

  validation {
    condition     = alltrue([for a in var.table_design.attributes : contains(["S", "N", "B"], a.type)])
    error_message = "attribute types must be S, N or B."
  }

  validation {
    condition     = contains(["NEW_IMAGE", "OLD_IMAGE", "NEW_AND_OLD_IMAGES", "KEYS_ONLY"], var.table_design.stream_view_type)
    error_message = "stream_view_type must be NEW_IMAGE, OLD_IMAGE, NEW_AND_OLD_IMAGES or KEYS_ONLY."
  }

  validation {
    condition     = var.table_design.billing_mode == "PAY_PER_REQUEST"
    error_message = "billing_mode must be PAY_PER_REQUEST (on-demand: R1, unknown demand; provisioned capacity would need capacity settings this module does not take)."
  }

  validation {
    condition     = alltrue([for g in var.table_design.global_secondary_indexes : contains(["ALL", "KEYS_ONLY", "INCLUDE"], g.projection_type)])
    error_message = "a GSI's projection_type must be ALL, KEYS_ONLY or INCLUDE."
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
