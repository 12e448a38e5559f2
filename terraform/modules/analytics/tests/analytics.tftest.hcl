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
  name_prefix         = "mbt-test"
  dr_kms_key_arn      = "arn:aws:kms:us-west-2:111122223333:key/3"
  dr_logs_kms_key_arn = "arn:aws:kms:us-west-2:111122223333:key/4"
  kms_key_arn         = "arn:aws:kms:us-east-1:111122223333:key/1"
  logs_kms_key_arn    = "arn:aws:kms:us-east-1:111122223333:key/2"
  access_log_bucket   = "mbt-test-logs"
  columns             = jsondecode(file("../../contracts/usage_event_columns.json")).columns
  partition_key       = jsondecode(file("../../contracts/usage_event_columns.json")).partition_key
  table_name          = jsondecode(file("../../contracts/usage_event_columns.json")).table_name
  named_queries       = jsondecode(file("../../contracts/athena_named_queries.json")).queries
}

run "glue_schema_comes_from_the_event_contract" {
  command = plan

  assert {
    condition     = [for c in aws_glue_catalog_table.usage_events.storage_descriptor[0].columns : c.name] == [for c in var.columns : c.name]
    error_message = "the Glue columns must be the usage event contract's columns, in order."
  }

  assert {
    condition     = aws_glue_catalog_table.usage_events.partition_keys[0].name == "day"
    error_message = "events are partitioned by day."
  }
}

run "partition_projection_by_day" {
  command = plan

  assert {
    condition     = aws_glue_catalog_table.usage_events.parameters["projection.enabled"] == "true" && aws_glue_catalog_table.usage_events.parameters["projection.day.type"] == "date"
    error_message = "the table must use date partition projection."
  }
}

run "firehose_writes_parquet_by_day" {
  command = plan

  assert {
    condition     = length(aws_kinesis_firehose_delivery_stream.usage_events.extended_s3_configuration[0].data_format_conversion_configuration[0].output_format_configuration[0].serializer[0].parquet_ser_de) == 1
    error_message = "Firehose must convert events to Parquet."
  }

  assert {
    condition     = aws_kinesis_firehose_delivery_stream.usage_events.extended_s3_configuration[0].prefix == "usage_events/day=!{timestamp:yyyy-MM-dd}/"
    error_message = "objects must land in day partitions matching the projection template."
  }
}

run "athena_enforces_encrypted_results_and_cutoff" {
  command = plan

  assert {
    condition     = aws_athena_workgroup.analytics.configuration[0].enforce_workgroup_configuration && aws_athena_workgroup.analytics.configuration[0].result_configuration[0].encryption_configuration[0].encryption_option == "SSE_KMS"
    error_message = "the workgroup must enforce encrypted results."
  }

  assert {
    condition     = aws_athena_workgroup.analytics.configuration[0].bytes_scanned_cutoff_per_query == 1073741824
    error_message = "the workgroup must cut off large scans."
  }
}

run "rejects_non_glue_types" {
  command = plan

  variables {
    columns = [{ name = "x", type = "varchar" }]
  }

  expect_failures = [var.columns]
}

run "every_shared_query_is_a_named_query_in_the_workgroup" {
  command = plan

  assert {
    condition     = toset(keys(aws_athena_named_query.analytics)) == toset([for q in var.named_queries : q.name]) && length(var.named_queries) > 0
    error_message = "each query file must be an Athena named query."
  }

  assert {
    condition     = alltrue([for q in aws_athena_named_query.analytics : q.workgroup == aws_athena_workgroup.analytics.name && q.database == aws_glue_catalog_database.analytics.name])
    error_message = "named queries belong to the analysts' workgroup and database."
  }
}

run "rejects_duplicate_named_queries" {
  command = plan

  variables {
    named_queries = [{ name = "a", description = "x", query = "SELECT 1" }, { name = "a", description = "y", query = "SELECT 2" }]
  }

  expect_failures = [var.named_queries]
}

run "media_inventory_table_and_delivery_from_the_media_bucket_only" {
  command = plan

  variables {
    inventory = merge(jsondecode(file("../../contracts/media_inventory.json")), {
      source_bucket = "mbt-test-media-us-east-1-111122223333"
    })
  }

  assert {
    condition     = one(aws_glue_catalog_table.media_inventory).storage_descriptor[0].input_format == "org.apache.hadoop.hive.ql.io.SymlinkTextInputFormat" && [for c in one(aws_glue_catalog_table.media_inventory).storage_descriptor[0].columns : c.name] == [for c in var.inventory.columns : c.name]
    error_message = "the inventory table reads S3's symlink manifests with the contract's columns."
  }

  assert {
    condition     = endswith(one(aws_glue_catalog_table.media_inventory).storage_descriptor[0].location, "/inventory/mbt-test-media-us-east-1-111122223333/media-daily/hive/") && one(aws_glue_catalog_table.media_inventory).parameters["projection.dt.interval.unit"] == "HOURS"
    error_message = "the table's location is where S3 writes the hive manifests, projected by hour."
  }

  assert {
    condition     = local.inventory_delivery[0].Principal.Service == "s3.amazonaws.com" && local.inventory_delivery[0].Condition.ArnLike["aws:SourceArn"] == "arn:aws:s3:::mbt-test-media-us-east-1-111122223333" && endswith(local.inventory_delivery[0].Resource, "/inventory/*")
    error_message = "the analytics bucket admits S3's inventory reports from the media bucket only, under the inventory prefix."
  }
}

run "both_regions_streams_unzip_cloudwatch_logs_records_the_same_way" {
  command = plan

  assert {
    condition = alltrue([for stream in [aws_kinesis_firehose_delivery_stream.usage_events, aws_kinesis_firehose_delivery_stream.usage_events_dr] :
      [for p in stream.extended_s3_configuration[0].processing_configuration[0].processors : p.type] == ["Decompression", "CloudWatchLogProcessing"]
    ])
    error_message = "each stream must decompress and extract the CloudWatch Logs messages (the usage-event lines) before converting them."
  }

  assert {
    condition     = aws_kinesis_firehose_delivery_stream.usage_events_dr.extended_s3_configuration[0].prefix == aws_kinesis_firehose_delivery_stream.usage_events.extended_s3_configuration[0].prefix
    error_message = "the DR stream must deliver into the same day partitions."
  }
}
