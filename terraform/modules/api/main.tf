resource "aws_cloudwatch_log_group" "function" {
  for_each = local.functions
  #checkov:skip=CKV_AWS_338:retention is an env setting (tfvars: api.log_retention_days); the year-long audit record is CloudTrail's

  name              = "/aws/lambda/${var.name_prefix}-${replace(each.key, "_", "-")}"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.kms_key_arns.logs
}

# Usage events leave the API function as log lines (no AWS call on the request path); this sends them to the
# Firehose stream, which unzips them and converts them to Parquet (modules/analytics). A refused delivery is
# retried by CloudWatch Logs for up to 24 hours, and the lines stay in the log group for its retention.
resource "aws_cloudwatch_log_subscription_filter" "usage_events" {
  count = var.usage_stream != null ? 1 : 0

  name            = "usage-events-to-firehose"
  log_group_name  = aws_cloudwatch_log_group.function["mobile_api"].name
  filter_pattern  = var.usage_stream.filter_pattern
  destination_arn = var.usage_stream.arn
  role_arn        = var.usage_stream.log_delivery_role_arn
}

# Asynchronous invocations and stream batches that keep failing end here (alarmed on depth).
resource "aws_sqs_queue" "function_failures" {
  name                              = "${var.name_prefix}-function-failures"
  kms_master_key_id                 = var.kms_key_arns.messaging
  kms_data_key_reuse_period_seconds = 300
  message_retention_seconds         = 1209600
}

resource "aws_iam_role" "function" {
  for_each = local.functions

  name                 = "${var.name_prefix}-${replace(each.key, "_", "-")}-${local.region}"
  permissions_boundary = var.permissions_boundary_arn
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "lambda.amazonaws.com" }
      Action    = "sts:AssumeRole"
      Condition = { StringEquals = { "aws:SourceAccount" = local.account_id } }
    }]
  })
}

# Own ARNs are spelled from names (known when planning), so a plan with known inputs shows each policy.
resource "aws_iam_role_policy" "function" {
  for_each = local.functions

  name = "least-privilege"
  role = aws_iam_role.function[each.key].id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = concat(
      [
        {
          Sid      = "OwnLogs"
          Effect   = "Allow"
          Action   = ["logs:CreateLogStream", "logs:PutLogEvents"]
          Resource = "arn:${local.partition}:logs:${local.region}:${local.account_id}:log-group:${aws_cloudwatch_log_group.function[each.key].name}:*"
        },
        {
          Sid      = "Tracing"
          Effect   = "Allow"
          Action   = ["xray:PutTraceSegments", "xray:PutTelemetryRecords"]
          Resource = "*"
        },
        {
          Sid      = "FailureDestination"
          Effect   = "Allow"
          Action   = "sqs:SendMessage"
          Resource = "arn:${local.partition}:sqs:${local.region}:${local.account_id}:${aws_sqs_queue.function_failures.name}"
        },
      ],
      lookup(local.job_statements, each.key, []),
    )
  })
}

resource "aws_lambda_function" "this" {
  for_each = local.functions
  #checkov:skip=CKV_AWS_117:serverless backend without private resources; a VPC would add NAT cost and cold starts for nothing
  #checkov:skip=CKV_AWS_272:artefacts are built and hashed by `ops build lambdas` in CI; signing needs an AWS Signer profile per account, left to adopters

  function_name                  = "${var.name_prefix}-${replace(each.key, "_", "-")}"
  role                           = aws_iam_role.function[each.key].arn
  filename                       = each.value.zip
  source_code_hash               = each.value.source_code_hash
  handler                        = each.value.handler
  runtime                        = var.runtime
  architectures                  = [var.architecture]
  memory_size                    = local.settings[each.key].memory_mb
  timeout                        = local.settings[each.key].timeout_seconds
  reserved_concurrent_executions = local.settings[each.key].reserved_concurrency
  kms_key_arn                    = var.kms_key_arns.messaging
  publish                        = true

  environment {
    variables = merge(
      local.environment,
      { POWERTOOLS_SERVICE_NAME = each.key },
      each.key == "drill" ? local.drill_environment : {},
      each.key == "account_eraser" ? local.account_eraser_environment : {},
      each.key == "live_socket" ? local.live_socket_environment : {},
      each.key == "live_delivery" ? local.live_delivery_environment : {},
    )
  }

  tracing_config {
    mode = "Active"
  }

  logging_config {
    log_format = "JSON"
    log_group  = aws_cloudwatch_log_group.function[each.key].name
  }

  dead_letter_config {
    target_arn = aws_sqs_queue.function_failures.arn
  }

  lifecycle {
    # Compiled modules built for another instruction set or CPython fail at import in AWS, in every region.
    precondition {
      condition     = each.value.runtime == var.runtime && each.value.architecture == var.architecture
      error_message = "${each.key}: the zip was built for ${each.value.runtime} ${each.value.architecture}, the function is planned as ${var.runtime} ${var.architecture}: run make build."
    }
  }

  depends_on = [aws_iam_role_policy.function]
}

