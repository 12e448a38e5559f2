"""Data access for cross-device sync: versioned items, tombstones and a change feed that two regions write.

The table is a global table: both regions take writes and replication is asynchronous, with last writer
wins per item. So nothing here relies on a write made in one region being checked in the other:

- Copies per region. Each region writes only its own copy of an item (`ITEM#<collection>#<id>#<region>`),
  so replication never overwrites a region's write. The item a client sees is the merge of the copies:
  the copy with the highest (version, updated_at, region) wins, the same rule in every region.
- A change log per region. Each change a region commits takes the next number of that region's counter
  (`SYNCSEQ#<region>`, written only there) and appends a log record (`SYNCLOG#<user>#<region>`, one per
  number) in the same transaction, so each region's log has no gaps where it was written. A replica may
  receive records out of order; a reader serves a region's log only up to its first missing number, and
  only records whose copy has arrived, so a cursor never moves past a change it could not see.
- The feed answers the merged item as it is now (not the change's snapshot), so every device that has read
  every log record ends with the same items: the merged state after replication settles.

A cursor is a position per region: {region: last seq served}. The access patterns and the guarantees are
written down in backend_core/README.md.
"""

from __future__ import annotations

import heapq
import json
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from botocore.exceptions import ClientError

from backend_core import item_keys
from backend_core.ddb import TableAccess, from_ddb, to_ddb, values
from backend_core.table_design import TABLE_DESIGN

MAX_ATTEMPTS = 8  # concurrent writers of one user race for the region's counter; retry that race only
BATCH_GET_KEYS = 100  # BatchGetItem's limit


class VersionConflict(Exception):
    """The write's expected version is not the server's; `current` is the server's item (or None)."""

    def __init__(self, current: SyncItem | None) -> None:
        super().__init__("version conflict")
        self.current = current


class NotFound(Exception):
    """No live item to delete."""


class ItemTooLarge(Exception):
    """The item would exceed what the table holds in one item."""

    def __init__(self, size: int, limit: int) -> None:
        super().__init__(f"item of {size} bytes exceeds the table's {limit}-byte item limit")
        self.size, self.limit = size, limit


class ConcurrentWriters(Exception):
    """Too many writers raced for the same user's counter; the client may retry."""


@dataclass(frozen=True)
class SyncItem:
    """One region's copy of an item, or the merged item a client sees (the winning copy)."""

    collection: str
    item_id: str
    origin: str  # the region that wrote this copy
    data: dict[str, Any] | None  # None for a tombstone
    version: int
    updated_at: str  # ISO-8601 UTC, fixed width
    deleted: bool
    seq: int  # the origin region's change number of this copy's latest change

    @property
    def stamp(self) -> tuple[int, str, str]:
        """The merge order: more history wins, then the later write, then the region name (a tie-break
        every region computes alike)."""
        return (self.version, self.updated_at, self.origin)


@dataclass(frozen=True)
class SyncChange:
    """A position in the feed (origin region, seq) and the item as it is now in this region."""

    origin: str
    seq: int
    item: SyncItem


@dataclass(frozen=True)
class ChangePage:
    """One page of a user's change feed, oldest first, and the cursor to read on from."""

    changes: list[SyncChange]
    cursor: dict[str, int]  # region -> last seq served (the next call passes it back)
    has_more: bool  # more changes can be read right now (not: changes still replicating)


# Given the merged item (None: never written), answer (new version, data, deleted) or raise.
Decide = Callable[["SyncItem | None"], tuple[int, dict[str, Any] | None, bool]]


@dataclass
class _Read:
    """What one read of a user's items found: {(collection, id): {origin: copy}} and this region's counter
    (0 before the region's first change)."""

    copies: dict[tuple[str, str], dict[str, SyncItem]] = field(default_factory=dict)
    counter: int = 0


def merge(copies: list[SyncItem]) -> SyncItem | None:
    return max(copies, key=lambda c: c.stamp) if copies else None


def item_size(item: dict[str, Any]) -> int:
    """DynamoDB's size of an item (attribute names + values), counted as the emulator counts it: an upper
    bound of DynamoDB's own count (numbers take len(str(n)) bytes here, at most 21 there)."""
    total = 0
    for name, value in item.items():
        total += len(name.encode())
        if isinstance(value, bool) or value is None:
            total += 1
        elif isinstance(value, int | float):
            total += len(str(value))
        else:
            total += len(str(value).encode())
    return total


