# The whole composition under mock providers: both regions wired, the contract output complete.
mock_provider "aws" {
  mock_data "aws_region" {
    defaults = { region = "us-east-1" }
  }
  mock_data "aws_caller_identity" {
    defaults = { account_id = "111122223333" }
  }
}

mock_provider "aws" {
  alias = "dr"

  mock_data "aws_region" {
    defaults = { region = "us-west-2" }
  }
  mock_data "aws_caller_identity" {
    defaults = { account_id = "111122223333" }
  }
}

variables {
  env                  = "dev"
  owner                = "platform-team"
  lambda_manifest_path = "tests/fixtures/manifest.json"
  disposable           = false
  account_layout       = "per-env"
  api                  = { rate_limit = 10, burst_limit = 20 }
  alerts               = { emails = ["oncall@example.com"] }
  dr                   = { rto_minutes = 30, rpo_minutes = 5 }
  dns                  = { zone_id = "Z0000000000EXAMPLE", domain = "dev.example.com" }
  access               = { github_repository = "example-org/mobile-backend-toolkit" }
  # A throwaway public key (its private half was never kept): downloads need a key CloudFront trusts.
  cdn = {
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
  }
}

run "stack_outputs_follow_the_contract" {
  command = plan

  assert {
    condition = toset(keys(output.stack_outputs)) == toset([
      "env", "primary_region", "dr_region", "endpoint_url", "api", "auth", "table", "media",
      "notifications", "analytics", "dr", "alerts_topic_arn", "live",
    ])
    error_message = "stack_outputs must have exactly the contract's top-level keys."
  }

  assert {
    condition     = output.stack_outputs.endpoint_url == null && output.stack_outputs.api.public == "https://api.dev.example.com"
    error_message = "in AWS endpoint_url is null and the public API is the failover name."
  }
}

run "both_regions_serve_and_the_drill_is_scheduled" {
  command = plan

  assert {
    condition     = sort(module.api_dr.routes) == sort(concat(local.api_routes.public, local.api_routes.private)) && sort(module.api_primary.routes) == sort(module.api_dr.routes)
    error_message = "both regions serve every route of the route table (terraform/contracts/api_routes.json)."
  }

  assert {
    condition     = module.dr.drill_schedule_name == "mbt-dev-dr-drill"
    error_message = "a built drill function gets its non-destructive schedule."
  }

  assert {
    condition     = contains(keys(module.api_primary.function_names), "drill") && !contains(keys(module.api_dr.function_names), "drill")
    error_message = "the drill runs at the primary only: from DR it would measure the reverse direction."
  }

  assert {
    condition     = strcontains(module.api_primary.push_endpoint_arns, ":sns:us-east-1:111122223333:endpoint/") && strcontains(module.api_dr.push_endpoint_arns, ":sns:us-west-2:111122223333:endpoint/")
    error_message = "each site's notify worker publishes through its own region's endpoints only: DR must push with the primary region dark."
  }
}

run "media_signing_key_secret_is_named_for_the_env" {
  command = plan

  assert {
    condition     = output.cdn_signing_key_secret_name == "mbt-dev-cdn-signing-key"
    error_message = "the operator puts the private key into <project>-<env>-cdn-signing-key."
  }
}

run "prod_cannot_be_disposable" {
  command = plan

  variables {
    env        = "prod"
    disposable = true
    identity = {
      email_sending = {
        source_arn         = "arn:aws:ses:us-east-1:111122223333:identity/example.com"
        from_email_address = "no-reply@example.com"
      }
    }
  }

  expect_failures = [var.disposable]
}

# A destroy that stops at a protected table or user pool leaves the env half gone.
run "disposable_env_cannot_keep_deletion_protection" {
  command = plan

  variables {
    disposable      = true
    data_protection = { deletion_protection = true }
  }

  expect_failures = [var.disposable]
}

# dev first in either layout: per-env creates the account's OIDC provider and trail; shared looks the provider
# up (terraform/state-backend created it) and leaves the trail to prod, so dev needs nothing another env makes.
run "per_env_layout_creates_the_account_singletons" {
  command = plan

  assert {
    condition     = module.access.account_singletons_created.github_oidc_provider && module.access.account_singletons_created.cloudtrail
    error_message = "with account_layout per-env, the env creates its account's OIDC provider and trail."
  }
}

