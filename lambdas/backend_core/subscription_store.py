"""Subscriptions: a consumer following a provider, one item per pair (`item_keys.subscription`), and the
provider's subscriber count.

A provider's subscribers are its partition; the providers a consumer follows are on GSI1
(`item_keys.follows_pk`). Subscribing creates the pair's item only if it is absent, and unsubscribing deletes it
only if it is present, each in one transaction with this region's count item (`item_keys.subscriber_count`),
so the count moves only when the subscription really came or went in this region's replica. Each region writes
only its own count item, so replication never overwrites an increment; the count is the sum of the regions'
items. During a replication partition the same pair changed in both regions is counted in both: the count is
then an estimate (backend_core/README.md, "Two regions take writes"); whom a broadcast reaches is always the
Query of the partition (`subscribers_page`), never the count.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import ClientError

from backend_core import item_keys
from backend_core.ddb import TableAccess, to_ddb, values


@dataclass(frozen=True)
class Subscription:
    """A consumer following a provider."""

    provider_id: str
    consumer_id: str
    subscribed_at: str  # ISO-8601 UTC


@dataclass(frozen=True)
class SubscriberPage:
    """One page of a provider's subscribers (consumer ids, in key order) and where the next page starts: the
    Query's LastEvaluatedKey as plain strings (None on the last page)."""

    consumer_ids: list[str]
    last_key: dict[str, str] | None


@dataclass(frozen=True)
class FollowingPage:
    """One page of the providers a consumer follows, by provider id, and where the next page starts."""

    subscriptions: list[Subscription]
    next_provider: str | None  # the last provider of the page: where the next page starts; None: no more


def _cancelled_by_condition(exc: ClientError) -> bool:
    """A transaction cancelled because its first item's condition failed (and nothing else went wrong)."""
    if exc.response.get("Error", {}).get("Code") != "TransactionCanceledException":
        return False
    reasons = exc.response.get("CancellationReasons") or []
    codes = [r.get("Code") for r in reasons]
    return (
        bool(codes) and codes[0] == "ConditionalCheckFailed" and all(c in (None, "None") for c in codes[1:])
    )


