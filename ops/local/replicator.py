"""Stand-in for S3 replication and DynamoDB global tables (moto has neither).

- S3: the primary media bucket's notifications (ObjectCreated/ObjectRemoved) go to an SQS queue;
  each event copies the object to (or deletes it from) the DR bucket. No bucket listings.
- DynamoDB: records of both tables' streams are applied to the other table (multi-active).
  Conflicts resolve as in global tables: last writer wins by the stream record's time, ties go to
  the primary. The replicator's own writes come back on the other stream; it recognises them by
  key and image and does not send them back (no ping-pong, no extra attributes on items).

Knobs: pause (nothing is read, so nothing is lost: streams and the queue keep the backlog),
resume (catches up), lag (a change is applied no earlier than its write time + lag).
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import unquote_plus

from botocore.exceptions import BotoCoreError, ClientError

from ops.local.aws import client
from ops.local.provision import RegionResources
from ops.local.streams import StreamReader

log = logging.getLogger("ops.local.replicator")
MAX_LAG_SECONDS = 3000  # below the replication queue's visibility timeout, so held messages stay hidden
_SIDES = ("primary", "dr")
_TIE_RANK = {"primary": 1, "dr": 0}  # equal timestamps: the primary's write wins


@dataclass
class _ItemChange:
    side: str  # where it was written
    key: str  # canonical key
    keys: dict
    new_image: dict | None  # None for REMOVE
    written_at: float


@dataclass
class _ObjectMessage:
    receipt_handle: str
    records: list[dict]
    written_at: float


@dataclass
class ReplicationStats:
    items_applied: int = 0
    objects_applied: int = 0
    conflicts_lost: int = 0
    errors: int = 0
    last_error: str | None = None
    last_lag_seconds: float | None = None
    extra: dict = field(default_factory=dict)


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, default=lambda b: base64.b64encode(b).decode())


def _image_hash(image: dict | None) -> str:
    return "REMOVE" if image is None else hashlib.sha256(_canonical(image).encode()).hexdigest()


class Replicator:
    def __init__(
        self, endpoint_url: str, primary: RegionResources, dr: RegionResources, replication_queue_url: str
    ) -> None:
        self.res = {"primary": primary, "dr": dr}
        self.ddb = {side: client("dynamodb", r.region, endpoint_url) for side, r in self.res.items()}
        self.streams = {
            side: client("dynamodbstreams", r.region, endpoint_url) for side, r in self.res.items()
        }
        self.s3 = {side: client("s3", r.region, endpoint_url) for side, r in self.res.items()}
        self.sqs = client("sqs", primary.region, endpoint_url)
        self.queue_url = replication_queue_url
        self.paused = False
        self.lag_seconds = 0.0
        self.stats = ReplicationStats()
        self._pending_items: list[_ItemChange] = []
        self._pending_objects: list[_ObjectMessage] = []
        self._echoes: dict[tuple[str, str], Counter] = {}
        self._last_local_write: dict[tuple[str, str], tuple[float, int]] = {}
        self._readers = {
            side: StreamReader(self.streams[side], r.table_stream_arn, r.region, prune_in_process=True)
            for side, r in self.res.items()
        }
        self._cycle_lock = threading.Lock()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="replicator", daemon=True)
        self._pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix="replicator-copy")
        self.crashed: str | None = None

    # ---- lifecycle and knobs -------------------------------------------------------------
    def start(self) -> Replicator:
        self._seek_latest()
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=10)
        self._pool.shutdown(wait=False, cancel_futures=True)

    @property
    def alive(self) -> bool:
        return self._thread.is_alive()

    def pause(self) -> None:
        with self._cycle_lock:  # returns once the cycle in flight has finished
            self.paused = True

    def resume(self) -> None:
        self.paused = False

    def set_lag(self, seconds: float) -> None:
        if not 0 <= seconds <= MAX_LAG_SECONDS:
            raise ValueError(f"lag must be between 0 and {MAX_LAG_SECONDS} seconds")
        self.lag_seconds = float(seconds)

    def reset(self) -> None:
        """Forget everything in flight and start from the streams' ends (used between tests)."""
        with self._cycle_lock:
            self._pending_items.clear()
            self._pending_objects.clear()
            self._echoes.clear()
            self._last_local_write.clear()
            self._seek_latest()
            self.paused = False
            self.lag_seconds = 0.0
            self.stats = ReplicationStats()

    def status(self) -> dict:
        return {
            "paused": self.paused,
            "lag_seconds": self.lag_seconds,
            "pending_items": len(self._pending_items),
            "pending_objects": len(self._pending_objects),
            "items_applied": self.stats.items_applied,
            "objects_applied": self.stats.objects_applied,
            "conflicts_lost": self.stats.conflicts_lost,
            "errors": self.stats.errors,
            "last_error": self.stats.last_error,
            "last_lag_seconds": self.stats.last_lag_seconds,
        }

    # ---- the loop -----------------------------------------------------------------------
    def _run(self) -> None:
        try:
            while not self._stop.is_set():
                busy = False
                if not self.paused:
                    with self._cycle_lock:
                        if not self.paused:
                            busy = self._cycle_safely()
                if not busy:
                    self._stop.wait(0.05)
        except BaseException as exc:  # the status endpoint reports a dead replicator
            self.crashed = f"{type(exc).__name__}: {exc}"
            log.exception("replicator crashed")
            raise

    def _cycle_safely(self) -> bool:
        try:
            return self._cycle()
        except (ClientError, BotoCoreError, OSError) as exc:  # the emulator hiccuped: count it, retry
            if self._stop.is_set():
                return False  # moto is stopping with us
            self.stats.errors += 1
            self.stats.last_error = f"{type(exc).__name__}: {exc}"
            log.warning("replication cycle failed: %s", exc)
            return False

    def _cycle(self) -> bool:
        fetched = self._fetch_items() + self._fetch_objects()
        applied = self._apply_items() + self._apply_objects()
        return bool(fetched or applied)

    # ---- DynamoDB -----------------------------------------------------------------------
    def _seek_latest(self) -> None:
        for reader in self._readers.values():
            reader.seek_latest()

    def _fetch_items(self) -> int:
        count = 0
        for side in _SIDES:
            for record in self._readers[side].read():
                count += 1
                self._observe(side, record)
        return count

    def _observe(self, side: str, record: dict) -> None:
        data = record["dynamodb"]
        key = _canonical(data["Keys"])
        new_image = data.get("NewImage") if record["eventName"] != "REMOVE" else None
        echoes = self._echoes.get((side, key))
        fingerprint = _image_hash(new_image)
        if echoes and echoes[fingerprint] > 0:  # our own write coming back: do not send it back
            echoes[fingerprint] -= 1
            return
        written_at = _epoch(data.get("ApproximateCreationDateTime"))
        stamp = (written_at, _TIE_RANK[side])
        if stamp > self._last_local_write.get((side, key), (0.0, 0)):
            self._last_local_write[(side, key)] = stamp
        self._pending_items.append(_ItemChange(side, key, data["Keys"], new_image, written_at))

    def _apply_items(self) -> int:
        if not self._pending_items:
            return 0
        cutoff = time.time() - self.lag_seconds
        due = [c for c in self._pending_items if c.written_at <= cutoff]
        if not due:
            return 0
        self._pending_items = [c for c in self._pending_items if c.written_at > cutoff]
        latest: dict[tuple[str, str], _ItemChange] = {}
        for change in due:  # only the last change of a key matters for the replica's final state
            latest[(change.side, change.key)] = change
        puts: dict[str, list[dict]] = {side: [] for side in _SIDES}
        for (side, key), change in latest.items():
            other = "dr" if side == "primary" else "primary"
            if (change.written_at, _TIE_RANK[side]) < self._last_local_write.get((other, key), (0.0, 0)):
                self.stats.conflicts_lost += 1  # the other region wrote later: last writer wins
                continue
            if change.new_image is None:
                old = self.ddb[other].delete_item(
                    TableName=self.res[other].table_name, Key=change.keys, ReturnValues="ALL_OLD"
                )
                if old.get("Attributes"):  # deleting nothing writes no stream record, so expect no echo
                    self._expect_echo(other, key, None)
            else:
                puts[other].append(change.new_image)
                self._expect_echo(other, key, change.new_image)
            self.stats.last_lag_seconds = round(time.time() - change.written_at, 3)
        for side, items in puts.items():
            for start in range(0, len(items), 25):
                self._batch_put(side, items[start : start + 25])
        self.stats.items_applied += len(latest)
        return len(due)

    def _batch_put(self, side: str, items: list[dict]) -> None:
        requests = {self.res[side].table_name: [{"PutRequest": {"Item": item}} for item in items]}
        while requests:
            requests = self.ddb[side].batch_write_item(RequestItems=requests).get("UnprocessedItems") or {}

    def _expect_echo(self, side: str, key: str, image: dict | None) -> None:
        self._echoes.setdefault((side, key), Counter())[_image_hash(image)] += 1

    # ---- S3 -----------------------------------------------------------------------------
    def _fetch_objects(self) -> int:
        count = 0
        while count < 500:
            messages = self.sqs.receive_message(
                QueueUrl=self.queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=0
            ).get("Messages", [])
            if not messages:
                break
            for message in messages:
                count += 1
                body = json.loads(message["Body"])
                records = body.get("Records") or []  # the s3:TestEvent has none
                written_at = min((_epoch(r.get("eventTime")) for r in records), default=0.0)
                self._pending_objects.append(_ObjectMessage(message["ReceiptHandle"], records, written_at))
        return count

    def _apply_objects(self) -> int:
        cutoff = time.time() - self.lag_seconds
        due = 0
        while due < len(self._pending_objects) and self._pending_objects[due].written_at <= cutoff:
            due += 1
        if not due:
            return 0
        messages = self._pending_objects[:due]
        by_key: dict[str, list[dict]] = {}  # one key's events stay in order; different keys copy in parallel
        for message in messages:
            for record in message.records:
                by_key.setdefault(record["s3"]["object"]["key"], []).append(record)
        # map() re-raises the first failure: the messages then stay pending and are retried next cycle.
        copied = sum(self._pool.map(self._apply_object_records, by_key.values()))
        for start in range(0, len(messages), 10):
            self.sqs.delete_message_batch(
                QueueUrl=self.queue_url,
                Entries=[
                    {"Id": str(i), "ReceiptHandle": m.receipt_handle}
                    for i, m in enumerate(messages[start : start + 10])
                ],
            )
        del self._pending_objects[:due]
        self.stats.objects_applied += copied
        newest = max((_epoch(r.get("eventTime")) for m in messages for r in m.records), default=None)
        if newest is not None:
            self.stats.last_lag_seconds = round(time.time() - newest, 3)
        return due

    def _apply_object_records(self, records: list[dict]) -> int:
        return sum(self._apply_object_record(record) for record in records)

    def _apply_object_record(self, record: dict) -> int:
        """Mirror one event to the DR bucket; 1 when something was written or deleted."""
        key = unquote_plus(record["s3"]["object"]["key"])
        source, target = self.res["primary"].media_bucket, self.res["dr"].media_bucket
        if record["eventName"].startswith("ObjectRemoved"):
            self.s3["dr"].delete_object(Bucket=target, Key=key)
        else:
            try:
                obj = self.s3["primary"].get_object(Bucket=source, Key=key)
            except ClientError as exc:
                if exc.response["Error"]["Code"] in ("NoSuchKey", "404"):
                    return 0  # deleted since; its removal event follows
                raise
            self.s3["dr"].put_object(
                Bucket=target,
                Key=key,
                Body=obj["Body"].read(),
                ContentType=obj.get("ContentType", "binary/octet-stream"),
                Metadata=obj.get("Metadata", {}),
            )
        return 1


def _epoch(value: Any) -> float:
    if value is None:
        return time.time()
    if isinstance(value, datetime):
        return value.timestamp()
    if isinstance(value, int | float):
        return float(value)
    return datetime.fromisoformat(str(value).replace("Z", "+00:00")).timestamp()
