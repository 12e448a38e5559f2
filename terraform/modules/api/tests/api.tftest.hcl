mock_provider "aws" {
  mock_data "aws_region" {
    defaults = { region = "us-east-1" }
  }
  mock_data "aws_caller_identity" {
    defaults = { account_id = "111122223333" }
  }
  mock_data "aws_partition" {
    defaults = { partition = "aws" }
  }
}

variables {
  name_prefix = "mbt-test"
  env_name    = "dev"
  site        = "primary"
  functions = {
    mobile_api    = { zip = "build/lambda/mobile_api.zip", handler = "mobile_api.app.lambda_handler", source_code_hash = "aGFzaA==", runtime = "python3.12", architecture = "arm64" }
    notify_worker = { zip = "build/lambda/notify_worker.zip", handler = "notify_worker.app.lambda_handler", source_code_hash = "aGFzaA==", runtime = "python3.12", architecture = "arm64" }
    ttl_archiver  = { zip = "build/lambda/ttl_archiver.zip", handler = "ttl_archiver.app.lambda_handler", source_code_hash = "aGFzaA==", runtime = "python3.12", architecture = "arm64" }
  }
  function_settings = {
    mobile_api = { reserved_concurrency = 20, memory_mb = 1024 }
  }
  jwt_issuer   = "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_TestPool1"
  jwt_audience = ["testclient"]
  throttling   = { rate_limit = 50, burst_limit = 100 }
  kms_key_arns = {
    data      = "arn:aws:kms:us-east-1:111122223333:key/mrk-1"
    media     = "arn:aws:kms:us-east-1:111122223333:key/mrk-2"
    messaging = "arn:aws:kms:us-east-1:111122223333:key/3"
    logs      = "arn:aws:kms:us-east-1:111122223333:key/4"
  }
  table        = { name = "mbt-test-main", arn = "arn:aws:dynamodb:us-east-1:111122223333:table/mbt-test-main", stream_arn = "arn:aws:dynamodb:us-east-1:111122223333:table/mbt-test-main/stream/x" }
  media_bucket = { name = "mbt-test-media", arn = "arn:aws:s3:::mbt-test-media" }
  notify_queue = { url = "https://sqs.us-east-1.amazonaws.com/111122223333/mbt-test-notify", arn = "arn:aws:sqs:us-east-1:111122223333:mbt-test-notify" }
  peer_region  = "us-west-2"
  runtime      = "python3.12"
  architecture = "arm64"
  # The exported contracts, as the blueprint passes them (lambdas/backend_core: api_routes, s3_layout, ttl_removal, item_keys).
  routes                   = jsondecode(file("../../contracts/api_routes.json"))
  media_prefix             = jsondecode(file("../../contracts/s3_layout.json")).media_prefix
  archive_prefix           = jsondecode(file("../../contracts/s3_layout.json")).ttl_archive_prefix
  ttl_removal_filter       = jsonencode(jsondecode(file("../../contracts/ttl_removal.json")).lambda_event_filter)
  device_key_prefix        = jsondecode(file("../../contracts/item_keys.json")).sort_key_prefixes.device
  owner_partition_prefixes = jsondecode(file("../../contracts/item_keys.json")).owner_partition_prefixes
  signing_keys_prefix      = jsondecode(file("../../contracts/item_keys.json")).partition_prefixes.signing_keys
}

run "authorizer_on_every_route_but_health" {
  command = apply

  assert {
    condition     = alltrue([for r in aws_apigatewayv2_route.private : r.authorization_type == "JWT" && r.authorizer_id == aws_apigatewayv2_authorizer.cognito.id])
    error_message = "every route except the health check must use the Cognito JWT authorizer."
  }

  assert {
    condition     = keys(aws_apigatewayv2_route.public) == ["GET /health"]
    error_message = "only GET /health may be public."
  }

  assert {
    condition     = sort(concat(keys(aws_apigatewayv2_route.private), keys(aws_apigatewayv2_route.public))) == sort(concat(var.routes.private, var.routes.public))
    error_message = "the API must declare every route of the route table (terraform/contracts/api_routes.json), each once."
  }
}

