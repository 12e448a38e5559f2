"""Cross-device sync: versioned items per user and collection, tombstones, a delta feed by position.

Both regions take writes; `backend_core.sync_store` says how versions, conflicts and the feed hold across
them (and backend_core/README.md writes the guarantees down). Here the store's outcomes become the API's
refusals.
"""

from __future__ import annotations

from typing import Any

from backend_core import sync_store
from backend_core.erasure_store import ErasureStore
from backend_core.sync_store import ChangePage, SyncItem, SyncStore
from mobile_api.clock import Clock, now_iso
from mobile_api.services.errors import AccountDeleted, NotFound, Refused, StaleVersion, TooLarge, Unavailable

BUSY = "too many concurrent writes to your data; retry shortly"
DELETED = "this account has been deleted"


def busy_or_deleted(erasures: ErasureStore | None, user_id: str) -> Refused:
    """Why the writes kept colliding: the account eraser erasing a deleted account's late writes as they land
    (AccountDeleted), or other writers of the same user (Unavailable). Read only on this rare path."""
    if erasures is not None and erasures.get(user_id, consistent=False) is not None:
        return AccountDeleted(DELETED)
    return Unavailable(BUSY)


def put_item(
    sync: SyncStore,
    user_id: str,
    collection: str,
    item_id: str,
    data: dict[str, Any],
    expected: int | None,
    clock: Clock,
    erasures: ErasureStore | None = None,
) -> SyncItem:
    """Create (`expected` None) or update (`expected` = the version the device last saw) an item; the item
    as it is now. Raises StaleVersion (with the server's item), TooLarge (over the table's item size),
    AccountDeleted (the caller deleted the account: the eraser removes what lands), Unavailable (too many
    concurrent writers)."""
    try:
        return sync.put(user_id, collection, item_id, data, expected, now_iso(clock))
    except sync_store.VersionConflict as exc:
        raise StaleVersion(exc.current) from None
    except sync_store.ItemTooLarge as exc:
        raise TooLarge(f"item too large: {exc}") from None
    except sync_store.ConcurrentWriters:
        raise busy_or_deleted(erasures, user_id) from None


def delete_item(
    sync: SyncStore,
    user_id: str,
    collection: str,
    item_id: str,
    expected: int | None,
    clock: Clock,
    erasures: ErasureStore | None = None,
) -> SyncItem:
    """Leave a tombstone (checked against `expected` when given); the tombstone. Raises NotFound (nothing
    live), StaleVersion, AccountDeleted, Unavailable."""
    try:
        return sync.delete(user_id, collection, item_id, expected, now_iso(clock))
    except sync_store.NotFound:
        raise NotFound(f"no item {collection}/{item_id}") from None
    except sync_store.VersionConflict as exc:
        raise StaleVersion(exc.current) from None
    except sync_store.ConcurrentWriters:
        raise busy_or_deleted(erasures, user_id) from None


def changes(sync: SyncStore, user_id: str, positions: dict[str, int], limit: int) -> ChangePage:
    """At most `limit` changes after `positions` ({region: last seq served}), oldest first, tombstones
    included; a change still replicating is served on a later call, never skipped."""
    return sync.changes(user_id, positions, limit)
