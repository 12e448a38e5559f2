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
    condition = alltrue(flatten([for key in concat(values(aws_kms_key.replicated), values(aws_kms_key.regional_primary), values(aws_kms_key.regional_dr)) : [
      for st in jsondecode(key.policy).Statement : can(st.Principal.Service) ? (can(st.Condition.StringEquals["aws:SourceAccount"]) || can(st.Condition.ArnLike["kms:EncryptionContext:aws:logs:arn"])) : true
    ]]))
    error_message = "every service principal must be bound to this account (source account or log-group context)."
  }
}

# Review finding 11: one broad service statement on every key let any listed service use any key.
run "each_key_names_only_its_purposes_services" {
  command = plan

  assert {
    condition     = length(jsondecode(aws_kms_key.replicated["data"].policy).Statement) == 1
    error_message = "the data key names no service principal (DynamoDB replicas use the caller's grants)."
  }

  assert {
    condition     = [for st in jsondecode(aws_kms_key.regional_primary["analytics"].policy).Statement : st.Principal.Service if can(st.Principal.Service)] == ["s3.amazonaws.com"] && [for st in jsondecode(aws_kms_key.regional_primary["analytics"].policy).Statement : st.Action if can(st.Principal.Service)] == ["kms:GenerateDataKey"]
    error_message = "the analytics key serves S3 only (inventory reports), and only to encrypt."
  }

  assert {
    condition     = [for st in jsondecode(aws_kms_key.replicated["media"].policy).Statement : st.Principal.Service if can(st.Principal.Service)] == ["cloudfront.amazonaws.com"]
    error_message = "the media key serves CloudFront only."
  }

  assert {
    condition     = toset(flatten([for st in jsondecode(aws_kms_key.regional_primary["messaging"].policy).Statement : st.Principal.Service if can(st.Principal.Service)])) == toset(["sns.amazonaws.com", "sqs.amazonaws.com", "cloudwatch.amazonaws.com", "budgets.amazonaws.com"])
    error_message = "the messaging key serves SNS, SQS, CloudWatch alarms and Budgets, nothing else (no events.amazonaws.com)."
  }

  assert {
    condition     = toset([for st in jsondecode(aws_kms_key.regional_primary["logs"].policy).Statement : st.Principal.Service if can(st.Principal.Service)]) == toset(["logs.us-east-1.amazonaws.com", "cloudtrail.amazonaws.com"])
    error_message = "the logs key serves CloudWatch Logs and CloudTrail only."
  }
}

run "logs_key_binds_cloudwatch_logs_to_this_accounts_log_groups" {
  command = plan

  assert {
    condition     = jsondecode(aws_kms_key.regional_dr["logs"].policy).Statement[1].Principal.Service == "logs.us-west-2.amazonaws.com"
    error_message = "the DR key policy must name the DR region's CloudWatch Logs endpoint."
  }

  assert {
    condition     = jsondecode(aws_kms_key.regional_dr["logs"].policy).Statement[1].Condition.ArnLike["kms:EncryptionContext:aws:logs:arn"] == "arn:aws:logs:us-west-2:111122223333:log-group:*"
    error_message = "CloudWatch Logs may use the key only for this account's log groups in the key's region."
  }
}

run "rejects_bad_prefix" {
  command = plan

  variables {
    name_prefix = "Bad_Prefix"
  }

  expect_failures = [var.name_prefix]
}
