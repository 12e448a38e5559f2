# The whole composition under mock providers: both regions wired, the contract output complete.
mock_provider "aws" {
  mock_data "aws_region" {
    defaults = { region = "us-east-1" }
  }
  mock_data "aws_caller_identity" {
    defaults = { account_id = "111122223333" }
  }
}

mock_provider "aws" {
  alias = "dr"

  mock_data "aws_region" {
    defaults = { region = "us-west-2" }
  }
  mock_data "aws_caller_identity" {
    defaults = { account_id = "111122223333" }
  }
}

variables {
  env                  = "dev"
  owner                = "platform-team"
  lambda_manifest_path = "tests/fixtures/manifest.json"
  api                  = { rate_limit = 10, burst_limit = 20 }
  alerts               = { emails = ["oncall@example.com"] }
  dr                   = { rto_minutes = 30, rpo_minutes = 5 }
  dns                  = { zone_id = "Z0000000000EXAMPLE", domain = "dev.example.com" }
  access               = { github_repository = "example-org/mobile-backend-toolkit" }
}

run "stack_outputs_follow_the_contract" {
  command = plan

  assert {
    condition = toset(keys(output.stack_outputs)) == toset([
      "env", "primary_region", "dr_region", "endpoint_url", "api", "auth", "table", "media",
      "notifications", "analytics", "dr", "alerts_topic_arn",
    ])
    error_message = "stack_outputs must have exactly the contract's top-level keys."
  }

  assert {
    condition     = output.stack_outputs.endpoint_url == null && output.stack_outputs.api.public == "https://api.dev.example.com"
    error_message = "in AWS endpoint_url is null and the public API is the failover name."
  }
}

run "both_regions_serve_and_the_drill_is_scheduled" {
  command = plan

  assert {
    condition     = length(module.api_dr.routes) == 13 && length(module.api_primary.routes) == 13
    error_message = "both regions serve every route."
  }

  assert {
    condition     = module.dr.drill_schedule_name == "mbt-dev-dr-drill"
    error_message = "a built drill function gets its non-destructive schedule."
  }
}

run "force_destroy_only_in_dev" {
  command = plan

  variables {
    env     = "prod"
    storage = { force_destroy = true }
  }

  expect_failures = [var.storage]
}
