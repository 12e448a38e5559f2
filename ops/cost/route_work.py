"""What one request of each route makes AWS do, read off the code that serves it.

For every route of the API (lambdas/mobile_api/openapi.json; tests/cost/test_route_work.py fails when a
route has no entry here or an entry names no route) the DynamoDB reads and writes it makes, with their
item sizes, and what else it sets off: SNS calls, SQS messages, uploads, CDN downloads, items that expire
by TTL later. The notify worker's work per message is `worker_message`. The sources are
the entity stores lambdas/backend_core/*_store.py, push.py and lambdas/mobile_api/services/*.py; when they change,
change this file with them.

How DynamoDB bills them (https://aws.amazon.com/dynamodb/pricing/on-demand/, "Read and write requests";
developer guide, "Capacity unit consumption"):
- a read is ceil(KB / 4) read request units, half for an eventually consistent read; a Query bills the
  page's total size; every key of a BatchGetItem bills at least one unit, found or not;
- a write is ceil(KB / 1) write request units, twice that inside a transaction (a ConditionCheck too);
  every global secondary index the item appears in bills the item's write again;
- a global table replicates each write (not the condition checks) as replicated write request units in the
  other region, whose indexes bill their writes as standard units there.
Sizes include DynamoDB's 100-byte item overhead; the app's item sizes come from the usage profile.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field

from backend_core.notifications import BROADCAST_PAGE_SIZE  # subscribers per fan-out job
from ops.cost.profile import UsageProfile

# Item sizes (KB) of the rows whose size the profile does not set, from the attributes the code writes.
COUNTER_KB = 0.15  # SYNCSEQ#<region>: keys and seq
LOG_KB = 0.25  # SYNCLOG record: keys, collection, item id, seq, updated_at
TOMBSTONE_KB = 0.3  # a deleted sync item's copy: keys and metadata, no data
DEVICE_KB = 0.6  # token (up to ~200 B), the per-region endpoint ARNs, GSI2 keys
MEDIA_ROW_KB = 0.4
SUBSCRIPTION_KB = 0.3
IDEMPOTENCY_KB = 0.6  # with the stored 202 response
ERASURE_TOMBSTONE_KB = 0.3  # keys, user id, requested_at, pool id, expires_at
PROVIDER_APPLICATION_KB = 0.8  # keys, GSI1 keys, business name, about (up to a few hundred bytes), email
INBOX_OVERHEAD_KB = 0.25  # keys, GSI1 keys, status, ids around the notification's title/body/data
# Conversations (issue 14, backend_core/conversation_store.py).
MESSAGE_KB = 0.6  # keys, GSI1/GSI2 keys, ids, created_at, text (a chat line: ~200 B; up to 4,000 characters)
CONVERSATION_ENTRY_KB = (
    0.5  # keys, GSI1/GSI2 keys, peer, last message id/sender/time/position, 100-char preview
)
RECEIPT_KB = 0.25  # keys, reader, peer, position, message id, read_at
MESSAGE_KEY_KB = 0.3  # keys, request hash, message id, expires_at
CONVERSATION_PAGE = 20  # GET /conversations' default page (routes/conversations.py)
MESSAGE_PAGE = 50  # GET /conversations/{peer_id}/messages' default page
SQS_BATCH = 10  # SendMessageBatch and the worker's batch size (modules/api: batch_size = 10)
COUNT_KB = 0.15  # SUBCOUNT#<region>: keys, provider id, subscribers
PUSH_CLAIM_KB = 0.15  # PUSHED#<notification>#<region>: keys only
CHECKPOINT_KB = 0.2  # BROADCAST#<notification> REGION#<region>: pages and recipients done, times
FOLLOWING_PAGE_ITEMS = 20  # subscriptions a GET /subscriptions page returns (most users follow a few)


@dataclass(frozen=True)
class Read:
    kb: float  # the item's size, or a Query page's total
    consistent: bool
    count: float = 1.0  # items read this way (BatchGetItem keys, GetItems)

    @property
    def request_units(self) -> float:
        return max(1, math.ceil(self.kb / 4 - 1e-9)) * (1.0 if self.consistent else 0.5) * self.count


@dataclass(frozen=True)
class Write:
    kb: float
    gsis: int = 0  # global secondary indexes the item is in (projection ALL: the whole item)
    transactional: bool = False
    replicated: bool = True  # a ConditionCheck writes nothing to replicate
    count: float = 1.0

    @property
    def units_per_item(self) -> int:
        return max(1, math.ceil(self.kb - 1e-9))

    @property
    def request_units(self) -> float:
        """Write request units in the serving region (table and indexes)."""
        table = self.units_per_item * (2 if self.transactional else 1)
        return (table + self.units_per_item * self.gsis) * self.count

    @property
    def replicated_units(self) -> float:
        """Replicated write request units in each other replica region."""
        return self.units_per_item * self.count if self.replicated else 0.0

    @property
    def replica_index_units(self) -> float:
        """Standard write units the replica's indexes bill for the replicated item."""
        return self.units_per_item * self.gsis * self.count if self.replicated else 0.0

    @property
    def replicated_kb(self) -> float:
        return self.kb * self.count if self.replicated else 0.0


