mock_provider "aws" {
  mock_resource "aws_cognito_user_pool" {
    defaults = {
      id       = "us-east-1_TestPool1"
      endpoint = "cognito-idp.us-east-1.amazonaws.com/us-east-1_TestPool1"
    }
  }
}

variables {
  name_prefix       = "mbt-test"
  media_bucket_arn  = "arn:aws:s3:::mbt-test-media"
  media_kms_key_arn = "arn:aws:kms:us-east-1:111122223333:key/mrk-00000000000000000000000000000001"
  media_prefix      = jsondecode(file("../../contracts/s3_layout.json")).media_prefix
  # The identity contract as the blueprint passes it (lambdas/backend_core/identity.py).
  groups                  = jsondecode(file("../../contracts/identity.json")).groups
  app_client_auth_flows   = jsondecode(file("../../contracts/identity.json")).app_client_auth_flows
  password_minimum_length = jsondecode(file("../../contracts/identity.json")).password_minimum_length
}

run "email_sign_in_and_strong_passwords" {
  command = plan

  assert {
    condition     = contains(aws_cognito_user_pool.main.username_attributes, "email")
    error_message = "users sign in with their email."
  }

  assert {
    condition     = aws_cognito_user_pool.main.password_policy[0].minimum_length >= 12 && aws_cognito_user_pool.main.password_policy[0].require_symbols
    error_message = "the password policy must be strong."
  }
}

run "mobile_client_is_public_srp_only" {
  command = plan

  assert {
    condition     = aws_cognito_user_pool_client.mobile.generate_secret == false
    error_message = "a mobile app cannot keep a client secret."
  }

  assert {
    condition     = aws_cognito_user_pool_client.mobile.explicit_auth_flows == toset(["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"])
    error_message = "only SRP and refresh flows are allowed."
  }
}

run "groups_and_no_unauthenticated_identities" {
  command = plan

  assert {
    condition     = toset(keys(aws_cognito_user_group.role)) == toset(["consumers", "providers"])
    error_message = "the consumers and providers groups must exist."
  }

  assert {
    condition     = aws_cognito_identity_pool.main.allow_unauthenticated_identities == false
    error_message = "unauthenticated identities must be off."
  }

  assert {
    condition     = !contains(keys(aws_cognito_identity_pool_roles_attachment.main.roles), "unauthenticated")
    error_message = "no unauthenticated role may be attached."
  }
}

# Review finding 16: the role used the identity id while the API stores media under the user pool sub.
run "authenticated_role_reads_only_its_user_pool_sub_prefix" {
  command = apply

  assert {
    condition     = aws_cognito_identity_pool_provider_principal_tag.user_sub.principal_tags == tomap({ user_sub = "sub" }) && aws_cognito_identity_pool_provider_principal_tag.user_sub.identity_provider_name == aws_cognito_user_pool.main.endpoint
    error_message = "the user pool's sub claim must become the user_sub session tag."
  }

  assert {
    condition     = jsondecode(aws_iam_role_policy.authenticated_own_prefix.policy).Statement[0].Resource == "arn:aws:s3:::mbt-test-media/users/$${aws:PrincipalTag/user_sub}/*"
    error_message = "signed-in identities may reach only users/<their user pool sub>/."
  }

  assert {
    condition     = !strcontains(aws_iam_role_policy.authenticated_own_prefix.policy, "s3:PutObject") && !strcontains(aws_iam_role_policy.authenticated_own_prefix.policy, "s3:DeleteObject") && !strcontains(aws_iam_role_policy.authenticated_own_prefix.policy, "GenerateDataKey")
    error_message = "identity-pool credentials are read-only (uploads go through the API's presigned POST)."
  }
}

# Review finding 10: Cognito's default sender is capped at 50 e-mails a day.
run "email_sending_through_ses" {
  command = plan

  variables {
    require_email_sending = true
    email_sending = {
      source_arn         = "arn:aws:ses:us-east-1:111122223333:identity/example.com"
      from_email_address = "no-reply@example.com"
    }
  }

  assert {
    condition     = aws_cognito_user_pool.main.email_configuration[0].email_sending_account == "DEVELOPER" && aws_cognito_user_pool.main.email_configuration[0].source_arn == "arn:aws:ses:us-east-1:111122223333:identity/example.com"
    error_message = "the pool must send through the SES identity (DEVELOPER)."
  }
}

