"""The Firehose stand-in delivers usage events as AWS does: what a CloudWatch Logs subscription sends
(gzip'd DATA_MESSAGEs) decompressed and unwrapped to the log lines, as Parquet with the Glue table's columns
and types under `usage_events/day=YYYY-MM-DD/` (never a literal `!{timestamp:...}` prefix, issue 8), records
that fail conversion or decompression under the error prefix with their raw data, buffers when they are due."""

from __future__ import annotations

import base64
import gzip
import io
import json
import re
from datetime import UTC, date, datetime

import pyarrow.parquet as pq
import pytest

from backend_core.usage_events import S3_ERROR_PREFIX, S3_PREFIX, TIMESTAMP_FORMATS
from ops.analytics.schema import TableSchema
from ops.local.stand_ins.firehose_conversion import (
    ConversionError,
    FirehoseConversion,
    PrefixError,
    TimestampParser,
    convert_record,
    evaluate_prefix,
    split_records,
)


def _subscription_record(lines: list[str]) -> bytes:
    """One Firehose record as a CloudWatch Logs subscription sends it: a gzip'd DATA_MESSAGE of these lines."""
    document = {
        "messageType": "DATA_MESSAGE",
        "owner": "123456789012",
        "logGroup": "/aws/lambda/mbt-local-mobile-api",
        "logStream": "2025/03/01/[$LATEST]0",
        "subscriptionFilters": ["usage-events-to-firehose"],
        "logEvents": [{"id": str(i), "timestamp": 0, "message": line} for i, line in enumerate(lines)],
    }
    return gzip.compress(json.dumps(document).encode())


KEY = re.compile(
    r"usage_events/day=(\d{4}-\d{2}-\d{2})/mbt-local-usage-events-1-\d{4}(-\d{2}){5}-[0-9a-f-]{36}$"
)


# ---- units -----------------------------------------------------------------------------------------
def test_prefix_expressions_evaluate_as_firehose_does() -> None:
    moment = datetime(2025, 3, 1, 23, 59, 59, tzinfo=UTC)
    assert evaluate_prefix(S3_PREFIX, moment) == "usage_events/day=2025-03-01/"
    assert evaluate_prefix(S3_ERROR_PREFIX, moment, "format-conversion-failed") == (
        "errors/format-conversion-failed/day=2025-03-01/"
    )
    assert evaluate_prefix("x/!{timestamp:yyyy'/'MM}/!{timestamp:HH}/", moment) == "x/2025/03/23/"
    for bad in ("!{partitionKeyFromQuery:id}/", "!{timestamp:EEE}/", "!{firehose:nope}/"):
        with pytest.raises(PrefixError):
            evaluate_prefix(bad, moment)
    with pytest.raises(PrefixError):  # only the error prefix may name the error type
        evaluate_prefix("!{firehose:error-output-type}/", moment)


def test_timestamps_follow_the_configured_hive_formats() -> None:
    parser = TimestampParser(TIMESTAMP_FORMATS)
    assert parser.parse("2025-03-01T10:00:00.123Z") == datetime(2025, 3, 1, 10, 0, 0, 123000)
    assert parser.parse("2025-03-01T10:00:00+02:00") == datetime(2025, 3, 1, 8, 0, 0)
    assert parser.parse(1740823200000) == datetime(2025, 3, 1, 10, 0, 0)
    for bad in ("2025-03-01 10:00:00", "yesterday", 1.5, "2025-02-30T00:00:00Z"):
        with pytest.raises(ConversionError):
            parser.parse(bad)
    assert TimestampParser().parse("2025-03-01 10:00:00") == datetime(2025, 3, 1, 10)  # Hive's default


def test_records_are_split_and_a_malformed_one_costs_only_itself() -> None:
    records = split_records(b'{"a":1}\n{broken\n{"b":2}{"c":3}\n[1]\n')
    assert [raw for raw, _ in records] == [b'{"a":1}', b"{broken\n", b'{"b":2}', b'{"c":3}', b"[1]"]
    assert isinstance(records[1][1], ConversionError) and records[4][1] == [1]


