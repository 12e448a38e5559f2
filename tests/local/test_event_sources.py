"""The event-source stand-in: SQS batches with partial failures and redrive, table streams in order."""

from __future__ import annotations

import json
import uuid

import pytest

from ops.local.stand_ins.event_sources import SqsEventSource, StreamEventSource

pytestmark = pytest.mark.integration


def _queue_with_dlq(stack, max_receive_count: int) -> tuple[str, str]:
    sqs = stack.client("sqs")
    name = f"test-{uuid.uuid4().hex[:8]}"
    dlq = sqs.create_queue(QueueName=f"{name}-dlq")["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    redrive = json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": max_receive_count})
    queue = sqs.create_queue(QueueName=name, Attributes={"RedrivePolicy": redrive})["QueueUrl"]
    return queue, dlq


def _drain(source, polls: int = 40) -> None:
    for _ in range(polls):
        source.poll_once()


def _dlq_bodies(stack, dlq: str) -> list[str]:
    messages = stack.client("sqs").receive_message(QueueUrl=dlq, MaxNumberOfMessages=10).get("Messages", [])
    return [m["Body"] for m in messages]


def test_sqs_batches_partial_failures_and_redrive(local_stack):
    queue, dlq = _queue_with_dlq(local_stack, max_receive_count=2)
    sqs = local_stack.client("sqs")
    for body in ["a", "b", "poison", "c", "d"]:
        sqs.send_message(QueueUrl=queue, MessageBody=body)
    batches: list[list[str]] = []

    def handler(event, context):
        bodies = [r["body"] for r in event["Records"]]
        batches.append(bodies)
        assert context.get_remaining_time_in_millis() > 0
        return {
            "batchItemFailures": [
                {"itemIdentifier": r["messageId"]} for r in event["Records"] if r["body"] == "poison"
            ]
        }

    source = SqsEventSource(
        "test",
        sqs,
        queue,
        local_stack.region("primary"),
        handler,
        "test-fn",
        batch_size=3,
        retry_delay_seconds=0,
    )
    _drain(source)
    delivered = [b for batch in batches for b in batch]
    assert all(len(batch) <= 3 for batch in batches)
    assert sorted(b for b in delivered if b != "poison") == ["a", "b", "c", "d"]  # each good one exactly once
    assert delivered.count("poison") == 2  # received maxReceiveCount times, then redriven
    assert _dlq_bodies(local_stack, dlq) == ["poison"]
    assert source.status()["delivered"] == 4


def test_sqs_handler_exception_retries_the_whole_batch(local_stack):
    queue, dlq = _queue_with_dlq(local_stack, max_receive_count=3)
    sqs = local_stack.client("sqs")
    sqs.send_message(QueueUrl=queue, MessageBody="x")
    calls = []

    def handler(event, context):
        calls.append(event["Records"][0]["body"])
        if len(calls) == 1:
            raise RuntimeError("transient failure")
        return {}

    source = SqsEventSource(
        "test", sqs, queue, local_stack.region("primary"), handler, "test-fn", retry_delay_seconds=0
    )
    _drain(source, polls=10)
    assert calls == ["x", "x"]
    assert _dlq_bodies(local_stack, dlq) == []


def test_stream_records_arrive_in_order_and_failures_retry_from_the_failed_record(local_stack):
    from backend_core.table_design import TABLE_DESIGN

    ddb = local_stack.client("dynamodb")
    table = f"stream-test-{uuid.uuid4().hex[:8]}"
    arn = ddb.create_table(**TABLE_DESIGN.to_boto3_create_args(table))["TableDescription"]["LatestStreamArn"]
    seen: list[str] = []
    failed_once: set[str] = set()

    def handler(event, context):
        failures = []
        for record in event["Records"]:
            value = record["dynamodb"]["NewImage"]["v"]["S"]
            seen.append(value)
            assert isinstance(record["dynamodb"]["ApproximateCreationDateTime"], int)
            assert record["eventSourceARN"] == arn
            if value == "flaky" and value not in failed_once:
                failed_once.add(value)
                failures.append({"itemIdentifier": record["dynamodb"]["SequenceNumber"]})
        return {"batchItemFailures": failures}

    source = StreamEventSource(
        "test",
        local_stack.client("dynamodbstreams"),
        arn,
        local_stack.region("primary"),
        handler,
        "test-fn",
        batch_size=10,
    )
    for i, value in enumerate(["one", "flaky", "three"]):
        ddb.put_item(TableName=table, Item={"PK": {"S": "P"}, "SK": {"S": str(i)}, "v": {"S": value}})
    _drain(source, polls=5)
    # The failed record and everything after it are retried, in order (Lambda's stream semantics).
    assert seen == ["one", "flaky", "three", "flaky", "three"]
    assert source.status()["delivered"] == 3
    assert source.status()["buffered"] == 0


def test_stack_notify_queue_feeds_the_worker_and_poison_reaches_the_dlq(local_stack_clean):
    """The running stack's own mapping: an unreadable message fails in the real notify worker,
    is retried, and lands in the DLQ after the queue's maxReceiveCount."""
    stack = local_stack_clean
    sqs = stack.client("sqs")
    primary = stack.state["regions"]["primary"]
    sqs.send_message(QueueUrl=primary["notify_queue_url"], MessageBody="this is not a notification")

    def in_dlq():
        return sqs.receive_message(QueueUrl=primary["notify_dlq_url"], MaxNumberOfMessages=1).get("Messages")

    moved = stack.wait_for(in_dlq, timeout=60, what="poison message redriven to the DLQ")
    assert moved[0]["Body"] == "this is not a notification"
    mapping = stack.status()["components"]["event_sources"]["mappings"]["notify-primary"]
    assert mapping["failed"] >= 3
