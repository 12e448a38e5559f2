data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}

data "aws_region" "primary" {}

data "aws_region" "dr" {
  provider = aws.dr
}

locals {
  account_id = data.aws_caller_identity.current.account_id
  partition  = data.aws_partition.current.partition
  regions = {
    primary = data.aws_region.primary.region
    dr      = data.aws_region.dr.region
  }

  account_root = "arn:${local.partition}:iam::${local.account_id}:root"

  # Service principals per purpose: only what encrypts on the account's behalf with that key, each bound
  # to this account. Data (DynamoDB global table, Aurora) goes through the caller's grants and kms:ViaService,
  # so it names no service at all; so do Firehose and Athena on the analytics key, where S3 alone writes on
  # its own: the media bucket's daily S3 Inventory reports.
  service_statements = {
    for site, region in local.regions : site => {
      logs = [
        {
          Sid       = "CloudWatchLogsEncryptsThisAccountsLogGroups"
          Effect    = "Allow"
          Principal = { Service = "logs.${region}.amazonaws.com" }
          Action    = ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"]
          Resource  = "*"
          Condition = { ArnLike = { "kms:EncryptionContext:aws:logs:arn" = "arn:${local.partition}:logs:${region}:${local.account_id}:log-group:*" } }
        },
        {
          Sid       = "CloudTrailEncryptsThisAccountsTrails"
          Effect    = "Allow"
          Principal = { Service = "cloudtrail.amazonaws.com" }
          Action    = "kms:GenerateDataKey*"
          Resource  = "*"
          Condition = {
            StringEquals = { "aws:SourceAccount" = local.account_id }
            StringLike   = { "kms:EncryptionContext:aws:cloudtrail:arn" = "arn:${local.partition}:cloudtrail:*:${local.account_id}:trail/*" }
          }
        },
        {
          Sid       = "CloudTrailDescribesKey"
          Effect    = "Allow"
          Principal = { Service = "cloudtrail.amazonaws.com" }
          Action    = "kms:DescribeKey"
          Resource  = "*"
          Condition = { StringEquals = { "aws:SourceAccount" = local.account_id } }
        },
      ]
      messaging = [{
        # SNS/SQS encrypt messages; CloudWatch alarms and AWS Budgets publish to the encrypted alerts topic.
        Sid       = "MessagingServicesForThisAccount"
        Effect    = "Allow"
        Principal = { Service = ["sns.amazonaws.com", "sqs.amazonaws.com", "cloudwatch.amazonaws.com", "budgets.amazonaws.com"] }
        Action    = ["kms:Decrypt", "kms:GenerateDataKey*"]
        Resource  = "*"
        Condition = { StringEquals = { "aws:SourceAccount" = local.account_id } }
      }]
      # The media bucket's ARN would need the storage before the keys (a cycle), so the account bounds it.
      analytics = [{
        Sid       = "S3InventoryReportsForThisAccount"
        Effect    = "Allow"
        Principal = { Service = "s3.amazonaws.com" }
        Action    = "kms:GenerateDataKey"
        Resource  = "*"
        Condition = { StringEquals = { "aws:SourceAccount" = local.account_id } }
      }]
      # The distribution's ARN would need the CDN before the keys (a cycle), so the account bounds it.
      media = [{
        Sid       = "CloudFrontReadsMediaForThisAccount"
        Effect    = "Allow"
        Principal = { Service = "cloudfront.amazonaws.com" }
        Action    = "kms:Decrypt"
        Resource  = "*"
        Condition = { StringEquals = { "aws:SourceAccount" = local.account_id } }
      }]
    }
  }

  key_policies = {
    for site, region in local.regions : site => {
      for purpose in setunion(var.replicated_keys, var.regional_keys) : purpose => jsonencode({
        Version = "2012-10-17"
        Statement = concat(
          [{
            Sid       = "AccountAdministersThroughIam"
            Effect    = "Allow"
            Principal = { AWS = local.account_root }
            Action    = "kms:*"
            Resource  = "*"
          }],
          try(local.service_statements[site][purpose], []),
        )
      })
    }
  }
}

resource "aws_kms_key" "replicated" {
  for_each = var.replicated_keys

  description             = "${var.name_prefix} ${each.key} (multi-Region primary)"
  multi_region            = true
  enable_key_rotation     = true
  rotation_period_in_days = var.rotation_period_in_days
  deletion_window_in_days = var.deletion_window_in_days
  policy                  = local.key_policies.primary[each.key]
}

resource "aws_kms_replica_key" "replicated" {
  provider = aws.dr
  for_each = var.replicated_keys

  description             = "${var.name_prefix} ${each.key} (multi-Region replica)"
  primary_key_arn         = aws_kms_key.replicated[each.key].arn
  deletion_window_in_days = var.deletion_window_in_days
  policy                  = local.key_policies.dr[each.key]
}

resource "aws_kms_key" "regional_primary" {
  for_each = var.regional_keys

  description             = "${var.name_prefix} ${each.key} (${local.regions.primary})"
  enable_key_rotation     = true
  rotation_period_in_days = var.rotation_period_in_days
  deletion_window_in_days = var.deletion_window_in_days
  policy                  = local.key_policies.primary[each.key]
}

resource "aws_kms_key" "regional_dr" {
  provider = aws.dr
  for_each = var.regional_keys

  description             = "${var.name_prefix} ${each.key} (${local.regions.dr})"
  enable_key_rotation     = true
  rotation_period_in_days = var.rotation_period_in_days
  deletion_window_in_days = var.deletion_window_in_days
  policy                  = local.key_policies.dr[each.key]
}

resource "aws_kms_alias" "replicated_primary" {
  for_each = var.replicated_keys

  name          = "alias/${var.name_prefix}-${each.key}"
  target_key_id = aws_kms_key.replicated[each.key].key_id
}

resource "aws_kms_alias" "replicated_dr" {
  provider = aws.dr
  for_each = var.replicated_keys

  name          = "alias/${var.name_prefix}-${each.key}"
  target_key_id = aws_kms_replica_key.replicated[each.key].key_id
}

resource "aws_kms_alias" "regional_primary" {
  for_each = var.regional_keys

  name          = "alias/${var.name_prefix}-${each.key}"
  target_key_id = aws_kms_key.regional_primary[each.key].key_id
}

resource "aws_kms_alias" "regional_dr" {
  provider = aws.dr
  for_each = var.regional_keys

  name          = "alias/${var.name_prefix}-${each.key}"
  target_key_id = aws_kms_key.regional_dr[each.key].key_id
}
