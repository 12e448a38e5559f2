"""Account deletion: the one list of what a user owns, and the steps that erase it (the tombstone `DELETE /me`
writes, and its store, are in `backend_core.erasure_store`).

What a user owns is defined once, as `ERASE_STEPS`: each step erases one store's part of the user in ONE region
(the region of the clients in `EraseContext`). The account eraser (lambdas/account_eraser) runs every step in
each region when the tombstone reaches that region's table stream, so both regions are erased by their own
functions (the DR region never calls the primary's APIs, and a region that was dark catches up from its own
stream when it is back).

Two regions take writes and replication can pause, so erasing once is not enough: a write made in the other
region before the tombstone reached it (a sync item saved during a replication pause, say) replicates in after
the sweep. The tombstone stays (`erasure_store.ERASURE_TOMBSTONE_DAYS`) and the eraser erases again any item of
a tombstoned user that appears in its stream later, so a late write cannot resurrect the user's data. Every step
is idempotent: a retried batch, or both regions erasing the same replicated items, deletes nothing twice that
matters.

S3 replication is asynchronous (RTC: 99.99 % within 15 minutes; without RTC, longer), so a media version in
flight when both regions swept lands in the other bucket later, with no record left pointing at it. Each
media bucket therefore notifies the account eraser of every object created under the media prefix (replicas
included: S3 emits `s3:ObjectCreated:*` in the destination for a replica), and `erase_landed_media` empties
the owner's prefix again while the tombstone exists.

Sources for the media step: S3 deletes a specific version permanently and does not replicate such a delete
(S3 user guide, "Replicating delete markers between buckets"), hence each region empties its own bucket.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import ClientError

from backend_core import item_keys
from backend_core.ddb import TableAccess, from_ddb, to_ddb, values
from backend_core.erasure_store import Erasure, ErasureStore, Tombstones
from backend_core.s3_layout import owner_of_media_key, user_media_prefix
from backend_core.subscription_store import SubscriptionStore

BATCH = 25  # BatchWriteItem's limit


def user_pool_id_parameter(name_prefix: str) -> str:
    """The SSM parameter holding the id of the pool that owns the users (`name_prefix`: `<project>-<env>`), read
    by the account eraser; Terraform's modules/api writes it (tests/terraform compares the names)."""
    return f"/{name_prefix}/identity/user-pool-id"


@dataclass
class EraseContext:
    """One region's clients and names: every step erases in this region only."""

    dynamodb: Any
    table: str
    s3: Any
    media_bucket: str
    cognito: Any
    region: str
    write_regions: tuple[str, ...]
    erased: dict[str, int]  # step name -> items/objects erased, for the log and metrics
    # The id of the pool that owns the users (`<home region>_<id>`), looked up when the Cognito step runs (after the
    # data steps, so a failing lookup leaves nothing of the user's data behind); None = no pool.
    owning_pool: Callable[[], str | None] = lambda: None
    # Where a step reads other users' tombstones (`erase_late_item`); None = an ErasureStore of ctx's table.
    tombstones: Tombstones | None = None


class _Table(TableAccess):
    def keys(self, **query: Any) -> Iterator[dict[str, Any]]:
        start: dict[str, Any] | None = None
        while True:
            extra = {"ExclusiveStartKey": to_ddb(start)} if start else {}
            page = self._query_page(**query, **extra)
            yield from page.items
            if not page.last_key:
                return
            start = page.last_key

    def delete_all(self, keys: list[dict[str, str]]) -> int:
        """Delete items by key in batches, retrying what DynamoDB leaves unprocessed."""
        for start in range(0, len(keys), BATCH):
            requests = [{"DeleteRequest": {"Key": to_ddb(k)}} for k in keys[start : start + BATCH]]
            while requests:
                out = self.db.batch_write_item(RequestItems={self.table: requests})
                requests = out.get("UnprocessedItems", {}).get(self.table, [])
        return len(keys)


def _key(item: dict[str, Any]) -> dict[str, str]:
    return {"PK": str(item["PK"]), "SK": str(item["SK"])}


