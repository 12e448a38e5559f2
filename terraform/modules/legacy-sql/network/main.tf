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
