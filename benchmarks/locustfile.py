"""Locust users of the load test (benchmarks/load_test.py runs this file headless; never imported elsewhere:
locust patches the standard library with gevent on import).

Each simulated user is a signed-in app user with a real Cognito ID token of the local stack (the tokens come
in the JSON file `MBT_LOAD_USERS`), doing what the app does most: sync (writes and delta reads), profile,
inbox reads, the odd media upload. Requests are named by route template so the report groups them as
API Gateway's access log does. Every answer is tallied by status and route into `MBT_LOAD_RESULT` (JSON) at
the end; `MBT_LOAD_MAX_REQUESTS` bounds the run besides `--run-time`.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import uuid
from collections import Counter, defaultdict
from pathlib import Path

from locust import HttpUser, between, constant_throughput, events, task

USERS = json.loads(Path(os.environ["MBT_LOAD_USERS"]).read_text())
_next_user = itertools.cycle(USERS)
MAX_REQUESTS = int(os.environ.get("MBT_LOAD_MAX_REQUESTS", "0")) or None
RATE_PER_USER = float(os.environ.get("MBT_LOAD_RATE_PER_USER", "0")) or None

statuses: Counter[str] = Counter()
by_route: dict[str, Counter[str]] = defaultdict(Counter)
latencies: dict[str, list[float]] = defaultdict(list)
count = 0


@events.request.add_listener
def tally(request_type, name, response_time, response_length, response=None, exception=None, **_):
    global count
    status = str(getattr(response, "status_code", 0) or 0) if response is not None else "0"
    if exception is not None and status == "0":
        status = "connection_error"
    statuses[status] += 1
    by_route[name][status] += 1
    latencies[name].append(float(response_time))
    count += 1
    runner = getattr(tally, "environment", None)
    if MAX_REQUESTS and count >= MAX_REQUESTS and runner is not None and runner.runner is not None:
        runner.runner.quit()


@events.init.add_listener
def remember(environment, **_):
    tally.environment = environment  # type: ignore[attr-defined]


@events.quitting.add_listener
def write_result(environment, **_):
    stats = environment.stats.total
    document = {
        "requests": count,
        "statuses": dict(statuses),
        "by_route": {name: dict(c) for name, c in by_route.items()},
        "latencies_ms": latencies,
        "start_time": stats.start_time,
        "last_request_time": stats.last_request_timestamp,
    }
    Path(os.environ["MBT_LOAD_RESULT"]).write_text(json.dumps(document))


class AppUser(HttpUser):
    """One signed-in consumer on a phone: sync-heavy, with profile, inbox and the odd upload."""

    wait_time = constant_throughput(RATE_PER_USER) if RATE_PER_USER else between(0.05, 0.2)

    def on_start(self) -> None:
        user = next(_next_user)
        self.client.headers.update(
            {
                "Authorization": f"Bearer {user['id_token']}",
                "X-Client-Platform": "ios",
                "X-App-Version": "load-test",
            }
        )
        self.items: dict[str, int | None] = {}
        self.cursor: str | None = None

    def _check(self, response) -> None:
        """Any status is recorded as it is (the report counts them); only a 5xx or no answer is a failure."""
        if response.status_code >= 500 or response.status_code == 0:
            response.failure(f"HTTP {response.status_code}")
        else:
            response.success()

    @task(5)
    def sync_write(self) -> None:
        item = f"n{random.randrange(20)}"  # noqa: S311 (not a secret) a user edits a handful of notes over and over
        body = {"data": {"text": uuid.uuid4().hex}, "version": self.items.get(item)}
        with self.client.put(
            f"/sync/notes/{item}", json=body, name="PUT /sync/{collection}/{id}", catch_response=True
        ) as response:
            if response.status_code == 200:
                self.items[item] = response.json()["version"]
            elif response.status_code == 409:  # another device won: take the server's version
                self.items[item] = ((response.json() or {}).get("current") or {}).get("version")
            self._check(response)

    @task(4)
    def sync_read(self) -> None:
        path = "/sync" + (f"?since={self.cursor}" if self.cursor else "")
        with self.client.get(path, name="GET /sync", catch_response=True) as response:
            if response.status_code == 200:
                self.cursor = response.json().get("next") or self.cursor
            self._check(response)

    @task(2)
    def profile(self) -> None:
        with self.client.get("/me", name="GET /me", catch_response=True) as response:
            self._check(response)

    @task(2)
    def inbox(self) -> None:
        with self.client.get("/notifications", name="GET /notifications", catch_response=True) as response:
            self._check(response)

    @task(1)
    def media_upload(self) -> None:
        body = {"content_type": "image/jpeg", "size": 200_000}
        with self.client.post(
            "/media/uploads", json=body, name="POST /media/uploads", catch_response=True
        ) as response:
            self._check(response)

    @task(1)
    def health(self) -> None:
        with self.client.get("/health", name="GET /health", catch_response=True) as response:
            self._check(response)
