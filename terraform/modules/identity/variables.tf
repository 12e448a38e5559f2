variable "name_prefix" {
  description = "Prefix for every name, usually <project>-<env>."
  type        = string
}

variable "groups" {
  type        = map(string)
  description = "Cognito groups (the roles) and their descriptions: the identity contract's groups (terraform/contracts/identity.json)."

  validation {
    condition     = alltrue([for name in keys(var.groups) : can(regex("^[a-z][a-z0-9_-]{0,127}$", name))])
    error_message = "Group names are lower-case letters, digits, _ and - (1-128 characters)."
  }
}

variable "app_client_auth_flows" {
  type        = list(string)
  description = "ExplicitAuthFlows of the mobile app client (the identity contract, terraform/contracts/identity.json): a public client uses SRP and refresh only."

  validation {
    condition     = !contains(var.app_client_auth_flows, "ALLOW_USER_PASSWORD_AUTH") && !contains(var.app_client_auth_flows, "ALLOW_ADMIN_USER_PASSWORD_AUTH")
    error_message = "A public app client must not allow password flows that send the password itself: use ALLOW_USER_SRP_AUTH."
  }
  validation {
    condition     = contains(var.app_client_auth_flows, "ALLOW_REFRESH_TOKEN_AUTH")
    error_message = "The app client must allow ALLOW_REFRESH_TOKEN_AUTH, or users are signed out when the ID token expires."
  }
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
  description = "Minimum password length (the identity contract, terraform/contracts/identity.json)."
  type        = number

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
  description = "Media bucket whose users/<user pool sub>/ prefix the authenticated role may read."
  type        = string
}

variable "media_kms_key_arn" {
  description = "Key encrypting the media bucket (the authenticated role decrypts its own objects)."
  type        = string
}

variable "deletion_protection" {
  description = "Protect the user pool from deletion."
  type        = bool
  default     = true
}

variable "email_sending" {
  description = "SES sending for Cognito's e-mails (DEVELOPER account): source_arn of a verified SES identity (same region as the pool, or us-east-1/us-west-2/eu-west-1) and the from address; null = Cognito's default sender (50 e-mails/day, dev only)."
  type = object({
    source_arn             = string
    from_email_address     = string
    reply_to_email_address = optional(string)
    configuration_set      = optional(string)
  })
  default = null

  validation {
    condition = var.email_sending == null || (
      can(regex("^arn:aws[a-z-]*:ses:[a-z0-9-]+:[0-9]{12}:identity/.+$", var.email_sending.source_arn)) &&
      can(regex("@", var.email_sending.from_email_address))
    )
    error_message = "email_sending needs source_arn = arn:aws:ses:<region>:<account>:identity/<domain or address> and a from_email_address."
  }
}

variable "require_email_sending" {
  description = "Fail the plan unless email_sending is set (true for prod: the default sender's 50/day cap would block sign-ups)."
  type        = bool
  default     = false
}

variable "media_prefix" {
  description = "Key prefix of every user media object (terraform/contracts/s3_layout.json `media_prefix`): the authenticated role may read <media_prefix><its sub>/ only."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9!_.*'()-]+(/[A-Za-z0-9!_.*'()-]+)*/$", var.media_prefix))
    error_message = "media_prefix must be a key prefix ending in / (such as users/)."
  }
}

variable "user_sub_tag" {
  description = "Session tag the identity pool maps the user pool's sub claim to; scopes the authenticated role to users/<sub>/."
  type        = string
  default     = "user_sub"

  validation {
    condition     = can(regex("^[A-Za-z0-9_]{1,64}$", var.user_sub_tag))
    error_message = "user_sub_tag must be 1-64 letters, digits or underscores."
  }
}

variable "permissions_boundary_arn" {
  description = "Permission boundary for the module's role (modules/access developer_boundary_arn; CI may create roles only with it). null = none."
  type        = string
  default     = null
}