def erase_user_partition(ctx: EraseContext, user_id: str) -> int:
    """Profile, sync copies and counters, devices (whose REMOVE makes lambdas/endpoint_cleanup delete the
    push endpoint in each region), media records, inbox, provider application: the `USER#` partition, but
    the tombstone."""
    table = _Table(ctx.dynamodb, ctx.table)
    keys = [
        _key(i)
        for i in table.keys(
            KeyConditionExpression="PK = :pk",
            ExpressionAttributeValues=values(pk=item_keys.user_pk(user_id)),
            ProjectionExpression="PK, SK",
        )
        if i["SK"] != item_keys.ACCOUNT_ERASURE_SK
    ]
    return table.delete_all(keys)


def erase_sync_logs(ctx: EraseContext, user_id: str) -> int:
    """The change log of the user's writes in every region (each its own partition)."""
    table = _Table(ctx.dynamodb, ctx.table)
    keys: list[dict[str, str]] = []
    for origin in ctx.write_regions:
        keys += [
            _key(i)
            for i in table.keys(
                KeyConditionExpression="PK = :pk",
                ExpressionAttributeValues=values(pk=item_keys.sync_log_pk(user_id, origin)),
                ProjectionExpression="PK, SK",
            )
        ]
    return table.delete_all(keys)


def erase_subscriptions(ctx: EraseContext, user_id: str) -> int:
    """Both directions: the providers the user follows (GSI1) and, for a provider, its subscribers."""
    table = _Table(ctx.dynamodb, ctx.table)
    following = [
        _key(i)
        for i in table.keys(
            IndexName="GSI1",
            KeyConditionExpression="GSI1PK = :pk",
            ExpressionAttributeValues=values(pk=item_keys.follows_pk(user_id)),
            ProjectionExpression="PK, SK",
        )
    ]
    followers = [
        _key(i)
        for i in table.keys(
            KeyConditionExpression="PK = :pk",
            ExpressionAttributeValues=values(pk=item_keys.provider_pk(user_id)),
            ProjectionExpression="PK, SK",
        )
    ]
    return table.delete_all(following + followers)


def leave_subscriber_counts(ctx: EraseContext, user_id: str) -> int:
    """The providers the user follows (GSI1) stop counting them: each pair this region's replica holds is
    deleted and this region's count item moves down by one in the same TransactWriteItems, the pair's Delete
    conditioned on the pair existing (`SubscriptionStore.unsubscribe`, as `POST .../unsubscribe` does); pairs
    deleted. A crash or a retried batch cannot skip or double a decrement: a pair still there is deleted with its
    decrement, a pair already gone is cancelled by its condition and counts 0. Any other failure of a
    transaction (a conflicting write, throttling) raises ClientError, so Lambda retries the record.

    Run by the eraser of the region that took the DELETE /me only (`erase_everything`), before the
    subscriptions step: that region's eraser starts from its own tombstone's record, before the other region has
    even seen the tombstone, so it finds every pair its replica holds, and the other region's eraser (which only
    deletes) cannot make the count move twice. Each region's count item counts the pairs created in that region
    (subscribe) minus those removed there, so the sum stays right whichever region created a pair. A pair made in
    the other region during a replication pause, not yet in this replica, stays counted there (the count is then
    over by one: an estimate, as after a partition; backend_core/README.md, "Two regions take writes")."""
    table = _Table(ctx.dynamodb, ctx.table)
    following = [
        str(i["PK"]).removeprefix(item_keys.PROVIDER)
        for i in table.keys(
            IndexName="GSI1",
            KeyConditionExpression="GSI1PK = :pk",
            ExpressionAttributeValues=values(pk=item_keys.follows_pk(user_id)),
            ProjectionExpression="PK, SK",
        )
    ]
    store = SubscriptionStore(ctx.dynamodb, ctx.table, ctx.region)
    return sum(store.unsubscribe(provider_id, user_id) for provider_id in following)


