"""Provider-to-consumer notifications: subscriptions, accepting a notification onto the queue (delivered by the
notify worker, lambdas/notify_worker), and the inbox.

Notifications are at-least-once underneath and once on top: an Idempotency-Key is claimed with a conditional
put (a retry replays the stored answer; the same key with another request is refused), and the notification
id is derived from (provider, key, request), so a retry the other region serves during a partition lands on
the same inbox entry (backend_core/README.md, "Two regions take writes").
"""

from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import dataclass
from typing import Any

from backend_core.idempotency_store import (
    ClaimStatus,
    IdempotencyRecord,
    IdempotencyStore,
    KeyAlreadyClaimed,
    Outcome,
)
from backend_core.identity import CONSUMERS, PROVIDERS
from backend_core.inbox_store import InboxPage, InboxStore
from backend_core.notifications import BroadcastJob, NotificationMessage
from backend_core.profile_store import ProfileStore
from backend_core.subscription_store import FollowingPage, Subscription, SubscriptionStore
from mobile_api.clock import Clock, iso
from mobile_api.identity import Caller
from mobile_api.services.errors import Conflict, Forbidden, Invalid, NotFound, TooLarge, Unavailable

PUSH_PAYLOAD_BYTES = 3500  # APNs allows 4 KB per push; keep room for the envelope
SQS_BATCH = 10  # SendMessageBatch's limit
SQS_ATTEMPTS = 3  # retries of the entries SQS refused


@dataclass(frozen=True)
class Draft:
    """What a provider sends: to one subscriber (`to`) or all (None)."""

    to: str | None
    title: str
    body: str
    data: dict[str, Any] | None = None

    def request_hash(self) -> str:
        """sha-256 of the request as JSON (sorted keys): the idempotency record's fingerprint."""
        payload = {"to": self.to, "title": self.title, "body": self.body, "data": self.data}
        return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()

    def push_bytes(self) -> int:
        return len(json.dumps({"title": self.title, "body": self.body, "data": self.data}))


@dataclass(frozen=True)
class Accepted:
    """A notification accepted onto the queue (or replayed for the same Idempotency-Key) and its recipient count."""

    notification_id: str
    recipients: int
    replayed: bool = False  # the answer of an earlier request with the same Idempotency-Key


@dataclass(frozen=True)
class NotifyQueue:
    """This region's notify queue (SQS); the DR region notifies with the primary dark."""

    sqs: Any
    url: str

    def send(self, messages: list[NotificationMessage] | list[BroadcastJob]) -> None:
        """Enqueue every message, in batches of 10. Raises Unavailable when SQS keeps refusing some."""
        for start in range(0, len(messages), SQS_BATCH):
            pending = {str(i): m for i, m in enumerate(messages[start : start + SQS_BATCH])}
            for _ in range(SQS_ATTEMPTS):  # retry only the entries SQS refused
                out = self.sqs.send_message_batch(
                    QueueUrl=self.url,
                    Entries=[{"Id": i, "MessageBody": m.model_dump_json()} for i, m in pending.items()],
                )
                pending = {f["Id"]: pending[f["Id"]] for f in out.get("Failed", [])}
                if not pending:
                    break
            if pending:
                raise Unavailable("notification queue unavailable, retry with the same Idempotency-Key")


def require_group(caller: Caller, group: str) -> None:
    """Raises Forbidden unless the caller's token puts them in `group`."""
    if group not in caller.groups:
        raise Forbidden(f"this route is for {group}")


def subscribe(
    profiles: ProfileStore, subscriptions: SubscriptionStore, caller: Caller, provider_id: str, clock: Clock
) -> Subscription:
    """The consumer `caller` follows `provider_id` (idempotent). Raises Forbidden (not a consumer), NotFound
    (no such provider: the profile's copy of the role says so)."""
    require_group(caller, CONSUMERS)
    provider = profiles.get(provider_id)
    if provider is None or not provider.is_provider:
        raise NotFound(f"no provider {provider_id}")
    subscription, _created = subscriptions.subscribe(provider_id, caller.user_id, iso(clock()))
    return subscription


def unsubscribe(subscriptions: SubscriptionStore, caller: Caller, provider_id: str) -> bool:
    """The consumer `caller` stops following `provider_id` (idempotent: True when this call removed the
    subscription, False when there was none; the count moves only on True). Raises Forbidden (not a consumer)."""
    require_group(caller, CONSUMERS)
    return subscriptions.unsubscribe(provider_id, caller.user_id)


