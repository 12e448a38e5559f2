"""Provision the `local` environment in the primary and the DR region on the emulator.

The same contracts Terraform reads build the resources (table design, usage-event columns,
archival policy and media inventory, media replication); the result is the stack-outputs document plus the per-region details the
stand-ins need.
"""

from __future__ import annotations

import json

from pydantic import BaseModel, ConfigDict

from backend_core.archival import ARCHIVAL_POLICY, INVENTORY_COLUMNS, MEDIA_INVENTORY
from backend_core.identity import IDENTITY
from backend_core.media_replication import MEDIA_REPLICATION, ReplicationRule
from backend_core.s3_layout import MEDIA_PREFIX
from backend_core.table_design import TABLE_DESIGN
from backend_core.usage_events import (
    PARTITION_KEY,
    S3_ERROR_PREFIX,
    S3_PREFIX,
    TABLE_NAME,
    TIMESTAMP_FORMATS,
    glue_columns,
)
from ops.analytics.catalog import named_queries
from ops.local.aws import client
from ops.local.config import ACCOUNT_ID, Names, StackConfig
from ops.stack_outputs import StackOutputs

# The analytics bucket's lifecycle, as modules/analytics gives its events bucket (event_retention_days at the
# module's default; noncurrent versions 30 days; incomplete uploads 7 days, modules/secure-bucket).
ANALYTICS_LIFECYCLE = [
    {
        "ID": "expire-and-clean-up",
        "Status": "Enabled",
        "Filter": {},
        "Expiration": {"Days": 730},
        "NoncurrentVersionExpiration": {"NoncurrentDays": 30},
        "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 7},
    }
]

NOTIFY_MAX_RECEIVE_COUNT = 3  # redrive to the DLQ after this many receives, as in the blueprint


class RegionResources(BaseModel):
    """What one region holds, as the handlers and stand-ins need it."""

    model_config = ConfigDict(frozen=True)
    region: str
    table_name: str
    table_stream_arn: str
    media_bucket: str
    notify_queue_url: str
    notify_dlq_url: str
    usage_stream_name: str
    platform_app_arns: dict[str, str]
    kms_key_arn: str
    replication_queue_url: str = ""  # this region's media bucket events, for the replicator


class Provisioned(BaseModel):
    model_config = ConfigDict(frozen=True)
    outputs: StackOutputs
    primary: RegionResources
    dr: RegionResources
    replication_queue_url: str
    jwks_url: str


def provision(
    config: StackConfig, endpoint_url: str, api_urls: dict[str, str], live_urls: dict[str, str] | None = None
) -> Provisioned:
    names = Names(env=config.env)
    primary = _provision_region(config.primary_region, names, endpoint_url, is_primary=True)
    dr = _provision_region(config.dr_region, names, endpoint_url, is_primary=False)
    primary = primary.model_copy(
        update={"replication_queue_url": _replication_queue(primary.region, names, endpoint_url)}
    )
    dr = dr.model_copy(update={"replication_queue_url": _replication_queue(dr.region, names, endpoint_url)})
    _replicate(names, endpoint_url, primary, dr, MEDIA_REPLICATION.to_dr)
    _replicate(names, endpoint_url, dr, primary, MEDIA_REPLICATION.to_primary)
    replication_queue_url = primary.replication_queue_url
    auth = _identity(config.primary_region, names, endpoint_url)
    analytics = _analytics(config.primary_region, names, endpoint_url, (primary, dr))
    dr_outputs = _failover(config.primary_region, names, endpoint_url, api_urls)
    alerts = client("sns", config.primary_region, endpoint_url).create_topic(
        Name=names.alerts_topic, Attributes={"KmsMasterKeyId": primary.kms_key_arn}
    )["TopicArn"]
    outputs = StackOutputs.model_validate(
        {
            "env": config.env,
            "primary_region": config.primary_region,
            "dr_region": config.dr_region,
            "endpoint_url": endpoint_url,
            "api": api_urls,
            "auth": auth,
            "table": {"name": primary.table_name, "stream_arn": primary.table_stream_arn},
            "media": {"bucket": {"primary": primary.media_bucket, "dr": dr.media_bucket}, "cdn_domain": None},
            "notifications": {
                "queue_url": primary.notify_queue_url,
                "platform_applications": primary.platform_app_arns,
            },
            "analytics": analytics,
            "dr": dr_outputs,
            "alerts_topic_arn": alerts,
            "live": live_urls,
        }
    )
    return Provisioned(
        outputs=outputs,
        primary=primary,
        dr=dr,
        replication_queue_url=replication_queue_url,
        jwks_url=f"{endpoint_url}/{auth['user_pool_id']}/.well-known/jwks.json",
    )