run "jwt_authorizer_trusts_the_user_pool" {
  command = plan

  assert {
    condition     = aws_apigatewayv2_authorizer.cognito.jwt_configuration[0].issuer == var.jwt_issuer
    error_message = "the authorizer must trust the Cognito issuer."
  }
}

run "functions_traced_logged_and_sized_per_env" {
  command = plan

  assert {
    condition     = alltrue([for f in aws_lambda_function.this : f.tracing_config[0].mode == "Active"])
    error_message = "every function must be traced with X-Ray."
  }

  assert {
    condition     = aws_lambda_function.this["mobile_api"].reserved_concurrent_executions == 20 && aws_lambda_function.this["mobile_api"].memory_size == 1024
    error_message = "per-env sizing must reach the function."
  }

  assert {
    condition     = alltrue([for g in aws_cloudwatch_log_group.function : g.retention_in_days == 30 && g.kms_key_id == var.kms_key_arns.logs])
    error_message = "function logs must be encrypted and expire."
  }

  assert {
    condition     = aws_lambda_function.this["mobile_api"].environment[0].variables["TABLE_NAME"] == "mbt-test-main"
    error_message = "functions must receive the table name."
  }
}

run "stage_throttles_and_logs" {
  command = plan

  assert {
    condition     = aws_apigatewayv2_stage.default.default_route_settings[0].throttling_rate_limit == 50
    error_message = "the stage must throttle at the env's rate."
  }

  assert {
    condition     = length(aws_apigatewayv2_stage.default.access_log_settings) == 1
    error_message = "access logs must be on."
  }
}

run "least_privilege_roles" {
  command = apply

  assert {
    condition     = !strcontains(aws_iam_role_policy.function["notify_worker"].policy, "s3:")
    error_message = "the notify worker must not touch S3."
  }

  assert {
    condition     = !strcontains(aws_iam_role_policy.function["mobile_api"].policy, "dynamodb:Scan")
    error_message = "no request path may scan the table."
  }

  assert {
    condition     = alltrue([for p in aws_iam_role_policy.function : !strcontains(p.policy, "\"Action\":\"*\"")])
    error_message = "no function may have wildcard actions."
  }
}

run "both_sites_archive_ttl_expiries_and_notify_restores" {
  command = plan

  variables {
    site = "dr"
    functions = {
      mobile_api     = { zip = "build/lambda/mobile_api.zip", handler = "mobile_api.app.lambda_handler", source_code_hash = "aGFzaA==", runtime = "python3.12", architecture = "arm64" }
      notify_worker  = { zip = "build/lambda/notify_worker.zip", handler = "notify_worker.app.lambda_handler", source_code_hash = "aGFzaA==", runtime = "python3.12", architecture = "arm64" }
      ttl_archiver   = { zip = "build/lambda/ttl_archiver.zip", handler = "ttl_archiver.app.lambda_handler", source_code_hash = "aGFzaA==", runtime = "python3.12", architecture = "arm64" }
      media_restored = { zip = "build/lambda/media_restored.zip", handler = "media_restored.app.lambda_handler", source_code_hash = "aGFzaA==", runtime = "python3.12", architecture = "arm64" }
    }
  }

  # A TTL deletion is in the stream of the region that made it only: each site archives its own.
  assert {
    condition     = contains(keys(aws_lambda_function.this), "ttl_archiver") && length(aws_lambda_event_source_mapping.ttl_archive) == 1
    error_message = "the DR site must archive the TTL expiries its own region deletes."
  }

  assert {
    condition     = one(aws_s3_bucket_notification.media_events).bucket == var.media_bucket.name && one(one(aws_s3_bucket_notification.media_events).lambda_function).events == toset(["s3:ObjectRestore:Completed"])
    error_message = "this region's media bucket must send its restore-completed events to media_restored."
  }

  assert {
    condition     = one(one(aws_s3_bucket_notification.media_events).lambda_function).filter_prefix == "users/"
    error_message = "only media objects (users/) are notified."
  }

  assert {
    condition     = aws_lambda_permission.media_events["media_restored"].principal == "s3.amazonaws.com" && aws_lambda_permission.media_events["media_restored"].source_arn == var.media_bucket.arn && aws_lambda_permission.media_events["media_restored"].source_account == "111122223333"
    error_message = "only this account's media bucket may invoke media_restored."
  }

  assert {
    condition     = strcontains(aws_iam_role_policy.function["mobile_api"].policy, "s3:RestoreObject") && !strcontains(aws_iam_role_policy.function["media_restored"].policy, "s3:")
    error_message = "the API starts restores; the notifier touches no object."
  }
}

