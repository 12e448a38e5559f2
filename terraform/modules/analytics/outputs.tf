output "stream_name" {
  description = "Firehose delivery stream receiving usage events."
  value       = aws_kinesis_firehose_delivery_stream.usage_events.name
}

output "stream_arn" {
  description = "ARN of the delivery stream."
  value       = aws_kinesis_firehose_delivery_stream.usage_events.arn
}

output "dr_stream_name" {
  description = "Firehose delivery stream of the DR region receiving its usage events (same name, DR region)."
  value       = aws_kinesis_firehose_delivery_stream.usage_events_dr.name
}

output "dr_stream_arn" {
  description = "ARN of the DR region's delivery stream."
  value       = aws_kinesis_firehose_delivery_stream.usage_events_dr.arn
}

output "log_delivery_role_arn" {
  description = "Role CloudWatch Logs assumes to send the API functions' usage-event lines to the stream (subscription filters)."
  value       = aws_iam_role.log_delivery.arn
}

output "bucket" {
  description = "Bucket holding the Parquet usage events."
  value       = module.events_bucket.id
}

output "bucket_arn" {
  description = "ARN of the usage events bucket."
  value       = module.events_bucket.arn
}

output "results_bucket_arn" {
  description = "ARN of the Athena results bucket."
  value       = module.results_bucket.arn
}

output "database" {
  description = "Glue database of the analytics tables."
  value       = aws_glue_catalog_database.analytics.name
}

output "table" {
  description = "Glue table of usage events."
  value       = aws_glue_catalog_table.usage_events.name
}

output "workgroup" {
  description = "Athena workgroup analysts use."
  value       = aws_athena_workgroup.analytics.name
}

output "workgroup_arn" {
  description = "ARN of the Athena workgroup."
  value       = aws_athena_workgroup.analytics.arn
}

output "named_query_ids" {
  description = "Athena named query id by name (one per ops/analytics/queries/*.sql)."
  value       = { for name, q in aws_athena_named_query.analytics : name => q.id }
}

output "inventory_table" {
  description = "Glue table over the media bucket's S3 Inventory reports (null without an inventory)."
  value       = one(aws_glue_catalog_table.media_inventory[*].name)
}