def following(
    subscriptions: SubscriptionStore, caller: Caller, limit: int, after: str | None
) -> FollowingPage:
    """A page of the providers the caller follows (by provider id), after the provider `after`."""
    return subscriptions.following(caller.user_id, limit, after)


def notification_id_for(provider_id: str, idempotency_key: str | None, request_hash: str) -> str:
    """A retry with the same Idempotency-Key and body gets the same id, in either region: the idempotency
    record is per region (a retry served by the other region during a partition does not see it), but the
    inbox entry is keyed by this id, so both deliveries land on one entry and the push collapses on it."""
    if idempotency_key is None:
        return uuid.uuid4().hex
    return hashlib.sha256(f"{provider_id}\n{idempotency_key}\n{request_hash}".encode()).hexdigest()[:32]


def notify(
    subscriptions: SubscriptionStore,
    idempotency: IdempotencyStore,
    queue: NotifyQueue,
    caller: Caller,
    draft: Draft,
    idempotency_key: str | None,
    clock: Clock,
) -> Accepted:
    """Accept a provider's notification: one queue message (the recipient's, or page 1 of a broadcast, whose
    `recipients` is the kept subscriber count, an estimate after a partition), answered at once (the fan-out is
    the worker's, lambdas/notify_worker/fanout.py). Raises Forbidden (not a provider), TooLarge (over PUSH_PAYLOAD_BYTES), Invalid (the key was
    used for another request), Conflict (the key's first request is still running), NotFound (`to` is not a
    subscriber), Unavailable (the queue refused)."""
    require_group(caller, PROVIDERS)
    if draft.push_bytes() > PUSH_PAYLOAD_BYTES:
        raise TooLarge(f"title, body and data together exceed {PUSH_PAYLOAD_BYTES} bytes")
    request_hash = draft.request_hash()
    notification_id = notification_id_for(caller.user_id, idempotency_key, request_hash)
    if idempotency_key:
        try:
            idempotency.claim(
                caller.user_id, idempotency_key, request_hash, notification_id, clock().timestamp()
            )
        except KeyAlreadyClaimed as exc:
            return _replay(exc.record, request_hash)
    try:
        created_at = iso(clock())
        if draft.to is not None:
            if not subscriptions.is_subscriber(caller.user_id, draft.to):
                raise NotFound(f"{draft.to} is not one of your subscribers")
            recipients = 1
            queue.send(
                [
                    NotificationMessage(
                        notification_id=notification_id,
                        provider_id=caller.user_id,
                        recipient_id=draft.to,
                        title=draft.title,
                        body=draft.body,
                        data=draft.data or {},
                        created_at=created_at,
                    )
                ]
            )
        else:  # constant work whatever the audience: read the kept count, queue one job (the worker pages)
            recipients = subscriptions.subscriber_count(caller.user_id)
            queue.send(
                [
                    BroadcastJob(
                        notification_id=notification_id,
                        provider_id=caller.user_id,
                        title=draft.title,
                        body=draft.body,
                        data=draft.data or {},
                        created_at=created_at,
                    )
                ]
            )
    except Exception:
        if idempotency_key:  # nothing was promised: let the retry run for real
            idempotency.release(caller.user_id, idempotency_key)
        raise
    accepted = Accepted(notification_id, recipients)
    if idempotency_key:
        idempotency.complete(caller.user_id, idempotency_key, Outcome(notification_id, recipients))
    return accepted


def _replay(record: IdempotencyRecord, request_hash: str) -> Accepted:
    """The answer to a request whose Idempotency-Key is taken (see `notify`)."""
    if record.request_hash != request_hash:
        raise Invalid("Idempotency-Key was used for a different request", "idempotency_mismatch")
    if record.status is not ClaimStatus.COMPLETED or record.outcome is None:
        raise Conflict("a request with this Idempotency-Key is still in progress")
    return Accepted(record.outcome.notification_id, record.outcome.recipients, replayed=True)


def inbox(inbox_store: InboxStore, user_id: str, limit: int, after: str | None) -> InboxPage:
    """A page of the user's inbox, newest first, after the position `after` (None: from the newest)."""
    return inbox_store.page(user_id, limit, after)
