variable "name_prefix" {
  description = "Prefix for every name, usually <project>-<env>."
  type        = string
}

variable "env_name" {
  description = "Environment name (ENV_NAME of every function)."
  type        = string

  validation {
    condition     = contains(["dev", "staging", "prod"], var.env_name)
    error_message = "env_name must be dev, staging or prod."
  }
}

variable "site" {
  description = "Which site this deployment is: primary or dr (the drill runs at the primary only)."
  type        = string

  validation {
    condition     = contains(["primary", "dr"], var.site)
    error_message = "site must be primary or dr."
  }
}

variable "functions" {
  description = "Function name -> zip artefact built by `ops build lambdas` (build/lambda/manifest.json): zip, handler, hash, and the runtime and architecture it was built for (must equal `runtime` and `architecture`). mobile_api and notify_worker are required."
  type = map(object({
    zip              = string
    handler          = string
    source_code_hash = string
    runtime          = string
    architecture     = string
  }))

  validation {
    condition     = contains(keys(var.functions), "mobile_api") && contains(keys(var.functions), "notify_worker")
    error_message = "functions must contain mobile_api and notify_worker (run: make build)."
  }

  validation {
    condition     = alltrue([for f in values(var.functions) : endswith(f.zip, ".zip") && can(regex("^[A-Za-z_][A-Za-z0-9_.]*\\.[A-Za-z_][A-Za-z0-9_]*$", f.handler))])
    error_message = "each function needs a .zip artefact and a handler of the form module.function."
  }
}

variable "function_settings" {
  description = "Per-function sizing: memory (MB), timeout (s) and reserved concurrency (null = unreserved)."
  type = map(object({
    memory_mb            = optional(number, 512)
    timeout_seconds      = optional(number, 10)
    reserved_concurrency = optional(number)
  }))
  default = {}

  validation {
    condition     = alltrue([for s in values(var.function_settings) : s.memory_mb >= 128 && s.memory_mb <= 10240 && s.timeout_seconds >= 1 && s.timeout_seconds <= 900])
    error_message = "memory_mb must be 128-10240 and timeout_seconds 1-900."
  }

  validation {
    condition     = try(var.function_settings["mobile_api"].timeout_seconds, 10) <= 29
    error_message = "mobile_api's timeout_seconds must be at most 29: the HTTP API integration gives up after 29 s, and a function still running then commits changes the client was told failed."
  }
}

variable "runtime" {
  description = "Lambda runtime of every function (terraform/contracts/lambda_runtime.json `runtime`; the zips must be built for it)."
  type        = string

  validation {
    condition     = can(regex("^python3\\.(1[1-9])$", var.runtime))
    error_message = "runtime must be python3.11 or newer."
  }
}

variable "architecture" {
  description = "Instruction set of every function (terraform/contracts/lambda_runtime.json `architecture`; the zips' compiled modules must be built for it)."
  type        = string

  validation {
    condition     = contains(["arm64", "x86_64"], var.architecture)
    error_message = "architecture must be arm64 or x86_64."
  }
}

variable "jwt_issuer" {
  description = "OIDC issuer of the Cognito user pool."
  type        = string

  validation {
    condition     = startswith(var.jwt_issuer, "https://")
    error_message = "jwt_issuer must be an https URL."
  }
}

variable "jwt_audience" {
  description = "Accepted audiences (the mobile app client id)."
  type        = list(string)
}

variable "throttling" {
  description = "Stage-wide throttling: steady requests per second and burst."
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
  description = "Retention of function and access logs."
  type        = number
  default     = 30

  validation {
    condition     = contains([1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653], var.log_retention_days)
    error_message = "log_retention_days must be a value CloudWatch Logs accepts."
  }
}

variable "kms_key_arns" {
  description = "Keys of this region: data (table), media (bucket), messaging (queues, function environment) and logs."
  type = object({
    data      = string
    media     = string
    messaging = string
    logs      = string
  })
}

variable "table" {
  description = "The table in this region: name, ARN and stream ARN."
  type = object({
    name       = string
    arn        = string
    stream_arn = string
  })
}

variable "media_bucket" {
  description = "Media bucket of this region: name and ARN."
  type = object({
    name = string
    arn  = string
  })
}

variable "cdn_domain" {
  description = "CloudFront domain serving media downloads (empty when there is no CDN)."
  type        = string
  default     = ""
}