def _provision_region(region: str, names: Names, endpoint_url: str, *, is_primary: bool) -> RegionResources:
    kms = client("kms", region, endpoint_url)
    key_arn = kms.create_key(Description=f"{names.prefix} data key ({region})")["KeyMetadata"]["Arn"]

    ddb = client("dynamodb", region, endpoint_url)
    args = TABLE_DESIGN.to_boto3_create_args(names.table)
    args["SSESpecification"] = {"Enabled": True, "SSEType": "KMS", "KMSMasterKeyId": key_arn}
    table = ddb.create_table(**args)["TableDescription"]
    ddb.update_time_to_live(
        TableName=names.table,
        TimeToLiveSpecification={"Enabled": True, "AttributeName": TABLE_DESIGN.ttl_attribute},
    )

    media_bucket = names.media_bucket(region)
    _secure_bucket(region, media_bucket, endpoint_url, key_arn)
    _archival(region, media_bucket, endpoint_url, archives=is_primary)

    sqs = client("sqs", region, endpoint_url)
    dlq_url = sqs.create_queue(QueueName=names.notify_dlq, Attributes={"SqsManagedSseEnabled": "true"})[
        "QueueUrl"
    ]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=["QueueArn"])["Attributes"][
        "QueueArn"
    ]
    queue_url = sqs.create_queue(
        QueueName=names.notify_queue,
        Attributes={
            "SqsManagedSseEnabled": "true",
            "VisibilityTimeout": "30",
            "RedrivePolicy": json.dumps(
                {"deadLetterTargetArn": dlq_arn, "maxReceiveCount": NOTIFY_MAX_RECEIVE_COUNT}
            ),
        },
    )["QueueUrl"]

    sns = client("sns", region, endpoint_url)
    platform_apps = {
        "apns": sns.create_platform_application(
            Name=f"{names.prefix}-apns",
            Platform="APNS",
            Attributes={"PlatformCredential": "local-placeholder", "PlatformPrincipal": "local-placeholder"},
        )["PlatformApplicationArn"],
        "fcm": sns.create_platform_application(
            Name=f"{names.prefix}-fcm", Platform="GCM", Attributes={"PlatformCredential": "local-placeholder"}
        )["PlatformApplicationArn"],
    }

    if is_primary:  # usage events of both regions land in the one analytics bucket
        _secure_bucket(region, names.analytics_bucket(region), endpoint_url, key_arn)
        client("s3", region, endpoint_url).put_bucket_lifecycle_configuration(
            Bucket=names.analytics_bucket(region), LifecycleConfiguration={"Rules": ANALYTICS_LIFECYCLE}
        )
        # The daily S3 Inventory of the media bucket (S3 delivers only to a bucket of the same region).
        client("s3", region, endpoint_url).put_bucket_inventory_configuration(
            Bucket=media_bucket,
            Id=MEDIA_INVENTORY.configuration_id,
            InventoryConfiguration=MEDIA_INVENTORY.s3_configuration(names.analytics_bucket(region)),
        )
    return RegionResources(
        region=region,
        table_name=names.table,
        table_stream_arn=table["LatestStreamArn"],
        media_bucket=media_bucket,
        notify_queue_url=queue_url,
        notify_dlq_url=dlq_url,
        usage_stream_name=names.usage_stream,
        platform_app_arns=platform_apps,
        kms_key_arn=key_arn,
    )


