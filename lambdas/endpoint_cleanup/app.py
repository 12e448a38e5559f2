"""DynamoDB stream batch (REMOVE of DEVICE# items) -> delete this region's SNS endpoint; partial batch failures.

In AWS the event source mapping already filters to device removals (terraform/modules/api); the check is
repeated here because the local stack's stream source delivers every record.
"""

from __future__ import annotations

from aws_lambda_powertools import Logger, Metrics
from aws_lambda_powertools.metrics import MetricUnit
from aws_lambda_powertools.utilities.batch import BatchProcessor, EventType, process_partial_response
from aws_lambda_powertools.utilities.data_classes.dynamo_db_stream_event import DynamoDBRecord

from backend_core import aws
from backend_core.device_store import DeviceStore
from backend_core.entrypoint import Handler, lazy_lambda_handler
from endpoint_cleanup.cleanup import removed_device, retire_endpoint
from endpoint_cleanup.settings import Settings

logger = Logger(service="endpoint-cleanup")
metrics = Metrics(namespace="MobileBackend", service="endpoint-cleanup")


def create_handler(settings: Settings) -> Handler:
    devices = DeviceStore(aws.client("dynamodb", settings), settings.table_name)
    sns = aws.client("sns", settings)  # this region's endpoints only: the other region retires its own

    def record_handler(record: DynamoDBRecord) -> None:
        device = removed_device(record.raw_event)
        if device is None:
            return
        retired = retire_endpoint(devices, sns, settings.region, device)
        if retired:
            metrics.add_metric(name="EndpointsRetired", unit=MetricUnit.Count, value=1)
            logger.info("retired the endpoint of a removed device", extra={"device_id": device.device_id})

    def handler(event: dict, context: object) -> dict:
        processor = BatchProcessor(event_type=EventType.DynamoDBStreams, raise_on_entire_batch_failure=False)
        return process_partial_response(
            event=event, record_handler=record_handler, processor=processor, context=context
        )

    return handler


lambda_handler = lazy_lambda_handler(
    "endpoint-cleanup",
    lambda: create_handler(Settings.from_env()),  # type: ignore[arg-type]
    metrics,
)
