resource "aws_cognito_user_pool" "main" {
  name                     = "${var.name_prefix}-users"
  username_attributes      = ["email"]
  auto_verified_attributes = ["email"]
  mfa_configuration        = var.mfa_configuration
  deletion_protection      = var.deletion_protection ? "ACTIVE" : "INACTIVE"
  # Threat protection needs the PLUS feature tier.
  user_pool_tier = var.advanced_security_mode == "OFF" ? "ESSENTIALS" : "PLUS"

  username_configuration {
    case_sensitive = false
  }

  password_policy {
    minimum_length                   = var.password_minimum_length
    require_lowercase                = true
    require_uppercase                = true
    require_numbers                  = true
    require_symbols                  = true
    password_history_size            = 5
    temporary_password_validity_days = 3
  }

  software_token_mfa_configuration {
    enabled = true
  }

  account_recovery_setting {
    recovery_mechanism {
      name     = "verified_email"
      priority = 1
    }
  }

  admin_create_user_config {
    allow_admin_create_user_only = false
  }

  # Every confirmed user (sign-up or first federated sign-in) joins `consumers` (lambdas/onboarding).
  dynamic "lambda_config" {
    for_each = var.post_confirmation == null ? [] : [var.post_confirmation]
    content {
      post_confirmation = lambda_config.value.arn
    }
  }

  user_pool_add_ons {
    advanced_security_mode = var.advanced_security_mode
  }

  # Cognito's own sender stops at 50 e-mails a day: real envs send through SES (DEVELOPER).
  dynamic "email_configuration" {
    for_each = var.email_sending != null ? [var.email_sending] : []
    content {
      email_sending_account  = "DEVELOPER"
      source_arn             = email_configuration.value.source_arn
      from_email_address     = email_configuration.value.from_email_address
      reply_to_email_address = email_configuration.value.reply_to_email_address
      configuration_set      = email_configuration.value.configuration_set
    }
  }

  lifecycle {
    precondition {
      condition     = !var.require_email_sending || var.email_sending != null
      error_message = "This env needs identity.email_sending (an SES verified identity ARN and a from address): Cognito's default e-mail sender is capped at 50 messages a day (sign-up codes, password resets). See modules/identity/README.md."
    }
  }

  schema {
    name                = "email"
    attribute_data_type = "String"
    required            = true
    mutable             = true

    string_attribute_constraints {
      min_length = "5"
      max_length = "254"
    }
  }
}

resource "aws_cognito_user_group" "role" {
  for_each = var.groups

  name         = each.key
  description  = each.value
  user_pool_id = aws_cognito_user_pool.main.id
}

# The mobile app is a public client: no secret; its flows come from the identity contract (SRP + refresh).
# With managed login it also signs in through the authorization code flow (the app adds PKCE: a public client
# has no secret to protect the code), back to the app's own URL scheme, with the identity providers below.
resource "aws_cognito_user_pool_client" "mobile" {
  name                                 = "${var.name_prefix}-mobile"
  user_pool_id                         = aws_cognito_user_pool.main.id
  generate_secret                      = false
  explicit_auth_flows                  = var.app_client_auth_flows
  supported_identity_providers         = local.supported_identity_providers
  allowed_oauth_flows_user_pool_client = var.hosted_login != null
  allowed_oauth_flows                  = var.hosted_login == null ? [] : ["code"]
  allowed_oauth_scopes                 = var.hosted_login == null ? [] : var.hosted_login.scopes
  callback_urls                        = var.hosted_login == null ? [] : var.hosted_login.callback_urls
  logout_urls                          = var.hosted_login == null ? [] : var.hosted_login.logout_urls
  prevent_user_existence_errors        = "ENABLED"
  enable_token_revocation              = true
  access_token_validity                = var.token_validity.access_minutes
  id_token_validity                    = var.token_validity.id_minutes
  refresh_token_validity               = var.token_validity.refresh_days

  token_validity_units {
    access_token  = "minutes"
    id_token      = "minutes"
    refresh_token = "days"
  }
}

resource "aws_cognito_identity_pool" "main" {
  identity_pool_name               = replace("${var.name_prefix}_identities", "-", "_")
  allow_unauthenticated_identities = false
  allow_classic_flow               = false

  cognito_identity_providers {
    client_id               = aws_cognito_user_pool_client.mobile.id
    provider_name           = aws_cognito_user_pool.main.endpoint
    server_side_token_check = true
  }
}

# The identity pool copies the user pool's sub claim into a session tag, so a signed-in identity's
# credentials are scoped to the same users/<sub>/ prefix the API stores its media under.
resource "aws_cognito_identity_pool_provider_principal_tag" "user_sub" {
  identity_pool_id       = aws_cognito_identity_pool.main.id
  identity_provider_name = aws_cognito_user_pool.main.endpoint
  use_defaults           = false
  principal_tags         = { (var.user_sub_tag) = "sub" }
}

resource "aws_iam_role" "authenticated" {
  name                 = "${var.name_prefix}-identity-authenticated"
  permissions_boundary = var.permissions_boundary_arn
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Federated = "cognito-identity.amazonaws.com" }
      Action    = ["sts:AssumeRoleWithWebIdentity", "sts:TagSession"]
      Condition = {
        StringEquals             = { "cognito-identity.amazonaws.com:aud" = aws_cognito_identity_pool.main.id }
        "ForAnyValue:StringLike" = { "cognito-identity.amazonaws.com:amr" = "authenticated" }
      }
    }]
  })
}

# Read-only, own prefix only: <media_prefix><user pool sub>/ (uploads go through the API's presigned POST,
# which enforces type and size).
resource "aws_iam_role_policy" "authenticated_own_prefix" {
  name = "own-media-prefix"
  role = aws_iam_role.authenticated.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid      = "ReadOwnObjects"
        Effect   = "Allow"
        Action   = "s3:GetObject"
        Resource = "${var.media_bucket_arn}/${var.media_prefix}$${aws:PrincipalTag/${var.user_sub_tag}}/*"
      },
      {
        Sid       = "ListOwnPrefix"
        Effect    = "Allow"
        Action    = "s3:ListBucket"
        Resource  = var.media_bucket_arn
        Condition = { StringLike = { "s3:prefix" = "${var.media_prefix}$${aws:PrincipalTag/${var.user_sub_tag}}/*" } }
      },
      {
        Sid       = "MediaKeyViaS3Only"
        Effect    = "Allow"
        Action    = "kms:Decrypt"
        Resource  = var.media_kms_key_arn
        Condition = { StringLike = { "kms:ViaService" = "s3.*.amazonaws.com" } }
      },
    ]
  })
}

resource "aws_cognito_identity_pool_roles_attachment" "main" {
  identity_pool_id = aws_cognito_identity_pool.main.id
  roles = {
    authenticated = aws_iam_role.authenticated.arn
  }
}
