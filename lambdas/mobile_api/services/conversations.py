"""Conversations between a connected consumer and provider, both directions (issue 14).

Who may converse: two users one of whom follows the other (a subscription, `SubscriptionStore`), so a consumer
and a provider, either one writing first. A conversation is addressed by the peer's id only, and its partition
is derived from the caller and the peer (`item_keys.conversation_pk`), so nobody can name a thread they are not
part of. Reading a thread needs the connection or a thread already in the caller's list (history stays readable
after an unsubscribe; writing does not).

Messages are at-least-once underneath and once on top, like `POST /notifications`: an Idempotency-Key is claimed
in the sender's partition (a retry replays the stored message; the same key with another request is refused),
and the message id is derived from (sender, key, request), so a retry the other region serves during a
partition lands on the same item (backend_core/README.md, "Two regions take writes").
"""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass

from backend_core.conversation_store import (
    ConversationEntry,
    ConversationStore,
    EntryPage,
    Message,
    MessageClaim,
    MessagePage,
    Receipt,
)
from backend_core.media_store import MediaStore
from backend_core.subscription_store import SubscriptionStore
from mobile_api.clock import Clock, iso
from mobile_api.identity import Caller
from mobile_api.services import media as media_rules
from mobile_api.services.errors import Forbidden, Invalid, NotFound
from mobile_api.services.media import DownloadLink, MediaAccess, Restoring


@dataclass(frozen=True)
class Draft:
    """What a user sends: text, and optionally one of their own uploaded media objects."""

    text: str
    media_id: str | None = None

    def request_hash(self, peer_id: str) -> str:
        """sha-256 of the request as JSON (sorted keys): the Idempotency-Key claim's fingerprint."""
        payload = {"to": peer_id, "text": self.text, "media_id": self.media_id}
        return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


@dataclass(frozen=True)
class Sent:
    """A message sent, or the one an earlier request with the same Idempotency-Key sent (`replayed`)."""

    message: Message
    replayed: bool = False  # the answer of an earlier request with the same Idempotency-Key


@dataclass(frozen=True)
class Conversation:
    """One entry of the caller's list, with what is derived at read time."""

    entry: ConversationEntry
    unread: int  # the peer's messages after the caller's receipt, up to UNREAD_CAP
    unread_capped: bool  # more than `unread`
    read_up_to: str | None  # the message id the caller has read up to
    peer_read_up_to: str | None  # the message id the peer has read up to (of the caller's messages)


@dataclass(frozen=True)
class ConversationPage:
    """One page of the caller's conversations, most recent first, and where the next page starts."""

    conversations: list[Conversation]
    next_position: str | None


@dataclass(frozen=True)
class ReadState:
    """The caller's receipt in a thread and what it leaves unread of the peer's messages."""

    peer_id: str
    receipt: Receipt
    unread: int
    unread_capped: bool


def message_id_for(sender_id: str, idempotency_key: str | None, request_hash: str) -> str:
    """A retry with the same Idempotency-Key and body gets the same id, in either region: the claim is per
    region (the other region does not see it during a partition), but the message is keyed by this id."""
    if idempotency_key is None:
        return uuid.uuid4().hex
    return hashlib.sha256(f"{sender_id}\n{idempotency_key}\n{request_hash}".encode()).hexdigest()[:32]


def connected(subscriptions: SubscriptionStore, user_a: str, user_b: str) -> bool:
    """Whether one of the two follows the other (a consumer and a provider may converse)."""
    return subscriptions.is_subscriber(user_a, user_b) or subscriptions.is_subscriber(user_b, user_a)


def _require_peer(caller: Caller, peer_id: str) -> None:
    if peer_id == caller.user_id:
        raise Invalid("you cannot converse with yourself", "self_conversation")


def require_readable(
    conversations: ConversationStore, subscriptions: SubscriptionStore, caller: Caller, peer_id: str
) -> None:
    """Raises NotFound unless the caller is connected to the peer or already has a thread with them."""
    _require_peer(caller, peer_id)
    if conversations.entry(caller.user_id, peer_id) is None and not connected(
        subscriptions, caller.user_id, peer_id
    ):
        raise NotFound(f"no conversation with {peer_id}", "no_conversation")


