output "global_cluster_id" {
  description = "Aurora global database id (managed failover promotes the DR cluster)."
  value       = aws_rds_global_cluster.legacy.id
}

output "proxy_endpoint" {
  description = "RDS Proxy endpoint the legacy app connects to (TLS + IAM auth)."
  value       = aws_db_proxy.primary.endpoint
}

output "master_secret_arn" {
  description = "Secrets Manager secret RDS manages for the master user (value never in state)."
  value       = one(aws_rds_cluster.primary.master_user_secret).secret_arn
}

output "cluster_endpoints" {
  description = "Writer endpoint of the primary and reader endpoint of the DR cluster."
  value = {
    primary = aws_rds_cluster.primary.endpoint
    dr      = aws_rds_cluster.dr.reader_endpoint
  }
}
