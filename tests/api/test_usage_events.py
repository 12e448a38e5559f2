"""Every request writes one usage event as a log line, with no AWS call on the request path; the
log-subscription stand-in ships the lines to Firehose as CloudWatch Logs would, and keeps them while Firehose
refuses them (a dark region, a missing stream) until it takes them."""

from __future__ import annotations

import gzip
import json

import pytest
from botocore.client import BaseClient

from backend_core.usage_events import UsageEvent
from mobile_api.app import create_handler
from ops.local.stand_ins.firehose_conversion import extract_messages, split_records
from ops.local.stand_ins.log_subscription import Destination, LogSubscription
from tests.api.conftest import Api


def delivered_events(stack) -> list[dict]:
    """What Firehose received, after its Decompression and CloudWatchLogProcessing processors."""
    s3 = stack.client("s3")
    events = []
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=stack.analytics_bucket, Prefix="usage/"):
        for obj in page.get("Contents", []):
            body = gzip.decompress(
                s3.get_object(Bucket=stack.analytics_bucket, Key=obj["Key"])["Body"].read()
            )
            events += [value for _, value in extract_messages(split_records(body))]
    return events


@pytest.fixture
def aws_calls(monkeypatch) -> list[str]:
    """Every AWS API call any boto3 client makes (observed, then made as usual)."""
    calls: list[str] = []
    original = BaseClient._make_api_call

    def observed(self, operation_name, api_params):
        calls.append(f"{self.meta.service_model.service_name}.{operation_name}")
        return original(self, operation_name, api_params)

    monkeypatch.setattr(BaseClient, "_make_api_call", observed)
    return calls


def test_a_request_writes_its_event_as_a_log_line_and_calls_no_aws_api(stack, subscription, aws_calls):
    handler = create_handler(stack.settings)
    aws_calls.clear()
    reply = Api(handler)("GET", "/health", None)
    assert reply.status == 200
    assert aws_calls == []  # GET /health needs no AWS call, and the usage event adds none
    assert subscription.pending() == 1


def test_each_request_emits_one_event_with_the_route_template(api, make_user, stack, subscription):
    user = make_user("consumers")
    api(
        "PUT",
        "/sync/notes/usage-1",
        user,
        {"data": {}},
        headers={"X-Client-Platform": "android", "X-App-Version": "9.9.9"},
    )
    api("GET", "/definitely-not-a-route", user)
    subscription.flush()
    mine = [e for e in delivered_events(stack) if e["user_id"] == user.sub]
    assert len(mine) == 2
    by_route = {e["route"]: e for e in mine}
    put = by_route["PUT /sync/{collection}/{id}"]
    assert put["status"] == 200 and put["method"] == "PUT" and put["role"] == "consumer"
    assert put["platform"] == "android" and put["app_version"] == "9.9.9"
    assert put["region"] == stack.settings.region and put["env"] == "local" and put["latency_ms"] >= 0
    assert by_route["GET (unmatched)"]["status"] == 404
    for event in mine:  # the record is exactly the shared contract (plus the partition key)
        UsageEvent.model_validate({k: v for k, v in event.items() if k != "day"})


def test_lines_wait_while_firehose_refuses_them_and_arrive_when_it_takes_them(stack, make_user):
    missing = LogSubscription(
        stack.url, [Destination(stack.settings.region, "/aws/lambda/test-api", "no-such-stream")]
    )
    missing.start()
    try:
        user = make_user()
        reply = Api(create_handler(stack.settings))("GET", "/me", user)
        assert reply.status == 200  # a Firehose that refuses never reaches the request
        assert missing.ship(force=True) == 0 and missing.pending() == 1
        assert "ResourceNotFoundException" in (missing.last_error or "")
        assert missing.counts["failed_attempts"] == 1 and missing.retry_at  # backing off
        # The stream comes back (here: the right name): the queued line is shipped, none lost, none doubled.
        missing.destinations = {
            stack.settings.region: Destination(
                stack.settings.region, "/aws/lambda/test-api", stack.settings.usage_stream_name
            )
        }
        assert missing.flush() == 1 and missing.pending() == 0
    finally:
        missing.stop()
    mine = [e for e in delivered_events(stack) if e["user_id"] == user.sub]
    assert [e["route"] for e in mine] == ["GET /me"]


def test_lines_older_than_a_day_are_dropped_and_counted(stack):
    now = [0.0]
    part = LogSubscription(
        stack.url,
        [Destination(stack.settings.region, "/aws/lambda/test-api", "no-such-stream")],
        clock=lambda: now[0],
    )
    part.start()
    try:
        Api(create_handler(stack.settings))("GET", "/health", None)
        assert part.pending() == 1
        now[0] = 24 * 3600 + 1  # CloudWatch Logs retries a subscription delivery for up to 24 hours
        part.ship(force=True)
        assert part.pending() == 0 and part.counts["expired"] == 1
    finally:
        part.stop()


def test_only_usage_lines_pass_the_filter():
    from ops.local.stand_ins.log_subscription import matches_filter

    record = {"event_id": "e", "route": "GET /health", "latency_ms": 1.5}
    assert matches_filter(json.dumps(record)) == record
    assert matches_filter(json.dumps({**record, "latency_ms": -1})) is None
    assert matches_filter(json.dumps({"level": "INFO", "message": "hello"})) is None
    assert matches_filter("START RequestId: 1 Version: $LATEST") is None
