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

  # The account administers its keys through IAM; AWS services that encrypt on our behalf may use
  # them only for this account and only through their regional endpoint.
  key_policies = {
    for site, region in local.regions : site => jsonencode({
      Version = "2012-10-17"
      Statement = [
        {
          Sid       = "AccountAdministersThroughIam"
          Effect    = "Allow"
          Principal = { AWS = "arn:${local.partition}:iam::${local.account_id}:root" }
          Action    = "kms:*"
          Resource  = "*"
        },
        {
          Sid    = "ServicesEncryptForThisAccount"
          Effect = "Allow"
          Principal = {
            Service = [
              "logs.${region}.amazonaws.com",
              "sns.amazonaws.com",
              "sqs.amazonaws.com",
              "events.amazonaws.com",
              "firehose.amazonaws.com",
              "cloudtrail.amazonaws.com",
              "delivery.logs.amazonaws.com",
              "cloudfront.amazonaws.com",
              "cloudwatch.amazonaws.com",
            ]
          }
          Action   = ["kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:DescribeKey"]
          Resource = "*"
          Condition = {
            StringEquals = { "aws:SourceAccount" = local.account_id }
          }
        },
      ]
    })
  }
}

resource "aws_kms_key" "replicated" {
  for_each = var.replicated_keys

  description             = "${var.name_prefix} ${each.key} (multi-Region primary)"
  multi_region            = true
  enable_key_rotation     = true
  rotation_period_in_days = var.rotation_period_in_days
  deletion_window_in_days = var.deletion_window_in_days
  policy                  = local.key_policies.primary
}

resource "aws_kms_replica_key" "replicated" {
  provider = aws.dr
  for_each = var.replicated_keys

  description             = "${var.name_prefix} ${each.key} (multi-Region replica)"
  primary_key_arn         = aws_kms_key.replicated[each.key].arn
  deletion_window_in_days = var.deletion_window_in_days
  policy                  = local.key_policies.dr
}

resource "aws_kms_key" "regional_primary" {
  for_each = var.regional_keys

  description             = "${var.name_prefix} ${each.key} (${local.regions.primary})"
  enable_key_rotation     = true
  rotation_period_in_days = var.rotation_period_in_days
  deletion_window_in_days = var.deletion_window_in_days
  policy                  = local.key_policies.primary
}

resource "aws_kms_key" "regional_dr" {
  provider = aws.dr
  for_each = var.regional_keys

  description             = "${var.name_prefix} ${each.key} (${local.regions.dr})"
  enable_key_rotation     = true
  rotation_period_in_days = var.rotation_period_in_days
  deletion_window_in_days = var.deletion_window_in_days
  policy                  = local.key_policies.dr
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
