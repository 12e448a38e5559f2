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
    condition     = output.archive_tiers == { DEEP_ARCHIVE_ACCESS = 180 }
    error_message = "objects inactive for 6 months reach Deep Archive Access, and no archive tier comes earlier."
  }

  assert {
    condition     = aws_s3_bucket.this.tags["data_class"] == "user" && !contains(keys(aws_s3_bucket.this.tags), "failover_copy")
    error_message = "user data buckets carry data_class = user."
  }
}

# The DR copy is read only after a failover: archived there, almost all media would answer 403.
run "failover_copy_never_archives" {
  command = plan

  variables {
    failover_copy = true
  }

  assert {
    condition     = length(aws_s3_bucket_intelligent_tiering_configuration.archive) == 0 && output.archive_tiers == {}
    error_message = "a failover copy has no Intelligent-Tiering archive tiers."
  }

  assert {
    condition     = aws_s3_bucket.this.tags["failover_copy"] == "true" && one(aws_s3_bucket_lifecycle_configuration.archive[0].rule[0].transition).storage_class == "INTELLIGENT_TIERING"
    error_message = "a failover copy is tagged for the policy checks and keeps the tiering transition and lifecycle hygiene."
  }
}

run "scratch_prefixes_expire_every_version" {
  command = plan

  variables {
    scratch_prefixes = { "drill/canary/" = 1 }
  }

  assert {
    condition = length([
      for r in aws_s3_bucket_lifecycle_configuration.archive[0].rule : r
      if one(r.filter).prefix == "drill/canary/" && one(r.expiration).days == 1 && one(r.noncurrent_version_expiration).noncurrent_days == 1
    ]) == 1
    error_message = "objects under a scratch prefix expire, current and noncurrent versions, after the given days."
  }

  assert {
    condition = length([
      for r in aws_s3_bucket_lifecycle_configuration.archive[0].rule : r
      if one(r.filter).prefix == "drill/canary/" && one(r.expiration).expired_object_delete_marker == true
    ]) == 1
    error_message = "the delete markers left under a scratch prefix are removed too."
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

# The archival bounds: lambdas/backend_core/archival.py must accept exactly these values too
# (tests/unit/contracts/test_archival_bounds.py reads every archival_bounds_* run below).
run "archival_bounds_deep_archive_at_the_floor" {
  command = plan

  variables {
    archival = merge(jsondecode(file("../../contracts/archival_policy.json")), { deep_archive_after_days = 180, archive_access_after_days = null })
  }
}

run "archival_bounds_deep_archive_at_the_ceiling" {
  command = plan

  variables {
    archival = merge(jsondecode(file("../../contracts/archival_policy.json")), { deep_archive_after_days = 730, archive_access_after_days = null })
  }
}

run "archival_bounds_archive_access_from_180_before_deep" {
  command = plan

  variables {
    archival = merge(jsondecode(file("../../contracts/archival_policy.json")), { deep_archive_after_days = 365, archive_access_after_days = 180 })
  }
}

run "archival_bounds_archive_access_just_before_deep" {
  command = plan

  variables {
    archival = merge(jsondecode(file("../../contracts/archival_policy.json")), { deep_archive_after_days = 730, archive_access_after_days = 729 })
  }
}

run "archival_bounds_deep_archive_too_early" {
  command = plan

  variables {
    archival = merge(jsondecode(file("../../contracts/archival_policy.json")), { deep_archive_after_days = 30, archive_access_after_days = null })
  }

  expect_failures = [var.archival]
}

run "archival_bounds_deep_archive_a_day_early" {
  command = plan

  variables {
    archival = merge(jsondecode(file("../../contracts/archival_policy.json")), { deep_archive_after_days = 179, archive_access_after_days = null })
  }

  expect_failures = [var.archival]
}

run "archival_bounds_deep_archive_past_the_ceiling" {
  command = plan

  variables {
    archival = merge(jsondecode(file("../../contracts/archival_policy.json")), { deep_archive_after_days = 731, archive_access_after_days = null })
  }

  expect_failures = [var.archival]
}

run "archival_bounds_deep_archive_fractional" {
  command = plan

  variables {
    archival = merge(jsondecode(file("../../contracts/archival_policy.json")), { deep_archive_after_days = 180.5, archive_access_after_days = null })
  }

  expect_failures = [var.archival]
}

run "archival_bounds_archive_access_at_90" {
  command = plan

  variables {
    archival = merge(jsondecode(file("../../contracts/archival_policy.json")), { deep_archive_after_days = 180, archive_access_after_days = 90 })
  }

  expect_failures = [var.archival]
}

run "archival_bounds_archive_access_a_day_early" {
  command = plan

  variables {
    archival = merge(jsondecode(file("../../contracts/archival_policy.json")), { deep_archive_after_days = 365, archive_access_after_days = 179 })
  }

  expect_failures = [var.archival]
}

run "archival_bounds_archive_access_with_deep_archive" {
  command = plan

  variables {
    archival = merge(jsondecode(file("../../contracts/archival_policy.json")), { deep_archive_after_days = 180, archive_access_after_days = 180 })
  }

  expect_failures = [var.archival]
}

run "archival_bounds_archive_access_after_deep" {
  command = plan

  variables {
    archival = merge(jsondecode(file("../../contracts/archival_policy.json")), { deep_archive_after_days = 200, archive_access_after_days = 300 })
  }

  expect_failures = [var.archival]
}

run "archival_bounds_negative_tiering_transition" {
  command = plan

  variables {
    archival = merge(jsondecode(file("../../contracts/archival_policy.json")), { intelligent_tiering_after_days = -1 })
  }

  expect_failures = [var.archival]
}

run "archival_bounds_noncurrent_expiry_of_zero_days" {
  command = plan

  variables {
    archival = merge(jsondecode(file("../../contracts/archival_policy.json")), { noncurrent_expire_days = 0 })
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
