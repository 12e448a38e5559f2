# Private media: CloudFront serves an object only with a URL signed by a key in this group. The operator
# generates the RSA pair; Terraform sees only the public half. The private half lives in the secret below,
# put there with `aws secretsmanager put-secret-value`, so it never enters Terraform state.
resource "aws_cloudfront_public_key" "signing" {
  count = local.signing_enabled ? 1 : 0

  name_prefix = "${var.name_prefix}-media-"
  comment     = "Verifies signed media download URLs; the private key is in ${aws_secretsmanager_secret.signing_key.name}."
  encoded_key = var.signing_public_key_pem

  # A new key is created before the old one leaves the group, so a rotation never breaks the distribution.
  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_cloudfront_key_group" "signing" {
  count = local.signing_enabled ? 1 : 0

  name    = "${var.name_prefix}-media-signers"
  comment = "Keys whose signatures the media distribution accepts."
  items   = aws_cloudfront_public_key.signing[*].id
}

resource "aws_secretsmanager_secret" "signing_key" {
  #checkov:skip=CKV2_AWS_57:a CloudFront key pair cannot rotate by Lambda alone (the public half must join the key group first); rotation is the documented operator procedure in this module's README

  name                    = "${var.name_prefix}-cdn-signing-key"
  description             = "RSA private key (PEM) that signs media download URLs; the API reads it, nobody else."
  kms_key_id              = var.signing_key_secret_kms.primary
  recovery_window_in_days = var.signing_key_secret_recovery_days

  # The DR API signs from its own region's copy: a primary-region outage must not stop downloads.
  replica {
    region     = var.signing_key_secret_kms.dr_region
    kms_key_id = var.signing_key_secret_kms.dr
  }
}
