data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}

locals {
  account_id  = data.aws_caller_identity.current.account_id
  bucket_name = "${var.project}-tfstate-${local.account_id}-${var.region}"
  alias_name  = "alias/${var.project}-tfstate"
  # envs/<env>.backend.hcl name the key by its alias ARN; S3 compares the id the request sends.
  state_key_ids = [aws_kms_key.state.arn, "arn:${data.aws_partition.current.partition}:kms:${var.region}:${local.account_id}:${local.alias_name}"]
}

resource "aws_kms_key" "state" {
  description             = "${var.project} Terraform state"
  enable_key_rotation     = true
  deletion_window_in_days = 30
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid       = "AccountAdministersThroughIam"
      Effect    = "Allow"
      Principal = { AWS = "arn:${data.aws_partition.current.partition}:iam::${local.account_id}:root" }
      Action    = "kms:*"
      Resource  = "*"
    }]
  })
}

resource "aws_kms_alias" "state" {
  name          = local.alias_name
  target_key_id = aws_kms_key.state.key_id
}

# Versioned, encrypted, private, TLS-only; locking is S3-native (use_lockfile = true in the backend config).
# State and lock files must be written with the state key (kms_key_id in every envs/<env>.backend.hcl):
# a write naming no key or another key is refused, so state never falls back to a weaker key.
module "bucket" {
  source = "../modules/secure-bucket"

  bucket_name            = local.bucket_name
  kms_key_arn            = aws_kms_key.state.arn
  data_class             = "operational"
  noncurrent_expire_days = var.noncurrent_state_days
  extra_policy_statements = [{
    Sid       = "DenyWritesWithoutTheStateKey"
    Effect    = "Deny"
    Principal = "*"
    Action    = "s3:PutObject"
    Resource  = "arn:${data.aws_partition.current.partition}:s3:::${local.bucket_name}/*"
    Condition = { StringNotEquals = { "s3:x-amz-server-side-encryption-aws-kms-key-id" = local.state_key_ids } }
  }]
}

# All envs in one account (account_layout = "shared"): the GitHub OIDC provider is made here, before any env,
# so whichever env is deployed first finds it (modules/access looks it up) and destroying dev never removes it.
resource "aws_iam_openid_connect_provider" "github" {
  count = var.account_layout == "shared" ? 1 : 0

  url            = "https://token.actions.githubusercontent.com"
  client_id_list = ["sts.amazonaws.com"]
}
