data "aws_caller_identity" "current" {}

locals {
  name_prefix = "${var.project}-${var.env}"

  # The shared contracts, exported from Python by `ops contracts export` (one definition each).
  table_design = jsondecode(file("${path.module}/../contracts/table_design.json"))
  archival     = jsondecode(file("${path.module}/../contracts/archival_policy.json"))
  inventory    = jsondecode(file("${path.module}/../contracts/media_inventory.json"))
  usage_events = jsondecode(file("${path.module}/../contracts/usage_event_columns.json"))
  identity     = jsondecode(file("${path.module}/../contracts/identity.json"))
  replication  = jsondecode(file("${path.module}/../contracts/media_replication.json"))
  # What every function is built for (`ops build lambdas`) and deployed as: one setting for both.
  lambda_runtime = jsondecode(file("${path.module}/../contracts/lambda_runtime.json"))
  drill_canary   = jsondecode(file("${path.module}/../contracts/drill_canary.json"))
  named_queries  = jsondecode(file("${path.module}/../contracts/athena_named_queries.json"))
  api_routes     = jsondecode(file("${path.module}/../contracts/api_routes.json"))
  s3_layout      = jsondecode(file("${path.module}/../contracts/s3_layout.json"))
  ttl_removal    = jsondecode(file("${path.module}/../contracts/ttl_removal.json"))
  item_keys      = jsondecode(file("${path.module}/../contracts/item_keys.json"))

  # Lambda artefacts built by `ops build lambdas`; zip paths in the manifest are relative to the repository.
  repo_root       = "${path.root}/../.."
  manifest_path   = coalesce(var.lambda_manifest_path, "${local.repo_root}/build/lambda/manifest.json")
  manifest_exists = fileexists(local.manifest_path)
  # try(), not a conditional: the two branches of a conditional must have one type, the manifest's is its own.
  manifest = try(jsondecode(file(local.manifest_path)), { functions = {} })
  alarm_thresholds = {
    api_5xx_rate_percent   = var.alerts.api_5xx_rate_percent
    api_latency_p99_ms     = var.alerts.api_latency_p99_ms
    lambda_errors          = var.alerts.lambda_errors
    replication_latency_ms = var.alerts.replication_latency_ms
    dlq_depth              = var.alerts.dlq_depth
    monthly_spend_usd      = var.alerts.monthly_spend_usd
  }

  # The live channel is deployed when both of its functions are in the manifest (`ops build lambdas`).
  live_built = contains(keys(local.manifest.functions), "live_socket") && contains(keys(local.manifest.functions), "live_delivery")

  functions = {
    for name, fn in local.manifest.functions : name => {
      zip              = startswith(fn.zip, "/") ? fn.zip : "${local.repo_root}/${fn.zip}"
      handler          = fn.handler
      source_code_hash = fn.sha256_base64
      # What the zip was built for; modules/api refuses a function planned as anything else. A manifest
      # written before builds recorded their target says nothing, and is refused too.
      runtime      = try(fn.runtime, "unrecorded")
      architecture = try(fn.architecture, "unrecorded")
    }
  }
}

resource "terraform_data" "lambda_artefacts" {
  input = keys(local.functions)

  lifecycle {
    precondition {
      condition     = local.manifest_exists
      error_message = "Lambda artefacts not found (${local.manifest_path}): run make build."
    }
  }
}

module "kms_keys" {
  source    = "../modules/kms-keys"
  providers = { aws = aws, aws.dr = aws.dr }

  name_prefix = local.name_prefix
}

module "table" {
  source = "../modules/table"

  name_prefix               = local.name_prefix
  table_design              = local.table_design
  kms_key_arn               = module.kms_keys.primary_key_arns["data"]
  dr_kms_key_arn            = module.kms_keys.dr_key_arns["data"]
  dr_region                 = var.dr_region
  deletion_protection       = var.data_protection.deletion_protection
  pitr_recovery_period_days = var.data_protection.pitr_recovery_period_days
}

