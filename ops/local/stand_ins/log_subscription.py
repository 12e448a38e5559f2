"""Stand-in for CloudWatch Logs and a subscription filter to Firehose, for the functions the stack runs in-process.

In AWS the API function writes each usage event as one log line (lambdas/mobile_api/usage.py); its log group's
subscription filter (`backend_core.usage_events.LOG_FILTER_PATTERN`) sends the matching lines to the region's
Firehose stream as gzip-compressed CloudWatch Logs `DATA_MESSAGE` documents; Firehose decompresses them,
extracts each message (its `Decompression` and `CloudWatchLogProcessing` processors) and converts them to
Parquet. Here the functions share this process, so this stand-in takes their usage lines where they would
go to stdout (it is the line writer of `mobile_api.usage` while it runs: `set_line_writer`), keeps the lines
the filter keeps, and ships them to the stream of the region that wrote them, as CloudWatch Logs would: one gzip'd `DATA_MESSAGE` per
PutRecordBatch record (ops/local/stand_ins/firehose_conversion.py then applies the stream's processors).

Failure behaviour, as CloudWatch Logs documents it for subscription filters ("Logs are delivered to the
destination... If the destination... is throttled or unavailable, CloudWatch Logs retries for up to 24 hours",
CloudWatch Logs user guide, "Real-time processing of log data with subscriptions"): a batch that Firehose
refuses, whole or in part (a dark region, a missing stream, `FailedPutCount`), stays queued and is retried with
exponential backoff (1 s doubling to 60 s); a line older than `MAX_AGE_SECONDS` (24 h) is dropped and counted
in `status()["expired"]`. Where it differs from AWS (ops/local/README.md): the lines wait in this process's
memory (in AWS they also stay in the log group for its retention), so stopping the stack loses what is queued,
as it loses everything moto holds; the filter pattern is applied as the three conditions it states, not by a
general pattern engine.
"""

from __future__ import annotations

import gzip
import json
import logging
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from backend_core.usage_events import LOG_FILTER_PATTERN
from ops.local.aws import client
from ops.local.config import ACCOUNT_ID

log = logging.getLogger("ops.local.stand_ins.log_subscription")
SHIP_SECONDS = 1.0  # CloudWatch Logs delivers to a subscription in near real time
EVENTS_PER_MESSAGE = 500  # log events per DATA_MESSAGE (one Firehose record, well under its 1,000 KiB)
RECORDS_PER_BATCH = 50  # Firehose PutRecordBatch takes up to 500 records / 4 MiB
MAX_AGE_SECONDS = 24 * 3600  # how long CloudWatch Logs retries a subscription delivery
BACKOFF_SECONDS = (1.0, 60.0)
FILTER_NAME = "usage-events-to-firehose"


def matches_filter(message: str) -> dict | None:
    """The line as JSON when it meets LOG_FILTER_PATTERN's conditions (a JSON object with a numeric
    latency_ms >= 0, a string route and a string event_id), else None."""
    try:
        value = json.loads(message)
    except ValueError:
        return None
    if not isinstance(value, dict):
        return None
    latency = value.get("latency_ms")
    keep = (
        isinstance(latency, int | float)
        and not isinstance(latency, bool)
        and latency >= 0
        and isinstance(value.get("route"), str)
        and isinstance(value.get("event_id"), str)
    )
    return value if keep else None


@dataclass(frozen=True)
class LogEvent:
    timestamp_ms: int
    message: str
    queued_at: float  # monotonic


@dataclass(frozen=True)
class Destination:
    """Where one region's API function log group is subscribed."""

    region: str
    log_group: str
    stream: str


