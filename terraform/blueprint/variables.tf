variable "project" {
  description = "Short project name; the first part of every resource name."
  type        = string
  default     = "mbt"

  validation {
    condition     = can(regex("^[a-z][a-z0-9]{1,11}$", var.project))
    error_message = "project must be 2-12 lowercase letters or digits, starting with a letter."
  }
}

variable "env" {
  description = "Environment name."
  type        = string

  validation {
    condition     = contains(["dev", "staging", "prod"], var.env)
    error_message = "env must be dev, staging or prod (local runs on the emulator: make up)."
  }
}

variable "account_layout" {
  description = "How envs map to AWS accounts: \"per-env\" (one account per env; the env creates the account's GitHub OIDC provider and CloudTrail trail) or \"shared\" (all envs in one account; terraform/state-backend creates the OIDC provider once, every env looks it up, and prod owns the trail). Same value in every env."
  type        = string

  validation {
    condition     = contains(["per-env", "shared"], var.account_layout)
    error_message = "account_layout must be \"per-env\" (one AWS account per env) or \"shared\" (all envs in one account)."
  }
}

variable "owner" {
  description = "Team or person accountable for the environment (owner tag)."
  type        = string
}

variable "primary_region" {
  description = "Region serving traffic."
  type        = string
  default     = "us-east-1"
}

variable "dr_region" {
  description = "Warm-standby region."
  type        = string
  default     = "us-west-2"

  validation {
    condition     = can(regex("^[a-z]{2}(-[a-z]+)+-[0-9]$", var.dr_region))
    error_message = "dr_region must be an AWS region name such as us-west-2."
  }
}

variable "lambda_manifest_path" {
  description = "Path of build/lambda/manifest.json written by `ops build lambdas`; null = <repo>/build/lambda/manifest.json."
  type        = string
  default     = null
}

variable "identity" {
  description = "Sign-in settings: MFA mode, threat protection, token lifetimes, SES sending, managed login (domain, the app's callback URLs) and the social/enterprise identity providers."
  type = object({
    mfa_configuration      = optional(string, "OPTIONAL")
    advanced_security_mode = optional(string, "AUDIT")
    access_token_minutes   = optional(number, 60)
    refresh_token_days     = optional(number, 30)
    email_sending = optional(object({
      source_arn             = string
      from_email_address     = string
      reply_to_email_address = optional(string)
      configuration_set      = optional(string)
    }))
    # Managed login and the identity providers: modules/identity variables hosted_login and identity_providers
    # (their descriptions say what each kind needs; the README walks through Apple and Google).
    hosted_login = optional(object({
      # null: <project>-<env>-<account id>, unique per account (a Cognito prefix is unique in its region).
      domain_prefix = optional(string)
      callback_urls = list(string)
      logout_urls   = list(string)
      scopes        = optional(list(string), ["openid", "email", "profile"])
    }))
    providers = optional(map(object({
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
      # Declared only to be refused (validation below): Terraform drops an undeclared attribute silently, so a
      # secret typed here would pass unnoticed and stay in the tfvars and the saved plan.
      client_secret = optional(string)
      private_key   = optional(string)
    })), {})
  })
  default = {}

  validation {
    condition = alltrue([
      for name, provider in var.identity.providers : provider.client_secret == null && provider.private_key == null
    ])
    error_message = "identity.providers: client_secret and private_key never go in tfvars (they would be kept in git and in the plan). Store the secret in Secrets Manager and give its ARN as secret_arn (terraform/modules/identity/README.md)."
  }
}

variable "api" {
  description = "API sizing: stage throttling, log retention, web clients' CORS origins, and per-function memory/timeout/reserved concurrency."
  type = object({
    rate_limit         = number
    burst_limit        = number
    log_retention_days = optional(number, 30)
    # Web clients' origins allowed by CORS (empty: none; mobile apps need no CORS).
    cors_allowed_origins = optional(list(string), [])
    functions = optional(map(object({
      memory_mb            = optional(number, 512)
      timeout_seconds      = optional(number, 10)
      reserved_concurrency = optional(number)
    })), {})
  })

  # A burst is that many requests at once: beyond the API function's reserved concurrency, Lambda throttles
  # them and API Gateway answers 500, not the stage's 429 (ops/env/api_limits.py; the load test shows it).
  validation {
    condition = (
      try(var.api.functions.mobile_api.reserved_concurrency, null) == null
      || var.api.burst_limit <= try(var.api.functions.mobile_api.reserved_concurrency, 0)
    )
    error_message = "api.burst_limit must not exceed api.functions.mobile_api.reserved_concurrency: a burst beyond the reserved concurrency is throttled by Lambda and answered 500 instead of 429. Lower the burst or raise the reservation (and the account's concurrency quota)."
  }
}

