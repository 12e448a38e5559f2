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
    condition     = alltrue([for s in jsondecode(aws_iam_role.ci.assume_role_policy).Statement[0].Condition.StringEquals["token.actions.githubusercontent.com:sub"] : startswith(s, "repo:example-org/mobile-backend:")])
    error_message = "the CI role must be pinned to the repository."
  }
}

# Review finding 2: environment:* let any GitHub environment (anyone who can create one) deploy.
run "ci_trusts_the_branch_and_listed_environments_only" {
  command = apply

  variables {
    github_environments = ["prod"]
  }

  assert {
    condition = jsondecode(aws_iam_role.ci.assume_role_policy).Statement[0].Condition.StringEquals["token.actions.githubusercontent.com:sub"] == [
      "repo:example-org/mobile-backend:ref:refs/heads/main",
      "repo:example-org/mobile-backend:environment:prod",
    ]
    error_message = "the CI role must trust exactly the main branch and the listed environments."
  }

  assert {
    condition     = !can(jsondecode(aws_iam_role.ci.assume_role_policy).Statement[0].Condition.StringLike)
    error_message = "no wildcard (StringLike) subject may remain in the CI trust."
  }
}

run "rejects_wildcard_environment" {
  command = plan

  variables {
    github_environments = ["*"]
  }

  expect_failures = [var.github_environments]
}

# Review finding 15: MFA alone let any MFA'd identity of the account assume admin.
run "job_roles_trust_only_their_job_function_tag" {
  command = apply

  assert {
    condition = alltrue([for pair in [[aws_iam_role.admin, "admin"], [aws_iam_role.developer, "developer"], [aws_iam_role.read_only, "read-only"], [aws_iam_role.analyst, "analyst"]] :
    jsondecode(pair[0].assume_role_policy).Statement[0].Condition.StringEquals["aws:PrincipalTag/job-function"] == pair[1]])
    error_message = "each job role must require the matching job-function principal tag."
  }
}

# Review findings 2-4: the boundary stops escalation and audit tampering, yet lets CI's Terraform apply.
run "boundary_denies_escalation_and_tampering" {
  command = apply

  assert {
    condition     = local.boundary_by_sid["DenyRolesWithoutThisBoundary"].Condition.StringNotEquals["iam:PermissionsBoundary"] == "arn:aws:iam::111122223333:policy/mbt-test-developer-boundary"
    error_message = "roles may only be created or granted policies with this boundary attached."
  }

  assert {
    condition     = alltrue([for a in ["iam:CreateRole", "iam:PutRolePolicy", "iam:AttachRolePolicy", "iam:PutRolePermissionsBoundary"] : contains(local.boundary_by_sid["DenyRolesWithoutThisBoundary"].Action, a)])
    error_message = "CreateRole, PutRolePolicy, AttachRolePolicy and PutRolePermissionsBoundary need the boundary."
  }

  assert {
    condition     = contains(local.boundary_by_sid["DenyBoundaryRemoval"].Action, "iam:DeleteRolePermissionsBoundary") && !can(local.boundary_by_sid["DenyBoundaryRemoval"].Condition)
    error_message = "nobody, CI included, may remove a role's boundary."
  }

  assert {
    condition     = contains(local.boundary_by_sid["DenyJobRoleTrustChange"].Resource, "arn:aws:iam::111122223333:role/mbt-test-admin") && contains(local.boundary_by_sid["DenyJobRoleTrustChange"].Resource, "arn:aws:iam::111122223333:role/mbt-test-ci")
    error_message = "the job roles' trust may not be changed from inside the boundary."
  }

  assert {
    condition = alltrue([for sid in ["DenyBoundaryChange", "DenyTrailTampering", "DenyTrailBucketTampering", "DenyTrailLogGroupTampering", "DenyKeyTampering"] :
    local.boundary_by_sid[sid].Condition.ArnNotEquals["aws:PrincipalArn"] == "arn:aws:iam::111122223333:role/mbt-test-ci"])
    error_message = "only the CI role (Terraform) is exempt from the trail, key and boundary denies, so apply and destroy work."
  }

  assert {
    condition     = local.boundary_by_sid["DenyKeyTampering"].Resource == "arn:aws:kms:*:111122223333:key/*" && contains(local.boundary_by_sid["DenyKeyTampering"].Action, "kms:ScheduleKeyDeletion")
    error_message = "no developer may schedule deletion of, disable or re-police any key of the account."
  }

  assert {
    condition     = contains(local.boundary_by_sid["DenyTrailLogDeletion"].Action, "s3:DeleteObjectVersion") && contains(local.boundary_by_sid["DenyTrailBucketTampering"].Action, "s3:PutLifecycleConfiguration") && contains(local.boundary_by_sid["DenyTrailLogGroupTampering"].Action, "logs:DeleteLogGroup")
    error_message = "trail log versions, the trail bucket's policy and lifecycle, and the trail log group are protected."
  }

  assert {
    condition     = aws_iam_role.trail_logs[0].permissions_boundary == aws_iam_policy.developer_boundary.arn
    error_message = "the module's own service role carries the boundary (CI may create no other)."
  }
}

# Review finding 5: a second env in the same account must neither recreate the OIDC provider nor the trail.
run "second_env_in_the_account_creates_no_singletons" {
  command = apply

  variables {
    account_singletons = { github_oidc_provider = false, cloudtrail = false }
  }

  assert {
    condition     = length(aws_iam_openid_connect_provider.github) == 0 && length(data.aws_iam_openid_connect_provider.github) == 1
    error_message = "without the singleton the OIDC provider is looked up, not created."
  }

  assert {
    condition     = jsondecode(aws_iam_role.ci.assume_role_policy).Statement[0].Principal.Federated == data.aws_iam_openid_connect_provider.github[0].arn
    error_message = "the CI role trusts the looked-up provider."
  }

  assert {
    condition     = length(aws_cloudtrail.main) == 0 && output.trail_arn == null
    error_message = "only the env owning the account's trail creates it."
  }

  assert {
    condition     = !can(local.boundary_by_sid["DenyTrailTampering"].Condition)
    error_message = "a CI role that does not own the trail is not exempt from the trail denies."
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
    condition     = aws_cloudtrail.main[0].is_multi_region_trail && aws_cloudtrail.main[0].enable_log_file_validation && aws_cloudtrail.main[0].kms_key_id == var.logs_kms_key_arn
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
