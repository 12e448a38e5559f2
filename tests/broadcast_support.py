"""Test helpers for broadcasts: a large audience written in bulk (creating thousands of subscribers through
the API would take minutes), and a client wrapper that kills the caller mid-way, as a crashed Lambda stops."""

from __future__ import annotations

from typing import Any

from backend_core import item_keys
from backend_core.ddb import to_ddb, values
from backend_core.subscription_store import SubscriptionStore

BATCH = 25


def bulk_subscribe(
    dynamodb: Any, table: str, region: str, provider_id: str, consumer_ids: list[str], now: str
) -> None:
    """Write the subscriptions of `consumer_ids` (all new: the provider has none of them) with BatchWriteItem,
    and move `region`'s count item by as many, as `SubscriptionStore.subscribe` would one by one."""
    for start in range(0, len(consumer_ids), BATCH):
        requests = [
            {"PutRequest": {"Item": to_ddb(SubscriptionStore.item(provider_id, c, now))}}
            for c in consumer_ids[start : start + BATCH]
        ]
        pending: dict[str, Any] = {table: requests}
        while pending:
            pending = dynamodb.batch_write_item(RequestItems=pending).get("UnprocessedItems") or {}
    dynamodb.update_item(
        TableName=table,
        Key=to_ddb(item_keys.subscriber_count(provider_id, region)),
        UpdateExpression="ADD subscribers :d SET provider_id = :p",
        ExpressionAttributeValues=values(d=len(consumer_ids), p=provider_id),
    )


def inbox_ids(dynamodb: Any, table: str, recipient_ids: list[str], notification_id: str) -> dict[str, str]:
    """recipient -> the notification id of their entry for `notification_id` (BatchGetItem, consistent):
    who has it."""
    found: dict[str, str] = {}
    for start in range(0, len(recipient_ids), 100):
        keys = [to_ddb(item_keys.inbox_entry(r, notification_id)) for r in recipient_ids[start : start + 100]]
        request: dict[str, Any] = {table: {"Keys": keys, "ConsistentRead": True}}
        while request:
            out = dynamodb.batch_get_item(RequestItems=request)
            for item in out.get("Responses", {}).get(table, []):
                found[item_keys.user_id_of(item["PK"]["S"])] = item["notification_id"]["S"]
            request = out.get("UnprocessedKeys") or {}
    return found


class Killed(BaseException):
    """The worker's process died: nothing after this point runs, nothing is reported to SQS."""


class KillOnCall:
    """A real boto3 client whose `method` kills the caller on its `nth` call (the calls before go through)."""

    def __init__(self, client: Any, method: str, nth: int) -> None:
        self._client, self._method, self._nth, self.calls = client, method, nth, 0

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self._client, name)
        if name != self._method:
            return attr

        def call(*args: Any, **kwargs: Any) -> Any:
            self.calls += 1
            if self.calls == self._nth:
                raise Killed(f"killed on {name} call {self.calls}")
            return attr(*args, **kwargs)

        return call
