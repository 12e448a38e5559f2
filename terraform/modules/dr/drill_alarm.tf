# The scheduled drill reports DrillPassed (1/0) as an EMF metric (lambdas/drill: namespace MobileBackend,
# dimension service=dr-drill). A failed drill alarms to the alerts topic; so does a day without any report
# while drills are scheduled daily or more often. Weekly schedules leave missing days not breaching.
locals {
  drill_alarm              = var.drill.enabled && var.drill.alarm_topic_arn != null
  drill_runs_daily_at_most = can(regex("^rate\\((1 day|[0-9]+ (hour|hours|minute|minutes))\\)$", var.drill.schedule))
}

resource "aws_cloudwatch_metric_alarm" "drill_failed" {
  count = local.drill_alarm ? 1 : 0

  alarm_name          = "${var.name_prefix}-dr-drill-failed"
  alarm_description   = "The scheduled DR drill failed a check (DrillPassed 0): see the drill function's log for the report."
  namespace           = "MobileBackend"
  metric_name         = "DrillPassed"
  dimensions          = { service = "dr-drill" }
  statistic           = "Minimum"
  period              = 86400
  evaluation_periods  = 1
  threshold           = 1
  comparison_operator = "LessThanThreshold"
  treat_missing_data  = local.drill_runs_daily_at_most ? "breaching" : "notBreaching"
  alarm_actions       = [var.drill.alarm_topic_arn]
  ok_actions          = [var.drill.alarm_topic_arn]

  lifecycle {
    # A precondition, not a variable validation: an unknown topic ARN in a validation would make the
    # whole `drill` object unknown at plan time, and with it this resource's count.
    precondition {
      condition     = var.drill.alarm_topic_arn != null
      error_message = "drill.alarm needs drill.alarm_topic_arn (the topic the DrillPassed alarm notifies)."
    }
  }
}