variable "cdn_signing" {
  description = "How mobile_api signs CloudFront download URLs: public key id (null until the operator adds a key: downloads answer 503), the secret holding the private key in this region, and that secret's KMS key."
  type = object({
    key_pair_id = optional(string)
    secret_arn  = string
    kms_key_arn = string
  })
  default = null

  validation {
    condition     = var.cdn_signing == null || can(regex("^arn:[^:]+:secretsmanager:", var.cdn_signing.secret_arn))
    error_message = "cdn_signing.secret_arn must be a Secrets Manager secret ARN."
  }
}

variable "notify_queue" {
  description = "Notification queue of this region: URL and ARN."
  type = object({
    url = string
    arn = string
  })
}

variable "usage_stream" {
  description = "Firehose delivery stream for usage events (null = analytics off): its name and ARN, the role CloudWatch Logs sends with, and the filter pattern of the usage-event lines (terraform/contracts/usage_event_columns.json `log_filter_pattern`)."
  type = object({
    name                  = string
    arn                   = string
    log_delivery_role_arn = string
    filter_pattern        = string
  })
  default = null
}

variable "platform_application_arns" {
  description = "SNS platform application ARNs (null when not configured)."
  type = object({
    apns = optional(string)
    fcm  = optional(string)
  })
  default = {}
}

variable "archive_prefix" {
  description = "Key prefix in the media bucket where TTL-expired items are archived (terraform/contracts/s3_layout.json `ttl_archive_prefix`, the archival policy's `expired_items_prefix`)."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9!_.*'()-]+(/[A-Za-z0-9!_.*'()-]+)*/$", var.archive_prefix))
    error_message = "archive_prefix must be a key prefix ending in / (such as archive/dynamodb-ttl/)."
  }
}

variable "media_prefix" {
  description = "Key prefix of every user media object in the media bucket (terraform/contracts/s3_layout.json `media_prefix`): what mobile_api may read and write and whose restores notify media_restored."
  type        = string

  validation {
    condition     = can(regex("^[A-Za-z0-9!_.*'()-]+(/[A-Za-z0-9!_.*'()-]+)*/$", var.media_prefix))
    error_message = "media_prefix must be a key prefix ending in / (such as users/)."
  }
}

variable "routes" {
  description = "The API's route keys (terraform/contracts/api_routes.json, from lambdas/backend_core/api_routes.py): `public` ones need no token (the health check), `private` ones the Cognito JWT authorizer."
  type = object({
    public  = list(string)
    private = list(string)
  })

  validation {
    condition     = alltrue([for key in concat(var.routes.public, var.routes.private) : can(regex("^(GET|PUT|POST|DELETE) /[A-Za-z0-9_/{}-]*$", key))])
    error_message = "each route key must be \"METHOD /path\" (GET, PUT, POST or DELETE; path template such as /media/{id})."
  }

  validation {
    condition     = length(distinct(concat(var.routes.public, var.routes.private))) == length(concat(var.routes.public, var.routes.private))
    error_message = "a route key may be listed once only (public or private, not both)."
  }
}

variable "ttl_removal_filter" {
  description = "The TTL archiver's event filter pattern as JSON (terraform/contracts/ttl_removal.json `lambda_event_filter`, from lambdas/backend_core/ttl_removal.py): the stream records DynamoDB's TTL process removed."
  type        = string

  validation {
    condition     = can(jsondecode(var.ttl_removal_filter).eventName)
    error_message = "ttl_removal_filter must be a JSON filter pattern naming eventName."
  }
}

variable "device_key_prefix" {
  description = "Sort key prefix of a device registration in the table (terraform/contracts/item_keys.json `sort_key_prefixes.device`, from lambdas/backend_core/item_keys.py): the endpoint cleanup's event source mapping passes the REMOVE records of those items only."
  type        = string

  validation {
    condition     = can(regex("^[A-Z][A-Z0-9_]*#$", var.device_key_prefix))
    error_message = "device_key_prefix must be an upper-case key prefix ending in # (such as DEVICE#)."
  }
}

variable "signing_keys_prefix" {
  description = "Partition key prefix of the signing keys live_socket keeps for the other region (terraform/contracts/item_keys.json `partition_prefixes.signing_keys`, from lambdas/backend_core/item_keys.py): live_socket may read those partitions only."
  type        = string

  validation {
    condition     = can(regex("^[A-Z][A-Z0-9_]*#$", var.signing_keys_prefix))
    error_message = "signing_keys_prefix must be an upper-case key prefix ending in # (such as SIGNINGKEYS#)."
  }
}

