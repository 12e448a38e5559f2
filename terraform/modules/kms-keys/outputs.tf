output "primary_key_arns" {
  description = "Purpose -> key ARN in the primary region (multi-Region primaries and regional keys)."
  value = merge(
    { for k, key in aws_kms_key.replicated : k => key.arn },
    { for k, key in aws_kms_key.regional_primary : k => key.arn },
  )
}

output "dr_key_arns" {
  description = "Purpose -> key ARN in the DR region (multi-Region replicas and regional keys)."
  value = merge(
    { for k, key in aws_kms_replica_key.replicated : k => key.arn },
    { for k, key in aws_kms_key.regional_dr : k => key.arn },
  )
}

output "multi_region_purposes" {
  description = "Purposes backed by multi-Region keys (their data is replicated)."
  value       = var.replicated_keys
}
