"""Notifications end to end: idempotent accept, at-most-once push per retry, dead endpoints, poison messages."""

from __future__ import annotations

import json

from backend_core import item_keys
from backend_core.ddb import to_ddb
from tests.api.conftest import sns_messages, sqs_event


def device_endpoint(stack, user, device_id):
    return stack.client("dynamodb").get_item(
        TableName=stack.settings.table_name,
        Key=to_ddb(item_keys.device(user.sub, device_id)),
    )["Item"]


def subscribed_pair(api, make_user, platform="apns"):
    provider, consumer = make_user("providers"), make_user("consumers")
    api("GET", "/me", provider)
    device = api("POST", "/devices", consumer, {"platform": platform, "token": f"{platform}-{consumer.sub}"})
    assert api("POST", f"/providers/{provider.sub}/subscribe", consumer).status == 200
    return provider, consumer, device.body["id"]


def test_retried_post_with_same_key_sends_once(api, make_user, drain, stack):
    provider, consumer, device_id = subscribed_pair(api, make_user)
    body = {"to": consumer.sub, "title": "Ready", "body": "Your order is ready"}
    first = api("POST", "/notifications", provider, body, headers={"Idempotency-Key": "order-42"})
    retry = api("POST", "/notifications", provider, body, headers={"Idempotency-Key": "order-42"})
    assert first.status == retry.status == 202
    assert retry.body == first.body
    assert retry.headers.get("Idempotent-Replayed") == "true"
    other = api(
        "POST",
        "/notifications",
        provider,
        {**body, "body": "changed"},
        headers={"Idempotency-Key": "order-42"},
    )
    assert other.status == 422 and other.body["error"] == "idempotency_mismatch"
    drain()
    arn = device_endpoint(stack, consumer, device_id)["endpoints"]["M"]["us-east-1"]["S"]
    assert len(sns_messages(stack, arn)) == 1
    assert [i["id"] for i in api("GET", "/notifications", consumer).body["items"]] == [first.body["id"]]


def test_redelivered_message_is_not_pushed_twice(api, make_user, stack, worker):
    provider, consumer, device_id = subscribed_pair(api, make_user)
    api("POST", "/notifications", provider, {"to": consumer.sub, "title": "t", "body": "b"})
    sqs = stack.client("sqs")
    got = sqs.receive_message(QueueUrl=stack.settings.notify_queue_url, MaxNumberOfMessages=10)["Messages"]
    assert worker(sqs_event(got), None) == {"batchItemFailures": []}
    assert worker(sqs_event(got), None) == {"batchItemFailures": []}  # SQS delivered it again
    for m in got:
        sqs.delete_message(QueueUrl=stack.settings.notify_queue_url, ReceiptHandle=m["ReceiptHandle"])
    arn = device_endpoint(stack, consumer, device_id)["endpoints"]["M"]["us-east-1"]["S"]
    assert len(sns_messages(stack, arn)) == 1


def test_disabled_endpoint_is_retired_and_inbox_still_written(api, make_user, drain, stack):
    provider, consumer, device_id = subscribed_pair(api, make_user, platform="fcm")
    arn = device_endpoint(stack, consumer, device_id)["endpoints"]["M"]["us-east-1"]["S"]
    stack.client("sns").set_endpoint_attributes(
        EndpointArn=arn, Attributes={"Enabled": "false"}
    )  # as FCM would
    sent = api("POST", "/notifications", provider, {"to": consumer.sub, "title": "t", "body": "b"})
    results = drain()
    assert all(r["batchItemFailures"] == [] for r in results)  # a dead device is not a failed message
    device = device_endpoint(stack, consumer, device_id)
    assert device["enabled"]["BOOL"] is False and device["disabled_reason"]["S"] == "EndpointDisabled"
    assert [i["id"] for i in api("GET", "/notifications", consumer).body["items"]] == [sent.body["id"]]
    # Registering the token again (the app reinstalled) brings the device back with a live endpoint.
    again = api("POST", "/devices", consumer, {"platform": "fcm", "token": f"fcm-{consumer.sub}"})
    assert again.status == 201
    revived = device_endpoint(stack, consumer, device_id)
    assert revived["enabled"]["BOOL"] is True
    attrs = stack.client("sns").get_endpoint_attributes(
        EndpointArn=revived["endpoints"]["M"]["us-east-1"]["S"]
    )["Attributes"]
    assert str(attrs["Enabled"]).lower() == "true"


def test_poison_message_fails_alone_and_reaches_the_dlq(api, make_user, stack, worker):
    provider, consumer, _ = subscribed_pair(api, make_user)
    sqs = stack.client("sqs")
    url = stack.settings.notify_queue_url
    sqs.send_message(QueueUrl=url, MessageBody="{not a notification")
    api("POST", "/notifications", provider, {"to": consumer.sub, "title": "t", "body": "b"})
    poison_seen = 0
    for _ in range(6):
        got = sqs.receive_message(QueueUrl=url, MaxNumberOfMessages=10).get("Messages", [])
        if not got:
            break
        result = worker(sqs_event(got), None)
        failed = {f["itemIdentifier"] for f in result["batchItemFailures"]}
        for m in got:
            if m["MessageId"] in failed:
                assert m["Body"] == "{not a notification"
                poison_seen += 1
            else:
                sqs.delete_message(QueueUrl=url, ReceiptHandle=m["ReceiptHandle"])
    assert poison_seen == 2  # maxReceiveCount in the fixture
    dlq = sqs.receive_message(QueueUrl=stack.dlq_url, MaxNumberOfMessages=10).get("Messages", [])
    assert [m["Body"] for m in dlq] == ["{not a notification"]
    assert len(api("GET", "/notifications", consumer).body["items"]) == 1


def test_notify_all_reaches_every_subscriber(api, make_user, drain):
    provider = make_user("providers")
    api("GET", "/me", provider)
    consumers = [make_user("consumers") for _ in range(12)]  # more than one SQS batch
    for c in consumers:
        api("POST", f"/providers/{provider.sub}/subscribe", c)
    sent = api(
        "POST", "/notifications", provider, {"to": None, "title": "All", "body": "hi", "data": {"k": 1}}
    )
    assert sent.status == 202 and sent.body["recipients"] == 12
    drain()
    for c in consumers:
        items = api("GET", "/notifications", c).body["items"]
        assert [(i["id"], i["data"]) for i in items] == [(sent.body["id"], {"k": 1})]


def test_inbox_pages_newest_first(api, make_user, drain):
    provider, consumer, _ = subscribed_pair(api, make_user)
    ids = [
        api("POST", "/notifications", provider, {"to": consumer.sub, "title": str(n), "body": "b"}).body["id"]
        for n in range(3)
    ]
    drain()
    first = api("GET", "/notifications?limit=2", consumer)
    second = api("GET", f"/notifications?limit=2&cursor={first.body['next']}", consumer)
    titles = [i["title"] for i in first.body["items"] + second.body["items"]]
    assert titles == ["2", "1", "0"] and len(ids) == 3
    assert json.dumps(second.body["items"])  # serialisable