run "required_email_sending_fails_without_ses" {
  command = plan

  variables {
    require_email_sending = true
  }

  expect_failures = [aws_cognito_user_pool.main]
}

run "rejects_malformed_ses_identity" {
  command = plan

  variables {
    email_sending = { source_arn = "example.com", from_email_address = "no-reply@example.com" }
  }

  expect_failures = [var.email_sending]
}

run "prod_requires_mfa_and_enforces_threat_protection" {
  command = plan

  variables {
    mfa_configuration      = "ON"
    advanced_security_mode = "ENFORCED"
  }

  assert {
    condition     = aws_cognito_user_pool.main.mfa_configuration == "ON" && aws_cognito_user_pool.main.user_pool_tier == "PLUS"
    error_message = "MFA required and threat protection need the PLUS tier."
  }
}

run "rejects_mfa_off" {
  command = plan

  variables {
    mfa_configuration = "OFF"
  }

  expect_failures = [var.mfa_configuration]
}

# identity_bounds_*: the identity contract (lambdas/backend_core/identity.py) and this module's validation accept
# the same values; tests/unit/contracts/test_identity_bounds.py runs each override through the model.
run "identity_bounds_password_12" {
  command = plan

  variables {
    password_minimum_length = jsondecode(<<-JSON
      12
    JSON
    )
  }

  assert {
    condition     = aws_cognito_user_pool.main.name == "mbt-test-users"
    error_message = "the module must accept what the identity contract accepts."
  }
}

run "identity_bounds_password_11" {
  command = plan

  variables {
    password_minimum_length = jsondecode(<<-JSON
      11
    JSON
    )
  }

  expect_failures = [var.password_minimum_length]
}

run "identity_bounds_password_100" {
  command = plan

  variables {
    password_minimum_length = jsondecode(<<-JSON
      100
    JSON
    )
  }

  expect_failures = [var.password_minimum_length]
}

run "identity_bounds_flows_srp_refresh_custom" {
  command = plan

  variables {
    app_client_auth_flows = jsondecode(<<-JSON
      ["ALLOW_USER_SRP_AUTH", "ALLOW_REFRESH_TOKEN_AUTH", "ALLOW_CUSTOM_AUTH"]
    JSON
    )
  }

  assert {
    condition     = aws_cognito_user_pool.main.name == "mbt-test-users"
    error_message = "the module must accept what the identity contract accepts."
  }
}

run "identity_bounds_flows_user_password" {
  command = plan

  variables {
    app_client_auth_flows = jsondecode(<<-JSON
      ["ALLOW_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]
    JSON
    )
  }

  expect_failures = [var.app_client_auth_flows]
}

run "identity_bounds_flows_admin_password" {
  command = plan

  variables {
    app_client_auth_flows = jsondecode(<<-JSON
      ["ALLOW_USER_SRP_AUTH", "ALLOW_ADMIN_USER_PASSWORD_AUTH", "ALLOW_REFRESH_TOKEN_AUTH"]
    JSON
    )
  }

  expect_failures = [var.app_client_auth_flows]
}

run "identity_bounds_flows_without_refresh" {
  command = plan

  variables {
    app_client_auth_flows = jsondecode(<<-JSON
      ["ALLOW_USER_SRP_AUTH"]
    JSON
    )
  }

  expect_failures = [var.app_client_auth_flows]
}

run "identity_bounds_group_lower_case" {
  command = plan

  variables {
    groups = jsondecode(<<-JSON
      {"consumers": "c", "team_leads-2": "t"}
    JSON
    )
  }

  assert {
    condition     = aws_cognito_user_pool.main.name == "mbt-test-users"
    error_message = "the module must accept what the identity contract accepts."
  }
}

run "identity_bounds_group_upper_case" {
  command = plan

  variables {
    groups = jsondecode(<<-JSON
      {"Consumers": "c"}
    JSON
    )
  }

  expect_failures = [var.groups]
}

run "identity_bounds_group_leading_digit" {
  command = plan

  variables {
    groups = jsondecode(<<-JSON
      {"2consumers": "c"}
    JSON
    )
  }

  expect_failures = [var.groups]
}
