output "id" {
  description = "Bucket name."
  value       = aws_s3_bucket.logs.bucket
}

output "arn" {
  description = "Bucket ARN."
  value       = aws_s3_bucket.logs.arn
}
