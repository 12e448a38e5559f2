"""The API benchmark's usage-event measurement, small (benchmarks/api_bench.py; full size: `make bench`): the
"on" handler really writes one line per request and the "off" one none, and no line reaches stdout (the
report) while the bench runs; the line writer is as it was afterwards; and every route the bench measures makes
exactly the AWS calls its table says (MINIMUM_CALLS + EXTRA_CALLS). No timing is asserted."""

from __future__ import annotations

import json
import uuid
from collections import Counter

from benchmarks.api_bench import EXTRA_CALLS, MINIMUM_CALLS, Scenarios, quiet_usage_lines, usage_event_cost
from mobile_api.app import create_handler
from mobile_api.usage import line_writer, set_line_writer
from tests.api.conftest import User, v2_event


def test_usage_event_cost_runs_bounded_and_keeps_the_lines_out_of_stdout(stack, capfd):
    before = line_writer()
    seen: list[str] = []
    with quiet_usage_lines():
        on = create_handler(stack.settings)
        off = create_handler(stack.settings.model_copy(update={"usage_stream_name": ""}))
        quiet = line_writer()
        assert quiet is not before

        def both(line: str) -> None:  # what the bench writes, seen here too
            seen.append(line)
            quiet(line)

        set_line_writer(both)
        try:
            out = usage_event_cost(on, off, 3, seconds=60)
        finally:
            set_line_writer(quiet)
    assert capfd.readouterr().out == ""
    assert line_writer() is before
    assert set(out) == {"GET /health", "PUT /sync/{collection}/{id}"}
    assert all(route["pairs"] == 3 and route["ratio_p50"] > 0 for route in out.values())
    assert out["PUT /sync/{collection}/{id}"]["statuses"] == {200: 6}  # one create, then updates, on and off
    low, high = out["GET /health"]["ratio_p50_ci95"]
    assert low <= high
    routes = sorted(line.split('"route":"')[1].split('"')[0] for line in seen)
    assert routes == ["GET /health"] * 3 + ["PUT /sync/{collection}/{id}"] * 3  # "on" only, one per request


def test_each_bench_route_makes_the_calls_its_access_pattern_needs(stack):
    handler = create_handler(stack.settings)
    calls: Counter[str] = Counter()
    deps = handler.deps
    for client in (deps.dynamodb, deps.s3, deps.sns, deps.sqs):
        client.meta.events.register("before-call", lambda model, **_: calls.update([model.name]))

    def call(method, path, user, body=None, headers=None):
        out = handler(v2_event(method, path, user, body, headers), None)
        return out["statusCode"], json.loads(out["body"]) if out.get("body") else None

    users = {
        "consumer": User(str(uuid.uuid4()), "[consumers]"),
        "provider": User(str(uuid.uuid4()), "[providers]"),
    }
    made = {}
    for route, make in Scenarios(call, users, 1).routes().items():
        request = make(0)  # what it needs made first is not counted
        calls.clear()
        method, path, user, body, *rest = request
        status, _ = call(method, path, user, body, rest[0] if rest else None)
        assert status < 300, (route, status)
        made[route] = sum(calls.values())
    assert set(made) == set(MINIMUM_CALLS) and set(EXTRA_CALLS) <= set(MINIMUM_CALLS)
    assert made == {route: n + EXTRA_CALLS.get(route, 0) for route, n in MINIMUM_CALLS.items()}
