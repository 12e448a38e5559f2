"""Stand-in for DynamoDB's TTL process (moto never expires items).

Every `interval_seconds`, each region's table is scanned for items whose TTL attribute is in the
past (the real TTL process is a background scan too), and each is deleted with a condition that
it is still expired. The REMOVE stream record of each such delete then carries DynamoDB's service
identity, as DynamoDB marks TTL deletes (backend_core.ttl_removal: `STREAM_IDENTITY` in GetRecords,
`LAMBDA_EVENT_IDENTITY` in a Lambda event): the record is
marked in the emulator's stream itself (moto runs in this process) once the delete has returned, so every
reader sees it as in AWS (the audit's reconciliation reads the stream). The event sources, which may read
the record before that, also get a mark per consumer taken before the delete. The replicator copies the
delete to the other region as a plain replicated delete (no identity), as global tables do.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections import Counter
from collections.abc import Callable
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from backend_core.ttl_removal import STREAM_IDENTITY
from ops.local.idle import IdleWait, WaitForChange
from ops.local.parts import LoopPart

log = logging.getLogger("ops.local.stand_ins.ttl_sweeper")


def key_fingerprint(keys: dict) -> str:
    return json.dumps(keys, sort_keys=True)


def wakes_ttl_sweeper(service: str, resource: str) -> bool:
    """Only a table write can bring an item with a TTL (the gateway's change signal)."""
    return service == "dynamodb"


class TtlSweeper(LoopPart):
    """DynamoDB TTL: expires items past their TTL attribute in each region's table (a part of the stack: `ops.local.parts.Part`)."""

    name = "ttl_sweeper"

    def __init__(
        self,
        tables: dict[str, tuple[Any, str]],
        ttl_attribute: str,
        key_names: tuple[str, ...],
        interval_seconds: float = 5.0,
        in_process: bool = True,
        wait_for_change: WaitForChange | None = None,
        idle_cap_seconds: float = 60.0,
    ) -> None:
        super().__init__()
        self.tables = tables  # label -> (dynamodb client, table name)
        self.ttl_attribute = ttl_attribute
        self.projection = ", ".join(key_names)
        self.interval = interval_seconds
        self.in_process = in_process  # moto runs in this process: mark its stream records
        self.expired = 0
        self.sweeps = 0
        self._last_deleted = 0
        # consumer -> label -> key fingerprint -> deletes not seen yet: every stream consumer (the TTL archiver,
        # the endpoint cleanup...) sees each TTL delete, as each event source mapping gets every record.
        self._marks: dict[str, dict[str, Counter]] = {}
        self._lock = threading.Lock()
        # An expiry announces itself to nobody: sweep `interval_seconds` after a write, and while nothing is
        # written or expires, after waits of base, 4 x base, then idle_cap_seconds (DynamoDB itself takes up to days).
        self.idle = IdleWait(
            self._stop, wait_for_change, base=interval_seconds, cap=idle_cap_seconds, min_gap=interval_seconds
        )

    def register(self, consumer: str) -> Callable[[str, dict], bool]:
        """A check for one stream consumer: true once per key this sweeper deleted in a region's table."""
        with self._lock:
            marks = self._marks.setdefault(consumer, {label: Counter() for label in self.tables})

        def is_ttl_delete(label: str, keys: dict) -> bool:
            fingerprint = key_fingerprint(keys)
            with self._lock:
                if marks[label][fingerprint] > 0:
                    marks[label][fingerprint] -= 1
                    return True
            return False

        return is_ttl_delete

    def sweep(self) -> int:
        """Delete every expired item now; how many were deleted. Each region's TTL runs on its own: a region
        that does not answer (the outage knob) is skipped, the other is swept."""
        now = int(time.time())
        deleted = 0
        for label, (ddb, table) in self.tables.items():
            try:
                expired = self._expired_keys(ddb, table, now)
            except (ClientError, BotoCoreError) as exc:
                log.warning("TTL sweep of %s skipped: %s", label, exc)
                continue
            for keys in expired:
                self._mark(label, keys, +1)  # first: the stream record may be read before delete_item returns
                try:
                    ddb.delete_item(
                        TableName=table,
                        Key=keys,
                        ConditionExpression="#ttl < :now",
                        ExpressionAttributeNames={"#ttl": self.ttl_attribute},
                        ExpressionAttributeValues={":now": {"N": str(now)}},
                    )
                    deleted += 1
                    with self._lock:  # counted as it happens: a status read during a sweep sees it
                        self.expired += 1
                    if self.in_process:
                        mark_ttl_removal(ddb.meta.region_name, table, keys)
                except ClientError as exc:
                    self._mark(label, keys, -1)
                    if exc.response["Error"]["Code"] != "ConditionalCheckFailedException":
                        raise  # otherwise it was renewed or deleted meanwhile
        with self._lock:  # the background loop and `POST /ttl/sweep` may sweep at once
            self.sweeps += 1
        return deleted

    def _mark(self, label: str, keys: dict, delta: int) -> None:
        with self._lock:
            for marks in self._marks.values():
                marks[label][key_fingerprint(keys)] += delta

    def _expired_keys(self, ddb: Any, table: str, now: int) -> list[dict]:
        """The keys of the items whose TTL attribute (a Number) is below `now`, in DynamoDB's JSON. With moto in
        this process the table is read directly, after a one-item Scan that fails as the region fails (the
        outage knob): a Scan of the whole table through moto holds every other DynamoDB request for seconds once
        it has tens of thousands of items (`benchmarks/broadcast_bench.py`, py-spy), every `interval_seconds`."""
        if self.in_process:
            ddb.scan(
                TableName=table, Limit=1, ProjectionExpression=self.projection
            )  # raises as the region does
            found = expired_in_process(ddb.meta.region_name, table, self.ttl_attribute, self.projection, now)
            if found is not None:
                return found
        keys: list[dict] = []
        kwargs: dict[str, Any] = {
            "TableName": table,
            "FilterExpression": "#ttl < :now",
            "ProjectionExpression": self.projection,
            "ExpressionAttributeNames": {"#ttl": self.ttl_attribute},
            "ExpressionAttributeValues": {":now": {"N": str(now)}},
        }
        while True:
            page = ddb.scan(**kwargs)
            keys += page["Items"]
            if "LastEvaluatedKey" not in page:
                return keys
            kwargs["ExclusiveStartKey"] = page["LastEvaluatedKey"]

    def reset(self) -> None:
        """Forget every TTL delete (the stack's reset empties the archive they were written to): the marks,
        and DynamoDB's identity on the stream records of earlier TTL deletes, which read as plain deletes
        from then on, so a reset stack reconciles (`ops audit lifecycle`) as a fresh one does."""
        with self._lock:
            for consumer in self._marks.values():
                for marks in consumer.values():
                    marks.clear()
            self.expired = 0
        if self.in_process:
            for ddb, table in self.tables.values():
                forget_ttl_removals(ddb.meta.region_name, table)

    def status(self) -> dict:
        return {
            "healthy": self.alive,
            "sweeps": self.sweeps,
            "expired": self.expired,
            "interval_seconds": self.interval,
        }

    def _run(self) -> None:
        while True:
            self.idle.after(busy=self._last_deleted > 0)
            if self._stop.is_set():
                return
            try:
                self._last_deleted = self.sweep()
            except (ClientError, BotoCoreError, OSError) as exc:
                if not self._stop.is_set():
                    log.warning("TTL sweep failed: %s", exc)


def _stream_shard(region: str, table: str) -> Any:
    from moto.dynamodb.models import dynamodb_backends

    from ops.local.config import ACCOUNT_ID

    found = dynamodb_backends[ACCOUNT_ID][region].tables.get(table)
    return getattr(found, "stream_shard", None)


def expired_in_process(
    region: str, table: str, ttl_attribute: str, projection: str, now: int
) -> list[dict] | None:
    """What `_expired_keys`' Scan answers (`projection`: the key names, comma-separated), read from the
    emulator's table in this process; None when moto has no such table. Each partition is copied in one step
    (a dict copy runs without yielding to another thread), so a concurrent write never breaks the read."""
    from moto.dynamodb.models import dynamodb_backends

    from ops.local.config import ACCOUNT_ID

    found = dynamodb_backends[ACCOUNT_ID][region].tables.get(table)
    if found is None:
        return None
    names = [n.strip() for n in projection.split(",")]
    keys: list[dict] = []
    for partition in list(found.items.values()):
        for item in list(partition.values()) if isinstance(partition, dict) else [partition]:
            expiry = item.attrs.get(ttl_attribute)
            if expiry is None or expiry.type != "N" or float(expiry.value) >= now:
                continue
            keys.append({n: item.attrs[n].to_json() for n in names if n in item.attrs})
    return keys


def forget_ttl_removals(region: str, table: str) -> int:
    """Take DynamoDB's TTL identity off every record of the emulator's stream; how many had it."""
    shard = _stream_shard(region, table)
    forgotten = 0
    for stream_record in list(getattr(shard, "items", [])):
        if stream_record.record.pop("userIdentity", None) is not None:
            forgotten += 1
    return forgotten


def mark_ttl_removal(region: str, table: str, keys: dict) -> bool:
    """Give the newest REMOVE record of `keys` in the emulator's stream DynamoDB's TTL identity; whether one
    was found. DynamoDB requests are serialized by the gateway, so the delete's record is the last one of
    those keys once delete_item has returned."""
    shard = _stream_shard(region, table)
    if shard is None:
        return False
    for stream_record in reversed(shard.items):
        record = stream_record.record
        if record["eventName"] == "REMOVE" and record["dynamodb"]["Keys"] == keys:
            record.setdefault("userIdentity", dict(STREAM_IDENTITY))
            return True
    return False
