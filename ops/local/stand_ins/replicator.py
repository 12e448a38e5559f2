"""Stand-in for S3 replication and DynamoDB global tables (moto has neither).

- S3: each media bucket's notifications (ObjectCreated/ObjectRemoved) go to an SQS queue in its region;
  each event is applied as the bucket's own replication configuration says (the media replication contract,
  read back from the bucket at start: prefix, delete-marker replication, destination), in both directions
  (primary -> DR, and DR -> primary for fail-back). A copy the replicator made is not sent back (S3 marks
  replicas and does not replicate them again; here each write is remembered by key and ETag). No listings.
- DynamoDB: records of both tables' streams are applied to the other table (multi-active).
  Conflicts resolve as in global tables: last writer wins by the stream record's time, ties go to
  the primary. The replicator's own writes come back on the other stream; it recognises them by
  key and image and does not send them back (no ping-pong, no extra attributes on items).

Knobs: pause (nothing is read, so nothing is lost: streams and the queue keep the backlog),
resume (catches up), lag (a change is applied no earlier than its write time + lag), hold (object versions
created under a key prefix are read from the source when their event is applied, as S3 replication reads
them, and kept in flight: they land in the destination only at `release()`, whatever happened to the source
meanwhile, as a version S3 replication had already read lands after the source version is deleted).
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import threading
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Self
from urllib.parse import unquote_plus

from botocore.exceptions import BotoCoreError, ClientError

from ops.local.aws import client
from ops.local.idle import IdleWait
from ops.local.parts import LoopPart
from ops.local.provision import RegionResources
from ops.local.streams import StreamReader

log = logging.getLogger("ops.local.stand_ins.replicator")
IDLE_POLL_SECONDS = 2.0  # first idle wait; then 4x, then the cap (ops/local/idle.py)
IDLE_CAP_SECONDS = 120.0  # idle, look at least this often: writes, the lag knob and region up/resume wake it
RULES_REFRESH_SECONDS = 5.0  # how soon a changed bucket replication configuration takes effect
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
    side: str  # the region whose bucket sent the event
    receipt_handle: str
    records: list[dict]
    written_at: float


@dataclass(frozen=True)
class _BucketRule:
    """An enabled replication rule of one source bucket, as the replicator follows it."""

    prefix: str
    delete_markers: bool
    destination_bucket: str


@dataclass(frozen=True)
class _HeldCopy:
    """An object version read from its source and not yet written to the destination (the hold knob)."""

    side: str  # the destination's region
    bucket: str
    key: str
    body: bytes
    content_type: str
    metadata: dict


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


def wakes_replicator(*regions: RegionResources) -> Callable[[str, str], bool]:
    """The writes the replicator can have work from (the gateway's change signal): table writes (its
    streams), queue messages, and writes to the media buckets (their notifications feed the replication
    queue); not a Firehose delivery to the analytics bucket, nor a Cognito sign-up."""
    media = frozenset(r.media_bucket for r in regions)

    def cares(service: str, resource: str) -> bool:
        return resource in media if service == "s3" else service in ("dynamodb", "sqs")

    return cares


class Replicator(LoopPart):
    """S3 replication and DynamoDB global tables between the two regions (a part of the stack: `ops.local.parts.Part`)."""

    name = "replicator"

    def __init__(
        self,
        endpoint_url: str,
        primary: RegionResources,
        dr: RegionResources,
        replication_queue_url: str,
        wait_for_change: Callable[[int, float], int] | None = None,
    ) -> None:
        super().__init__()
        self.res = {"primary": primary, "dr": dr}
        self.ddb = {side: client("dynamodb", r.region, endpoint_url) for side, r in self.res.items()}
        self.streams = {
            side: client("dynamodbstreams", r.region, endpoint_url) for side, r in self.res.items()
        }
        self.s3 = {side: client("s3", r.region, endpoint_url) for side, r in self.res.items()}
        self.sqs = {side: client("sqs", r.region, endpoint_url) for side, r in self.res.items()}
        self.queue_urls = {side: r.replication_queue_url or "" for side, r in self.res.items()}
        self.queue_urls["primary"] = self.queue_urls["primary"] or replication_queue_url
        self._rules: dict[str, list[_BucketRule]] = {}
        self._rules_read_at = 0.0
        self._object_echoes: Counter = Counter()  # (side, key, etag) of copies this replicator wrote
        self.paused = False
        self.lag_seconds = 0.0
        self.hold_prefix: str | None = None
        self._held: list[_HeldCopy] = []
        self._held_lock = threading.Lock()
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
        # Idle, the replicator sleeps until the AWS endpoint sees a write or a held change is due.
        self.idle = IdleWait(
            self._stop, wait_for_change, base=IDLE_POLL_SECONDS, cap=IDLE_CAP_SECONDS, unwatched=0.05
        )
        self._pool = ThreadPoolExecutor(max_workers=4, thread_name_prefix=f"{self.name}-copy")
        self.crashed: str | None = None

    # ---- lifecycle and knobs -------------------------------------------------------------
    def start(self) -> Self:
        self._seek_latest()
        self._refresh_rules()
        return super().start()

    def _refresh_rules(self) -> None:
        """Follow the buckets' replication configuration as it is now (a removed rule stops replicating)."""
        for side in _SIDES:
            try:
                self._rules[side] = self._read_rules(side)
            except (ClientError, BotoCoreError, OSError) as exc:  # a dark region keeps its last known rules
                self._note_error(side, exc)
        self._rules_read_at = time.monotonic()

    def _read_rules(self, side: str) -> list[_BucketRule]:
        """The source bucket's replication configuration, as S3 would apply it (enabled rules only)."""
        try:
            config = self.s3[side].get_bucket_replication(Bucket=self.res[side].media_bucket)
        except ClientError as exc:
            if exc.response["Error"]["Code"] == "ReplicationConfigurationNotFoundError":
                return []
            raise
        rules = []
        for rule in config["ReplicationConfiguration"].get("Rules", []):
            if rule.get("Status") != "Enabled":
                continue
            prefix = rule.get("Prefix", (rule.get("Filter") or {}).get("Prefix", "")) or ""
            rules.append(
                _BucketRule(
                    prefix=prefix,
                    delete_markers=(rule.get("DeleteMarkerReplication") or {}).get("Status") == "Enabled",
                    destination_bucket=rule["Destination"]["Bucket"].rsplit(":::", 1)[-1],
                )
            )
        return rules

    def stop(self) -> None:
        super().stop()
        self._pool.shutdown(wait=False, cancel_futures=True)

    def pause(self) -> None:
        with self._cycle_lock:  # returns once the cycle in flight has finished
            self.paused = True

    def resume(self) -> None:
        self.paused = False

    def held(self) -> threading.Lock:
        """A context manager: while it is held no cycle runs (the stack's reset trims the streams under it)."""
        return self._cycle_lock

    def last_read(self, side: str) -> int | None:
        """The sequence number of the last record read from `side`'s table stream (None: none yet)."""
        return self._readers[side].last_read()

    def set_lag(self, seconds: float) -> None:
        if not 0 <= seconds <= MAX_LAG_SECONDS:
            raise ValueError(f"lag must be between 0 and {MAX_LAG_SECONDS} seconds")
        self.lag_seconds = float(seconds)

    def hold(self, prefix: str) -> None:
        """Keep copies of object versions created under `prefix` in flight (read, not written) until
        `release()`; an empty prefix is refused (it would hold every object)."""
        if not prefix:
            raise ValueError("hold needs a key prefix")
        self.hold_prefix = prefix

    def release(self) -> int:
        """Stop holding and land every held copy in its destination now; how many landed."""
        self.hold_prefix = None
        with self._held_lock:
            held, self._held = self._held, []
        for copy in held:
            written = self.s3[copy.side].put_object(
                Bucket=copy.bucket,
                Key=copy.key,
                Body=copy.body,
                ContentType=copy.content_type,
                Metadata=copy.metadata,
            )
            self._object_echoes[(copy.side, copy.key, written.get("ETag", "").strip('"'))] += 1
        self.stats.objects_applied += len(held)
        return len(held)

    def reset(self) -> None:
        """Forget everything in flight and start from the streams' ends (used between tests)."""
        with self._cycle_lock:
            self.hold_prefix = None
            with self._held_lock:
                self._held.clear()
            self._pending_items.clear()
            self._pending_objects.clear()
            self._echoes.clear()
            self._object_echoes.clear()
            self._last_local_write.clear()
            self._seek_latest()
            self.paused = False
            self.lag_seconds = 0.0
            self.stats = ReplicationStats()

    def backlog(self) -> tuple[int | None, int | None]:
        """Changes written but not yet applied: (items, objects), counting what was not even read yet
        (while paused nothing is read). None where the count cannot be taken (a region is dark)."""
        items: int | None = len(self._pending_items)
        objects: int | None = len(self._pending_objects)
        with self._cycle_lock:  # not while a cycle moves records from the sources to the buffers
            try:
                items = len(self._pending_items) + sum(r.backlog() for r in self._readers.values())
            except (ClientError, BotoCoreError, OSError):
                items = None
            try:
                # Messages held for the lag knob are in flight (invisible) and already counted as pending.
                in_queues = sum(
                    int(
                        self.sqs[side].get_queue_attributes(
                            QueueUrl=url, AttributeNames=["ApproximateNumberOfMessages"]
                        )["Attributes"]["ApproximateNumberOfMessages"]
                    )
                    for side, url in self.queue_urls.items()
                    if url
                )
                objects = len(self._pending_objects) + in_queues
            except (ClientError, BotoCoreError, OSError):
                objects = None
        return items, objects

    def status(self) -> dict:
        pending_items, pending_objects = self.backlog()
        return {
            "healthy": self.alive,
            "crashed": self.crashed,
            "paused": self.paused,
            "lag_seconds": self.lag_seconds,
            "hold_prefix": self.hold_prefix,
            "held_objects": len(self._held),
            "pending_items": pending_items,
            "pending_objects": pending_objects,
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
                if busy:
                    self.idle.busy()
                else:
                    self.idle.after(busy=False, due_in=self._due_in())
        except BaseException as exc:  # the status endpoint reports a dead replicator
            self.crashed = f"{type(exc).__name__}: {exc}"
            log.exception("replicator crashed")
            raise

    def _due_in(self) -> float | None:
        """Seconds until the next held change is due (lag knob), or None when nothing is held."""
        pending = [c.written_at for c in self._pending_items] + [m.written_at for m in self._pending_objects]
        if pending and not self.paused:
            return max(0.01, min(pending) + self.lag_seconds - time.time())
        return None

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
        if time.monotonic() - self._rules_read_at > RULES_REFRESH_SECONDS:
            self._refresh_rules()
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
            try:
                records = self._readers[side].read()
            except (ClientError, BotoCoreError, OSError) as exc:  # that region is dark: read it later
                self._note_error(side, exc)
                continue
            for record in records:
                count += 1
                self._observe(side, record)
        return count

    def _note_error(self, side: str, exc: Exception) -> None:
        self.stats.errors += 1
        self.stats.last_error = f"{side}: {type(exc).__name__}: {exc}"

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
        """Apply the due changes to the other region; a region that cannot be written (it is dark) keeps
        its changes pending, in order, until it can (nothing is dropped)."""
        if not self._pending_items:
            return 0
        cutoff = time.time() - self.lag_seconds
        due = [c for c in self._pending_items if c.written_at <= cutoff]
        if not due:
            return 0
        applied = 0
        kept: list[_ItemChange] = []
        for target in _SIDES:
            changes = [c for c in due if c.side != target]  # written on the other side, applied here
            if not changes:
                continue
            try:
                applied += self._apply_to(target, changes)
            except (ClientError, BotoCoreError, OSError) as exc:
                self._note_error(target, exc)
                kept += changes
        self._pending_items = kept + [c for c in self._pending_items if c.written_at > cutoff]
        return applied

    def _apply_to(self, target: str, changes: list[_ItemChange]) -> int:
        latest: dict[str, _ItemChange] = {}
        for change in changes:  # only the last change of a key matters for the replica's final state
            latest[change.key] = change
        puts: list[tuple[str, dict]] = []
        for key, change in latest.items():
            if (change.written_at, _TIE_RANK[change.side]) < self._last_local_write.get(
                (target, key), (0.0, 0)
            ):
                self.stats.conflicts_lost += 1  # the target region wrote later: last writer wins
                continue
            if change.new_image is None:
                old = self.ddb[target].delete_item(
                    TableName=self.res[target].table_name, Key=change.keys, ReturnValues="ALL_OLD"
                )
                if old.get("Attributes"):  # deleting nothing writes no stream record, so expect no echo
                    self._expect_echo(target, key, None)
            else:
                puts.append((key, change.new_image))
            self.stats.last_lag_seconds = round(time.time() - change.written_at, 3)
        for start in range(0, len(puts), 25):
            batch = puts[start : start + 25]
            self._batch_put(target, [image for _, image in batch])
            for key, image in batch:  # after the write: an echo can only be read in a later cycle
                self._expect_echo(target, key, image)
        self.stats.items_applied += len(latest)
        return len(changes)

    def _batch_put(self, side: str, items: list[dict]) -> None:
        requests = {self.res[side].table_name: [{"PutRequest": {"Item": item}} for item in items]}
        while requests:
            requests = self.ddb[side].batch_write_item(RequestItems=requests).get("UnprocessedItems") or {}

    def _expect_echo(self, side: str, key: str, image: dict | None) -> None:
        self._echoes.setdefault((side, key), Counter())[_image_hash(image)] += 1

    # ---- S3 -----------------------------------------------------------------------------
    def _fetch_objects(self) -> int:
        count = 0
        for side in _SIDES:
            url = self.queue_urls.get(side)
            if not url:
                continue
            try:
                count += self._fetch_queue(side, url)
            except (ClientError, BotoCoreError, OSError) as exc:  # that region is dark: the other goes on
                self.stats.errors += 1
                self.stats.last_error = f"{side}: {type(exc).__name__}: {exc}"
        return count

    def _fetch_queue(self, side: str, url: str) -> int:
        count = 0
        while count < 500:
            messages = (
                self.sqs[side]
                .receive_message(QueueUrl=url, MaxNumberOfMessages=10, WaitTimeSeconds=0)
                .get("Messages", [])
            )
            if not messages:
                break
            for message in messages:
                count += 1
                body = json.loads(message["Body"])
                records = body.get("Records") or []  # the s3:TestEvent has none
                written_at = min((_epoch(r.get("eventTime")) for r in records), default=0.0)
                self._pending_objects.append(
                    _ObjectMessage(side, message["ReceiptHandle"], records, written_at)
                )
        return count

    def _apply_objects(self) -> int:
        cutoff = time.time() - self.lag_seconds
        due = 0
        while due < len(self._pending_objects) and self._pending_objects[due].written_at <= cutoff:
            due += 1
        if not due:
            return 0
        messages = self._pending_objects[:due]
        # One key's events stay in order; different keys copy in parallel.
        by_key: dict[tuple[str, str], list[dict]] = {}
        for message in messages:
            for record in message.records:
                by_key.setdefault((message.side, record["s3"]["object"]["key"]), []).append(record)
        # map() re-raises the first failure: the messages then stay pending and are retried next cycle.
        copied = sum(
            self._pool.map(lambda item: self._apply_object_records(item[0][0], item[1]), by_key.items())
        )
        for side in _SIDES:
            handles = [m.receipt_handle for m in messages if m.side == side]
            for start in range(0, len(handles), 10):
                self.sqs[side].delete_message_batch(
                    QueueUrl=self.queue_urls[side],
                    Entries=[
                        {"Id": str(i), "ReceiptHandle": h} for i, h in enumerate(handles[start : start + 10])
                    ],
                )
        del self._pending_objects[:due]
        self.stats.objects_applied += copied
        newest = max((_epoch(r.get("eventTime")) for m in messages for r in m.records), default=None)
        if newest is not None:
            self.stats.last_lag_seconds = round(time.time() - newest, 3)
        return due

    def _apply_object_records(self, side: str, records: list[dict]) -> int:
        return sum(self._apply_object_record(side, record) for record in records)

    def _apply_object_record(self, side: str, record: dict) -> int:
        """Apply one bucket event as that bucket's replication rule says; 1 when something was written."""
        key = unquote_plus(record["s3"]["object"]["key"])
        etag = record["s3"]["object"].get("eTag", "")
        echo = (side, key, etag)
        if self._object_echoes[echo] > 0:  # a copy this replicator made: S3 does not replicate replicas
            self._object_echoes[echo] -= 1
            return 0
        rule = next((r for r in self._rules.get(side, []) if key.startswith(r.prefix)), None)
        if rule is None:
            return 0
        other = "dr" if side == "primary" else "primary"
        source, target = self.res[side].media_bucket, rule.destination_bucket
        event = record["eventName"]
        if event.startswith("ObjectRemoved:DeleteMarkerCreated"):
            if not rule.delete_markers:
                return 0
            self.s3[other].delete_object(Bucket=target, Key=key)  # a delete marker there too
            self._object_echoes[(other, key, "")] += 1
            return 1
        if event.startswith("ObjectRemoved"):
            return 0  # deleting a version is not replicated (S3 replicates delete markers only)
        try:
            obj = self.s3[side].get_object(Bucket=source, Key=key)
        except ClientError as exc:
            if exc.response["Error"]["Code"] in ("NoSuchKey", "404"):
                return 0  # deleted since; its delete marker event follows
            raise
        body = obj["Body"].read()
        content_type, metadata = obj.get("ContentType", "binary/octet-stream"), obj.get("Metadata", {})
        if self.hold_prefix is not None and key.startswith(self.hold_prefix):
            with self._held_lock:
                self._held.append(_HeldCopy(other, target, key, body, content_type, metadata))
            return 0
        written = self.s3[other].put_object(
            Bucket=target, Key=key, Body=body, ContentType=content_type, Metadata=metadata
        )
        self._object_echoes[(other, key, written.get("ETag", "").strip('"'))] += 1
        return 1


def _epoch(value: Any) -> float:
    if value is None:
        return time.time()
    if isinstance(value, datetime):
        return value.timestamp()
    if isinstance(value, int | float):
        return float(value)
    return datetime.fromisoformat(str(value).replace("Z", "+00:00")).timestamp()
