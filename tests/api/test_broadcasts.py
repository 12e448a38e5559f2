"""Broadcasts at any audience size, in process (the API and the notify worker over the moto-backed stack):
the request queues one job whatever the audience, the worker fans out page by page, and a crash or a retry
mid-way neither loses nor duplicates a recipient (issue 14). The same over the local stack, both regions:
tests/local/test_broadcasts.py. The request is checked at the issue's 5,000 subscribers (the same AWS calls as to
one); the fan-outs run bounded versions (300), and `benchmarks/broadcast_bench.py` (make bench) the full 5,000,
timed, with a killed worker and every inbox checked."""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pytest

from backend_core import aws, item_keys
from backend_core.broadcast_store import CHECKPOINT_TTL_SECONDS, SQS_MAX_RETENTION_SECONDS, BroadcastStore
from backend_core.ddb import BatchIncomplete, to_ddb
from backend_core.device_store import DeviceStore
from backend_core.inbox_store import InboxStore
from backend_core.notifications import BroadcastJob, parse_queue_message
from backend_core.push import PushChannel
from backend_core.subscription_store import SubscriptionStore
from backend_core.table_design import TABLE_DESIGN
from mobile_api.app import create_handler
from notify_worker.app import create_handler as create_worker
from notify_worker.fanout import FanOut, JobQueue, run_page
from notify_worker.settings import Settings as WorkerSettings
from notify_worker.worker import Recipients
from tests.api.conftest import Api, Stack, sns_messages, sqs_event
from tests.api.test_notifications import device_endpoint
from tests.broadcast_support import Killed, KillOnCall, bulk_subscribe, inbox_ids

NOW = "2026-12-01T10:00:00Z"
# The issue's audience is 5,000 (the benchmark's, over the local stack); here 300 keeps the suite fast on a
# 2-core machine while still running several pages (four, the kill in the second): a table and queue of their
# own, as a big table slows every later test's transactions in the emulator.
AUDIENCE = 300
# Page jobs: DynamoDB answers a LastEvaluatedKey when a page fills its Limit exactly, so an audience that is a
# multiple of 100 ends with one empty page.
PAGES = AUDIENCE // 100 + 1
CRASH_PAGE = 2


def audience(api, make_user, stack, bulk: int, with_devices: int = 0):
    """A provider with `with_devices` real consumers (each with a push token) and `bulk` more written in bulk."""
    provider = make_user("providers")
    api("GET", "/me", provider)
    real = []
    for _ in range(with_devices):
        consumer = make_user("consumers")
        device = api("POST", "/devices", consumer, {"platform": "apns", "token": f"bc-{consumer.sub}"})
        assert api("POST", f"/providers/{provider.sub}/subscribe", consumer).status == 200
        real.append((consumer, device.body["id"]))
    bulk_ids = [f"bulk-{uuid.uuid4().hex[:12]}" for _ in range(bulk)]
    s = stack.settings
    bulk_subscribe(stack.client("dynamodb"), s.table_name, s.region, provider.sub, bulk_ids, NOW)
    return provider, real, bulk_ids


def queued(stack) -> list[dict]:
    """Every message on the notify queue now (left on it: visibility timeout 0)."""
    got = stack.client("sqs").receive_message(
        QueueUrl=stack.settings.notify_queue_url, MaxNumberOfMessages=10, VisibilityTimeout=0
    )
    return got.get("Messages", [])


def everyone(real, bulk_ids) -> list[str]:
    return [c.sub for c, _ in real] + bulk_ids


def pushes(stack, consumer, device_id) -> int:
    arn = device_endpoint(stack, consumer, device_id)["endpoints"]["M"]["us-east-1"]["S"]
    return len(sns_messages(stack, arn))


def test_a_broadcast_queues_one_job_whatever_the_audience(api, make_user, stack, drain):
    drain()
    for size in (1, 120):
        provider, _, bulk_ids = audience(api, make_user, stack, size)
        sent = api("POST", "/notifications", provider, {"to": None, "title": "All", "body": "hi"})
        assert sent.status == 202 and sent.body["recipients"] == size  # the kept count
        messages = queued(stack)
        assert len(messages) == 1  # one job, not one message per recipient
        job = parse_queue_message(messages[0]["Body"])
        assert isinstance(job, BroadcastJob) and job.page == 1 and job.start_key is None
        drain(max_rounds=20)
        got = inbox_ids(stack.client("dynamodb"), stack.settings.table_name, bulk_ids, sent.body["id"])
        assert set(got) == set(bulk_ids)