def _secure_bucket(region: str, bucket: str, endpoint_url: str, key_arn: str) -> None:
    s3 = client("s3", region, endpoint_url)
    create: dict = {"Bucket": bucket}
    if region != "us-east-1":
        create["CreateBucketConfiguration"] = {"LocationConstraint": region}
    s3.create_bucket(**create)
    s3.put_public_access_block(
        Bucket=bucket,
        PublicAccessBlockConfiguration={
            "BlockPublicAcls": True,
            "IgnorePublicAcls": True,
            "BlockPublicPolicy": True,
            "RestrictPublicBuckets": True,
        },
    )
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    s3.put_bucket_encryption(
        Bucket=bucket,
        ServerSideEncryptionConfiguration={
            "Rules": [
                {
                    "ApplyServerSideEncryptionByDefault": {
                        "SSEAlgorithm": "aws:kms",
                        "KMSMasterKeyID": key_arn,
                    },
                    "BucketKeyEnabled": True,
                }
            ]
        },
    )
    # No TLS-only bucket policy here: moto enforces bucket policies and the emulator speaks plain HTTP on
    # loopback, so `aws:SecureTransport = false` would deny every request. The blueprint applies it.


def _archival(region: str, bucket: str, endpoint_url: str, *, archives: bool) -> None:
    """The blueprint's archival settings (modules/secure-bucket from the archival contract): the lifecycle of
    both media buckets, Intelligent-Tiering's archive tiers on the primary only (the DR copy never archives)."""
    from drill.settings import canary_contract

    canary = canary_contract()
    s3 = client("s3", region, endpoint_url)
    s3.put_bucket_lifecycle_configuration(
        Bucket=bucket,
        LifecycleConfiguration={
            "Rules": ARCHIVAL_POLICY.lifecycle_rules(
                {canary["canary_prefix"]: canary["canary_object_expire_days"]}
            )
        },
    )
    if archives:
        configuration = ARCHIVAL_POLICY.intelligent_tiering_configuration()
        s3.put_bucket_intelligent_tiering_configuration(
            Bucket=bucket, Id=configuration["Id"], IntelligentTieringConfiguration=configuration
        )


def apply_bucket_settings(names: Names, region: str, endpoint_url: str, *, is_primary: bool) -> None:
    """Put the blueprint's archival settings on a region's media bucket again (the stack's reset): what a test
    changed or added is undone."""
    s3 = client("s3", region, endpoint_url)
    for found in s3.list_bucket_intelligent_tiering_configurations(Bucket=names.media_bucket(region)).get(
        "IntelligentTieringConfigurationList", []
    ):
        s3.delete_bucket_intelligent_tiering_configuration(Bucket=names.media_bucket(region), Id=found["Id"])
    _archival(region, names.media_bucket(region), endpoint_url, archives=is_primary)
    if is_primary:
        client("s3", region, endpoint_url).put_bucket_inventory_configuration(
            Bucket=names.media_bucket(region),
            Id=MEDIA_INVENTORY.configuration_id,
            InventoryConfiguration=MEDIA_INVENTORY.s3_configuration(names.analytics_bucket(region)),
        )


def onboarding_function_arn(region: str, names: Names) -> str:
    """The onboarding function, the user pool's post-confirmation trigger (the blueprint wires the same)."""
    return f"arn:aws:lambda:{region}:{ACCOUNT_ID}:function:{names.function('onboarding')}"


def function_arn(region: str, names: Names, package: str) -> str:
    """A function of a region (the blueprint's name for it: modules/api)."""
    return f"arn:aws:lambda:{region}:{ACCOUNT_ID}:function:{names.function(package)}"


def restored_function_arn(region: str, names: Names) -> str:
    """The media-restored function of a region."""
    return function_arn(region, names, "media_restored")


