mock_provider "aws" {
  mock_data "aws_caller_identity" {
    defaults = { account_id = "111122223333" }
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

run "rejects_short_state_history" {
  command = plan

  variables {
    noncurrent_state_days = 7
  }

  expect_failures = [var.noncurrent_state_days]
}
