# Identity providers, managed login and the onboarding trigger: one run per provider kind, and every incomplete
# entry refused with its own message.
mock_provider "aws" {
  mock_resource "aws_cognito_user_pool" {
    defaults = {
      id       = "us-east-1_TestPool1"
      arn      = "arn:aws:cognito-idp:us-east-1:111122223333:userpool/us-east-1_TestPool1"
      endpoint = "cognito-idp.us-east-1.amazonaws.com/us-east-1_TestPool1"
    }
  }
  mock_data "aws_caller_identity" {
    defaults = { account_id = "111122223333" }
  }
  mock_data "aws_secretsmanager_secret_version" {
    defaults = { secret_string = "from-secrets-manager" }
  }
}

variables {
  name_prefix             = "mbt-test"
  media_bucket_arn        = "arn:aws:s3:::mbt-test-media"
  media_kms_key_arn       = "arn:aws:kms:us-east-1:111122223333:key/mrk-00000000000000000000000000000001"
  media_prefix            = jsondecode(file("../../contracts/s3_layout.json")).media_prefix
  groups                  = jsondecode(file("../../contracts/identity.json")).groups
  app_client_auth_flows   = jsondecode(file("../../contracts/identity.json")).app_client_auth_flows
  password_minimum_length = jsondecode(file("../../contracts/identity.json")).password_minimum_length
  hosted_login = {
    domain_prefix = "mbt-test-login"
    callback_urls = ["mbtapp://signin"]
    logout_urls   = ["mbtapp://signout"]
  }
}

run "no_providers_means_cognito_only" {
  command = plan

  variables {
    hosted_login = null
  }

  assert {
    condition     = length(aws_cognito_identity_provider.this) == 0 && aws_cognito_user_pool_client.mobile.supported_identity_providers == toset(["COGNITO"])
    error_message = "without providers the app client knows the pool's own users only."
  }

  assert {
    condition     = length(aws_cognito_user_pool_domain.login) == 0 && aws_cognito_user_pool_client.mobile.allowed_oauth_flows_user_pool_client == false
    error_message = "without hosted_login there is no domain and no OAuth flow."
  }
}

run "managed_login_uses_code_flow_to_the_app_scheme" {
  command = plan

  assert {
    condition     = aws_cognito_user_pool_domain.login[0].domain == "mbt-test-login" && aws_cognito_user_pool_domain.login[0].managed_login_version == 2
    error_message = "the managed login (v2) domain is the env's prefix."
  }

  assert {
    condition = (
      aws_cognito_user_pool_client.mobile.allowed_oauth_flows == toset(["code"]) &&
      aws_cognito_user_pool_client.mobile.allowed_oauth_flows_user_pool_client &&
      aws_cognito_user_pool_client.mobile.callback_urls == toset(["mbtapp://signin"]) &&
      aws_cognito_user_pool_client.mobile.logout_urls == toset(["mbtapp://signout"]) &&
      aws_cognito_user_pool_client.mobile.allowed_oauth_scopes == toset(["openid", "email", "profile"]) &&
      aws_cognito_user_pool_client.mobile.generate_secret == false
    )
    error_message = "a public client, authorization code flow only (no implicit), back to the app's URL scheme."
  }
}

run "sign_in_with_apple" {
  command = plan

  variables {
    identity_providers = {
      SignInWithApple = {
        type       = "SignInWithApple"
        client_id  = "com.example.app.signin"
        team_id    = "TEAM123456"
        key_id     = "KEY1234567"
        secret_arn = "arn:aws:secretsmanager:us-east-1:111122223333:secret:mbt-test/apple-key-AbCdEf"
      }
    }
  }

  assert {
    condition = (
      aws_cognito_identity_provider.this["SignInWithApple"].provider_type == "SignInWithApple" &&
      aws_cognito_identity_provider.this["SignInWithApple"].provider_details["client_id"] == "com.example.app.signin" &&
      aws_cognito_identity_provider.this["SignInWithApple"].provider_details["team_id"] == "TEAM123456" &&
      aws_cognito_identity_provider.this["SignInWithApple"].provider_details["key_id"] == "KEY1234567" &&
      aws_cognito_identity_provider.this["SignInWithApple"].provider_details["authorize_scopes"] == "email name" &&
      !contains(keys(aws_cognito_identity_provider.this["SignInWithApple"].provider_details), "client_secret")
    )
    error_message = "Apple takes the Services ID, team and key ids and scopes email name."
  }

  assert {
    condition     = nonsensitive(aws_cognito_identity_provider.this["SignInWithApple"].provider_details["private_key"]) == "from-secrets-manager"
    error_message = "Apple's private key comes from Secrets Manager."
  }

  assert {
    condition     = aws_cognito_identity_provider.this["SignInWithApple"].attribute_mapping == tomap({ email = "email", name = "name", username = "sub" })
    error_message = "email and name map to the profile."
  }

  assert {
    condition     = aws_cognito_user_pool_client.mobile.supported_identity_providers == toset(["COGNITO", "SignInWithApple"])
    error_message = "the app client may use Apple."
  }
}

