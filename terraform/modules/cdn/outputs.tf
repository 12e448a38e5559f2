output "domain_name" {
  description = "Domain serving media (its own name, with a certificate of its own)."
  value       = var.domain.name
}

output "distribution_id" {
  description = "CloudFront distribution id."
  value       = aws_cloudfront_distribution.media.id
}

output "distribution_arn" {
  description = "CloudFront distribution ARN (the media bucket policies trust it)."
  value       = aws_cloudfront_distribution.media.arn
}

output "signing_key_pair_id" {
  description = "CloudFront public key id that download URLs are signed with (CDN_KEY_PAIR_ID); null until a public key is given."
  value       = one(aws_cloudfront_public_key.signing[*].id)
}

output "signing_key_secret_arns" {
  description = "Site -> ARN of the secret holding the signing private key (primary and its DR replica)."
  value = {
    primary = aws_secretsmanager_secret.signing_key.arn
    dr      = local.signing_key_secret_dr_arn
  }
}

output "signing_key_secret_name" {
  description = "Name of the signing-key secret (the operator puts the private key PEM there)."
  value       = aws_secretsmanager_secret.signing_key.name
}