# Callers use the `live` alias, so a rollback is a one-line alias move.
resource "aws_lambda_alias" "live" {
  for_each = local.functions

  name             = "live"
  function_name    = aws_lambda_function.this[each.key].function_name
  function_version = aws_lambda_function.this[each.key].version
}

resource "aws_lambda_function_event_invoke_config" "async" {
  for_each = { for name, fn in local.functions : name => fn if !contains(["mobile_api", "notify_worker", "live_socket"], name) }

  function_name                = aws_lambda_function.this[each.key].function_name
  qualifier                    = aws_lambda_alias.live[each.key].name
  maximum_retry_attempts       = 2
  maximum_event_age_in_seconds = 3600

  destination_config {
    on_failure {
      destination = aws_sqs_queue.function_failures.arn
    }
  }
}

resource "aws_lambda_event_source_mapping" "notify_queue" {
  event_source_arn                   = var.notify_queue.arn
  function_name                      = aws_lambda_alias.live["notify_worker"].arn
  batch_size                         = 10
  maximum_batching_window_in_seconds = 1
  function_response_types            = ["ReportBatchItemFailures"]

  scaling_config {
    maximum_concurrency = 10
  }
}

# TTL expiries (REMOVE records by the DynamoDB service) are archived to S3 before they are gone (R11), at each
# site: a TTL deletion is in the stream of the region that made it only.
resource "aws_lambda_event_source_mapping" "ttl_archive" {
  count = contains(keys(local.functions), "ttl_archiver") ? 1 : 0

  event_source_arn               = var.table.stream_arn
  function_name                  = aws_lambda_alias.live["ttl_archiver"].arn
  starting_position              = "LATEST"
  batch_size                     = 100
  maximum_retry_attempts         = 5
  bisect_batch_on_function_error = true
  function_response_types        = ["ReportBatchItemFailures"]

  filter_criteria {
    filter {
      pattern = var.ttl_removal_filter
    }
  }

  destination_config {
    on_failure {
      destination_arn = aws_sqs_queue.function_failures.arn
    }
  }
}

# A device registration removed anywhere (replicated deletes included) retires this region's push endpoint.
resource "aws_lambda_event_source_mapping" "endpoint_cleanup" {
  count = contains(keys(local.functions), "endpoint_cleanup") ? 1 : 0

  event_source_arn               = var.table.stream_arn
  function_name                  = aws_lambda_alias.live["endpoint_cleanup"].arn
  starting_position              = "LATEST"
  batch_size                     = 100
  maximum_retry_attempts         = 5
  bisect_batch_on_function_error = true
  function_response_types        = ["ReportBatchItemFailures"]

  filter_criteria {
    filter {
      pattern = jsonencode({
        eventName = ["REMOVE"]
        dynamodb  = { Keys = { SK = { S = [{ prefix = var.device_key_prefix }] } } }
      })
    }
  }

  destination_config {
    on_failure {
      destination_arn = aws_sqs_queue.function_failures.arn
    }
  }
}

# One invocation lasts at most 900 s: an RPO target longer than the drill can poll (895 s) is checked only up
# to that, and a copy slower than it fails the drill as "time budget" (conservative, never a false pass).
check "drill_polls_the_whole_rpo_target" {
  assert {
    condition     = var.drill == null || try(var.drill.rpo_minutes * 60 + 20 <= 900, true)
    error_message = "The drill's RPO target (${try(var.drill.rpo_minutes, 0)} min) is longer than one Lambda invocation can poll (about 14.9 min): it fails when a canary takes longer than that, even within the target."
  }
}

# The media bucket's object events, at each site on this region's media bucket (its one notification
# configuration: S3 keeps one per bucket, so every subscriber is a block here):
# - an object restored from an Intelligent-Tiering archive tier (GET /media/{id} started it): media_restored
#   tells the owner the media is back;
# - an object created under the media prefix, a replica included (S3 replication is asynchronous, RTC 15 min):
#   the account eraser erases it again when its owner's account is deleted (it landed after this region's sweep).
resource "aws_lambda_permission" "media_events" {
  for_each = local.media_subscribers

  statement_id   = each.value.statement
  action         = "lambda:InvokeFunction"
  function_name  = aws_lambda_function.this[each.key].function_name
  qualifier      = aws_lambda_alias.live[each.key].name
  principal      = "s3.amazonaws.com"
  source_arn     = var.media_bucket.arn
  source_account = local.account_id
}

