mock_provider "aws" {
  mock_data "aws_caller_identity" {
    defaults = { account_id = "111122223333" }
  }
  mock_data "aws_partition" {
    defaults = { partition = "aws" }
  }
  mock_resource "aws_kms_key" {
    defaults = { arn = "arn:aws:kms:us-east-1:111122223333:key/00000000-0000-0000-0000-000000000001" }
  }
  mock_resource "aws_kms_alias" {
    defaults = { arn = "arn:aws:kms:us-east-1:111122223333:alias/mbt-tfstate" }
  }
}

variables {
  owner = "platform-team"
}

run "state_bucket_is_versioned_encrypted_and_private" {
  command = plan

  assert {
    condition     = module.bucket.id == "mbt-tfstate-111122223333-us-east-1"
    error_message = "the bucket name must follow <project>-tfstate-<account>-<region>."
  }

  assert {
    condition     = aws_kms_key.state.enable_key_rotation
    error_message = "the state key must rotate."
  }
}

# Review finding 6: encrypt = true alone let state fall back to the bucket default or another key.
run "state_writes_must_use_the_state_key" {
  command = apply

  assert {
    condition = one([for st in jsondecode(module.bucket.policy).Statement : st if st.Sid == "DenyWritesWithoutTheStateKey"]).Condition.StringNotEquals["s3:x-amz-server-side-encryption-aws-kms-key-id"] == [
      aws_kms_key.state.arn, "arn:aws:kms:us-east-1:111122223333:alias/mbt-tfstate",
    ]
    error_message = "PutObject must be denied unless it names the state key (by ARN or alias ARN)."
  }

  assert {
    condition     = one([for st in jsondecode(module.bucket.policy).Statement : st if st.Sid == "DenyWritesWithoutTheStateKey"]).Effect == "Deny"
    error_message = "the state-key statement must deny."
  }

  assert {
    condition     = strcontains(output.backend_config, "kms_key_id")
    error_message = "the backend lines must name the state key."
  }
}

run "rejects_short_state_history" {
  command = plan

  variables {
    noncurrent_state_days = 7
  }

  expect_failures = [var.noncurrent_state_days]
}

run "shared_account_layout_creates_the_github_oidc_provider_once" {
  command = plan

  variables {
    account_layout = "shared"
  }

  assert {
    condition     = length(aws_iam_openid_connect_provider.github) == 1
    error_message = "with all envs in one account, the bootstrap root creates the OIDC provider every env looks up."
  }
}

run "per_env_account_layout_leaves_the_provider_to_the_env" {
  command = plan

  assert {
    condition     = length(aws_iam_openid_connect_provider.github) == 0
    error_message = "with one account per env, each env creates its own OIDC provider."
  }
}
