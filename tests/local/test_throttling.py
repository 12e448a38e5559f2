"""Load is shed as API Gateway and Lambda shed it: the stage's token bucket answers 429 with API Gateway's
own body before anything runs; a request beyond the function's reserved concurrency is refused at once (and
answered 500, as API Gateway answers a Lambda throttle), never queued."""

from __future__ import annotations

import json
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests

from ops.env.api_limits import api_limits
from ops.env.envs import ENVS_DIR
from ops.local.api_front import ApiFront, RegionApp
from ops.local.throttle import ExecutionEnvironments, FunctionThrottled, TokenBucket

pytestmark = pytest.mark.integration


def test_the_bucket_holds_burst_tokens_and_refills_at_the_rate():
    now = [0.0]
    bucket = TokenBucket(rate=2, burst=3, clock=lambda: now[0])
    assert [bucket.take() for _ in range(4)] == [True, True, True, False]
    now[0] = 0.5  # one token back (2 per second)
    assert [bucket.take(), bucket.take()] == [True, False]
    now[0] = 100.0  # never more than the burst
    assert sum(bucket.take() for _ in range(10)) == 3
    assert bucket.throttled == 1 + 1 + 7


def test_environments_are_built_on_need_up_to_the_reservation():
    built = []
    envs = ExecutionEnvironments(lambda: built.append(1) or object(), limit=2)
    first, second = envs.acquire(), envs.acquire()
    with pytest.raises(FunctionThrottled):
        envs.acquire()
    envs.release(first)
    assert envs.acquire() is first  # a warm one is reused, not rebuilt
    assert len(built) == 2 and envs.status()["throttled"] == 1
    envs.release(second)


def test_the_local_stack_applies_the_env_limits_the_plan_has(local_stack):
    """The fronts start with the limits of the env they stand in for, read from its tfvars."""
    limits = local_stack.limits()
    expected = api_limits(ENVS_DIR / "dev.tfvars").describe()
    assert {region["limits"] for region in limits.values()} == {expected}


def test_over_the_stage_throttle_the_front_answers_429_and_never_5xx(local_stack_clean):
    stack = local_stack_clean
    stack.set_limits(rate_limit=1, burst_limit=3)
    statuses = [stack.request("GET", "/health").status_code for _ in range(8)]
    assert statuses[:3] == [200, 200, 200]  # the burst
    assert 429 in statuses[3:] and all(s in (200, 429) for s in statuses)
    refused = stack.request("GET", "/health")
    assert refused.status_code == 429
    assert refused.json() == {"message": "Too Many Requests"}  # API Gateway's body, not the API's error shape
    # Throttled before the authorizer: no token needed to be refused.
    assert stack.request("GET", "/me").status_code == 429
    stack.env_limits()
    assert stack.request("GET", "/health").status_code == 200


def _front_with_slow_function(reserved: int | None, release: threading.Event) -> ApiFront:
    def slow(event, context):
        release.wait(10)
        return {"statusCode": 200, "body": json.dumps({"ok": True})}

    from ops.env.api_limits import ApiLimits

    app = RegionApp(
        "primary", "us-east-1", slow, "fn", build=lambda: slow, limits=ApiLimits(1000, 1000, reserved)
    )
    front = ApiFront("test", 0, None, lambda: app)
    front.start()
    return front


def test_beyond_reserved_concurrency_a_request_is_refused_at_once_not_queued():
    release = threading.Event()
    front = _front_with_slow_function(2, release)
    try:
        with ThreadPoolExecutor(2) as pool:
            busy = [pool.submit(requests.get, f"{front.url}/health", timeout=20) for _ in range(2)]
            deadline = time.monotonic() + 10
            while front.route().environments.status()["busy"] < 2 and time.monotonic() < deadline:
                time.sleep(0.01)
            started = time.monotonic()
            refused = requests.get(f"{front.url}/health", timeout=20)
            waited = time.monotonic() - started
            release.set()
            assert [f.result().status_code for f in busy] == [200, 200]
        # As API Gateway answers a Lambda throttle (Lambda developer guide, services-apigateway-errors).
        assert refused.status_code == 500 and refused.json() == {"message": "Internal Server Error"}
        assert waited < 5  # refused, not queued behind the two running requests
        status = front.route().environments.status()
        assert status["throttled"] == 1 and status["environments"] == 2
        assert requests.get(f"{front.url}/health", timeout=20).status_code == 200  # free again
    finally:
        release.set()
        front.stop()


def test_api_limits_are_read_from_every_env_file():
    for path in sorted(Path(ENVS_DIR).glob("*.tfvars")):
        limits = api_limits(path)
        assert limits.rate_limit > 0 and limits.burst_limit > 0
