output "media_bucket_primary" {
  description = "Name of the primary media bucket."
  value       = module.media_primary.id
}

output "media_bucket_dr" {
  description = "Name of the DR media bucket (replication target)."
  value       = module.media_dr.id
}

output "media_bucket_primary_arn" {
  description = "ARN of the primary media bucket."
  value       = module.media_primary.arn
}

output "media_bucket_dr_arn" {
  description = "ARN of the DR media bucket."
  value       = module.media_dr.arn
}

output "media_bucket_primary_domain" {
  description = "Regional domain name of the primary media bucket (CloudFront origin)."
  value       = module.media_primary.regional_domain_name
}

output "media_bucket_dr_domain" {
  description = "Regional domain name of the DR media bucket (CloudFront failover origin)."
  value       = module.media_dr.regional_domain_name
}

output "log_bucket_primary" {
  description = "S3 access log bucket in the primary region."
  value       = module.logs_primary.id
}

output "log_bucket_dr" {
  description = "S3 access log bucket in the DR region."
  value       = module.logs_dr.id
}

output "replication_rule_id" {
  description = "Id of the primary -> DR replication rule (for S3 replication metrics)."
  value       = "media-to-dr"
}

output "log_bucket_primary_arn" {
  description = "ARN of the primary access log bucket (CloudFront log delivery target)."
  value       = module.logs_primary.arn
}

output "failback_rule_id" {
  description = "Id of the DR -> primary replication rule (for S3 replication metrics)."
  value       = "media-to-primary"
}

output "inventory_configuration_id" {
  description = "Id of the primary media bucket's S3 Inventory configuration (null without one)."
  value       = one(aws_s3_bucket_inventory.media[*].name)
}
