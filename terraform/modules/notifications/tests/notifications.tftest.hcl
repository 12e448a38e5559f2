mock_provider "aws" {
  mock_resource "aws_sqs_queue" {
    defaults = { arn = "arn:aws:sqs:us-east-1:111122223333:mbt-test-notify-dlq" }
  }
}

variables {
  name_prefix = "mbt-test"
  kms_key_arn = "arn:aws:kms:us-east-1:111122223333:key/00000000-0000-0000-0000-000000000001"
}

run "queue_redrives_to_dlq_and_is_encrypted" {
  command = apply

  assert {
    condition     = jsondecode(aws_sqs_queue.notify.redrive_policy).deadLetterTargetArn == aws_sqs_queue.notify_dlq.arn
    error_message = "the queue must redrive to its dead-letter queue."
  }

  assert {
    condition     = aws_sqs_queue.notify.kms_master_key_id == var.kms_key_arn && aws_sqs_queue.notify_dlq.kms_master_key_id == var.kms_key_arn
    error_message = "both queues must be encrypted with the customer-managed key."
  }
}

run "no_platform_applications_without_credentials" {
  command = plan

  assert {
    condition     = length(aws_sns_platform_application.apns) == 0 && length(aws_sns_platform_application.fcm) == 0
    error_message = "platform applications need credentials."
  }
}

run "platform_applications_from_sensitive_credentials" {
  command = plan

  variables {
    apns                     = { signing_key = "-----BEGIN PRIVATE KEY-----test", key_id = "ABC123", team_id = "TEAM123", bundle_id = "com.example.app" }
    fcm_service_account_json = "{\"type\": \"service_account\"}"
  }

  assert {
    condition     = aws_sns_platform_application.apns[0].platform == "APNS" && aws_sns_platform_application.fcm[0].platform == "GCM"
    error_message = "APNs and FCM applications must both be created."
  }
}

run "rejects_short_visibility_timeout" {
  command = plan

  variables {
    visibility_timeout_seconds = 5
  }

  expect_failures = [var.visibility_timeout_seconds]
}
