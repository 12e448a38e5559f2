"""DynamoDB stream batch -> one S3 object per TTL expiry; partial batch failures so only failed records retry.

In AWS the event source mapping already filters to TTL removals; the check is repeated here because the
local stack (and any future mapping) may deliver every record.
"""

from __future__ import annotations

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import DynamoDBRecord
from botocore.exceptions import ClientError

from backend_core import aws
from backend_core.entrypoint import Handler, lazy_lambda_handler
from ttl_archiver.archive import archive_document, archive_key, encode, is_ttl_expiry
from ttl_archiver.settings import Settings

logger = Logger(service="ttl-archiver")
metrics = Metrics(namespace="MobileBackend", service="ttl-archiver")


def create_handler(settings: Settings) -> Handler:
    s3 = aws.client("s3", settings)

    def record_handler(record: DynamoDBRecord) -> None:
        raw = record.raw_event
        if not is_ttl_expiry(raw):
            return
        try:
            s3.put_object(
                Bucket=settings.media_bucket,
                Key=archive_key(settings.archive_prefix, raw),
                Body=encode(archive_document(raw)),
                ContentType="application/json",
                IfNoneMatch="*",  # archived already (a retry, or the other region's copy): keep that one
            )
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") != "PreconditionFailed":
                raise  # 409 ConditionalRequestConflict (a concurrent write) and the rest: retried
            metrics.add_metric(name="ItemsAlreadyArchived", unit=MetricUnit.Count, value=1)
            return
        metrics.add_metric(name="ItemsArchived", unit=MetricUnit.Count, value=1)

    def handler(event: dict, context: object) -> dict:
        processor = BatchProcessor(event_type=EventType.DynamoDBStreams, raise_on_entire_batch_failure=False)
        return process_partial_response(
            event=event, record_handler=record_handler, processor=processor, context=context
        )

    return handler


lambda_handler = lazy_lambda_handler(
    "ttl-archiver",
    lambda: create_handler(Settings.from_env()),  # type: ignore[arg-type]
    metrics,
)
