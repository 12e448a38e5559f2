output "id" {
  description = "Bucket name."
  value       = aws_s3_bucket.this.bucket
}

output "arn" {
  description = "Bucket ARN."
  value       = aws_s3_bucket.this.arn
}

output "regional_domain_name" {
  description = "Regional domain name (CloudFront origins)."
  value       = aws_s3_bucket.this.bucket_regional_domain_name
}

output "versioning_id" {
  description = "Id of the versioning resource, for replication rules that must wait for versioning."
  value       = aws_s3_bucket_versioning.this.id
}

output "policy" {
  description = "The bucket policy document (JSON)."
  value       = aws_s3_bucket_policy.this.policy
}

output "archive_tiers" {
  description = "Intelligent-Tiering archive tiers this bucket applies: access tier -> days without access (empty: nothing is ever archived, e.g. a failover copy)."
  value = {
    for t in flatten([for c in aws_s3_bucket_intelligent_tiering_configuration.archive : c.tiering]) : t.access_tier => t.days
  }
}
