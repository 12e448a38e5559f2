"""A speed-only patch of moto's DynamoDB Query on a table's own key (no index): moto (5.2.x) answers every Query
by sorting ALL items of the table (`Table.all_items`) and then keeping those of the queried partition, so a
Query costs O(table log table). The patch hands moto's own `Table.query` a view of the table whose
`all_items()` is just the queried partition, in the same (range key) order; everything else (conditions,
ExclusiveStartKey, Limit, size limits, projections, filters, LastEvaluatedKey, errors) is moto's unchanged code.

Index queries are untouched (an index spans partitions). tests/unit/ops/test_moto_speed.py proves the answers
are the same with and without the patch. `install()` is idempotent; the local stack and the API test suite's
moto gateway install it (ops/local/moto_gateway.py).
"""

from __future__ import annotations

import inspect
from typing import Any

from moto.dynamodb.models.table import Table

_original_query = Table.query
_SIGNATURE = inspect.signature(_original_query)


class _PartitionView:
    """The table as moto's query sees it, but with only one partition's items."""

    def __init__(self, table: Table, hash_key: Any) -> None:
        self._table, self._hash_key = table, hash_key

    def __getattr__(self, name: str) -> Any:
        return getattr(self._table, name)

    def all_items(self) -> list[Any]:
        partition = self._table.items.get(self._hash_key)
        if partition is None:
            return []
        if not self._table.range_key_attr:
            return [partition]
        return sorted(partition.values(), key=lambda item: item.range_key)


def _partition_query(self: Table, hash_key: Any, *args: Any, **kwargs: Any) -> Any:
    index_name = _SIGNATURE.bind(self, hash_key, *args, **kwargs).arguments.get("index_name")
    if index_name or hash_key is None:
        return _original_query(self, hash_key, *args, **kwargs)
    return _original_query(_PartitionView(self, hash_key), hash_key, *args, **kwargs)  # type: ignore[arg-type]


def install() -> None:
    Table.query = _partition_query  # type: ignore[method-assign]


def uninstall() -> None:
    Table.query = _original_query  # type: ignore[method-assign]


def installed() -> bool:
    return Table.query is _partition_query
