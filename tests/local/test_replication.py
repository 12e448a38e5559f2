"""The replicator stand-in over the emulator: S3 primary -> DR, table both ways, pause/resume, lag, LWW."""

from __future__ import annotations

import time
import uuid

import pytest
from botocore.exceptions import ClientError

from backend_core import item_keys

pytestmark = pytest.mark.integration


def _item(pk: str, sk: str = "ITEM", **extra: str) -> dict:
    return {"PK": {"S": pk}, "SK": {"S": sk}, **{k: {"S": v} for k, v in extra.items()}}


def _get(stack, region: str, pk: str, sk: str = "ITEM") -> dict | None:
    table = stack.outputs.table.name
    return (
        stack.client("dynamodb", region)
        .get_item(TableName=table, Key=_item(pk, sk), ConsistentRead=True)
        .get("Item")
    )


def _object(stack, region: str, key: str) -> bytes | None:
    bucket = stack.outputs.media.bucket.primary if region == "primary" else stack.outputs.media.bucket.dr
    try:
        return stack.client("s3", region).get_object(Bucket=bucket, Key=key)["Body"].read()
    except ClientError as exc:
        if exc.response["Error"]["Code"] in ("NoSuchKey", "404"):
            return None
        raise


def _count(stack, region: str) -> int:
    ddb = stack.client("dynamodb", region)
    total, kwargs = 0, {"TableName": stack.outputs.table.name, "Select": "COUNT"}
    while True:
        page = ddb.scan(**kwargs)
        total += page["Count"]
        if "LastEvaluatedKey" not in page:
            return total
        kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]


def _put_object(stack, key: str, body: bytes) -> None:
    stack.client("s3", "primary").put_object(
        Bucket=stack.outputs.media.bucket.primary, Key=key, Body=body, ContentType="image/png"
    )


def test_primary_s3_write_appears_in_dr(local_stack_clean):
    stack = local_stack_clean
    key = f"media/{uuid.uuid4().hex}/photo one.png"  # a space: event keys arrive URL-encoded
    _put_object(stack, key, b"\x89PNG-bytes")
    assert (
        stack.wait_for(lambda: _object(stack, "dr", key), what="object replicated to DR") == b"\x89PNG-bytes"
    )
    head = stack.client("s3", "dr").head_object(Bucket=stack.outputs.media.bucket.dr, Key=key)
    assert head["ContentType"] == "image/png"
    # Not tested: delete markers. moto emits no notification when a versioned bucket gets one (README).


def test_table_writes_replicate_both_ways(local_stack_clean):
    stack = local_stack_clean
    ddb_primary, ddb_dr = stack.client("dynamodb", "primary"), stack.client("dynamodb", "dr")
    table = stack.outputs.table.name
    ddb_primary.put_item(TableName=table, Item=_item(item_keys.user_pk("a"), value="from-primary"))
    ddb_dr.put_item(TableName=table, Item=_item(item_keys.user_pk("b"), value="from-dr"))
    got = stack.wait_for(lambda: _get(stack, "dr", item_keys.user_pk("a")), what="primary item in DR")
    assert got["value"] == {"S": "from-primary"}
    got = stack.wait_for(lambda: _get(stack, "primary", item_keys.user_pk("b")), what="DR item in primary")
    assert got["value"] == {"S": "from-dr"}
    ddb_dr.delete_item(TableName=table, Key=_item(item_keys.user_pk("a")))
    stack.wait_for(
        lambda: _get(stack, "primary", item_keys.user_pk("a")) is None, what="DR delete in primary"
    )
    # Replicated writes are not sent back: the counts settle at exactly what was written.
    stack.wait_for(lambda: _count(stack, "primary") == 1 and _count(stack, "dr") == 1, what="tables settled")
    applied = stack.status()["components"]["replicator"]["items_applied"]
    assert applied == 3  # two puts + one delete, no echoes


def test_pause_holds_everything_and_resume_loses_nothing_across_1000_writes(local_stack_clean):
    stack = local_stack_clean
    table = stack.outputs.table.name
    ddb = stack.client("dynamodb", "primary")
    stack.pause_replication()
    run = uuid.uuid4().hex[:8]
    items = [_item(f"LOAD#{run}", f"{i:05d}", payload=f"value-{i}") for i in range(900)]
    for start in range(0, len(items), 25):
        ddb.batch_write_item(
            RequestItems={table: [{"PutRequest": {"Item": it}} for it in items[start : start + 25]]}
        )
    objects = {f"load/{run}/{i:03d}.bin": f"object-{i}".encode() for i in range(100)}
    for key, body in objects.items():
        _put_object(stack, key, body)

    time.sleep(1.0)  # give a (wrongly) running replicator every chance to copy something
    assert _count(stack, "dr") == 0
    dr_bucket = stack.outputs.media.bucket.dr
    assert stack.client("s3", "dr").list_objects_v2(Bucket=dr_bucket).get("KeyCount", 0) == 0
    assert stack.status()["components"]["replicator"]["paused"] is True

    stack.resume_replication()
    stack.wait_for(lambda: _count(stack, "dr") == 900, timeout=60, what="900 items in DR")

    def dr_keys() -> set[str]:
        pages = stack.client("s3", "dr").get_paginator("list_objects_v2").paginate(Bucket=dr_bucket)
        return {o["Key"] for page in pages for o in page.get("Contents", [])}

    stack.wait_for(lambda: dr_keys() == set(objects), timeout=60, what="100 objects in DR")
    for i in (0, 449, 899):
        assert _get(stack, "dr", f"LOAD#{run}", f"{i:05d}")["payload"] == {"S": f"value-{i}"}
    for key in list(objects)[::33]:
        assert _object(stack, "dr", key) == objects[key]


