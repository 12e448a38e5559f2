output "role_arns" {
  description = "Job function -> role ARN (admin, developer, read_only, analyst, ci)."
  value = {
    admin     = aws_iam_role.admin.arn
    developer = aws_iam_role.developer.arn
    read_only = aws_iam_role.read_only.arn
    analyst   = aws_iam_role.analyst.arn
    ci        = aws_iam_role.ci.arn
  }
}

output "developer_boundary_arn" {
  description = "Permission boundary every developer-created role must carry."
  value       = aws_iam_policy.developer_boundary.arn
}

output "trail_arn" {
  description = "ARN of the multi-region CloudTrail trail (null where another env of the account owns it)."
  value       = one(aws_cloudtrail.main[*].arn)
}

output "trail_bucket" {
  description = "Bucket holding CloudTrail log files (null where another env of the account owns the trail)."
  value       = one(module.trail_bucket[*].id)
}

output "github_oidc_provider_arn" {
  description = "GitHub Actions OIDC provider the CI role trusts (created here or looked up)."
  value       = local.github_oidc_provider_arn
}

output "account_singletons_created" {
  description = "Account-wide resources this env creates (true) instead of finding them made by terraform/state-backend or another env: github_oidc_provider, cloudtrail."
  value = {
    github_oidc_provider = length(aws_iam_openid_connect_provider.github) == 1
    cloudtrail           = length(aws_cloudtrail.main) == 1
  }
}