module "storage" {
  source    = "../modules/storage"
  providers = { aws = aws, aws.dr = aws.dr }

  name_prefix    = local.name_prefix
  kms_key_arn    = module.kms_keys.primary_key_arns["media"]
  dr_kms_key_arn = module.kms_keys.dr_key_arns["media"]
  archival       = local.archival
  replication    = local.replication
  # Daily, into the analytics bucket of the primary region (S3 delivers an inventory only within its region).
  inventory = merge(local.inventory, {
    destination_bucket_arn = module.analytics.bucket_arn
    kms_key_arn            = module.kms_keys.primary_key_arns["analytics"]
  })
  scratch_prefixes          = { (local.drill_canary.canary_prefix) = local.drill_canary.canary_object_expire_days }
  force_destroy             = var.disposable
  access_log_retention_days = var.storage.access_log_retention_days
  cdn_distribution_arn      = module.cdn.distribution_arn
  permissions_boundary_arn  = module.access.developer_boundary_arn
}

module "cdn" {
  source = "../modules/cdn"

  name_prefix     = local.name_prefix
  primary_origin  = { bucket = module.storage.media_bucket_primary, domain_name = module.storage.media_bucket_primary_domain }
  failover_origin = { bucket = module.storage.media_bucket_dr, domain_name = module.storage.media_bucket_dr_domain }
  log_bucket_arn  = module.storage.log_bucket_primary_arn
  price_class     = var.cdn.price_class
  domain          = { zone_id = var.dns.zone_id, name = "media.${var.dns.domain}" }

  signing_public_key_pem = var.cdn.signing_public_key_pem
  # Disposable envs drop the secret at once on destroy, so the next apply can reuse its name.
  signing_key_secret_recovery_days = var.disposable ? 0 : 30
  signing_key_secret_kms = {
    primary   = module.kms_keys.primary_key_arns["media"]
    dr_region = var.dr_region
    dr        = module.kms_keys.dr_key_arns["media"]
  }
}

module "analytics" {
  source    = "../modules/analytics"
  providers = { aws = aws, aws.dr = aws.dr }

  name_prefix         = local.name_prefix
  kms_key_arn         = module.kms_keys.primary_key_arns["analytics"]
  logs_kms_key_arn    = module.kms_keys.primary_key_arns["logs"]
  dr_kms_key_arn      = module.kms_keys.dr_key_arns["analytics"]
  dr_logs_kms_key_arn = module.kms_keys.dr_key_arns["logs"]
  access_log_bucket   = module.storage.log_bucket_primary
  columns             = local.usage_events.columns
  partition_key       = local.usage_events.partition_key
  table_name          = local.usage_events.table_name
  named_queries       = local.named_queries.queries
  # The primary media bucket's name as modules/storage spells it, so the plan shows the bucket policy and the
  # table's location (the bucket's id is known only after apply).
  inventory = merge(local.inventory, {
    source_bucket = "${local.name_prefix}-media-${var.primary_region}-${data.aws_caller_identity.current.account_id}"
  })
  bytes_scanned_cutoff       = var.analytics.bytes_scanned_cutoff
  buffering_interval_seconds = var.analytics.buffering_interval_s
  event_retention_days       = var.analytics.event_retention_days
  force_destroy              = var.disposable
  permissions_boundary_arn   = module.access.developer_boundary_arn
}

module "identity" {
  source = "../modules/identity"

  name_prefix             = local.name_prefix
  groups                  = local.identity.groups
  app_client_auth_flows   = local.identity.app_client_auth_flows
  password_minimum_length = local.identity.password_minimum_length
  mfa_configuration       = var.identity.mfa_configuration
  advanced_security_mode  = var.identity.advanced_security_mode
  token_validity = {
    access_minutes = var.identity.access_token_minutes
    id_minutes     = var.identity.access_token_minutes
    refresh_days   = var.identity.refresh_token_days
  }
  media_bucket_arn    = module.storage.media_bucket_primary_arn
  media_prefix        = local.s3_layout.media_prefix
  media_kms_key_arn   = module.kms_keys.primary_key_arns["media"]
  deletion_protection = var.data_protection.deletion_protection

