mock_provider "aws" {
  mock_data "aws_region" {
    defaults = { region = "us-east-1" }
  }

  mock_resource "aws_acm_certificate" {
    defaults = {
      domain_validation_options = [{
        domain_name           = "api.example.com"
        resource_record_name  = "_x1.api.example.com."
        resource_record_type  = "CNAME"
        resource_record_value = "_x2.acm-validations.aws."
      }]
    }
  }
}

mock_provider "aws" {
  alias = "dr"

  mock_data "aws_region" {
    defaults = { region = "us-west-2" }
  }

  mock_resource "aws_acm_certificate" {
    defaults = {
      domain_validation_options = [{
        domain_name           = "api.example.com"
        resource_record_name  = "_x1.api.example.com."
        resource_record_type  = "CNAME"
        resource_record_value = "_x2.acm-validations.aws."
      }]
    }
  }
}

variables {
  name_prefix = "mbt-test"
  api_hosts   = { primary = "p123.execute-api.us-east-1.amazonaws.com", dr = "d456.execute-api.us-west-2.amazonaws.com" }
  api_ids     = { primary = "p123", dr = "d456" }
  public_api  = { zone_id = "Z0000000000EXAMPLE", domain_name = "api.example.com" }
  drill = {
    enabled      = true
    function_arn = "arn:aws:lambda:us-east-1:111122223333:function:mbt-test-drill:live"
    rto_minutes  = 30
    rpo_minutes  = 5
  }
}

run "health_checks_probe_each_region" {
  command = plan

  assert {
    condition     = aws_route53_health_check.api["primary"].fqdn == var.api_hosts.primary && aws_route53_health_check.api["dr"].fqdn == var.api_hosts.dr
    error_message = "each region's API needs its own health check."
  }

  assert {
    condition     = alltrue([for c in aws_route53_health_check.api : c.type == "HTTPS" && c.resource_path == "/health"])
    error_message = "health checks must probe GET /health over HTTPS."
  }
}

run "failover_records_primary_then_dr" {
  command = apply

  assert {
    condition     = aws_route53_record.api_primary[0].failover_routing_policy[0].type == "PRIMARY" && aws_route53_record.api_dr[0].failover_routing_policy[0].type == "SECONDARY"
    error_message = "the public name must fail over from the primary to the DR region."
  }

  assert {
    condition     = aws_route53_record.api_primary[0].health_check_id == aws_route53_health_check.api["primary"].id
    error_message = "the primary record must follow the primary health check."
  }

  assert {
    condition     = aws_apigatewayv2_domain_name.api_dr[0].domain_name_configuration[0].security_policy == "TLS_1_2"
    error_message = "regional API domains must require TLS 1.2."
  }
}

run "scheduled_drill_is_non_destructive" {
  command = plan

  assert {
    condition     = jsondecode(aws_scheduler_schedule.drill[0].target[0].input).mode == "non-destructive"
    error_message = "the scheduled drill must never fail over."
  }
}

run "no_public_domain_no_records" {
  command = plan

  variables {
    public_api = null
    drill      = { enabled = false, rto_minutes = 30, rpo_minutes = 5 }
  }

  assert {
    condition     = length(aws_route53_record.api_primary) == 0 && length(aws_scheduler_schedule.drill) == 0
    error_message = "without a domain there are no failover records; without a drill function no schedule."
  }
}

run "undelivered_drill_invocations_reach_the_encrypted_failure_queue" {
  command = apply

  variables {
    drill = {
      enabled                 = true
      function_arn            = "arn:aws:lambda:us-east-1:111122223333:function:mbt-test-drill:live"
      rto_minutes             = 30
      rpo_minutes             = 5
      dead_letter_arn         = "arn:aws:sqs:us-east-1:111122223333:mbt-test-function-failures"
      dead_letter_kms_key_arn = "arn:aws:kms:us-east-1:111122223333:key/3"
    }
  }

  assert {
    condition     = aws_scheduler_schedule.drill[0].target[0].dead_letter_config[0].arn == var.drill.dead_letter_arn
    error_message = "the schedule sends what it cannot deliver to the failure queue."
  }

  assert {
    condition = {
      for st in jsondecode(aws_iam_role_policy.scheduler[0].policy).Statement : st.Sid => st.Resource
      } == {
      InvokeDrill        = var.drill.function_arn
      DeadLetters        = var.drill.dead_letter_arn
      EncryptDeadLetters = var.drill.dead_letter_kms_key_arn
    }
    error_message = "the scheduler may invoke the drill and write to the encrypted failure queue, nothing else."
  }
}

