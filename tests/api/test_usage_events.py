"""Every request emits one usage event to Firehose; a broken stream never fails the request."""

from __future__ import annotations

import json

from backend_core.usage_events import UsageEvent
from mobile_api.app import create_handler
from tests.api.conftest import Api


def delivered_events(stack) -> list[dict]:
    s3 = stack.client("s3")
    events = []
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=stack.analytics_bucket, Prefix="usage/"):
        for obj in page.get("Contents", []):
            body = s3.get_object(Bucket=stack.analytics_bucket, Key=obj["Key"])["Body"].read().decode()
            events += [json.loads(line) for line in body.splitlines() if line.strip()]
    return events


def test_each_request_emits_one_event_with_the_route_template(api, make_user, stack):
    user = make_user("consumers")
    api(
        "PUT",
        "/sync/notes/usage-1",
        user,
        {"data": {}},
        headers={"X-Client-Platform": "android", "X-App-Version": "9.9.9"},
    )
    api("GET", "/definitely-not-a-route", user)
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


def test_a_missing_stream_does_not_fail_the_request(stack, make_user):
    settings = stack.settings.model_copy(update={"usage_stream_name": "no-such-stream"})
    reply = Api(create_handler(settings))("GET", "/me", make_user())
    assert reply.status == 200
