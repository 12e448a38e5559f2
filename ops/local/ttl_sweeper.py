"""Stand-in for DynamoDB's TTL process (moto never expires items).

Every `interval_seconds`, each region's table is scanned for items whose TTL attribute is in the
past (the real TTL process is a background scan too), and each is deleted with a condition that
it is still expired. The keys it deleted are remembered so the event sources can mark those
REMOVE stream records the way DynamoDB marks TTL deletes
(`userIdentity = {"type": "Service", "principalId": "dynamodb.amazonaws.com"}`), which is what
the TTL archiver's filter looks for. The replicator copies the delete to the other region as a
plain replicated delete, as global tables do.
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

from ops.local.idle import IdleWait, WaitForChange

log = logging.getLogger("ops.local.ttl_sweeper")
TTL_IDENTITY = {"type": "Service", "principalId": "dynamodb.amazonaws.com"}


def key_fingerprint(keys: dict) -> str:
    return json.dumps(keys, sort_keys=True)


class TtlSweeper:
    def __init__(
        self,
        tables: dict[str, tuple[Any, str]],
        ttl_attribute: str,
        key_names: tuple[str, ...],
        interval_seconds: float = 5.0,
        wait_for_change: WaitForChange | None = None,
        idle_cap_seconds: float = 60.0,
    ) -> None:
        self.tables = tables  # label -> (dynamodb client, table name)
        self.ttl_attribute = ttl_attribute
        self.projection = ", ".join(key_names)
        self.interval = interval_seconds
        self.expired = 0
        self.sweeps = 0
        self._last_deleted = 0
        # consumer -> label -> key fingerprint -> deletes not seen yet: every stream consumer (the TTL archiver,
        # the endpoint cleanup...) sees each TTL delete, as each event source mapping gets every record.
        self._marks: dict[str, dict[str, Counter]] = {}
        self._lock = threading.Lock()
        self._stop = threading.Event()
        # An expiry announces itself to nobody: sweep `interval_seconds` after a write, and while nothing is
        # written or expires, at waits doubling up to idle_cap_seconds (DynamoDB itself takes up to days).
        self.idle = IdleWait(
            self._stop, wait_for_change, base=interval_seconds, cap=idle_cap_seconds, min_gap=interval_seconds
        )
        self._thread = threading.Thread(target=self._run, name="ttl-sweeper", daemon=True)

    def start(self) -> TtlSweeper:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=10)

    @property
    def alive(self) -> bool:
        return self._thread.is_alive()

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
        """Delete every expired item now; how many were deleted."""
        now = int(time.time())
        deleted = 0
        for label, (ddb, table) in self.tables.items():
            for keys in self._expired_keys(ddb, table, now):
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
                except ClientError as exc:
                    self._mark(label, keys, -1)
                    if exc.response["Error"]["Code"] != "ConditionalCheckFailedException":
                        raise  # otherwise it was renewed or deleted meanwhile
        self.expired += deleted
        self.sweeps += 1
        return deleted

    def _mark(self, label: str, keys: dict, delta: int) -> None:
        with self._lock:
            for marks in self._marks.values():
                marks[label][key_fingerprint(keys)] += delta

    def _expired_keys(self, ddb: Any, table: str, now: int) -> list[dict]:
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
        with self._lock:
            for consumer in self._marks.values():
                for marks in consumer.values():
                    marks.clear()
        self.expired = 0

    def status(self) -> dict:
        return {"sweeps": self.sweeps, "expired": self.expired, "interval_seconds": self.interval}

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
