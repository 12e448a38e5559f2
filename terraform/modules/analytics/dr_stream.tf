# The DR region's usage events: its API function's log group can subscribe only a stream of its own region, so
# the DR site has a stream of its own, converting the same way into the same bucket and table (the primary's).
# While the primary region is dark the stream cannot deliver: Firehose keeps retrying an S3 delivery for up to
# 24 hours (Firehose developer guide, "Data delivery failure handling"), then writes what it holds to the
# error prefix once the bucket answers again.

data "aws_region" "dr" {
  provider = aws.dr
}

resource "aws_cloudwatch_log_group" "firehose_dr" {
  provider = aws.dr
  #checkov:skip=CKV_AWS_338:delivery error logs only; failed records themselves are kept in the bucket under errors/

  name              = "/aws/kinesisfirehose/${var.name_prefix}-usage-events"
  retention_in_days = var.log_retention_days
  kms_key_id        = var.dr_logs_kms_key_arn
}

resource "aws_cloudwatch_log_stream" "firehose_s3_dr" {
  provider = aws.dr

  name           = "S3Delivery"
  log_group_name = aws_cloudwatch_log_group.firehose_dr.name
}

resource "aws_kinesis_firehose_delivery_stream" "usage_events_dr" {
  provider = aws.dr

  name        = "${var.name_prefix}-usage-events"
  destination = "extended_s3"

  server_side_encryption {
    enabled  = true
    key_type = "CUSTOMER_MANAGED_CMK"
    key_arn  = var.dr_kms_key_arn
  }

  extended_s3_configuration {
    role_arn            = aws_iam_role.firehose.arn
    bucket_arn          = module.events_bucket.arn
    kms_key_arn         = var.kms_key_arn # the bucket's key: S3 encrypts in the bucket's region
    prefix              = "${local.events_prefix}!{timestamp:yyyy-MM-dd}/"
    error_output_prefix = "errors/!{firehose:error-output-type}/${var.partition_key}=!{timestamp:yyyy-MM-dd}/"
    buffering_interval  = var.buffering_interval_seconds
    buffering_size      = 64

    cloudwatch_logging_options {
      enabled         = true
      log_group_name  = aws_cloudwatch_log_group.firehose_dr.name
      log_stream_name = aws_cloudwatch_log_stream.firehose_s3_dr.name
    }

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

      # The one Glue table, in the primary region.
      schema_configuration {
        database_name = aws_glue_catalog_database.analytics.name
        table_name    = aws_glue_catalog_table.usage_events.name
        role_arn      = aws_iam_role.firehose.arn
        region        = local.region
      }
    }
  }
}
