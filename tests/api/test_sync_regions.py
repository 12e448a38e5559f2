"""The sync store when two regions take writes: each region's table is a replica that receives the other's
rows late and in any order (DynamoDB global tables give no order across items), and the feed must still
never skip a change and every device must end with the same items.

Two tables on the emulator stand for the two replicas; `replicate()` copies chosen rows across, in the
order a test picks, exactly as replication would write them (whole items, last writer wins by time).
"""

from __future__ import annotations

import uuid
from typing import Any

import boto3
import pytest

from backend_core import item_keys
from backend_core.sync_store import SyncStore, VersionConflict
from backend_core.table_design import TABLE_DESIGN
from mobile_api.clock import now_iso

EAST, WEST = "us-east-1", "us-west-2"


class Replica:
    def __init__(self, ddb: Any, region: str) -> None:
        self.ddb, self.region = ddb, region
        self.table = f"sync-{region}-{uuid.uuid4().hex[:6]}"
        ddb.create_table(**TABLE_DESIGN.to_boto3_create_args(self.table))
        self.store = SyncStore(ddb, self.table, region, (EAST, WEST))

    def rows(self, prefix: str = "") -> list[dict]:
        items = self.ddb.scan(TableName=self.table)["Items"]
        return sorted(
            (i for i in items if i["PK"]["S"].startswith(prefix) or i["SK"]["S"].startswith(prefix)),
            key=lambda i: (i["PK"]["S"], i["SK"]["S"]),
        )


def replicate(
    source: Replica, target: Replica, *, log: bool = True, copies: bool = True, counters: bool = True
) -> None:
    """Copy rows written in `source`'s region to `target` (what global tables do, selectively)."""
    for row in source.rows():
        pk, sk = row["PK"]["S"], row["SK"]["S"]
        mine = (sk.endswith(f"#{source.region}")) or pk.endswith(f"#{source.region}")
        kind = "log" if item_keys.is_sync_log(pk) else "copy" if item_keys.is_sync_copy(sk) else "counter"
        if mine and {"log": log, "copy": copies, "counter": counters}[kind]:
            target.ddb.put_item(TableName=target.table, Item=row)


@pytest.fixture
def regions(moto_url) -> tuple[Replica, Replica]:
    ddb = boto3.client("dynamodb", region_name=EAST, endpoint_url=moto_url)
    return Replica(ddb, EAST), Replica(ddb, WEST)


def drain(store: SyncStore, user: str, cursor: dict[str, int], limit: int = 2) -> tuple[dict, dict[str, int]]:
    """A device pulling until has_more is false: {(collection, id): item} and its cursor."""
    seen: dict = {}
    while True:
        page = store.changes(user, cursor, limit)
        for change in page.changes:
            seen[(change.item.collection, change.item.item_id)] = change.item
        cursor = page.cursor
        if not page.has_more:
            return seen, cursor


def test_change_written_in_the_other_region_during_a_partition_is_never_skipped(regions):
    """The issue's case: X everywhere; partition; Y at the primary, Z at DR; a device that read up to Y gets Z
    once replication resumes (with one global counter, Y and Z shared a number and Z was skipped)."""
    east, west = regions
    user = "u1"
    east.store.put(user, "n", "X", {"v": "x"}, None, now_iso())
    replicate(east, west)
    east.store.put(user, "n", "Y", {"v": "y"}, None, now_iso())  # partition: nothing crosses
    west.store.put(user, "n", "Z", {"v": "z"}, None, now_iso())
    seen, cursor = drain(east.store, user, {})
    assert sorted(seen) == [("n", "X"), ("n", "Y")]
    replicate(west, east)  # replication resumes
    more, _ = drain(east.store, user, cursor)
    assert sorted(more) == [("n", "Z")]


def test_log_record_before_its_copy_and_a_gap_hold_the_feed_back(regions):
    east, west = regions
    user = "u2"
    for name in ("a", "b", "c"):
        west.store.put(user, "n", name, {"v": name}, None, now_iso())
    # The replica receives records 1 and 3 of the west log and only the copy of "a": 2 is a gap.
    log = [r for r in west.rows(item_keys.SYNC_LOG)]
    east.ddb.put_item(TableName=east.table, Item=log[0])
    east.ddb.put_item(TableName=east.table, Item=log[2])
    copy_a = next(r for r in west.rows() if r["SK"]["S"] == item_keys.sync_copy(user, "n", "a", WEST)["SK"])
    east.ddb.put_item(TableName=east.table, Item=copy_a)
    seen, cursor = drain(east.store, user, {})
    assert list(seen) == [("n", "a")] and cursor[WEST] == 1  # stops at the gap, never past it
    east.ddb.put_item(TableName=east.table, Item=log[1])  # record 2 arrives, but not its copy
    assert east.store.changes(user, cursor, 10).changes == []  # the copy of "b" is still on its way
    replicate(west, east)
    seen, cursor = drain(east.store, user, cursor)
    assert sorted(seen) == [("n", "b"), ("n", "c")] and cursor[WEST] == 3


def test_concurrent_edits_of_one_item_in_two_regions_converge_everywhere(regions):
    east, west = regions
    user = "u3"
    east.store.put(user, "n", "shared", {"v": 0}, None, now_iso())
    replicate(east, west)
    phone_seen, phone_cursor = drain(east.store, user, {})
    tablet_seen, tablet_cursor = drain(west.store, user, {})
    # Partition: both devices edit version 1 of the same item, each through its own region.
    east.store.put(user, "n", "shared", {"v": "phone"}, 1, now_iso())
    west.store.put(user, "n", "shared", {"v": "tablet"}, 1, now_iso())
    more, phone_cursor = drain(east.store, user, phone_cursor)
    phone_seen.update(more)
    more, tablet_cursor = drain(west.store, user, tablet_cursor)
    tablet_seen.update(more)
    assert phone_seen[("n", "shared")].data != tablet_seen[("n", "shared")].data  # diverged while apart
    replicate(east, west)
    replicate(west, east)
    more, _ = drain(east.store, user, phone_cursor)
    phone_seen.update(more)
    more, _ = drain(west.store, user, tablet_cursor)
    tablet_seen.update(more)
    final_east = east.store.get(user, "n", "shared")
    assert final_east == west.store.get(user, "n", "shared")
    assert phone_seen[("n", "shared")] == tablet_seen[("n", "shared")] == final_east
    assert final_east.data == {"v": "tablet"}  # same version: the later write wins


def test_a_stale_write_in_either_region_is_a_conflict_once_it_knows(regions):
    east, west = regions
    user = "u4"
    east.store.put(user, "n", "i", {"v": 1}, None, now_iso())
    east.store.put(user, "n", "i", {"v": 2}, 1, now_iso())
    replicate(east, west)
    with pytest.raises(VersionConflict) as conflict:
        west.store.put(user, "n", "i", {"v": "stale"}, 1, now_iso())
    assert conflict.value.current is not None and conflict.value.current.version == 2
    assert west.store.put(user, "n", "i", {"v": 3}, 2, now_iso()).version == 3
