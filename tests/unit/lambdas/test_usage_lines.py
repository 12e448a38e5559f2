"""The API's usage line (lambdas/mobile_api/usage.py) is built without validating, for speed: every line it
writes must be, as JSON, exactly the record the contract model (`backend_core.usage_events.UsageEvent`) makes
of the same facts, keys in the model's order, pass the log group's subscription filter, and be one ASCII line."""

from __future__ import annotations

import json
import os
import uuid

import pytest

from backend_core.usage_events import PARTITION_KEY, UsageEvent
from mobile_api.settings import Settings
from mobile_api.usage import UsageEmitter, fd_line, line_writer, set_line_writer
from ops.local.stand_ins.log_subscription import matches_filter

SUB = str(uuid.uuid4())


def event(
    headers: dict | None = None,
    groups: str | None = None,
    method: str = "GET",
    request_id: str | None = "r-1",
) -> dict:
    context: dict = {"http": {"method": method, "path": "/x"}}
    if request_id is not None:
        context["requestId"] = request_id
    if groups is not None:
        claims = {"sub": SUB, "token_use": "id", "cognito:groups": groups, "iat": "1"}
        context["authorizer"] = {"jwt": {"claims": claims, "scopes": None}}
    return {"version": "2.0", "headers": headers or {}, "requestContext": context}


CASES = [  # (event, route, status, latency_ms, now)
    (event(), "GET /health", 200, 0.1234567, 1764596700.1239),
    (event({"x-client-platform": " Android ", "x-app-version": '9"\\\u00e9\n\u2028' + "v" * 40}, "[consumers]",
           "PUT"), "PUT /sync/{collection}/{id}", 409, 12.0, 1767225599.9999),
    (event({"x-client-platform": "windows", "x-app-version": "   "}, "[providers]", "POST"),
     "POST /notifications", 201, 1500.25, 1767225600.0),
    (event(method="PATCH", request_id=None), None, 404, 0.0004, 0.0),
    (event({"x-app-version": "1.2.3"}, "[consumers providers]", "DELETE"), "DELETE /devices/{id}", 503, 7, 1e9),
]  # fmt: skip


@pytest.fixture
def lines():
    captured: list[str] = []
    previous = set_line_writer(captured.append)
    yield captured
    set_line_writer(previous)
    assert line_writer() is previous


def settings(**extra) -> Settings:
    return Settings(region="eu-west-1", table_name="t", env_name='st"g', usage_stream_name="s", **extra)


@pytest.mark.parametrize("case", CASES)
def test_each_line_is_the_contract_models_record_of_the_same_facts(lines, case):
    request, route, status, latency_ms, now = case
    UsageEmitter(settings()).emit(request, route, status, latency_ms, now=now)
    [line] = lines
    assert line.endswith("\n") and "\n" not in line[:-1] and line.isascii()
    written = json.loads(line)
    model = UsageEvent.model_validate({k: v for k, v in written.items() if k != PARTITION_KEY})
    assert written == model.to_record()
    assert list(written) == [*UsageEvent.model_fields, PARTITION_KEY]
    assert matches_filter(line[:-1]) == written  # the subscription filter keeps it
    assert (
        written["latency_ms"] == pytest.approx(latency_ms, abs=0.001) and written["latency_ms"] <= latency_ms
    )


def test_the_facts_land_where_the_contract_says():
    captured: list[str] = []
    previous = set_line_writer(captured.append)
    try:
        emitter = UsageEmitter(settings())
        for request, route, status, latency_ms, now in CASES:
            emitter.emit(request, route, status, latency_ms, now=now)
    finally:
        set_line_writer(previous)
    health, sync, notify, unmatched, device = (json.loads(line) for line in captured)
    assert health["ts"] == "2025-12-01T13:45:00.123Z" and health[PARTITION_KEY] == "2025-12-01"
    assert health["role"] == "anonymous" and health["user_id"] is None and health["platform"] == "unknown"
    assert health["event_id"] == "r-1" and health["env"] == 'st"g' and health["region"] == "eu-west-1"
    assert sync["ts"] == "2025-12-31T23:59:59.999Z" and sync[PARTITION_KEY] == "2025-12-31"
    assert notify["ts"] == "2026-01-01T00:00:00.000Z" and notify[PARTITION_KEY] == "2026-01-01"
    assert sync["role"] == "consumer" and sync["user_id"] == SUB and sync["platform"] == "android"
    assert sync["app_version"] == ('9"\\\u00e9\n\u2028' + "v" * 40)[:32] and sync["status"] == 409
    assert notify["role"] == "provider" and notify["platform"] == "unknown" and notify["app_version"] is None
    assert unmatched["route"] == "PATCH (unmatched)" and unmatched["method"] == "PATCH"
    assert len(unmatched["event_id"]) == 32  # no request id: a fresh one
    assert unmatched["ts"] == "1970-01-01T00:00:00.000Z" and unmatched["latency_ms"] == 0.0
    assert device["role"] == "provider" and device["latency_ms"] == 7.0


def test_analytics_off_writes_nothing(lines):
    UsageEmitter(Settings(region="us-east-1", table_name="t", usage_stream_name="")).emit(
        event(), "GET /health", 200, 1.0
    )
    assert lines == []


def test_a_line_goes_whole_to_its_descriptor_and_a_closed_one_never_fails_the_request():
    read, write = os.pipe()
    try:
        fd_line(write, '{"a":1}\n')
        assert os.read(read, 100) == b'{"a":1}\n'
    finally:
        os.close(read)
        os.close(write)
    fd_line(write, "lost\n")  # closed: the line is lost, no exception reaches the handler