  email_sending            = var.identity.email_sending
  require_email_sending    = var.env == "prod"
  permissions_boundary_arn = module.access.developer_boundary_arn

  hosted_login = var.identity.hosted_login == null ? null : merge(var.identity.hosted_login, {
    domain_prefix = coalesce(var.identity.hosted_login.domain_prefix, "${local.name_prefix}-${data.aws_caller_identity.current.account_id}")
  })
  identity_providers = var.identity.providers
  # The primary site's onboarding function (the DR replica's sign-ups are refused: no confirmation happens there).
  post_confirmation = contains(keys(local.functions), "onboarding") ? {
    arn           = module.api_primary.function_alias_arns["onboarding"]
    function_name = module.api_primary.function_names["onboarding"]
    qualifier     = "live"
  } : null
}

module "notifications_primary" {
  source = "../modules/notifications"

  name_prefix              = local.name_prefix
  kms_key_arn              = module.kms_keys.primary_key_arns["messaging"]
  apns                     = var.apns
  fcm_service_account_json = var.fcm_service_account_json
}

module "notifications_dr" {
  source    = "../modules/notifications"
  providers = { aws = aws.dr }

  name_prefix              = local.name_prefix
  kms_key_arn              = module.kms_keys.dr_key_arns["messaging"]
  apns                     = var.apns
  fcm_service_account_json = var.fcm_service_account_json
}

module "api_primary" {
  source = "../modules/api"

  permissions_boundary_arn = module.access.developer_boundary_arn
  name_prefix              = local.name_prefix
  env_name                 = var.env
  site                     = "primary"
  functions                = local.functions
  runtime                  = local.lambda_runtime.runtime
  architecture             = local.lambda_runtime.architecture
  function_settings        = var.api.functions
  jwt_issuer               = module.identity.issuer
  jwt_audience             = [module.identity.client_id]
  throttling               = { rate_limit = var.api.rate_limit, burst_limit = var.api.burst_limit }
  cors_allowed_origins     = var.api.cors_allowed_origins
  log_retention_days       = var.api.log_retention_days
  kms_key_arns = {
    data      = module.kms_keys.primary_key_arns["data"]
    media     = module.kms_keys.primary_key_arns["media"]
    messaging = module.kms_keys.primary_key_arns["messaging"]
    logs      = module.kms_keys.primary_key_arns["logs"]
  }
  table        = { name = module.table.table_name, arn = module.table.table_arn, stream_arn = module.table.stream_arn }
  media_bucket = { name = module.storage.media_bucket_primary, arn = module.storage.media_bucket_primary_arn }
  cdn_domain   = module.cdn.domain_name
  cdn_signing = {
    key_pair_id = module.cdn.signing_key_pair_id
    secret_arn  = module.cdn.signing_key_secret_arns["primary"]
    kms_key_arn = module.kms_keys.primary_key_arns["media"]
  }
  notify_queue = { url = module.notifications_primary.queue_url, arn = module.notifications_primary.queue_arn }
  usage_stream = {
    name                  = module.analytics.stream_name
    arn                   = module.analytics.stream_arn
    log_delivery_role_arn = module.analytics.log_delivery_role_arn
    filter_pattern        = local.usage_events.log_filter_pattern
  }
  platform_application_arns = module.notifications_primary.platform_application_arns
  archive_prefix            = local.archival.expired_items_prefix
  media_prefix              = local.s3_layout.media_prefix
  routes                    = local.api_routes
  ttl_removal_filter        = jsonencode(local.ttl_removal.lambda_event_filter)
  device_key_prefix         = local.item_keys.sort_key_prefixes.device
  owner_partition_prefixes  = local.item_keys.owner_partition_prefixes
  signing_keys_prefix       = local.item_keys.partition_prefixes.signing_keys
  peer_region               = var.dr_region
  user_pool                 = { id = module.identity.user_pool_id }
  live                      = local.live_built ? { api_id = module.live_primary[0].api_id, execution_arn = module.live_primary[0].execution_arn, stage = module.live_primary[0].stage_name } : null

