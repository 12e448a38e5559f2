"""The queue messages between the API (producer) and the notify worker (consumer), on the notify queue:

- `NotificationMessage`: one notification to one recipient (`kind` "recipient", the default: messages
  written before broadcasts had a kind still parse).
- `BroadcastJob`: one page of a broadcast to all of a provider's subscribers (`kind` "broadcast"). The API
  enqueues page 1 and answers; the worker delivers the page's recipients, then enqueues the next page's job
  carrying the Query's LastEvaluatedKey (`start_key`), so a broadcast of any size is a chain of small jobs,
  each retried alone by SQS.
"""

from __future__ import annotations

import json
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

BROADCAST_PAGE_SIZE = 100  # subscribers per fan-out job: one Query page, ~100 inbox writes and pushes


class NotificationMessage(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    kind: Literal["recipient"] = "recipient"
    notification_id: str = Field(min_length=1)
    provider_id: str = Field(min_length=1)
    recipient_id: str = Field(min_length=1)
    title: str
    body: str
    data: dict[str, Any] = Field(default_factory=dict)
    created_at: str = Field(description="ISO-8601 UTC; part of the inbox key, so retries land on one item.")


class BroadcastJob(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    kind: Literal["broadcast"] = "broadcast"
    notification_id: str = Field(min_length=1)
    provider_id: str = Field(min_length=1)
    title: str
    body: str
    data: dict[str, Any] = Field(default_factory=dict)
    created_at: str = Field(description="ISO-8601 UTC, the same for every recipient.")
    page: int = Field(1, ge=1, description="1 for the first page; each next page's job adds one.")
    start_key: dict[str, str] | None = Field(
        None, description="The previous page's LastEvaluatedKey (PK, SK); None for page 1."
    )
    page_size: int = Field(BROADCAST_PAGE_SIZE, ge=1, le=1000)

    def for_recipient(self, recipient_id: str) -> NotificationMessage:
        """The one-recipient message of this broadcast (same id and created_at: one inbox entry each)."""
        return NotificationMessage(
            notification_id=self.notification_id,
            provider_id=self.provider_id,
            recipient_id=recipient_id,
            title=self.title,
            body=self.body,
            data=self.data,
            created_at=self.created_at,
        )

    def next_page(self, start_key: dict[str, str]) -> BroadcastJob:
        return self.model_copy(update={"page": self.page + 1, "start_key": start_key})


QueueMessage = NotificationMessage | BroadcastJob


def parse_queue_message(body: str) -> QueueMessage:
    """A queue message by its `kind`. Raises ValueError (pydantic's ValidationError included) for anything
    else: the worker reports it failed, and a poison message reaches the DLQ."""
    raw = json.loads(body)
    if not isinstance(raw, dict):
        raise ValueError("a queue message is a JSON object")
    if raw.get("kind") == "broadcast":
        return BroadcastJob.model_validate(raw)
    return NotificationMessage.model_validate(raw)
