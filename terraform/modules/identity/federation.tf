# Social and enterprise identity providers, the managed login domain and the trigger that onboards every new
# user. Secrets (client secrets, Apple's private key) are read from Secrets Manager at plan time; see the
# README ("What lands in state") for why they still reach the state file and how that file is protected.

locals {
  # Cognito's fixed provider names for the social kinds; OIDC and SAML entries are named by their map key.
  social_kinds = ["SignInWithApple", "Google", "Facebook", "LoginWithAmazon"]

  # Scopes each kind needs for the profile's email and name (Cognito's documented defaults for the kind).
  default_scopes = {
    SignInWithApple = ["email", "name"]
    Google          = ["openid", "email", "profile"]
    Facebook        = ["public_profile", "email"]
    LoginWithAmazon = ["profile"]
    OIDC            = ["openid", "email", "profile"]
    SAML            = []
  }
  # Scope separators differ by kind: Facebook wants commas, the others spaces.
  scope_separator = { Facebook = "," }

  # user pool attribute -> the provider's attribute. `username` ties the Cognito user to the provider's
  # stable subject; email and name fill the profile the API creates on first call.
  default_attribute_mapping = {
    SignInWithApple = { email = "email", name = "name", username = "sub" }
    Google          = { email = "email", name = "name", username = "sub" }
    Facebook        = { email = "email", name = "name", username = "id" }
    LoginWithAmazon = { email = "email", name = "name", username = "user_id" }
    OIDC            = { email = "email", name = "name", username = "sub" }
    SAML = {
      email = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/emailaddress"
      name  = "http://schemas.xmlsoap.org/ws/2005/05/identity/claims/name"
    }
  }

  secret_providers = { for name, p in var.identity_providers : name => p if p.secret_arn != null }

  provider_details = {
    for name, p in var.identity_providers : name => merge(
      p.type == "SAML" ? {
        MetadataURL = p.metadata_url
        IDPSignout  = tostring(p.saml_sign_out)
        } : {
        client_id        = p.client_id
        authorize_scopes = join(lookup(local.scope_separator, p.type, " "), coalesce(p.scopes, local.default_scopes[p.type]))
      },
      contains(["Google", "Facebook", "LoginWithAmazon", "OIDC"], p.type) ? {
        client_secret = data.aws_secretsmanager_secret_version.identity_provider[name].secret_string
      } : {},
      p.type == "SignInWithApple" ? {
        team_id     = p.team_id
        key_id      = p.key_id
        private_key = data.aws_secretsmanager_secret_version.identity_provider[name].secret_string
      } : {},
      p.type == "OIDC" ? {
        oidc_issuer               = p.oidc_issuer
        attributes_request_method = p.attributes_request_method
      } : {},
    )
  }

  # The identity providers the app client may use: the pool's own users (COGNITO) and every configured one.
  supported_identity_providers = concat(["COGNITO"], [for p in aws_cognito_identity_provider.this : p.provider_name])
}

# The secret's SecretString is the value itself (a client secret, or Apple's .p8 private key in PEM).
data "aws_secretsmanager_secret_version" "identity_provider" {
  for_each = local.secret_providers

  secret_id = each.value.secret_arn
}

resource "aws_cognito_identity_provider" "this" {
  for_each = var.identity_providers

  user_pool_id      = aws_cognito_user_pool.main.id
  provider_name     = each.key
  provider_type     = each.value.type
  provider_details  = local.provider_details[each.key]
  attribute_mapping = merge(local.default_attribute_mapping[each.value.type], each.value.attribute_mapping)
  idp_identifiers   = length(each.value.identifiers) > 0 ? each.value.identifiers : null
}

# The managed login pages (version 2) on a Cognito prefix domain: https://<prefix>.auth.<region>.amazoncognito.com.
resource "aws_cognito_user_pool_domain" "login" {
  count = var.hosted_login == null ? 0 : 1

  domain                = var.hosted_login.domain_prefix
  user_pool_id          = aws_cognito_user_pool.main.id
  managed_login_version = 2
}

# Managed login v2 shows a page only for an app client with a style: Cognito's own look until the team brands it.
resource "aws_cognito_managed_login_branding" "mobile" {
  count = var.hosted_login == null ? 0 : 1

  user_pool_id                = aws_cognito_user_pool.main.id
  client_id                   = aws_cognito_user_pool_client.mobile.id
  use_cognito_provided_values = true
}

# Cognito invokes the onboarding function (lambdas/onboarding) after every confirmation, password or federated.
resource "aws_lambda_permission" "post_confirmation" {
  count = var.post_confirmation == null ? 0 : 1

  statement_id   = "CognitoPostConfirmation"
  action         = "lambda:InvokeFunction"
  function_name  = var.post_confirmation.function_name
  qualifier      = var.post_confirmation.qualifier
  principal      = "cognito-idp.amazonaws.com"
  source_arn     = aws_cognito_user_pool.main.arn
  source_account = local.account_id
}

data "aws_caller_identity" "current" {}

data "aws_region" "current" {}

locals {
  account_id = data.aws_caller_identity.current.account_id
}
