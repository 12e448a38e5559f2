"""Subscriptions: a consumer following a provider, one item per pair (`item_keys.subscription`).

A provider's subscribers are its partition; the providers a consumer follows are on GSI1
(`item_keys.follows_pk`). Subscribing is an idempotent put of a fixed key: both regions writing it during a
partition leave one row.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from backend_core import item_keys
from backend_core.ddb import TableAccess, to_ddb, values


@dataclass(frozen=True)
class Subscription:
    provider_id: str
    consumer_id: str
    subscribed_at: str  # ISO-8601 UTC


class SubscriptionStore(TableAccess):
    def subscribe(self, provider_id: str, consumer_id: str, now: str) -> Subscription:
        item = {
            **item_keys.subscription(provider_id, consumer_id),
            "GSI1PK": item_keys.follows_pk(consumer_id),
            "GSI1SK": item_keys.provider_pk(provider_id),
            "provider_id": provider_id,
            "consumer_id": consumer_id,
            "subscribed_at": now,
        }
        self.db.put_item(TableName=self.table, Item=to_ddb(item))  # idempotent: same key, same meaning
        return Subscription(provider_id, consumer_id, now)

    def is_subscriber(self, provider_id: str, consumer_id: str) -> bool:
        return self._get_item(item_keys.subscription(provider_id, consumer_id), consistent=False) is not None

    def subscribers(self, provider_id: str) -> Iterator[str]:
        """The consumer ids following the provider, page by page (Query on its partition)."""
        start: dict[str, Any] | None = None
        while True:
            extra = {"ExclusiveStartKey": to_ddb(start)} if start else {}
            page = self._query_page(
                KeyConditionExpression="PK = :pk AND begins_with(SK, :p)",
                ExpressionAttributeValues=values(
                    pk=item_keys.provider_pk(provider_id), p=item_keys.SUBSCRIBER_PREFIX
                ),
                ProjectionExpression="consumer_id",
                **extra,
            )
            for item in page.items:
                yield str(item["consumer_id"])
            if not page.last_key:
                return
            start = page.last_key
