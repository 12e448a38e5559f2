data "aws_caller_identity" "current" {}

data "aws_region" "current" {}

locals {
  account_id = data.aws_caller_identity.current.account_id
  # The records come from the API functions' log groups through subscription filters: gzip'd CloudWatch Logs
  # documents. Firehose unzips them and keeps each log event's message, the usage-event line itself, so the
  # format conversion reads the same JSON record the function wrote. Both regions' streams use these.
  log_processors = [
    { type = "Decompression", parameter_name = "CompressionFormat", parameter_value = "GZIP" },
    { type = "CloudWatchLogProcessing", parameter_name = "DataMessageExtraction", parameter_value = "true" },
  ]
  timestamp_formats = ["yyyy-MM-dd'T'HH:mm:ss.SSSSSSZZ", "yyyy-MM-dd'T'HH:mm:ssZZ", "millis"]
  region            = data.aws_region.current.region
  # Same layout for Firehose prefixes and partition projection: <table>/day=yyyy-MM-dd/.
  events_prefix = "${var.table_name}/${var.partition_key}="
  events_bucket = "${var.name_prefix}-analytics-${local.region}-${local.account_id}"

  # S3 Inventory writes the media bucket's daily reports here (only a bucket of the source's region can take
  # them), as S3 documents the destination policy: its own service, for that source bucket and account only.
  inventory_delivery = var.inventory == null ? [] : [{
    Sid       = "S3InventoryOfTheMediaBucket"
    Effect    = "Allow"
    Principal = { Service = "s3.amazonaws.com" }
    Action    = "s3:PutObject"
    Resource  = "arn:aws:s3:::${local.events_bucket}/${var.inventory.prefix}/*"
    Condition = {
      ArnLike      = { "aws:SourceArn" = "arn:aws:s3:::${var.inventory.source_bucket}" }
      StringEquals = { "aws:SourceAccount" = local.account_id, "s3:x-amz-acl" = "bucket-owner-full-control" }
    }
  }]
  # Athena reads an inventory through the hive-compatible symlink manifests S3 writes beside the reports.
  inventory_location = var.inventory == null ? null : "s3://${local.events_bucket}/${var.inventory.prefix}/${var.inventory.source_bucket}/${var.inventory.configuration_id}/hive/"
}

module "events_bucket" {
  source = "../secure-bucket"

  bucket_name               = local.events_bucket
  kms_key_arn               = var.kms_key_arn
  data_class                = "analytics"
  access_log_bucket         = var.access_log_bucket
  access_log_prefix         = "analytics/"
  expire_current_after_days = var.event_retention_days
  noncurrent_expire_days    = 30
  force_destroy             = var.force_destroy
  extra_policy_statements   = local.inventory_delivery
}

module "results_bucket" {
  source = "../secure-bucket"

  bucket_name               = "${var.name_prefix}-athena-results-${local.region}-${local.account_id}"
  kms_key_arn               = var.kms_key_arn
  data_class                = "analytics"
  access_log_bucket         = var.access_log_bucket
  access_log_prefix         = "athena-results/"
  expire_current_after_days = 30
  noncurrent_expire_days    = 7
  force_destroy             = var.force_destroy
}

resource "aws_glue_catalog_database" "analytics" {
  name        = replace("${var.name_prefix}_analytics", "-", "_")
  description = "Usage analytics of ${var.name_prefix}."
}

# Partition projection: Athena computes day partitions from the range, so no crawler or MSCK is needed.
resource "aws_glue_catalog_table" "usage_events" {
  name          = var.table_name
  database_name = aws_glue_catalog_database.analytics.name
  table_type    = "EXTERNAL_TABLE"
  description   = "Usage events (one per API request), Parquet, partitioned by day."

  parameters = {
    "classification"                                = "parquet"
    "EXTERNAL"                                      = "TRUE"
    "parquet.compression"                           = "SNAPPY"
    "projection.enabled"                            = "true"
    "projection.${var.partition_key}.type"          = "date"
    "projection.${var.partition_key}.format"        = "yyyy-MM-dd"
    "projection.${var.partition_key}.range"         = "${var.projection_start_date},NOW"
    "projection.${var.partition_key}.interval"      = "1"
    "projection.${var.partition_key}.interval.unit" = "DAYS"
    "storage.location.template"                     = "s3://${module.events_bucket.id}/${local.events_prefix}$${${var.partition_key}}/"
  }

  partition_keys {
    name    = var.partition_key
    type    = "string"
    comment = "UTC day of the event, yyyy-MM-dd."
  }

  storage_descriptor {
    location      = "s3://${module.events_bucket.id}/${var.table_name}/"
    input_format  = "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat"
    output_format = "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat"

    ser_de_info {
      name                  = "parquet"
      serialization_library = "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe"
      parameters            = { "serialization.format" = "1" }
    }

    dynamic "columns" {
      for_each = var.columns
      content {
        name    = columns.value.name
        type    = columns.value.type
        comment = columns.value.comment
      }
    }
  }
}

