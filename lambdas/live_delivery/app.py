"""DynamoDB stream batch -> live events posted to this region's connections (live_delivery/delivery.py); partial
batch failures.

In AWS the event source mapping passes only writes of items some mapper reads (terraform/modules/live); the local
stack's stream source delivers every record, and `events_of_record` answers [] for the rest.
"""

from __future__ import annotations

import boto3
from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import DynamoDBRecord

from backend_core import aws
from backend_core.device_store import DeviceStore
from backend_core.entrypoint import Handler, lazy_lambda_handler
from backend_core.live_connections import LiveConnectionStore
from backend_core.push import PushChannel
from live_delivery.delivery import deliver, management_post, push_event
from live_delivery.settings import Settings

logger = Logger(service="live-delivery")
metrics = Metrics(namespace="MobileBackend", service="live-delivery")


def create_handler(settings: Settings) -> Handler:
    dynamodb = aws.client("dynamodb", settings)
    connections = LiveConnectionStore(dynamodb, settings.table_name)
    post = None
    if settings.live_connections_url:
        # This region's API only: a connection id means nothing to the other region's API.
        management = boto3.session.Session().client(
            "apigatewaymanagementapi",
            region_name=settings.region,
            endpoint_url=settings.live_connections_url,
            config=aws.REQUEST_PATH,
        )
        post = management_post(management)
    push = push_event(
        DeviceStore(dynamodb, settings.table_name),
        PushChannel(aws.client("sns", settings), settings.region, settings.platform_app_arns),
    )

    def record_handler(record: DynamoDBRecord) -> None:
        outcome = deliver(record.raw_event, settings.region, connections, post, push)
        if outcome.posted:
            metrics.add_metric(name="LiveEventsPosted", unit=MetricUnit.Count, value=outcome.posted)
        if outcome.pushed:
            metrics.add_metric(name="LiveEventsPushed", unit=MetricUnit.Count, value=outcome.pushed)
        if outcome.gone:
            logger.info("gone connections deleted", extra={"gone": outcome.gone})

    def handler(event: dict, context: object) -> dict:
        processor = BatchProcessor(event_type=EventType.DynamoDBStreams, raise_on_entire_batch_failure=False)
        return process_partial_response(
            event=event, record_handler=record_handler, processor=processor, context=context
        )

    return handler


lambda_handler = lazy_lambda_handler(
    "live-delivery",
    lambda: create_handler(Settings.from_env()),  # type: ignore[arg-type]
    metrics,
)
