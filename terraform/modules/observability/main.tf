data "aws_region" "current" {}

data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}

locals {
  region     = data.aws_region.current.region
  account_id = data.aws_caller_identity.current.account_id
  partition  = data.aws_partition.current.partition
  # <project>-<env>: the project name has no hyphen, so the env is the last part.
  env_name   = coalesce(var.env_name, regex("[^-]+$", var.name_prefix))
  prefix     = "${var.name_prefix}-${var.site}"
  is_primary = var.site == "primary"

  # Simple threshold alarms: name -> metric. Metric-math alarms (API 5xx rate) are declared separately.
  simple_alarms = merge(
    {
      api-latency-p99 = {
        description = "API p99 latency above ${var.thresholds.api_latency_p99_ms} ms"
        namespace   = "AWS/ApiGateway"
        metric      = "Latency"
        dimensions  = { ApiId = var.api_id, Stage = "$default" }
        extended    = "p99"
        statistic   = null
        threshold   = var.thresholds.api_latency_p99_ms
      }
      table-throttles-read = {
        description = "DynamoDB read throttling"
        namespace   = "AWS/DynamoDB"
        metric      = "ReadThrottleEvents"
        dimensions  = { TableName = var.table_name }
        extended    = null
        statistic   = "Sum"
        threshold   = 0
      }
      table-throttles-write = {
        description = "DynamoDB write throttling"
        namespace   = "AWS/DynamoDB"
        metric      = "WriteThrottleEvents"
        dimensions  = { TableName = var.table_name }
        extended    = null
        statistic   = "Sum"
        threshold   = 0
      }
    },
    { for k, fn in var.function_names : "lambda-errors-${k}" => {
      description = "${fn} errors above ${var.thresholds.lambda_errors} per 5 minutes"
      namespace   = "AWS/Lambda"
      metric      = "Errors"
      dimensions  = { FunctionName = fn }
      extended    = null
      statistic   = "Sum"
      threshold   = var.thresholds.lambda_errors
    } },
    { for k, fn in var.function_names : "lambda-throttles-${k}" => {
      description = "${fn} throttled"
      namespace   = "AWS/Lambda"
      metric      = "Throttles"
      dimensions  = { FunctionName = fn }
      extended    = null
      statistic   = "Sum"
      threshold   = 0
    } },
    { for k, queue in var.dead_letter_queues : "dlq-depth-${k}" => {
      description = "Messages waiting in ${queue}: inspect, fix, then redrive"
      namespace   = "AWS/SQS"
      metric      = "ApproximateNumberOfMessagesVisible"
      dimensions  = { QueueName = queue }
      extended    = null
      statistic   = "Maximum"
      threshold   = var.thresholds.dlq_depth - 1
    } },
    local.is_primary ? {
      table-replication-latency = {
        description = "Global table replication to ${var.dr_region} slower than ${var.thresholds.replication_latency_ms} ms (RPO at risk)"
        namespace   = "AWS/DynamoDB"
        metric      = "ReplicationLatency"
        dimensions  = { TableName = var.table_name, ReceivingRegion = var.dr_region }
        extended    = null
        statistic   = "Average"
        threshold   = var.thresholds.replication_latency_ms
      }
    } : {},
    var.replication != null ? {
      s3-replication-failures = {
        description = "Objects failing to replicate from ${var.replication.source_bucket} to ${var.replication.destination_bucket}"
        namespace   = "AWS/S3"
        metric      = "OperationsFailedReplication"
        dimensions  = { SourceBucket = var.replication.source_bucket, DestinationBucket = var.replication.destination_bucket, RuleId = var.replication.rule_id }
        extended    = null
        statistic   = "Sum"
        threshold   = 0
      }
    } : {},
  )
}

resource "aws_sns_topic" "alerts" {
  name              = "${var.name_prefix}-alerts"
  kms_master_key_id = var.kms_key_arn
}

# Only this account's alarms (and, at the primary site, its budgets) may publish; TLS only.
resource "aws_sns_topic_policy" "alerts" {
  arn = aws_sns_topic.alerts.arn
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = concat(
      [{
        Sid       = "CloudWatchAlarmsPublish"
        Effect    = "Allow"
        Principal = { Service = "cloudwatch.amazonaws.com" }
        Action    = "sns:Publish"
        Resource  = aws_sns_topic.alerts.arn
        Condition = {
          StringEquals = { "aws:SourceAccount" = local.account_id }
          ArnLike      = { "aws:SourceArn" = "arn:${local.partition}:cloudwatch:${local.region}:${local.account_id}:alarm:*" }
        }
      }],
      local.is_primary ? [{
        Sid       = "BudgetsPublish"
        Effect    = "Allow"
        Principal = { Service = "budgets.amazonaws.com" }
        Action    = "sns:Publish"
        Resource  = aws_sns_topic.alerts.arn
        Condition = {
          StringEquals = { "aws:SourceAccount" = local.account_id }
          ArnLike      = { "aws:SourceArn" = "arn:${local.partition}:budgets::${local.account_id}:*" }
        }
      }] : [],
      [{
        Sid       = "DenyInsecureTransport"
        Effect    = "Deny"
        Principal = "*"
        Action    = "sns:Publish"
        Resource  = aws_sns_topic.alerts.arn
        Condition = { Bool = { "aws:SecureTransport" = "false" } }
      }],
    )
  })
}

resource "aws_sns_topic_subscription" "email" {
  for_each = toset(var.alert_emails)

  topic_arn = aws_sns_topic.alerts.arn
  protocol  = "email"
  endpoint  = each.key
}