def test_conversion_applies_glue_types_like_the_hive_deserialiser() -> None:
    schema = TableSchema.from_contract()
    parser = TimestampParser(TIMESTAMP_FORMATS)
    row = convert_record(
        {"EVENT_ID": "e", "status": 200.0, "latency_ms": 3, "ts": "2025-03-01T10:00:00Z", "extra": 1},
        schema,
        parser,
    )
    assert (
        row["event_id"] == "e"
        and row["status"] == 200
        and row["latency_ms"] == 3.0
        and row["user_id"] is None
    )
    for bad in (
        {"status": "200"},
        {"status": 2**31},
        {"status": 1.5},
        {"latency_ms": "3"},
        {"route": {"a": 1}},
        {"ts": "now"},
        {"user_id": "\ud800"},  # a lone surrogate: costs its own record, not the whole buffer
    ):
        with pytest.raises(ConversionError):
            convert_record(bad, schema, parser)
    with pytest.raises(ConversionError):
        convert_record([1, 2], schema, parser)


# ---- on the local stack --------------------------------------------------------------------------
def _objects(stack, prefix: str = "") -> dict[str, bytes]:
    s3 = stack.client("s3")
    bucket = stack.outputs.analytics.bucket
    keys = [
        o["Key"]
        for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix)
        for o in page.get("Contents", [])
    ]
    return {k: s3.get_object(Bucket=bucket, Key=k)["Body"].read() for k in keys}


def test_api_usage_events_land_as_parquet_by_day_with_the_contract_types(local_stack_clean) -> None:
    stack = local_stack_clean
    user = stack.create_user("consumers")
    headers = {"X-Client-Platform": "ios", "X-App-Version": "3.1.0"}
    assert stack.request("GET", "/me", user=user, headers=headers).status_code == 200
    assert stack.request("GET", "/me", region="dr", user=user, headers=headers).status_code == 200
    # The log-subscription stand-in ships the lines within a second or two, off the request path.
    raw = stack.wait_for(lambda: _objects(stack), what="the usage lines reaching Firehose")
    assert raw and all("!{" in key for key in raw), (
        "moto writes the literal prefix until the stand-in delivers"
    )
    deliveries = stack.firehose_flush()
    assert sum(d["failed"] for d in deliveries) == 0
    delivered = _objects(stack)
    assert not [k for k in delivered if "!{" in k], "no object may keep an unexpanded prefix expression"
    today = datetime.now(UTC).date().isoformat()
    rows = []
    for key, body in delivered.items():
        match = KEY.fullmatch(key)
        assert match, key
        table = pq.read_table(io.BytesIO(body))
        assert table.schema.equals(TableSchema.from_contract().arrow_schema()), table.schema
        assert match.group(1) in (today, (date.fromisoformat(today)).isoformat())
        rows += table.to_pylist()
    mine = [r for r in rows if r["user_id"] == user.sub]
    assert sorted(r["region"] for r in mine) == sorted([stack.region("primary"), stack.region("dr")])
    assert {(r["route"], r["status"], r["platform"], r["app_version"], r["role"]) for r in mine} == {
        ("GET /me", 200, "ios", "3.1.0", "consumer")
    }
    assert all(isinstance(r["ts"], datetime) for r in mine)


