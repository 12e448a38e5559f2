output "api_id" {
  description = "Id of the WebSocket API."
  value       = aws_apigatewayv2_api.live.id
}

output "execution_arn" {
  description = "Execution ARN of the WebSocket API (live_delivery's ManageConnections is scoped under it)."
  value       = aws_apigatewayv2_api.live.execution_arn
}

output "stage_name" {
  description = "The stage's name."
  value       = var.stage_name
}

output "url" {
  description = "The live channel's URL for apps (wss://<api id>.execute-api.<region>.amazonaws.com/<stage>)."
  value       = "${aws_apigatewayv2_api.live.api_endpoint}/${var.stage_name}"
}

output "connections_url" {
  description = "The management endpoint live_delivery posts to (https://<api id>.execute-api.<region>.amazonaws.com/<stage>)."
  value       = "https://${aws_apigatewayv2_api.live.id}.execute-api.${local.region}.amazonaws.com/${var.stage_name}"
}

output "access_log_group" {
  description = "Log group of the stage's access log."
  value       = aws_cloudwatch_log_group.access.name
}
