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

variable "hosted_login" {
  description = "Managed login (Cognito's hosted sign-in pages) for the mobile app: the Cognito domain prefix (https://<prefix>.auth.<region>.amazoncognito.com), the app's callback and sign-out URLs (custom URL schemes such as myapp://signin, or https for web) and the OAuth scopes. null = no managed login: the app signs in with SRP only and no identity provider can be used."
  type = object({
    domain_prefix = string
    callback_urls = list(string)
    logout_urls   = list(string)
    scopes        = optional(list(string), ["openid", "email", "profile"])
  })
  default = null

  validation {
    condition = var.hosted_login == null || (
      can(regex("^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$", var.hosted_login.domain_prefix)) &&
      !can(regex("aws|amazon|cognito", var.hosted_login.domain_prefix))
    )
    error_message = "hosted_login.domain_prefix must be 1-63 lower-case letters, digits and hyphens (not at either end), without aws, amazon or cognito (Cognito reserves them)."
  }

  validation {
    condition = var.hosted_login == null || (
      length(var.hosted_login.callback_urls) > 0 && length(var.hosted_login.logout_urls) > 0 &&
      alltrue([for url in concat(var.hosted_login.callback_urls, var.hosted_login.logout_urls) :
        can(regex("^[a-z][a-z0-9+.-]*://[^#\\s]+$", url)) && (!startswith(url, "http://") || can(regex("^http://localhost(:[0-9]+)?(/|$)", url)))
      ])
    )
    error_message = "hosted_login needs at least one callback and one sign-out URL, each https://..., http://localhost (development only) or an app URL scheme such as myapp://signin (no fragment)."
  }

  validation {
    condition     = var.hosted_login == null || (contains(try(var.hosted_login.scopes, []), "openid") && alltrue([for s in try(var.hosted_login.scopes, []) : contains(["openid", "email", "profile", "phone", "aws.cognito.signin.user.admin"], s)]))
    error_message = "hosted_login.scopes must include openid and may add email, profile, phone and aws.cognito.signin.user.admin."
  }
}

variable "identity_providers" {
  description = <<-EOT
    Social and enterprise identity providers, keyed by Cognito provider name. The social kinds are named after
    their type (SignInWithApple, Google, Facebook, LoginWithAmazon); OIDC and SAML entries take any name (1-32
    characters, shown on the managed login page). Per kind:
    - Google, Facebook, LoginWithAmazon: client_id and secret_arn (the client secret).
    - SignInWithApple: client_id (the Services ID), team_id, key_id and secret_arn (the .p8 private key).
    - OIDC: client_id, secret_arn (the client secret) and oidc_issuer (https).
    - SAML: metadata_url (https); saml_sign_out = true to sign out at the IdP too.
    secret_arn names a Secrets Manager secret in the pool's region whose SecretString is the value itself.
    scopes replaces the kind's default scopes; attribute_mapping adds to or overrides the default mapping of
    email and name; identifiers are the email domains (or names) that route a user to this IdP.
  EOT
  type = map(object({
    type                      = string
    client_id                 = optional(string)
    secret_arn                = optional(string)
    team_id                   = optional(string)
    key_id                    = optional(string)
    oidc_issuer               = optional(string)
    attributes_request_method = optional(string, "GET")
    metadata_url              = optional(string)
    saml_sign_out             = optional(bool, false)
    scopes                    = optional(list(string))
    attribute_mapping         = optional(map(string), {})
    identifiers               = optional(list(string), [])
  }))
  default = {}

  validation {
    condition     = alltrue([for p in values(var.identity_providers) : contains(["SignInWithApple", "Google", "Facebook", "LoginWithAmazon", "OIDC", "SAML"], p.type)])
    error_message = "identity_providers: each type must be one of SignInWithApple, Google, Facebook, LoginWithAmazon, OIDC, SAML."
  }

  validation {
    condition     = alltrue([for name, p in var.identity_providers : contains(["OIDC", "SAML"], p.type) || name == p.type])
    error_message = "identity_providers: a social provider's key must be its type (SignInWithApple, Google, Facebook or LoginWithAmazon): Cognito names them so."
  }

  validation {
    condition = alltrue([for name, p in var.identity_providers : contains(["SignInWithApple", "Google", "Facebook", "LoginWithAmazon"], p.type) || (
      can(regex("^[^_\\s][^\\s]{0,30}[^_\\s]$", name)) && !contains(["COGNITO", "SignInWithApple", "Google", "Facebook", "LoginWithAmazon"], name)
    )])
    error_message = "identity_providers: an OIDC or SAML provider's name is 2-32 characters without spaces, not starting or ending with _, and not COGNITO or a social kind's name."
  }

  validation {
    condition = alltrue([for name, p in var.identity_providers : p.type == "SAML" || (
      p.client_id != null && p.secret_arn != null && can(regex("^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:[0-9]{12}:secret:.+$", p.secret_arn))
    )])
    error_message = "identity_providers: SignInWithApple, Google, Facebook, LoginWithAmazon and OIDC entries need client_id and secret_arn (arn:aws:secretsmanager:<region>:<account>:secret:<name>), the secret never in tfvars."
  }

  validation {
    condition     = alltrue([for name, p in var.identity_providers : p.type != "SignInWithApple" || (p.team_id != null && p.key_id != null)])
    error_message = "identity_providers: SignInWithApple needs team_id and key_id (Apple developer account, Keys) besides client_id (the Services ID) and secret_arn (the .p8 private key)."
  }

  validation {
    condition     = alltrue([for name, p in var.identity_providers : p.type != "OIDC" || (p.oidc_issuer != null && can(regex("^https://", coalesce(p.oidc_issuer, "-"))) && contains(["GET", "POST"], p.attributes_request_method))])
    error_message = "identity_providers: an OIDC entry needs oidc_issuer = https://... (the IdP's issuer URL) and attributes_request_method GET or POST."
  }

  validation {
    condition     = alltrue([for name, p in var.identity_providers : p.type != "SAML" || can(regex("^https://", coalesce(p.metadata_url, "-")))])
    error_message = "identity_providers: a SAML entry needs metadata_url = https://... (the IdP's SAML metadata document)."
  }

  validation {
    condition     = length(var.identity_providers) == 0 || var.hosted_login != null
    error_message = "identity_providers need hosted_login (the Cognito domain and the app's callback URLs): federated sign-in goes through the managed login pages."
  }
}

variable "post_confirmation" {
  description = "The onboarding function Cognito invokes after every confirmation (adds the user to consumers): its alias ARN, function name and alias. null = no trigger (users join no group)."
  type = object({
    arn           = string
    function_name = string
    qualifier     = string
  })
  default = null
}
