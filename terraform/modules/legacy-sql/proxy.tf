resource "aws_iam_role" "proxy" {
  name                 = "${var.name_prefix}-legacy-sql-proxy"
  permissions_boundary = var.permissions_boundary_arn
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "rds.amazonaws.com" }
      Action    = "sts:AssumeRole"
    }]
  })
}

resource "aws_iam_role_policy" "proxy" {
  name = "read-master-secret"
  role = aws_iam_role.proxy.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid      = "ReadMasterSecret"
        Effect   = "Allow"
        Action   = ["secretsmanager:GetSecretValue", "secretsmanager:DescribeSecret"]
        Resource = one(aws_rds_cluster.primary.master_user_secret).secret_arn
      },
      {
        Sid       = "DecryptMasterSecret"
        Effect    = "Allow"
        Action    = "kms:Decrypt"
        Resource  = var.kms_key_arn
        Condition = { StringLike = { "kms:ViaService" = "secretsmanager.*.amazonaws.com" } }
      },
    ]
  })
}

# Connection pooling for the legacy app in the primary region: TLS and IAM authentication required.
resource "aws_db_proxy" "primary" {
  name                   = "${var.name_prefix}-legacy"
  engine_family          = "MYSQL"
  role_arn               = aws_iam_role.proxy.arn
  vpc_subnet_ids         = module.network_primary.subnet_ids
  vpc_security_group_ids = [module.network_primary.security_group_id]
  require_tls            = true
  idle_client_timeout    = 1800

  auth {
    auth_scheme = "SECRETS"
    iam_auth    = "REQUIRED"
    secret_arn  = one(aws_rds_cluster.primary.master_user_secret).secret_arn
  }
}

resource "aws_db_proxy_default_target_group" "primary" {
  db_proxy_name = aws_db_proxy.primary.name

  connection_pool_config {
    max_connections_percent      = 90
    max_idle_connections_percent = 50
    connection_borrow_timeout    = 120
  }
}

resource "aws_db_proxy_target" "primary" {
  db_proxy_name         = aws_db_proxy.primary.name
  target_group_name     = aws_db_proxy_default_target_group.primary.name
  db_cluster_identifier = aws_rds_cluster.primary.cluster_identifier
}
