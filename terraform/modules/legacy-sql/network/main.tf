data "aws_region" "current" {}

resource "aws_vpc" "this" {
  cidr_block           = var.cidr_block
  enable_dns_support   = true
  enable_dns_hostnames = true
  tags                 = { Name = "${var.name_prefix}-legacy-sql" }
}

# Private subnets only: the database is reached from inside the VPC (or peered networks), never the internet.
resource "aws_subnet" "private" {
  for_each = { for index, suffix in var.az_suffixes : suffix => index }

  vpc_id                  = aws_vpc.this.id
  cidr_block              = cidrsubnet(var.cidr_block, 8, each.value)
  availability_zone       = "${data.aws_region.current.region}${each.key}"
  map_public_ip_on_launch = false
  tags                    = { Name = "${var.name_prefix}-legacy-sql-${each.key}" }
}

# The default security group of the VPC allows nothing.
resource "aws_default_security_group" "this" {
  vpc_id = aws_vpc.this.id
}

resource "aws_security_group" "mysql" {
  #checkov:skip=CKV2_AWS_5:attached to the Aurora cluster and the RDS Proxy in the parent module
  name        = "${var.name_prefix}-legacy-sql"
  description = "MySQL from the allowed client networks only"
  vpc_id      = aws_vpc.this.id
}

resource "aws_vpc_security_group_ingress_rule" "mysql" {
  for_each = toset(var.client_cidr_blocks)

  security_group_id = aws_security_group.mysql.id
  description       = "MySQL from ${each.key}"
  ip_protocol       = "tcp"
  from_port         = 3306
  to_port           = 3306
  cidr_ipv4         = each.key
}

resource "aws_vpc_security_group_egress_rule" "within_vpc" {
  security_group_id = aws_security_group.mysql.id
  description       = "Proxy to cluster inside the VPC"
  ip_protocol       = "tcp"
  from_port         = 3306
  to_port           = 3306
  cidr_ipv4         = var.cidr_block
}

resource "aws_db_subnet_group" "this" {
  name       = "${var.name_prefix}-legacy-sql"
  subnet_ids = [for subnet in aws_subnet.private : subnet.id]
}

resource "aws_cloudwatch_log_group" "flow" {
  name              = "/aws/vpc/${var.name_prefix}-legacy-sql"
  retention_in_days = var.flow_log_retention_days
  kms_key_id        = var.logs_kms_key_arn
}

resource "aws_iam_role" "flow" {
  name = "${var.name_prefix}-legacy-sql-flow-${data.aws_region.current.region}"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "vpc-flow-logs.amazonaws.com" }
      Action    = "sts:AssumeRole"
    }]
  })
}

resource "aws_iam_role_policy" "flow" {
  name = "write-flow-logs"
  role = aws_iam_role.flow.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"]
      Resource = "${aws_cloudwatch_log_group.flow.arn}:*"
    }]
  })
}

resource "aws_flow_log" "this" {
  vpc_id          = aws_vpc.this.id
  traffic_type    = "ALL"
  log_destination = aws_cloudwatch_log_group.flow.arn
  iam_role_arn    = aws_iam_role.flow.arn
}
