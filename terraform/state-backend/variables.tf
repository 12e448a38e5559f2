variable "project" {
  description = "Project name; prefixes the state bucket."
  type        = string
  default     = "mbt"

  validation {
    condition     = can(regex("^[a-z][a-z0-9]{1,11}$", var.project))
    error_message = "project must be 2-12 lowercase letters or digits, starting with a letter."
  }
}

variable "owner" {
  description = "Team accountable for the state bucket (owner tag)."
  type        = string
}

variable "region" {
  description = "Region of the state bucket (envs/*.backend.hcl must name the same)."
  type        = string
  default     = "us-east-1"
}

variable "noncurrent_state_days" {
  description = "Days old state versions are kept for recovery."
  type        = number
  default     = 90

  validation {
    condition     = var.noncurrent_state_days >= 30
    error_message = "keep old state versions at least 30 days."
  }
}
