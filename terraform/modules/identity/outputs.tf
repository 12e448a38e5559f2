output "user_pool_id" {
  description = "Cognito user pool id."
  value       = aws_cognito_user_pool.main.id
}

output "user_pool_arn" {
  description = "Cognito user pool ARN."
  value       = aws_cognito_user_pool.main.arn
}

output "client_id" {
  description = "App client id of the mobile app (public client, no secret)."
  value       = aws_cognito_user_pool_client.mobile.id
}

output "identity_pool_id" {
  description = "Cognito identity pool id (authenticated identities only)."
  value       = aws_cognito_identity_pool.main.id
}

output "issuer" {
  description = "OIDC issuer of the pool's tokens, for JWT authorizers."
  value       = "https://${aws_cognito_user_pool.main.endpoint}"
}

output "authenticated_role_arn" {
  description = "Role assumed by signed-in identities."
  value       = aws_iam_role.authenticated.arn
}

output "identity_provider_names" {
  description = "Names of the identity providers in the user pool (besides COGNITO, its own users)."
  value       = [for p in aws_cognito_identity_provider.this : p.provider_name]
}

output "supported_identity_providers" {
  description = "Identity providers the mobile app client may sign in with: COGNITO and every configured one."
  value       = toset(local.supported_identity_providers)
}

output "hosted_login_domain" {
  description = "Host of the managed login pages (<prefix>.auth.<region>.amazoncognito.com) for the app's OAuth configuration; null without hosted_login."
  value       = var.hosted_login == null ? null : "${aws_cognito_user_pool_domain.login[0].domain}.auth.${data.aws_region.current.region}.amazoncognito.com"
}