run "no_notifier_no_bucket_notification" {
  command = plan

  assert {
    condition     = length(aws_s3_bucket_notification.media_events) == 0 && length(aws_lambda_permission.media_events) == 0
    error_message = "without media_restored or account_eraser, the bucket's notification configuration is left alone."
  }
}

run "account_eraser_hears_media_created_and_deletes_users_in_the_pools_home_region_only" {
  command = plan

  variables {
    site      = "dr"
    user_pool = { id = "us-east-1_Pool1" }
    functions = {
      mobile_api     = { zip = "build/lambda/mobile_api.zip", handler = "mobile_api.app.lambda_handler", source_code_hash = "aGFzaA==", runtime = "python3.12", architecture = "arm64" }
      notify_worker  = { zip = "build/lambda/notify_worker.zip", handler = "notify_worker.app.lambda_handler", source_code_hash = "aGFzaA==", runtime = "python3.12", architecture = "arm64" }
      media_restored = { zip = "build/lambda/media_restored.zip", handler = "media_restored.app.lambda_handler", source_code_hash = "aGFzaA==", runtime = "python3.12", architecture = "arm64" }
      account_eraser = { zip = "build/lambda/account_eraser.zip", handler = "account_eraser.app.lambda_handler", source_code_hash = "aGFzaA==", runtime = "python3.12", architecture = "arm64" }
    }
  }

  # A media version S3 replication brings in after this region's sweep is erased again: S3 keeps one
  # notification configuration per bucket, so both subscribers are blocks of it.
  assert {
    condition = {
      for f in one(aws_s3_bucket_notification.media_events).lambda_function : f.id => [f.events, f.filter_prefix]
      } == {
      "account-eraser" = [toset(["s3:ObjectCreated:*"]), "users/"]
      "media-restored" = [toset(["s3:ObjectRestore:Completed"]), "users/"]
    }
    error_message = "the media bucket must send objects created under users/ to the account eraser and restores to media_restored."
  }

  assert {
    condition     = aws_lambda_permission.media_events["account_eraser"].principal == "s3.amazonaws.com" && aws_lambda_permission.media_events["account_eraser"].source_arn == var.media_bucket.arn && aws_lambda_permission.media_events["account_eraser"].source_account == "111122223333"
    error_message = "only this account's media bucket may invoke the account eraser."
  }

  assert {
    condition     = one(aws_ssm_parameter.user_pool_id).insecure_value == "us-east-1_Pool1" && aws_lambda_function.this["account_eraser"].environment[0].variables["USER_POOL_ID_PARAMETER"] == one(aws_ssm_parameter.user_pool_id).name && !contains(keys(aws_lambda_function.this["mobile_api"].environment[0].variables), "USER_POOL_ID_PARAMETER")
    error_message = "the account eraser (only) must find the pool that owns the users (it deletes them in the pool's home region)."
  }

  assert {
    condition     = strcontains(aws_iam_role_policy.function["account_eraser"].policy, "\"Action\":\"ssm:GetParameter\",\"Effect\":\"Allow\",\"Resource\":\"arn:aws:ssm:us-east-1:111122223333:parameter/${var.name_prefix}/identity/user-pool-id\"") && !strcontains(aws_iam_role_policy.function["mobile_api"].policy, "ssm:")
    error_message = "the account eraser may read the owning pool's parameter only (its ARN), no other function reads SSM."
  }

  # erase_conversations keeps the peer's thread: the deleted user's messages become placeholders (UpdateItem).
  assert {
    condition     = strcontains(aws_iam_role_policy.function["account_eraser"].policy, "\"dynamodb:UpdateItem\"")
    error_message = "the account eraser must be allowed to rewrite a deleted user's messages as placeholders (dynamodb:UpdateItem)."
  }
}