def test_lag_delays_changes_until_it_is_lifted(local_stack_clean):
    stack = local_stack_clean
    stack.set_replication_lag(600)
    stack.client("dynamodb", "primary").put_item(TableName=stack.outputs.table.name, Item=_item("LAG#1"))
    stack.wait_for(
        lambda: stack.status()["components"]["replicator"]["pending_items"] == 1, what="change seen and held"
    )
    assert _get(stack, "dr", "LAG#1") is None
    stack.set_replication_lag(0)
    stack.wait_for(lambda: _get(stack, "dr", "LAG#1"), what="held change applied")


def test_lag_rejects_nonsense(local_stack):
    from ops.local.control import ControlError

    with pytest.raises(ControlError, match="between 0 and"):
        local_stack.set_replication_lag(-1)


def test_concurrent_writes_converge_to_the_last_writer(local_stack_clean):
    stack = local_stack_clean
    table = stack.outputs.table.name
    stack.pause_replication()
    stack.client("dynamodb", "primary").put_item(TableName=table, Item=_item("CONFLICT#1", value="older"))
    time.sleep(0.05)  # distinct write times: the DR write is the later one
    stack.client("dynamodb", "dr").put_item(TableName=table, Item=_item("CONFLICT#1", value="newer"))
    stack.resume_replication()
    stack.wait_for(
        lambda: (_get(stack, "primary", "CONFLICT#1") or {}).get("value") == {"S": "newer"},
        what="primary converged to the later write",
    )
    assert _get(stack, "dr", "CONFLICT#1")["value"] == {"S": "newer"}
    assert stack.status()["components"]["replicator"]["conflicts_lost"] == 1


def test_replication_continues_after_a_failed_transaction(local_stack_clean):
    """moto swaps in a copy of the table when a TransactWriteItems fails (a 409 in the sync API does
    this); replication must keep seeing the table's new writes afterwards."""
    stack = local_stack_clean
    table = stack.outputs.table.name
    ddb = stack.client("dynamodb", "primary")
    ddb.put_item(TableName=table, Item=_item("TX#before"))
    stack.wait_for(lambda: _get(stack, "dr", "TX#before"), what="first item in DR")
    with pytest.raises(ClientError, match="TransactionCanceled"):
        ddb.transact_write_items(
            TransactItems=[
                {
                    "Put": {
                        "TableName": table,
                        "Item": _item("TX#x"),
                        "ConditionExpression": "attribute_exists(PK)",
                    }
                }
            ]
        )
    ddb.put_item(TableName=table, Item=_item("TX#after"))
    stack.wait_for(lambda: _get(stack, "dr", "TX#after"), what="write after the failed transaction in DR")
    assert _get(stack, "dr", "TX#x") is None


def _stream_records(stack, region: str) -> list[dict]:
    """Every record of the region's table stream, from TRIM_HORIZON (as `ops audit lifecycle` reads it)."""
    streams = stack.client("dynamodbstreams", region)
    arn = streams.list_streams(TableName=stack.outputs.table.name)["Streams"][-1]["StreamArn"]
    shard = streams.describe_stream(StreamArn=arn)["StreamDescription"]["Shards"][-1]["ShardId"]
    records: list[dict] = []
    position: dict = {"ShardIteratorType": "TRIM_HORIZON"}
    while True:
        iterator = streams.get_shard_iterator(StreamArn=arn, ShardId=shard, **position)["ShardIterator"]
        page = streams.get_records(ShardIterator=iterator, Limit=1000)["Records"]
        if not page:
            return records
        records += page
        position = {
            "ShardIteratorType": "AFTER_SEQUENCE_NUMBER",
            "SequenceNumber": page[-1]["dynamodb"]["SequenceNumber"],
        }


def test_a_reset_leaves_each_stream_only_what_is_written_after_it(local_stack_clean):
    """The streams of a reset stack hold what was written since, as a fresh stack's do (moto keeps a whole
    session's records; `ops audit lifecycle` reads each stream from TRIM_HORIZON), and the replicator and the
    event sources read on after the trim: sequence numbers go on, nothing new is missed."""
    stack = local_stack_clean
    before = f"BEFORE#{uuid.uuid4().hex[:8]}"
    stack.client("dynamodb", "primary").put_item(TableName=stack.outputs.table.name, Item=_item(before))
    stack.wait_for(lambda: _get(stack, "dr", before), what="the write before the reset in DR")
    last_before = {
        region: int(_stream_records(stack, region)[-1]["dynamodb"]["SequenceNumber"])
        for region in ("primary", "dr")
    }

    stack.reset()
    assert _stream_records(stack, "primary") == []
    assert _stream_records(stack, "dr") == []

    after = f"AFTER#{uuid.uuid4().hex[:8]}"
    stack.client("dynamodb", "primary").put_item(TableName=stack.outputs.table.name, Item=_item(after))
    stack.wait_for(lambda: _get(stack, "dr", after), what="the write after the reset in DR")
    for region in ("primary", "dr"):
        records = _stream_records(stack, region)
        assert [(r["eventName"], r["dynamodb"]["Keys"]["PK"]["S"]) for r in records] == [("INSERT", after)]
        assert int(records[0]["dynamodb"]["SequenceNumber"]) > last_before[region]
