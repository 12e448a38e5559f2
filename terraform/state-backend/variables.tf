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

variable "account_layout" {
  description = "How envs map to AWS accounts (account_layout of terraform/envs/*.tfvars): \"shared\" makes this root create the account's GitHub OIDC provider once, for every env to look up; \"per-env\" leaves it to the env."
  type        = string
  default     = "per-env"

  validation {
    condition     = contains(["per-env", "shared"], var.account_layout)
    error_message = "account_layout must be \"per-env\" or \"shared\"."
  }
}
