resource "aws_iam_openid_connect_provider" "github" {
  url            = "https://token.actions.githubusercontent.com"
  client_id_list = ["sts.amazonaws.com"]
}

# Only workflows of one repository, on one branch or its deployment environments, get the CI role.
resource "aws_iam_role" "ci" {
  name                 = "${var.name_prefix}-ci"
  description          = "GitHub Actions deploys of ${var.github_repository} (OIDC, no long-lived keys)."
  max_session_duration = 3600
  permissions_boundary = aws_iam_policy.developer_boundary.arn
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Federated = aws_iam_openid_connect_provider.github.arn }
      Action    = "sts:AssumeRoleWithWebIdentity"
      Condition = {
        StringEquals = { "token.actions.githubusercontent.com:aud" = "sts.amazonaws.com" }
        StringLike = {
          "token.actions.githubusercontent.com:sub" = [
            "repo:${var.github_repository}:ref:refs/heads/${var.github_branch}",
            "repo:${var.github_repository}:environment:*",
          ]
        }
      }
    }]
  })
}

# Deploys create IAM roles for the functions, which PowerUserAccess cannot; the boundary still applies.
resource "aws_iam_role_policy_attachment" "ci" {
  #checkov:skip=CKV_AWS_274:terraform apply creates IAM roles and policies; the CI role is OIDC-only, pinned to the repository and bounded
  role       = aws_iam_role.ci.name
  policy_arn = "${local.managed}/AdministratorAccess"
}
