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

tests/unit/ops/test_moto_speed.py proves the answers are the same with and without the patches. `install()` is idempotent; the local stack and the API test suite's
moto gateway install it (ops/local/moto_gateway.py).
"""

from __future__ import annotations

import inspect
from typing import Any

from moto.dynamodb.models.table import Table
from moto.moto_server.werkzeug_app import DomainDispatcherApplication

_original_query = Table.query
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


def install() -> None:
    Table.query = _partition_query  # type: ignore[method-assign]
    DomainDispatcherApplication.get_backend_for_host = _cached_backend_for_host  # type: ignore[method-assign]


def uninstall() -> None:
    Table.query = _original_query  # type: ignore[method-assign]
    DomainDispatcherApplication.get_backend_for_host = _original_backend_for_host  # type: ignore[method-assign]


def installed() -> bool:
    return Table.query is _partition_query
