locals {
  trail_name   = "${var.name_prefix}-trail"
  trail_arn    = "arn:${local.partition}:cloudtrail:${local.region}:${local.account_id}:trail/${local.trail_name}"
  trail_bucket = "${var.name_prefix}-cloudtrail-${local.account_id}"
}

# The multi-region trail is an account singleton: created by the env with account_singletons.cloudtrail.
module "trail_bucket" {
  source = "../secure-bucket"
  count  = var.account_singletons.cloudtrail ? 1 : 0

  bucket_name               = local.trail_bucket
  kms_key_arn               = var.logs_kms_key_arn
  data_class                = "logs"
  access_log_bucket         = var.access_log_bucket
  access_log_prefix         = "cloudtrail/"
  expire_current_after_days = var.trail_retention_days
  force_destroy             = var.force_destroy
  extra_policy_statements = [
    {
      Sid       = "CloudTrailAclCheck"
      Effect    = "Allow"
      Principal = { Service = "cloudtrail.amazonaws.com" }
      Action    = "s3:GetBucketAcl"
      Resource  = "arn:${local.partition}:s3:::${local.trail_bucket}"
      Condition = { StringEquals = { "aws:SourceArn" = local.trail_arn } }
    },
    {
      Sid       = "CloudTrailWrite"
      Effect    = "Allow"
      Principal = { Service = "cloudtrail.amazonaws.com" }
      Action    = "s3:PutObject"
      Resource  = "arn:${local.partition}:s3:::${local.trail_bucket}/AWSLogs/${local.account_id}/*"
      Condition = { StringEquals = { "aws:SourceArn" = local.trail_arn, "s3:x-amz-acl" = "bucket-owner-full-control" } }
    },
  ]
}

resource "aws_cloudwatch_log_group" "trail" {
  count = var.account_singletons.cloudtrail ? 1 : 0

  name              = "/aws/cloudtrail/${local.trail_name}"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.logs_kms_key_arn
}

resource "aws_iam_role" "trail_logs" {
  count = var.account_singletons.cloudtrail ? 1 : 0

  name                 = "${var.name_prefix}-cloudtrail-logs"
  permissions_boundary = aws_iam_policy.developer_boundary.arn
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "cloudtrail.amazonaws.com" }
      Action    = "sts:AssumeRole"
      Condition = { StringEquals = { "aws:SourceArn" = local.trail_arn } }
    }]
  })
}

resource "aws_iam_role_policy" "trail_logs" {
  count = var.account_singletons.cloudtrail ? 1 : 0

  name = "deliver-to-log-group"
  role = aws_iam_role.trail_logs[0].id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = ["logs:CreateLogStream", "logs:PutLogEvents"]
      Resource = "${aws_cloudwatch_log_group.trail[0].arn}:*"
    }]
  })
}

resource "aws_cloudtrail" "main" {
  #checkov:skip=CKV_AWS_252:alerts are raised by CloudWatch alarms on the log group, not per-file SNS notifications
  count = var.account_singletons.cloudtrail ? 1 : 0

  name                          = local.trail_name
  s3_bucket_name                = module.trail_bucket[0].id
  is_multi_region_trail         = true
  include_global_service_events = true
  enable_log_file_validation    = true
  kms_key_id                    = var.logs_kms_key_arn
  cloud_watch_logs_group_arn    = "${aws_cloudwatch_log_group.trail[0].arn}:*"
  cloud_watch_logs_role_arn     = aws_iam_role.trail_logs[0].arn

  event_selector {
    read_write_type           = "All"
    include_management_events = true
  }

  depends_on = [module.trail_bucket]
}