run "requires_the_api_function" {
  command = plan

  variables {
    functions = {
      notify_worker = { zip = "build/lambda/notify_worker.zip", handler = "notify_worker.app.lambda_handler", source_code_hash = "aGFzaA==", runtime = "python3.12", architecture = "arm64" }
    }
  }

  expect_failures = [var.functions]
}

run "only_the_api_reads_the_url_signing_key" {
  command = apply

  variables {
    cdn_domain = "media.example.com"
    cdn_signing = {
      key_pair_id = "K2EXAMPLEKEYID"
      secret_arn  = "arn:aws:secretsmanager:us-east-1:111122223333:secret:mbt-test-cdn-signing-key-AbCdEf"
      kms_key_arn = "arn:aws:kms:us-east-1:111122223333:key/mrk-2"
    }
  }

  assert {
    condition     = aws_lambda_function.this["mobile_api"].environment[0].variables["CDN_KEY_PAIR_ID"] == "K2EXAMPLEKEYID" && aws_lambda_function.this["mobile_api"].environment[0].variables["CDN_SIGNING_KEY_SECRET_ARN"] == var.cdn_signing.secret_arn
    error_message = "the API function must know the key id and the secret to sign download URLs."
  }

  assert {
    condition = [
      for s in jsondecode(aws_iam_role_policy.function["mobile_api"].policy).Statement : [s.Action, s.Resource]
      if s.Sid == "ReadCdnSigningKey"
    ] == [["secretsmanager:GetSecretValue", var.cdn_signing.secret_arn]]
    error_message = "the API may read exactly the one signing-key secret."
  }

  assert {
    condition = [
      for s in jsondecode(aws_iam_role_policy.function["mobile_api"].policy).Statement : s.Condition.StringEquals["kms:ViaService"]
      if s.Sid == "DecryptCdnSigningKey" && s.Action == "kms:Decrypt" && s.Resource == var.cdn_signing.kms_key_arn
    ] == ["secretsmanager.us-east-1.amazonaws.com"]
    error_message = "the API may decrypt with the secret's key only through Secrets Manager in its region."
  }

  assert {
    condition     = alltrue([for name in ["notify_worker", "ttl_archiver"] : !strcontains(aws_iam_role_policy.function[name].policy, "secretsmanager:")])
    error_message = "no other function may read secrets."
  }
}

run "no_signing_config_means_empty_settings_and_no_secret_access" {
  command = apply

  assert {
    condition     = aws_lambda_function.this["mobile_api"].environment[0].variables["CDN_KEY_PAIR_ID"] == "" && aws_lambda_function.this["mobile_api"].environment[0].variables["CDN_SIGNING_KEY_SECRET_ARN"] == ""
    error_message = "without signing config the function gets empty settings (and answers 503 for CDN downloads)."
  }

  assert {
    condition     = !strcontains(aws_iam_role_policy.function["mobile_api"].policy, "secretsmanager:")
    error_message = "without signing config the API reads no secret."
  }
}

run "notify_worker_publishes_through_its_own_region_only" {
  command = apply

  assert {
    condition = [
      for st in jsondecode(aws_iam_role_policy.function["notify_worker"].policy).Statement : st.Resource
      if st.Action == "sns:Publish"
    ] == ["arn:aws:sns:us-east-1:111122223333:endpoint/*"]
    error_message = "the worker publishes through this region's endpoints only: the DR site must push with the primary region dark."
  }
}

run "drill_needs_its_dr_config" {
  command = plan

  variables {
    functions = {
      mobile_api    = { zip = "build/lambda/mobile_api.zip", handler = "mobile_api.app.lambda_handler", source_code_hash = "aGFzaA==", runtime = "python3.12", architecture = "arm64" }
      notify_worker = { zip = "build/lambda/notify_worker.zip", handler = "notify_worker.app.lambda_handler", source_code_hash = "aGFzaA==", runtime = "python3.12", architecture = "arm64" }
      drill         = { zip = "build/lambda/drill.zip", handler = "drill.app.lambda_handler", source_code_hash = "aGFzaA==", runtime = "python3.12", architecture = "arm64" }
    }
  }

  assert {
    condition     = !contains(keys(aws_lambda_function.this), "drill")
    error_message = "without a drill configuration (the DR site) no drill function is deployed."
  }
}

