"""Broadcasts at any audience size, in process (the API and the notify worker over the moto-backed stack):
the request queues one job whatever the audience, the worker fans out page by page, and a crash or a retry
mid-way neither loses nor duplicates a recipient (issue 14). The same over the local stack, with 5,000
subscribers and both regions: tests/local/test_broadcasts.py."""

from __future__ import annotations

import json
import uuid

from backend_core import aws, item_keys
from backend_core.broadcast_store import BroadcastStore
from backend_core.device_store import DeviceStore
from backend_core.inbox_store import InboxStore
from backend_core.notifications import BroadcastJob, parse_queue_message
from backend_core.push import PushChannel
from backend_core.subscription_store import SubscriptionStore
from notify_worker.fanout import FanOut, JobQueue, run_page
from notify_worker.worker import Recipients
from tests.api.conftest import sns_messages
from tests.api.test_notifications import device_endpoint
from tests.broadcast_support import Killed, KillOnCall, bulk_subscribe, inbox_ids

NOW = "2026-12-01T10:00:00Z"


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
    for size in (1, 250):
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


def test_the_fan_out_pages_with_checkpoints_and_reaches_everyone_once(api, make_user, stack, drain):
    drain()
    provider, real, bulk_ids = audience(api, make_user, stack, 230, with_devices=3)
    sent = api("POST", "/notifications", provider, {"to": None, "title": "All", "body": "hi"})
    assert sent.body["recipients"] == 233
    drain(max_rounds=20)
    s = stack.settings
    checkpoint = BroadcastStore(stack.client("dynamodb"), s.table_name, s.region).checkpoint(sent.body["id"])
    assert (checkpoint.pages_done, checkpoint.recipients_done) == (3, 233)  # 100 a page
    assert checkpoint.finished_at is not None
    got = inbox_ids(stack.client("dynamodb"), s.table_name, everyone(real, bulk_ids), sent.body["id"])
    assert len(got) == 233
    for consumer, device_id in real:
        items = api("GET", "/notifications", consumer).body["items"]
        assert [(i["id"], i["status"]) for i in items] == [(sent.body["id"], "sent")]
        assert pushes(stack, consumer, device_id) == 1


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


def test_a_worker_killed_mid_page_then_retried_loses_and_duplicates_nobody(api, make_user, stack, drain):
    drain()
    provider, real, bulk_ids = audience(api, make_user, stack, 240, with_devices=4)
    sent = api("POST", "/notifications", provider, {"to": None, "title": "All", "body": "hi"})
    first = parse_queue_message(queued(stack)[0]["Body"])
    sqs = stack.client("sqs")
    # A worker runs page 1 to the end, then dies on page 2 after the first of its four inbox batches.
    crashing = KillOnCall(stack.client("dynamodb"), "batch_write_item", nth=6)
    job = first
    for _ in range(2):
        try:
            result = run_page(fan_out(stack, crashing), job, NOW)
        except Killed:
            break
        assert result.next_page == job.page + 1
        job = parse_queue_message(next(m for m in queued(stack) if '"page":2' in m["Body"])["Body"])
    else:
        raise AssertionError("the worker was never killed")
    assert crashing.calls == 6
    dynamodb, table = stack.client("dynamodb"), stack.settings.table_name
    assert 100 < len(inbox_ids(dynamodb, table, everyone(real, bulk_ids), sent.body["id"])) < 244  # mid-way
    # SQS redelivers both jobs still on the queue (page 1's was never deleted either) to a healthy worker.
    drain(max_rounds=20)
    got = inbox_ids(dynamodb, table, everyone(real, bulk_ids), sent.body["id"])
    assert len(got) == 244
    for consumer, device_id in real:
        assert [i["id"] for i in api("GET", "/notifications", consumer).body["items"]] == [sent.body["id"]]
        assert pushes(stack, consumer, device_id) == 1  # at most once per region, and here exactly once
    assert not queued(stack) and sqs  # the chain ended


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


def test_unsubscribe_is_idempotent_and_moves_the_count_once(api, make_user, stack):
    provider, consumer = make_user("providers"), make_user("consumers")
    api("GET", "/me", provider)
    path = f"/providers/{provider.sub}/subscribe"
    s = stack.settings
    store = SubscriptionStore(stack.client("dynamodb"), s.table_name, s.region)
    for _ in range(2):
        assert api("POST", path, consumer).status == 200
    assert store.subscriber_count(provider.sub) == 1  # the repeat created nothing
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
