"""SQS event -> {"batchItemFailures": [...]}: only the messages that failed are retried; a message that
keeps failing (a poison message) reaches the DLQ through the queue's redrive policy."""

from __future__ import annotations

from datetime import UTC, datetime

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.sqs_event import SQSRecord

from backend_core import aws
from backend_core.broadcast_store import BroadcastStore
from backend_core.device_store import DeviceStore
from backend_core.entrypoint import Handler, lazy_lambda_handler
from backend_core.inbox_store import InboxStore
from backend_core.notifications import BroadcastJob, parse_queue_message
from backend_core.push import PushChannel
from backend_core.subscription_store import SubscriptionStore
from notify_worker.fanout import FanOut, JobQueue, run_page
from notify_worker.settings import Settings
from notify_worker.worker import Recipients, deliver

logger = Logger(service="notify-worker")
metrics = Metrics(namespace="MobileBackend", service="notify-worker")


def create_handler(settings: Settings) -> Handler:
    dynamodb = aws.client("dynamodb", settings)
    recipients = Recipients(
        InboxStore(dynamodb, settings.table_name), DeviceStore(dynamodb, settings.table_name)
    )
    # Only this region's SNS: the DR region must deliver with the primary region dark.
    channel = PushChannel(aws.client("sns", settings), settings.region, settings.platform_app_arns)
    # A broadcast's next page goes back onto this region's own queue (the one this worker consumes).
    fan_out = FanOut(
        SubscriptionStore(dynamodb, settings.table_name, settings.region),
        recipients,
        BroadcastStore(dynamodb, settings.table_name, settings.region),
        JobQueue(aws.client("sqs", settings), settings.notify_queue_url),
        channel,
    )

    def record_handler(record: SQSRecord) -> None:
        message = parse_queue_message(record.body)  # invalid -> failure -> DLQ eventually
        if isinstance(message, BroadcastJob):
            page = run_page(fan_out, message, datetime.now(UTC).isoformat().replace("+00:00", "Z"))
            metrics.add_metric(name="BroadcastRecipients", unit=MetricUnit.Count, value=page.recipients)
            metrics.add_metric(name="PushesDelivered", unit=MetricUnit.Count, value=page.pushes)
            if page.disabled:
                metrics.add_metric(name="EndpointsDisabled", unit=MetricUnit.Count, value=page.disabled)
            return
        result = deliver(recipients, channel, message)
        metrics.add_metric(name="PushesDelivered", unit=MetricUnit.Count, value=result.delivered)
        if result.disabled:
            metrics.add_metric(name="EndpointsDisabled", unit=MetricUnit.Count, value=result.disabled)

    def handler(event: dict, context: object) -> dict:
        # A processor per call (handlers may run concurrently locally). Every failure is reported as an item
        # failure, even when the whole batch failed, so only those messages are retried and poison reaches the DLQ.
        processor = BatchProcessor(event_type=EventType.SQS, raise_on_entire_batch_failure=False)
        return process_partial_response(
            event=event, record_handler=record_handler, processor=processor, context=context
        )

    return handler


lambda_handler = lazy_lambda_handler(
    "notify-worker",
    lambda: create_handler(Settings.from_env()),  # type: ignore[arg-type]
    metrics,
)
