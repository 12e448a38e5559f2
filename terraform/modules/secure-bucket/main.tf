resource "aws_s3_bucket" "this" {
  #checkov:skip=CKV2_AWS_62:event notifications belong to their consumer: the media buckets send restore-completed events to media_restored and created-object events to account_eraser (modules/api, aws_s3_bucket_notification.media_events); no other bucket has a consumer of object events
  #checkov:skip=CKV_AWS_144:replication is chosen per purpose by the caller: storage replicates media primary->DR; logs, analytics and replicas are not replicated by design
  bucket        = var.bucket_name
  force_destroy = var.force_destroy
  tags          = merge({ data_class = var.data_class }, var.failover_copy ? { failover_copy = "true" } : {})
}

resource "aws_s3_bucket_ownership_controls" "this" {
  bucket = aws_s3_bucket.this.id

  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_public_access_block" "this" {
  bucket                  = aws_s3_bucket.this.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_versioning" "this" {
  bucket = aws_s3_bucket.this.id

  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "this" {
  bucket = aws_s3_bucket.this.id

  rule {
    bucket_key_enabled = true

    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = var.kms_key_arn
    }
  }
}

resource "aws_s3_bucket_policy" "this" {
  bucket = aws_s3_bucket.this.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = concat([
      {
        Sid       = "DenyInsecureTransport"
        Effect    = "Deny"
        Principal = "*"
        Action    = "s3:*"
        Resource  = [aws_s3_bucket.this.arn, "${aws_s3_bucket.this.arn}/*"]
        Condition = { Bool = { "aws:SecureTransport" = "false" } }
      },
    ], var.extra_policy_statements)
  })

  # A policy cannot be attached while the public access block is still being applied.
  depends_on = [aws_s3_bucket_public_access_block.this]
}

resource "aws_s3_bucket_logging" "this" {
  count = var.access_log_bucket != null ? 1 : 0

  bucket        = aws_s3_bucket.this.id
  target_bucket = var.access_log_bucket
  target_prefix = var.access_log_prefix
}

# Objects untouched for six months move to Intelligent-Tiering's archive tiers (R11): never before 180 days
# (an archived object answers 403 InvalidObjectState until restored), and never on a failover copy.
resource "aws_s3_bucket_intelligent_tiering_configuration" "archive" {
  count = var.archival != null && !var.failover_copy ? 1 : 0

  bucket = aws_s3_bucket.this.id
  name   = "archive-inactive"
  status = "Enabled"

  dynamic "tiering" {
    for_each = var.archival.archive_access_after_days != null ? [var.archival.archive_access_after_days] : []
    content {
      access_tier = "ARCHIVE_ACCESS"
      days        = tiering.value
    }
  }

  tiering {
    access_tier = "DEEP_ARCHIVE_ACCESS"
    days        = var.archival.deep_archive_after_days
  }
}

# Buckets holding user data tier and archive; every other bucket expires what it no longer needs.
resource "aws_s3_bucket_lifecycle_configuration" "archive" {
  count = var.archival != null ? 1 : 0

  bucket = aws_s3_bucket.this.id

  rule {
    id     = "tier-archive-and-clean-up"
    status = "Enabled"

    filter {}

    transition {
      days          = var.archival.intelligent_tiering_after_days
      storage_class = "INTELLIGENT_TIERING"
    }

    noncurrent_version_transition {
      noncurrent_days = var.archival.noncurrent_to_glacier_days
      storage_class   = "GLACIER"
    }

    noncurrent_version_expiration {
      noncurrent_days = var.archival.noncurrent_expire_days
    }

    abort_incomplete_multipart_upload {
      days_after_initiation = var.archival.abort_incomplete_multipart_days
    }
  }

  # Scratch objects (the DR drill's canaries) that their writer could not delete: every version goes.
  dynamic "rule" {
    for_each = var.scratch_prefixes
    content {
      id     = "expire-scratch-${trimsuffix(replace(rule.key, "/", "-"), "-")}"
      status = "Enabled"

      filter {
        prefix = rule.key
      }

      expiration {
        days = rule.value
      }

      noncurrent_version_expiration {
        noncurrent_days = rule.value
      }
    }
  }

  # ... and the delete markers left once their versions are gone.
  dynamic "rule" {
    for_each = var.scratch_prefixes
    content {
      id     = "remove-scratch-markers-${trimsuffix(replace(rule.key, "/", "-"), "-")}"
      status = "Enabled"

      filter {
        prefix = rule.key
      }

      expiration {
        expired_object_delete_marker = true
      }
    }
  }

  # Lifecycle rules on a versioned bucket need versioning in place first.
  depends_on = [aws_s3_bucket_versioning.this]
}

resource "aws_s3_bucket_lifecycle_configuration" "expire" {
  count = var.archival == null ? 1 : 0

  bucket = aws_s3_bucket.this.id

  rule {
    id     = "expire-and-clean-up"
    status = "Enabled"

    filter {}

    dynamic "expiration" {
      for_each = var.expire_current_after_days != null ? [var.expire_current_after_days] : []
      content {
        days = expiration.value
      }
    }

    noncurrent_version_expiration {
      noncurrent_days = var.noncurrent_expire_days
    }

    abort_incomplete_multipart_upload {
      days_after_initiation = 7
    }
  }

  depends_on = [aws_s3_bucket_versioning.this]
}
