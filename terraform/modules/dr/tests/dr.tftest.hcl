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
