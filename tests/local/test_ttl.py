"""The TTL stand-in: expired items are deleted like DynamoDB's TTL deletes them, in both regions,
and the TTL archiver (fed by the table stream) archives them to S3."""

from __future__ import annotations

import json
import time
import uuid

import pytest

pytestmark = pytest.mark.integration


def _item(pk: str, expires_at: int) -> dict:
    return {"PK": {"S": pk}, "SK": {"S": "ITEM"}, "expires_at": {"N": str(expires_at)}, "note": {"S": "old"}}


def _exists(stack, region: str, pk: str) -> bool:
    key = {"PK": {"S": pk}, "SK": {"S": "ITEM"}}
    item = stack.client("dynamodb", region).get_item(
        TableName=stack.outputs.table.name, Key=key, ConsistentRead=True
    )
    return "Item" in item


def _ttl_expired(stack) -> int:
    return stack.status()["components"]["ttl_sweeper"]["expired"]


def test_expired_items_are_deleted_in_both_regions_and_live_ones_stay(local_stack_clean):
    stack = local_stack_clean
    table = stack.outputs.table.name
    ddb = stack.client("dynamodb", "primary")
    expired, live = f"TTL#{uuid.uuid4().hex[:8]}", f"TTL#{uuid.uuid4().hex[:8]}"
    # Both start live: the stand-in also sweeps on its own a few seconds after a write, so an item written
    # expired could be gone before it ever reached DR, and the test would prove nothing about DR's copy.
    ddb.put_item(TableName=table, Item=_item(expired, int(time.time()) + 3600))
    ddb.put_item(TableName=table, Item=_item(live, int(time.time()) + 3600))
    # The shared stack may still be replicating an earlier test's writes (hundreds for the broadcasts): room for it.
    stack.wait_for(
        lambda: _exists(stack, "dr", expired) and _exists(stack, "dr", live), timeout=180, what="items in DR"
    )
    before = _ttl_expired(stack)
    ddb.update_item(
        TableName=table,
        Key={"PK": {"S": expired}, "SK": {"S": "ITEM"}},
        UpdateExpression="SET expires_at = :past",
        ExpressionAttributeValues={":past": {"N": str(int(time.time()) - 60)}},
    )
    stack.ttl_sweep()  # the background sweep may have deleted it first: either way the stand-in counts it
    assert not _exists(stack, "primary", expired)
    stack.wait_for(lambda: _ttl_expired(stack) >= before + 1, what="the stand-in counting the expiry")
    assert _exists(stack, "primary", live)
    stack.wait_for(lambda: not _exists(stack, "dr", expired), what="TTL delete replicated to DR")
    assert _exists(stack, "dr", live)


def test_ttl_deletes_reach_the_archiver_with_dynamodbs_identity(local_stack_clean):
    stack = local_stack_clean
    assert "ttl_archiver.primary" in stack.status()["handlers"], (
        "no stream mapping feeds lambdas/ttl_archiver"
    )
    pk = f"TTL#{uuid.uuid4().hex[:8]}"
    stack.client("dynamodb", "primary").put_item(TableName=stack.outputs.table.name, Item=_item(pk, 1))
    stack.ttl_sweep()
    s3 = stack.client("s3", "primary")
    bucket = stack.outputs.media.bucket.primary

    def archived() -> list[dict]:
        listed = s3.list_objects_v2(Bucket=bucket, Prefix="archive/dynamodb-ttl/").get("Contents", [])
        documents = [json.loads(s3.get_object(Bucket=bucket, Key=o["Key"])["Body"].read()) for o in listed]
        return [d for d in documents if pk in json.dumps(d)]

    documents = stack.wait_for(archived, what="the expired item archived to S3")
    assert len(documents) == 1
    assert "old" in json.dumps(documents[0])


def test_a_plain_delete_is_not_archived(local_stack_clean):
    stack = local_stack_clean
    assert "ttl_archiver.primary" in stack.status()["handlers"], (
        "no stream mapping feeds lambdas/ttl_archiver"
    )
    table, pk = stack.outputs.table.name, f"DEL#{uuid.uuid4().hex[:8]}"
    ddb = stack.client("dynamodb", "primary")
    mapping = "ttl_archiver-primary"
    before = stack.status()["components"]["event_sources"]["mappings"][mapping]["delivered"]
    ddb.put_item(TableName=table, Item=_item(pk, int(time.time()) + 3600))
    ddb.delete_item(TableName=table, Key={"PK": {"S": pk}, "SK": {"S": "ITEM"}})
    stack.wait_for(
        lambda: stack.status()["components"]["event_sources"]["mappings"][mapping]["delivered"] >= before + 2,
        what="the put and the delete delivered to the archiver",
    )
    listed = stack.client("s3", "primary").list_objects_v2(
        Bucket=stack.outputs.media.bucket.primary, Prefix="archive/dynamodb-ttl/"
    )
    assert all(pk not in o["Key"] for o in listed.get("Contents", []))
    assert listed.get("KeyCount", 0) == 0
