"""What sheds load in front of the API function, as API Gateway and Lambda do it, for the local fronts.

- `TokenBucket`: the stage's throttling. API Gateway "throttles requests to your API using the token bucket
  algorithm, where a token counts for a request": the bucket holds up to `burst` tokens, refills at `rate`
  tokens per second, and a request that finds it empty is answered 429 `{"message":"Too Many Requests"}` before
  any authorizer or integration runs (API Gateway developer guide, "Throttling requests to your HTTP API").
- `ExecutionEnvironments`: the function's concurrency. Each concurrent request needs an execution environment
  of its own (built on first need: a cold start); with reserved concurrency N at most N exist, and a request
  that finds all N busy is refused at once (Lambda's `TooManyRequestsException`), never queued. API Gateway
  does not pass that 429 on: "If the Lambda API rejects the invocation request, API Gateway returns a 500
  error code ... {"message": "Internal server error"}" (Lambda developer guide, "Handling Lambda errors with
  an API Gateway API"), and the front answers the same. So the stage's throttle must shed load before the
  function's concurrency runs out: rate x latency (and burst) within the reserved concurrency.

The numbers are the env's (ops/env/api_limits.py); `POST /limits` on the control endpoint changes them on a
running stack (tests and the load test's above-the-throttle phase).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Any

THROTTLED_BODY = {"message": "Too Many Requests"}  # API Gateway's own answer, not the API's error shape
LAMBDA_THROTTLED_BODY = {"message": "Internal Server Error"}  # what API Gateway answers for a refused invoke


class TokenBucket:
    """Thread-safe token bucket: `take()` is True when a token was there (the request may pass)."""

    def __init__(self, rate: float, burst: int, clock: Callable[[], float] = time.monotonic) -> None:
        if rate <= 0 or burst <= 0:
            raise ValueError("throttling limits must be positive")
        self.rate, self.burst, self.clock = float(rate), int(burst), clock
        self._tokens = float(burst)
        self._at = clock()
        self._lock = threading.Lock()
        self.throttled = 0

    def take(self) -> bool:
        with self._lock:
            now = self.clock()
            self._tokens = min(self.burst, self._tokens + (now - self._at) * self.rate)
            self._at = now
            if self._tokens >= 1:
                self._tokens -= 1
                return True
            self.throttled += 1
            return False


class FunctionThrottled(Exception):
    """Every execution environment the function may have is busy (Lambda's TooManyRequestsException)."""


class ExecutionEnvironments:
    """A function's execution environments: one request at a time each, at most `limit` of them (None =
    unreserved: as many as requests run at once). `build()` makes one (the handler, a cold start)."""

    def __init__(self, build: Callable[[], Any], limit: int | None, first: Any | None = None) -> None:
        if limit is not None and limit < 0:
            raise ValueError("reserved concurrency cannot be negative")
        self.build, self.limit = build, limit
        self._idle: list[Any] = [first] if first is not None else []
        self._count = len(self._idle)
        self._lock = threading.Lock()
        self.throttled = 0
        self.cold_starts = 0
        self.busy = 0
        self.peak = 0

    def acquire(self) -> Any:
        with self._lock:
            if self._idle:
                env = self._idle.pop()
            elif self.limit is not None and self._count >= self.limit:
                self.throttled += 1
                raise FunctionThrottled(f"reserved concurrency {self.limit} reached")
            else:
                self._count += 1
                env = None
            self.busy += 1
            self.peak = max(self.peak, self.busy)
        if env is None:
            try:
                env = self.build()
            except BaseException:
                with self._lock:
                    self._count -= 1
                    self.busy -= 1
                raise
            with self._lock:
                self.cold_starts += 1
        return env

    def release(self, env: Any) -> None:
        with self._lock:
            self.busy -= 1
            if self.limit is not None and self._count > self.limit:  # the limit was lowered: retire it
                self._count -= 1
            else:
                self._idle.append(env)

    def status(self) -> dict[str, Any]:
        with self._lock:
            return {
                "reserved_concurrency": self.limit,
                "environments": self._count,
                "busy": self.busy,
                "peak": self.peak,
                "cold_starts": self.cold_starts,
                "throttled": self.throttled,
            }