run "google" {
  command = plan

  variables {
    identity_providers = {
      Google = {
        type       = "Google"
        client_id  = "1234-abc.apps.googleusercontent.com"
        secret_arn = "arn:aws:secretsmanager:us-east-1:111122223333:secret:mbt-test/google-AbCdEf"
      }
    }
  }

  assert {
    condition = (
      aws_cognito_identity_provider.this["Google"].provider_details["authorize_scopes"] == "openid email profile" &&
      nonsensitive(aws_cognito_identity_provider.this["Google"].provider_details["client_secret"]) == "from-secrets-manager" &&
      aws_cognito_identity_provider.this["Google"].attribute_mapping["email"] == "email" &&
      aws_cognito_identity_provider.this["Google"].attribute_mapping["name"] == "name"
    )
    error_message = "Google: client id, secret from Secrets Manager, openid email profile, email and name mapped."
  }

  assert {
    condition     = aws_cognito_user_pool_client.mobile.supported_identity_providers == toset(["COGNITO", "Google"])
    error_message = "the app client may use Google."
  }
}

run "facebook" {
  command = plan

  variables {
    identity_providers = {
      Facebook = {
        type       = "Facebook"
        client_id  = "123456789012345"
        secret_arn = "arn:aws:secretsmanager:us-east-1:111122223333:secret:mbt-test/facebook-AbCdEf"
      }
    }
  }

  assert {
    condition     = aws_cognito_identity_provider.this["Facebook"].provider_details["authorize_scopes"] == "public_profile,email" && aws_cognito_identity_provider.this["Facebook"].attribute_mapping["username"] == "id"
    error_message = "Facebook scopes are comma-separated; its subject is id."
  }

  assert {
    condition     = aws_cognito_user_pool_client.mobile.supported_identity_providers == toset(["COGNITO", "Facebook"])
    error_message = "the app client may use Facebook."
  }
}

run "login_with_amazon" {
  command = plan

  variables {
    identity_providers = {
      LoginWithAmazon = {
        type       = "LoginWithAmazon"
        client_id  = "amzn1.application-oa2-client.0123"
        secret_arn = "arn:aws:secretsmanager:us-east-1:111122223333:secret:mbt-test/amazon-AbCdEf"
      }
    }
  }

  assert {
    condition     = aws_cognito_identity_provider.this["LoginWithAmazon"].provider_details["authorize_scopes"] == "profile" && aws_cognito_identity_provider.this["LoginWithAmazon"].attribute_mapping["username"] == "user_id"
    error_message = "Login with Amazon: scope profile, subject user_id."
  }

  assert {
    condition     = aws_cognito_user_pool_client.mobile.supported_identity_providers == toset(["COGNITO", "LoginWithAmazon"])
    error_message = "the app client may use Login with Amazon."
  }
}

run "generic_oidc" {
  command = plan

  variables {
    identity_providers = {
      AcmeSSO = {
        type        = "OIDC"
        client_id   = "mbt-app"
        secret_arn  = "arn:aws:secretsmanager:us-east-1:111122223333:secret:mbt-test/acme-oidc-AbCdEf"
        oidc_issuer = "https://login.acme.example"
        identifiers = ["acme.example"]
      }
    }
  }

  assert {
    condition = (
      aws_cognito_identity_provider.this["AcmeSSO"].provider_type == "OIDC" &&
      aws_cognito_identity_provider.this["AcmeSSO"].provider_details["oidc_issuer"] == "https://login.acme.example" &&
      aws_cognito_identity_provider.this["AcmeSSO"].provider_details["attributes_request_method"] == "GET" &&
      aws_cognito_identity_provider.this["AcmeSSO"].provider_details["authorize_scopes"] == "openid email profile" &&
      aws_cognito_identity_provider.this["AcmeSSO"].idp_identifiers == tolist(["acme.example"])
    )
    error_message = "OIDC: issuer, GET attributes, openid scopes, email-domain identifier."
  }

  assert {
    condition     = aws_cognito_user_pool_client.mobile.supported_identity_providers == toset(["COGNITO", "AcmeSSO"])
    error_message = "the app client may use the OIDC provider."
  }
}