  # The non-destructive drill runs here only: primary -> DR is the direction a failover depends on.
  drill = {
    rpo_minutes      = var.dr.rpo_minutes
    dr_table         = { name = module.table.table_name, arn = module.table.replica_arns[var.dr_region] }
    dr_media_bucket  = { name = module.storage.media_bucket_dr, arn = module.storage.media_bucket_dr_arn }
    dr_api_url       = module.api_dr.api_url
    canary_prefix    = local.drill_canary.canary_prefix
    canary_partition = local.drill_canary.canary_partition
    dr_kms_key_arns  = { data = module.kms_keys.dr_key_arns["data"], media = module.kms_keys.dr_key_arns["media"] }
    alerts_topic     = { arn = module.observability_primary.alerts_topic_arn, kms_key_arn = module.kms_keys.primary_key_arns["messaging"] }
  }
}

# The warm standby: the same functions behind the same routes, reading the global-table replica.
module "api_dr" {
  source    = "../modules/api"
  providers = { aws = aws.dr }

  permissions_boundary_arn = module.access.developer_boundary_arn
  name_prefix              = local.name_prefix
  env_name                 = var.env
  site                     = "dr"
  functions                = local.functions
  runtime                  = local.lambda_runtime.runtime
  architecture             = local.lambda_runtime.architecture
  function_settings        = var.api.functions
  jwt_issuer               = module.identity.issuer
  jwt_audience             = [module.identity.client_id]
  throttling               = { rate_limit = var.api.rate_limit, burst_limit = var.api.burst_limit }
  cors_allowed_origins     = var.api.cors_allowed_origins
  log_retention_days       = var.api.log_retention_days
  kms_key_arns = {
    data      = module.kms_keys.dr_key_arns["data"]
    media     = module.kms_keys.dr_key_arns["media"]
    messaging = module.kms_keys.dr_key_arns["messaging"]
    logs      = module.kms_keys.dr_key_arns["logs"]
  }
  table        = { name = module.table.table_name, arn = module.table.replica_arns[var.dr_region], stream_arn = module.table.replica_stream_arns[var.dr_region] }
  media_bucket = { name = module.storage.media_bucket_dr, arn = module.storage.media_bucket_dr_arn }
  cdn_domain   = module.cdn.domain_name
  cdn_signing = {
    key_pair_id = module.cdn.signing_key_pair_id
    secret_arn  = module.cdn.signing_key_secret_arns["dr"]
    kms_key_arn = module.kms_keys.dr_key_arns["media"]
  }
  notify_queue = { url = module.notifications_dr.queue_url, arn = module.notifications_dr.queue_arn }
  usage_stream = {
    name                  = module.analytics.dr_stream_name
    arn                   = module.analytics.dr_stream_arn
    log_delivery_role_arn = module.analytics.log_delivery_role_arn
    filter_pattern        = local.usage_events.log_filter_pattern
  }
  platform_application_arns = module.notifications_dr.platform_application_arns
  archive_prefix            = local.archival.expired_items_prefix
  media_prefix              = local.s3_layout.media_prefix
  routes                    = local.api_routes
  ttl_removal_filter        = jsonencode(local.ttl_removal.lambda_event_filter)
  device_key_prefix         = local.item_keys.sort_key_prefixes.device
  owner_partition_prefixes  = local.item_keys.owner_partition_prefixes
  signing_keys_prefix       = local.item_keys.partition_prefixes.signing_keys
  peer_region               = var.primary_region
  user_pool                 = { id = module.identity.user_pool_id }
  live                      = local.live_built ? { api_id = module.live_dr[0].api_id, execution_arn = module.live_dr[0].execution_arn, stage = module.live_dr[0].stage_name } : null
}

