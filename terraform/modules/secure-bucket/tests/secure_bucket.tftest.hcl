mock_provider "aws" {}

variables {
  bucket_name = "mbt-test-media"
  kms_key_arn = "arn:aws:kms:us-east-1:111122223333:key/mrk-00000000000000000000000000000001"
  data_class  = "user"
  archival    = jsondecode(file("../../contracts/archival_policy.json"))
}

run "no_public_access_and_tls_only" {
  command = plan

  assert {
    condition = alltrue([
      aws_s3_bucket_public_access_block.this.block_public_acls,
      aws_s3_bucket_public_access_block.this.block_public_policy,
      aws_s3_bucket_public_access_block.this.ignore_public_acls,
      aws_s3_bucket_public_access_block.this.restrict_public_buckets,
    ])
    error_message = "all four public access blocks must be on."
  }
}

run "tls_only_policy_denies_plain_http" {
  command = apply

  assert {
    condition     = jsondecode(aws_s3_bucket_policy.this.policy).Statement[0].Condition.Bool["aws:SecureTransport"] == "false"
    error_message = "the bucket policy must deny requests without TLS."
  }
}

run "sse_kms_with_the_given_key" {
  command = plan

  assert {
    condition     = one([for r in aws_s3_bucket_server_side_encryption_configuration.this.rule : one(r.apply_server_side_encryption_by_default).sse_algorithm]) == "aws:kms"
    error_message = "user data buckets must use SSE-KMS."
  }
}

run "deep_archive_after_180_days_without_access" {
  command = plan

  assert {
    condition     = one([for t in aws_s3_bucket_intelligent_tiering_configuration.archive[0].tiering : t.days if t.access_tier == "DEEP_ARCHIVE_ACCESS"]) == 180
    error_message = "objects inactive for 6 months must reach Deep Archive Access."
  }

  assert {
    condition     = aws_s3_bucket.this.tags["data_class"] == "user"
    error_message = "user data buckets carry data_class = user."
  }
}

run "operational_bucket_expires_instead_of_archiving" {
  command = plan

  variables {
    bucket_name               = "mbt-test-results"
    archival                  = null
    data_class                = "analytics"
    expire_current_after_days = 30
  }

  assert {
    condition     = length(aws_s3_bucket_intelligent_tiering_configuration.archive) == 0 && aws_s3_bucket_lifecycle_configuration.expire[0].rule[0].expiration[0].days == 30
    error_message = "buckets without an archival policy expire their objects."
  }
}

run "rejects_aws_managed_keys" {
  command = plan

  variables {
    kms_key_arn = "arn:aws:kms:us-east-1:111122223333:alias/aws/s3"
  }

  expect_failures = [var.kms_key_arn]
}

run "rejects_deep_archive_too_early" {
  command = plan

  variables {
    archival = merge(jsondecode(file("../../contracts/archival_policy.json")), { deep_archive_after_days = 30 })
  }

  expect_failures = [var.archival]
}

run "lifecycle_cleans_noncurrent_versions_and_incomplete_uploads" {
  command = plan

  assert {
    condition = (
      aws_s3_bucket_lifecycle_configuration.archive[0].rule[0].abort_incomplete_multipart_upload[0].days_after_initiation == 7 &&
      aws_s3_bucket_lifecycle_configuration.archive[0].rule[0].noncurrent_version_expiration[0].noncurrent_days == 365
    )
    error_message = "user data buckets abort incomplete uploads and expire old versions per the archival contract."
  }
}
