resource "aws_sqs_queue" "notify_dlq" {
  name                              = "${var.name_prefix}-notify-dlq"
  kms_master_key_id                 = var.kms_key_arn
  kms_data_key_reuse_period_seconds = 300
  message_retention_seconds         = var.dlq_retention_seconds
}

resource "aws_sqs_queue" "notify" {
  name                              = "${var.name_prefix}-notify"
  kms_master_key_id                 = var.kms_key_arn
  kms_data_key_reuse_period_seconds = 300
  visibility_timeout_seconds        = var.visibility_timeout_seconds
  receive_wait_time_seconds         = 20
  redrive_policy = jsonencode({
    deadLetterTargetArn = aws_sqs_queue.notify_dlq.arn
    maxReceiveCount     = var.max_receive_count
  })
}

# Only the main queue may move messages into the dead-letter queue, and back by redrive.
resource "aws_sqs_queue_redrive_allow_policy" "notify_dlq" {
  queue_url = aws_sqs_queue.notify_dlq.id
  redrive_allow_policy = jsonencode({
    redrivePermission = "byQueue"
    sourceQueueArns   = [aws_sqs_queue.notify.arn]
  })
}

# Credentials come from sensitive variables (tfvars kept out of git or TF_VAR_*); no output exposes them.
resource "aws_sns_platform_application" "apns" {
  count = var.apns != null ? 1 : 0

  name                     = "${var.name_prefix}-apns"
  platform                 = var.apns.sandbox ? "APNS_SANDBOX" : "APNS"
  platform_credential      = var.apns.signing_key
  platform_principal       = var.apns.key_id
  apple_platform_team_id   = var.apns.team_id
  apple_platform_bundle_id = var.apns.bundle_id
}

resource "aws_sns_platform_application" "fcm" {
  count = var.fcm_service_account_json != null ? 1 : 0

  name                = "${var.name_prefix}-fcm"
  platform            = "GCM"
  platform_credential = var.fcm_service_account_json
}
