data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}

data "aws_region" "current" {}

locals {
  account_id = data.aws_caller_identity.current.account_id
  partition  = data.aws_partition.current.partition
  region     = data.aws_region.current.region

  # The trusted issuers document live_socket reads (lambdas/live_socket/tokens.py TrustedIssuers.from_json).
  trusted_issuers = jsonencode({
    issuers    = { for issuer in var.trusted_issuers : issuer => "${issuer}/.well-known/jwks.json" }
    client_ids = var.client_ids
  })
}

# The live channel: one WebSocket connection per open app, authenticated on $connect; events are posted to it by
# live_delivery (PostToConnection). Why API Gateway WebSocket APIs and not AppSync Events: modules/live/README.md.
resource "aws_apigatewayv2_api" "live" {
  name                       = "${var.name_prefix}-live"
  description                = "Live channel (${var.site}): new messages, read receipts and notifications while the app is open."
  protocol_type              = "WEBSOCKET"
  route_selection_expression = "$request.body.action"
}

resource "aws_apigatewayv2_integration" "socket" {
  api_id                    = aws_apigatewayv2_api.live.id
  integration_type          = "AWS_PROXY"
  integration_method        = "POST"
  integration_uri           = var.socket_function.invoke_arn
  content_handling_strategy = "CONVERT_TO_TEXT"
}

# The token is checked before the upgrade: a bad one is 401, another user's channel 403 (live_socket/routes.py).
# No identity source, so the authorizer runs for every connect (the token may come as a header or a query
# parameter) and nothing is cached across connections.
resource "aws_apigatewayv2_authorizer" "connect" {
  api_id          = aws_apigatewayv2_api.live.id
  name            = "cognito-token"
  authorizer_type = "REQUEST"
  authorizer_uri  = var.socket_function.invoke_arn
}

resource "aws_apigatewayv2_route" "connect" {
  api_id             = aws_apigatewayv2_api.live.id
  route_key          = "$connect"
  authorization_type = "CUSTOM"
  authorizer_id      = aws_apigatewayv2_authorizer.connect.id
  target             = "integrations/${aws_apigatewayv2_integration.socket.id}"
}

resource "aws_apigatewayv2_route" "disconnect" {
  #checkov:skip=CKV_AWS_309:a WebSocket API authorizes on $connect only; $disconnect belongs to a connection that was authorized there
  #checkov:skip=CKV_MBT_5:a WebSocket API authorizes on $connect only (CKV_MBT_5 checks it there); $disconnect belongs to an authorized connection
  api_id             = aws_apigatewayv2_api.live.id
  route_key          = "$disconnect"
  authorization_type = "NONE"
  target             = "integrations/${aws_apigatewayv2_integration.socket.id}"
}

resource "aws_apigatewayv2_route" "default" {
  #checkov:skip=CKV_AWS_309:a WebSocket API authorizes on $connect only; frames arrive on a connection that was authorized there (its context rides on every event)
  #checkov:skip=CKV_MBT_5:a WebSocket API authorizes on $connect only (CKV_MBT_5 checks it there); frames arrive on an authorized connection
  api_id                              = aws_apigatewayv2_api.live.id
  route_key                           = "$default"
  authorization_type                  = "NONE"
  target                              = "integrations/${aws_apigatewayv2_integration.socket.id}"
  route_response_selection_expression = "$default"
}

# The function's answer to a client frame ({"type": "pong"}, "subscribed" or an error) goes back on the connection.
resource "aws_apigatewayv2_route_response" "default" {
  api_id             = aws_apigatewayv2_api.live.id
  route_id           = aws_apigatewayv2_route.default.id
  route_response_key = "$default"
}

# WebSocket stages do not auto-deploy: a new deployment whenever a route or the integration changes.
resource "aws_apigatewayv2_deployment" "live" {
  api_id      = aws_apigatewayv2_api.live.id
  description = "routes and integration"

  triggers = {
    redeployment = sha1(jsonencode([
      aws_apigatewayv2_integration.socket,
      aws_apigatewayv2_authorizer.connect,
      aws_apigatewayv2_route.connect,
      aws_apigatewayv2_route.disconnect,
      aws_apigatewayv2_route.default,
      aws_apigatewayv2_route_response.default,
    ]))
  }

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_cloudwatch_log_group" "access" {
  #checkov:skip=CKV_AWS_338:retention is an env setting (tfvars: api.log_retention_days); the year-long audit record is CloudTrail's
  name              = "/aws/apigateway/${var.name_prefix}-live"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.logs_kms_key_arn
}

