locals {
  boundary_name = "${var.name_prefix}-developer-boundary"
  # ARNs built from names (not resource references): the boundary is attached to the roles it names.
  iam_arn       = "arn:${local.partition}:iam::${local.account_id}"
  boundary_arn  = "${local.iam_arn}:policy/${local.boundary_name}"
  ci_role_arn   = "${local.iam_arn}:role/${var.name_prefix}-ci"
  job_role_arns = [for f in ["admin", "developer", "read-only", "analyst", "ci"] : "${local.iam_arn}:role/${var.name_prefix}-${f}"]

  # Terraform run by CI manages what some denies protect (first apply, updates, destroy); nobody else may.
  not_ci = { ArnNotEquals = { "aws:PrincipalArn" = local.ci_role_arn } }
  # The account's trail belongs to the env that creates it: only that env's CI may manage it.
  trail_exemption = { for k, v in { Condition = local.not_ci } : k => v if var.account_singletons.cloudtrail }

  boundary_statements = [
    {
      Sid      = "AllowWorkloadServices"
      Effect   = "Allow"
      Action   = "*"
      Resource = "*"
    },
    {
      Sid      = "DenyLongLivedCredentials"
      Effect   = "Deny"
      Action   = ["iam:CreateUser", "iam:CreateAccessKey", "iam:CreateLoginProfile", "iam:UpdateLoginProfile"]
      Resource = "*"
    },
    {
      # Every role created or granted a policy carries this boundary, so no new role can exceed it.
      Sid       = "DenyRolesWithoutThisBoundary"
      Effect    = "Deny"
      Action    = ["iam:CreateRole", "iam:PutRolePolicy", "iam:AttachRolePolicy", "iam:PutRolePermissionsBoundary"]
      Resource  = "*"
      Condition = { StringNotEquals = { "iam:PermissionsBoundary" = local.boundary_arn } }
    },
    {
      Sid      = "DenyBoundaryRemoval"
      Effect   = "Deny"
      Action   = ["iam:DeleteRolePermissionsBoundary", "iam:DeleteUserPermissionsBoundary", "iam:PutUserPermissionsBoundary"]
      Resource = "*"
    },
    {
      Sid       = "DenyBoundaryChange"
      Effect    = "Deny"
      Action    = ["iam:CreatePolicyVersion", "iam:DeletePolicy", "iam:DeletePolicyVersion", "iam:SetDefaultPolicyVersion"]
      Resource  = local.boundary_arn
      Condition = local.not_ci
    },
    {
      # Who may assume a job role is changed only by the break-glass bootstrap (README), never by CI.
      Sid      = "DenyJobRoleTrustChange"
      Effect   = "Deny"
      Action   = "iam:UpdateAssumeRolePolicy"
      Resource = local.job_role_arns
    },
    {
      Sid       = "DenyJobFunctionTagging"
      Effect    = "Deny"
      Action    = ["iam:TagUser", "iam:UntagUser", "iam:TagRole", "iam:UntagRole"]
      Resource  = "*"
      Condition = { "ForAnyValue:StringEquals" = { "aws:TagKeys" = [var.job_function_tag] } }
    },
    {
      Sid      = "DenyStopLogging"
      Effect   = "Deny"
      Action   = "cloudtrail:StopLogging"
      Resource = "*"
    },
    merge({
      Sid      = "DenyTrailTampering"
      Effect   = "Deny"
      Action   = ["cloudtrail:DeleteTrail", "cloudtrail:UpdateTrail", "cloudtrail:PutEventSelectors", "cloudtrail:PutInsightSelectors"]
      Resource = "*"
    }, local.trail_exemption),
    {
      Sid      = "DenyTrailLogDeletion"
      Effect   = "Deny"
      Action   = ["s3:DeleteObject", "s3:DeleteObjectVersion", "s3:PutObjectAcl", "s3:PutObjectVersionAcl"]
      Resource = "arn:${local.partition}:s3:::*-cloudtrail-${local.account_id}/*"
    },
    merge({
      Sid    = "DenyTrailBucketTampering"
      Effect = "Deny"
      Action = [
        "s3:DeleteBucket", "s3:PutBucketPolicy", "s3:DeleteBucketPolicy", "s3:PutLifecycleConfiguration",
        "s3:PutBucketVersioning", "s3:PutEncryptionConfiguration", "s3:PutBucketPublicAccessBlock",
        "s3:PutBucketAcl", "s3:PutBucketOwnershipControls", "s3:PutBucketObjectLockConfiguration",
      ]
      Resource = "arn:${local.partition}:s3:::*-cloudtrail-${local.account_id}"
    }, local.trail_exemption),
    merge({
      Sid    = "DenyTrailLogGroupTampering"
      Effect = "Deny"
      Action = [
        "logs:DeleteLogGroup", "logs:DeleteLogStream", "logs:PutRetentionPolicy", "logs:DeleteRetentionPolicy",
        "logs:AssociateKmsKey", "logs:DisassociateKmsKey",
      ]
      Resource = [
        "arn:${local.partition}:logs:*:${local.account_id}:log-group:/aws/cloudtrail/*",
        "arn:${local.partition}:logs:*:${local.account_id}:log-group:/aws/cloudtrail/*:*",
      ]
    }, local.trail_exemption),
    {
      # Every key of the account (the project's keys, including the state key): only Terraform in CI.
      Sid       = "DenyKeyTampering"
      Effect    = "Deny"
      Action    = ["kms:ScheduleKeyDeletion", "kms:DisableKey", "kms:PutKeyPolicy", "kms:DisableKeyRotation"]
      Resource  = "arn:${local.partition}:kms:*:${local.account_id}:key/*"
      Condition = local.not_ci
    },
  ]
}

locals {
  # Statements by Sid, for tests and readers.
  boundary_by_sid = { for s in local.boundary_statements : s.Sid => s }
}
