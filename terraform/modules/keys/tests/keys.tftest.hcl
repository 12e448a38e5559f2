mock_provider "aws" {
  mock_data "aws_region" {
    defaults = { region = "us-east-1" }
  }
}

mock_provider "aws" {
  alias = "dr"

  mock_data "aws_region" {
    defaults = { region = "us-west-2" }
  }
}

variables {
  name_prefix = "mbt-test"
}

run "replicated_data_uses_multi_region_keys_with_replicas_in_dr" {
  command = plan

  assert {
    condition     = alltrue([for k in ["data", "media"] : aws_kms_key.replicated[k].multi_region])
    error_message = "data and media keys must be multi-Region primaries."
  }

  assert {
    condition     = length(aws_kms_replica_key.replicated) == length(var.replicated_keys)
    error_message = "every replicated purpose needs a replica key in the DR region."
  }
}

run "every_key_rotates" {
  command = plan

  assert {
    condition = alltrue(concat(
      [for key in aws_kms_key.replicated : key.enable_key_rotation],
      [for key in aws_kms_key.regional_primary : key.enable_key_rotation],
      [for key in aws_kms_key.regional_dr : key.enable_key_rotation],
    ))
    error_message = "every customer-managed key must rotate."
  }
}

run "key_policy_scopes_services_to_the_account" {
  command = plan

  assert {
    condition     = jsondecode(aws_kms_key.regional_primary["logs"].policy).Statement[1].Condition.StringEquals["aws:SourceAccount"] != null
    error_message = "service principals must be scoped to this account."
  }

  assert {
    condition     = contains(jsondecode(aws_kms_key.regional_dr["logs"].policy).Statement[1].Principal.Service, "logs.us-west-2.amazonaws.com")
    error_message = "the DR key policy must name the DR region's CloudWatch Logs endpoint."
  }
}

run "rejects_bad_prefix" {
  command = plan

  variables {
    name_prefix = "Bad_Prefix"
  }

  expect_failures = [var.name_prefix]
}
