variable "name_prefix" {
  description = "Prefix for every name, usually <project>-<env>."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{2,40}$", var.name_prefix))
    error_message = "name_prefix must be 3-41 lowercase letters, digits or hyphens, starting with a letter."
  }
}

variable "replicated_keys" {
  description = "Purposes whose data is replicated to the DR region: one multi-Region primary key plus a replica key in DR each."
  type        = set(string)
  default     = ["data", "media"]
}

variable "regional_keys" {
  description = "Purposes whose data stays in its region: an independent key in each region."
  type        = set(string)
  default     = ["messaging", "logs", "analytics"]
}

variable "deletion_window_in_days" {
  description = "Waiting period before a scheduled key deletion takes effect."
  type        = number
  default     = 30

  validation {
    condition     = var.deletion_window_in_days >= 7 && var.deletion_window_in_days <= 30
    error_message = "deletion_window_in_days must be between 7 and 30."
  }
}

variable "rotation_period_in_days" {
  description = "Automatic key material rotation period."
  type        = number
  default     = 365

  validation {
    condition     = var.rotation_period_in_days >= 90 && var.rotation_period_in_days <= 2560
    error_message = "rotation_period_in_days must be between 90 and 2560."
  }
}