class LogSubscription:
    """The running stand-in (an `ops.local.parts.Part`): captures usage-event lines, ships them per region."""

    name = "log_subscription"

    def __init__(
        self,
        endpoint: str,
        destinations: list[Destination],
        clock: Callable[[], float] = time.monotonic,
        max_age_seconds: float = MAX_AGE_SECONDS,
    ) -> None:
        self.endpoint = endpoint
        self.destinations = {d.region: d for d in destinations}
        self.clock = clock
        self.max_age_seconds = max_age_seconds
        self.queues: dict[str, deque[LogEvent]] = {region: deque() for region in self.destinations}
        self.counts = {"captured": 0, "shipped": 0, "expired": 0, "unrouted": 0, "failed_attempts": 0}
        self.last_error: str | None = None
        self.retry_at: dict[str, float] = {}
        self._backoff: dict[str, float] = {}
        self._lock = threading.Lock()  # the queues
        self._ship_lock = threading.Lock()  # one shipment at a time (the loop, or flush())
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=self.name, daemon=True)
        self._previous_writer: Callable[[str], None] | None = None

    # ---- capture (the function's side: never blocks, never fails the request) ----
    def _capture(self, line: str) -> None:
        """One line as the function wrote it (with its newline; CloudWatch Logs keeps the message without)."""
        message = line.rstrip("\n")
        value = matches_filter(message)
        if value is None:
            return
        region = value.get("region")
        event = LogEvent(int(time.time() * 1000), message, self.clock())
        with self._lock:
            queue = self.queues.get(region)
            if queue is None:
                self.counts["unrouted"] += 1  # a region without a subscribed log group
                return
            queue.append(event)
            self.counts["captured"] += 1
        self._wake.set()

    # ---- lifecycle (Part) ----
    def start(self) -> LogSubscription:
        from mobile_api.usage import set_line_writer

        # The lines reach "CloudWatch" through this stand-in, not stdout: the stack's own log already has a
        # request line each. The writer it replaces is put back at stop.
        self._previous_writer = set_line_writer(self._capture)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._previous_writer is not None:
            from mobile_api.usage import set_line_writer

            set_line_writer(self._previous_writer)
            self._previous_writer = None
        self._stop.set()
        self._wake.set()
        if self._thread.is_alive():
            self._thread.join(timeout=10)
        try:  # what is queued goes now, if Firehose takes it
            self.ship()
        except Exception:
            log.warning("log subscription: %d usage lines not shipped at stop", self.pending())

    @property
    def alive(self) -> bool:
        return self._thread.is_alive()

    def status(self) -> dict[str, Any]:
        return {
            "healthy": self.alive,
            **self.counts,
            "pending": self.pending(),
            "filter_pattern": LOG_FILTER_PATTERN,
            **({"last_error": self.last_error} if self.last_error else {}),
        }

    def pending(self) -> int:
        with self._lock:
            return sum(len(q) for q in self.queues.values())

    def _run(self) -> None:
        while not self._stop.is_set():
            self._wake.wait(timeout=SHIP_SECONDS)
            self._wake.clear()
            if self._stop.is_set():
                return
            time.sleep(0.2)  # gather a few lines per shipment, as CloudWatch Logs batches them
            try:
                self.ship()
            except Exception:  # keep shipping; status shows the last error
                log.exception("log subscription: shipment failed")

    # ---- delivery ----
    def ship(self, force: bool = False) -> int:
        """Ship every queued line whose region is not backing off (all of them with force=True); returns how
        many Firehose took. A refused batch stays queued for the next attempt."""
        shipped = 0
        with self._ship_lock:
            for region, destination in self.destinations.items():
                if not force and self.clock() < self.retry_at.get(region, 0.0):
                    continue
                shipped += self._ship_region(destination)
        return shipped

    def flush(self, timeout: float = 10.0) -> int:
        """Ship now and until nothing is queued (tests, benchmarks); raises TimeoutError with what is left."""
        deadline = time.monotonic() + timeout
        shipped = self.ship(force=True)
        while self.pending():
            if time.monotonic() > deadline:
                raise TimeoutError(f"{self.pending()} usage lines still queued: {self.last_error}")
            time.sleep(0.1)
            shipped += self.ship(force=True)
        return shipped

    def _ship_region(self, destination: Destination) -> int:
        region = destination.region
        with self._lock:
            queue = self.queues[region]
            now = self.clock()
            while queue and now - queue[0].queued_at > self.max_age_seconds:
                queue.popleft()
                self.counts["expired"] += 1
            events = list(queue)
        if not events:
            return 0
        firehose = client("firehose", region, self.endpoint)
        shipped = 0
        for start in range(0, len(events), EVENTS_PER_MESSAGE * RECORDS_PER_BATCH):
            chunk = events[start : start + EVENTS_PER_MESSAGE * RECORDS_PER_BATCH]
            messages = [chunk[i : i + EVENTS_PER_MESSAGE] for i in range(0, len(chunk), EVENTS_PER_MESSAGE)]
            records = [{"Data": data_message(destination, m)} for m in messages]
            try:
                answer = firehose.put_record_batch(DeliveryStreamName=destination.stream, Records=records)
            except (ClientError, BotoCoreError, OSError) as exc:
                self._failed(region, f"{type(exc).__name__}: {exc}")
                return shipped
            taken = 0
            for message, response in zip(messages, answer["RequestResponses"], strict=True):
                if "ErrorCode" in response:  # later messages wait too, so lines stay in order
                    self._failed(region, f"{response['ErrorCode']}: {response.get('ErrorMessage', '')}")
                    break
                taken += len(message)
            with self._lock:
                for _ in range(taken):
                    self.queues[region].popleft()
                self.counts["shipped"] += taken
            shipped += taken
            if taken < len(chunk):
                return shipped
        self._backoff.pop(region, None)
        self.retry_at.pop(region, None)
        self.last_error = None
        return shipped

    def _failed(self, region: str, reason: str) -> None:
        delay = min(BACKOFF_SECONDS[1], self._backoff.get(region, BACKOFF_SECONDS[0] / 2) * 2)
        self._backoff[region] = delay
        self.retry_at[region] = self.clock() + delay
        self.counts["failed_attempts"] += 1
        self.last_error = f"{region}: {reason}"
        log.warning(
            "log subscription: Firehose refused usage lines of %s (retry in %.0f s): %s",
            region,
            delay,
            reason,
        )


def data_message(destination: Destination, events: list[LogEvent]) -> bytes:
    """What CloudWatch Logs sends a subscription: a gzip'd JSON `DATA_MESSAGE` (CloudWatch Logs user guide,
    "Subscription filters with Amazon Data Firehose", the example's decompressed record)."""
    document = {
        "messageType": "DATA_MESSAGE",
        "owner": ACCOUNT_ID,
        "logGroup": destination.log_group,
        "logStream": f"local/[$LATEST]{uuid.uuid4().hex}",
        "subscriptionFilters": [FILTER_NAME],
        "logEvents": [
            {"id": uuid.uuid4().hex, "timestamp": e.timestamp_ms, "message": e.message} for e in events
        ],
    }
    return gzip.compress(json.dumps(document, separators=(",", ":")).encode())