def _copy_of(raw: dict[str, Any]) -> SyncItem:
    return SyncItem(
        collection=raw["collection"],
        item_id=raw["item_id"],
        origin=raw["origin"],
        data=json.loads(raw["data_json"]) if raw.get("data_json") else None,
        version=int(raw["version"]),
        updated_at=raw["updated_at"],
        deleted=bool(raw.get("deleted", False)),
        seq=int(raw["seq"]),
    )


class SyncStore(TableAccess):
    """Sync items of every user in one region. `regions` are all regions that take writes (the order does
    not matter); `region` is the one this store writes in. Every read of copies (and so every write, which
    reads first) may raise ddb.BatchIncomplete: DynamoDB kept keys of a BatchGetItem unprocessed throughout."""

    def __init__(self, dynamodb_client: Any, table_name: str, region: str, regions: tuple[str, ...]) -> None:
        if region not in regions:
            raise ValueError(f"region {region} is not one of the sync regions {regions}")
        super().__init__(dynamodb_client, table_name)
        self.region, self.regions = region, tuple(regions)
        self.max_item_bytes = TABLE_DESIGN.max_item_bytes

    # ---- reads -----------------------------------------------------------------------------------------
    def get(self, user_id: str, collection: str, item_id: str) -> SyncItem | None:
        """The merged item (tombstones included), strongly consistent in this region."""
        copies = self._copies(user_id, [(collection, item_id)]).copies
        return merge(list(copies.get((collection, item_id), {}).values()))

    def get_many(self, user_id: str, collection: str, item_ids: list[str]) -> dict[str, SyncItem]:
        """{item_id: merged item} for those of `item_ids` that have any copy in this region (tombstones
        included); strongly consistent, BatchGetItem in chunks of 100 keys."""
        copies = self._copies(user_id, [(collection, i) for i in item_ids]).copies
        merged = {key[1]: merge(list(by_origin.values())) for key, by_origin in copies.items()}
        return {item_id: item for item_id, item in merged.items() if item is not None}

    def _copies(self, user_id: str, items: list[tuple[str, str]], with_counter: bool = False) -> _Read:
        """Every region's copy of the given items, and this region's counter of the user when asked for;
        consistent BatchGetItem calls of up to 100 keys (TableAccess._batch_get: unprocessed keys asked again
        with backoff). Raises BatchIncomplete when DynamoDB keeps keys unprocessed through every retry."""
        counter_key = item_keys.sync_counter(user_id, self.region)
        wanted = [item_keys.sync_copy(user_id, c, i, o) for c, i in items for o in self.regions]
        if with_counter:
            wanted.append(counter_key)
        found = _Read()
        for start in range(0, len(wanted), BATCH_GET_KEYS):
            chunk = [to_ddb(k) for k in wanted[start : start + BATCH_GET_KEYS]]
            for row in self._batch_get(chunk, ConsistentRead=True):
                if item_keys.is_sync_copy(row["SK"]):
                    copy = _copy_of(row)
                    found.copies.setdefault((copy.collection, copy.item_id), {})[copy.origin] = copy
                elif row["SK"] == counter_key["SK"]:
                    found.counter = int(row["seq"])
        return found

    # ---- writes ----------------------------------------------------------------------------------------
    def put(
        self,
        user_id: str,
        collection: str,
        item_id: str,
        data: dict[str, Any],
        expected: int | None,
        now: str,
    ) -> SyncItem:
        """Create (expected None) or update (expected = the version the device saw) an item.

        Raises VersionConflict (a live item exists on create, or the version is stale), ItemTooLarge,
        ConcurrentWriters."""
        data_json = json.dumps(
            data, separators=(",", ":"), sort_keys=True, ensure_ascii=False, allow_nan=False
        )

        def decide(current: SyncItem | None) -> tuple[int, dict[str, Any] | None, bool]:
            if expected is None:
                if current is not None and not current.deleted:
                    raise VersionConflict(current)  # create on a live item
                return (current.version if current else 0) + 1, data, False
            if current is None or current.version != expected:
                raise VersionConflict(current)
            return expected + 1, data, False

        return self._write(user_id, collection, item_id, now, decide, data_json)

    def delete(self, user_id: str, collection: str, item_id: str, expected: int | None, now: str) -> SyncItem:
        """Leave a tombstone. Raises NotFound (nothing live to delete), VersionConflict, ConcurrentWriters."""

        def decide(current: SyncItem | None) -> tuple[int, dict[str, Any] | None, bool]:
            if current is None or current.deleted:
                raise NotFound(f"{collection}/{item_id}")
            if expected is not None and current.version != expected:
                raise VersionConflict(current)
            return current.version + 1, None, True

        return self._write(user_id, collection, item_id, now, decide, None)

    def _write(
        self, user_id: str, collection: str, item_id: str, now: str, decide: Decide, data_json: str | None
    ) -> SyncItem:
        """Read the copies and this region's counter, decide, then commit the copy, the counter and the log
        record in one transaction conditioned on everything read; retry when another writer got in first."""
        counter_key = item_keys.sync_counter(user_id, self.region)
        for _ in range(MAX_ATTEMPTS):
            found = self._copies(user_id, [(collection, item_id)], with_counter=True)
            copies = found.copies.get((collection, item_id), {})
            version, _data, deleted = decide(merge(list(copies.values())))
            seq = found.counter + 1
            own = SyncItem(collection, item_id, self.region, _data, version, now, deleted, seq)
            row = {
                **item_keys.sync_copy(user_id, collection, item_id, self.region),
                "collection": collection,
                "item_id": item_id,
                "origin": self.region,
                "data_json": data_json if not deleted else None,
                "version": version,
                "updated_at": now,
                "deleted": deleted,
                "seq": seq,
            }
            size = item_size({k: v for k, v in row.items() if v is not None})
            if size > self.max_item_bytes:
                raise ItemTooLarge(size, self.max_item_bytes)
            try:
                self.db.transact_write_items(
                    # The SDK retries a transaction that timed out; the token makes the retry a no-op
                    # instead of a conflict with itself (DynamoDB keeps it for 10 minutes).
                    ClientRequestToken=uuid.uuid4().hex,
                    TransactItems=[
                        self._advance_counter(counter_key, seq),
                        self._put_copy(row, copies.get(self.region)),
                        *(
                            self._unchanged(user_id, collection, item_id, o, copies.get(o))
                            for o in self.regions
                            if o != self.region
                        ),
                        self._append_log(user_id, collection, item_id, seq, now),
                    ],
                )
                return merge([*(c for o, c in copies.items() if o != self.region), own]) or own
            except ClientError as exc:
                error = exc.response.get("Error", {})
                reasons = exc.response.get("CancellationReasons") or []
                refused = [r for r in reasons if r.get("Code") == "ValidationError"]
                text = " ".join([error.get("Message", ""), *(r.get("Message", "") for r in refused)]).lower()
                if error.get("Code") == "ValidationException" or refused:
                    if "size" in text:  # the table's own limit, stricter than our count (the emulator's)
                        raise ItemTooLarge(size, self.max_item_bytes) from exc
                    raise
                if error.get("Code") != "TransactionCanceledException":
                    raise
                # A condition failed (another writer moved the counter or a copy) or the transaction
                # collided: read again and decide again (which may now be a conflict).
                continue
        raise ConcurrentWriters(f"could not commit {collection}/{item_id}: too many concurrent writers")

    def _advance_counter(self, counter_key: dict[str, str], seq: int) -> dict[str, Any]:
        update: dict[str, Any] = {
            "TableName": self.table,
            "Key": to_ddb(counter_key),
            "UpdateExpression": "SET seq = :new",
            "ExpressionAttributeValues": values(new=seq),
        }
        if seq == 1:
            update["ConditionExpression"] = "attribute_not_exists(PK)"
        else:
            update["ConditionExpression"] = "seq = :old"
            update["ExpressionAttributeValues"].update(values(old=seq - 1))
        return {"Update": update}

    def _put_copy(self, row: dict[str, Any], previous: SyncItem | None) -> dict[str, Any]:
        put: dict[str, Any] = {"TableName": self.table, "Item": to_ddb(row)}
        if previous is None:
            put["ConditionExpression"] = "attribute_not_exists(PK)"
        else:
            put["ConditionExpression"] = "seq = :seen"
            put["ExpressionAttributeValues"] = values(seen=previous.seq)
        return {"Put": put}

    def _unchanged(
        self, user_id: str, collection: str, item_id: str, origin: str, seen: SyncItem | None
    ) -> dict[str, Any]:
        """The other regions' copies must still be as read (narrows a cross-region race to the replication
        lag; the merge rule settles what remains)."""
        check: dict[str, Any] = {
            "TableName": self.table,
            "Key": to_ddb(item_keys.sync_copy(user_id, collection, item_id, origin)),
        }
        if seen is None:
            check["ConditionExpression"] = "attribute_not_exists(PK)"
        else:
            check["ConditionExpression"] = "seq = :seen"
            check["ExpressionAttributeValues"] = values(seen=seen.seq)
        return {"ConditionCheck": check}

    def _append_log(self, user_id: str, collection: str, item_id: str, seq: int, now: str) -> dict[str, Any]:
        record = {
            **item_keys.sync_log(user_id, self.region, seq),
            "collection": collection,
            "item_id": item_id,
            "seq": seq,
            "updated_at": now,
        }
        return {
            "Put": {
                "TableName": self.table,
                "Item": to_ddb(record),
                "ConditionExpression": "attribute_not_exists(PK)",
            }
        }

    # ---- the feed --------------------------------------------------------------------------------------
    def changes(self, user_id: str, cursor: dict[str, int], limit: int) -> ChangePage:
        """Changes after `cursor`, oldest first across regions, at most `limit`.

        Per region, the log is read from the cursor on and served only while it is gap-free and each
        record's copy has arrived here: a change still replicating stops that region's part of the page
        (it is served on a later call), never skipped. Each change carries the merged item as it is now; an
        item changed several times in the page appears once, at its last change."""
        runs: dict[str, list[dict[str, Any]]] = {}
        full: dict[str, bool] = {}
        for origin in self.regions:
            after = cursor.get(origin, 0)
            out = self.db.query(
                TableName=self.table,
                KeyConditionExpression="PK = :pk AND SK > :after",
                ExpressionAttributeValues=values(
                    pk=item_keys.sync_log_pk(user_id, origin), after=item_keys.seq_key(after)
                ),
                ConsistentRead=True,
                Limit=limit,
            )
            records = [from_ddb(r) for r in out.get("Items", [])]
            run = []
            for expected_seq, record in enumerate(records, start=after + 1):
                if int(record["seq"]) != expected_seq:
                    break  # a gap: that change has not replicated here yet
                run.append(record)
            runs[origin] = run
            full[origin] = len(run) == len(records) and "LastEvaluatedKey" in out
        wanted = sorted({(r["collection"], r["item_id"]) for run in runs.values() for r in run})
        copies = self._copies(user_id, wanted).copies if wanted else {}
        for origin, run in runs.items():
            for index, record in enumerate(run):
                arrived = copies.get((record["collection"], record["item_id"]), {}).get(origin)
                if arrived is None or arrived.seq < int(record["seq"]):
                    del run[index:]  # the log record came before its copy: wait for the copy
                    full[origin] = False
                    break
        # Oldest first across regions: always take the earliest head, so each region's part is a prefix.
        heads = [(run[0]["updated_at"], origin, 0) for origin, run in runs.items() if run]
        heapq.heapify(heads)
        taken: list[tuple[str, dict[str, Any]]] = []
        while heads and len(taken) < limit:
            _, origin, index = heapq.heappop(heads)
            taken.append((origin, runs[origin][index]))
            if index + 1 < len(runs[origin]):
                heapq.heappush(heads, (runs[origin][index + 1]["updated_at"], origin, index + 1))
        new_cursor = {origin: cursor.get(origin, 0) for origin in self.regions}
        last_position: dict[tuple[str, str], int] = {}
        for position, (origin, record) in enumerate(taken):
            new_cursor[origin] = int(record["seq"])
            last_position[(record["collection"], record["item_id"])] = position
        changes = [
            SyncChange(
                origin,
                int(record["seq"]),
                merge(list(copies[(record["collection"], record["item_id"])].values())),
            )  # type: ignore[arg-type]
            for position, (origin, record) in enumerate(taken)
            if last_position[(record["collection"], record["item_id"])] == position
        ]
        served = {o: sum(1 for t in taken if t[0] == o) for o in self.regions}
        has_more = any(full[o] or len(runs[o]) > served[o] for o in self.regions)
        return ChangePage(changes, new_cursor, has_more)
