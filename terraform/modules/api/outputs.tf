output "api_id" {
  description = "HTTP API id."
  value       = aws_apigatewayv2_api.main.id
}

output "api_url" {
  description = "Invoke URL of the $default stage."
  value       = aws_apigatewayv2_api.main.api_endpoint
}

output "api_host" {
  description = "Host name of the API's execute-api endpoint (Route 53 health checks)."
  value       = replace(aws_apigatewayv2_api.main.api_endpoint, "https://", "")
}

output "stage_name" {
  description = "Name of the API stage."
  value       = aws_apigatewayv2_stage.default.name
}

output "function_names" {
  description = "Function key -> deployed function name."
  value       = { for k, fn in aws_lambda_function.this : k => fn.function_name }
}

output "function_alias_arns" {
  description = "Function key -> ARN of its `live` alias."
  value       = { for k, alias in aws_lambda_alias.live : k => alias.arn }
}

output "function_role_arns" {
  description = "Function key -> execution role ARN."
  value       = { for k, role in aws_iam_role.function : k => role.arn }
}

output "failure_queue_name" {
  description = "Queue collecting failed asynchronous invocations and stream batches."
  value       = aws_sqs_queue.function_failures.name
}

output "failure_queue_arn" {
  description = "ARN of the failure queue."
  value       = aws_sqs_queue.function_failures.arn
}

output "routes" {
  description = "Every route key, public or protected."
  value       = concat(local.public_routes, local.private_routes)
}

output "push_endpoint_arns" {
  description = "SNS endpoint ARN pattern the notify worker may publish to: this region's only (a token registered at the other site gets an endpoint here on first use)."
  value       = local.own_endpoints
}

output "function_invoke_arns" {
  description = "Function key -> invoke ARN of its `live` alias (API Gateway integrations and authorizers)."
  value       = { for k, alias in aws_lambda_alias.live : k => alias.invoke_arn }
}

output "live_auth_parameter" {
  description = "Name of the SSM parameter live_socket reads the trusted token issuers from (modules/live writes it)."
  value       = local.live_auth_parameter
}
