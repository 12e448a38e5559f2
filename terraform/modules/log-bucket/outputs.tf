output "id" {
  description = "Bucket name."
  value       = aws_s3_bucket.logs.bucket
}

output "arn" {
  description = "Bucket ARN."
  value       = aws_s3_bucket.logs.arn
}

output "policy" {
  description = "The bucket policy document (JSON), for tests and reviews."
  value       = aws_s3_bucket_policy.this.policy
}
