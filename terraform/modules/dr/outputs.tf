output "health_check_ids" {
  description = "Route 53 health check id of each site's API."
  value       = { for site, check in aws_route53_health_check.api : site => check.id }
}

output "failover_record" {
  description = "The public API name with PRIMARY/SECONDARY failover records (null without a public domain)."
  value       = local.public ? var.public_api.domain_name : null
}

output "public_url" {
  description = "https URL of the failover name (null without a public domain)."
  value       = local.public ? "https://${var.public_api.domain_name}" : null
}

output "drill_schedule_name" {
  description = "Name of the EventBridge Scheduler schedule running the non-destructive drill (null when no drill function)."
  value       = one(aws_scheduler_schedule.drill[*].name)
}

output "replication_pause_template_id" {
  description = "FIS experiment template the drill starts for --inject replication-pause (null without fault_injection)."
  value       = one(aws_fis_experiment_template.replication_pause[*].id)
}

output "drill_alarm_name" {
  description = "CloudWatch alarm on the scheduled drill's DrillPassed metric (null without a drill function)."
  value       = one(aws_cloudwatch_metric_alarm.drill_failed[*].alarm_name)
}