run "drill_failure_alarms_the_alerts_topic" {
  command = plan

  variables {
    drill = {
      enabled         = true
      function_arn    = "arn:aws:lambda:us-east-1:111122223333:function:mbt-test-drill:live"
      schedule        = "rate(1 day)"
      rto_minutes     = 30
      rpo_minutes     = 5
      alarm_topic_arn = "arn:aws:sns:us-east-1:111122223333:mbt-test-alerts"
    }
  }

  assert {
    condition     = aws_cloudwatch_metric_alarm.drill_failed[0].metric_name == "DrillPassed" && aws_cloudwatch_metric_alarm.drill_failed[0].namespace == "MobileBackend" && aws_cloudwatch_metric_alarm.drill_failed[0].dimensions["service"] == "dr-drill"
    error_message = "the alarm must watch the drill's own EMF metric (lambdas/drill: MobileBackend/DrillPassed, service=dr-drill)."
  }

  assert {
    condition     = aws_cloudwatch_metric_alarm.drill_failed[0].statistic == "Minimum" && aws_cloudwatch_metric_alarm.drill_failed[0].comparison_operator == "LessThanThreshold" && aws_cloudwatch_metric_alarm.drill_failed[0].threshold == 1
    error_message = "one failed drill in the period (DrillPassed 0) must alarm."
  }

  assert {
    condition     = aws_cloudwatch_metric_alarm.drill_failed[0].treat_missing_data == "breaching" && contains(aws_cloudwatch_metric_alarm.drill_failed[0].alarm_actions, var.drill.alarm_topic_arn)
    error_message = "a daily drill that stops reporting must alarm, to the alerts topic."
  }
}

run "weekly_drill_missing_days_do_not_alarm" {
  command = plan

  variables {
    drill = {
      enabled         = true
      function_arn    = "arn:aws:lambda:us-east-1:111122223333:function:mbt-test-drill:live"
      rto_minutes     = 30
      rpo_minutes     = 5
      alarm_topic_arn = "arn:aws:sns:us-east-1:111122223333:mbt-test-alerts"
    }
  }

  assert {
    condition     = aws_cloudwatch_metric_alarm.drill_failed[0].treat_missing_data == "notBreaching"
    error_message = "a weekly drill reports once a week: the days between must not alarm."
  }
}

run "no_alarm_without_a_drill" {
  command = plan

  variables {
    drill = {
      enabled     = false
      rto_minutes = 30
      rpo_minutes = 5
    }
  }

  assert {
    condition     = length(aws_cloudwatch_metric_alarm.drill_failed) == 0
    error_message = "no drill function, no drill alarm."
  }
}

run "an_alarm_without_a_topic_has_no_actions" {
  command = plan

  assert {
    condition     = length(aws_cloudwatch_metric_alarm.drill_failed[0].alarm_actions) == 0
    error_message = "without a topic the alarm still exists (ops drill refuses while it fires) but notifies nobody."
  }
}

run "replication_pause_template_for_the_drill" {
  command = plan

  variables {
    fault_injection = {
      table_arns       = ["arn:aws:dynamodb:us-east-1:111122223333:table/mbt-test-app", "arn:aws:dynamodb:us-west-2:111122223333:table/mbt-test-app"]
      media_bucket_arn = "arn:aws:s3:::mbt-test-media-us-east-1"
      dr_region        = "us-west-2"
    }
  }

  assert {
    condition     = toset([for a in aws_fis_experiment_template.replication_pause[0].action : a.action_id]) == toset(["aws:dynamodb:global-table-pause-replication", "aws:s3:bucket-pause-replication"])
    error_message = "the template must pause both the table's and the media bucket's replication."
  }

  assert {
    condition     = aws_fis_experiment_template.replication_pause[0].tags["mbt:drill-fault"] == "replication-pause" && startswith(aws_fis_experiment_template.replication_pause[0].tags["Name"], var.name_prefix)
    error_message = "ops drill finds the template by its mbt:drill-fault tag and its Name prefix."
  }

  assert {
    condition     = toset([for t in aws_fis_experiment_template.replication_pause[0].target : t.resource_type]) == toset(["aws:dynamodb:global-table", "aws:s3:bucket"])
    error_message = "targets must be the global table and the media bucket."
  }
}

run "fault_injection_duration_is_bounded" {
  command = plan

  variables {
    fault_injection = {
      table_arns       = ["arn:aws:dynamodb:us-east-1:111122223333:table/mbt-test-app"]
      media_bucket_arn = "arn:aws:s3:::mbt-test-media-us-east-1"
      dr_region        = "us-west-2"
      duration         = "PT13H"
    }
  }

  expect_failures = [var.fault_injection]
}
