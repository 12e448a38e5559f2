locals {
  # Without a signing key the distribution is disabled rather than serving media to anyone with a URL.
  signing_enabled = var.signing_public_key_pem != null
  # A replica secret keeps its name and suffix; only the region in its ARN differs.
  signing_key_secret_dr_arn = replace(aws_secretsmanager_secret.signing_key.arn, "/^(arn:[^:]+:secretsmanager:)[^:]+:/", "$${1}${var.signing_key_secret_kms.dr_region}:")
}

check "media_downloads_signed" {
  assert {
    condition     = local.signing_enabled
    error_message = "No CloudFront signing key (cdn.signing_public_key_pem): the media distribution is disabled and downloads answer 503 until one is set (see modules/cdn/README.md)."
  }
}

# CloudFront only uses certificates from us-east-1; the 6.x `region` argument puts it there from any provider.
resource "aws_acm_certificate" "media" {
  region            = "us-east-1"
  domain_name       = var.domain.name
  validation_method = "DNS"

  lifecycle {
    create_before_destroy = true
  }
}

resource "aws_route53_record" "media_validation" {
  zone_id         = var.domain.zone_id
  name            = one(aws_acm_certificate.media.domain_validation_options).resource_record_name
  type            = one(aws_acm_certificate.media.domain_validation_options).resource_record_type
  records         = [one(aws_acm_certificate.media.domain_validation_options).resource_record_value]
  ttl             = 300
  allow_overwrite = true
}

resource "aws_acm_certificate_validation" "media" {
  region                  = "us-east-1"
  certificate_arn         = aws_acm_certificate.media.arn
  validation_record_fqdns = [aws_route53_record.media_validation.fqdn]
}

resource "aws_route53_record" "media" {
  for_each = toset(["A", "AAAA"])

  zone_id = var.domain.zone_id
  name    = var.domain.name
  type    = each.key

  alias {
    name                   = aws_cloudfront_distribution.media.domain_name
    zone_id                = aws_cloudfront_distribution.media.hosted_zone_id
    evaluate_target_health = false
  }
}

data "aws_cloudfront_cache_policy" "optimized" {
  name = "Managed-CachingOptimized"
}

resource "aws_cloudfront_origin_access_control" "media" {
  name                              = "${var.name_prefix}-media"
  description                       = "CloudFront reads the media buckets with SigV4; the buckets stay private."
  origin_access_control_origin_type = "s3"
  signing_behavior                  = "always"
  signing_protocol                  = "sigv4"
}

resource "aws_cloudfront_response_headers_policy" "security" {
  name    = "${var.name_prefix}-security-headers"
  comment = "Security headers on every media response."

  security_headers_config {
    strict_transport_security {
      access_control_max_age_sec = 63072000
      include_subdomains         = true
      preload                    = true
      override                   = true
    }

    content_type_options {
      override = true
    }

    frame_options {
      frame_option = "DENY"
      override     = true
    }

    referrer_policy {
      referrer_policy = "strict-origin-when-cross-origin"
      override        = true
    }

    content_security_policy {
      content_security_policy = "default-src 'none'; img-src 'self'; media-src 'self'; frame-ancestors 'none'"
      override                = true
    }
  }
}

resource "aws_cloudfront_distribution" "media" {
  #checkov:skip=CKV_AWS_68:WAFv2 types are absent from the offline provider schema; attach a web ACL where the real provider is available
  #checkov:skip=CKV2_AWS_47:same reason: no WAFv2 web ACL can be declared offline
  #checkov:skip=CKV_AWS_374:media is served worldwide; geo restriction is a product decision left to adopters
  #checkov:skip=CKV_AWS_305:serves media objects by key, not a website: there is no root document
  #checkov:skip=CKV_AWS_216:disabled only while no signing public key is given (fail closed: media is never served unsigned); enabled as soon as cdn.signing_public_key_pem is set
  #checkov:skip=CKV_AWS_86:access logging uses CloudFront standard logging v2 (aws_cloudwatch_log_delivery below), which this check does not recognise
  enabled         = local.signing_enabled
  is_ipv6_enabled = true
  http_version    = "http2and3"
  comment         = "${var.name_prefix} media"
  price_class     = var.price_class
  aliases         = [var.domain.name]

  origin {
    origin_id                = "media-primary"
    domain_name              = var.primary_origin.domain_name
    origin_access_control_id = aws_cloudfront_origin_access_control.media.id
  }

  origin {
    origin_id                = "media-dr"
    domain_name              = var.failover_origin.domain_name
    origin_access_control_id = aws_cloudfront_origin_access_control.media.id
  }

  # Reads fail over to the DR replica when the primary bucket errors or lacks the object.
  origin_group {
    origin_id = "media"

    failover_criteria {
      status_codes = var.failover_status_codes
    }

    member {
      origin_id = "media-primary"
    }

    member {
      origin_id = "media-dr"
    }
  }

  default_cache_behavior {
    target_origin_id           = "media"
    allowed_methods            = ["GET", "HEAD", "OPTIONS"]
    cached_methods             = ["GET", "HEAD"]
    viewer_protocol_policy     = "https-only"
    compress                   = true
    cache_policy_id            = data.aws_cloudfront_cache_policy.optimized.id
    response_headers_policy_id = aws_cloudfront_response_headers_policy.security.id
    # Every object is private: CloudFront answers 403 to any request without a valid signed URL.
    trusted_key_groups = aws_cloudfront_key_group.signing[*].id
  }

  restrictions {
    geo_restriction {
      restriction_type = "none"
    }
  }

  viewer_certificate {
    acm_certificate_arn      = aws_acm_certificate_validation.media.certificate_arn
    ssl_support_method       = "sni-only"
    minimum_protocol_version = "TLSv1.2_2021"
  }
}

# Standard logging v2: CloudFront delivers access logs through CloudWatch Logs delivery (us-east-1) to S3.
resource "aws_cloudwatch_log_delivery_source" "cdn" {
  region       = "us-east-1"
  name         = "${var.name_prefix}-cdn-access"
  log_type     = "ACCESS_LOGS"
  resource_arn = aws_cloudfront_distribution.media.arn
}

resource "aws_cloudwatch_log_delivery_destination" "cdn" {
  region        = "us-east-1"
  name          = "${var.name_prefix}-cdn-access-s3"
  output_format = "parquet"

  delivery_destination_configuration {
    destination_resource_arn = "${var.log_bucket_arn}/cloudfront"
  }
}

resource "aws_cloudwatch_log_delivery" "cdn" {
  region                   = "us-east-1"
  delivery_source_name     = aws_cloudwatch_log_delivery_source.cdn.name
  delivery_destination_arn = aws_cloudwatch_log_delivery_destination.cdn.arn
}