run "drill_is_primary_only" {
  command = plan

  variables {
    site = "dr"
    drill = {
      rpo_minutes      = 5
      dr_table         = { name = "mbt-test-main", arn = "arn:aws:dynamodb:us-west-2:111122223333:table/mbt-test-main" }
      dr_media_bucket  = { name = "mbt-test-media-dr", arn = "arn:aws:s3:::mbt-test-media-dr" }
      dr_api_url       = "https://dr.execute-api.us-west-2.amazonaws.com"
      canary_prefix    = "drill/canary/"
      canary_partition = jsondecode(file("../../contracts/drill_canary.json")).canary_partition
      dr_kms_key_arns  = { data = "arn:aws:kms:us-west-2:111122223333:key/mrk-1", media = "arn:aws:kms:us-west-2:111122223333:key/mrk-2" }
    }
  }

  expect_failures = [var.drill]
}

run "drill_gets_its_settings_time_and_canary_only_access" {
  command = apply

  variables {
    functions = {
      mobile_api    = { zip = "build/lambda/mobile_api.zip", handler = "mobile_api.app.lambda_handler", source_code_hash = "aGFzaA==", runtime = "python3.12", architecture = "arm64" }
      notify_worker = { zip = "build/lambda/notify_worker.zip", handler = "notify_worker.app.lambda_handler", source_code_hash = "aGFzaA==", runtime = "python3.12", architecture = "arm64" }
      drill         = { zip = "build/lambda/drill.zip", handler = "drill.app.lambda_handler", source_code_hash = "aGFzaA==", runtime = "python3.12", architecture = "arm64" }
    }
    drill = {
      rpo_minutes      = 5
      dr_table         = { name = "mbt-test-main", arn = "arn:aws:dynamodb:us-west-2:111122223333:table/mbt-test-main" }
      dr_media_bucket  = { name = "mbt-test-media-dr", arn = "arn:aws:s3:::mbt-test-media-dr" }
      dr_api_url       = "https://dr.execute-api.us-west-2.amazonaws.com"
      canary_prefix    = "drill/canary/"
      canary_partition = jsondecode(file("../../contracts/drill_canary.json")).canary_partition
      dr_kms_key_arns  = { data = "arn:aws:kms:us-west-2:111122223333:key/mrk-1", media = "arn:aws:kms:us-west-2:111122223333:key/mrk-2" }
      alerts_topic     = { arn = "arn:aws:sns:us-east-1:111122223333:mbt-test-alerts", kms_key_arn = "arn:aws:kms:us-east-1:111122223333:key/3" }
    }
  }

  assert {
    condition = {
      for k, v in aws_lambda_function.this["drill"].environment[0].variables : k => v
      if contains(["DR_REGION", "DR_TABLE_NAME", "DR_MEDIA_BUCKET", "DR_API_URL", "ALERTS_TOPIC_ARN"], k)
      } == {
      DR_REGION        = "us-west-2"
      DR_MEDIA_BUCKET  = "mbt-test-media-dr"
      DR_API_URL       = "https://dr.execute-api.us-west-2.amazonaws.com"
      ALERTS_TOPIC_ARN = "arn:aws:sns:us-east-1:111122223333:mbt-test-alerts"
    }
    error_message = "the drill gets the DR settings it reads (no DR_TABLE_NAME: the replica shares the table's name)."
  }

  assert {
    condition     = !contains(keys(aws_lambda_function.this["mobile_api"].environment[0].variables), "DR_MEDIA_BUCKET")
    error_message = "only the drill gets the DR settings."
  }

  assert {
    condition     = aws_lambda_function.this["drill"].timeout == 320
    error_message = "the drill's timeout is its RPO target (5 min) + 20 s."
  }

  assert {
    condition     = length(aws_lambda_function_event_invoke_config.async["drill"].destination_config[0].on_failure) == 1
    error_message = "failed drill invocations end in the failure queue."
  }

  assert {
    condition = alltrue([
      for st in jsondecode(aws_iam_role_policy.function["drill"].policy).Statement :
      st.Condition["ForAllValues:StringLike"]["dynamodb:LeadingKeys"] == [jsondecode(file("../../contracts/drill_canary.json")).canary_partition]
      if length(setintersection(flatten([st.Action]), ["dynamodb:PutItem", "dynamodb:DeleteItem", "dynamodb:GetItem"])) > 0
    ])
    error_message = "the drill may touch its canary partition's items only."
  }

  assert {
    condition = alltrue([
      for st in jsondecode(aws_iam_role_policy.function["drill"].policy).Statement :
      alltrue([for r in flatten([st.Resource]) : endswith(r, "/drill/canary/*")])
      if length(setintersection(flatten([st.Action]), ["s3:PutObject", "s3:GetObject", "s3:DeleteObject", "s3:DeleteObjectVersion"])) > 0
    ])
    error_message = "the drill may read and write objects under drill/canary/ only."
  }

  assert {
    condition = [
      for st in jsondecode(aws_iam_role_policy.function["drill"].policy).Statement : st.Resource
      if st.Action == "sns:Publish"
    ] == [var.drill.alerts_topic.arn]
    error_message = "the drill may publish to the alerts topic only."
  }
}