def _replication_queue(region: str, names: Names, endpoint_url: str) -> str:
    """The media bucket's notifications feed the replicator (no listing scans), one queue per region; its
    restore-completed events the region's media-restored function and its media objects created the account
    eraser (as the blueprint's modules/api)."""
    sqs = client("sqs", region, endpoint_url)
    # Long visibility: the replicator may hold a message for the configured lag before applying it.
    url = sqs.create_queue(
        QueueName=names.replication_queue,
        Attributes={"SqsManagedSseEnabled": "true", "VisibilityTimeout": "3600"},
    )["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    client("s3", region, endpoint_url).put_bucket_notification_configuration(
        Bucket=names.media_bucket(region),
        NotificationConfiguration={
            "QueueConfigurations": [
                {"QueueArn": arn, "Events": ["s3:ObjectCreated:*", "s3:ObjectRemoved:*"]}
            ],
            "LambdaFunctionConfigurations": [
                {
                    "Id": "media-restored",
                    "LambdaFunctionArn": restored_function_arn(region, names),
                    "Events": ["s3:ObjectRestore:Completed"],
                    "Filter": {"Key": {"FilterRules": [{"Name": "prefix", "Value": MEDIA_PREFIX}]}},
                },
                {
                    # A media version landing late (a replica after both regions' sweeps) is erased again.
                    "Id": "account-eraser",
                    "LambdaFunctionArn": function_arn(region, names, "account_eraser"),
                    "Events": ["s3:ObjectCreated:*"],
                    "Filter": {"Key": {"FilterRules": [{"Name": "prefix", "Value": MEDIA_PREFIX}]}},
                },
            ],
        },
    )
    return url


def _replicate(
    names: Names, endpoint_url: str, source: RegionResources, target: RegionResources, rule: ReplicationRule
) -> None:
    """The blueprint's replication rule (the media replication contract) on the source bucket; the local
    replicator reads it back and follows it."""
    client("s3", source.region, endpoint_url).put_bucket_replication(
        Bucket=source.media_bucket,
        ReplicationConfiguration={
            "Role": f"arn:aws:iam::{ACCOUNT_ID}:role/{names.prefix}-s3-replication",
            "Rules": [rule.s3_rule(f"arn:aws:s3:::{target.media_bucket}", target.kms_key_arn)],
        },
    )


def _identity(region: str, names: Names, endpoint_url: str) -> dict:
    idp = client("cognito-idp", region, endpoint_url)
    pool = idp.create_user_pool(
        PoolName=names.user_pool,
        UsernameAttributes=["email"],
        AutoVerifiedAttributes=["email"],
        MfaConfiguration="OFF",  # TOTP setup needs a real authenticator app; the blueprint turns it on
        Policies={
            "PasswordPolicy": {
                "MinimumLength": IDENTITY.password_minimum_length,
                "RequireUppercase": True,
                "RequireLowercase": True,
                "RequireNumbers": True,
                "RequireSymbols": False,
            }
        },
        # Every confirmed user joins `consumers` (lambdas/onboarding; invoked by ops/local/stand_ins/cognito_triggers.py).
        LambdaConfig={"PostConfirmation": f"{onboarding_function_arn(region, names)}:live"},
    )["UserPool"]
    app_client = idp.create_user_pool_client(
        UserPoolId=pool["Id"],
        ClientName=f"{names.prefix}-mobile",
        GenerateSecret=False,
        ExplicitAuthFlows=list(
            IDENTITY.app_client_auth_flows
        ),  # exactly the blueprint's (the gateway enforces)
        PreventUserExistenceErrors="ENABLED",
    )["UserPoolClient"]
    for group, description in IDENTITY.groups.items():
        idp.create_group(UserPoolId=pool["Id"], GroupName=group, Description=description)
    issuer = f"https://cognito-idp.{region}.amazonaws.com/{pool['Id']}"
    identity_pool = client("cognito-identity", region, endpoint_url).create_identity_pool(
        IdentityPoolName=names.identity_pool,
        AllowUnauthenticatedIdentities=False,
        CognitoIdentityProviders=[
            {"ProviderName": issuer.removeprefix("https://"), "ClientId": app_client["ClientId"]}
        ],
    )
    return {
        "user_pool_id": pool["Id"],
        "client_id": app_client["ClientId"],
        "identity_pool_id": identity_pool["IdentityPoolId"],
        "issuer": issuer,
    }


