mock_provider "aws" {
  mock_data "aws_cloudfront_cache_policy" {
    defaults = { id = "658327ea-f89d-4fab-a63d-7e88639e58f6" }
  }

  mock_resource "aws_acm_certificate" {
    defaults = {
      domain_validation_options = [{
        domain_name           = "media.example.com"
        resource_record_name  = "_x1.media.example.com."
        resource_record_type  = "CNAME"
        resource_record_value = "_x2.acm-validations.aws."
      }]
    }
  }
}

variables {
  name_prefix     = "mbt-test"
  primary_origin  = { bucket = "mbt-test-media-us-east-1", domain_name = "mbt-test-media-us-east-1.s3.us-east-1.amazonaws.com" }
  failover_origin = { bucket = "mbt-test-media-us-west-2", domain_name = "mbt-test-media-us-west-2.s3.us-west-2.amazonaws.com" }
  log_bucket_arn  = "arn:aws:s3:::mbt-test-logs"
  domain          = { zone_id = "Z0000000000EXAMPLE", name = "media.example.com" }
}

run "origin_access_control_on_both_origins" {
  command = apply

  assert {
    condition     = alltrue([for o in aws_cloudfront_distribution.media.origin : o.origin_access_control_id == aws_cloudfront_origin_access_control.media.id])
    error_message = "every origin must be read through origin access control (never OAI)."
  }

  assert {
    condition     = alltrue([for o in aws_cloudfront_distribution.media.origin : length(o.s3_origin_config) == 0])
    error_message = "no origin may use an origin access identity."
  }
}

run "fails_over_to_the_dr_bucket" {
  command = apply

  assert {
    condition     = [for m in one(aws_cloudfront_distribution.media.origin_group).member : m.origin_id] == ["media-primary", "media-dr"]
    error_message = "the origin group must fail over from the primary to the DR bucket."
  }

  assert {
    condition     = contains([for o in aws_cloudfront_distribution.media.origin : o.domain_name if o.origin_id == "media-dr"], var.failover_origin.domain_name)
    error_message = "the failover origin must be the DR bucket."
  }
}

run "https_only_tls12_and_security_headers" {
  command = plan

  assert {
    condition     = aws_cloudfront_distribution.media.default_cache_behavior[0].viewer_protocol_policy == "https-only"
    error_message = "viewers must use HTTPS."
  }

  assert {
    condition     = aws_cloudfront_distribution.media.viewer_certificate[0].minimum_protocol_version == "TLSv1.2_2021" && aws_cloudfront_distribution.media.viewer_certificate[0].ssl_support_method == "sni-only"
    error_message = "TLS 1.2 or newer only, on the distribution's own certificate."
  }

  assert {
    condition     = aws_acm_certificate.media.region == "us-east-1"
    error_message = "CloudFront certificates must live in us-east-1."
  }

  assert {
    condition     = aws_cloudfront_response_headers_policy.security.security_headers_config[0].strict_transport_security[0].access_control_max_age_sec >= 31536000
    error_message = "HSTS must last at least a year."
  }
}

run "access_logs_delivered" {
  command = plan

  assert {
    condition     = aws_cloudwatch_log_delivery_source.cdn.log_type == "ACCESS_LOGS" && aws_cloudwatch_log_delivery_source.cdn.region == "us-east-1"
    error_message = "CloudFront access logs must be delivered (from us-east-1)."
  }
}

run "rejects_unknown_price_class" {
  command = plan

  variables {
    price_class = "PriceClass_Cheap"
  }

  expect_failures = [var.price_class]
}