@dataclass(frozen=True)
class Work:
    """Per request, in the region that serves it."""

    reads: tuple[Read, ...] = ()
    writes: tuple[Write, ...] = ()
    sns_requests: float = 0.0  # SNS API calls other than the pushes (CreatePlatformEndpoint, ...)
    sqs_requests: float = 0.0  # SendMessageBatch calls
    messages: float = 0.0  # messages for notify_worker (one per recipient)
    uploads: float = 0.0  # objects the app then uploads with the presigned POST
    downloads: float = 0.0  # CDN downloads of the signed URL
    ttl_expiries: float = 0.0  # items this request writes that DynamoDB TTL deletes later
    device_removals: float = 0.0  # device rows deleted (endpoint_cleanup runs in every region)
    notes: tuple[str, ...] = field(default=())

    @property
    def read_units(self) -> float:
        return sum(r.request_units for r in self.reads)

    @property
    def write_units(self) -> float:
        return sum(w.request_units for w in self.writes)

    @property
    def replicated_units(self) -> float:
        return sum(w.replicated_units for w in self.writes)

    @property
    def replica_index_units(self) -> float:
        return sum(w.replica_index_units for w in self.writes)

    @property
    def replicated_kb(self) -> float:
        return sum(w.replicated_kb for w in self.writes)


def _health(p: UsageProfile) -> Work:
    return Work()  # answers from memory: no AWS call


def _get_me(p: UsageProfile) -> Work:
    # _profile: GetItem, strongly consistent (routes/profile.py).
    return Work(reads=(Read(p.sync.profile_kb, consistent=True),))


def _put_me(p: UsageProfile) -> Work:
    # _profile's consistent GetItem, then update_profile's UpdateItem.
    return Work(reads=(Read(p.sync.profile_kb, True),), writes=(Write(p.sync.profile_kb),))


def _post_devices(p: UsageProfile) -> Work:
    # ensure_endpoint: CreatePlatformEndpoint + GetEndpointAttributes; put_device: token_holders (GSI2 Query,
    # eventually consistent) then PutItem of the device row, which is in GSI2.
    return Work(
        reads=(Read(DEVICE_KB, False),),
        writes=(Write(DEVICE_KB, gsis=1),),
        sns_requests=2,
    )


def _delete_device(p: UsageProfile) -> Work:
    # delete_device (DeleteItem, returns the old row), token_holders (GSI2 Query), DeleteEndpoint. The
    # stream's REMOVE sets off endpoint_cleanup in each region.
    return Work(
        reads=(Read(DEVICE_KB, False),),
        writes=(Write(DEVICE_KB, gsis=1),),
        sns_requests=1,
        device_removals=1,
    )


def _get_sync(p: UsageProfile) -> Work:
    # changes(): one consistent Query of each region's change log (2 regions), then a consistent BatchGetItem
    # of both regions' copies of each changed item (the other region's copy is usually absent: 1 unit).
    changes = p.sync.changes_per_pull
    return Work(
        reads=(
            Read(max(changes, 1) * LOG_KB, True, count=2),
            Read(p.sync.item_kb, True, count=changes),
            Read(0.0, True, count=changes),
        )
    )


def _sync_write(item_kb: float) -> tuple[tuple[Read, ...], tuple[Write, ...]]:
    # _write(): a consistent BatchGetItem of the item's copy in each region and this region's counter, then
    # one TransactWriteItems: Update counter, Put own copy, ConditionCheck the other copy, Put log record.
    reads = (Read(item_kb, True), Read(0.0, True), Read(COUNTER_KB, True))
    writes = (
        Write(COUNTER_KB, transactional=True),
        Write(item_kb, transactional=True),
        Write(item_kb, transactional=True, replicated=False),  # ConditionCheck of the other region's copy
        Write(LOG_KB, transactional=True),
    )
    return reads, writes


def _put_sync(p: UsageProfile) -> Work:
    reads, writes = _sync_write(p.sync.item_kb)
    return Work(reads=reads, writes=writes)


def _delete_sync(p: UsageProfile) -> Work:
    reads, writes = _sync_write(TOMBSTONE_KB)
    return Work(reads=(Read(p.sync.item_kb, True), *reads[1:]), writes=writes)


