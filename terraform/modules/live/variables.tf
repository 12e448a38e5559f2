variable "name_prefix" {
  description = "Prefix for every name, usually <project>-<env>."
  type        = string

  validation {
    condition     = can(regex("^[a-z][a-z0-9-]{1,40}$", var.name_prefix))
    error_message = "name_prefix must be lowercase letters, digits and dashes (2-41 characters)."
  }
}

variable "site" {
  description = "Which site this is: primary or dr (names and descriptions only)."
  type        = string

  validation {
    condition     = contains(["primary", "dr"], var.site)
    error_message = "site must be primary or dr."
  }
}

variable "stage_name" {
  description = "Name of the WebSocket API's stage (part of the wss:// URL and of the @connections ARN)."
  type        = string
  default     = "live"

  validation {
    condition     = can(regex("^[A-Za-z0-9_-]{1,128}$", var.stage_name))
    error_message = "stage_name must be letters, digits, _ and - (at most 128)."
  }
}

variable "socket_function" {
  description = "The live_socket function of this site (modules/api): its name, `live` alias name, and the alias's invoke ARN. It is the $connect authorizer and serves $connect, $disconnect and $default."
  type = object({
    function_name = string
    qualifier     = string
    invoke_arn    = string
  })
}

variable "delivery_function" {
  description = "The live_delivery function of this site (modules/api): the ARN of its `live` alias, which the table stream feeds."
  type = object({
    alias_arn = string
  })
}

variable "table_stream_arn" {
  description = "This region's stream of the main table (the global table's replica here): its own and the replicated writes."
  type        = string
}

variable "live_event_sort_key_prefixes" {
  description = "Sort-key prefixes of the items whose writes become live events (terraform/contracts/item_keys.json live_event_sort_key_prefixes): the stream filter passes INSERT and MODIFY of these only."
  type        = list(string)

  validation {
    condition     = length(var.live_event_sort_key_prefixes) > 0 && length(var.live_event_sort_key_prefixes) <= 5
    error_message = "give 1-5 prefixes (Lambda allows 5 filters per event source mapping by default)."
  }
}

variable "failure_queue_arn" {
  description = "Where stream batches that keep failing go (modules/api failure_queue_arn)."
  type        = string
}

variable "auth_parameter_name" {
  description = "SSM parameter live_socket reads the trusted token issuers from (modules/api live_auth_parameter)."
  type        = string

  validation {
    condition     = startswith(var.auth_parameter_name, "/")
    error_message = "auth_parameter_name must be a path (start with /)."
  }
}

variable "trusted_issuers" {
  description = "Issuers whose Cognito tokens may connect: this region's pool and the primary's (a multi-Region replica shares the primary's). Each one's keys are read from <issuer>/.well-known/jwks.json."
  type        = list(string)

  validation {
    condition     = length(var.trusted_issuers) > 0 && alltrue([for i in var.trusted_issuers : startswith(i, "https://")])
    error_message = "give at least one https:// issuer."
  }
}

variable "client_ids" {
  description = "App client ids a token must be issued to (aud of an ID token, client_id of an access token)."
  type        = list(string)

  validation {
    condition     = length(var.client_ids) > 0
    error_message = "give at least one app client id."
  }
}

variable "throttling" {
  description = "Stage-wide throttling of the WebSocket API: steady messages (and connects) per second, and burst."
  type = object({
    rate_limit  = number
    burst_limit = number
  })

  validation {
    condition     = var.throttling.rate_limit > 0 && var.throttling.burst_limit > 0
    error_message = "throttling limits must be positive."
  }
}

variable "log_retention_days" {
  description = "Retention of the access logs."
  type        = number
  default     = 30

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be a value CloudWatch Logs accepts."
  }
}

variable "logs_kms_key_arn" {
  description = "KMS key of this region's log groups."
  type        = string
}

variable "permissions_boundary_arn" {
  description = "Permissions boundary of the role API Gateway writes logs with."
  type        = string
  default     = null
}

variable "manage_account_logging_role" {
  description = "Set this region's API Gateway account setting (the CloudWatch Logs role WebSocket and REST APIs need for access logs). false when the account manages it elsewhere (it is one setting per account and region)."
  type        = bool
  default     = true
}