def fan_out(stack, dynamodb) -> FanOut:
    s = stack.settings
    recipients = Recipients(InboxStore(dynamodb, s.table_name), DeviceStore(dynamodb, s.table_name))
    channel = PushChannel(aws.client("sns", s), s.region, s.platform_app_arns)
    return FanOut(
        SubscriptionStore(dynamodb, s.table_name, s.region),
        recipients,
        BroadcastStore(dynamodb, s.table_name, s.region),
        JobQueue(aws.client("sqs", s), s.notify_queue_url),
        channel,
    )


def test_a_duplicate_page_job_does_nothing_and_the_push_carries_the_collapse_ids(
    api, make_user, stack, drain, worker
):
    drain()
    provider, real, _ = audience(api, make_user, stack, 0, with_devices=1)
    sent = api("POST", "/notifications", provider, {"to": None, "title": "All", "body": "hi"})
    body = queued(stack)[0]["Body"]
    drain()
    stack.client("sqs").send_message(QueueUrl=stack.settings.notify_queue_url, MessageBody=body)  # again
    drain()
    consumer, device_id = real[0]
    arn = device_endpoint(stack, consumer, device_id)["endpoints"]["M"]["us-east-1"]["S"]
    messages = sns_messages(stack, arn)
    assert len(messages) == 1
    gcm = json.loads(json.loads(messages[0])["GCM"])
    assert gcm["collapse_key"] == sent.body["id"]


def test_push_claims_are_per_region(stack):
    s = stack.settings
    inbox = InboxStore(stack.client("dynamodb"), s.table_name)
    user, notification = f"u-{uuid.uuid4().hex[:8]}", uuid.uuid4().hex
    assert inbox.claim_push(user, notification, "us-east-1") is True
    assert inbox.claim_push(user, notification, "us-east-1") is False  # a retry in the same region
    assert inbox.claim_push(user, notification, "us-west-2") is True  # the other region's own claim
    key = item_keys.push_claim(user, notification, "us-west-2")
    assert key["PK"] == item_keys.user_pk(user)  # erased with the user's partition


def test_a_checkpoint_expires_after_any_page_job_could_come_back(stack):
    """The checkpoint carries the table's TTL attribute, moved on at each page: CHECKPOINT_TTL_SECONDS after
    the last one done, longer than a job can stay in SQS (or come back from the DLQ)."""
    s = stack.settings
    ddb = stack.client("dynamodb")
    store, notification = BroadcastStore(ddb, s.table_name, s.region), uuid.uuid4().hex
    key = to_ddb(item_keys.broadcast_checkpoint(notification, s.region))

    def expiry() -> int:
        item = ddb.get_item(TableName=s.table_name, Key=key)["Item"]
        return int(item[TABLE_DESIGN.ttl_attribute]["N"])

    assert store.advance(notification, 1, 100, "2026-12-01T10:00:00Z", last=False)
    first = expiry()
    assert first == int(datetime(2026, 12, 1, 10, tzinfo=UTC).timestamp()) + CHECKPOINT_TTL_SECONDS
    assert store.advance(notification, 2, 5, "2026-12-01T10:00:30Z", last=True)
    assert expiry() == first + 30
    assert not store.advance(
        notification, 2, 5, "2026-12-01T11:00:00Z", last=True
    )  # a duplicate moves nothing
    assert expiry() == first + 30
    assert CHECKPOINT_TTL_SECONDS > SQS_MAX_RETENTION_SECONDS


