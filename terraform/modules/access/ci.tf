# The GitHub OIDC provider is an account singleton: one env per account creates it, the others look it up.
resource "aws_iam_openid_connect_provider" "github" {
  count = var.account_singletons.github_oidc_provider ? 1 : 0

  url            = "https://token.actions.githubusercontent.com"
  client_id_list = ["sts.amazonaws.com"]
}

data "aws_iam_openid_connect_provider" "github" {
  count = var.account_singletons.github_oidc_provider ? 0 : 1

  url = "https://token.actions.githubusercontent.com"
}

locals {
  github_oidc_provider_arn = var.account_singletons.github_oidc_provider ? aws_iam_openid_connect_provider.github[0].arn : data.aws_iam_openid_connect_provider.github[0].arn

  # Exact subjects only: the deploy branch (plan on push) and the listed deployment environments.
  ci_subjects = concat(
    ["repo:${var.github_repository}:ref:refs/heads/${var.github_branch}"],
    [for e in var.github_environments : "repo:${var.github_repository}:environment:${e}"],
  )
}

# Only workflows of one repository, on its deploy branch or a listed deployment environment, get the CI role.
resource "aws_iam_role" "ci" {
  name                 = "${var.name_prefix}-ci"
  description          = "GitHub Actions deploys of ${var.github_repository} (OIDC, no long-lived keys)."
  max_session_duration = 3600
  permissions_boundary = aws_iam_policy.developer_boundary.arn
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Federated = local.github_oidc_provider_arn }
      Action    = "sts:AssumeRoleWithWebIdentity"
      Condition = {
        StringEquals = {
          "token.actions.githubusercontent.com:aud" = "sts.amazonaws.com"
          "token.actions.githubusercontent.com:sub" = local.ci_subjects
        }
      }
    }]
  })
}

# Deploys create IAM roles for the functions, which PowerUserAccess cannot; the boundary still applies
# (no role without the boundary, no boundary removal, no job-role trust change: see main.tf).
resource "aws_iam_role_policy_attachment" "ci" {
  #checkov:skip=CKV_AWS_274:terraform apply creates IAM roles and policies; the CI role is OIDC-only, pinned to the repository's branch and listed environments, and bounded against escalation
  role       = aws_iam_role.ci.name
  policy_arn = "${local.managed}/AdministratorAccess"
}
