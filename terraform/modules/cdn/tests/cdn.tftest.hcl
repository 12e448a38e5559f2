mock_provider "aws" {
  mock_data "aws_cloudfront_cache_policy" {
    defaults = { id = "658327ea-f89d-4fab-a63d-7e88639e58f6" }
  }

  mock_resource "aws_secretsmanager_secret" {
    defaults = { arn = "arn:aws:secretsmanager:us-east-1:111122223333:secret:mbt-test-cdn-signing-key-AbCdEf" }
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

  # A throwaway public key (its private half was never kept): the module only needs the PEM.
  signing_public_key_pem = <<-EOT
    -----BEGIN PUBLIC KEY-----
    MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAklQs1POQ0REEa6rgNm/L
    zCWUd7H0/i2dqqyIJJcDoN4SAWLGEpHskZX16SIXkq2vda7r79lhMomlTN0eETjT
    2UWirIEKB1jzSZfC1fnkA0EirQbwYuHO+RNP9qIdsr00am/fS24rcQM5oYf9j1qt
    g22RfffOQqEnx56XpKhT/uaZ51lppGLZiPcUVcFn4gwlGvZSmiGrbTDP8qgbCaU7
    nz6V4Xk0GYLxjueiiFI9cFd2qfwXMtRSzbFc+QpKi6MNIl5BID2QUvU1+S58QU5h
    nIQ0KCDL5X7DFpJrT3eu9+lCjmAcD9eIjwfVIQIhaTifSBG/Qtckb8b0uVaYbqcy
    XwIDAQAB
    -----END PUBLIC KEY-----
  EOT
  signing_key_secret_kms = {
    primary   = "arn:aws:kms:us-east-1:111122223333:key/mrk-media"
    dr_region = "us-west-2"
    dr        = "arn:aws:kms:us-west-2:111122223333:key/mrk-media"
  }
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

run "unsigned_requests_are_refused" {
  command = apply

  assert {
    condition     = aws_cloudfront_distribution.media.enabled && aws_cloudfront_distribution.media.default_cache_behavior[0].trusted_key_groups == tolist([aws_cloudfront_key_group.signing[0].id])
    error_message = "the media behaviour must trust only the signing key group, so unsigned requests get 403."
  }

  assert {
    condition     = aws_cloudfront_key_group.signing[0].items == toset([aws_cloudfront_public_key.signing[0].id]) && aws_cloudfront_public_key.signing[0].encoded_key == var.signing_public_key_pem
    error_message = "the key group must hold the operator's public key."
  }

  assert {
    condition     = output.signing_key_pair_id == aws_cloudfront_public_key.signing[0].id
    error_message = "the API must sign with the key CloudFront trusts."
  }
}

run "no_signing_key_means_no_public_media" {
  command = plan

  variables {
    signing_public_key_pem = null
  }

  # The plan warns, and the distribution is disabled: fail closed, never serve objects unsigned.
  expect_failures = [check.media_downloads_signed]

  assert {
    condition     = !aws_cloudfront_distribution.media.enabled && length(aws_cloudfront_key_group.signing) == 0
    error_message = "without a signing key the distribution must be disabled."
  }

  assert {
    condition     = output.signing_key_pair_id == null
    error_message = "without a signing key there is no key id for the API (downloads answer 503)."
  }
}

run "signing_key_secret_encrypted_and_replicated_to_dr" {
  command = apply

  assert {
    condition     = aws_secretsmanager_secret.signing_key.kms_key_id == var.signing_key_secret_kms.primary
    error_message = "the signing key secret must be encrypted with the project's media key."
  }

  assert {
    condition     = [for r in aws_secretsmanager_secret.signing_key.replica : [r.region, r.kms_key_id]] == [["us-west-2", var.signing_key_secret_kms.dr]]
    error_message = "the secret must replicate to the DR region under the DR key, so the DR API can sign."
  }

  assert {
    condition     = output.signing_key_secret_arns.dr == "arn:aws:secretsmanager:us-west-2:111122223333:secret:mbt-test-cdn-signing-key-AbCdEf"
    error_message = "the DR API must read the replica in its own region (same name, DR region)."
  }
}

run "rejects_a_private_key_as_public_key" {
  command = plan

  variables {
    signing_public_key_pem = "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA\n-----END RSA PRIVATE KEY-----\n"
  }

  expect_failures = [var.signing_public_key_pem]
}

run "rejects_a_recovery_window_secrets_manager_refuses" {
  command = plan

  variables {
    signing_key_secret_recovery_days = 3
  }

  expect_failures = [var.signing_key_secret_recovery_days]
}
