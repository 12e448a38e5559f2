"""Request and response bodies. Fields may be added, never renamed (see docs/architecture.md "The API")."""

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


class ErrorBody(BaseModel):
    error: str = Field(description="Machine-readable code, e.g. not_found, conflict, invalid.")
    message: str


class Health(BaseModel):
    status: Literal["ok"]
    region: str


class Profile(BaseModel):
    user_id: str
    email: str | None = None
    display_name: str | None = None
    role: Literal["consumer", "provider"]
    groups: list[str]
    created_at: str
    updated_at: str


class ProfileUpdate(Strict):
    display_name: str | None = Field(None, min_length=1, max_length=100)
    locale: str | None = Field(None, min_length=2, max_length=35)


class SyncPut(Strict):
    data: dict[str, Any]
    version: int | None = Field(
        None, ge=1, le=MAX_VERSION, description="The server version the device last saw; null to create."
    )


class SyncItem(BaseModel):
    collection: str
    id: str
    data: dict[str, Any] | None
    version: int
    updated_at: str
    deleted: bool
    seq: int = Field(description="Position in the user's change feed of the region named by `origin`.")
    origin: str = Field(description="The region whose change log `seq` counts (both regions take writes).")


class SyncConflict(ErrorBody):
    current: SyncItem | None


class SyncPage(BaseModel):
    items: list[SyncItem]
    next: str | None = Field(description="Cursor to pass as `since` next time; null before the first change.")
    has_more: bool


class UploadRequest(Strict):
    content_type: MediaType
    size: int = Field(ge=1, le=max(MEDIA_LIMITS.values()))


class UploadTarget(BaseModel):
    url: str
    fields: dict[str, str]


class UploadGrant(BaseModel):
    id: str
    upload: UploadTarget
    expires_in: int


class MediaLink(BaseModel):
    id: str
    url: str
    content_type: str
    size: int
    expires_in: int


class MediaRestoring(BaseModel):
    id: str
    status: Literal["restoring"]
    retry_after: int = Field(description="Seconds until the object is expected back; ask again then.")


class DeviceRegistration(Strict):
    platform: Literal["apns", "fcm"]
    token: str = Field(min_length=8, max_length=4096, pattern=r"^[A-Za-z0-9_:\-.]+$")


class Device(BaseModel):
    id: str
    platform: str
    enabled: bool
    registered_at: str


class Subscription(BaseModel):
    provider_id: str
    subscribed: bool


class Unsubscribed(BaseModel):
    provider_id: str
    subscribed: bool = Field(description="Always false: the caller no longer follows the provider.")
    removed: bool = Field(
        description="True when this call ended the subscription; false when there was none."
    )


class FollowedProvider(BaseModel):
    provider_id: str
    subscribed_at: str = Field(description="ISO-8601 UTC.")


class SubscriptionsPage(BaseModel):
    items: list[FollowedProvider]
    next: str | None = Field(description="Pass as `cursor` for the next page; null on the last page.")


class NotificationRequest(Strict):
    to: str | None = Field(
        None, pattern=r"^[A-Za-z0-9_.:-]{1,128}$", description="A subscriber, or null for all."
    )
    title: str = Field(min_length=1, max_length=200)
    body: str = Field(min_length=1, max_length=2000)
    data: dict[str, Any] | None = None


class NotificationAccepted(BaseModel):
    id: str
    recipients: int


class InboxEntry(BaseModel):
    id: str
    provider_id: str
    title: str
    body: str
    data: dict[str, Any]
    created_at: str
    status: str


class InboxPage(BaseModel):
    items: list[InboxEntry]
    next: str | None


class ProviderApplicationRequest(Strict):
    business_name: str = Field(
        min_length=1, max_length=200, description="The business the applicant provides as."
    )
    about: str | None = Field(
        None, max_length=2000, description="What the applicant offers (for the operator)."
    )


class ProviderApplication(BaseModel):
    status: Literal["pending", "approved", "rejected"]
    business_name: str
    about: str | None
    requested_at: str
    decided_at: str | None = Field(description="When an operator approved or rejected it.")
    reason: str | None = Field(description="The operator's reason for a rejection.")


class AccountDeletion(BaseModel):
    status: Literal["deleting"] = Field(
        description="The account and everything it owns are being erased in both regions; sign the user out."
    )
    requested_at: str


# Conversations (issue 14) --------------------------------------------------------------------------------------
MAX_MESSAGE_CHARS = 4000  # one message's text: far below an item, and what a chat bubble shows


class MessageRequest(Strict):
    text: str = Field(min_length=1, max_length=MAX_MESSAGE_CHARS, description="The message (Unicode text).")
    media_id: str | None = Field(
        None,
        pattern=r"^[A-Za-z0-9_.:-]{1,128}$",
        description="One of the sender's uploads (POST /media/uploads) to attach, or null.",
    )


class ChatMessage(BaseModel):
    id: str
    sender_id: str
    recipient_id: str
    text: str | None = Field(description="null when the sender deleted their account (`sender_deleted`).")
    media_id: str | None
    created_at: str = Field(
        description="When the region that accepted it did (ISO-8601 UTC); the thread's order."
    )
    sender_deleted: bool = Field(description="The sender deleted their account: the content is gone.")


class MessagePage(BaseModel):
    items: list[ChatMessage] = Field(description="Newest first.")
    next: str | None = Field(description="Cursor of the next (older) page; null on the last page.")


class ConversationSummary(BaseModel):
    peer_id: str
    peer_deleted: bool = Field(description="The peer deleted their account; the thread stays readable.")
    last_message_id: str
    last_sender_id: str
    last_at: str
    preview: str | None = Field(description="The last message's first 100 characters; null once erased.")
    unread: int = Field(description="The peer's messages after your read receipt, at most 99.")
    unread_capped: bool = Field(
        description="True when counting stopped early (100 messages looked at): there may be more (show 99+)."
    )
    read_up_to: str | None = Field(description="The message id you have read up to.")
    peer_read_up_to: str | None = Field(description="The message id the peer has read up to.")


class ConversationPage(BaseModel):
    items: list[ConversationSummary] = Field(description="Most recent first.")
    next: str | None


class ReadRequest(Strict):
    up_to: str = Field(
        pattern=r"^[A-Za-z0-9_.:-]{1,128}$", description="The id of the newest message read (either side's)."
    )


class ReadReceipt(BaseModel):
    peer_id: str
    read_up_to: str = Field(description="The message id read up to: the furthest receipt, never moved back.")
    read_at: str
    unread: int
    unread_capped: bool
