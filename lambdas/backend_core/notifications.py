"""The queue message between the API (producer) and the notify worker (consumer): one per recipient."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class NotificationMessage(BaseModel):
    model_config = ConfigDict(frozen=True, extra="ignore")

    notification_id: str = Field(min_length=1)
    provider_id: str = Field(min_length=1)
    recipient_id: str = Field(min_length=1)
    title: str
    body: str
    data: dict[str, Any] = Field(default_factory=dict)
    created_at: str = Field(description="ISO-8601 UTC; part of the inbox key, so retries land on one item.")
