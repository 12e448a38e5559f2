data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}

data "aws_region" "current" {}

locals {
  account_id = data.aws_caller_identity.current.account_id
  partition  = data.aws_partition.current.partition
  region     = data.aws_region.current.region

  # People assume the job role matching their job-function principal tag (IAM user tag or IAM Identity
  # Center session tag; see README), always with MFA: an MFA'd identity alone is not enough.
  human_trust = { for function in ["admin", "developer", "read-only", "analyst"] : function => jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { AWS = "arn:${local.partition}:iam::${local.account_id}:root" }
      Action    = "sts:AssumeRole"
      Condition = {
        Bool            = { "aws:MultiFactorAuthPresent" = "true" }
        NumericLessThan = { "aws:MultiFactorAuthAge" = "3600" }
        StringEquals    = { "aws:PrincipalTag/${var.job_function_tag}" = function }
      }
    }]
  }) }

  managed = "arn:${local.partition}:iam::aws:policy"
}

resource "aws_iam_role" "admin" {
  #checkov:skip=CKV_AWS_61:trusts only this account's own IAM identities, and only with MFA
  name                 = "${var.name_prefix}-admin"
  description          = "Administrators (break-glass and account setup); MFA required."
  assume_role_policy   = local.human_trust["admin"]
  max_session_duration = var.max_session_hours * 3600
  permissions_boundary = aws_iam_policy.developer_boundary.arn
}

resource "aws_iam_role_policy_attachment" "admin" {
  #checkov:skip=CKV_AWS_274:the admin job role exists to administer the account; it is MFA-only, short-session and bounded
  role       = aws_iam_role.admin.name
  policy_arn = "${local.managed}/AdministratorAccess"
}

# The boundary caps what people and CI can ever do, whatever policies they attach (see boundary.tf).
resource "aws_iam_policy" "developer_boundary" {
  #checkov:skip=CKV_AWS_286:a permissions boundary grants nothing by itself (effective = identity policy AND boundary); it only subtracts the denies in boundary.tf
  #checkov:skip=CKV_AWS_287:same: boundary, not a grant
  #checkov:skip=CKV_AWS_288:same: boundary, not a grant
  #checkov:skip=CKV_AWS_289:same: boundary, not a grant
  #checkov:skip=CKV_AWS_290:same: boundary, not a grant
  #checkov:skip=CKV_AWS_62:same: boundary, not a grant
  #checkov:skip=CKV_AWS_63:same: boundary, not a grant
  #checkov:skip=CKV_AWS_355:same: boundary, not a grant
  #checkov:skip=CKV2_AWS_40:same: boundary, not a grant
  #checkov:skip=CKV_MBT_7:same: boundary, not a grant
  name        = local.boundary_name
  description = "Permission boundary: no IAM users or keys, no unbounded roles, no boundary escape, no audit or key tampering."
  policy      = jsonencode({ Version = "2012-10-17", Statement = local.boundary_statements })
}

resource "aws_iam_role" "developer" {
  #checkov:skip=CKV_AWS_61:trusts only this account's own IAM identities, and only with MFA
  name                 = "${var.name_prefix}-developer"
  description          = "Developers: power user inside the permission boundary; MFA required."
  assume_role_policy   = local.human_trust["developer"]
  max_session_duration = var.max_session_hours * 3600
  permissions_boundary = aws_iam_policy.developer_boundary.arn
}

resource "aws_iam_role_policy_attachment" "developer" {
  role       = aws_iam_role.developer.name
  policy_arn = "${local.managed}/PowerUserAccess"
}

resource "aws_iam_role" "read_only" {
  #checkov:skip=CKV_AWS_61:trusts only this account's own IAM identities, and only with MFA
  name                 = "${var.name_prefix}-read-only"
  description          = "Support and auditors: read-only; MFA required."
  assume_role_policy   = local.human_trust["read-only"]
  max_session_duration = var.max_session_hours * 3600
  permissions_boundary = aws_iam_policy.developer_boundary.arn
}

resource "aws_iam_role_policy_attachment" "read_only" {
  role       = aws_iam_role.read_only.name
  policy_arn = "${local.managed}/ReadOnlyAccess"
}

resource "aws_iam_role" "analyst" {
  #checkov:skip=CKV_AWS_61:trusts only this account's own IAM identities, and only with MFA
  name                 = "${var.name_prefix}-analyst"
  description          = "Analysts: Athena, Glue and S3 read on analytics only; MFA required."
  assume_role_policy   = local.human_trust["analyst"]
  max_session_duration = var.max_session_hours * 3600
  permissions_boundary = aws_iam_policy.developer_boundary.arn
}

resource "aws_iam_role_policy" "analyst" {
  name = "analytics-only"
  role = aws_iam_role.analyst.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid      = "QueryInWorkgroup"
        Effect   = "Allow"
        Action   = ["athena:StartQueryExecution", "athena:GetQueryExecution", "athena:GetQueryResults", "athena:StopQueryExecution", "athena:GetWorkGroup", "athena:ListQueryExecutions"]
        Resource = var.analytics.workgroup_arn
      },
      {
        Sid    = "ReadCatalog"
        Effect = "Allow"
        Action = ["glue:GetDatabase", "glue:GetTable", "glue:GetTables", "glue:GetPartitions"]
        Resource = [
          "arn:${local.partition}:glue:${local.region}:${local.account_id}:catalog",
          "arn:${local.partition}:glue:${local.region}:${local.account_id}:database/${var.analytics.database}",
          "arn:${local.partition}:glue:${local.region}:${local.account_id}:table/${var.analytics.database}/*",
        ]
      },
      {
        Sid      = "ReadEvents"
        Effect   = "Allow"
        Action   = ["s3:GetObject", "s3:ListBucket", "s3:GetBucketLocation"]
        Resource = [var.analytics.bucket_arn, "${var.analytics.bucket_arn}/*"]
      },
      {
        Sid      = "QueryResults"
        Effect   = "Allow"
        Action   = ["s3:GetObject", "s3:PutObject", "s3:ListBucket", "s3:GetBucketLocation", "s3:AbortMultipartUpload"]
        Resource = [var.analytics.results_bucket_arn, "${var.analytics.results_bucket_arn}/*"]
      },
      {
        Sid      = "AnalyticsKey"
        Effect   = "Allow"
        Action   = ["kms:Decrypt", "kms:GenerateDataKey"]
        Resource = var.analytics.kms_key_arn
      },
    ]
  })
}