variable "owner_partition_prefixes" {
  description = "Partition key prefixes of the items that belong to a user (terraform/contracts/item_keys.json `owner_partition_prefixes`, from lambdas/backend_core/item_keys.py): the account eraser's event source mapping passes the writes to those partitions only."
  type        = list(string)

  validation {
    condition     = length(var.owner_partition_prefixes) > 0 && alltrue([for p in var.owner_partition_prefixes : can(regex("^[A-Z][A-Z0-9_]*#$", p))])
    error_message = "owner_partition_prefixes must list upper-case key prefixes ending in # (such as USER#)."
  }
}

variable "peer_region" {
  description = "Region of the other site (the DR region at the primary, the primary region at DR): the functions' REGIONS (sync keeps a copy and a change log per region) and the drill's DR_REGION."
  type        = string

  validation {
    condition     = can(regex("^[a-z]{2}(-[a-z]+)+-[0-9]$", var.peer_region))
    error_message = "peer_region must be an AWS region name such as us-west-2."
  }
}

variable "drill" {
  description = "The scheduled non-destructive DR drill (function `drill`, primary site only: from DR it would measure the reverse direction): the RPO target it polls for (minutes; sets its timeout), the DR replica table, DR media bucket and DR API URL it checks, the key prefix of its canary objects and the partition of its canary items (terraform/contracts/drill_canary.json; the role may touch objects and items only there), the DR keys of those copies, and the alerts topic (and its key) it tells about a failure. null = no drill at this site."
  type = object({
    rpo_minutes      = number
    dr_table         = object({ name = string, arn = string })
    dr_media_bucket  = object({ name = string, arn = string })
    dr_api_url       = string
    canary_prefix    = string
    canary_partition = string
    dr_kms_key_arns  = object({ data = string, media = string })
    alerts_topic     = optional(object({ arn = string, kms_key_arn = string }))
  })
  default = null

  validation {
    condition     = var.drill == null || var.site == "primary"
    error_message = "the drill runs at the primary site only (from DR it would measure DR -> primary replication)."
  }

  validation {
    condition     = var.drill == null || try(var.drill.rpo_minutes > 0 && floor(var.drill.rpo_minutes) == var.drill.rpo_minutes, false)
    error_message = "drill.rpo_minutes must be a positive whole number of minutes."
  }

  validation {
    condition     = var.drill == null || try(startswith(var.drill.dr_api_url, "https://"), false)
    error_message = "drill.dr_api_url must be the DR API's https:// URL."
  }
}

variable "permissions_boundary_arn" {
  description = "Permission boundary for the function roles (modules/access developer_boundary_arn: CI may create roles only with it). null = none."
  type        = string
  default     = null

  validation {
    condition     = var.permissions_boundary_arn == null || can(regex("^arn:aws[a-z-]*:iam::[0-9]{12}:policy/", var.permissions_boundary_arn))
    error_message = "permissions_boundary_arn must be an IAM policy ARN or null."
  }
}

variable "cors_allowed_origins" {
  description = "Origins (scheme://host[:port]) of web clients allowed to call the API from a browser; empty: no CORS (mobile apps need none). The local stack's fronts answer preflight with the same methods and headers (ops/local/cors.py)."
  type        = list(string)
  default     = []

  validation {
    condition     = alltrue([for o in var.cors_allowed_origins : can(regex("^(https://[a-z0-9.-]+(:[0-9]+)?|http://(localhost|127\\.0\\.0\\.1)(:[0-9]+)?)$", o))])
    error_message = "cors_allowed_origins must be https://host[:port] origins (http only for localhost), without a path or a wildcard."
  }
}

variable "user_pool" {
  description = "The Cognito user pool (a multi-Region replica shares its id) whose post-confirmation trigger is the onboarding function: the function may add users to groups in this site's region's pool, nothing else; the account eraser deletes erased users from it in its home region only (its id in the SSM parameter /<name_prefix>/identity/user-pool-id). null = no Cognito permission and no parameter: with account_eraser built, erasures then fail their Cognito step loudly."
  type = object({
    id = string
  })
  default = null
}

variable "live" {
  description = "This site's live channel (modules/live: its WebSocket API id, execution ARN and stage), or null for none. With it, live_socket and live_delivery (when built) are deployed here: live_delivery may post to this API's @connections only, and reads its URL from LIVE_CONNECTIONS_URL; live_socket reads the trusted token issuers from the SSM parameter /<name_prefix>/live/trusted-issuers."
  type = object({
    api_id        = string
    execution_arn = string
    stage         = string
  })
  default = null

  validation {
    condition     = var.live == null || can(regex("^[A-Za-z0-9_-]{1,128}$", var.live.stage))
    error_message = "live.stage must be a stage name (letters, digits, _ and -)."
  }
}
