data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}

data "aws_region" "primary" {}

data "aws_region" "dr" {
  provider = aws.dr
}

locals {
  account_id = data.aws_caller_identity.current.account_id
  primary    = data.aws_region.primary.region
  dr         = data.aws_region.dr.region
  # CloudFront delivers its logs through CloudWatch Logs delivery sources in us-east-1.
  log_delivery_sources = "arn:${data.aws_partition.current.partition}:logs:us-east-1:${local.account_id}:delivery-source:*"

  # Origin access control: only our distribution may read, and only objects (never list).
  cdn_read = var.cdn_distribution_arn == null ? [] : [{
    Sid       = "CloudFrontReadsThroughOac"
    Effect    = "Allow"
    Principal = { Service = "cloudfront.amazonaws.com" }
    Action    = "s3:GetObject"
    Condition = { StringEquals = { "AWS:SourceArn" = var.cdn_distribution_arn } }
  }]
}

module "logs_primary" {
  source = "../log-bucket"

  bucket_name    = "${var.name_prefix}-s3-logs-${local.primary}-${local.account_id}"
  retention_days = var.access_log_retention_days
  force_destroy  = var.force_destroy
  extra_policy_statements = [{
    Sid       = "S3ServerAccessLogs"
    Effect    = "Allow"
    Principal = { Service = "logging.s3.amazonaws.com" }
    Action    = "s3:PutObject"
    Resource  = "arn:aws:s3:::${var.name_prefix}-s3-logs-${local.primary}-${local.account_id}/*"
    Condition = { StringEquals = { "aws:SourceAccount" = local.account_id } }
    }, {
    # CloudFront standard logging v2 (CloudWatch Logs vended delivery, us-east-1), as AWS documents it:
    # an ACL check on the bucket and writes under cloudfront/, both from this account's delivery sources.
    Sid       = "AWSLogDeliveryAclCheck"
    Effect    = "Allow"
    Principal = { Service = "delivery.logs.amazonaws.com" }
    Action    = "s3:GetBucketAcl"
    Resource  = "arn:aws:s3:::${var.name_prefix}-s3-logs-${local.primary}-${local.account_id}"
    Condition = {
      StringEquals = { "aws:SourceAccount" = local.account_id }
      ArnLike      = { "aws:SourceArn" = local.log_delivery_sources }
    }
    }, {
    Sid       = "CloudFrontLogDelivery"
    Effect    = "Allow"
    Principal = { Service = "delivery.logs.amazonaws.com" }
    Action    = "s3:PutObject"
    Resource  = "arn:aws:s3:::${var.name_prefix}-s3-logs-${local.primary}-${local.account_id}/cloudfront/*"
    Condition = {
      StringEquals = { "aws:SourceAccount" = local.account_id, "s3:x-amz-acl" = "bucket-owner-full-control" }
      ArnLike      = { "aws:SourceArn" = local.log_delivery_sources }
    }
  }]
}

module "logs_dr" {
  source    = "../log-bucket"
  providers = { aws = aws.dr }

  bucket_name    = "${var.name_prefix}-s3-logs-${local.dr}-${local.account_id}"
  retention_days = var.access_log_retention_days
  force_destroy  = var.force_destroy
  extra_policy_statements = [{
    Sid       = "S3ServerAccessLogs"
    Effect    = "Allow"
    Principal = { Service = "logging.s3.amazonaws.com" }
    Action    = "s3:PutObject"
    Resource  = "arn:aws:s3:::${var.name_prefix}-s3-logs-${local.dr}-${local.account_id}/*"
    Condition = { StringEquals = { "aws:SourceAccount" = local.account_id } }
  }]
}

module "media_primary" {
  source = "../secure-bucket"

  bucket_name       = "${var.name_prefix}-media-${local.primary}-${local.account_id}"
  kms_key_arn       = var.kms_key_arn
  data_class        = "user"
  archival          = var.archival
  scratch_prefixes  = var.scratch_prefixes
  access_log_bucket = module.logs_primary.id
  access_log_prefix = "media/"
  force_destroy     = var.force_destroy
  extra_policy_statements = [
    for statement in local.cdn_read : merge(statement, {
      Resource = "arn:aws:s3:::${var.name_prefix}-media-${local.primary}-${local.account_id}/*"
    })
  ]
}

module "media_dr" {
  source    = "../secure-bucket"
  providers = { aws = aws.dr }

  bucket_name = "${var.name_prefix}-media-${local.dr}-${local.account_id}"
  kms_key_arn = var.dr_kms_key_arn
  data_class  = "user"
  archival    = var.archival
  # After a failover this copy is the only read path, and nothing reads it before: it never archives.
  failover_copy     = true
  scratch_prefixes  = var.scratch_prefixes
  access_log_bucket = module.logs_dr.id
  access_log_prefix = "media/"
  force_destroy     = var.force_destroy
  extra_policy_statements = [
    for statement in local.cdn_read : merge(statement, {
      Resource = "arn:aws:s3:::${var.name_prefix}-media-${local.dr}-${local.account_id}/*"
    })
  ]
}

# What every media object is, daily: class, access tier, size, last change (R11's audit reads it, not a listing).
resource "aws_s3_bucket_inventory" "media" {
  count = var.inventory != null ? 1 : 0

  bucket                   = module.media_primary.id
  name                     = var.inventory.configuration_id
  enabled                  = true
  included_object_versions = var.inventory.included_object_versions
  optional_fields          = var.inventory.optional_fields

  schedule {
    frequency = var.inventory.frequency
  }

  destination {
    bucket {
      bucket_arn = var.inventory.destination_bucket_arn
      account_id = local.account_id
      format     = var.inventory.format
      prefix     = var.inventory.prefix

      encryption {
        sse_kms {
          key_id = var.inventory.kms_key_arn
        }
      }
    }
  }
}
