mock_provider "aws" {}

variables {
  bucket_name    = "mbt-test-logs"
  retention_days = 30
}

run "private_tls_only_and_expiring" {
  command = apply

  assert {
    condition     = aws_s3_bucket_public_access_block.this.block_public_policy && aws_s3_bucket_public_access_block.this.restrict_public_buckets
    error_message = "log buckets are never public."
  }

  assert {
    condition     = jsondecode(aws_s3_bucket_policy.this.policy).Statement[0].Condition.Bool["aws:SecureTransport"] == "false"
    error_message = "log buckets deny plain HTTP."
  }

  assert {
    condition     = aws_s3_bucket_lifecycle_configuration.this.rule[0].expiration[0].days == 30
    error_message = "logs expire after the retention period."
  }
}

run "server_access_log_targets_use_sse_s3" {
  command = plan

  assert {
    condition     = one([for r in aws_s3_bucket_server_side_encryption_configuration.this.rule : one(r.apply_server_side_encryption_by_default).sse_algorithm]) == "AES256"
    error_message = "S3 only delivers server access logs to SSE-S3 buckets."
  }
}
