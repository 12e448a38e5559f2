mock_provider "aws" {
  mock_data "aws_region" {
    defaults = { region = "us-east-1" }
  }

  mock_resource "aws_rds_cluster" {
    defaults = {
      master_user_secret = [{ kms_key_id = "k", secret_arn = "arn:aws:secretsmanager:us-east-1:111122223333:secret:rds!cluster-1", secret_status = "active" }]
    }
  }
}

mock_provider "aws" {
  alias = "dr"

  mock_data "aws_region" {
    defaults = { region = "us-west-2" }
  }
}

variables {
  name_prefix         = "mbt-test"
  kms_key_arn         = "arn:aws:kms:us-east-1:111122223333:key/1"
  dr_kms_key_arn      = "arn:aws:kms:us-west-2:111122223333:key/1"
  client_cidr_blocks  = ["10.0.0.0/16"]
  logs_kms_key_arn    = "arn:aws:kms:us-east-1:111122223333:key/2"
  dr_logs_kms_key_arn = "arn:aws:kms:us-west-2:111122223333:key/2"
}

run "global_database_spans_both_regions_encrypted" {
  command = apply

  assert {
    condition     = aws_rds_cluster.primary.global_cluster_identifier == aws_rds_global_cluster.legacy.id && aws_rds_cluster.dr.global_cluster_identifier == aws_rds_global_cluster.legacy.id
    error_message = "both clusters must belong to the global database."
  }

  assert {
    condition     = aws_rds_cluster.primary.storage_encrypted && aws_rds_cluster.dr.kms_key_id == var.dr_kms_key_arn
    error_message = "both clusters must be encrypted with their region's key."
  }

  assert {
    condition     = aws_rds_cluster_instance.primary.instance_class == "db.serverless" && aws_rds_cluster.primary.serverlessv2_scaling_configuration[0].max_capacity == 8
    error_message = "instances are Aurora Serverless v2."
  }
}

run "secrets_stay_in_secrets_manager_and_proxy_requires_tls" {
  command = apply

  assert {
    condition     = aws_rds_cluster.primary.manage_master_user_password && aws_rds_cluster.primary.master_password == null
    error_message = "the master password must be managed by RDS in Secrets Manager, never in state."
  }

  assert {
    condition     = aws_db_proxy.primary.require_tls && one(aws_db_proxy.primary.auth).iam_auth == "REQUIRED"
    error_message = "the proxy must require TLS and IAM authentication."
  }
}

run "two_database_subnets_per_region" {
  command = plan

  assert {
    condition     = length(module.network_primary.subnet_ids) == 2 && length(module.network_dr.subnet_ids) == 2
    error_message = "Aurora needs subnets in two availability zones in each region."
  }
}

run "rejects_inverted_capacity" {
  command = plan

  variables {
    capacity = { min = 8, max = 1 }
  }

  expect_failures = [var.capacity]
}
