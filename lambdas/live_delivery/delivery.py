"""One stream record -> its live events -> posted to the recipient's connections held by this region; pushed when
the event asks for it and the recipient is connected nowhere (backend_core/live_events.py `push_needed`).

A connection that answers 410 Gone (the client left without `$disconnect`, or the API dropped it) is deleted.
Any other failure of a post raises: the record is retried from the stream (the app drops an event `id` it has
already seen), then goes to the failure queue.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import ClientError

from backend_core.device_store import DeviceStore
from backend_core.live_connections import LiveConnectionStore
from backend_core.live_events import LiveEvent, events_of_record, push_needed
from backend_core.push import PushChannel, ensure_endpoint, error_code, is_dead_endpoint, is_missing_endpoint

MAX_MESSAGE_BYTES = 128 * 1024  # API Gateway's WebSocket message size quota


@dataclass
class Outcome:
    events: int = 0
    posted: int = 0
    gone: int = 0
    pushed: int = 0


class Gone(Exception):
    """The connection no longer exists (PostToConnection answered 410 GoneException)."""


Post = Callable[[str, bytes], None]  # (connection id, data); raises Gone


def management_post(client: Any) -> Post:
    """PostToConnection through a boto3 `apigatewaymanagementapi` client of this region's API."""

    def post(connection_id: str, data: bytes) -> None:
        try:
            client.post_to_connection(ConnectionId=connection_id, Data=data)
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") == "GoneException":
                raise Gone(connection_id) from exc
            raise

    return post


def deliver(
    record: dict[str, Any],
    region: str,
    connections: LiveConnectionStore,
    post: Post | None,
    push: Callable[[str, LiveEvent], int],
) -> Outcome:
    outcome = Outcome()
    for recipient, event in events_of_record(record):
        outcome.events += 1
        data = json.dumps(event.frame(), separators=(",", ":")).encode()
        if len(data) > MAX_MESSAGE_BYTES:
            raise ValueError(f"event {event.id} is {len(data)} bytes, over API Gateway's 128 KB")
        held = connections.for_user(recipient)
        left = [c.region for c in held if c.region != region]
        for connection in (c for c in held if c.region == region):
            if post is None:
                left.append(region)
                continue
            try:
                post(connection.connection_id, data)
                outcome.posted += 1
                left.append(region)
            except Gone:
                connections.remove(recipient, region, connection.connection_id)
                outcome.gone += 1
        if push_needed(event, region, left):
            outcome.pushed += push(recipient, event)
    return outcome


def push_event(devices: DeviceStore, channel: PushChannel) -> Callable[[str, LiveEvent], int]:
    """Push an event to every enabled device of the recipient through this region's SNS (an endpoint is made
    here on first use); APNs collapse id and FCM collapse key = the event id. Answers the devices reached."""

    def push(recipient: str, event: LiveEvent) -> int:
        if event.push is None:
            return 0
        payload = _payload(event)
        attributes = {
            "AWS.SNS.MOBILE.APNS.COLLAPSE_ID": {"DataType": "String", "StringValue": event.id[:64]},
        }
        reached = 0
        for device in devices.list_for(recipient):
            if not device.enabled:
                continue
            arn = device.endpoint_in(channel.region)
            for attempt in range(2):
                if arn is None:
                    application = channel.application_for(device.platform)
                    if not application or not device.token:
                        break
                    arn = ensure_endpoint(channel.sns, application, device.token)
                    devices.set_endpoint(device.user_id, device.device_id, channel.region, arn)
                try:
                    channel.sns.publish(
                        TargetArn=arn, Message=payload, MessageStructure="json", MessageAttributes=attributes
                    )
                    reached += 1
                    break
                except ClientError as exc:
                    if is_missing_endpoint(exc) and attempt == 0:
                        arn = None  # retired meanwhile: make it again
                        continue
                    if not is_dead_endpoint(exc):
                        raise
                    devices.disable(device.user_id, device.device_id, error_code(exc))
                    break
        return reached

    return push


def _payload(event: LiveEvent) -> str:
    assert event.push is not None
    aps = {"aps": {"alert": {"title": event.push.title, "body": event.push.body}}, "event": event.frame()}
    fcm = {
        "notification": {"title": event.push.title, "body": event.push.body},
        "data": {"event": json.dumps(event.frame()), "event_id": event.id},
        "collapse_key": event.id,
    }
    return json.dumps(
        {
            "default": event.push.body,
            "APNS": json.dumps(aps),
            "APNS_SANDBOX": json.dumps(aps),
            "GCM": json.dumps(fcm),
        }
    )