def test_unsubscribe_is_idempotent_and_moves_the_count_once(api, make_user, stack):
    provider, consumer = make_user("providers"), make_user("consumers")
    api("GET", "/me", provider)
    path = f"/providers/{provider.sub}/subscribe"
    s = stack.settings
    store = SubscriptionStore(stack.client("dynamodb"), s.table_name, s.region, s.write_regions)
    for _ in range(2):
        assert api("POST", path, consumer).status == 200
    assert store.subscriber_count(provider.sub) == 1  # the repeat created nothing
    with pytest.raises(ValueError, match="count_regions"):  # one region's count item is only a share
        SubscriptionStore(stack.client("dynamodb"), s.table_name, s.region).subscriber_count(provider.sub)
    first, again = api("DELETE", path, consumer), api("DELETE", path, consumer)
    assert first.status == again.status == 200
    assert first.body == {"provider_id": provider.sub, "subscribed": False, "removed": True}
    assert again.body["removed"] is False
    assert store.subscriber_count(provider.sub) == 0
    assert list(store.subscribers(provider.sub)) == []
    sent = api("POST", "/notifications", provider, {"to": None, "title": "t", "body": "b"})
    assert sent.status == 202 and sent.body["recipients"] == 0


def test_subscriptions_page_by_provider_with_an_opaque_cursor(api, make_user):
    consumer = make_user("consumers")
    providers = [make_user("providers") for _ in range(3)]
    for p in providers:
        api("GET", "/me", p)
        assert api("POST", f"/providers/{p.sub}/subscribe", consumer).status == 200
    seen, cursor = [], None
    for _ in range(5):
        reply = api("GET", "/subscriptions?limit=2" + (f"&cursor={cursor}" if cursor else ""), consumer)
        assert reply.status == 200
        seen += [i["provider_id"] for i in reply.body["items"]]
        assert all(i["subscribed_at"].endswith("Z") for i in reply.body["items"])
        cursor = reply.body["next"]
        if cursor is None:
            break
    assert seen == sorted(p.sub for p in providers)
    assert api("GET", "/subscriptions?cursor=not-a-cursor", consumer).status == 400
    assert api("GET", "/subscriptions?limit=0", consumer).status == 422
    assert api("GET", "/subscriptions?limit=101", consumer).status == 422


@dataclass
class Big:
    """A table and a notify queue of their own, with the API and the worker on them."""

    stack: Stack
    api: Api
    worker: Any

    def drain(self, rounds: int = PAGES + 10) -> None:
        sqs, url = self.stack.client("sqs"), self.stack.settings.notify_queue_url
        for _ in range(rounds):
            messages = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])
            if not messages:
                return
            failed = {
                f["itemIdentifier"] for f in self.worker(sqs_event(messages), None)["batchItemFailures"]
            }
            for m in messages:
                if m["MessageId"] not in failed:
                    sqs.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])


@pytest.fixture(scope="module")
def big(stack) -> Iterator[Big]:
    suffix = uuid.uuid4().hex[:8]
    ddb, sqs = stack.client("dynamodb"), stack.client("sqs")
    table = f"broadcast-{suffix}"
    ddb.create_table(**TABLE_DESIGN.to_boto3_create_args(table))
    url = sqs.create_queue(QueueName=f"broadcast-{suffix}", Attributes={"VisibilityTimeout": "0"})["QueueUrl"]
    settings = stack.settings.model_copy(update={"table_name": table, "notify_queue_url": url})
    own = Stack(stack.url, settings, stack.analytics_bucket, stack.dlq_url)
    worker = create_worker(WorkerSettings(**settings.model_dump(include=set(WorkerSettings.model_fields))))
    try:
        yield Big(own, Api(create_handler(settings)), worker)
    finally:
        ddb.delete_table(TableName=table)
        sqs.delete_queue(QueueUrl=url)


