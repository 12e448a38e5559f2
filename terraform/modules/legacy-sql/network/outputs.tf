output "vpc_id" {
  description = "Id of the private VPC."
  value       = aws_vpc.this.id
}

output "subnet_ids" {
  description = "Ids of the private database subnets."
  value       = [for subnet in aws_subnet.private : subnet.id]
}

output "security_group_id" {
  description = "Security group of the cluster and the proxy."
  value       = aws_security_group.mysql.id
}

output "subnet_group_name" {
  description = "DB subnet group name."
  value       = aws_db_subnet_group.this.name
}
