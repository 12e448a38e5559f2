"""The tombstones of account deletion: what `DELETE /me` writes and what the account eraser reads.

The store the API needs; the erase steps that act on a tombstone, and why it is kept, are in
`backend_core.account_erasure` (used by lambdas/account_eraser only).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from botocore.exceptions import ClientError

from backend_core import item_keys
from backend_core.ddb import TableAccess, to_ddb

ERASURE_TOMBSTONE_DAYS = (
    90  # far beyond any replication pause, retry or token lifetime (access tokens: 1 day max)
)


@dataclass(frozen=True)
class Erasure:
    """The tombstone of a deleted account: who, when, and where `DELETE /me` was taken."""

    user_id: str
    requested_at: str  # ISO-8601 UTC
    # The pool whose issuer signed the requesting token (the DR replica's or the primary's): a record only.
    # The Cognito user is deleted from the pool that owns the users (EraseContext.user_pool_id).
    user_pool_id: str | None
    # The region whose table took the DELETE /me (None on a tombstone written before it was recorded): its
    # eraser alone moves subscriber counts down (`leave_subscriber_counts`).
    requested_in: str | None = None


class ErasureStore(TableAccess):
    """The tombstones."""

    def request(
        self, user_id: str, user_pool_id: str | None, now: str, expires_at: int
    ) -> tuple[Erasure, bool]:
        """Write the tombstone unless there is one: (the erasure, created?). `expires_at` (epoch seconds) is
        when DynamoDB's TTL may drop the tombstone."""
        from backend_core.table_design import TABLE_DESIGN

        item = {
            **item_keys.account_erasure(user_id),
            "user_id": user_id,
            "requested_at": now,
            "user_pool_id": user_pool_id,
            "requested_in": self.db.meta.region_name,  # the region of this store's client: the one written
            TABLE_DESIGN.ttl_attribute: expires_at,
        }
        try:
            self.db.put_item(
                TableName=self.table, Item=to_ddb(item), ConditionExpression="attribute_not_exists(PK)"
            )
        except ClientError as exc:
            if exc.response["Error"]["Code"] != "ConditionalCheckFailedException":
                raise
            found = self.get(user_id)
            if found is None:
                raise
            return found, False
        return Erasure(user_id, now, user_pool_id, self.db.meta.region_name), True

    def get(self, user_id: str, consistent: bool = True) -> Erasure | None:
        item = self._get_item(item_keys.account_erasure(user_id), consistent=consistent)
        if item is None:
            return None
        return Erasure(
            str(item["user_id"]),
            str(item["requested_at"]),
            item.get("user_pool_id"),
            item.get("requested_in"),
        )


class Tombstones(Protocol):
    """What reads tombstones: an `ErasureStore`, or a batch's memo of it (`BatchTombstones`)."""

    def get(self, user_id: str, consistent: bool = True) -> Erasure | None: ...


class BatchTombstones:
    """The tombstone reads of one batch of records (a stream batch, an S3 event): each user's tombstone is read
    once per batch, not once per record (GetItem on `store`, consistent or not as each caller asks).

    A tombstone is put once (conditionally) and at most replaced by the other region's replicated one (a `DELETE
    /me` in both regions during a partition, last writer wins); every record of a batch was written before the
    batch is read, so a tombstone found while reading the batch is as new as any of its records and answers every
    later lookup of the batch, strongly consistent or not. A miss answers later
    eventually consistent lookups only (they may see a stale miss anyway): a strongly consistent lookup after a
    miss reads again, so a tombstone's own INSERT record, whose tombstone the read must find, is never answered
    by an earlier eventually consistent miss of the same batch. A read's error propagates and is not kept."""

    def __init__(self, store: Tombstones) -> None:
        self.store = store
        self._found: dict[str, Erasure | None] = {}

    def get(self, user_id: str, consistent: bool = True) -> Erasure | None:
        if user_id in self._found and (self._found[user_id] is not None or not consistent):
            return self._found[user_id]
        self._found[user_id] = self.store.get(user_id, consistent=consistent)
        return self._found[user_id]