def test_records_failing_conversion_go_to_the_error_prefix_and_the_rest_is_delivered(
    local_stack_clean,
) -> None:
    stack = local_stack_clean
    stream = stack.state["regions"]["primary"]["usage_stream_name"]
    good = {
        "event_id": "good-1",
        "ts": "2025-03-01T10:00:00.000Z",
        "env": "local",
        "region": "us-east-1",
        "route": "GET /me",
        "method": "GET",
        "status": 200,
        "latency_ms": 1.5,
    }
    records = [
        json.dumps(good),
        '{"event_id": "bad-type", "status": "OK"}',
        "not json",
        json.dumps({**good, "event_id": "bad-ts", "ts": "01/03/2025"}),
    ]
    stack.client("firehose").put_record_batch(
        DeliveryStreamName=stream,
        Records=[{"Data": _subscription_record(records[:2])}, {"Data": _subscription_record(records[2:])}],
    )
    (delivery,) = stack.firehose_flush()
    assert (delivery["records"], delivery["failed"]) == (1, 3)
    data = _objects(stack, "usage_events/")
    (table,) = [pq.read_table(io.BytesIO(b)) for b in data.values()]
    assert table.column("event_id").to_pylist() == ["good-1"]
    (errors,) = _objects(stack, "errors/format-conversion-failed/day=").items()
    documents = [json.loads(line) for line in errors[1].decode().splitlines()]
    assert [base64.b64decode(d["rawData"]).decode() for d in documents] == records[1:]
    assert {d["ErrorCode"] for d in documents} == {
        "StandIn.TypeMismatch",
        "StandIn.MalformedJson",
        "StandIn.TimestampFormat",
    }
    assert all(d["dataCatalogTable"]["tableName"] == "usage_events" for d in documents)


def test_a_buffer_is_delivered_only_when_its_interval_has_passed(local_stack_clean) -> None:
    stack = local_stack_clean
    stream = stack.state["regions"]["primary"]["usage_stream_name"]
    stack.client("firehose").put_record(
        DeliveryStreamName=stream, Record={"Data": _subscription_record(['{"event_id":"x"}'])}
    )
    now = [datetime.now(UTC).timestamp()]
    stand_in = FirehoseConversion(stack.endpoint_url, [stack.region("primary")], clock=lambda: now[0])
    assert stand_in.deliver(force=False) == []  # 60 s buffering interval (the blueprint's is 300 s)
    now[0] += 61
    (delivery,) = stand_in.deliver(force=False)
    assert delivery.records == 1 and not [k for k in _objects(stack) if "!{" in k]


def test_a_record_that_is_not_gzip_goes_to_decompression_failed_and_the_rest_is_delivered(
    local_stack_clean,
) -> None:
    stack = local_stack_clean
    stream = stack.state["regions"]["primary"]["usage_stream_name"]
    good = {"event_id": "g", "ts": "2025-03-01T10:00:00.000Z", "route": "GET /me", "latency_ms": 1.0}
    firehose = stack.client("firehose")
    firehose.put_record(DeliveryStreamName=stream, Record={"Data": b'{"event_id": "plain"}\n'})
    firehose.put_record(DeliveryStreamName=stream, Record={"Data": _subscription_record([json.dumps(good)])})
    deliveries = stack.firehose_flush()
    assert sum(d["records"] for d in deliveries) == 1 and sum(d["failed"] for d in deliveries) == 1
    (errors,) = _objects(stack, "errors/decompression-failed/day=").values()
    (document,) = [json.loads(line) for line in errors.decode().splitlines()]
    assert base64.b64decode(document["rawData"]) == b'{"event_id": "plain"}\n'  # as it came, never dropped
    (data,) = _objects(stack, "usage_events/").values()
    assert pq.read_table(io.BytesIO(data)).column("event_id").to_pylist() == ["g"]


def test_control_messages_are_dropped_and_each_log_event_is_one_record() -> None:
    from ops.local.stand_ins.firehose_conversion import extract_messages

    control = json.dumps(
        {"messageType": "CONTROL_MESSAGE", "logEvents": [{"message": "CWL CONTROL MESSAGE"}]}
    )
    data = gzip.decompress(_subscription_record(['{"a": 1}', '{"b": 2}'])).decode()
    records = extract_messages(split_records((control + data).encode()))
    assert [value for _, value in records] == [{"a": 1}, {"b": 2}]