def test_a_big_audience_one_job_every_inbox_once_also_after_a_kill_mid_way(big, make_user):
    """One broadcast through the API (one job queued, the kept count answered), fanned out by a healthy worker
    in pages with a checkpoint; a second one whose worker is killed in the middle of a page and retried by SQS."""
    provider, real, bulk_ids = audience(big.api, make_user, big.stack, AUDIENCE - 2, with_devices=2)
    everyone_ids = everyone(real, bulk_ids)
    dynamodb, table = big.stack.client("dynamodb"), big.stack.settings.table_name

    sent = big.api("POST", "/notifications", provider, {"to": None, "title": "All", "body": "hi"})
    assert sent.status == 202 and sent.body["recipients"] == AUDIENCE
    assert len(queued(big.stack)) == 1
    big.drain()
    assert len(inbox_ids(dynamodb, table, everyone_ids, sent.body["id"])) == AUDIENCE
    checkpoint = BroadcastStore(dynamodb, table, big.stack.settings.region).checkpoint(sent.body["id"])
    assert (checkpoint.pages_done, checkpoint.recipients_done) == (PAGES, AUDIENCE)

    again = big.api("POST", "/notifications", provider, {"to": None, "title": "Again", "body": "hi"})
    job = parse_queue_message(queued(big.stack)[0]["Body"])
    sqs, url = big.stack.client("sqs"), big.stack.settings.notify_queue_url
    crashing = KillOnCall(dynamodb, "batch_write_item", nth=(CRASH_PAGE - 1) * 4 + 2)  # its 2nd inbox batch
    fan = fan_out(big.stack, crashing)
    with pytest.raises(Killed):
        for _ in range(PAGES):
            message = sqs.receive_message(QueueUrl=url)["Messages"][0]
            run_page(fan, parse_queue_message(message["Body"]), NOW)
            sqs.delete_message(QueueUrl=url, ReceiptHandle=message["ReceiptHandle"])
    mid = len(inbox_ids(dynamodb, table, everyone_ids, again.body["id"]))
    assert (CRASH_PAGE - 1) * 100 < mid < CRASH_PAGE * 100  # killed mid-way through the page
    big.drain()  # SQS makes the killed job visible again; a healthy worker takes the chain from there
    assert len(inbox_ids(dynamodb, table, everyone_ids, again.body["id"])) == AUDIENCE
    assert job.page == 1
    for consumer, device_id in real:
        items = big.api("GET", "/notifications", consumer).body["items"]
        assert sorted(i["id"] for i in items) == sorted([sent.body["id"], again.body["id"]])  # each once
        assert pushes(big.stack, consumer, device_id) == 2  # one push per notification


ISSUE_AUDIENCE = 5000


def test_a_broadcast_to_the_issues_5000_makes_exactly_the_calls_of_a_broadcast_to_1(big, make_user):
    """The issue's "202 in the same time as a broadcast to 1", as work rather than as a timing (timings are the
    benchmark's): with 5,000 real subscriber items in the table, the request makes the very AWS calls the one to
    a single subscriber makes, one count read and one queued job, and answers the kept count. Runs after the
    other test on this table, which the 5,000 would slow."""
    deps = big.api.handler.deps
    calls: list[str] = []

    def record(model: Any, **_: Any) -> None:
        calls.append(model.name)

    clients = (deps.dynamodb, deps.s3, deps.sns, deps.sqs)
    for client in clients:
        client.meta.events.register("before-call", record)
    made: dict[int, list[str]] = {}
    try:
        for size in (1, ISSUE_AUDIENCE):
            provider, _, _ = audience(big.api, make_user, big.stack, size)
            calls.clear()
            sent = big.api("POST", "/notifications", provider, {"to": None, "title": "All", "body": "hi"})
            made[size] = list(calls)
            assert sent.status == 202 and sent.body["recipients"] == size, sent.body
            jobs = queued(big.stack)
            assert len(jobs) == 1 and isinstance(parse_queue_message(jobs[0]["Body"]), BroadcastJob)
            big.stack.client("sqs").delete_message(
                QueueUrl=big.stack.settings.notify_queue_url, ReceiptHandle=jobs[0]["ReceiptHandle"]
            )
    finally:
        for client in clients:
            client.meta.events.unregister("before-call", record)
    assert made[1] == made[ISSUE_AUDIENCE] == ["BatchGetItem", "SendMessageBatch"]


def test_a_count_dynamodb_keeps_throttling_answers_503_and_queues_nothing(
    api, make_user, stack, drain, monkeypatch
):
    """BatchIncomplete (a batch left unprocessed through every retry) is the table being busy: the API answers
    503 in its error shape, not 500, and nothing was queued for the client's retry to duplicate."""
    drain()
    provider = make_user("providers")
    api("GET", "/me", provider)

    def throttled(self, provider_id: str) -> int:
        raise BatchIncomplete("DynamoDB kept keys of a BatchGetItem unprocessed")

    monkeypatch.setattr(SubscriptionStore, "subscriber_count", throttled)
    sent = api("POST", "/notifications", provider, {"to": None, "title": "All", "body": "hi"})
    assert sent.status == 503 and sent.body["error"] == "unavailable", sent.body
    assert queued(stack) == []