# The live channel (API Gateway WebSocket API) at each site, when both of its functions are built: apps hold one
# connection to either region and get events from that region's table stream (modules/live/README.md).
module "live_primary" {
  source = "../modules/live"
  count  = local.live_built ? 1 : 0

  name_prefix                  = local.name_prefix
  site                         = "primary"
  socket_function              = { function_name = module.api_primary.function_names["live_socket"], qualifier = "live", invoke_arn = module.api_primary.function_invoke_arns["live_socket"] }
  delivery_function            = { alias_arn = module.api_primary.function_alias_arns["live_delivery"] }
  table_stream_arn             = module.table.stream_arn
  live_event_sort_key_prefixes = local.item_keys.live_event_sort_key_prefixes
  failure_queue_arn            = module.api_primary.failure_queue_arn
  auth_parameter_name          = module.api_primary.live_auth_parameter
  trusted_issuers              = [module.identity.issuer]
  client_ids                   = [module.identity.client_id]
  throttling                   = { rate_limit = var.api.rate_limit, burst_limit = var.api.burst_limit }
  log_retention_days           = var.api.log_retention_days
  logs_kms_key_arn             = module.kms_keys.primary_key_arns["logs"]
  permissions_boundary_arn     = module.access.developer_boundary_arn
}

# DR trusts the primary's issuer: the pool's multi-Region replica shares it (as the HTTP API's authorizer does).
module "live_dr" {
  source    = "../modules/live"
  count     = local.live_built ? 1 : 0
  providers = { aws = aws.dr }

  name_prefix                  = local.name_prefix
  site                         = "dr"
  socket_function              = { function_name = module.api_dr.function_names["live_socket"], qualifier = "live", invoke_arn = module.api_dr.function_invoke_arns["live_socket"] }
  delivery_function            = { alias_arn = module.api_dr.function_alias_arns["live_delivery"] }
  table_stream_arn             = module.table.replica_stream_arns[var.dr_region]
  live_event_sort_key_prefixes = local.item_keys.live_event_sort_key_prefixes
  failure_queue_arn            = module.api_dr.failure_queue_arn
  auth_parameter_name          = module.api_dr.live_auth_parameter
  trusted_issuers              = [module.identity.issuer]
  client_ids                   = [module.identity.client_id]
  throttling                   = { rate_limit = var.api.rate_limit, burst_limit = var.api.burst_limit }
  log_retention_days           = var.api.log_retention_days
  logs_kms_key_arn             = module.kms_keys.dr_key_arns["logs"]
  permissions_boundary_arn     = module.access.developer_boundary_arn
}

module "observability_primary" {
  source = "../modules/observability"

  name_prefix    = local.name_prefix
  env_name       = var.env
  site           = "primary"
  kms_key_arn    = module.kms_keys.primary_key_arns["messaging"]
  alert_emails   = var.alerts.emails
  thresholds     = local.alarm_thresholds
  api_id         = module.api_primary.api_id
  function_names = module.api_primary.function_names
  dead_letter_queues = {
    notify    = module.notifications_primary.dlq_name
    functions = module.api_primary.failure_queue_name
  }
  table_name = module.table.table_name
  dr_region  = var.dr_region
  replication = {
    source_bucket      = module.storage.media_bucket_primary
    destination_bucket = module.storage.media_bucket_dr
    rule_id            = module.storage.replication_rule_id
  }
}

module "observability_dr" {
  source    = "../modules/observability"
  providers = { aws = aws.dr }

