# Target of S3 server access logs (and CloudFront logging v2). S3 delivers server access logs only to
# buckets whose default encryption is SSE-S3, so this is the one kind of bucket without a CMK.
# Named `logs`, not `this`: checkov maps plan resources back to the source by type and name, and a second
# `aws_s3_bucket.this` (secure-bucket) would take these skips' place in the plan scans.
resource "aws_s3_bucket" "logs" {
  #checkov:skip=CKV_AWS_145:S3 server access logging only delivers to SSE-S3 target buckets (AWS documented limit)
  #checkov:skip=CKV2_MBT_8:S3 server access logging only delivers to SSE-S3 target buckets (AWS documented limit)
  #checkov:skip=CKV_AWS_18:this is the access-log target; logging it into itself would loop
  #checkov:skip=CKV2_AWS_62:no consumer needs events for log objects
  #checkov:skip=CKV_AWS_144:access logs are regional operational data, not replicated by design
  bucket        = var.bucket_name
  force_destroy = var.force_destroy
  tags          = { data_class = "logs" }
}

resource "aws_s3_bucket_ownership_controls" "this" {
  bucket = aws_s3_bucket.logs.id

  rule {
    object_ownership = "BucketOwnerEnforced"
  }
}

resource "aws_s3_bucket_public_access_block" "this" {
  bucket                  = aws_s3_bucket.logs.id
  block_public_acls       = true
  block_public_policy     = true
  ignore_public_acls      = true
  restrict_public_buckets = true
}

resource "aws_s3_bucket_versioning" "this" {
  bucket = aws_s3_bucket.logs.id

  versioning_configuration {
    status = "Enabled"
  }
}

resource "aws_s3_bucket_server_side_encryption_configuration" "this" {
  #checkov:skip=CKV_MBT_1:S3 server access logging only delivers to SSE-S3 target buckets (AWS documented limit)
  bucket = aws_s3_bucket.logs.id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "AES256"
    }
  }
}

resource "aws_s3_bucket_policy" "this" {
  bucket = aws_s3_bucket.logs.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = concat([
      {
        Sid       = "DenyInsecureTransport"
        Effect    = "Deny"
        Principal = "*"
        Action    = "s3:*"
        Resource  = [aws_s3_bucket.logs.arn, "${aws_s3_bucket.logs.arn}/*"]
        Condition = { Bool = { "aws:SecureTransport" = "false" } }
      },
    ], var.extra_policy_statements)
  })

  depends_on = [aws_s3_bucket_public_access_block.this]
}

resource "aws_s3_bucket_lifecycle_configuration" "this" {
  bucket = aws_s3_bucket.logs.id

  rule {
    id     = "expire-logs"
    status = "Enabled"

    filter {}

    expiration {
      days = var.retention_days
    }

    noncurrent_version_expiration {
      noncurrent_days = 7
    }

    abort_incomplete_multipart_upload {
      days_after_initiation = 1
    }
  }

  depends_on = [aws_s3_bucket_versioning.this]
}
