mock_provider "aws" {
  mock_data "aws_region" {
    defaults = { region = "us-east-1" }
  }
  mock_data "aws_caller_identity" {
    defaults = { account_id = "111122223333" }
  }
  mock_data "aws_partition" {
    defaults = { partition = "aws" }
  }
}

variables {
  name_prefix       = "mbt-test"
  github_repository = "example-org/mobile-backend"
  logs_kms_key_arn  = "arn:aws:kms:us-east-1:111122223333:key/1"
  access_log_bucket = "mbt-test-logs"
  analytics = {
    workgroup_arn      = "arn:aws:athena:us-east-1:111122223333:workgroup/mbt-test-analytics"
    database           = "mbt_test_analytics"
    bucket_arn         = "arn:aws:s3:::mbt-test-analytics"
    results_bucket_arn = "arn:aws:s3:::mbt-test-athena-results"
    kms_key_arn        = "arn:aws:kms:us-east-1:111122223333:key/2"
  }
}

run "human_roles_need_mfa" {
  command = apply

  assert {
    condition = alltrue([for r in [aws_iam_role.admin, aws_iam_role.developer, aws_iam_role.read_only, aws_iam_role.analyst] :
    jsondecode(r.assume_role_policy).Statement[0].Condition.Bool["aws:MultiFactorAuthPresent"] == "true"])
    error_message = "every job role must require MFA."
  }

  assert {
    condition     = aws_iam_role.developer.permissions_boundary == aws_iam_policy.developer_boundary.arn && aws_iam_role.ci.permissions_boundary == aws_iam_policy.developer_boundary.arn
    error_message = "developers and CI work inside the permission boundary."
  }
}

run "ci_trusts_only_our_repository" {
  command = plan

  assert {
    condition     = alltrue([for s in jsondecode(aws_iam_role.ci.assume_role_policy).Statement[0].Condition.StringLike["token.actions.githubusercontent.com:sub"] : startswith(s, "repo:example-org/mobile-backend:")])
    error_message = "the CI role must be pinned to the repository."
  }
}

run "analyst_reads_analytics_only" {
  command = plan

  assert {
    condition     = alltrue([for s in jsondecode(aws_iam_role_policy.analyst.policy).Statement : s.Resource != "*"])
    error_message = "the analyst role must not have wildcard resources."
  }
}

run "trail_is_multi_region_encrypted_and_validated" {
  command = plan

  assert {
    condition     = aws_cloudtrail.main.is_multi_region_trail && aws_cloudtrail.main.enable_log_file_validation && aws_cloudtrail.main.kms_key_id == var.logs_kms_key_arn
    error_message = "CloudTrail must be multi-region, encrypted and validated."
  }
}

run "rejects_unpinned_repository" {
  command = plan

  variables {
    github_repository = "*"
  }

  expect_failures = [var.github_repository]
}
