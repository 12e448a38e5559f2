resource "aws_iam_role" "scheduler" {
  count = var.drill.enabled ? 1 : 0

  name                 = "${var.name_prefix}-drill-scheduler"
  permissions_boundary = var.permissions_boundary_arn
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "scheduler.amazonaws.com" }
      Action    = "sts:AssumeRole"
    }]
  })
}

resource "aws_iam_role_policy" "scheduler" {
  count = var.drill.enabled ? 1 : 0

  name = "invoke-drill"
  role = aws_iam_role.scheduler[0].id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = concat(
      [{
        Sid      = "InvokeDrill"
        Effect   = "Allow"
        Action   = "lambda:InvokeFunction"
        Resource = var.drill.function_arn
      }],
      var.drill.dead_letter_arn == null ? [] : [{
        Sid      = "DeadLetters"
        Effect   = "Allow"
        Action   = "sqs:SendMessage"
        Resource = var.drill.dead_letter_arn
      }],
      # Sending to an SSE-KMS queue takes a data key from the queue's key.
      var.drill.dead_letter_arn == null || var.drill.dead_letter_kms_key_arn == null ? [] : [{
        Sid      = "EncryptDeadLetters"
        Effect   = "Allow"
        Action   = ["kms:GenerateDataKey", "kms:Decrypt"]
        Resource = var.drill.dead_letter_kms_key_arn
      }],
    )
  })
}

# The scheduled drill never fails over: it checks replication and measures RPO with canary writes only.
resource "aws_scheduler_schedule" "drill" {
  #checkov:skip=CKV_AWS_297:the schedule holds only the drill mode and the RTO/RPO targets, nothing confidential
  count = var.drill.enabled ? 1 : 0

  name                = "${var.name_prefix}-dr-drill"
  description         = "Non-destructive DR drill: preflight + RPO canary, report against RTO/RPO targets."
  schedule_expression = var.drill.schedule

  flexible_time_window {
    mode                      = "FLEXIBLE"
    maximum_window_in_minutes = 60
  }

  target {
    arn      = var.drill.function_arn
    role_arn = aws_iam_role.scheduler[0].arn
    input = jsonencode({
      mode        = "non-destructive"
      rto_minutes = var.drill.rto_minutes
      rpo_minutes = var.drill.rpo_minutes
    })

    retry_policy {
      maximum_retry_attempts       = 2
      maximum_event_age_in_seconds = 3600
    }

    dynamic "dead_letter_config" {
      for_each = var.drill.dead_letter_arn == null ? [] : [var.drill.dead_letter_arn]
      content {
        arn = dead_letter_config.value
      }
    }
  }
}
