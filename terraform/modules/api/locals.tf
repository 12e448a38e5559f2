data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}

data "aws_region" "current" {}

locals {
  account_id = data.aws_caller_identity.current.account_id
  partition  = data.aws_partition.current.partition
  region     = data.aws_region.current.region

  # The routes of ARCHITECTURE.md. Only the health check is public; every other route needs a Cognito JWT.
  public_routes = ["GET /health"]
  private_routes = [
    "GET /me",
    "PUT /me",
    "POST /devices",
    "DELETE /devices/{id}",
    "PUT /sync/{collection}/{id}",
    "DELETE /sync/{collection}/{id}",
    "GET /sync",
    "POST /media/uploads",
    "GET /media/{id}",
    "POST /providers/{id}/subscribe",
    "POST /notifications",
    "GET /notifications",
  ]

  # The DR site's archiver would archive every expiry twice (deletes replicate), so only the primary runs it.
  functions = {
    for name, fn in var.functions : name => fn
    if !(name == "ttl_archiver" && var.site == "dr")
  }

  settings = {
    for name in keys(local.functions) : name => {
      memory_mb            = try(var.function_settings[name].memory_mb, 512)
      timeout_seconds      = try(var.function_settings[name].timeout_seconds, 10)
      reserved_concurrency = try(var.function_settings[name].reserved_concurrency, null)
    }
  }

  environment = {
    ENV_NAME                     = var.env_name
    TABLE_NAME                   = var.table.name
    MEDIA_BUCKET                 = var.media_bucket.name
    CDN_DOMAIN                   = var.cdn_domain
    CDN_KEY_PAIR_ID              = try(coalesce(var.cdn_signing.key_pair_id, ""), "")
    CDN_SIGNING_KEY_SECRET_ARN   = try(var.cdn_signing.secret_arn, "")
    NOTIFY_QUEUE_URL             = var.notify_queue.url
    USAGE_STREAM_NAME            = var.usage_stream != null ? var.usage_stream.name : ""
    PLATFORM_APP_ARN_APNS        = var.platform_application_arns.apns != null ? var.platform_application_arns.apns : ""
    PLATFORM_APP_ARN_FCM         = var.platform_application_arns.fcm != null ? var.platform_application_arns.fcm : ""
    POWERTOOLS_LOG_LEVEL         = var.env_name == "prod" ? "INFO" : "DEBUG"
    POWERTOOLS_METRICS_NAMESPACE = var.name_prefix
  }

  table_resources = [var.table.arn, "${var.table.arn}/index/*"]
  platform_arns   = compact([var.platform_application_arns.apns, var.platform_application_arns.fcm])

  # Least privilege: each function gets only the statements of its job.
  job_statements = {
    mobile_api = concat(
      [
        {
          Sid      = "TableReadWrite"
          Effect   = "Allow"
          Action   = ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:Query", "dynamodb:BatchGetItem", "dynamodb:BatchWriteItem", "dynamodb:ConditionCheckItem", "dynamodb:TransactWriteItems", "dynamodb:TransactGetItems"]
          Resource = local.table_resources
        },
        {
          Sid      = "UserMedia"
          Effect   = "Allow"
          Action   = ["s3:PutObject", "s3:GetObject"]
          Resource = "${var.media_bucket.arn}/users/*"
        },
        {
          Sid      = "EnqueueNotifications"
          Effect   = "Allow"
          Action   = "sqs:SendMessage"
          Resource = var.notify_queue.arn
        },
        {
          Sid      = "UseKeys"
          Effect   = "Allow"
          Action   = ["kms:Decrypt", "kms:GenerateDataKey"]
          Resource = [var.kms_key_arns.data, var.kms_key_arns.media, var.kms_key_arns.messaging]
        },
      ],
      var.usage_stream == null ? [] : [{
        Sid      = "EmitUsageEvents"
        Effect   = "Allow"
        Action   = ["firehose:PutRecord", "firehose:PutRecordBatch"]
        Resource = var.usage_stream.arn
      }],
      # The URL-signing key: this one secret, decrypted only through Secrets Manager in this region.
      var.cdn_signing == null ? [] : [{
        Sid      = "ReadCdnSigningKey"
        Effect   = "Allow"
        Action   = "secretsmanager:GetSecretValue"
        Resource = var.cdn_signing.secret_arn
      }],
      var.cdn_signing == null ? [] : [{
        Sid       = "DecryptCdnSigningKey"
        Effect    = "Allow"
        Action    = "kms:Decrypt"
        Resource  = var.cdn_signing.kms_key_arn
        Condition = { StringEquals = { "kms:ViaService" = "secretsmanager.${local.region}.amazonaws.com" } }
      }],
      length(local.platform_arns) == 0 ? [] : [{
        Sid      = "RegisterDevices"
        Effect   = "Allow"
        Action   = ["sns:CreatePlatformEndpoint", "sns:GetEndpointAttributes", "sns:SetEndpointAttributes", "sns:DeleteEndpoint"]
        Resource = concat(local.platform_arns, ["arn:${local.partition}:sns:${local.region}:${local.account_id}:endpoint/*"])
      }],
    )
    notify_worker = [
      {
        Sid      = "ConsumeQueue"
        Effect   = "Allow"
        Action   = ["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:ChangeMessageVisibility"]
        Resource = var.notify_queue.arn
      },
      {
        Sid      = "InboxAndSubscribers"
        Effect   = "Allow"
        Action   = ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:Query", "dynamodb:BatchWriteItem"]
        Resource = local.table_resources
      },
      {
        Sid      = "PushToEndpoints"
        Effect   = "Allow"
        Action   = ["sns:Publish", "sns:GetEndpointAttributes", "sns:SetEndpointAttributes"]
        Resource = "arn:${local.partition}:sns:${local.region}:${local.account_id}:endpoint/*"
      },
      {
        Sid      = "UseKeys"
        Effect   = "Allow"
        Action   = ["kms:Decrypt", "kms:GenerateDataKey"]
        Resource = [var.kms_key_arns.data, var.kms_key_arns.messaging]
      },
    ]
    ttl_archiver = [
      {
        Sid      = "ReadStream"
        Effect   = "Allow"
        Action   = ["dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator", "dynamodb:ListStreams"]
        Resource = var.table.stream_arn
      },
      {
        Sid      = "WriteArchive"
        Effect   = "Allow"
        Action   = "s3:PutObject"
        Resource = "${var.media_bucket.arn}/${var.archive_prefix}*"
      },
      {
        Sid      = "UseKeys"
        Effect   = "Allow"
        Action   = ["kms:Decrypt", "kms:GenerateDataKey"]
        Resource = [var.kms_key_arns.data, var.kms_key_arns.media, var.kms_key_arns.messaging]
      },
    ]
    drill = [
      {
        Sid       = "CanaryItemsOnly"
        Effect    = "Allow"
        Action    = ["dynamodb:PutItem", "dynamodb:GetItem", "dynamodb:DeleteItem"]
        Resource  = var.table.arn
        Condition = { "ForAllValues:StringLike" = { "dynamodb:LeadingKeys" = ["DRILL#*"] } }
      },
      {
        Sid      = "ReadHealth"
        Effect   = "Allow"
        Action   = ["route53:GetHealthCheckStatus", "cloudwatch:PutMetricData"]
        Resource = "*"
      },
      {
        Sid      = "UseKeys"
        Effect   = "Allow"
        Action   = ["kms:Decrypt", "kms:GenerateDataKey"]
        Resource = [var.kms_key_arns.data, var.kms_key_arns.messaging]
      },
    ]
  }
}
