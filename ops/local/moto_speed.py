"""Speed-only patches of moto, answers unchanged.

1. The server's dispatch: moto's werkzeug app finds each request's backend under one process-wide lock by
   listing its own package directory (`os.listdir` + an `isdir` per entry, ~170 system calls) and then trying
   hundreds of URL patterns, for every request: a quarter of the local stack's request time in a broadcast
   (py-spy). The patch remembers the answer per host (the directory and the patterns never change while moto
   runs): `DomainDispatcherApplication.get_backend_for_host`.
2. DynamoDB Query on a table's own key (no index): moto (5.2.x) answers every Query by sorting ALL items of
   the table (`Table.all_items`) and then keeping those of the queried partition, so a Query costs
   O(table log table). The patch hands moto's own `Table.query` a view of the table whose `all_items()` is just
   the queried partition, in the same (range key) order, less the items the range key condition rules out
   (moto skips them uncounted); everything else (conditions, ExclusiveStartKey, Limit, size limits,
   projections, filters, LastEvaluatedKey, errors) is moto's unchanged code. Index queries are untouched (an
   index spans partitions).

3. DynamoDB TransactWriteItems: moto (5.2.x) backs up a table before it applies a transaction by deep-copying
   the whole table (its items and its stream's records) once per *item* of the transaction, not once per
   table, so a transaction of four writes to one table copied it four times, identical copies (nothing
   changes the table in between: every backup is taken before the first item is applied). The patch makes
   the second and later copies of a table within one transaction answer the first copy
   (`DynamoDBBackend.transact_write_items` marks the transaction; `Table.__deepcopy__` is moto's own deep
   copy otherwise). The backup's stream lists the same record objects instead of deep copies of every record
   the stream ever had (a write only appends records; a copy of a long session's stream was most of the
   cost of a transaction). A failed transaction restores a table with the same items and the same stream
   records as before.

tests/unit/ops/test_moto_speed.py proves the answers are the same with and without the patches. `install()` is idempotent; the local stack and the API test suite's
moto gateway install it (ops/local/moto_gateway.py).
"""

from __future__ import annotations

import copy
import inspect
import threading
from typing import Any

from moto.dynamodb.models import DynamoDBBackend
from moto.dynamodb.models.table import Table
from moto.moto_server.werkzeug_app import DomainDispatcherApplication

_original_query = Table.query
_original_transact = DynamoDBBackend.transact_write_items
_original_backend_for_host = DomainDispatcherApplication.get_backend_for_host
_SIGNATURE = inspect.signature(_original_query)


class _PartitionView:
    """The table as moto's query sees it, but with only one partition's items, and of those only the ones the
    key condition on the range key keeps and their two neighbours in key order (moto skips the others without
    counting them: same page, same ScannedCount, same LastEvaluatedKey), so a Query of a few items in a big
    partition (a provider's count items beside its 5,000 subscribers) does not sort the whole partition."""

    def __init__(
        self, table: Table, hash_key: Any, range_comparison: str | None = None, range_objs: Any = None
    ) -> None:
        self._table, self._hash_key = table, hash_key
        self._range_comparison, self._range_objs = range_comparison, range_objs

    def __getattr__(self, name: str) -> Any:
        return getattr(self._table, name)

    def all_items(self) -> list[Any]:
        partition = self._table.items.get(self._hash_key)
        if partition is None:
            return []
        if not self._table.range_key_attr:
            return [partition]
        items = list(partition.values())
        if not self._range_comparison:
            return sorted(items, key=lambda item: item.range_key)
        keep, rest = [], []
        for item in items:
            (keep if item.range_key.compare(self._range_comparison, self._range_objs) else rest).append(item)
        keep.sort(key=lambda item: item.range_key)
        if keep:
            # The items a key condition keeps are one run of the sort order. moto looks at the first item past
            # the run (either way round) only to stop there with a LastEvaluatedKey when the page is full, as
            # DynamoDB does: keep those two neighbours, drop the rest.
            first, last = keep[0].range_key, keep[-1].range_key
            before = [i for i in rest if i.range_key < first]
            after = [i for i in rest if i.range_key > last]
            keep = (
                ([max(before, key=lambda i: i.range_key)] if before else [])
                + keep
                + ([min(after, key=lambda i: i.range_key)] if after else [])
            )
        return keep


def _partition_query(self: Table, hash_key: Any, *args: Any, **kwargs: Any) -> Any:
    arguments = _SIGNATURE.bind(self, hash_key, *args, **kwargs).arguments
    if arguments.get("index_name") or hash_key is None:
        return _original_query(self, hash_key, *args, **kwargs)
    view = _PartitionView(self, hash_key, arguments.get("range_comparison"), arguments.get("range_objs"))
    return _original_query(view, hash_key, *args, **kwargs)  # type: ignore[arg-type]


_NOT_CACHED = object()


def _cached_backend_for_host(self: DomainDispatcherApplication, host: str | None) -> Any:
    """moto's answer for `host`, computed once per dispatcher and host (moto calls it under its lock)."""
    cache: dict[str | None, Any] = self.__dict__.setdefault("_speed_backend_for_host", {})
    backend = cache.get(host, _NOT_CACHED)
    if backend is _NOT_CACHED:
        backend = cache[host] = _original_backend_for_host(self, host)
    return backend


_transaction = (
    threading.local()
)  # .backups: id(table) -> (table, its copy), while a transaction takes backups


def _transact_write_items(self: DynamoDBBackend, transact_items: list[dict[str, Any]]) -> None:
    _transaction.backups = {}
    try:
        return _original_transact(self, transact_items)
    finally:
        _transaction.backups = None


def copy_table(table: Table, memo: dict[int, Any]) -> Table:
    """What `copy.deepcopy` does with a table when the class has no `__deepcopy__` (moto's own copy)."""
    return copy._reconstruct(table, memo, *table.__reduce_ex__(4))  # type: ignore[attr-defined]


def _table_deepcopy(self: Table, memo: dict[int, Any]) -> Table:
    backups = getattr(_transaction, "backups", None)
    if backups is None:
        return copy_table(self, memo)
    if id(self) not in backups:
        shard = getattr(self, "stream_shard", None)
        if shard is not None:  # its records are never changed by a write: the backup lists the same ones
            memo[id(shard.items)] = list(shard.items)
        backups[id(self)] = (self, copy_table(self, memo))  # the table kept: its id stays its own
    return backups[id(self)][1]


def install() -> None:
    Table.query = _partition_query  # type: ignore[method-assign]
    DomainDispatcherApplication.get_backend_for_host = _cached_backend_for_host  # type: ignore[method-assign]
    DynamoDBBackend.transact_write_items = _transact_write_items  # type: ignore[method-assign]
    Table.__deepcopy__ = _table_deepcopy  # type: ignore[attr-defined]


def uninstall() -> None:
    Table.query = _original_query  # type: ignore[method-assign]
    DomainDispatcherApplication.get_backend_for_host = _original_backend_for_host  # type: ignore[method-assign]
    DynamoDBBackend.transact_write_items = _original_transact  # type: ignore[method-assign]
    if "__deepcopy__" in Table.__dict__:
        del Table.__deepcopy__


def installed() -> bool:
    return Table.query is _partition_query
