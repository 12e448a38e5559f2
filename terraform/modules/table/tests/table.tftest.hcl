mock_provider "aws" {}

variables {
  name_prefix    = "mbt-test"
  table_design   = jsondecode(file("../../contracts/table_design.json"))
  kms_key_arn    = "arn:aws:kms:us-east-1:111122223333:key/mrk-00000000000000000000000000000001"
  dr_kms_key_arn = "arn:aws:kms:us-west-2:111122223333:key/mrk-00000000000000000000000000000001"
  dr_region      = "us-west-2"
}

run "table_follows_the_contract" {
  command = apply

  assert {
    condition     = aws_dynamodb_table.main.hash_key == "PK" && aws_dynamodb_table.main.range_key == "SK"
    error_message = "keys must come from the table design contract."
  }

  assert {
    condition     = length(aws_dynamodb_table.main.global_secondary_index) == length(var.table_design.global_secondary_indexes)
    error_message = "every GSI of the contract must exist."
  }

  assert {
    condition     = aws_dynamodb_table.main.ttl[0].attribute_name == var.table_design.ttl_attribute && aws_dynamodb_table.main.ttl[0].enabled
    error_message = "TTL must be enabled on the contract's attribute."
  }

  assert {
    condition     = aws_dynamodb_table.main.stream_enabled && aws_dynamodb_table.main.stream_view_type == "NEW_AND_OLD_IMAGES"
    error_message = "the stream must carry the contract's view type."
  }
}

run "table_is_on_demand_protected_and_encrypted" {
  command = apply

  assert {
    condition     = aws_dynamodb_table.main.billing_mode == "PAY_PER_REQUEST"
    error_message = "the table must be on-demand."
  }

  assert {
    condition     = aws_dynamodb_table.main.deletion_protection_enabled && aws_dynamodb_table.main.point_in_time_recovery[0].enabled
    error_message = "deletion protection and PITR must be on."
  }

  assert {
    condition     = aws_dynamodb_table.main.server_side_encryption[0].kms_key_arn == var.kms_key_arn
    error_message = "the table must be encrypted with the customer-managed key."
  }
}

run "replica_targets_the_dr_region" {
  command = apply

  assert {
    condition     = one([for r in aws_dynamodb_table.main.replica : r.region_name]) == "us-west-2"
    error_message = "the global-table replica must be in the DR region."
  }

  assert {
    condition     = one([for r in aws_dynamodb_table.main.replica : r.kms_key_arn]) == var.dr_kms_key_arn
    error_message = "the replica must use the DR replica key."
  }
}

# design_bounds_*: the table design contract (lambdas/backend_core/table_design.py) and this module's validation
# accept the same values; tests/unit/contracts/test_table_design_bounds.py runs each override through the model.

run "design_bounds_gsi_without_range_key" {
  command = plan

  variables {
    table_design = merge(jsondecode(file("../../contracts/table_design.json")), jsondecode(<<-JSON
      {"global_secondary_indexes": [{"name": "GSI1", "hash_key": "GSI1PK", "range_key": null, "projection_type": "ALL"}], "attributes": [{"name": "PK", "type": "S"}, {"name": "SK", "type": "S"}, {"name": "GSI1PK", "type": "S"}]}
    JSON
    ))
  }

  assert {
    condition     = aws_dynamodb_table.main.billing_mode == var.table_design.billing_mode
    error_message = "the module must accept what the table design contract accepts."
  }
}

run "design_bounds_keys_only_projection" {
  command = plan

  variables {
    table_design = merge(jsondecode(file("../../contracts/table_design.json")), jsondecode(<<-JSON
      {"global_secondary_indexes": [{"name": "GSI1", "hash_key": "GSI1PK", "range_key": "GSI1SK", "projection_type": "KEYS_ONLY"}], "attributes": [{"name": "PK", "type": "S"}, {"name": "SK", "type": "S"}, {"name": "GSI1PK", "type": "S"}, {"name": "GSI1SK", "type": "N"}]}
    JSON
    ))
  }

  assert {
    condition     = aws_dynamodb_table.main.billing_mode == var.table_design.billing_mode
    error_message = "the module must accept what the table design contract accepts."
  }
}

run "design_bounds_new_image_stream" {
  command = plan

  variables {
    table_design = merge(jsondecode(file("../../contracts/table_design.json")), jsondecode(<<-JSON
      {"stream_view_type": "NEW_IMAGE"}
    JSON
    ))
  }

  assert {
    condition     = aws_dynamodb_table.main.billing_mode == var.table_design.billing_mode
    error_message = "the module must accept what the table design contract accepts."
  }
}

run "design_bounds_provisioned_billing" {
  command = plan

  variables {
    table_design = merge(jsondecode(file("../../contracts/table_design.json")), jsondecode(<<-JSON
      {"billing_mode": "PROVISIONED"}
    JSON
    ))
  }

  expect_failures = [var.table_design]
}

run "design_bounds_unknown_stream_view_type" {
  command = plan

  variables {
    table_design = merge(jsondecode(file("../../contracts/table_design.json")), jsondecode(<<-JSON
      {"stream_view_type": "NEW"}
    JSON
    ))
  }

  expect_failures = [var.table_design]
}

run "design_bounds_unknown_projection_type" {
  command = plan

  variables {
    table_design = merge(jsondecode(file("../../contracts/table_design.json")), jsondecode(<<-JSON
      {"global_secondary_indexes": [{"name": "GSI1", "hash_key": "GSI1PK", "range_key": "GSI1SK", "projection_type": "SOME"}]}
    JSON
    ))
  }

  expect_failures = [var.table_design]
}

run "design_bounds_unknown_attribute_type" {
  command = plan

  variables {
    table_design = merge(jsondecode(file("../../contracts/table_design.json")), jsondecode(<<-JSON
      {"attributes": [{"name": "PK", "type": "X"}, {"name": "SK", "type": "S"}, {"name": "GSI1PK", "type": "S"}, {"name": "GSI1SK", "type": "S"}, {"name": "GSI2PK", "type": "S"}, {"name": "GSI2SK", "type": "S"}]}
    JSON
    ))
  }

  expect_failures = [var.table_design]
}
