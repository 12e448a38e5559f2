"""The one place that turns entities into the API's JSON (the shapes of `mobile_api.models`; fields may be
added, never renamed)."""

from __future__ import annotations

from typing import Any

from backend_core.conversation_store import Message
from backend_core.device_store import Device
from backend_core.inbox_store import InboxEntry
from backend_core.profile_store import Profile
from backend_core.provider_application_store import ProviderApplication
from backend_core.subscription_store import Subscription
from backend_core.sync_store import SyncChange, SyncItem
from mobile_api.identity import Caller
from mobile_api.services.conversations import Conversation, ReadState
from mobile_api.services.media import DownloadLink, Restoring, UploadGrant
from mobile_api.services.notifications import Accepted


def profile(caller: Caller, item: Profile) -> dict[str, Any]:
    """`models.Profile`. Role and groups come from the token every time: Cognito is their source of truth
    (the profile keeps a copy, refreshed by every newer token, for the routes that ask about another user)."""
    return {
        "user_id": caller.user_id,
        "email": item.email,
        "display_name": item.display_name,
        "role": caller.role,
        "groups": list(caller.groups),
        "created_at": item.created_at,
        "updated_at": item.updated_at,
    }


def sync_item(item: SyncItem) -> dict[str, Any]:
    """`models.SyncItem`: the item with the position of its latest change in its origin region's feed."""
    return {
        "collection": item.collection,
        "id": item.item_id,
        "data": item.data,
        "version": item.version,
        "updated_at": item.updated_at,
        "deleted": item.deleted,
        "seq": item.seq,
        "origin": item.origin,
    }


def sync_change(change: SyncChange) -> dict[str, Any]:
    """`models.SyncItem` of a feed entry: the item as it is now, at the change's position in the feed."""
    return {**sync_item(change.item), "seq": change.seq, "origin": change.origin}


def device(item: Device) -> dict[str, Any]:
    """`models.Device`."""
    return {
        "id": item.device_id,
        "platform": item.platform,
        "enabled": item.enabled,
        "registered_at": item.registered_at,
    }


def upload_grant(grant: UploadGrant) -> dict[str, Any]:
    """`models.UploadGrant`."""
    return {
        "id": grant.media.media_id,
        "upload": {"url": grant.url, "fields": grant.fields},
        "expires_in": grant.expires_in,
    }


def media_link(link: DownloadLink) -> dict[str, Any]:
    """`models.MediaLink`."""
    return {
        "id": link.media.media_id,
        "url": link.url,
        "content_type": link.media.content_type,
        "size": link.media.size,
        "expires_in": link.expires_in,
    }


def media_restoring(restoring: Restoring) -> dict[str, Any]:
    """`models.MediaRestoring`."""
    return {"id": restoring.media_id, "status": "restoring", "retry_after": restoring.retry_after}


def subscription(item: Subscription) -> dict[str, Any]:
    """`models.Subscription`."""
    return {"provider_id": item.provider_id, "subscribed": True}


def unsubscribed(provider_id: str, removed: bool) -> dict[str, Any]:
    """`models.Unsubscribed`."""
    return {"provider_id": provider_id, "subscribed": False, "removed": removed}


def followed(item: Subscription) -> dict[str, Any]:
    """`models.FollowedProvider`."""
    return {"provider_id": item.provider_id, "subscribed_at": item.subscribed_at}


def accepted(item: Accepted) -> dict[str, Any]:
    """`models.NotificationAccepted`."""
    return {"id": item.notification_id, "recipients": item.recipients}


def inbox_entry(entry: InboxEntry) -> dict[str, Any]:
    """`models.InboxEntry`."""
    return {
        "id": entry.notification_id,
        "provider_id": entry.provider_id,
        "title": entry.title,
        "body": entry.body,
        "data": entry.data,
        "created_at": entry.created_at,
        "status": entry.status.value,
    }


def provider_application(application: ProviderApplication) -> dict[str, Any]:
    """`models.ProviderApplication`: what the applicant sees of their request."""
    return {
        "status": application.status,
        "business_name": application.business_name,
        "about": application.about,
        "requested_at": application.requested_at,
        "decided_at": application.decided_at,
        "reason": application.reason,
    }


def message(item: Message) -> dict[str, Any]:
    """`models.ChatMessage`."""
    return {
        "id": item.message_id,
        "sender_id": item.sender_id,
        "recipient_id": item.recipient_id,
        "text": item.text,
        "media_id": item.media_id,
        "created_at": item.created_at,
        "sender_deleted": item.sender_deleted,
    }


def conversation(item: Conversation) -> dict[str, Any]:
    """`models.ConversationSummary`."""
    entry = item.entry
    return {
        "peer_id": entry.peer_id,
        "peer_deleted": entry.peer_deleted,
        "last_message_id": entry.last_message_id,
        "last_sender_id": entry.last_sender_id,
        "last_at": entry.last_at,
        "preview": entry.preview,
        "unread": item.unread,
        "unread_capped": item.unread_capped,
        "read_up_to": item.read_up_to,
        "peer_read_up_to": item.peer_read_up_to,
    }


def read_state(state: ReadState) -> dict[str, Any]:
    """`models.ReadReceipt`."""
    return {
        "peer_id": state.peer_id,
        "read_up_to": state.receipt.message_id,
        "read_at": state.receipt.read_at,
        "unread": state.unread,
        "unread_capped": state.unread_capped,
    }
