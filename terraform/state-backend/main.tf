data "aws_caller_identity" "current" {}

locals {
  bucket_name = "${var.project}-tfstate-${data.aws_caller_identity.current.account_id}-${var.region}"
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
      Principal = { AWS = "arn:aws:iam::${data.aws_caller_identity.current.account_id}:root" }
      Action    = "kms:*"
      Resource  = "*"
    }]
  })
}

resource "aws_kms_alias" "state" {
  name          = "alias/${var.project}-tfstate"
  target_key_id = aws_kms_key.state.key_id
}

# Versioned, encrypted, private, TLS-only; locking is S3-native (use_lockfile = true in the backend config).
module "bucket" {
  source = "../modules/secure-bucket"

  bucket_name            = local.bucket_name
  kms_key_arn            = aws_kms_key.state.arn
  data_class             = "operational"
  noncurrent_expire_days = var.noncurrent_state_days
}
