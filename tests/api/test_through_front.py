"""The same API over real HTTP through the local stack's API Gateway front (JWT verified by the front).

Uses the local stack's pytest fixtures (ops/local/testing.py): moto, both regions, the fronts and the
event sources that drive the notify worker.
"""

from __future__ import annotations

import json
import time
import uuid

import pytest

from backend_core import item_keys
from backend_core.archival import ARCHIVAL_POLICY
from backend_core.ddb import to_ddb

pytestmark = [pytest.mark.integration, pytest.mark.slow]


def test_health_and_profile_through_the_front(local_stack):
    assert local_stack.request("GET", "/health").json()["status"] == "ok"
    user = local_stack.create_user("consumers")
    me = local_stack.request("GET", "/me", user=user)
    assert me.status_code == 200, me.text
    assert me.json()["user_id"] == user.sub and me.json()["role"] == "consumer"


def test_no_token_and_bad_token_are_401_json(local_stack):
    for reply in (local_stack.request("GET", "/me"), local_stack.request("GET", "/me", token="not.a.jwt")):
        assert reply.status_code == 401
        assert reply.headers["content-type"].startswith("application/json")


def test_sync_conflict_and_bad_cursor_through_the_front(local_stack):
    user = local_stack.create_user("consumers")
    assert local_stack.request("PUT", "/sync/notes/f1", user=user, json={"data": {"a": 1}}).status_code == 200
    stale = local_stack.request("PUT", "/sync/notes/f1", user=user, json={"data": {"a": 2}, "version": 7})
    assert stale.status_code == 409 and stale.json()["current"]["version"] == 1
    bad = local_stack.request("GET", "/sync?since=%%%", user=user)
    assert bad.status_code == 400 and bad.json()["error"] == "bad_cursor"
    assert local_stack.request("GET", "/nowhere", user=user).json()["error"] == "not_found"


def test_notification_is_delivered_by_the_worker_behind_the_queue(local_stack):
    provider, consumer = local_stack.create_user("providers"), local_stack.create_user("consumers")
    local_stack.request("GET", "/me", user=provider)
    device = local_stack.request(
        "POST", "/devices", user=consumer, json={"platform": "apns", "token": "front-tok-1"}
    )
    assert device.status_code == 201, device.text
    assert (
        local_stack.request("POST", f"/providers/{provider.sub}/subscribe", user=consumer).status_code == 200
    )
    key = {"Idempotency-Key": "front-1"}
    body = {"to": consumer.sub, "title": "Hi", "body": "there"}
    first = local_stack.request("POST", "/notifications", user=provider, json=body, headers=key)
    retry = local_stack.request("POST", "/notifications", user=provider, json=body, headers=key)
    assert first.status_code == retry.status_code == 202 and first.json() == retry.json()
    inbox = local_stack.wait_for(
        lambda: local_stack.request("GET", "/notifications", user=consumer).json()["items"],
        what="the notification reaching the consumer's inbox",
    )
    assert [i["id"] for i in inbox] == [first.json()["id"]]


def test_expired_item_is_archived_by_the_ttl_archiver_behind_the_stream(local_stack):
    """R11 end to end: the stack's TTL stand-in deletes an expired item as DynamoDB's TTL would, the table
    stream delivers the REMOVE to ttl_archiver, and the item lands under the archive prefix in S3."""
    outputs = local_stack.outputs
    table, bucket = outputs.table.name, outputs.media.bucket.primary
    keys = item_keys.idempotency(f"front-{uuid.uuid4().hex}", "k")
    pk = keys["PK"]
    local_stack.client("dynamodb").put_item(
        TableName=table,
        Item={**to_ddb(keys), "expires_at": {"N": str(int(time.time()) - 60)}},
    )
    local_stack.ttl_sweep()
    s3 = local_stack.client("s3")

    def archived() -> list[dict]:
        listing = s3.list_objects_v2(Bucket=bucket, Prefix=ARCHIVAL_POLICY.expired_items_prefix).get(
            "Contents", []
        )
        docs = [json.loads(s3.get_object(Bucket=bucket, Key=o["Key"])["Body"].read()) for o in listing]
        return [d for d in docs if d["keys"].get("PK") == pk]

    found = local_stack.wait_for(archived, what="the expired item appearing in the archive")
    assert len(found) == 1 and found[0]["item"]["SK"] == keys["SK"]