# The blueprint's processors for a CloudWatch Logs source (terraform/modules/analytics), in the API's spelling.
USAGE_LOG_PROCESSING = {
    "Enabled": True,
    "Processors": [
        {
            "Type": "Decompression",
            "Parameters": [{"ParameterName": "CompressionFormat", "ParameterValue": "GZIP"}],
        },
        {
            "Type": "CloudWatchLogProcessing",
            "Parameters": [{"ParameterName": "DataMessageExtraction", "ParameterValue": "true"}],
        },
    ],
}


def _analytics(region: str, names: Names, endpoint_url: str, regions: tuple[RegionResources, ...]) -> dict:
    bucket = names.analytics_bucket(region)
    role = f"arn:aws:iam::{ACCOUNT_ID}:role/{names.prefix}-firehose"
    for res in (
        regions
    ):  # configured as the blueprint's; ops/local/stand_ins/firehose_conversion.py does the delivery
        client("firehose", res.region, endpoint_url).create_delivery_stream(
            DeliveryStreamName=res.usage_stream_name,
            DeliveryStreamType="DirectPut",
            ExtendedS3DestinationConfiguration={
                "RoleARN": role,
                "BucketARN": f"arn:aws:s3:::{bucket}",
                "Prefix": S3_PREFIX,
                "ErrorOutputPrefix": S3_ERROR_PREFIX,
                "BufferingHints": {"SizeInMBs": 64, "IntervalInSeconds": 60},
                "CompressionFormat": "UNCOMPRESSED",
                # The API's log groups reach it through a subscription (ops/local/stand_ins/log_subscription.py):
                # gzip'd CloudWatch Logs documents, decompressed and unwrapped to the usage-event lines.
                "ProcessingConfiguration": USAGE_LOG_PROCESSING,
                "DataFormatConversionConfiguration": {
                    "Enabled": True,
                    "SchemaConfiguration": {
                        "RoleARN": role,
                        "DatabaseName": names.glue_database,
                        "TableName": TABLE_NAME,
                        "Region": region,
                    },
                    "InputFormatConfiguration": {
                        "Deserializer": {"HiveJsonSerDe": {"TimestampFormats": list(TIMESTAMP_FORMATS)}}
                    },
                    "OutputFormatConfiguration": {"Serializer": {"ParquetSerDe": {"Compression": "SNAPPY"}}},
                },
            },
        )
    glue = client("glue", region, endpoint_url)
    glue.create_database(DatabaseInput={"Name": names.glue_database, "Description": "usage analytics"})
    glue.create_table(
        DatabaseName=names.glue_database,
        TableInput={
            "Name": TABLE_NAME,
            "TableType": "EXTERNAL_TABLE",
            "PartitionKeys": [{"Name": PARTITION_KEY, "Type": "string"}],
            "StorageDescriptor": {
                "Columns": [
                    {"Name": c["name"], "Type": c["type"], "Comment": c["comment"]} for c in glue_columns()
                ],
                "Location": f"s3://{bucket}/{TABLE_NAME}/",
                "InputFormat": "org.apache.hadoop.hive.ql.io.parquet.MapredParquetInputFormat",
                "OutputFormat": "org.apache.hadoop.hive.ql.io.parquet.MapredParquetOutputFormat",
                "SerdeInfo": {
                    "SerializationLibrary": "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe"
                },
            },
            "Parameters": {
                "classification": "parquet",
                "projection.enabled": "true",
                f"projection.{PARTITION_KEY}.type": "date",
                f"projection.{PARTITION_KEY}.format": "yyyy-MM-dd",
                f"projection.{PARTITION_KEY}.range": "2024-01-01,NOW",
                "storage.location.template": f"s3://{bucket}/{TABLE_NAME}/{PARTITION_KEY}=${{{PARTITION_KEY}}}/",
            },
        },
    )
    _inventory_table(glue, names, bucket, names.media_bucket(region))
    athena = client("athena", region, endpoint_url)
    athena.create_work_group(
        Name=names.workgroup,
        Configuration={
            "ResultConfiguration": {
                "OutputLocation": f"s3://{bucket}/athena-results/",
                "EncryptionConfiguration": {"EncryptionOption": "SSE_S3"},
            },
            "EnforceWorkGroupConfiguration": True,
        },
    )
    for (
        named
    ) in named_queries():  # the blueprint creates the same (terraform/contracts/athena_named_queries.json)
        athena.create_named_query(
            Name=named["name"],
            Description=named["description"],
            Database=names.glue_database,
            QueryString=named["query"],
            WorkGroup=names.workgroup,
        )
    return {
        "bucket": bucket,
        "database": names.glue_database,
        "table": TABLE_NAME,
        "workgroup": names.workgroup,
    }


