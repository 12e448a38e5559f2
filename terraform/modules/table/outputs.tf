output "table_name" {
  description = "Name of the table (the same in both regions)."
  value       = aws_dynamodb_table.main.name
}

output "table_arn" {
  description = "ARN of the table in the primary region."
  value       = aws_dynamodb_table.main.arn
}

output "stream_arn" {
  description = "ARN of the table's stream in the primary region."
  value       = aws_dynamodb_table.main.stream_arn
}

output "replica_arns" {
  description = "Region -> ARN of each replica."
  value       = { for r in aws_dynamodb_table.main.replica : r.region_name => r.arn }
}

output "replica_stream_arns" {
  description = "Region -> stream ARN of each replica."
  value       = { for r in aws_dynamodb_table.main.replica : r.region_name => r.stream_arn }
}
