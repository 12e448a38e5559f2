"""Deliver one notification message: write the inbox once, push to each of the recipient's devices through
this region's SNS, retire registrations and endpoints that are no longer the recipient's.

Delivery is at least once (SQS); the inbox entry is keyed by the notification, so a redelivered message
finds it already `sent` and pushes nothing again. Across regions (a retry served by the other region
during a partition) a push may go out twice: the APNs collapse id and the FCM collapse key are the
notification id, so the device shows it once.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from aws_lambda_powertools import Logger
from botocore.exceptions import ClientError

from backend_core.dal import Store
from backend_core.notifications import NotificationMessage
from backend_core.push import ensure_endpoint, error_code, is_dead_endpoint, is_missing_endpoint
from backend_core.settings import PlatformApps

logger = Logger(service="notify-worker", child=True)


@dataclass
class Delivery:
    delivered: int = 0
    disabled: int = 0
    moved: int = 0  # registrations whose token now belongs to another account
    skipped_duplicate: bool = False


@dataclass(frozen=True)
class PushChannel:
    """SNS in this region: the client, the region's name and its platform applications."""

    sns: Any
    region: str
    platform_apps: PlatformApps


def push_payload(message: NotificationMessage) -> str:
    """SNS per-platform JSON: APNs and FCM each get their own envelope; FCM collapses by notification."""
    aps = {
        "aps": {"alert": {"title": message.title, "body": message.body}},
        **message.data,
        "notification_id": message.notification_id,
    }
    fcm = {
        "notification": {"title": message.title, "body": message.body},
        "data": {**{k: str(v) for k, v in message.data.items()}, "notification_id": message.notification_id},
        "collapse_key": message.notification_id,
    }
    return json.dumps(
        {
            "default": message.body,
            "APNS": json.dumps(aps),
            "APNS_SANDBOX": json.dumps(aps),
            "GCM": json.dumps(fcm),
        }
    )


def collapse_attributes(message: NotificationMessage) -> dict[str, dict[str, str]]:
    """SNS's reserved attribute for the apns-collapse-id header (docs.aws.amazon.com/sns/latest/dg/
    sns-message-attributes.html, "Reserved message attributes for mobile push notifications")."""
    return {
        "AWS.SNS.MOBILE.APNS.COLLAPSE_ID": {"DataType": "String", "StringValue": message.notification_id[:64]}
    }


def endpoint_for(
    store: Store, channel: PushChannel, device: dict[str, Any], *, fresh: bool = False
) -> str | None:
    """This region's endpoint of the device, created here on first use (the device may have been registered
    in the other region); None when this region has no platform application for it."""
    known = (device.get("endpoints") or {}).get(channel.region)
    if known and not fresh:
        return known
    application = getattr(channel.platform_apps, device.get("platform", ""), None)
    if not application or not device.get("token"):
        return None
    arn = ensure_endpoint(channel.sns, application, device["token"])
    store.set_device_endpoint(device["user_id"], device["device_id"], channel.region, arn)
    return arn


def deliver(store: Store, channel: PushChannel, message: NotificationMessage) -> Delivery:
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
    payload, attributes = push_payload(message), collapse_attributes(message)
    for device in store.list_devices(message.recipient_id):
        if not device.get("enabled", True):
            continue
        device.setdefault("user_id", message.recipient_id)
        if (
            store.token_owner(device) != message.recipient_id
        ):  # the phone was registered by someone else since
            store.retire_device(device)
            result.moved += 1
            logger.info("retired a registration whose token moved", extra={"device_id": device["device_id"]})
            continue
        if _push(store, channel, device, payload, attributes, message, result):
            result.delivered += 1
    store.finish_inbox_entry(message.recipient_id, message.notification_id, result.delivered)
    return result


def _push(
    store: Store,
    channel: PushChannel,
    device: dict[str, Any],
    payload: str,
    attributes: dict[str, dict[str, str]],
    message: NotificationMessage,
    result: Delivery,
) -> bool:
    arn = endpoint_for(store, channel, device)
    if arn is None:
        return False
    for attempt in range(2):
        try:
            channel.sns.publish(
                TargetArn=arn, Message=payload, MessageStructure="json", MessageAttributes=attributes
            )
            return True
        except ClientError as exc:
            if is_missing_endpoint(exc) and attempt == 0:  # retired by the other region: make it again
                arn = endpoint_for(store, channel, device, fresh=True)
                if arn is None:
                    return False
                continue
            if not is_dead_endpoint(exc):
                raise  # throttling, outage, a payload SNS refused: the message is retried, then DLQ
            # The platform rejected the token for good: stop pushing to it (the inbox still has the message).
            store.disable_device(message.recipient_id, device["device_id"], error_code(exc))
            result.disabled += 1
            logger.info(
                "disabled dead endpoint", extra={"device_id": device["device_id"], "code": error_code(exc)}
            )
            return False
    return False
