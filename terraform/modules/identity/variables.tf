variable "name_prefix" {
  description = "Prefix for every name, usually <project>-<env>."
  type        = string
}

variable "mfa_configuration" {
  description = "Cognito MFA mode: OPTIONAL (users may enrol TOTP) or ON (required)."
  type        = string
  default     = "OPTIONAL"

  validation {
    condition     = contains(["OPTIONAL", "ON"], var.mfa_configuration)
    error_message = "mfa_configuration must be OPTIONAL or ON (OFF is not allowed)."
  }
}

variable "advanced_security_mode" {
  description = "Threat protection: OFF, AUDIT or ENFORCED (AUDIT/ENFORCED select the PLUS tier)."
  type        = string
  default     = "AUDIT"

  validation {
    condition     = contains(["OFF", "AUDIT", "ENFORCED"], var.advanced_security_mode)
    error_message = "advanced_security_mode must be OFF, AUDIT or ENFORCED."
  }
}

variable "password_minimum_length" {
  description = "Minimum password length."
  type        = number
  default     = 12

  validation {
    condition     = var.password_minimum_length >= 12 && var.password_minimum_length <= 99
    error_message = "password_minimum_length must be between 12 and 99."
  }
}

variable "token_validity" {
  description = "Token lifetimes: access and id tokens in minutes, refresh tokens in days."
  type = object({
    access_minutes = optional(number, 60)
    id_minutes     = optional(number, 60)
    refresh_days   = optional(number, 30)
  })
  default = {}

  validation {
    condition = (
      var.token_validity.access_minutes >= 5 && var.token_validity.access_minutes <= 1440 &&
      var.token_validity.id_minutes >= 5 && var.token_validity.id_minutes <= 1440 &&
      var.token_validity.refresh_days >= 1 && var.token_validity.refresh_days <= 3650
    )
    error_message = "access/id tokens live 5-1440 minutes, refresh tokens 1-3650 days."
  }
}

variable "media_bucket_arn" {
  description = "Media bucket whose users/<identity id>/ prefix the authenticated role may use."
  type        = string
}

variable "media_kms_key_arn" {
  description = "Key encrypting the media bucket (the authenticated role encrypts and decrypts its own objects)."
  type        = string
}

variable "deletion_protection" {
  description = "Protect the user pool from deletion."
  type        = bool
  default     = true
}