def _post_upload(p: UsageProfile) -> Work:
    # put_media (PutItem), then a presigned POST the app uses to upload the object.
    return Work(writes=(Write(MEDIA_ROW_KB),), uploads=1)


def _get_media(p: UsageProfile) -> Work:
    # get_media (consistent GetItem), then a CloudFront signed URL the app downloads.
    return Work(reads=(Read(MEDIA_ROW_KB, True),), downloads=p.media.downloads_per_url)


def _subscribe(p: UsageProfile) -> Work:
    # get_profile of the provider (eventually consistent), then one transaction: the conditional Put of the
    # subscription (in GSI1) and the ADD to this region's count item (both billed twice, as transactional).
    return Work(
        reads=(Read(p.sync.profile_kb, False),),
        writes=(Write(SUBSCRIPTION_KB, gsis=1, transactional=True), Write(COUNT_KB, transactional=True)),
    )


def _unsubscribe(p: UsageProfile) -> Work:
    # One transaction: the conditional Delete of the subscription (in GSI1) and the ADD -1 to the count item.
    return Work(
        writes=(Write(SUBSCRIPTION_KB, gsis=1, transactional=True), Write(COUNT_KB, transactional=True))
    )


def _get_subscriptions(p: UsageProfile) -> Work:
    # following(): one GSI1 Query of the caller's FOLLOWS# partition, eventually consistent: a page.
    return Work(reads=(Read(FOLLOWING_PAGE_ITEMS * SUBSCRIPTION_KB, False),))


def _post_notification(p: UsageProfile) -> Work:
    # claim_idempotency (conditional PutItem) and complete_idempotency (UpdateItem) when a key is sent; the
    # kept subscriber count (Query of at most one count item per region, eventually consistent); one
    # SendMessageBatch of one message (the recipient's, or page 1 of the broadcast), whatever the audience.
    # `messages` counts the deliveries the notify worker then makes (one per recipient; worker_message).
    n = p.notifications
    keyed = n.idempotency_key_share
    return Work(
        reads=(Read(2 * COUNT_KB, False),),
        writes=(Write(IDEMPOTENCY_KB, count=2 * keyed),),
        sqs_requests=1,
        messages=n.recipients_per_notification,
        ttl_expiries=keyed,  # the idempotency record expires after a day (dal.IDEMPOTENCY_TTL_SECONDS)
    )


def _get_notifications(p: UsageProfile) -> Work:
    # inbox(): one GSI1 Query, newest first, eventually consistent: a page of entries.
    n = p.notifications
    return Work(reads=(Read(n.inbox_page_items * (n.notification_kb + INBOX_OVERHEAD_KB), False),))


def _delete_me(p: UsageProfile) -> Work:
    # ErasureStore.request: conditional PutItem of the tombstone (a repeat reads it back: not counted); the
    # tombstone expires by TTL after ERASURE_TOMBSTONE_DAYS. The erasure itself runs in the account eraser,
    # once per deleted account, which the usage profile's active users do not describe.
    return Work(writes=(Write(ERASURE_TOMBSTONE_KB),), ttl_expiries=1)


def _post_provider_application(p: UsageProfile) -> Work:
    # ProviderApplicationStore.request: conditional PutItem of the application, which is in GSI1 (the
    # operators' pending list).
    return Work(writes=(Write(PROVIDER_APPLICATION_KB, gsis=1),))


def _post_message(p: UsageProfile) -> Work:
    # services/conversations.send: up to two subscription GetItems (either direction, eventually consistent);
    # with an Idempotency-Key (counted as always sent): claim_key (conditional PutItem, TTL 1 day) and a
    # consistent GetItem of the message; put_message (conditional PutItem, in GSI1 and GSI2); touch_entries: an
    # UpdateItem of both sides' list entries (each in GSI1 and GSI2). A media id adds one GetItem (not counted).
    return Work(
        reads=(Read(SUBSCRIPTION_KB, False, count=2), Read(MESSAGE_KB, True)),
        writes=(
            Write(MESSAGE_KEY_KB),
            Write(MESSAGE_KB, gsis=2),
            Write(CONVERSATION_ENTRY_KB, gsis=2, count=2),
        ),
        ttl_expiries=1,
    )


def _get_conversations(p: UsageProfile) -> Work:
    # conversation_list: one GSI1 Query of a page of entries; one BatchGetItem of both receipts of each entry in
    # each region (4 keys per entry, eventually consistent); one unread COUNT Query per entry (a few messages).
    n = CONVERSATION_PAGE
    return Work(
        reads=(
            Read(n * CONVERSATION_ENTRY_KB, False),
            Read(RECEIPT_KB, False, count=4 * n),
            Read(MESSAGE_KB, False, count=n),
        )
    )


