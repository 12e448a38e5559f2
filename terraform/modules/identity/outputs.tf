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
