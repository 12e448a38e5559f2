output "domain_name" {
  description = "Domain serving media (the custom alias when configured, else *.cloudfront.net)."
  value       = var.custom_domain != null ? var.custom_domain.aliases[0] : aws_cloudfront_distribution.media.domain_name
}

output "distribution_id" {
  description = "CloudFront distribution id."
  value       = aws_cloudfront_distribution.media.id
}

output "distribution_arn" {
  description = "CloudFront distribution ARN (the media bucket policies trust it)."
  value       = aws_cloudfront_distribution.media.arn
}
