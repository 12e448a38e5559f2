locals {
  public = var.public_api != null
}

resource "aws_acm_certificate" "api_primary" {
  count = local.public ? 1 : 0

  domain_name       = var.public_api.domain_name
  validation_method = "DNS"

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_acm_certificate" "api_dr" {
  provider = aws.dr
  count    = local.public ? 1 : 0

  domain_name       = var.public_api.domain_name
  validation_method = "DNS"

  lifecycle {
    create_before_destroy = true
  }
}

# ACM asks for the same CNAME for the same name in every region, so one record validates both.
resource "aws_route53_record" "api_validation" {
  count = local.public ? 1 : 0

  zone_id         = var.public_api.zone_id
  name            = one(aws_acm_certificate.api_primary[0].domain_validation_options).resource_record_name
  type            = one(aws_acm_certificate.api_primary[0].domain_validation_options).resource_record_type
  records         = [one(aws_acm_certificate.api_primary[0].domain_validation_options).resource_record_value]
  ttl             = 300
  allow_overwrite = true
}

resource "aws_acm_certificate_validation" "api_primary" {
  count = local.public ? 1 : 0

  certificate_arn         = aws_acm_certificate.api_primary[0].arn
  validation_record_fqdns = [aws_route53_record.api_validation[0].fqdn]
}

resource "aws_acm_certificate_validation" "api_dr" {
  provider = aws.dr
  count    = local.public ? 1 : 0

  certificate_arn         = aws_acm_certificate.api_dr[0].arn
  validation_record_fqdns = [aws_route53_record.api_validation[0].fqdn]
}

resource "aws_apigatewayv2_domain_name" "api_primary" {
  count = local.public ? 1 : 0

  domain_name = var.public_api.domain_name

  domain_name_configuration {
    certificate_arn = aws_acm_certificate_validation.api_primary[0].certificate_arn
    endpoint_type   = "REGIONAL"
    security_policy = "TLS_1_2"
  }
}

resource "aws_apigatewayv2_domain_name" "api_dr" {
  provider = aws.dr
  count    = local.public ? 1 : 0

  domain_name = var.public_api.domain_name

  domain_name_configuration {
    certificate_arn = aws_acm_certificate_validation.api_dr[0].certificate_arn
    endpoint_type   = "REGIONAL"
    security_policy = "TLS_1_2"
  }
}

resource "aws_apigatewayv2_api_mapping" "api_primary" {
  count = local.public ? 1 : 0

  api_id      = var.api_ids.primary
  domain_name = aws_apigatewayv2_domain_name.api_primary[0].id
  stage       = "$default"
}

resource "aws_apigatewayv2_api_mapping" "api_dr" {
  provider = aws.dr
  count    = local.public ? 1 : 0

  api_id      = var.api_ids.dr
  domain_name = aws_apigatewayv2_domain_name.api_dr[0].id
  stage       = "$default"
}

resource "aws_route53_record" "api_primary" {
  count = local.public ? 1 : 0

  zone_id         = var.public_api.zone_id
  name            = var.public_api.domain_name
  type            = "A"
  set_identifier  = "primary"
  health_check_id = aws_route53_health_check.api["primary"].id

  failover_routing_policy {
    type = "PRIMARY"
  }

  alias {
    name                   = one(aws_apigatewayv2_domain_name.api_primary[0].domain_name_configuration).target_domain_name
    zone_id                = one(aws_apigatewayv2_domain_name.api_primary[0].domain_name_configuration).hosted_zone_id
    evaluate_target_health = true
  }
}

resource "aws_route53_record" "api_dr" {
  count = local.public ? 1 : 0

  zone_id         = var.public_api.zone_id
  name            = var.public_api.domain_name
  type            = "A"
  set_identifier  = "dr"
  health_check_id = aws_route53_health_check.api["dr"].id

  failover_routing_policy {
    type = "SECONDARY"
  }

  alias {
    name                   = one(aws_apigatewayv2_domain_name.api_dr[0].domain_name_configuration).target_domain_name
    zone_id                = one(aws_apigatewayv2_domain_name.api_dr[0].domain_name_configuration).hosted_zone_id
    evaluate_target_health = true
  }
}