resource "aws_apigatewayv2_stage" "live" {
  #checkov:skip=CKV2_AWS_51:clients are phones and browsers authenticated by their Cognito token on $connect; mutual-TLS client certificates are for server-to-server callers
  api_id        = aws_apigatewayv2_api.live.id
  name          = var.stage_name
  deployment_id = aws_apigatewayv2_deployment.live.id

  default_route_settings {
    throttling_rate_limit    = var.throttling.rate_limit
    throttling_burst_limit   = var.throttling.burst_limit
    detailed_metrics_enabled = false
    data_trace_enabled       = false # frames carry users' messages: never logged
    logging_level            = "ERROR"
  }

  # The token never reaches the log: no query string, no headers.
  access_log_settings {
    destination_arn = aws_cloudwatch_log_group.access.arn
    format = jsonencode({
      requestId       = "$context.requestId"
      ip              = "$context.identity.sourceIp"
      requestTime     = "$context.requestTime"
      routeKey        = "$context.routeKey"
      eventType       = "$context.eventType"
      status          = "$context.status"
      connectionId    = "$context.connectionId"
      sub             = "$context.authorizer.sub"
      error           = "$context.error.message"
      authorizerError = "$context.authorizer.error"
      latency         = "$context.integrationLatency"
    })
  }

  depends_on = [aws_api_gateway_account.logging]
}

resource "aws_lambda_permission" "socket" {
  statement_id  = "AllowLiveWebSocketApi"
  action        = "lambda:InvokeFunction"
  function_name = var.socket_function.function_name
  qualifier     = var.socket_function.qualifier
  principal     = "apigateway.amazonaws.com"
  source_arn    = "${aws_apigatewayv2_api.live.execution_arn}/*"
}

resource "aws_lambda_permission" "authorizer" {
  statement_id  = "AllowLiveConnectAuthorizer"
  action        = "lambda:InvokeFunction"
  function_name = var.socket_function.function_name
  qualifier     = var.socket_function.qualifier
  principal     = "apigateway.amazonaws.com"
  source_arn    = "${aws_apigatewayv2_api.live.execution_arn}/authorizers/${aws_apigatewayv2_authorizer.connect.id}"
}

# live_socket's trusted issuers (a parameter: the pool depends on the functions, so no function's environment may
# name it). Written after the pool; read once per execution environment.
resource "aws_ssm_parameter" "trusted_issuers" {
  #checkov:skip=CKV2_AWS_34:issuer URLs and app client ids are no secret (every token carries them); a plain String
  name           = var.auth_parameter_name
  description    = "Cognito issuers and app clients whose tokens may open the live channel (live_socket)."
  type           = "String"
  insecure_value = local.trusted_issuers
}

# Each region's stream has its own writes and the replicated ones: a user connected to either region gets the event.
resource "aws_lambda_event_source_mapping" "delivery" {
  event_source_arn                   = var.table_stream_arn
  function_name                      = var.delivery_function.alias_arn
  starting_position                  = "LATEST"
  batch_size                         = 100
  maximum_batching_window_in_seconds = 0 # live: no waiting to fill a batch
  maximum_retry_attempts             = 3
  maximum_record_age_in_seconds      = 300 # an event older than this is no longer live (the inbox holds it)
  bisect_batch_on_function_error     = true
  function_response_types            = ["ReportBatchItemFailures"]

  filter_criteria {
    dynamic "filter" {
      for_each = var.live_event_sort_key_prefixes
      content {
        pattern = jsonencode({
          eventName = ["INSERT", "MODIFY"]
          dynamodb  = { Keys = { SK = { S = [{ prefix = filter.value }] } } }
        })
      }
    }
  }

  destination_config {
    on_failure {
      destination_arn = var.failure_queue_arn
    }
  }
}

# WebSocket APIs write access logs through the account's API Gateway CloudWatch role (one setting per account and
# region; HTTP APIs do not need it).
resource "aws_iam_role" "api_gateway_logs" {
  count = var.manage_account_logging_role ? 1 : 0

  name                 = "${var.name_prefix}-apigateway-logs-${local.region}"
  permissions_boundary = var.permissions_boundary_arn
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "apigateway.amazonaws.com" }
      Action    = "sts:AssumeRole"
      Condition = { StringEquals = { "aws:SourceAccount" = local.account_id } }
    }]
  })
}

resource "aws_iam_role_policy" "api_gateway_logs" {
  count = var.manage_account_logging_role ? 1 : 0

  name = "write-access-logs"
  role = aws_iam_role.api_gateway_logs[0].id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid      = "WriteApiGatewayLogs"
      Effect   = "Allow"
      Action   = ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:DescribeLogGroups", "logs:DescribeLogStreams", "logs:PutLogEvents", "logs:GetLogEvents", "logs:FilterLogEvents"]
      Resource = "arn:${local.partition}:logs:${local.region}:${local.account_id}:log-group:*"
    }]
  })
}

resource "aws_api_gateway_account" "logging" {
  count = var.manage_account_logging_role ? 1 : 0

  cloudwatch_role_arn = aws_iam_role.api_gateway_logs[0].arn

  depends_on = [aws_iam_role_policy.api_gateway_logs]
}