def send(
    conversations: ConversationStore,
    subscriptions: SubscriptionStore,
    media: MediaStore,
    caller: Caller,
    peer_id: str,
    draft: Draft,
    idempotency_key: str | None,
    clock: Clock,
) -> Sent:
    """Send a message to `peer_id`. Raises Invalid (to oneself; the key was used for another request),
    Forbidden (`not_connected`: no subscription either way), NotFound (`media_id` is not the caller's)."""
    _require_peer(caller, peer_id)
    if not connected(subscriptions, caller.user_id, peer_id):
        raise Forbidden(
            f"you and {peer_id} are not connected: a consumer must follow the provider first", "not_connected"
        )
    if draft.media_id is not None and media.get(caller.user_id, draft.media_id) is None:
        raise NotFound(f"no media {draft.media_id} of yours")
    request_hash = draft.request_hash(peer_id)
    message_id = message_id_for(caller.user_id, idempotency_key, request_hash)
    replayed = False
    if idempotency_key:
        held = conversations.claim_key(
            caller.user_id, idempotency_key, MessageClaim(request_hash, message_id), clock().timestamp()
        )
        if held.request_hash != request_hash:
            raise Invalid("Idempotency-Key was used for a different request", "idempotency_mismatch")
        replayed = conversations.get_message(caller.user_id, peer_id, message_id) is not None
    message = conversations.put_message(
        Message(
            message_id=message_id,
            sender_id=caller.user_id,
            recipient_id=peer_id,
            text=draft.text,
            media_id=draft.media_id,
            created_at=iso(clock()),
        )
    )
    # Also on a replay: a first attempt that stopped after the message leaves the entries behind; moving them
    # is conditional on position, so doing it again changes nothing.
    conversations.touch_entries(message)
    return Sent(message, replayed)


def history(
    conversations: ConversationStore,
    subscriptions: SubscriptionStore,
    caller: Caller,
    peer_id: str,
    limit: int,
    after: str | None,
) -> MessagePage:
    """A page of the thread with `peer_id`, newest first. Raises NotFound (no thread, not connected)."""
    require_readable(conversations, subscriptions, caller, peer_id)
    return conversations.page(caller.user_id, peer_id, limit, after)


def mark_read(
    conversations: ConversationStore,
    subscriptions: SubscriptionStore,
    caller: Caller,
    peer_id: str,
    message_id: str,
    clock: Clock,
) -> ReadState:
    """Record that the caller has read the thread up to `message_id` (never moves back: an older message leaves
    the receipt where it is). Raises NotFound (no thread, or no such message in it)."""
    require_readable(conversations, subscriptions, caller, peer_id)
    message = conversations.find_message(caller.user_id, peer_id, message_id)
    if message is None:
        raise NotFound(f"no message {message_id} in your conversation with {peer_id}")
    conversations.mark_read(caller.user_id, peer_id, message, iso(clock()))
    receipt = conversations.receipts([(caller.user_id, peer_id)])[(caller.user_id, peer_id)]
    unread, capped = conversations.unread(caller.user_id, peer_id, receipt.up_to)
    return ReadState(peer_id, receipt, unread, capped)


def message_media(
    conversations: ConversationStore,
    subscriptions: SubscriptionStore,
    media_access: MediaAccess,
    caller: Caller,
    peer_id: str,
    message_id: str,
    clock: Clock,
) -> DownloadLink | Restoring:
    """A download link of the media a message of the caller's thread with `peer_id` carries (either party's
    message: the object stays its sender's), or Restoring when it is archived. Raises NotFound (no thread,
    no such message, no media on it, or the sender's object is gone, e.g. the sender deleted the account),
    Unavailable (the CDN cannot sign)."""
    require_readable(conversations, subscriptions, caller, peer_id)
    message = conversations.find_message(caller.user_id, peer_id, message_id)
    if message is None or message.media_id is None:
        raise NotFound(f"no media on message {message_id} in your conversation with {peer_id}")
    return media_rules.download(media_access, message.sender_id, message.media_id, clock)


def conversation_list(
    conversations: ConversationStore, caller: Caller, limit: int, after: str | None
) -> ConversationPage:
    """A page of the caller's conversations, most recent first, each with its unread count and both receipts."""
    page: EntryPage = conversations.entries(caller.user_id, limit, after)
    pairs = [(caller.user_id, e.peer_id) for e in page.entries] + [
        (e.peer_id, caller.user_id) for e in page.entries
    ]
    receipts = conversations.receipts(pairs)
    out = []
    for entry in page.entries:
        mine = receipts.get((caller.user_id, entry.peer_id))
        theirs = receipts.get((entry.peer_id, caller.user_id))
        unread, capped = conversations.unread(caller.user_id, entry.peer_id, mine.up_to if mine else None)
        out.append(
            Conversation(
                entry=entry,
                unread=unread,
                unread_capped=capped,
                read_up_to=mine.message_id if mine else None,
                peer_read_up_to=theirs.message_id if theirs else None,
            )
        )
    return ConversationPage(out, page.next_position)
