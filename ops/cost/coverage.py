"""Every resource type an env plans, and how the cost model prices it: with meters of the price table, or
as free with the reason. tests/cost/test_coverage.py fails when a type in any env's plan is in neither
list, or names a meter the price table lacks: a new resource type cannot be added to the blueprint
without deciding what it costs. `ops cost estimate` warns about types it finds in neither (the optional
modules/legacy-sql, say: Aurora is not modelled).

`ops cost prices --types` prints this table.
"""

from __future__ import annotations

from dataclasses import dataclass

from ops.cost.profile import VIEWER_GEOGRAPHIES


@dataclass(frozen=True)
class Priced:
    meters: tuple[str, ...]  # price table meters (ops/pricing/aws_prices.json) the model bills it with
    how: str


@dataclass(frozen=True)
class Free:
    reason: str


RESOURCE_PRICING: dict[str, Priced | Free] = {
    # compute and API
    "aws_lambda_function": Priced(
        ("lambda.requests", "lambda.duration.arm64", "lambda.duration.x86_64", "xray.traces_recorded"),
        "invocations from the traffic; GB-seconds from memory_size, architectures and handler time; "
        "X-Ray traces when tracing_config is Active",
    ),
    "aws_lambda_alias": Free("aliases are free; invocations are billed on the function"),
    "aws_lambda_permission": Free("a resource policy statement"),
    "aws_ssm_parameter": Free(
        "a standard-tier parameter, read at standard throughput (the account eraser, per erasure)"
    ),
    "aws_lambda_function_event_invoke_config": Free("settings for asynchronous invocation"),
    "aws_lambda_event_source_mapping": Priced(
        ("sqs.standard.requests",),
        "Lambda's pollers call ReceiveMessage (SQS requests); DynamoDB stream reads by Lambda are free",
    ),
    "aws_apigatewayv2_api": Priced(
        (
            "apigateway.http.requests",
            "apigateway.websocket.connection_minutes",
            "apigateway.websocket.messages",
        ),
        "HTTP API requests; the live channel's WebSocket API by connection minutes and messages",
    ),
    "aws_apigatewayv2_stage": Priced(
        ("apigateway.http.requests", "cloudwatch.metrics.custom", "data_transfer.out_to_internet"),
        "requests, detailed (per-route) metrics when enabled, responses out to the internet",
    ),
    "aws_apigatewayv2_route": Free("routes are configuration; requests are billed on the API"),
    "aws_apigatewayv2_integration": Free("configuration of the API"),
    "aws_apigatewayv2_route_response": Free(
        "configuration of the WebSocket API (replies are billed as messages)"
    ),
    "aws_apigatewayv2_deployment": Free("a snapshot of the WebSocket API's routes"),
    "aws_api_gateway_account": Free("the account's API Gateway CloudWatch role setting"),
    "aws_apigatewayv2_authorizer": Free(
        "JWT authorizers are free; the live channel's REQUEST authorizer is live_socket, billed as its invocations"
    ),
    "aws_apigatewayv2_domain_name": Free("custom domain names of HTTP APIs are free"),
    "aws_apigatewayv2_api_mapping": Free("configuration of the domain name"),
    "aws_acm_certificate": Free("public ACM certificates are free"),
    "aws_acm_certificate_validation": Free("a wait for DNS validation, not a resource AWS bills"),
    # data
    "aws_dynamodb_table": Priced(
        (
            "dynamodb.ondemand.read_request_units",
            "dynamodb.ondemand.write_request_units",
            "dynamodb.ondemand.replicated_write_request_units",
            "dynamodb.provisioned.rcu_hours",
            "dynamodb.provisioned.wcu_hours",
            "dynamodb.provisioned.replicated_wcu_hours",
            "dynamodb.storage",
            "dynamodb.pitr",
            "data_transfer.inter_region",
        ),
        "reads and writes per route (route_work.py), replicas' replicated writes, storage and PITR in "
        "every region, replication transfer",
    ),
    "aws_s3_bucket": Priced(
        (
            "s3.standard.storage",
            "s3.intelligent_tiering.frequent.storage",
            "s3.intelligent_tiering.infrequent.storage",
            "s3.intelligent_tiering.archive_instant.storage",
            "s3.intelligent_tiering.deep_archive.storage",
            "s3.requests.tier1",
            "s3.requests.tier2",
        ),
        "storage by the bucket's role (media, logs, analytics, results, trail) and requests",
    ),
    "aws_s3_bucket_lifecycle_configuration": Priced(
        ("s3.lifecycle.transition_intelligent_tiering",),
        "transition requests; expirations bound how much each bucket keeps",
    ),
    "aws_s3_bucket_intelligent_tiering_configuration": Priced(
        ("s3.intelligent_tiering.deep_archive.storage", "s3.intelligent_tiering.monitoring"),
        "the archive tier it opts into; monitoring per object",
    ),
    "aws_s3_bucket_replication_configuration": Priced(
        (
            "data_transfer.inter_region",
            "s3.replication_time_control",
            "s3.requests.tier1",
            "cloudwatch.metrics.custom",
        ),
        "transfer to the other region, Replication Time Control, replica PUTs, replication metrics",
    ),
    "aws_s3_bucket_logging": Priced(
        ("s3.standard.storage",), "the access logs it writes into the log bucket"
    ),
    "aws_s3_bucket_inventory": Priced(
        ("s3.inventory.objects_listed",), "every object the bucket holds, listed in each report (daily)"
    ),
    "aws_s3_bucket_notification": Free("S3 sends event notifications for free; the function is billed on it"),
    "aws_s3_bucket_policy": Free("configuration of the bucket"),
    "aws_s3_bucket_public_access_block": Free("configuration of the bucket"),
    "aws_s3_bucket_ownership_controls": Free("configuration of the bucket"),
    "aws_s3_bucket_server_side_encryption_configuration": Free(
        "configuration of the bucket (the KMS requests it causes are on the key, with bucket keys)"
    ),
    "aws_s3_bucket_versioning": Free(
        "configuration (media keys are never overwritten: no noncurrent versions)"
    ),
    # edge
    "aws_cloudfront_distribution": Priced(
        tuple(
            f"cloudfront.{meter}.{geography}"
            for geography in VIEWER_GEOGRAPHIES
            for meter in ("data_transfer_out", "https_requests")
        ),
        "downloads and bytes by viewer geography (the profile's viewer shares) within the price class",
    ),
    "aws_cloudfront_origin_access_control": Free("configuration of the distribution"),
    "aws_cloudfront_response_headers_policy": Free("configuration of the distribution"),
    "aws_cloudfront_public_key": Free("configuration of the distribution"),
    "aws_cloudfront_key_group": Free("configuration of the distribution"),
    "aws_cloudwatch_log_delivery": Priced(
        ("cloudwatch.logs.vended_to_s3", "cloudwatch.logs.vended_parquet_conversion"),
        "CloudFront standard logs (v2) delivered to S3",
    ),
    "aws_cloudwatch_log_delivery_source": Free("configuration of the log delivery"),
    "aws_cloudwatch_log_subscription_filter": Free(
        "no charge for the filter; the usage lines it forwards are billed as the log group's ingestion and the "
        "Firehose stream's ingestion"
    ),
    "aws_cloudwatch_log_delivery_destination": Free("configuration of the log delivery"),
    "aws_route53_health_check": Priced(
        ("route53.health_checks.aws_endpoint", "route53.health_checks.optional_feature.aws_endpoint"),
        "per check and optional feature (HTTPS, latency measurement, ...); its requests reach the API",
    ),
    "aws_route53_record": Free("alias records to API Gateway and CloudFront answer queries for free"),
    # identity
    "aws_cognito_user_pool": Priced(
        ("cognito.mau.lite", "cognito.mau.essentials", "cognito.mau.plus"), "MAU at the pool's feature plan"
    ),
    "aws_cognito_user_pool_client": Free("app clients are free (no machine-to-machine client credentials)"),
    "aws_cognito_user_group": Free("groups are free"),
    "aws_cognito_identity_pool": Free("identity pools (federated identities) are free"),
    "aws_cognito_identity_pool_roles_attachment": Free("configuration of the identity pool"),
    "aws_cognito_identity_pool_provider_principal_tag": Free("configuration of the identity pool"),
    "aws_cognito_user_pool_domain": Free(
        "the managed login domain: its sign-ins are billed as the pool's MAU (Essentials includes managed login)"
    ),
    "aws_cognito_managed_login_branding": Free("configuration of the managed login pages"),
    # messaging
    "aws_sqs_queue": Priced(("sqs.standard.requests",), "sends, Lambda's polls and deletes"),
    "aws_sqs_queue_redrive_allow_policy": Free("configuration of the queue"),
    "aws_sns_topic": Priced(("sns.requests",), "alarm notifications (rare) and endpoint calls"),
    "aws_sns_topic_policy": Free("configuration of the topic"),
    "aws_sns_topic_subscription": Priced(("sns.email",), "e-mails sent when an alarm fires (rare)"),
    "aws_sns_platform_application": Priced(("sns.mobile_push", "sns.requests"), "push deliveries"),
    # analytics
    "aws_kinesis_firehose_delivery_stream": Priced(
        ("firehose.ingestion", "firehose.format_conversion"), "every usage event, rounded up to 5 KB"
    ),
    "aws_glue_catalog_database": Priced(("glue.catalog.storage",), "catalog objects"),
    "aws_glue_catalog_table": Priced(
        ("glue.catalog.storage", "glue.catalog.requests"), "catalog objects, lookups"
    ),
    "aws_athena_workgroup": Priced(("athena.data_scanned",), "bytes the analysts' queries scan"),
    "aws_athena_named_query": Free("saved query text"),
    # keys and secrets
    "aws_kms_key": Priced(
        ("kms.keys", "kms.rotations", "kms.requests"), "per key-month, rotations, requests"
    ),
    "aws_kms_replica_key": Priced(("kms.keys", "kms.requests"), "a multi-Region replica is billed as a key"),
    "aws_kms_alias": Free("aliases are free"),
    "aws_secretsmanager_secret": Priced(
        ("secretsmanager.secrets", "secretsmanager.api_calls"), "per secret and replica, and reads"
    ),
    "aws_secretsmanager_secret_version": Free("the value of a secret, billed with the secret"),
    # observability
    "aws_cloudwatch_log_group": Priced(
        (
            "cloudwatch.logs.ingestion.standard",
            "cloudwatch.logs.ingestion.infrequent_access",
            "cloudwatch.logs.storage",
        ),
        "ingestion by what writes into it, storage within its retention",
    ),
    "aws_cloudwatch_log_stream": Free("a stream inside a priced log group"),
    "aws_cloudwatch_metric_alarm": Priced(
        ("cloudwatch.alarms.standard", "cloudwatch.alarms.high_resolution"), "per metric in the alarm"
    ),
    "aws_cloudwatch_dashboard": Priced(("cloudwatch.dashboards",), "per dashboard"),
    "aws_budgets_budget": Free("budgets without actions are free"),
    "aws_cloudtrail": Priced(
        (
            "cloudtrail.management_events.first_copy",
            "s3.standard.storage",
            "cloudwatch.logs.ingestion.standard",
        ),
        "the first copy of management events is free; its S3 objects and CloudWatch Logs copy are not",
    ),
    # DR and drills
    "aws_scheduler_schedule": Priced(("scheduler.invocations",), "runs of the schedule"),
    "aws_fis_experiment_template": Free(
        "templates are free; an experiment bills action-minutes while it runs"
    ),
    # access
    "aws_iam_role": Free("IAM is free"),
    "aws_iam_role_policy": Free("IAM is free"),
    "aws_iam_role_policy_attachment": Free("IAM is free"),
    "aws_iam_policy": Free("IAM is free"),
    "aws_iam_openid_connect_provider": Free("IAM is free"),
    # Terraform itself
    "terraform_data": Free("Terraform's own resource: nothing in AWS"),
}


def unpriced(resource_types: set[str] | frozenset[str]) -> list[str]:
    """Types neither priced nor declared free, sorted."""
    return sorted(t for t in resource_types if t not in RESOURCE_PRICING)