class SubscriptionStore(TableAccess):
    def __init__(
        self, dynamodb_client: Any, table_name: str, region: str, count_regions: tuple[str, ...] = ()
    ) -> None:
        super().__init__(dynamodb_client, table_name)
        self.region = region  # whose count item this store moves
        # Whose count items make the count: every region that takes writes (settings.write_regions). Only
        # `subscriber_count` needs them; without them it refuses rather than answer one region's share.
        self.count_regions = count_regions

    def _count_update(self, provider_id: str, delta: int) -> dict[str, Any]:
        return {
            "Update": {
                "TableName": self.table,
                "Key": to_ddb(item_keys.subscriber_count(provider_id, self.region)),
                "UpdateExpression": "ADD subscribers :d SET provider_id = :p",
                "ExpressionAttributeValues": values(d=delta, p=provider_id),
            }
        }

    @staticmethod
    def item(provider_id: str, consumer_id: str, now: str) -> dict[str, Any]:
        """The subscription item (plain values): the pair's key and its GSI1 entry."""
        return {
            **item_keys.subscription(provider_id, consumer_id),
            "GSI1PK": item_keys.follows_pk(consumer_id),
            "GSI1SK": item_keys.provider_pk(provider_id),
            "provider_id": provider_id,
            "consumer_id": consumer_id,
            "subscribed_at": now,
        }

    def subscribe(self, provider_id: str, consumer_id: str, now: str) -> tuple[Subscription, bool]:
        """Follow (idempotent): the subscription and whether this call created it (then this region's count
        went up by one). An existing subscription is answered as stored."""
        item = self.item(provider_id, consumer_id, now)
        try:
            self.db.transact_write_items(
                TransactItems=[
                    {
                        "Put": {
                            "TableName": self.table,
                            "Item": to_ddb(item),
                            "ConditionExpression": "attribute_not_exists(PK)",
                        }
                    },
                    self._count_update(provider_id, 1),
                ]
            )
            return Subscription(provider_id, consumer_id, now), True
        except ClientError as exc:
            if not _cancelled_by_condition(exc):
                raise
        existing = self._get_item(item_keys.subscription(provider_id, consumer_id)) or {}
        return Subscription(provider_id, consumer_id, str(existing.get("subscribed_at", now))), False

    def unsubscribe(self, provider_id: str, consumer_id: str) -> bool:
        """Stop following (idempotent): whether this call removed the subscription (then this region's count
        went down by one). The pair's Delete (conditioned on the pair existing) and the count's `ADD -1` are one
        TransactWriteItems, so the count moves exactly when the pair goes: a retry after the pair is gone is
        cancelled by its condition and moves nothing (False). Also the account eraser's removal of an erased
        consumer (`account_erasure.leave_subscriber_counts`). Any other failure (a conflicting transaction,
        throttling, a refused count update) raises ClientError with nothing written."""
        try:
            self.db.transact_write_items(
                TransactItems=[
                    {
                        "Delete": {
                            "TableName": self.table,
                            "Key": to_ddb(item_keys.subscription(provider_id, consumer_id)),
                            "ConditionExpression": "attribute_exists(PK)",
                        }
                    },
                    self._count_update(provider_id, -1),
                ]
            )
            return True
        except ClientError as exc:
            if not _cancelled_by_condition(exc):
                raise
        return False

    def subscriber_count(self, provider_id: str) -> int:
        """The sum of the write regions' count items, never below 0: one BatchGetItem of their keys, so its cost
        never depends on the audience (a Query beside the provider's subscriber items would, in the emulator).
        Exact while replication keeps up; an estimate after a partition (see the module docstring). Raises
        BatchIncomplete when DynamoDB keeps a key unprocessed through every retry, ValueError when the store was
        built without `count_regions`."""
        if not self.count_regions:
            raise ValueError(
                "subscriber_count needs count_regions (the write regions): one region's item is a share"
            )
        keys = [to_ddb(item_keys.subscriber_count(provider_id, r)) for r in self.count_regions]
        items = self._batch_get(keys, ProjectionExpression="subscribers")
        return max(0, sum(int(i.get("subscribers", 0)) for i in items))

    def is_subscriber(self, provider_id: str, consumer_id: str) -> bool:
        return self._get_item(item_keys.subscription(provider_id, consumer_id), consistent=False) is not None

    def subscribers_page(
        self, provider_id: str, limit: int, start: dict[str, str] | None = None
    ) -> SubscriberPage:
        """Up to `limit` subscribers of the provider after `start` (a previous page's `last_key`), by a Query
        of its partition (consistent: a retried page sees what the first attempt saw, or more). Raises
        ValueError for a `start` outside this provider's subscriber keys."""
        pk = item_keys.provider_pk(provider_id)
        extra: dict[str, Any] = {}
        if start is not None:
            if set(start) != {"PK", "SK"} or start["PK"] != pk:
                raise ValueError("the start key is not one of this provider's subscriber keys")
            if not str(start["SK"]).startswith(item_keys.SUBSCRIBER_PREFIX):
                raise ValueError("the start key is not one of this provider's subscriber keys")
            extra["ExclusiveStartKey"] = to_ddb(start)
        page = self._query_page(
            KeyConditionExpression="PK = :pk AND begins_with(SK, :p)",
            ExpressionAttributeValues=values(pk=pk, p=item_keys.SUBSCRIBER_PREFIX),
            ProjectionExpression="consumer_id",
            ConsistentRead=True,
            Limit=limit,
            **extra,
        )
        last = {"PK": str(page.last_key["PK"]), "SK": str(page.last_key["SK"])} if page.last_key else None
        return SubscriberPage([str(i["consumer_id"]) for i in page.items], last)

    def subscribers(self, provider_id: str, page_size: int = 1000) -> Iterator[str]:
        """Every consumer id following the provider, page by page (Query on its partition)."""
        start: dict[str, str] | None = None
        while True:
            page = self.subscribers_page(provider_id, page_size, start)
            yield from page.consumer_ids
            if page.last_key is None:
                return
            start = page.last_key

    def following(self, consumer_id: str, limit: int, after: str | None) -> FollowingPage:
        """A page of the providers the consumer follows (GSI1, by provider id), after the provider `after`."""
        extra: dict[str, Any] = {}
        if after:
            start = {
                **item_keys.subscription(after, consumer_id),
                "GSI1PK": item_keys.follows_pk(consumer_id),
                "GSI1SK": item_keys.provider_pk(after),
            }
            extra["ExclusiveStartKey"] = to_ddb(start)
        page = self._query_page(
            IndexName="GSI1",
            KeyConditionExpression="GSI1PK = :pk",
            ExpressionAttributeValues=values(pk=item_keys.follows_pk(consumer_id)),
            Limit=limit,
            **extra,
        )
        subs = [
            Subscription(str(i["provider_id"]), str(i["consumer_id"]), str(i.get("subscribed_at", "")))
            for i in page.items
        ]
        next_provider = subs[-1].provider_id if page.last_key and subs else None
        return FollowingPage(subs, next_provider)