def _inventory_table(glue: object, names: Names, bucket: str, source_bucket: str) -> None:
    """The Glue table over the media inventory's reports, as the blueprint's modules/analytics defines it:
    S3's hive-compatible symlink manifests, partition projection on `dt` (hourly stamps)."""
    inventory = MEDIA_INVENTORY
    glue.create_table(  # type: ignore[attr-defined]
        DatabaseName=names.glue_database,
        TableInput={
            "Name": inventory.table,
            "TableType": "EXTERNAL_TABLE",
            "PartitionKeys": [{"Name": inventory.partition_key, "Type": "string"}],
            "StorageDescriptor": {
                "Columns": [{"Name": name, "Type": kind} for name, kind, _ in INVENTORY_COLUMNS],
                "Location": f"s3://{bucket}/{inventory.hive_prefix(source_bucket)}",
                "InputFormat": "org.apache.hadoop.hive.ql.io.SymlinkTextInputFormat",
                "OutputFormat": "org.apache.hadoop.hive.ql.io.IgnoreKeyTextOutputFormat",
                "SerdeInfo": {
                    "SerializationLibrary": "org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe"
                },
            },
            "Parameters": {
                "projection.enabled": "true",
                f"projection.{inventory.partition_key}.type": "date",
                f"projection.{inventory.partition_key}.format": inventory.partition_format,
                f"projection.{inventory.partition_key}.range": "2024-01-01-00-00,NOW",
                f"projection.{inventory.partition_key}.interval": "1",
                f"projection.{inventory.partition_key}.interval.unit": "HOURS",
            },
        },
    )


def _failover(region: str, names: Names, endpoint_url: str, api_urls: dict[str, str]) -> dict:
    """Route 53 health check + failover records. moto always reports healthy, so locally the
    `ops local region down` knob is the source of truth; the records document the intent."""
    r53 = client("route53", region, endpoint_url)
    port = int(api_urls["primary"].rsplit(":", 1)[1])
    check = r53.create_health_check(
        CallerReference=f"{names.prefix}-primary",
        HealthCheckConfig={
            "IPAddress": "127.0.0.1",
            "Port": port,
            "Type": "HTTP",
            "ResourcePath": "/health",
            "RequestInterval": 10,
            "FailureThreshold": 3,
        },
    )["HealthCheck"]
    zone = r53.create_hosted_zone(Name=names.zone, CallerReference=f"{names.prefix}-zone")["HostedZone"]
    record = f"api.{names.zone}"
    changes = []
    for role, url in (("PRIMARY", api_urls["primary"]), ("SECONDARY", api_urls["dr"])):
        record_set: dict = {
            "Name": record,
            "Type": "CNAME",
            "SetIdentifier": role.lower(),
            "Failover": role,
            "TTL": 30,
            "ResourceRecords": [{"Value": url.split("//", 1)[1].split(":", 1)[0]}],
        }
        if role == "PRIMARY":
            record_set["HealthCheckId"] = check["Id"]
        changes.append({"Action": "CREATE", "ResourceRecordSet": record_set})
    r53.change_resource_record_sets(HostedZoneId=zone["Id"], ChangeBatch={"Changes": changes})
    return {"health_check_id": check["Id"], "failover_record": record}