  name_prefix    = local.name_prefix
  site           = "dr"
  kms_key_arn    = module.kms_keys.dr_key_arns["messaging"]
  alert_emails   = var.alerts.emails
  thresholds     = local.alarm_thresholds
  api_id         = module.api_dr.api_id
  function_names = module.api_dr.function_names
  dead_letter_queues = {
    notify    = module.notifications_dr.dlq_name
    functions = module.api_dr.failure_queue_name
  }
  table_name = module.table.table_name
  dr_region  = var.dr_region
  replication = {
    source_bucket      = module.storage.media_bucket_dr
    destination_bucket = module.storage.media_bucket_primary
    rule_id            = module.storage.failback_rule_id
  }
}

module "dr" {
  source    = "../modules/dr"
  providers = { aws = aws, aws.dr = aws.dr }

  name_prefix = local.name_prefix
  api_hosts   = { primary = module.api_primary.api_host, dr = module.api_dr.api_host }
  api_ids     = { primary = module.api_primary.api_id, dr = module.api_dr.api_id }
  public_api  = { zone_id = var.dns.zone_id, domain_name = "api.${var.dns.domain}" }
  drill = {
    enabled         = contains(keys(module.api_primary.function_names), "drill")
    function_arn    = lookup(module.api_primary.function_alias_arns, "drill", null)
    schedule        = var.dr.drill_schedule
    rto_minutes     = var.dr.rto_minutes
    rpo_minutes     = var.dr.rpo_minutes
    dead_letter_arn = module.api_primary.failure_queue_arn
    # The failure queue's key (modules/api: kms_key_arns.messaging).
    dead_letter_kms_key_arn = module.kms_keys.primary_key_arns["messaging"]
    alarm_topic_arn         = module.observability_primary.alerts_topic_arn
  }
  # `ops drill run --inject replication-pause` starts this FIS template (and stops it on failback).
  fault_injection = {
    table_arns       = [module.table.table_arn, module.table.replica_arns[var.dr_region]]
    media_bucket_arn = module.storage.media_bucket_primary_arn
    dr_region        = var.dr_region
  }
  permissions_boundary_arn = module.access.developer_boundary_arn
}

module "access" {
  source = "../modules/access"

  name_prefix          = local.name_prefix
  github_repository    = var.access.github_repository
  github_branch        = var.access.github_branch
  logs_kms_key_arn     = module.kms_keys.primary_key_arns["logs"]
  access_log_bucket    = module.storage.log_bucket_primary
  trail_retention_days = var.access.trail_retention_days
  force_destroy        = var.disposable
  github_environments  = var.access.github_environments
  account_singletons = {
    # shared: the OIDC provider comes from terraform/state-backend (make bootstrap), so any env can go first
    github_oidc_provider = var.account_layout == "per-env"
    cloudtrail           = var.account_layout == "per-env" || var.env == "prod"
  }
  analytics = {
    workgroup_arn      = module.analytics.workgroup_arn
    database           = module.analytics.database
    bucket_arn         = module.analytics.bucket_arn
    results_bucket_arn = module.analytics.results_bucket_arn
    kms_key_arn        = module.kms_keys.primary_key_arns["analytics"]
  }
}

module "legacy_sql" {
  source    = "../modules/legacy-sql"
  count     = var.legacy_sql.enabled ? 1 : 0
  providers = { aws = aws, aws.dr = aws.dr }

  name_prefix         = local.name_prefix
  kms_key_arn         = module.kms_keys.primary_key_arns["data"]
  dr_kms_key_arn      = module.kms_keys.dr_key_arns["data"]
  client_cidr_blocks  = var.legacy_sql.client_cidr_blocks
  logs_kms_key_arn    = module.kms_keys.primary_key_arns["logs"]
  dr_logs_kms_key_arn = module.kms_keys.dr_key_arns["logs"]
  capacity            = { min = var.legacy_sql.min_capacity, max = var.legacy_sql.max_capacity }

  permissions_boundary_arn = module.access.developer_boundary_arn
}

# Renamed modules keep their state: `module.data` is now `module.table`, `module.keys` `module.kms_keys`
# (KMS keys, not DynamoDB item keys).
moved {
  from = module.data
  to   = module.table
}

moved {
  from = module.keys
  to   = module.kms_keys
}
