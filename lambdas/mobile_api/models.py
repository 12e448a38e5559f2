"""Request bodies, validated by Powertools before a route runs. Fields may be added, never renamed (see
docs/architecture.md "The API"). The response bodies document the API only: `mobile_api.openapi_doc`."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

# Media types and their size caps (bytes): what the app uploads, nothing executable.
MEDIA_LIMITS: dict[str, int] = {
    "image/jpeg": 20 * 1024 * 1024,
    "image/png": 20 * 1024 * 1024,
    "image/heic": 20 * 1024 * 1024,
    "image/webp": 20 * 1024 * 1024,
    "video/mp4": 200 * 1024 * 1024,
    "application/pdf": 20 * 1024 * 1024,
}
# Versions count one per write; 2**53 - 1 is the largest integer every JSON client holds exactly (IEEE 754
# doubles, e.g. JavaScript's Number.MAX_SAFE_INTEGER).
MAX_VERSION = 2**53 - 1
MediaType = Literal["image/jpeg", "image/png", "image/heic", "image/webp", "video/mp4", "application/pdf"]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ProfileUpdate(Strict):
    display_name: str | None = Field(None, min_length=1, max_length=100)
    locale: str | None = Field(None, min_length=2, max_length=35)


class SyncPut(Strict):
    data: dict[str, Any]
    version: int | None = Field(
        None, ge=1, le=MAX_VERSION, description="The server version the device last saw; null to create."
    )


class UploadRequest(Strict):
    content_type: MediaType
    size: int = Field(ge=1, le=max(MEDIA_LIMITS.values()))


class DeviceRegistration(Strict):
    platform: Literal["apns", "fcm"]
    token: str = Field(min_length=8, max_length=4096, pattern=r"^[A-Za-z0-9_:\-.]+$")


class NotificationRequest(Strict):
    to: str | None = Field(
        None, pattern=r"^[A-Za-z0-9_.:-]{1,128}$", description="A subscriber, or null for all."
    )
    title: str = Field(min_length=1, max_length=200)
    body: str = Field(min_length=1, max_length=2000)
    data: dict[str, Any] | None = None


class ProviderApplicationRequest(Strict):
    business_name: str = Field(
        min_length=1, max_length=200, description="The business the applicant provides as."
    )
    about: str | None = Field(
        None, max_length=2000, description="What the applicant offers (for the operator)."
    )


# Conversations (issue 14) --------------------------------------------------------------------------------------
MAX_MESSAGE_CHARS = 4000  # one message's text: far below an item, and what a chat bubble shows


class MessageRequest(Strict):
    text: str = Field(min_length=1, max_length=MAX_MESSAGE_CHARS, description="The message (Unicode text).")
    media_id: str | None = Field(
        None,
        pattern=r"^[A-Za-z0-9_.:-]{1,128}$",
        description="One of the sender's uploads (POST /media/uploads) to attach, or null.",
    )


class ReadRequest(Strict):
    up_to: str = Field(
        pattern=r"^[A-Za-z0-9_.:-]{1,128}$", description="The id of the newest message read (either side's)."
    )