# The media bucket's S3 Inventory (Parquet, daily) as Athena reads it: the symlink manifests of each report,
# partition projection over S3's hourly `dt` stamps. `ops audit lifecycle` queries it through ops.analytics.
resource "aws_glue_catalog_table" "media_inventory" {
  count = var.inventory != null ? 1 : 0

  name          = var.inventory.table
  database_name = aws_glue_catalog_database.analytics.name
  table_type    = "EXTERNAL_TABLE"
  description   = "S3 Inventory of ${var.inventory.source_bucket} (${var.inventory.configuration_id}), one partition per report."

  parameters = {
    "EXTERNAL"                                                = "TRUE"
    "projection.enabled"                                      = "true"
    "projection.${var.inventory.partition_key}.type"          = "date"
    "projection.${var.inventory.partition_key}.format"        = var.inventory.partition_format
    "projection.${var.inventory.partition_key}.range"         = "${var.projection_start_date}-00-00,NOW"
    "projection.${var.inventory.partition_key}.interval"      = "1"
    "projection.${var.inventory.partition_key}.interval.unit" = "HOURS"
  }

  partition_keys {
    name    = var.inventory.partition_key
    type    = "string"
    comment = "Report time, ${var.inventory.partition_format} (S3's hive/dt= folders)."
  }

  storage_descriptor {
    location      = local.inventory_location
    input_format  = "org.apache.hadoop.hive.ql.io.SymlinkTextInputFormat"
    output_format = "org.apache.hadoop.hive.ql.io.IgnoreKeyTextOutputFormat"

    ser_de_info {
      serialization_library = "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe"
    }

    dynamic "columns" {
      for_each = var.inventory.columns
      content {
        name = columns.value.name
        type = columns.value.type
      }
    }
  }
}

resource "aws_cloudwatch_log_group" "firehose" {
  #checkov:skip=CKV_AWS_338:delivery error logs only; failed records themselves are kept in the bucket under errors/
  name              = "/aws/kinesisfirehose/${var.name_prefix}-usage-events"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.logs_kms_key_arn
}

resource "aws_cloudwatch_log_stream" "firehose_s3" {
  name           = "S3Delivery"
  log_group_name = aws_cloudwatch_log_group.firehose.name
}

resource "aws_iam_role" "firehose" {
  name                 = "${var.name_prefix}-usage-events-firehose"
  permissions_boundary = var.permissions_boundary_arn
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "firehose.amazonaws.com" }
      Action    = "sts:AssumeRole"
      Condition = { StringEquals = { "sts:ExternalId" = local.account_id } }
    }]
  })
}

resource "aws_iam_role_policy" "firehose" {
  name = "deliver-usage-events"
  role = aws_iam_role.firehose.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Sid      = "WriteEvents"
        Effect   = "Allow"
        Action   = ["s3:AbortMultipartUpload", "s3:GetBucketLocation", "s3:GetObject", "s3:ListBucket", "s3:ListBucketMultipartUploads", "s3:PutObject"]
        Resource = [module.events_bucket.arn, "${module.events_bucket.arn}/*"]
      },
      {
        Sid    = "ReadSchema"
        Effect = "Allow"
        Action = ["glue:GetTable", "glue:GetTableVersion", "glue:GetTableVersions"]
        Resource = [
          "arn:aws:glue:${local.region}:${local.account_id}:catalog",
          "arn:aws:glue:${local.region}:${local.account_id}:database/${aws_glue_catalog_database.analytics.name}",
          "arn:aws:glue:${local.region}:${local.account_id}:table/${aws_glue_catalog_database.analytics.name}/${var.table_name}",
        ]
      },
      {
        Sid      = "EncryptEvents"
        Effect   = "Allow"
        Action   = ["kms:Decrypt", "kms:GenerateDataKey"]
        Resource = var.kms_key_arn
      },
      {
        Sid      = "ErrorLogs"
        Effect   = "Allow"
        Action   = "logs:PutLogEvents"
        Resource = ["${aws_cloudwatch_log_group.firehose.arn}:*", "${aws_cloudwatch_log_group.firehose_dr.arn}:*"]
      },
    ]
  })
}

