# The scheduled drill reports DrillPassed (1/0) as an EMF metric (lambdas/drill: namespace MobileBackend,
# dimension service=dr-drill). A failed drill alarms (to the alerts topic when one is given); so does a day
# without any report while drills are scheduled daily or more often. Weekly schedules leave missing days
# not breaching.
locals {
  drill_alarm              = var.drill.enabled && var.drill.alarm_topic_arn != null
  drill_runs_daily_at_most = can(regex("^rate\\((1 day|[0-9]+ (hour|hours|minute|minutes))\\)$", var.drill.schedule))
}

resource "aws_cloudwatch_metric_alarm" "drill_failed" {
  count = var.drill.enabled ? 1 : 0

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
  # Without a topic the alarm still shows, and `ops drill run` refuses while it is in ALARM.
  alarm_actions = var.drill.alarm_topic_arn == null ? [] : [var.drill.alarm_topic_arn]
  ok_actions    = var.drill.alarm_topic_arn == null ? [] : [var.drill.alarm_topic_arn]
}
