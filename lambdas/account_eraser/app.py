"""DynamoDB stream batch -> erase deleted accounts in this region; partial batch failures. S3 event -> erase a
media object of a deleted account that landed late.

- The tombstone's INSERT (`DELETE /me` in either region, replicated to both): run every erase step of
  backend_core.account_erasure for the user, here.
- Any other INSERT/MODIFY of an item of a user whose tombstone exists: erase that item again (a late write).

- An S3 `ObjectCreated` event of this region's media bucket (an upload, or a replica landing after both
  regions' sweeps, S3 replication being asynchronous): when the key's owner has a tombstone, empty the owner's
  media prefix again. Invoked asynchronously by S3: an error is retried by Lambda, then goes to the on-failure
  destination.

Tombstones are read once per user per batch (`BatchTombstones`): a batch of a busy shard carries many records
of the same users, and each record used to cost its own GetItem.

In AWS the event source mapping filters to INSERT/MODIFY of user-owned items (terraform/modules/api); the
local stack's stream source delivers every record, so the checks are repeated here.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import unquote_plus

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import DynamoDBRecord
from botocore.exceptions import ClientError

from account_eraser.settings import Settings
from backend_core import aws, item_keys
from backend_core.account_erasure import (
    EraseContext,
    erase_everything,
    erase_landed_media,
    erase_late_item,
    stream_image,
)
from backend_core.entrypoint import Handler, lazy_lambda_handler
from backend_core.erasure_store import BatchTombstones, ErasureStore

logger = Logger(service="account-eraser")
metrics = Metrics(namespace="MobileBackend", service="account-eraser")


def create_handler(settings: Settings) -> Handler:
    dynamodb = aws.client("dynamodb", settings)
    tombstones = ErasureStore(dynamodb, settings.table_name)

    pool: dict[str, str | None] = {}

    def owning_pool() -> str | None:
        """The owning pool's id from its SSM parameter, read once per execution environment (it never changes).
        A missing parameter is a deployment error, raised (the record is retried, then goes to the failure
        queue), never taken as "no pool": that would leave the user in Cognito unnoticed."""
        if "id" not in pool:
            name = settings.user_pool_id_parameter
            if not name:
                pool["id"] = None
            else:
                try:
                    pool["id"] = aws.client("ssm", settings).get_parameter(Name=name)["Parameter"]["Value"]
                except ClientError as exc:
                    if exc.response["Error"]["Code"] != "ParameterNotFound":
                        raise
                    raise RuntimeError(
                        f"SSM parameter {name} (the user pool that owns the users) is missing: modules/api "
                        "writes it when `user_pool` is set"
                    ) from exc
        return pool["id"]

    def context(batch: BatchTombstones) -> EraseContext:
        return EraseContext(
            dynamodb=dynamodb,
            table=settings.table_name,
            s3=aws.client("s3", settings),
            media_bucket=settings.media_bucket,
            cognito=aws.client("cognito-idp", settings),
            region=settings.region,
            write_regions=settings.write_regions,
            erased={},
            owning_pool=owning_pool,
            tombstones=batch,
        )

    def record_handler_for(batch: BatchTombstones) -> Callable[[DynamoDBRecord], None]:
        """The handler of each record of one stream batch, reading tombstones through the batch's memo."""

        def record_handler(record: DynamoDBRecord) -> None:
            image = stream_image(record.raw_event)
            if image is None or "PK" not in image or "SK" not in image:
                return
            pk, sk = str(image["PK"]), str(image["SK"])
            if item_keys.is_account_erasure(pk, sk):
                erasure = batch.get(item_keys.user_id_of(pk))
                if erasure is None:
                    return
                counts = erase_everything(context(batch), erasure)
                metrics.add_metric(name="AccountsErased", unit=MetricUnit.Count, value=1)
                logger.info("account erased in this region", extra={"erased": counts})
                return
            for owner in item_keys.owners_of(pk, sk):
                if batch.get(owner, consistent=False) is not None:
                    erase_late_item(context(batch), image)
                    logger.info(
                        "late write of an erased account erased", extra={"sk_prefix": sk.split("#", 1)[0]}
                    )
                    return

        return record_handler

    def media_handler(event: dict) -> dict:
        erased = 0
        batch = BatchTombstones(tombstones)
        for record in event["Records"]:
            if not str(record.get("eventName", "")).startswith("ObjectCreated"):
                continue
            key = unquote_plus(record["s3"]["object"]["key"])  # S3 URL-encodes keys in events
            erased += erase_landed_media(context(batch), batch, key)
        if erased:
            metrics.add_metric(name="LateMediaErased", unit=MetricUnit.Count, value=erased)
            logger.info("media of an erased account that landed late erased", extra={"objects": erased})
        return {"erased": erased}

    def handler(event: dict, context_: object) -> dict:
        records = event.get("Records") or []
        if records and records[0].get("eventSource") == "aws:s3":
            return media_handler(event)
        processor = BatchProcessor(event_type=EventType.DynamoDBStreams, raise_on_entire_batch_failure=False)
        return process_partial_response(
            event=event,
            record_handler=record_handler_for(BatchTombstones(tombstones)),
            processor=processor,
            context=context_,
        )

    handler.dynamodb = dynamodb  # type: ignore[attr-defined]  # for tests that count its DynamoDB calls
    return handler


lambda_handler = lazy_lambda_handler(
    "account-eraser",
    lambda: create_handler(Settings.from_env()),  # type: ignore[arg-type]
    metrics,
)