run "shared_layout_looks_the_provider_up_and_leaves_the_trail_to_prod" {
  command = plan

  variables {
    account_layout = "shared"
  }

  assert {
    condition     = !module.access.account_singletons_created.github_oidc_provider && !module.access.account_singletons_created.cloudtrail
    error_message = "with account_layout shared, dev creates neither the OIDC provider nor the trail."
  }
}

run "account_layout_is_one_of_two_values" {
  command = plan

  variables {
    account_layout = "one-account"
  }

  expect_failures = [var.account_layout]
}

# Issue 13: an env enables every identity provider from its tfvars alone; the plan shows each in the user pool and
# the app client, and every new user is onboarded by the primary site's function.
run "identity_providers_from_env_data" {
  command = plan

  variables {
    identity = {
      hosted_login = {
        domain_prefix = "mbt-dev-login"
        callback_urls = ["mbtapp://signin"]
        logout_urls   = ["mbtapp://signout"]
      }
      providers = {
        SignInWithApple = { type = "SignInWithApple", client_id = "com.example.app.signin", team_id = "TEAM123456", key_id = "KEY1234567", secret_arn = "arn:aws:secretsmanager:us-east-1:111122223333:secret:mbt-dev/apple-AbCdEf" }
        Google          = { type = "Google", client_id = "1234-abc.apps.googleusercontent.com", secret_arn = "arn:aws:secretsmanager:us-east-1:111122223333:secret:mbt-dev/google-AbCdEf" }
        Facebook        = { type = "Facebook", client_id = "123456789012345", secret_arn = "arn:aws:secretsmanager:us-east-1:111122223333:secret:mbt-dev/facebook-AbCdEf" }
        LoginWithAmazon = { type = "LoginWithAmazon", client_id = "amzn1.application-oa2-client.0123", secret_arn = "arn:aws:secretsmanager:us-east-1:111122223333:secret:mbt-dev/amazon-AbCdEf" }
        AcmeSSO         = { type = "OIDC", client_id = "mbt-app", secret_arn = "arn:aws:secretsmanager:us-east-1:111122223333:secret:mbt-dev/acme-AbCdEf", oidc_issuer = "https://login.acme.example" }
        ProviderCo      = { type = "SAML", metadata_url = "https://idp.providerco.example/saml/metadata" }
      }
    }
  }

  assert {
    condition     = toset([for p in module.identity.identity_provider_names : p]) == toset(["SignInWithApple", "Google", "Facebook", "LoginWithAmazon", "AcmeSSO", "ProviderCo"])
    error_message = "every configured provider is in the user pool."
  }

  assert {
    condition     = module.identity.supported_identity_providers == toset(["COGNITO", "SignInWithApple", "Google", "Facebook", "LoginWithAmazon", "AcmeSSO", "ProviderCo"])
    error_message = "the app client may use every configured provider and the pool's own users."
  }

  assert {
    condition     = module.identity.hosted_login_domain == "mbt-dev-login.auth.us-east-1.amazoncognito.com"
    error_message = "the managed login domain is the env's prefix in the primary region."
  }

  assert {
    condition     = contains(keys(module.api_primary.function_names), "onboarding") && contains(keys(module.api_dr.function_names), "onboarding")
    error_message = "the onboarding function is deployed at both sites."
  }
}

# A burst the stage admits beyond the API function's reserved concurrency is answered 500 by AWS, not 429.
run "burst_cannot_exceed_the_api_functions_reserved_concurrency" {
  command = plan

  variables {
    api = {
      rate_limit  = 100
      burst_limit = 300
      functions = {
        mobile_api = { reserved_concurrency = 200 }
      }
    }
  }

  expect_failures = [var.api]
}

run "burst_within_the_reserved_concurrency_plans" {
  command = plan

  variables {
    api = {
      rate_limit  = 100
      burst_limit = 200
      functions = {
        mobile_api = { reserved_concurrency = 200 }
      }
    }
  }
}

# A secret typed into tfvars would stay in git and in the saved plan: refused, with where it goes instead.
run "a_provider_secret_in_tfvars_is_refused" {
  command = plan

  variables {
    identity = {
      providers = {
        Google = {
          type          = "Google"
          client_id     = "1234.apps.googleusercontent.com"
          secret_arn    = "arn:aws:secretsmanager:us-east-1:111122223333:secret:google-AbCdEf"
          client_secret = "GOCSPX-plain-text-secret"
        }
      }
    }
  }

  expect_failures = [var.identity]
}
