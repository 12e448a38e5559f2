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