def erase_media_objects(ctx: EraseContext, user_id: str) -> int:
    """Every version and delete marker under the user's prefix in this region's media bucket."""
    erased = 0
    paginator = ctx.s3.get_paginator("list_object_versions")
    for page in paginator.paginate(Bucket=ctx.media_bucket, Prefix=user_media_prefix(user_id)):
        doomed = [
            {"Key": v["Key"], "VersionId": v["VersionId"]}
            for v in page.get("Versions", []) + page.get("DeleteMarkers", [])
        ]
        for start in range(0, len(doomed), 1000):  # DeleteObjects' limit
            chunk = doomed[start : start + 1000]
            out = ctx.s3.delete_objects(Bucket=ctx.media_bucket, Delete={"Objects": chunk, "Quiet": True})
            if out.get("Errors"):
                first = out["Errors"][0]
                raise RuntimeError(f"S3 refused to delete {first.get('Key')}: {first.get('Code')}")
            erased += len(chunk)
    return erased


def erase_conversations(ctx: EraseContext, user_id: str) -> int:
    """The user's side of conversations; the peer keeps the thread and sees a deleted user, not vanishing
    messages. Every message the user sent (GSI2 MSGBY#<user>) becomes a placeholder marked `sender_deleted`, its
    text and media id gone; every list entry another user holds about them (GSI2 CONVPEER#<user>) is marked
    `peer_deleted`, its preview gone when it showed the user's message. The user's own list entries, read
    receipts and message Idempotency-Key claims are in their partition (`erase_user_partition`). Items changed."""
    table = _Table(ctx.dynamodb, ctx.table)
    changed = 0
    for item in table.keys(
        IndexName="GSI2",
        KeyConditionExpression="GSI2PK = :pk",
        ExpressionAttributeValues=values(pk=item_keys.messages_by_pk(user_id)),
    ):
        changed += scrub_message(ctx, item)
    for item in table.keys(
        IndexName="GSI2",
        KeyConditionExpression="GSI2PK = :pk",
        ExpressionAttributeValues=values(pk=item_keys.conversation_peer_pk(user_id)),
    ):
        changed += mark_peer_deleted(ctx, item, user_id)
    return changed


def scrub_message(ctx: EraseContext, message: dict[str, Any]) -> int:
    """Replace a deleted user's message by its placeholder (keys, ids and time kept: the thread's order holds;
    the sender's GSI2 entry goes). 0 when it already is one, so the eraser's own write, which comes back through
    the stream, ends there."""
    if message.get("sender_deleted") and not {"text", "media_id", "GSI2PK"} & set(message):
        return 0
    try:
        ctx.dynamodb.update_item(
            TableName=ctx.table,
            Key=to_ddb(_key(message)),
            UpdateExpression="SET sender_deleted = :t REMOVE #text, media_id, GSI2PK, GSI2SK",
            ConditionExpression="attribute_exists(PK)",
            ExpressionAttributeNames={"#text": "text"},
            ExpressionAttributeValues=values(t=True),
        )
    except ClientError as exc:
        if exc.response["Error"]["Code"] != "ConditionalCheckFailedException":
            raise
        return 0
    return 1


def mark_peer_deleted(ctx: EraseContext, entry: dict[str, Any], user_id: str) -> int:
    """Mark another user's list entry about the deleted `user_id`; its preview goes when it showed the deleted
    user's message. 0 when already marked (the eraser's own write comes back through the stream)."""
    shows_theirs = entry.get("last_sender_id") == user_id
    if entry.get("peer_deleted") and not (shows_theirs and "preview" in entry):
        return 0
    try:
        ctx.dynamodb.update_item(
            TableName=ctx.table,
            Key=to_ddb(_key(entry)),
            UpdateExpression="SET peer_deleted = :t" + (" REMOVE preview" if shows_theirs else ""),
            ConditionExpression="attribute_exists(PK)",
            ExpressionAttributeValues=values(t=True),
        )
    except ClientError as exc:
        if exc.response["Error"]["Code"] != "ConditionalCheckFailedException":
            raise
        return 0
    return 1


def user_pool_home_region(user_pool_id: str) -> str:
    """The region a user pool lives in: its id's prefix (`us-east-1_AbC123` -> `us-east-1`). A multi-Region
    replica shares the id, so its prefix names the primary (the pool where user writes go)."""
    return user_pool_id.split("_", 1)[0]


