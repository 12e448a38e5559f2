"""Live events: what the app receives over its WebSocket connection, made from the main table's stream.

Each region's `live_delivery` function reads its region's stream (its own writes and the replicated ones), so
a user connected to either region gets every event. A *mapper* turns one stream record of an item family into
events: `Mapper(old_image, new_image) -> [(recipient user id, LiveEvent), ...]`, images as plain dicts
(`backend_core.ddb.from_ddb`), None for the side that does not exist (old on INSERT, new on REMOVE). Mappers
are registered by the sort-key prefix of the items they read (`item_keys.LIVE_EVENT_SK_PREFIXES` must name the
same prefixes: the Terraform filter of the event source mapping is built from it; a test keeps them equal).

Events the app receives (one JSON text frame each, `LiveEvent.frame()`):

    {"type": "notification", "id": NOTIFICATION_ID, "at": ISO-8601,
     "data": {"id", "provider_id", "title", "body", "data": OBJECT, "created_at"}}

and the conversations' (`backend_core.conversation_events` documents their `data`):

    {"type": "message", "id": MESSAGE_ID, "at": CREATED_AT, "data": {"peer_id": SENDER_ID, "message": {...}}}
    {"type": "read", "id": "read:<reader>:<message id>", "at": READ_AT,
     "data": {"peer_id": READER_ID, "read_up_to": MESSAGE_ID, "read_at": READ_AT}}
 An event may reach a device
twice (both regions wrote the item during a partition, or a retried batch): the app drops an `id` it has seen.

Push when offline: an event marked `push_when_offline` is pushed (SNS mobile push, collapse id = event id)
when its recipient has no open connection in any region, by the region where the item was written (`origin`)
only, so one write gives at most one push; an event without an origin is never pushed (`push_needed`).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from backend_core import item_keys
from backend_core.conversation_events import conversation_live_events
from backend_core.ddb import from_ddb

EventType = Literal["notification", "message", "read"]


class PushText(BaseModel):
    """What a push shows when the event is pushed to an offline recipient."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    title: str
    body: str


class LiveEvent(BaseModel):
    """One event for one recipient. `id` is unique per event (the app's de-duplication key, and the push's
    APNs collapse id / FCM collapse key); `data` is the event's JSON object (documented per type)."""

    model_config = ConfigDict(frozen=True, extra="forbid")
    type: EventType
    id: str = Field(min_length=1, max_length=128)
    at: str = Field(description="ISO-8601 UTC time of the change")
    data: dict[str, Any]
    push_when_offline: bool = False
    origin: str | None = Field(
        None, description="Region where the item was written: the only one that pushes."
    )
    push: PushText | None = None

    def frame(self) -> dict[str, Any]:
        """The JSON object the app receives (no delivery internals)."""
        return {"type": self.type, "id": self.id, "at": self.at, "data": self.data}


Mapper = Callable[[dict[str, Any] | None, dict[str, Any] | None], list[tuple[str, LiveEvent]]]


def inbox_events(old: dict[str, Any] | None, new: dict[str, Any] | None) -> list[tuple[str, LiveEvent]]:
    """A new inbox entry (`NOTIF#<id>` under the recipient's partition, written by the notify worker) is a
    "notification" event for its recipient. Only the INSERT counts: the worker's `sent` mark (MODIFY) and a
    removal are not news. Not pushed here: the notify worker pushes every notification itself."""
    if old is not None or new is None:
        return []
    recipient = item_keys.user_id_of(str(new["PK"]))
    notification_id = str(
        new.get("notification_id") or str(new["SK"]).removeprefix(item_keys.INBOX_ENTRY_PREFIX)
    )
    data = json.loads(new.get("data_json") or "{}")
    created_at = str(new.get("created_at", ""))
    event = LiveEvent(
        type="notification",
        id=notification_id,
        at=created_at,
        data={
            "id": notification_id,
            "provider_id": str(new.get("provider_id", "")),
            "title": str(new.get("title", "")),
            "body": str(new.get("body", "")),
            "data": data,
            "created_at": created_at,
        },
    )
    return [(recipient, event)]


PUSH_PREVIEW_CHARS = 180  # a message push shows the start of the text (APNs allows 4 KB per payload)


def conversation_events(
    old: dict[str, Any] | None, new: dict[str, Any] | None
) -> list[tuple[str, LiveEvent]]:
    """Conversations' events (`backend_core.conversation_events`, which documents their `data`): a new message
    for its recipient, pushed when the recipient is connected nowhere (from the region that accepted it), and a
    read receipt that moved forward for the other party (never pushed)."""
    events: list[tuple[str, LiveEvent]] = []
    for recipient, raw in conversation_live_events(old, new):
        data = {k: v for k, v in raw.items() if k != "type"}
        if raw["type"] == "message":
            message = raw["message"]
            text = message.get("text") or ("sent a photo" if message.get("media_id") else "")
            event = LiveEvent(
                type="message",
                id=str(message["id"]),
                at=str(message["created_at"]),
                data=data,
                push_when_offline=True,
                origin=(new or {}).get("origin"),
                push=PushText(title="New message", body=text[:PUSH_PREVIEW_CHARS]),
            )
        else:
            event = LiveEvent(
                type="read",
                id=f"read:{raw['peer_id']}:{raw['read_up_to']}",
                at=str(raw["read_at"]),
                data=data,
            )
        events.append((recipient, event))
    return events


# Sort-key prefix -> mapper (item_keys.LIVE_EVENT_SK_PREFIXES names the same prefixes).
MAPPERS: dict[str, Mapper] = {
    item_keys.INBOX_ENTRY_PREFIX: inbox_events,
    item_keys.MESSAGE_PREFIX: conversation_events,
    item_keys.READ_RECEIPT_PREFIX: conversation_events,
}


def register(prefix: str, mapper: Mapper) -> None:
    """Add a mapper for the items whose SK begins with `prefix` (also add it to item_keys.LIVE_EVENT_SK_PREFIXES)."""
    if prefix in MAPPERS and MAPPERS[prefix] is not mapper:
        raise ValueError(f"a mapper is already registered for {prefix!r}")
    MAPPERS[prefix] = mapper


def mapper_for(sort_key: str) -> Mapper | None:
    for prefix, mapper in MAPPERS.items():
        if sort_key.startswith(prefix):
            return mapper
    return None


def events_of_record(record: dict[str, Any]) -> list[tuple[str, LiveEvent]]:
    """The events of one DynamoDB stream record as Lambda delivers it (`dynamodb.Keys`, `OldImage`,
    `NewImage` in DynamoDB JSON); [] for an item no mapper reads."""
    change = record.get("dynamodb") or {}
    keys = from_ddb(change.get("Keys") or {})
    mapper = mapper_for(str(keys.get("SK", "")))
    if mapper is None:
        return []
    old = from_ddb(change["OldImage"]) if change.get("OldImage") else None
    new = from_ddb(change["NewImage"]) if change.get("NewImage") else None
    return mapper(old, new)


def push_needed(event: LiveEvent, region: str, connection_regions: Iterable[str]) -> bool:
    """Push this event from `region`? Only when it asks for it, its recipient holds no connection in any region
    (`connection_regions`: the region of each of the recipient's connections this region's table knows), and
    the item was written here (one push per write, whichever regions see the record)."""
    return event.push_when_offline and event.origin == region and not list(connection_regions)