# CloudWatch Logs sends the API functions' usage-event lines to the stream with this role (the subscription
# filters are in modules/api, beside the log groups). It retries a refused delivery for up to 24 hours.
resource "aws_iam_role" "log_delivery" {
  name                 = "${var.name_prefix}-usage-log-delivery"
  permissions_boundary = var.permissions_boundary_arn
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Service = "logs.amazonaws.com" }
      Action    = "sts:AssumeRole"
      Condition = { StringLike = { "aws:SourceArn" = "arn:aws:logs:*:${local.account_id}:*" } }
    }]
  })
}

resource "aws_iam_role_policy" "log_delivery" {
  name = "send-usage-lines"
  role = aws_iam_role.log_delivery.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid      = "PutUsageLines"
      Effect   = "Allow"
      Action   = ["firehose:PutRecord", "firehose:PutRecordBatch"]
      Resource = [aws_kinesis_firehose_delivery_stream.usage_events.arn, aws_kinesis_firehose_delivery_stream.usage_events_dr.arn]
    }]
  })
}

resource "aws_kinesis_firehose_delivery_stream" "usage_events" {
  name        = "${var.name_prefix}-usage-events"
  destination = "extended_s3"

  server_side_encryption {
    enabled  = true
    key_type = "CUSTOMER_MANAGED_CMK"
    key_arn  = var.kms_key_arn
  }

  extended_s3_configuration {
    role_arn            = aws_iam_role.firehose.arn
    bucket_arn          = module.events_bucket.arn
    kms_key_arn         = var.kms_key_arn
    prefix              = "${local.events_prefix}!{timestamp:yyyy-MM-dd}/"
    error_output_prefix = "errors/!{firehose:error-output-type}/${var.partition_key}=!{timestamp:yyyy-MM-dd}/"
    buffering_interval  = var.buffering_interval_seconds
    # Format conversion needs a buffer of at least 64 MB.
    buffering_size = 64

    cloudwatch_logging_options {
      enabled         = true
      log_group_name  = aws_cloudwatch_log_group.firehose.name
      log_stream_name = aws_cloudwatch_log_stream.firehose_s3.name
    }

    # The records come from the API functions' log groups through a subscription filter: gzip'd CloudWatch
    # Logs documents. Firehose unzips them and keeps each log event's message, the usage-event line itself,
    # so the format conversion below reads the same JSON record the function wrote.
    processing_configuration {
      enabled = true

      dynamic "processors" {
        for_each = local.log_processors
        content {
          type = processors.value.type
          parameters {
            parameter_name  = processors.value.parameter_name
            parameter_value = processors.value.parameter_value
          }
        }
      }
    }

    data_format_conversion_configuration {
      enabled = true

      input_format_configuration {
        deserializer {
          hive_json_ser_de {
            timestamp_formats = local.timestamp_formats
          }
        }
      }

      output_format_configuration {
        serializer {
          parquet_ser_de {
            compression = "SNAPPY"
          }
        }
      }

      schema_configuration {
        database_name = aws_glue_catalog_database.analytics.name
        table_name    = aws_glue_catalog_table.usage_events.name
        role_arn      = aws_iam_role.firehose.arn
        region        = local.region
      }
    }
  }
}

resource "aws_athena_workgroup" "analytics" {
  name        = "${var.name_prefix}-analytics"
  description = "Analysts' queries over usage events: encrypted results, scan cutoff enforced."
  state       = "ENABLED"
  # Once anyone has run a query the workgroup is not empty, and AWS refuses to delete it without this.
  force_destroy = var.force_destroy

  configuration {
    enforce_workgroup_configuration    = true
    publish_cloudwatch_metrics_enabled = true
    bytes_scanned_cutoff_per_query     = var.bytes_scanned_cutoff

    result_configuration {
      output_location = "s3://${module.results_bucket.id}/results/"

      encryption_configuration {
        encryption_option = "SSE_KMS"
        kms_key_arn       = var.kms_key_arn
      }
    }
  }
}

# The analysts' queries, the same files `ops analytics` and the notebooks run, ready in the console.
resource "aws_athena_named_query" "analytics" {
  for_each = { for q in var.named_queries : q.name => q }

  name        = each.value.name
  description = each.value.description
  database    = aws_glue_catalog_database.analytics.name
  workgroup   = aws_athena_workgroup.analytics.name
  query       = each.value.query
}