moved {
  from = aws_lambda_permission.media_restored[0]
  to   = aws_lambda_permission.media_events["media_restored"]
}

resource "aws_s3_bucket_notification" "media_events" {
  count = length(local.media_subscribers) > 0 ? 1 : 0

  bucket = var.media_bucket.name

  dynamic "lambda_function" {
    for_each = local.media_subscribers
    content {
      id                  = lambda_function.value.id
      lambda_function_arn = aws_lambda_alias.live[lambda_function.key].arn
      events              = lambda_function.value.events
      filter_prefix       = var.media_prefix
    }
  }

  # S3 checks it may invoke each function when the configuration is put.
  depends_on = [aws_lambda_permission.media_events]
}

moved {
  from = aws_s3_bucket_notification.media_restored
  to   = aws_s3_bucket_notification.media_events
}

# Apart from the function's least-privilege policy on purpose: the user pool names the onboarding function as its
# trigger, so a policy the function depends on could not also name the pool (a dependency cycle).
resource "aws_iam_role_policy" "onboarding_user_pool" {
  count = contains(keys(local.functions), "onboarding") && var.user_pool != null ? 1 : 0

  name = "add-new-users-to-groups"
  role = aws_iam_role.function["onboarding"].id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid      = "AddNewUsersToGroups"
      Effect   = "Allow"
      Action   = "cognito-idp:AdminAddUserToGroup"
      Resource = "arn:${local.partition}:cognito-idp:${local.region}:${local.account_id}:userpool/${var.user_pool.id}"
    }]
  })
}

# Account deletion (lambdas/account_eraser): every new or changed item of a user reaches the eraser, which erases
# the whole account when the tombstone arrives and, while the tombstone exists, any late write of that user.
resource "aws_lambda_event_source_mapping" "account_eraser" {
  count = contains(keys(local.functions), "account_eraser") ? 1 : 0

  event_source_arn               = var.table.stream_arn
  function_name                  = aws_lambda_alias.live["account_eraser"].arn
  starting_position              = "LATEST"
  batch_size                     = 100
  maximum_retry_attempts         = 10
  bisect_batch_on_function_error = true
  function_response_types        = ["ReportBatchItemFailures"]

  filter_criteria {
    dynamic "filter" {
      # The partitions that hold a user's items (backend_core/item_keys.py owners_of).
      for_each = var.owner_partition_prefixes
      content {
        pattern = jsonencode({
          eventName = ["INSERT", "MODIFY"]
          dynamodb  = { Keys = { PK = { S = [{ prefix = filter.value }] } } }
        })
      }
    }
  }

  destination_config {
    on_failure {
      destination_arn = aws_sqs_queue.function_failures.arn
    }
  }
}

# The pool that owns the users, for the account eraser (USER_POOL_ID_PARAMETER): written after the pool, read by the
# eraser when an account is erased, so the functions do not depend on the pool (which depends on them).
resource "aws_ssm_parameter" "user_pool_id" {
  count = contains(keys(local.functions), "account_eraser") && var.user_pool != null ? 1 : 0

  #checkov:skip=CKV2_AWS_34:a user pool id is no secret (every token's iss claim carries it); a plain String
  name           = local.user_pool_id_parameter
  description    = "The Cognito user pool that owns the users: the account eraser deletes erased users from it in its home region."
  type           = "String"
  insecure_value = var.user_pool.id
}

# Apart from the least-privilege policy for the same reason as onboarding's: the pool depends on the functions.
# Primary site only: the eraser deletes users in the owning pool's home region, so the DR eraser never calls
# Cognito (backend_core/account_erasure.py `erase_cognito_user`).
resource "aws_iam_role_policy" "account_eraser_user_pool" {
  count = contains(keys(local.functions), "account_eraser") && var.user_pool != null && var.site == "primary" ? 1 : 0

  name = "delete-erased-users"
  role = aws_iam_role.function["account_eraser"].id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid      = "DeleteErasedUsers"
      Effect   = "Allow"
      Action   = ["cognito-idp:AdminUserGlobalSignOut", "cognito-idp:AdminDeleteUser"]
      Resource = "arn:${local.partition}:cognito-idp:${local.region}:${local.account_id}:userpool/${var.user_pool.id}"
    }]
  })
}
