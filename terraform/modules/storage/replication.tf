resource "aws_iam_role" "replication" {
  name                 = "${var.name_prefix}-s3-replication"
  permissions_boundary = var.permissions_boundary_arn
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "s3.amazonaws.com" }
      Action    = "sts:AssumeRole"
      Condition = { StringEquals = { "aws:SourceAccount" = local.account_id } }
    }]
  })
}

resource "aws_iam_role_policy" "replication" {
  name = "replicate-media-to-dr"
  role = aws_iam_role.replication.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid      = "ReadSourceConfiguration"
        Effect   = "Allow"
        Action   = ["s3:GetReplicationConfiguration", "s3:ListBucket"]
        Resource = module.media_primary.arn
      },
      {
        Sid      = "ReadSourceVersions"
        Effect   = "Allow"
        Action   = ["s3:GetObjectVersionForReplication", "s3:GetObjectVersionAcl", "s3:GetObjectVersionTagging"]
        Resource = "${module.media_primary.arn}/*"
      },
      {
        Sid      = "WriteReplicas"
        Effect   = "Allow"
        Action   = ["s3:ReplicateObject", "s3:ReplicateDelete", "s3:ReplicateTags"]
        Resource = "${module.media_dr.arn}/*"
      },
      {
        Sid      = "ReadDrConfigurationForFailback"
        Effect   = "Allow"
        Action   = ["s3:GetReplicationConfiguration", "s3:ListBucket"]
        Resource = module.media_dr.arn
      },
      {
        Sid      = "ReadDrVersionsForFailback"
        Effect   = "Allow"
        Action   = ["s3:GetObjectVersionForReplication", "s3:GetObjectVersionAcl", "s3:GetObjectVersionTagging"]
        Resource = "${module.media_dr.arn}/*"
      },
      {
        Sid      = "WriteFailbackReplicas"
        Effect   = "Allow"
        Action   = ["s3:ReplicateObject", "s3:ReplicateDelete", "s3:ReplicateTags"]
        Resource = "${module.media_primary.arn}/*"
      },
      {
        Sid      = "DecryptSources"
        Effect   = "Allow"
        Action   = ["kms:Decrypt"]
        Resource = [var.kms_key_arn, var.dr_kms_key_arn]
      },
      {
        Sid      = "EncryptReplicas"
        Effect   = "Allow"
        Action   = ["kms:Encrypt", "kms:GenerateDataKey"]
        Resource = [var.kms_key_arn, var.dr_kms_key_arn]
      },
    ]
  })
}

# Primary -> DR with Replication Time Control (15 min SLA) and metrics, so lag is alarmed on.
resource "aws_s3_bucket_replication_configuration" "media" {
  bucket = module.media_primary.id
  role   = aws_iam_role.replication.arn

  rule {
    id       = var.replication.to_dr.id
    status   = "Enabled"
    priority = 1

    filter {
      prefix = var.replication.to_dr.prefix
    }

    delete_marker_replication {
      status = var.replication.to_dr.delete_marker_replication ? "Enabled" : "Disabled"
    }

    source_selection_criteria {
      sse_kms_encrypted_objects {
        status = "Enabled" # media objects are SSE-KMS: the contract's validation requires it
      }

      replica_modifications {
        status = var.replication.to_dr.replica_modifications ? "Enabled" : "Disabled"
      }
    }

    destination {
      bucket        = module.media_dr.arn
      storage_class = var.replication.to_dr.storage_class

      encryption_configuration {
        replica_kms_key_id = var.dr_kms_key_arn
      }

      replication_time {
        status = "Enabled"
        time {
          minutes = var.replication.to_dr.replication_time_minutes
        }
      }

      metrics {
        status = "Enabled"
        event_threshold {
          minutes = var.replication.to_dr.replication_time_minutes
        }
      }
    }
  }

  # Replication needs versioning on both buckets first.
  depends_on = [module.media_primary, module.media_dr]
}

# DR -> primary: what users upload while failed over flows back, so fail-back loses nothing.
resource "aws_s3_bucket_replication_configuration" "media_failback" {
  provider = aws.dr

  bucket = module.media_dr.id
  role   = aws_iam_role.replication.arn

  rule {
    id       = var.replication.to_primary.id
    status   = "Enabled"
    priority = 1

    filter {
      prefix = var.replication.to_primary.prefix
    }

    delete_marker_replication {
      status = var.replication.to_primary.delete_marker_replication ? "Enabled" : "Disabled"
    }

    source_selection_criteria {
      sse_kms_encrypted_objects {
        status = "Enabled" # media objects are SSE-KMS: the contract's validation requires it
      }

      replica_modifications {
        status = var.replication.to_primary.replica_modifications ? "Enabled" : "Disabled"
      }
    }

    destination {
      bucket        = module.media_primary.arn
      storage_class = var.replication.to_primary.storage_class

      encryption_configuration {
        replica_kms_key_id = var.kms_key_arn
      }

      replication_time {
        status = "Enabled"
        time {
          minutes = var.replication.to_primary.replication_time_minutes
        }
      }

      metrics {
        status = "Enabled"
        event_threshold {
          minutes = var.replication.to_primary.replication_time_minutes
        }
      }
    }
  }

  depends_on = [module.media_primary, module.media_dr]
}