run "saml" {
  command = plan

  variables {
    identity_providers = {
      ProviderCo = {
        type              = "SAML"
        metadata_url      = "https://idp.providerco.example/saml/metadata"
        saml_sign_out     = true
        attribute_mapping = { name = "displayName" }
      }
    }
  }

  assert {
    condition = (
      aws_cognito_identity_provider.this["ProviderCo"].provider_details == tomap({ MetadataURL = "https://idp.providerco.example/saml/metadata", IDPSignout = "true" }) &&
      aws_cognito_identity_provider.this["ProviderCo"].attribute_mapping["name"] == "displayName" &&
      aws_cognito_identity_provider.this["ProviderCo"].attribute_mapping["email"] == "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress"
    )
    error_message = "SAML: metadata URL, sign-out, default email claim, name override."
  }

  assert {
    condition     = aws_cognito_user_pool_client.mobile.supported_identity_providers == toset(["COGNITO", "ProviderCo"])
    error_message = "the app client may use the SAML provider."
  }
}

run "post_confirmation_trigger_onboards" {
  command = plan

  variables {
    post_confirmation = {
      arn           = "arn:aws:lambda:us-east-1:111122223333:function:mbt-test-onboarding:live"
      function_name = "mbt-test-onboarding"
      qualifier     = "live"
    }
  }

  assert {
    condition     = aws_cognito_user_pool.main.lambda_config[0].post_confirmation == "arn:aws:lambda:us-east-1:111122223333:function:mbt-test-onboarding:live"
    error_message = "the pool calls the onboarding function after every confirmation."
  }

  assert {
    condition     = aws_lambda_permission.post_confirmation[0].principal == "cognito-idp.amazonaws.com" && aws_lambda_permission.post_confirmation[0].qualifier == "live" && aws_lambda_permission.post_confirmation[0].source_account == "111122223333"
    error_message = "only Cognito, for this pool and account, may invoke the function's live alias."
  }
}

run "rejects_apple_without_key" {
  command = plan

  variables {
    identity_providers = {
      SignInWithApple = { type = "SignInWithApple", client_id = "com.example.app.signin", secret_arn = "arn:aws:secretsmanager:us-east-1:111122223333:secret:k" }
    }
  }

  expect_failures = [var.identity_providers]
}

run "rejects_google_without_secret" {
  command = plan

  variables {
    identity_providers = { Google = { type = "Google", client_id = "1234-abc.apps.googleusercontent.com" } }
  }

  expect_failures = [var.identity_providers]
}

run "rejects_secret_that_is_not_a_secrets_manager_arn" {
  command = plan

  variables {
    identity_providers = { Facebook = { type = "Facebook", client_id = "1", secret_arn = "hunter2" } }
  }

  expect_failures = [var.identity_providers]
}

run "rejects_social_provider_under_another_name" {
  command = plan

  variables {
    identity_providers = {
      google = { type = "Google", client_id = "1", secret_arn = "arn:aws:secretsmanager:us-east-1:111122223333:secret:g" }
    }
  }

  expect_failures = [var.identity_providers]
}

run "rejects_oidc_without_issuer" {
  command = plan

  variables {
    identity_providers = {
      AcmeSSO = { type = "OIDC", client_id = "1", secret_arn = "arn:aws:secretsmanager:us-east-1:111122223333:secret:o" }
    }
  }

  expect_failures = [var.identity_providers]
}

run "rejects_saml_without_metadata" {
  command = plan

  variables {
    identity_providers = { ProviderCo = { type = "SAML" } }
  }

  expect_failures = [var.identity_providers]
}

run "rejects_unknown_kind" {
  command = plan

  variables {
    identity_providers = { Twitter = { type = "Twitter", client_id = "1", secret_arn = "arn:aws:secretsmanager:us-east-1:111122223333:secret:t" } }
  }

  expect_failures = [var.identity_providers]
}

run "rejects_providers_without_managed_login" {
  command = plan

  variables {
    hosted_login = null
    identity_providers = {
      Google = { type = "Google", client_id = "1", secret_arn = "arn:aws:secretsmanager:us-east-1:111122223333:secret:g" }
    }
  }

  expect_failures = [var.identity_providers]
}

run "rejects_plain_http_callback" {
  command = plan

  variables {
    hosted_login = { domain_prefix = "mbt-test-login", callback_urls = ["http://app.example.com/cb"], logout_urls = ["mbtapp://signout"] }
  }

  expect_failures = [var.hosted_login]
}

run "rejects_reserved_domain_prefix" {
  command = plan

  variables {
    hosted_login = { domain_prefix = "my-cognito-login", callback_urls = ["mbtapp://signin"], logout_urls = ["mbtapp://signout"] }
  }

  expect_failures = [var.hosted_login]
}
