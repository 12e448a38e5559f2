"""Locust users of the load test (benchmarks/load_test.py runs this file headless; never imported elsewhere:
locust patches the standard library with gevent on import).

Each simulated user is a signed-in app user with a real Cognito ID token of the local stack (the tokens come
in the JSON file `MBT_LOAD_USERS`), doing what the app does most: sync (writes and delta reads), profile,
inbox reads, the odd media upload. At launch a user catches up on the sync feed, as the app does, so it
knows the server's version of the notes earlier phases wrote. Requests are named by route template so the
report groups them as API Gateway's access log does. Every answer is tallied by status and route, every
refusal by status and error code (with the first few bodies), into `MBT_LOAD_RESULT` (JSON) at the end;
`MBT_LOAD_MAX_REQUESTS` bounds the run besides `--run-time`.
"""

from __future__ import annotations

import itertools
import json
import os
import random
import time
import uuid
from collections import Counter, defaultdict
from pathlib import Path

from locust import HttpUser, between, constant_throughput, events, task

USERS = json.loads(Path(os.environ["MBT_LOAD_USERS"]).read_text())
_next_user = itertools.cycle(USERS)
MAX_REQUESTS = int(os.environ.get("MBT_LOAD_MAX_REQUESTS", "0")) or None
RATE_PER_USER = float(os.environ.get("MBT_LOAD_RATE_PER_USER", "0")) or None
CATCH_UP_PAGES = 50  # at launch, at most this many GET /sync pages (and 429 waits)

statuses: Counter[str] = Counter()
by_route: dict[str, Counter[str]] = defaultdict(Counter)
latencies: dict[str, list[float]] = defaultdict(list)
# The first few bodies of each refusal other than the throttle's, per route and status (the report explains them).
refusals: dict[str, list[str]] = defaultdict(list)
REFUSAL_SAMPLES = 3
# Every refusal by "<status> <error code of the JSON body>" (API Gateway's 429 has only a message).
refusal_codes: Counter[str] = Counter()
count = 0


@events.request.add_listener
def tally(request_type, name, response_time, response_length, response=None, exception=None, **_):
    global count
    status = str(getattr(response, "status_code", 0) or 0) if response is not None else "0"
    if exception is not None and status == "0":
        status = "connection_error"
    statuses[status] += 1
    by_route[name][status] += 1
    if status.startswith(("4", "5")):
        refusal_codes[f"{status} {_error_code(response)}"] += 1
    if status.startswith(("4", "5")) and status != "429":
        samples = refusals[f"{name} {status}"]
        if len(samples) < REFUSAL_SAMPLES:
            request = getattr(response, "request", None)
            sent = f"{getattr(request, 'method', '?')} {getattr(request, 'path_url', '?')} {getattr(request, 'body', b'') or b''!r:.120}"
            samples.append(f"{sent} -> {getattr(response, 'text', '')[:300]}")
    latencies[name].append(float(response_time))
    count += 1
    runner = getattr(tally, "environment", None)
    if MAX_REQUESTS and count >= MAX_REQUESTS and runner is not None and runner.runner is not None:
        runner.runner.quit()


def _error_code(response) -> str:
    """The `error` field of a JSON error body (the API's shape), else its `message` (API Gateway's), else '?'."""
    try:
        body = response.json()
    except Exception:  # any body that is not JSON
        return "?"
    return str(body.get("error") or body.get("message") or "?") if isinstance(body, dict) else "?"


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
        "refusals": dict(refusals),
        "refusal_codes": dict(refusal_codes),
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
        self.items: dict[str, int | None] = {}  # note id -> the server version this device last saw
        self.cursor: str | None = None
        self.catch_up()

    def catch_up(self) -> None:
        """What the app does at launch: read the delta feed to its end, learning the server's version of every
        note, so its first write to a note another phase (or device) made is an update, not a create the API
        must refuse (409). A 429 is waited out (the app backs off); any other refusal ends the catch-up."""
        for _ in range(CATCH_UP_PAGES):
            if not self._read_page():
                return

    def _read_page(self) -> bool:
        """One GET /sync page from the cursor, its items' versions learned; True when there is more to read
        (or a 429 to wait out)."""
        path = "/sync" + (f"?since={self.cursor}" if self.cursor else "")
        with self.client.get(path, name="GET /sync", catch_response=True) as response:
            self._check(response)
            if response.status_code == 429:
                time.sleep(0.5)  # gevent-patched: only this user waits
                return True
            if response.status_code != 200:
                return False
            page = response.json()
        for item in page.get("items", []):
            if item.get("collection") == "notes":
                self.items[item["id"]] = None if item.get("deleted") else item.get("version")
        self.cursor = page.get("next") or self.cursor
        return bool(page.get("has_more"))

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
                current = (response.json() or {}).get("current") or {}
                self.items[item] = None if current.get("deleted") else current.get("version")
            self._check(response)

    @task(4)
    def sync_read(self) -> None:
        self._read_page()

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
