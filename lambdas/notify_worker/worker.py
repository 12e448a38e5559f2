"""Deliver one notification message: write the inbox once, push to each enabled device, retire dead endpoints.

Delivery is at least once (SQS); the inbox entry is keyed by the notification, so a redelivered message
finds it already `sent` and pushes nothing again.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from aws_lambda_powertools import Logger
from botocore.exceptions import ClientError

from backend_core.dal import Store
from backend_core.notifications import NotificationMessage

logger = Logger(service="notify-worker", child=True)
DEAD_ENDPOINT_CODES = {"EndpointDisabled", "EndpointDisabledException", "NotFound"}


def is_dead_endpoint(exc: ClientError) -> bool:
    """The platform rejected the device for good (not a bad payload, not a throttle)."""
    error = exc.response.get("Error", {})
    code, message = error.get("Code", ""), error.get("Message", "").lower()
    return code in DEAD_ENDPOINT_CODES or (
        code == "InvalidParameter" and "endpoint" in message and "exist" in message
    )


@dataclass
class Delivery:
    delivered: int = 0
    disabled: int = 0
    skipped_duplicate: bool = False


def push_payload(message: NotificationMessage) -> str:
    """SNS per-platform JSON: APNs and FCM each get their own envelope."""
    aps = {
        "aps": {"alert": {"title": message.title, "body": message.body}},
        **message.data,
        "notification_id": message.notification_id,
    }
    fcm = {
        "notification": {"title": message.title, "body": message.body},
        "data": {**{k: str(v) for k, v in message.data.items()}, "notification_id": message.notification_id},
    }
    return json.dumps(
        {
            "default": message.body,
            "APNS": json.dumps(aps),
            "APNS_SANDBOX": json.dumps(aps),
            "GCM": json.dumps(fcm),
        }
    )


def deliver(store: Store, sns: Any, message: NotificationMessage) -> Delivery:
    result = Delivery()
    entry = {
        "provider_id": message.provider_id,
        "title": message.title,
        "body": message.body,
        "data_json": json.dumps(message.data),
        "created_at": message.created_at,
    }
    status = store.begin_inbox_entry(message.recipient_id, message.created_at, message.notification_id, entry)
    if status == "sent":
        result.skipped_duplicate = True
        return result
    payload = push_payload(message)
    for device in store.list_devices(message.recipient_id):
        if not device.get("enabled", True):
            continue
        try:
            sns.publish(TargetArn=device["endpoint_arn"], Message=payload, MessageStructure="json")
            result.delivered += 1
        except ClientError as exc:
            code = exc.response.get("Error", {}).get("Code", "")
            if not is_dead_endpoint(exc):
                raise  # throttling, outage, a payload SNS refused: the message is retried, then DLQ
            # The platform rejected the token for good: stop pushing to it (the inbox still has the message).
            store.disable_device(message.recipient_id, device["device_id"], code)
            result.disabled += 1
            logger.info("disabled dead endpoint", extra={"device_id": device["device_id"], "code": code})
    store.finish_inbox_entry(
        message.recipient_id, message.created_at, message.notification_id, result.delivered
    )
    return result
