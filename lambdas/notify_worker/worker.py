"""Deliver one notification message: write the inbox once, push to each of the recipient's devices through
this region's SNS, retire registrations and endpoints that are no longer the recipient's.

Delivery is at least once (SQS); the inbox entry is keyed by the notification, so a redelivered message
finds it already `sent`, and before pushing the region claims the push (`InboxStore.claim_push`), so a
recipient gets at most one push per notification from each region. Across regions (a retry served by the
other region during a partition) a push may go out twice: the APNs collapse id and the FCM collapse key are
the notification id, so the device shows it once.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from aws_lambda_powertools import Logger
from botocore.exceptions import ClientError

from backend_core.device_store import Device, DeviceStore
from backend_core.inbox_store import InboxEntry, InboxStatus, InboxStore
from backend_core.notifications import NotificationMessage
from backend_core.push import PushChannel, ensure_endpoint, error_code, is_dead_endpoint, is_missing_endpoint

logger = Logger(service="notify-worker", child=True)


@dataclass
class Delivery:
    delivered: int = 0
    disabled: int = 0
    moved: int = 0  # registrations whose token now belongs to another account
    skipped_duplicate: bool = False
    claimed_elsewhere: bool = False  # this region already pushed (or started pushing) it: no push again


@dataclass(frozen=True)
class Recipients:
    """Where a message lands: the inbox and the recipient's devices (this region's table)."""

    inbox: InboxStore
    devices: DeviceStore


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
    devices: DeviceStore, channel: PushChannel, device: Device, *, fresh: bool = False
) -> str | None:
    """This region's endpoint of the device, created here on first use (the device may have been registered
    in the other region); None when this region has no platform application for it."""
    known = device.endpoint_in(channel.region)
    if known and not fresh:
        return known
    application = channel.application_for(device.platform)
    if not application or not device.token:
        return None
    arn = ensure_endpoint(channel.sns, application, device.token)
    devices.set_endpoint(device.user_id, device.device_id, channel.region, arn)
    return arn


def deliver(to: Recipients, channel: PushChannel, message: NotificationMessage) -> Delivery:
    """One notification to one recipient: the inbox entry once, then at most one push per device from this
    region."""
    result = Delivery()
    entry = to.inbox.begin(
        InboxEntry(
            recipient_id=message.recipient_id,
            notification_id=message.notification_id,
            provider_id=message.provider_id,
            title=message.title,
            body=message.body,
            data=message.data,
            created_at=message.created_at,
        )
    )
    if entry.status is InboxStatus.SENT:
        result.skipped_duplicate = True
        return result
    push_to_devices(to, channel, message, to.devices.list_for(message.recipient_id), result)
    to.inbox.finish(message.recipient_id, message.notification_id, result.delivered)
    return result


def push_to_devices(
    to: Recipients,
    channel: PushChannel,
    message: NotificationMessage,
    devices: list[Device],
    result: Delivery,
) -> None:
    """Push `message` to the recipient's enabled `devices` once per region: claimed first, so a retry (or a
    duplicate page job) that finds the claim pushes nothing. A crash between the claim and the pushes loses
    this region's push (at most once); the inbox entry holds the notification either way."""
    live = [d for d in devices if d.enabled]
    if not live:
        return
    if not to.inbox.claim_push(message.recipient_id, message.notification_id, channel.region):
        result.claimed_elsewhere = True
        return
    payload, attributes = push_payload(message), collapse_attributes(message)
    for device in live:
        if to.devices.token_owner(device) != message.recipient_id:  # registered by someone else since
            to.devices.retire(device)
            result.moved += 1
            logger.info("retired a registration whose token moved", extra={"device_id": device.device_id})
            continue
        if _push(to.devices, channel, device, payload, attributes, result):
            result.delivered += 1


def _push(
    devices: DeviceStore,
    channel: PushChannel,
    device: Device,
    payload: str,
    attributes: dict[str, dict[str, str]],
    result: Delivery,
) -> bool:
    arn = endpoint_for(devices, channel, device)
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
                arn = endpoint_for(devices, channel, device, fresh=True)
                if arn is None:
                    return False
                continue
            if not is_dead_endpoint(exc):
                raise  # throttling, outage, a payload SNS refused: the message is retried, then DLQ
            # The platform rejected the token for good: stop pushing to it (the inbox still has the message).
            devices.disable(device.user_id, device.device_id, error_code(exc))
            result.disabled += 1
            logger.info(
                "disabled dead endpoint", extra={"device_id": device.device_id, "code": error_code(exc)}
            )
            return False
    return False
