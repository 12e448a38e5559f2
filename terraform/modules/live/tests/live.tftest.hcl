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
  site        = "primary"
  socket_function = {
    function_name = "mbt-test-live-socket"
    qualifier     = "live"
    invoke_arn    = "arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/arn:aws:lambda:us-east-1:111122223333:function:mbt-test-live-socket:live/invocations"
  }
  delivery_function            = { alias_arn = "arn:aws:lambda:us-east-1:111122223333:function:mbt-test-live-delivery:live" }
  table_stream_arn             = "arn:aws:dynamodb:us-east-1:111122223333:table/mbt-test-main/stream/x"
  live_event_sort_key_prefixes = jsondecode(file("../../contracts/item_keys.json")).live_event_sort_key_prefixes
  failure_queue_arn            = "arn:aws:sqs:us-east-1:111122223333:mbt-test-function-failures"
  auth_parameter_name          = "/mbt-test/live/trusted-issuers"
  trusted_issuers              = ["https://cognito-idp.us-east-1.amazonaws.com/us-east-1_TestPool1"]
  client_ids                   = ["testclient"]
  throttling                   = { rate_limit = 50, burst_limit = 100 }
  logs_kms_key_arn             = "arn:aws:kms:us-east-1:111122223333:key/4"
}

run "a_websocket_api_that_authorizes_on_connect" {
  command = apply

  assert {
    condition     = aws_apigatewayv2_api.live.protocol_type == "WEBSOCKET"
    error_message = "the live channel is an API Gateway WebSocket API."
  }

  assert {
    condition     = aws_apigatewayv2_route.connect.authorization_type == "CUSTOM" && aws_apigatewayv2_route.connect.authorizer_id == aws_apigatewayv2_authorizer.connect.id
    error_message = "$connect must run the token authorizer."
  }

  assert {
    condition     = aws_apigatewayv2_authorizer.connect.authorizer_type == "REQUEST" && aws_apigatewayv2_authorizer.connect.authorizer_uri == var.socket_function.invoke_arn
    error_message = "the authorizer is live_socket's REQUEST authorizer."
  }

  assert {
    condition     = toset([aws_apigatewayv2_route.connect.route_key, aws_apigatewayv2_route.disconnect.route_key, aws_apigatewayv2_route.default.route_key]) == toset(["$connect", "$disconnect", "$default"])
    error_message = "the API has exactly the $connect, $disconnect and $default routes."
  }
}

run "stage_throttled_and_logged_without_frames" {
  command = plan

  assert {
    condition     = aws_apigatewayv2_stage.live.default_route_settings[0].throttling_rate_limit == 50 && aws_apigatewayv2_stage.live.default_route_settings[0].throttling_burst_limit == 100
    error_message = "the stage must carry the env's throttle."
  }

  assert {
    condition     = aws_apigatewayv2_stage.live.default_route_settings[0].data_trace_enabled == false
    error_message = "frames carry users' messages: no data trace."
  }

  assert {
    condition     = length(aws_apigatewayv2_stage.live.access_log_settings) == 1 && !strcontains(aws_apigatewayv2_stage.live.access_log_settings[0].format, "querystring")
    error_message = "access logs on, and never the query string (it may hold the token)."
  }
}

run "the_trusted_issuers_parameter_is_what_live_socket_reads" {
  command = plan

  assert {
    condition     = jsondecode(aws_ssm_parameter.trusted_issuers.insecure_value).issuers["https://cognito-idp.us-east-1.amazonaws.com/us-east-1_TestPool1"] == "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_TestPool1/.well-known/jwks.json"
    error_message = "each issuer's keys are at <issuer>/.well-known/jwks.json."
  }

  assert {
    condition     = jsondecode(aws_ssm_parameter.trusted_issuers.insecure_value).client_ids == ["testclient"]
    error_message = "the parameter names the app clients."
  }
}

run "the_stream_filter_passes_live_event_items_only" {
  command = plan

  assert {
    # `filter` is a set block: compared in the order of the prefixes, whatever order the plan lists them in.
    condition = (
      length(aws_lambda_event_source_mapping.delivery.filter_criteria[0].filter) == length(var.live_event_sort_key_prefixes)
      && alltrue([
        for p in var.live_event_sort_key_prefixes : contains(
          [for f in aws_lambda_event_source_mapping.delivery.filter_criteria[0].filter : jsondecode(f.pattern)],
          { eventName = ["INSERT", "MODIFY"], dynamodb = { Keys = { SK = { S = [{ prefix = p }] } } } }
        )
      ])
    )
    error_message = "one filter per live-event prefix, INSERT and MODIFY only."
  }

  assert {
    condition     = aws_lambda_event_source_mapping.delivery.maximum_batching_window_in_seconds == 0 && contains(aws_lambda_event_source_mapping.delivery.function_response_types, "ReportBatchItemFailures")
    error_message = "live: no batching window; partial batch failures."
  }
}

run "bad_inputs_are_refused" {
  command = plan

  variables {
    trusted_issuers = ["http://insecure.example"]
  }

  expect_failures = [var.trusted_issuers]
}
