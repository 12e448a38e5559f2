data "aws_caller_identity" "current" {}

data "aws_partition" "current" {}

data "aws_region" "current" {}

locals {
  account_id = data.aws_caller_identity.current.account_id
  partition  = data.aws_partition.current.partition
  region     = data.aws_region.current.region

  # The route table of lambdas/backend_core/api_routes.py: public routes have no authorizer.
  public_routes  = var.routes.public
  private_routes = var.routes.private

  # Both sites run the TTL archiver: a TTL deletion appears only in the stream of the region that deleted the
  # item (the other sees a replicated delete, filtered out), and an item can expire in both before either
  # delete replicates; the archiver names its record alike in both regions and writes it once (If-None-Match).
  # The drill runs where it is configured (the primary only): from DR it would measure the reverse direction.
  # The live channel's functions run where the site has a WebSocket API (modules/live, `live`).
  functions = {
    for name, fn in var.functions : name => fn
    if !(name == "drill" && var.drill == null) && !(contains(["live_socket", "live_delivery"], name) && var.live == null)
  }

  # The drill polls for its canaries up to the RPO target and keeps 5 s for cleanup: it needs the target
  # + 20 s, capped at Lambda's 900 s (a longer target is then polled for 895 s at most: see the check below).
  drill_timeout_seconds = var.drill == null ? null : min(900, var.drill.rpo_minutes * 60 + 20)

  settings = {
    for name in keys(local.functions) : name => {
      memory_mb = try(var.function_settings[name].memory_mb, 512)
      # An env may give the drill longer, never less than its RPO target needs.
      timeout_seconds = (name == "drill"
        ? min(900, max(local.drill_timeout_seconds, try(var.function_settings[name].timeout_seconds, 0)))
      : try(var.function_settings[name].timeout_seconds, 10))
      reserved_concurrency = try(var.function_settings[name].reserved_concurrency, null)
    }
  }

  # Only the drill reads these (lambdas/drill/settings.py ENV_VARS); replicas share the table's name, so
  # DR_TABLE_NAME is set only when the replica is named otherwise.
  drill_environment = var.drill == null ? {} : merge(
    {
      DR_REGION        = var.peer_region
      DR_MEDIA_BUCKET  = var.drill.dr_media_bucket.name
      DR_API_URL       = var.drill.dr_api_url
      ALERTS_TOPIC_ARN = try(var.drill.alerts_topic.arn, "")
    },
    var.drill.dr_table.name == var.table.name ? {} : { DR_TABLE_NAME = var.drill.dr_table.name },
  )

  # Only the account eraser reads it (lambdas/account_eraser/settings.py ENV_VARS): the SSM parameter naming the pool
  # that owns the users, whose Cognito user the eraser deletes in the pool's home region only (a multi-Region
  # replica shares the id). A parameter, not the id: the pool depends on the functions (its trigger), so no
  # function's environment may depend on the pool (not even on whether `user_pool` is set: any reference is an edge).
  user_pool_id_parameter     = "/${var.name_prefix}/identity/user-pool-id"
  account_eraser_environment = { USER_POOL_ID_PARAMETER = local.user_pool_id_parameter }

  # The live channel (modules/live). live_socket reads the trusted token issuers from an SSM parameter for the same
  # reason as the eraser (the pool depends on the functions); live_delivery posts to this site's @connections.
  live_auth_parameter     = "/${var.name_prefix}/live/trusted-issuers"
  live_socket_environment = { LIVE_AUTH_PARAMETER = local.live_auth_parameter }
  live_delivery_environment = var.live == null ? {} : {
    LIVE_CONNECTIONS_URL = "https://${var.live.api_id}.execute-api.${local.region}.amazonaws.com/${var.live.stage}"
  }
  live_configs = var.live == null ? [] : [var.live]

  environment = {
    ENV_NAME                     = var.env_name
    TABLE_NAME                   = var.table.name
    MEDIA_BUCKET                 = var.media_bucket.name
    CDN_DOMAIN                   = var.cdn_domain
    CDN_KEY_PAIR_ID              = try(coalesce(var.cdn_signing.key_pair_id, ""), "")
    CDN_SIGNING_KEY_SECRET_ARN   = try(var.cdn_signing.secret_arn, "")
    NOTIFY_QUEUE_URL             = var.notify_queue.url
    USAGE_STREAM_NAME            = var.usage_stream != null ? var.usage_stream.name : ""
    PLATFORM_APP_ARNS_APNS       = var.platform_application_arns.apns != null ? var.platform_application_arns.apns : ""
    PLATFORM_APP_ARNS_FCM        = var.platform_application_arns.fcm != null ? var.platform_application_arns.fcm : ""
    REGIONS                      = join(",", distinct([local.region, var.peer_region]))
    POWERTOOLS_LOG_LEVEL         = var.env_name == "prod" ? "INFO" : "DEBUG"
    POWERTOOLS_METRICS_NAMESPACE = var.name_prefix
  }

  # The functions subscribed to this region's media bucket's object events (aws_s3_bucket_notification.media_events).
  media_subscribers = {
    for name, sub in {
      media_restored = { id = "media-restored", events = ["s3:ObjectRestore:Completed"], statement = "S3RestoreCompleted" }
      account_eraser = { id = "account-eraser", events = ["s3:ObjectCreated:*"], statement = "S3MediaCreated" }
    } : name => sub if contains(keys(local.functions), name)
  }

  table_resources = [var.table.arn, "${var.table.arn}/index/*"]
  drill_configs   = var.drill == null ? [] : [var.drill]

  # Each site pushes through its own region's endpoints only (it makes one for a token registered at the
  # other site on first use): the DR site must deliver with the primary region dark.
  own_endpoints = "arn:${local.partition}:sns:${local.region}:${local.account_id}:endpoint/*"
  platform_arns = compact([var.platform_application_arns.apns, var.platform_application_arns.fcm])

  # Least privilege: each function gets only the statements of its job.
  job_statements = {
    mobile_api = concat(
      [
        {
          # A TransactWriteItems is authorised per item by these actions (ConditionCheckItem for its checks): IAM has
          # no transaction action ("Using IAM with DynamoDB transactions", DynamoDB developer guide).
          Sid      = "TableReadWrite"
          Effect   = "Allow"
          Action   = ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:Query", "dynamodb:BatchGetItem", "dynamodb:BatchWriteItem", "dynamodb:ConditionCheckItem"]
          Resource = local.table_resources
        },
        {
          # GetObject also covers HeadObject (is it archived?); RestoreObject brings an archived object back.
          Sid      = "UserMedia"
          Effect   = "Allow"
          Action   = ["s3:PutObject", "s3:GetObject", "s3:RestoreObject"]
          Resource = "${var.media_bucket.arn}/${var.media_prefix}*"
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
        Action   = ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem", "dynamodb:Query", "dynamodb:BatchGetItem", "dynamodb:BatchWriteItem"]
        Resource = local.table_resources
      },
      {
        # A broadcast is a chain of page jobs: each page's job enqueues the next one on this same queue.
        Sid      = "ChainBroadcastPages"
        Effect   = "Allow"
        Action   = "sqs:SendMessage"
        Resource = var.notify_queue.arn
      },
      {
        Sid      = "PushToEndpoints"
        Effect   = "Allow"
        Action   = "sns:Publish"
        Resource = local.own_endpoints
      },
      {
        Sid      = "EndpointAttributes"
        Effect   = "Allow"
        Action   = ["sns:GetEndpointAttributes", "sns:SetEndpointAttributes", "sns:DeleteEndpoint"]
        Resource = local.own_endpoints
      },
      {
        Sid      = "UseKeys"
        Effect   = "Allow"
        Action   = ["kms:Decrypt", "kms:GenerateDataKey"]
        Resource = [var.kms_key_arns.data, var.kms_key_arns.messaging]
      },
    ]
    endpoint_cleanup = [
      {
        Sid      = "ReadStream"
        Effect   = "Allow"
        Action   = ["dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator", "dynamodb:ListStreams"]
        Resource = var.table.stream_arn
      },
      {
        Sid      = "FindTokenHolders"
        Effect   = "Allow"
        Action   = "dynamodb:Query"
        Resource = "${var.table.arn}/index/*"
      },
      {
        Sid      = "RetireEndpoints"
        Effect   = "Allow"
        Action   = "sns:DeleteEndpoint"
        Resource = local.own_endpoints
      },
      {
        Sid      = "UseKeys"
        Effect   = "Allow"
        Action   = "kms:Decrypt"
        Resource = [var.kms_key_arns.data, var.kms_key_arns.messaging]
      },
    ]
    # S3's restore-completed event -> the owner's notification, through this region's queue.
    media_restored = [
      {
        Sid      = "ReadMediaOwner"
        Effect   = "Allow"
        Action   = "dynamodb:GetItem"
        Resource = var.table.arn
      },
      {
        Sid      = "EnqueueNotification"
        Effect   = "Allow"
        Action   = "sqs:SendMessage"
        Resource = var.notify_queue.arn
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
    # Cognito's post-confirmation trigger: its one permission (the user pool) is aws_iam_role_policy.onboarding_user_pool.
    onboarding = []
    # Deleted accounts, in this region: the user's items, subscriptions both ways, media objects with every version;
    # the user's messages in peers' threads become placeholders and peers' entries are marked (UpdateItem).
    # (Deleting the Cognito user: aws_iam_role_policy.account_eraser_user_pool.)
    account_eraser = [
      {
        Sid      = "ReadStream"
        Effect   = "Allow"
        Action   = ["dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator", "dynamodb:ListStreams"]
        Resource = var.table.stream_arn
      },
      {
        Sid      = "EraseUserItems"
        Effect   = "Allow"
        Action   = ["dynamodb:GetItem", "dynamodb:Query", "dynamodb:DeleteItem", "dynamodb:BatchWriteItem", "dynamodb:UpdateItem"]
        Resource = local.table_resources
      },
      {
        Sid      = "ReadOwningUserPool"
        Effect   = "Allow"
        Action   = "ssm:GetParameter"
        Resource = "arn:${local.partition}:ssm:${local.region}:${local.account_id}:parameter${local.user_pool_id_parameter}"
      },
      {
        Sid      = "ListUserMediaVersions"
        Effect   = "Allow"
        Action   = "s3:ListBucketVersions"
        Resource = var.media_bucket.arn
      },
      {
        Sid      = "EraseUserMedia"
        Effect   = "Allow"
        Action   = ["s3:DeleteObject", "s3:DeleteObjectVersion"]
        Resource = "${var.media_bucket.arn}/${var.media_prefix}*"
      },
      {
        Sid      = "UseKeys"
        Effect   = "Allow"
        Action   = "kms:Decrypt"
        Resource = [var.kms_key_arns.data, var.kms_key_arns.messaging]
      },
    ]
    # $connect: verify the token (trusted issuers from SSM; the issuers' keys, fetched, are also kept in the table
    # for the other region: live_socket/signing_keys.py), record and forget connections under the user.
    live_socket = [
      {
        Sid      = "RecordConnections"
        Effect   = "Allow"
        Action   = ["dynamodb:PutItem", "dynamodb:DeleteItem"]
        Resource = var.table.arn
      },
      {
        Sid       = "ReadKeptSigningKeys"
        Effect    = "Allow"
        Action    = "dynamodb:GetItem"
        Resource  = var.table.arn
        Condition = { "ForAllValues:StringLike" = { "dynamodb:LeadingKeys" = ["${var.signing_keys_prefix}*"] } }
      },
      {
        Sid      = "ReadTrustedIssuers"
        Effect   = "Allow"
        Action   = "ssm:GetParameter"
        Resource = "arn:${local.partition}:ssm:${local.region}:${local.account_id}:parameter${local.live_auth_parameter}"
      },
      {
        Sid      = "UseKeys"
        Effect   = "Allow"
        Action   = ["kms:Decrypt", "kms:GenerateDataKey"]
        Resource = [var.kms_key_arns.data, var.kms_key_arns.messaging]
      },
    ]
    # The table stream -> this site's connections (PostToConnection on this API only), push when offline.
    live_delivery = flatten([for live in local.live_configs : concat(
      [
        {
          Sid      = "ReadStream"
          Effect   = "Allow"
          Action   = ["dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator", "dynamodb:ListStreams"]
          Resource = var.table.stream_arn
        },
        {
          Sid      = "ConnectionsAndDevices"
          Effect   = "Allow"
          Action   = ["dynamodb:Query", "dynamodb:DeleteItem", "dynamodb:UpdateItem"]
          Resource = var.table.arn
        },
        {
          Sid      = "PostToConnections"
          Effect   = "Allow"
          Action   = "execute-api:ManageConnections"
          Resource = "${live.execution_arn}/${live.stage}/POST/@connections/*"
        },
        {
          Sid      = "PushToEndpoints"
          Effect   = "Allow"
          Action   = ["sns:Publish", "sns:GetEndpointAttributes", "sns:SetEndpointAttributes", "sns:DeleteEndpoint"]
          Resource = local.own_endpoints
        },
        {
          Sid      = "UseKeys"
          Effect   = "Allow"
          Action   = ["kms:Decrypt", "kms:GenerateDataKey"]
          Resource = [var.kms_key_arns.data, var.kms_key_arns.messaging]
        },
      ],
      length(local.platform_arns) == 0 ? [] : [{
        Sid      = "CreateEndpoints"
        Effect   = "Allow"
        Action   = "sns:CreatePlatformEndpoint"
        Resource = local.platform_arns
      }],
    )])
    # One pass per configured drill (none at the DR site): the statements differ in shape, so no conditional.
    drill = flatten([for d in local.drill_configs : concat(
      [
        {
          Sid      = "DescribeTableAndReplica"
          Effect   = "Allow"
          Action   = "dynamodb:DescribeTable"
          Resource = [var.table.arn, d.dr_table.arn]
        },
        {
          Sid       = "WriteCanaryItems"
          Effect    = "Allow"
          Action    = ["dynamodb:PutItem", "dynamodb:DeleteItem"]
          Resource  = var.table.arn
          Condition = { "ForAllValues:StringLike" = { "dynamodb:LeadingKeys" = [d.canary_partition] } }
        },
        {
          Sid       = "ReadReplicatedCanaryItems"
          Effect    = "Allow"
          Action    = "dynamodb:GetItem"
          Resource  = d.dr_table.arn
          Condition = { "ForAllValues:StringLike" = { "dynamodb:LeadingKeys" = [d.canary_partition] } }
        },
        {
          Sid      = "ReadMediaReplicationRules"
          Effect   = "Allow"
          Action   = "s3:GetReplicationConfiguration"
          Resource = var.media_bucket.arn
        },
        {
          Sid      = "WriteCanaryObjects"
          Effect   = "Allow"
          Action   = ["s3:PutObject", "s3:DeleteObject", "s3:DeleteObjectVersion"]
          Resource = "${var.media_bucket.arn}/${d.canary_prefix}*"
        },
        {
          Sid      = "ReadAndRemoveReplicatedCanaryObjects"
          Effect   = "Allow"
          Action   = ["s3:GetObject", "s3:GetObjectVersion", "s3:DeleteObject", "s3:DeleteObjectVersion"]
          Resource = "${d.dr_media_bucket.arn}/${d.canary_prefix}*"
        },
        {
          # Without it a copy that has not arrived answers 403 instead of 404. IfExists: that 404 check of
          # HeadObject carries no prefix; a listing that names one is held to the canary prefix.
          Sid       = "ListReplicatedCanaryObjects"
          Effect    = "Allow"
          Action    = "s3:ListBucket"
          Resource  = d.dr_media_bucket.arn
          Condition = { StringLikeIfExists = { "s3:prefix" = ["${d.canary_prefix}*"] } }
        },
        {
          Sid      = "UsePrimaryKeys"
          Effect   = "Allow"
          Action   = ["kms:Decrypt", "kms:GenerateDataKey"]
          Resource = [var.kms_key_arns.data, var.kms_key_arns.media]
        },
        {
          Sid      = "ReadWithDrKeys"
          Effect   = "Allow"
          Action   = "kms:Decrypt"
          Resource = [d.dr_kms_key_arns.data, d.dr_kms_key_arns.media]
        },
        {
          # The function's environment and its failure queue use the messaging key.
          Sid      = "UseMessagingKey"
          Effect   = "Allow"
          Action   = ["kms:Decrypt", "kms:GenerateDataKey"]
          Resource = var.kms_key_arns.messaging
        },
      ],
      flatten([for topic in d.alerts_topic == null ? [] : [d.alerts_topic] : [
        {
          Sid      = "AlertOnFailure"
          Effect   = "Allow"
          Action   = "sns:Publish"
          Resource = topic.arn
        },
        {
          # Publishing to an encrypted topic needs a data key as well as Decrypt.
          Sid      = "UseAlertsTopicKey"
          Effect   = "Allow"
          Action   = ["kms:Decrypt", "kms:GenerateDataKey"]
          Resource = topic.kms_key_arn
        },
      ]]),
    )])
  }
}