resource "aws_cloudwatch_metric_alarm" "simple" {
  for_each = local.simple_alarms

  alarm_name          = "${local.prefix}-${each.key}"
  alarm_description   = each.value.description
  namespace           = each.value.namespace
  metric_name         = each.value.metric
  dimensions          = each.value.dimensions
  statistic           = each.value.statistic
  extended_statistic  = each.value.extended
  period              = 300
  evaluation_periods  = 2
  datapoints_to_alarm = 2
  threshold           = each.value.threshold
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = [aws_sns_topic.alerts.arn]
  ok_actions          = [aws_sns_topic.alerts.arn]
}

resource "aws_cloudwatch_metric_alarm" "api_5xx_rate" {
  alarm_name          = "${local.prefix}-api-5xx-rate"
  alarm_description   = "API 5xx responses above ${var.thresholds.api_5xx_rate_percent}% of requests"
  evaluation_periods  = 2
  datapoints_to_alarm = 2
  threshold           = var.thresholds.api_5xx_rate_percent
  comparison_operator = "GreaterThanThreshold"
  treat_missing_data  = "notBreaching"
  alarm_actions       = [aws_sns_topic.alerts.arn]
  ok_actions          = [aws_sns_topic.alerts.arn]

  metric_query {
    id          = "rate"
    expression  = "IF(requests > 0, 100 * errors / requests, 0)"
    label       = "5xx rate (%)"
    return_data = true
  }

  metric_query {
    id = "errors"
    metric {
      namespace   = "AWS/ApiGateway"
      metric_name = "5xx"
      dimensions  = { ApiId = var.api_id, Stage = "$default" }
      period      = 300
      stat        = "Sum"
    }
  }

  metric_query {
    id = "requests"
    metric {
      namespace   = "AWS/ApiGateway"
      metric_name = "Count"
      dimensions  = { ApiId = var.api_id, Stage = "$default" }
      period      = 300
      stat        = "Sum"
    }
  }
}

# Spend of this env only (cost filter on the env tag, activated as a cost allocation tag; see README),
# watched once at the primary site; alerts go by e-mail and to the alerts topic.
resource "aws_budgets_budget" "monthly" {
  count = local.is_primary ? 1 : 0

  name         = "${var.name_prefix}-monthly"
  budget_type  = "COST"
  limit_amount = tostring(var.thresholds.monthly_spend_usd)
  limit_unit   = "USD"
  time_unit    = "MONTHLY"

  cost_filter {
    name   = "TagKeyValue"
    values = [format("user:%s$%s", var.env_tag_key, local.env_name)]
  }

  notification {
    comparison_operator        = "GREATER_THAN"
    threshold                  = 80
    threshold_type             = "PERCENTAGE"
    notification_type          = "FORECASTED"
    subscriber_email_addresses = var.alert_emails
    subscriber_sns_topic_arns  = [aws_sns_topic.alerts.arn]
  }

  notification {
    comparison_operator        = "GREATER_THAN"
    threshold                  = 100
    threshold_type             = "PERCENTAGE"
    notification_type          = "ACTUAL"
    subscriber_email_addresses = var.alert_emails
    subscriber_sns_topic_arns  = [aws_sns_topic.alerts.arn]
  }

  # Budgets must be allowed to publish before it validates the subscriber.
  depends_on = [aws_sns_topic_policy.alerts]
}

resource "aws_cloudwatch_dashboard" "main" {
  dashboard_name = "${local.prefix}-overview"
  dashboard_body = jsonencode({
    widgets = concat(
      [
        {
          type = "metric", x = 0, y = 0, width = 12, height = 6
          properties = {
            title   = "API requests and errors (${local.region})"
            region  = local.region
            stat    = "Sum"
            period  = 300
            metrics = [for m in ["Count", "4xx", "5xx"] : ["AWS/ApiGateway", m, "ApiId", var.api_id, "Stage", "$default"]]
          }
        },
        {
          type = "metric", x = 12, y = 0, width = 12, height = 6
          properties = {
            title   = "API latency p50/p99 (ms)"
            region  = local.region
            period  = 300
            metrics = [for s in ["p50", "p99"] : ["AWS/ApiGateway", "Latency", "ApiId", var.api_id, "Stage", "$default", { stat = s }]]
          }
        },
        {
          type = "metric", x = 0, y = 6, width = 12, height = 6
          properties = {
            title   = "Lambda errors and throttles"
            region  = local.region
            stat    = "Sum"
            period  = 300
            metrics = flatten([for fn in values(var.function_names) : [["AWS/Lambda", "Errors", "FunctionName", fn], ["AWS/Lambda", "Throttles", "FunctionName", fn]]])
          }
        },
        {
          type = "metric", x = 12, y = 6, width = 12, height = 6
          properties = {
            title   = "Dead letters"
            region  = local.region
            stat    = "Maximum"
            period  = 300
            metrics = [for q in values(var.dead_letter_queues) : ["AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName", q]]
          }
        },
      ],
      local.is_primary ? [
        {
          type = "metric", x = 0, y = 12, width = 24, height = 6
          properties = {
            title   = "Replication to ${var.dr_region}: table latency (ms)"
            region  = local.region
            stat    = "Average"
            period  = 300
            metrics = [["AWS/DynamoDB", "ReplicationLatency", "TableName", var.table_name, "ReceivingRegion", var.dr_region]]
          }
        },
      ] : [],
    )
  })
}
