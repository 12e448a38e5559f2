module "network_primary" {
  source = "./network"

  name_prefix        = var.name_prefix
  logs_kms_key_arn   = var.logs_kms_key_arn
  cidr_block         = var.cidr_blocks.primary
  client_cidr_blocks = var.client_cidr_blocks
}

module "network_dr" {
  source    = "./network"
  providers = { aws = aws.dr }

  name_prefix        = var.name_prefix
  logs_kms_key_arn   = var.dr_logs_kms_key_arn
  cidr_block         = var.cidr_blocks.dr
  client_cidr_blocks = var.client_cidr_blocks
}

resource "aws_rds_global_cluster" "legacy" {
  global_cluster_identifier = "${var.name_prefix}-legacy"
  engine                    = "aurora-mysql"
  engine_version            = var.engine_version
  storage_encrypted         = true
  deletion_protection       = true
}

# The writer. Its master password is generated and rotated by RDS in Secrets Manager (never in state).
resource "aws_rds_cluster" "primary" {
  #checkov:skip=CKV2_AWS_8:Aurora continuous backups (PITR for backup_retention_days) plus the global database cover recovery; AWS Backup vault copies are left to adopters
  cluster_identifier                  = "${var.name_prefix}-legacy-primary"
  global_cluster_identifier           = aws_rds_global_cluster.legacy.id
  engine                              = aws_rds_global_cluster.legacy.engine
  engine_version                      = aws_rds_global_cluster.legacy.engine_version
  engine_mode                         = "provisioned"
  master_username                     = "legacy_admin"
  manage_master_user_password         = true
  master_user_secret_kms_key_id       = var.kms_key_arn
  storage_encrypted                   = true
  kms_key_id                          = var.kms_key_arn
  iam_database_authentication_enabled = true
  db_subnet_group_name                = module.network_primary.subnet_group_name
  vpc_security_group_ids              = [module.network_primary.security_group_id]
  backup_retention_period             = var.backup_retention_days
  copy_tags_to_snapshot               = true
  deletion_protection                 = true
  final_snapshot_identifier           = "${var.name_prefix}-legacy-primary-final"
  enabled_cloudwatch_logs_exports     = ["audit", "error", "slowquery"]

  serverlessv2_scaling_configuration {
    min_capacity = var.capacity.min
    max_capacity = var.capacity.max
  }
}

resource "aws_rds_cluster_instance" "primary" {
  identifier                      = "${var.name_prefix}-legacy-primary-1"
  cluster_identifier              = aws_rds_cluster.primary.id
  engine                          = aws_rds_cluster.primary.engine
  engine_version                  = aws_rds_cluster.primary.engine_version
  instance_class                  = "db.serverless"
  auto_minor_version_upgrade      = true
  performance_insights_enabled    = true
  performance_insights_kms_key_id = var.kms_key_arn
  monitoring_interval             = 60
  monitoring_role_arn             = aws_iam_role.monitoring.arn
  copy_tags_to_snapshot           = true
}

# The DR member of the global database: read-only until a managed failover promotes it.
resource "aws_rds_cluster" "dr" {
  #checkov:skip=CKV2_AWS_8:Aurora continuous backups (PITR for backup_retention_days) plus the global database cover recovery; AWS Backup vault copies are left to adopters
  provider = aws.dr

  cluster_identifier                  = "${var.name_prefix}-legacy-dr"
  global_cluster_identifier           = aws_rds_global_cluster.legacy.id
  engine                              = aws_rds_global_cluster.legacy.engine
  engine_version                      = aws_rds_global_cluster.legacy.engine_version
  engine_mode                         = "provisioned"
  storage_encrypted                   = true
  kms_key_id                          = var.dr_kms_key_arn
  iam_database_authentication_enabled = true
  db_subnet_group_name                = module.network_dr.subnet_group_name
  vpc_security_group_ids              = [module.network_dr.security_group_id]
  backup_retention_period             = var.backup_retention_days
  copy_tags_to_snapshot               = true
  deletion_protection                 = true
  final_snapshot_identifier           = "${var.name_prefix}-legacy-dr-final"
  enabled_cloudwatch_logs_exports     = ["audit", "error", "slowquery"]

  serverlessv2_scaling_configuration {
    min_capacity = var.capacity.min
    max_capacity = var.capacity.max
  }

  depends_on = [aws_rds_cluster_instance.primary]
}

resource "aws_rds_cluster_instance" "dr" {
  provider = aws.dr

  identifier                      = "${var.name_prefix}-legacy-dr-1"
  cluster_identifier              = aws_rds_cluster.dr.id
  engine                          = aws_rds_cluster.dr.engine
  engine_version                  = aws_rds_cluster.dr.engine_version
  instance_class                  = "db.serverless"
  auto_minor_version_upgrade      = true
  performance_insights_enabled    = true
  performance_insights_kms_key_id = var.dr_kms_key_arn
  monitoring_interval             = 60
  monitoring_role_arn             = aws_iam_role.monitoring.arn
  copy_tags_to_snapshot           = true
}

# Enhanced monitoring publishes OS metrics through this role (IAM is global: one role for both regions).
resource "aws_iam_role" "monitoring" {
  name                 = "${var.name_prefix}-legacy-sql-monitoring"
  permissions_boundary = var.permissions_boundary_arn
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "monitoring.rds.amazonaws.com" }
      Action    = "sts:AssumeRole"
    }]
  })
}

resource "aws_iam_role_policy_attachment" "monitoring" {
  role       = aws_iam_role.monitoring.name
  policy_arn = "arn:aws:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole"
}