run "a_long_rpo_target_is_capped_at_lambdas_limit" {
  command = plan

  variables {
    functions = {
      mobile_api    = { zip = "build/lambda/mobile_api.zip", handler = "mobile_api.app.lambda_handler", source_code_hash = "aGFzaA==", runtime = "python3.12", architecture = "arm64" }
      notify_worker = { zip = "build/lambda/notify_worker.zip", handler = "notify_worker.app.lambda_handler", source_code_hash = "aGFzaA==", runtime = "python3.12", architecture = "arm64" }
      drill         = { zip = "build/lambda/drill.zip", handler = "drill.app.lambda_handler", source_code_hash = "aGFzaA==", runtime = "python3.12", architecture = "arm64" }
    }
    drill = {
      rpo_minutes      = 30
      dr_table         = { name = "mbt-test-main", arn = "arn:aws:dynamodb:us-west-2:111122223333:table/mbt-test-main" }
      dr_media_bucket  = { name = "mbt-test-media-dr", arn = "arn:aws:s3:::mbt-test-media-dr" }
      dr_api_url       = "https://dr.execute-api.us-west-2.amazonaws.com"
      canary_prefix    = "drill/canary/"
      canary_partition = jsondecode(file("../../contracts/drill_canary.json")).canary_partition
      dr_kms_key_arns  = { data = "arn:aws:kms:us-west-2:111122223333:key/mrk-1", media = "arn:aws:kms:us-west-2:111122223333:key/mrk-2" }
    }
  }

  assert {
    condition     = aws_lambda_function.this["drill"].timeout == 900
    error_message = "a 30-minute RPO target gets Lambda's 900 s maximum."
  }

  expect_failures = [check.drill_polls_the_whole_rpo_target]
}

# x86_64 wheels on an arm64 function fail at import in AWS ("invalid ELF header"): refused at plan time.
run "zip_built_for_another_architecture_is_refused" {
  command = plan

  variables {
    functions = {
      mobile_api    = { zip = "build/lambda/mobile_api.zip", handler = "mobile_api.app.lambda_handler", source_code_hash = "aGFzaA==", runtime = "python3.12", architecture = "x86_64" }
      notify_worker = { zip = "build/lambda/notify_worker.zip", handler = "notify_worker.app.lambda_handler", source_code_hash = "aGFzaA==", runtime = "python3.12", architecture = "arm64" }
    }
  }

  expect_failures = [aws_lambda_function.this]
}

run "zip_built_for_another_python_is_refused" {
  command = plan

  variables {
    functions = {
      mobile_api    = { zip = "build/lambda/mobile_api.zip", handler = "mobile_api.app.lambda_handler", source_code_hash = "aGFzaA==", runtime = "python3.12", architecture = "arm64" }
      notify_worker = { zip = "build/lambda/notify_worker.zip", handler = "notify_worker.app.lambda_handler", source_code_hash = "aGFzaA==", runtime = "python3.11", architecture = "arm64" }
    }
  }

  expect_failures = [aws_lambda_function.this]
}

run "api_function_cannot_outlive_the_integration" {
  command = plan

  variables {
    function_settings = {
      mobile_api = { timeout_seconds = 60 }
    }
  }

  expect_failures = [var.function_settings]
}
