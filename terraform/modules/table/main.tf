# One table, single-table design; its shape comes only from the table design contract.
resource "aws_dynamodb_table" "main" {
  name                        = "${var.name_prefix}-main"
  billing_mode                = var.table_design.billing_mode
  hash_key                    = var.table_design.hash_key
  range_key                   = var.table_design.range_key
  deletion_protection_enabled = var.deletion_protection
  stream_enabled              = true
  stream_view_type            = var.table_design.stream_view_type

  dynamic "attribute" {
    for_each = var.table_design.attributes
    content {
      name = attribute.value.name
      type = attribute.value.type
    }
  }

  dynamic "global_secondary_index" {
    for_each = var.table_design.global_secondary_indexes
    content {
      name            = global_secondary_index.value.name
      projection_type = global_secondary_index.value.projection_type

      key_schema {
        attribute_name = global_secondary_index.value.hash_key
        key_type       = "HASH"
      }

      # A GSI without a range key (the contract allows one) has a HASH key schema only.
      dynamic "key_schema" {
        for_each = global_secondary_index.value.range_key == null ? [] : [global_secondary_index.value.range_key]
        content {
          attribute_name = key_schema.value
          key_type       = "RANGE"
        }
      }
    }
  }

  ttl {
    attribute_name = var.table_design.ttl_attribute
    enabled        = true
  }

  point_in_time_recovery {
    enabled                 = true
    recovery_period_in_days = var.pitr_recovery_period_days
  }

  server_side_encryption {
    enabled     = true
    kms_key_arn = var.kms_key_arn
  }

  # Global table (version 2019.11.21): the DR replica is written by DynamoDB itself.
  replica {
    region_name                 = var.dr_region
    kms_key_arn                 = var.dr_kms_key_arn
    point_in_time_recovery      = true
    deletion_protection_enabled = var.deletion_protection
    propagate_tags              = true
  }
}