def erase_cognito_user(ctx: EraseContext, user_id: str) -> int:
    """Sign the user out everywhere (refresh tokens revoked) and delete them from the pool that owns the users
    (`ctx.owning_pool()`), in that pool's home region only: whatever issuer signed the `DELETE /me` token (the
    DR replica's or the primary's), the user is deleted once, by the primary region's eraser when the
    tombstone reaches it; the DR region never calls it (a secondary replica takes no user writes, and the
    primary may be dark). Already gone counts as done."""
    pool = ctx.owning_pool()
    if not pool or user_pool_home_region(pool) != ctx.region:
        return 0
    for call in (ctx.cognito.admin_user_global_sign_out, ctx.cognito.admin_delete_user):
        try:
            call(UserPoolId=pool, Username=user_id)
        except ClientError as exc:
            if exc.response["Error"]["Code"] != "UserNotFoundException":
                raise
            return 0
    return 1


Step = Callable[[EraseContext, str], int]
# What a user owns, once: every store's erase step, run in this order in each region. The tombstone is kept.
ERASE_STEPS: tuple[tuple[str, Step], ...] = (
    ("user_partition", erase_user_partition),  # with their list entries, read receipts, message keys
    ("sync_logs", erase_sync_logs),
    ("subscriptions", erase_subscriptions),
    ("media_objects", erase_media_objects),
    ("conversations", erase_conversations),  # issue 14: the user's side of conversations
)


def erase_everything(ctx: EraseContext, erasure: Erasure) -> dict[str, int]:
    """Run every step for the user in ctx's region, then the Cognito user; counts per step. In the region that
    took the request, the followed providers' subscriber counts first (`leave_subscriber_counts`)."""
    if erasure.requested_in == ctx.region:
        ctx.erased["subscriber_counts"] = ctx.erased.get("subscriber_counts", 0) + leave_subscriber_counts(
            ctx, erasure.user_id
        )
    for name, step in ERASE_STEPS:
        ctx.erased[name] = ctx.erased.get(name, 0) + step(ctx, erasure.user_id)
    ctx.erased["cognito_user"] = erase_cognito_user(ctx, erasure.user_id)
    return ctx.erased


def erase_late_item(ctx: EraseContext, image: dict[str, Any]) -> int:
    """An item written for a user whose tombstone exists (a late replicated write, or a request made with a
    token still valid after the deletion): delete it again, and a media record's objects with it. The peer's
    side of a conversation stays: a deleted user's message becomes its placeholder, and another user's list
    entry about a deleted user is marked (`erase_conversations`), not deleted."""
    pk, sk = str(image["PK"]), str(image["SK"])
    if item_keys.is_message(pk, sk):
        return scrub_message(ctx, image)
    if item_keys.is_conversation_entry(pk, sk):
        owner, peer = item_keys.owners_of(pk, sk)
        tombstones = ctx.tombstones or ErasureStore(ctx.dynamodb, ctx.table)
        if tombstones.get(owner, consistent=False) is None:
            return mark_peer_deleted(ctx, image, peer)
    _Table(ctx.dynamodb, ctx.table).delete_all([{"PK": pk, "SK": sk}])
    erased = 1
    owner = item_keys.owners_of(pk, sk)
    if owner and item_keys.media_id_of(sk) is not None:
        erased += erase_media_objects(ctx, owner[0])
    return erased


def erase_landed_media(ctx: EraseContext, store: Tombstones, key: str) -> int:
    """A media object version landed in this region's bucket (an upload, or a replica S3 replication brought in
    late, after both regions' sweeps): when its owner (the key's `users/<user id>/`) has a tombstone, empty the
    owner's prefix again, that version with it. Objects erased; 0 for a live owner or a key of no user.

    The tombstone read is strongly consistent: a version that landed before the tombstone reached this region
    is in the listing of the sweep the tombstone's arrival sets off, one that lands after is seen here."""
    owner = owner_of_media_key(key)
    if owner is None or store.get(owner) is None:
        return 0
    return erase_media_objects(ctx, owner)


def stream_image(record: dict[str, Any]) -> dict[str, Any] | None:
    """The new image of an INSERT or MODIFY stream record, as a plain item; None otherwise."""
    if record.get("eventName") not in ("INSERT", "MODIFY"):
        return None
    image = (record.get("dynamodb") or {}).get("NewImage")
    return from_ddb(image) if image else None
