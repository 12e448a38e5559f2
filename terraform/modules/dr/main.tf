data "aws_region" "primary" {}

data "aws_region" "dr" {
  provider = aws.dr
}

locals {
  sites = {
    primary = { host = var.api_hosts.primary, region = data.aws_region.primary.region }
    dr      = { host = var.api_hosts.dr, region = data.aws_region.dr.region }
  }
}

# Route 53 probes each region's public health route; the failover record follows these.
resource "aws_route53_health_check" "api" {
  for_each = local.sites

  type              = "HTTPS"
  fqdn              = each.value.host
  port              = 443
  resource_path     = var.health_check.path
  request_interval  = var.health_check.request_interval
  failure_threshold = var.health_check.failure_threshold
  measure_latency   = true
  enable_sni        = true
  tags              = { Name = "${var.name_prefix}-api-${each.key}" }
}
