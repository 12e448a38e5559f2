"""Test helpers for broadcasts (tests/local/test_broadcasts.py, tests/api/test_broadcasts.py and
benchmarks/broadcast_bench.py): a large audience written in bulk (creating thousands of subscribers through the
API would take minutes), what each inbox holds, a client wrapper that kills the caller mid-way, as a crashed
Lambda stops, and a fan-out worker killed mid-way over the local stack."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any

from backend_core import item_keys
from backend_core.broadcast_store import BroadcastStore
from backend_core.ddb import to_ddb, values
from backend_core.device_store import DeviceStore
from backend_core.inbox_store import InboxStore
from backend_core.notifications import BroadcastJob, parse_queue_message
from backend_core.push import PushChannel
from backend_core.settings import PlatformApps
from backend_core.subscription_store import SubscriptionStore
from notify_worker.fanout import FanOut, JobQueue, run_page
from notify_worker.worker import Recipients

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


def inbox_listings(
    dynamodb: Any, table: str, recipient_ids: list[str], threads: int = 8
) -> dict[str, list[str]]:
    """recipient -> the notification ids their inbox lists (a consistent Query of their `NOTIF#` entries, every
    page), as GET /notifications reads it: a notification listed twice would show here twice."""

    def listing(recipient: str) -> list[str]:
        ids: list[str] = []
        start: dict[str, Any] | None = None
        while True:
            out = dynamodb.query(
                TableName=table,
                KeyConditionExpression="PK = :pk AND begins_with(SK, :sk)",
                ExpressionAttributeValues=values(
                    pk=item_keys.user_pk(recipient), sk=item_keys.INBOX_ENTRY_PREFIX
                ),
                ConsistentRead=True,
                **({"ExclusiveStartKey": start} if start else {}),
            )
            ids += [item["notification_id"]["S"] for item in out["Items"]]
            start = out.get("LastEvaluatedKey")
            if not start:
                return ids

    with ThreadPoolExecutor(max_workers=threads) as pool:  # one Query each: I/O bound
        return dict(zip(recipient_ids, pool.map(listing, recipient_ids), strict=True))


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


def _now() -> str:
    return datetime.now(UTC).isoformat().replace("+00:00", "Z")


def local_fan_out(stack: Any, dynamodb: Any, queue_url: str) -> FanOut:
    """The notify worker's fan-out as the primary region's Lambda builds it, on the local stack's emulator
    (`stack`: an `ops.local.testing.LocalStackHandle`), with `dynamodb` as its table client."""
    table, region = stack.outputs.table.name, stack.region("primary")
    apps = stack.outputs.notifications.platform_applications
    return FanOut(
        SubscriptionStore(dynamodb, table, region),
        Recipients(InboxStore(dynamodb, table), DeviceStore(dynamodb, table)),
        BroadcastStore(dynamodb, table, region),
        JobQueue(stack.client("sqs"), queue_url),
        PushChannel(stack.client("sns"), region, PlatformApps(apns=apps.apns, fcm=apps.fcm)),
    )


def kill_mid_way(stack: Any, job: BroadcastJob, crash_page: int, on_killed: Callable[[], None]) -> list[str]:
    """Run `job` with a worker of our own, killed on page `crash_page` after the first of that page's four
    inbox batches (a page of 100 subscribers without devices: 4 BatchWriteItem calls of 25): nothing after the
    kill runs or is acknowledged. The worker drains a private queue (the stack's worker does not see it);
    `on_killed()` runs once it died (to look at the half-done state). Returns the bodies of the jobs SQS makes
    visible again (the unacknowledged one), which the caller hands to the stack's worker. Raises AssertionError
    when the worker was not killed (the broadcast has fewer pages)."""
    ddb, sqs = stack.client("dynamodb"), stack.client("sqs")
    private = sqs.create_queue(QueueName=f"crash-{uuid.uuid4().hex[:8]}")["QueueUrl"]
    try:
        sqs.send_message(QueueUrl=private, MessageBody=job.model_dump_json())
        fan = local_fan_out(stack, KillOnCall(ddb, "batch_write_item", nth=(crash_page - 1) * 4 + 2), private)
        try:
            for _ in range(crash_page):
                message = sqs.receive_message(QueueUrl=private, VisibilityTimeout=0)["Messages"][0]
                run_page(fan, parse_queue_message(message["Body"]), _now())
                sqs.delete_message(QueueUrl=private, ReceiptHandle=message["ReceiptHandle"])
        except Killed:
            on_killed()
        else:
            raise AssertionError(f"the worker was not killed on page {crash_page}")
        left = sqs.receive_message(QueueUrl=private, MaxNumberOfMessages=10, VisibilityTimeout=0)["Messages"]
        return [m["Body"] for m in left]
    finally:
        sqs.delete_queue(QueueUrl=private)