variable "data_protection" {
  description = "Protection of the stores that hold user data: deletion protection of the table and the user pool, and the table's point-in-time recovery window (days, 1-35)."
  type = object({
    deletion_protection       = optional(bool, true)
    pitr_recovery_period_days = optional(number, 35)
  })
  default = {}
}

variable "disposable" {
  description = "Whether the env is meant to be torn down with everything in it (`make destroy`): every resource that has a force_destroy argument sets it (buckets with their objects, the Athena workgroup with its query history, ...), the URL-signing key secret is deleted without a recovery window, and deletion protection must be off. Never prod."
  type        = bool

  validation {
    condition     = !(var.disposable && var.env == "prod")
    error_message = "prod cannot be disposable."
  }

  validation {
    condition     = !(var.disposable && var.data_protection.deletion_protection)
    error_message = "a disposable env cannot keep deletion protection on its table and user pool (make destroy would stop part-way): set data_protection.deletion_protection = false."
  }
}

variable "storage" {
  description = "Bucket settings: access-log retention (whether buckets go with their objects is `disposable`)."
  type = object({
    access_log_retention_days = optional(number, 90)
  })
  default = {}
}

variable "apns" {
  description = "APNs token credentials; null = no APNs platform application. Pass via TF_VAR_apns, never in git."
  type = object({
    signing_key = string
    key_id      = string
    team_id     = string
    bundle_id   = string
    sandbox     = optional(bool, false)
  })
  default   = null
  sensitive = true
}

variable "fcm_service_account_json" {
  description = "FCM service account JSON; null = no FCM platform application. Pass via TF_VAR_fcm_service_account_json."
  type        = string
  default     = null
  sensitive   = true
}

variable "analytics" {
  description = "Analytics settings: Athena per-query scan cutoff, Firehose buffering, raw event retention."
  type = object({
    bytes_scanned_cutoff = optional(number, 1073741824)
    buffering_interval_s = optional(number, 300)
    event_retention_days = optional(number, 730)
  })
  default = {}
}

variable "alerts" {
  description = "Alerting: e-mail subscribers and alarm thresholds."
  type = object({
    emails                 = list(string)
    api_5xx_rate_percent   = optional(number, 1)
    api_latency_p99_ms     = optional(number, 1000)
    lambda_errors          = optional(number, 5)
    replication_latency_ms = optional(number, 60000)
    dlq_depth              = optional(number, 1)
    monthly_spend_usd      = optional(number, 100)
  })
}

variable "dr" {
  description = "Disaster recovery: RTO/RPO targets (minutes) and the drill schedule."
  type = object({
    rto_minutes    = number
    rpo_minutes    = number
    drill_schedule = optional(string, "rate(7 days)")
  })

  validation {
    condition     = var.dr.rto_minutes > 0 && var.dr.rpo_minutes > 0
    error_message = "RTO and RPO targets must be positive minutes."
  }
}

variable "dns" {
  description = "The env's DNS: Route 53 zone id and domain; the API answers at api.<domain> (failover record), media at media.<domain>."
  type = object({
    zone_id = string
    domain  = string
  })

  validation {
    condition     = can(regex("^Z[A-Z0-9]{6,31}$", var.dns.zone_id)) && can(regex("^([a-z0-9-]+\\.)+[a-z]{2,}$", var.dns.domain))
    error_message = "dns needs a Route 53 zone id (Z...) and a domain such as dev.example.com."
  }
}

variable "access" {
  description = "Team access: GitHub repository (owner/name) trusted for CI, and CloudTrail log retention."
  type = object({
    github_repository    = string
    github_branch        = optional(string, "main")
    trail_retention_days = optional(number, 365)
    github_environments  = optional(list(string), [])
  })
}

variable "cdn" {
  description = "CloudFront settings: price class, and the public half (PEM) of the RSA key pair that signs media download URLs (null: the media distribution stays disabled and downloads answer 503; see terraform/README.md)."
  type = object({
    price_class            = optional(string, "PriceClass_100")
    signing_public_key_pem = optional(string)
  })
  default = {}
}

variable "legacy_sql" {
  description = "Optional legacy MySQL (off by default): Aurora Serverless v2 global database, RDS Proxy, private VPCs."
  type = object({
    enabled            = optional(bool, false)
    client_cidr_blocks = optional(list(string), [])
    min_capacity       = optional(number, 0.5)
    max_capacity       = optional(number, 8)
  })
  default = {}
}
