output "alerts_topic_arn" {
  description = "SNS topic receiving every alarm of this region."
  value       = aws_sns_topic.alerts.arn
}

output "alarm_names" {
  description = "Names of every alarm of this region."
  value       = concat([for a in aws_cloudwatch_metric_alarm.simple : a.alarm_name], [aws_cloudwatch_metric_alarm.api_5xx_rate.alarm_name])
}

output "dashboard_name" {
  description = "CloudWatch dashboard of this region."
  value       = aws_cloudwatch_dashboard.main.dashboard_name
}
