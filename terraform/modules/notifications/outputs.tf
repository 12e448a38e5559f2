output "queue_url" {
  description = "URL of the notification queue the API sends to."
  value       = aws_sqs_queue.notify.id
}

output "queue_arn" {
  description = "ARN of the notification queue (the worker's event source)."
  value       = aws_sqs_queue.notify.arn
}

output "queue_name" {
  description = "Name of the notification queue."
  value       = aws_sqs_queue.notify.name
}

output "dlq_arn" {
  description = "ARN of the notification dead-letter queue."
  value       = aws_sqs_queue.notify_dlq.arn
}

output "dlq_name" {
  description = "Name of the notification dead-letter queue (alarmed on depth)."
  value       = aws_sqs_queue.notify_dlq.name
}

output "platform_application_arns" {
  description = "Platform -> SNS platform application ARN (null when its credentials are not configured)."
  value = {
    apns = one(aws_sns_platform_application.apns[*].arn)
    fcm  = one(aws_sns_platform_application.fcm[*].arn)
  }
}