def _get_messages(p: UsageProfile) -> Work:
    # history: the caller's list entry (GetItem; the subscriptions only when there is none, not counted), then
    # one GSI1 Query of a page of messages, newest first.
    return Work(reads=(Read(CONVERSATION_ENTRY_KB, False), Read(MESSAGE_PAGE * MESSAGE_KB, False)))


def _post_read(p: UsageProfile) -> Work:
    # mark_read: the list entry (GetItem), the message (consistent GetItem, a second when the peer sent it:
    # counted once), an UpdateItem of this region's receipt, a BatchGetItem of the regions' receipts (2 keys) and
    # one unread COUNT Query.
    return Work(
        reads=(
            Read(CONVERSATION_ENTRY_KB, False),
            Read(MESSAGE_KB, True),
            Read(RECEIPT_KB, False, count=2),
            Read(MESSAGE_KB, False),
        ),
        writes=(Write(RECEIPT_KB),),
    )


def _get_message_media(p: UsageProfile) -> Work:
    # message_media: the list entry (GetItem), the message (consistent GetItem), then as GET /media/{id} for
    # the sender's object.
    media = _get_media(p)
    return Work(
        reads=(Read(CONVERSATION_ENTRY_KB, False), Read(MESSAGE_KB, True), *media.reads),
        downloads=media.downloads,
    )


ROUTES: dict[str, Callable[[UsageProfile], Work]] = {
    "GET /health": _health,
    "GET /me": _get_me,
    "PUT /me": _put_me,
    "DELETE /me": _delete_me,
    "POST /me/provider-application": _post_provider_application,
    "POST /devices": _post_devices,
    "DELETE /devices/{id}": _delete_device,
    "GET /sync": _get_sync,
    "PUT /sync/{collection}/{id}": _put_sync,
    "DELETE /sync/{collection}/{id}": _delete_sync,
    "POST /media/uploads": _post_upload,
    "GET /media/{id}": _get_media,
    "POST /providers/{id}/subscribe": _subscribe,
    "DELETE /providers/{id}/subscribe": _unsubscribe,
    "GET /subscriptions": _get_subscriptions,
    "POST /notifications": _post_notification,
    "GET /notifications": _get_notifications,
    "POST /conversations/{peer_id}/messages": _post_message,
    "GET /conversations": _get_conversations,
    "GET /conversations/{peer_id}/messages": _get_messages,
    "POST /conversations/{peer_id}/read": _post_read,
    "GET /conversations/{peer_id}/messages/{message_id}/media": _get_message_media,
}


def route_work(route: str, profile: UsageProfile) -> Work:
    """The work of one request of `route`; KeyError for a route this model does not know."""
    return ROUTES[route](profile)


@dataclass(frozen=True)
class WorkerWork:
    work: Work
    pushes: float  # SNS mobile push deliveries (one Publish each)


def worker_message(profile: UsageProfile) -> WorkerWork:
    """notify_worker's work per recipient of a broadcast, lambdas/notify_worker/fanout.py run_page(), a page of
    BROADCAST_PAGE_SIZE recipients shared out: the page's checkpoint GetItem and UpdateItem, its consistent
    Query of the subscribers and one SendMessage of the next page's job; per recipient one consistent
    BatchGetItem key (the inbox entry's status, 1 RRU found or not), DeviceStore.list_for (Query), per device
    token_owner (GSI2 Query) and one Publish, the inbox entry (BatchWriteItem, in GSI1), the push claim
    (conditional PutItem) and InboxStore.finish (UpdateItem of the GSI1 item). A one-recipient message
    (worker.py deliver()) costs about the same: begin instead of the batch write, no page share."""
    n = profile.notifications
    entry_kb = n.notification_kb + INBOX_OVERHEAD_KB
    devices = n.devices_per_user
    share = 1 / BROADCAST_PAGE_SIZE
    work = Work(
        reads=(
            Read(CHECKPOINT_KB, True, count=share),
            Read(BROADCAST_PAGE_SIZE * SUBSCRIPTION_KB, True, count=share),
            Read(entry_kb, True),
            Read(max(devices, 1) * DEVICE_KB, False),
            Read(DEVICE_KB, False, count=devices),
        ),
        writes=(
            Write(entry_kb, gsis=1, count=2),
            Write(PUSH_CLAIM_KB, count=min(1.0, devices)),
            Write(CHECKPOINT_KB, count=share),
        ),
        sqs_requests=share,
    )
    return WorkerWork(work=work, pushes=devices)


def claims_sync(profile: UsageProfile) -> Work:
    """The profile's UpdateItem when a container first sees a user's new token (app.py: sync_claims)."""
    return Work(writes=(Write(profile.sync.profile_kb),))
