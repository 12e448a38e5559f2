"""S3 event (s3:ObjectRestore:Completed on the media bucket) -> a notification message for the object's owner.

Invoked asynchronously by S3: a failure raises, Lambda retries twice and then sends the event to the
function's failure destination (terraform/modules/api). Events of other objects or kinds are ignored.
"""

from __future__ import annotations

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit

from backend_core import aws
from backend_core.entrypoint import Handler, lazy_lambda_handler
from backend_core.media_store import MediaStore
from media_restored.restored import notification_for, restored_media
from media_restored.settings import Settings

logger = Logger(service="media-restored")
metrics = Metrics(namespace="MobileBackend", service="media-restored")


def create_handler(settings: Settings) -> Handler:
    media_objects = MediaStore(aws.client("dynamodb", settings), settings.table_name)
    sqs = aws.client(
        "sqs", settings
    )  # this region's notify queue: the DR region notifies with the primary dark

    def handler(event: dict, context: object) -> dict:
        notified = 0
        for record in event.get("Records") or []:
            found = restored_media(record)
            if found is None:
                continue
            owner, media_id = found
            media = media_objects.get(owner, media_id)
            if media is None:  # deleted since it was archived: nobody to tell
                logger.info("restored media has no owner record", extra={"media_id": media_id})
                continue
            message = notification_for(record, media)
            sqs.send_message(QueueUrl=settings.notify_queue_url, MessageBody=message.model_dump_json())
            notified += 1
        if notified:
            metrics.add_metric(name="RestoresNotified", unit=MetricUnit.Count, value=notified)
        return {"notified": notified}

    return handler


lambda_handler = lazy_lambda_handler(
    "media-restored",
    lambda: create_handler(Settings.from_env()),  # type: ignore[arg-type]
    metrics,
)
