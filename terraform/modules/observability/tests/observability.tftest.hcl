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
  name_prefix  = "mbt-test"
  site         = "primary"
  kms_key_arn  = "arn:aws:kms:us-east-1:111122223333:key/1"
  alert_emails = ["oncall@example.com"]
  thresholds = {
    api_5xx_rate_percent   = 1
    api_latency_p99_ms     = 1000
    lambda_errors          = 5
    replication_latency_ms = 60000
    dlq_depth              = 1
    monthly_spend_usd      = 100
  }
  api_id             = "abc123"
  function_names     = { mobile_api = "mbt-test-mobile-api", notify_worker = "mbt-test-notify-worker" }
  dead_letter_queues = { notify = "mbt-test-notify-dlq", functions = "mbt-test-function-failures" }
  table_name         = "mbt-test-main"
  dr_region          = "us-west-2"
  replication        = { source_bucket = "src", destination_bucket = "dst", rule_id = "media-to-dr" }
}

run "primary_alarms_cover_the_requirements" {
  command = plan

  assert {
    condition = alltrue([for k in [
      "api-latency-p99", "table-throttles-read", "table-throttles-write", "table-replication-latency",
      "s3-replication-failures", "dlq-depth-notify", "dlq-depth-functions", "lambda-errors-mobile_api",
      "lambda-throttles-notify_worker",
    ] : contains(keys(aws_cloudwatch_metric_alarm.simple), k)])
    error_message = "API, Lambda, DynamoDB, replication and DLQ alarms must all exist."
  }

  assert {
    condition     = length(aws_budgets_budget.monthly) == 1
    error_message = "the primary site watches spend."
  }
}

# Review finding 5: an unfiltered budget measures the whole account, every env at once.
run "budget_measures_this_env_only" {
  command = plan

  assert {
    condition     = one(aws_budgets_budget.monthly[0].cost_filter).name == "TagKeyValue" && one(aws_budgets_budget.monthly[0].cost_filter).values == tolist(["user:env$test"])
    error_message = "the budget must filter on the env tag (user:env$<env>)."
  }
}

# Review findings 13-14: budgets alert the topic too; only this account's alarms and budgets may publish.
run "budget_alerts_reach_the_topic_and_publishers_are_this_account" {
  command = apply

  assert {
    condition     = alltrue([for n in aws_budgets_budget.monthly[0].notification : contains(n.subscriber_sns_topic_arns, aws_sns_topic.alerts.arn)])
    error_message = "every budget notification must go to the alerts topic."
  }

  assert {
    condition = alltrue([for st in jsondecode(aws_sns_topic_policy.alerts.policy).Statement : st.Effect == "Deny" || (
      st.Condition.StringEquals["aws:SourceAccount"] == "111122223333" && can(st.Condition.ArnLike["aws:SourceArn"])
    )])
    error_message = "service publishers must be bound to this account and its alarm/budget ARNs."
  }

  assert {
    condition     = contains([for st in jsondecode(aws_sns_topic_policy.alerts.policy).Statement : st.Principal.Service if st.Effect == "Allow"], "budgets.amazonaws.com")
    error_message = "AWS Budgets must be allowed to publish to the primary alerts topic."
  }
}

run "replication_latency_watches_the_dr_region" {
  command = plan

  assert {
    condition     = aws_cloudwatch_metric_alarm.simple["table-replication-latency"].dimensions["ReceivingRegion"] == "us-west-2"
    error_message = "replication latency must be measured towards the DR region."
  }
}

run "dlq_alarm_fires_on_the_first_dead_letter" {
  command = plan

  assert {
    condition     = aws_cloudwatch_metric_alarm.simple["dlq-depth-notify"].threshold == 0 && aws_cloudwatch_metric_alarm.simple["dlq-depth-notify"].comparison_operator == "GreaterThanThreshold"
    error_message = "one dead letter must raise the alarm when dlq_depth = 1."
  }
}

run "dr_site_skips_account_wide_alarms" {
  command = plan

  variables {
    site        = "dr"
    replication = { source_bucket = "dst", destination_bucket = "src", rule_id = "media-to-primary" }
  }

  assert {
    condition     = length(aws_budgets_budget.monthly) == 0 && !contains(keys(aws_cloudwatch_metric_alarm.simple), "table-replication-latency")
    error_message = "spend and table replication are watched from the primary only."
  }

  assert {
    condition     = aws_cloudwatch_metric_alarm.simple["s3-replication-failures"].dimensions["RuleId"] == "media-to-primary"
    error_message = "the DR site watches fail-back replication."
  }
}

run "rejects_bad_email" {
  command = plan

  variables {
    alert_emails = ["not-an-email"]
  }

  expect_failures = [var.alert_emails]
}
