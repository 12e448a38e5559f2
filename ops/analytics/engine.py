"""The query layer: `query(sql, env) -> pandas.DataFrame`, the same SQL on Athena (AWS) and DuckDB (local).

    query(sql, env="local", params=None) -> DataFrame
    query_file(name, env="local", since=..., until=...) -> DataFrame   # a file of ops/analytics/queries

- AWS (dev, staging, prod): `awswrangler.athena.read_sql_query` in the env's workgroup and Glue database,
  without CTAS (results reuse works on plain queries: `ResultReuseByAgeConfiguration`, 60 min) and with
  awswrangler's own cache of recent identical queries (15 min). Bytes scanned: Athena's
  `DataScannedInBytes`.
- local: the SQL is translated by sqlglot with the Glue schema and run by DuckDB over the Parquet files of
  the partitions the query needs (ops/analytics/local_engine.py). Bytes scanned: the size of those files
  (Athena counts only the column chunks it reads, so its figure is smaller for the same files).

Every DataFrame carries `df.attrs["analytics"]`: {"engine", "bytes_scanned", "seconds", ...}. A query that
reads `usage_events` without a condition on `day` scans every partition: it runs, with a FullScanWarning.
Errors are QueryError (an OpsError: one line for the operator), never a traceback from the engines.
"""

from __future__ import annotations

import logging
import time
import warnings
from collections.abc import Mapping
from datetime import date
from pathlib import Path
from typing import Any

from ops.analytics import catalog
from ops.analytics.target import Target, resolve
from ops.analytics.translate import QueryError, analyse, parse

log = logging.getLogger("ops.analytics")
RESULT_REUSE_MINUTES = 60
CLIENT_CACHE_SECONDS = 900

__all__ = ["FullScanWarning", "QueryError", "query", "query_file"]


class FullScanWarning(UserWarning):
    """The query reads usage_events without a `day` condition: every partition is scanned."""


def query(
    sql: str,
    env: str = "local",
    params: Mapping[str, object] | None = None,
    *,
    target: Target | None = None,
    cache_dir: Path | None = None,
) -> Any:
    """Run one Athena SQL query against an env's usage events and return a pandas DataFrame.

    `sql` may use `:name` parameters, bound from `params` as SQL literals (`since`/`until` must be dates).
    Raises QueryError (bad SQL, unknown column/table, unreadable data, missing parameter) and OpsError (the
    env cannot be resolved: local stack not running, no outputs). Warns FullScanWarning when a read of
    the table has no `day` condition.
    """
    try:
        bound = catalog.bind(sql, params or {}) if params or catalog.placeholder_names(sql) else sql
    except catalog.ParameterError as exc:
        raise QueryError(str(exc)) from None
    parse(bound)  # bad SQL is named before the env is resolved (no stack, no credentials needed for that)
    target = target or resolve(env)
    if target.is_local:
        from ops.analytics.local_engine import LocalEngine

        frame, stats = LocalEngine(target, cache_dir).run(bound)
    else:
        frame, stats = _athena(bound, target)
    if stats.get("full_scans"):
        warnings.warn(
            f"the query reads {target.table} without a condition on day: every partition is scanned "
            f"({_size(stats['bytes_scanned'])}). Add e.g. WHERE day BETWEEN :since AND :until.",
            FullScanWarning,
            stacklevel=2,
        )
    frame = frame.convert_dtypes()
    frame.attrs["analytics"] = {"env": target.env, **stats}
    log.info("%s query: %s in %.2f s", stats["engine"], _size(stats["bytes_scanned"]), stats["seconds"])
    return frame


def query_file(
    name: str,
    env: str = "local",
    since: date | str | None = None,
    until: date | str | None = None,
    *,
    target: Target | None = None,
    cache_dir: Path | None = None,
    **params: object,
) -> Any:
    """Run a file of ops/analytics/queries by name (`dau_wau_mau`, ...) for [since, until], both inclusive."""
    sql_file = catalog.load(name)
    values = {k: v for k, v in {"since": since, "until": until, **params}.items() if v is not None}
    try:
        text = sql_file.bind(values)
    except catalog.ParameterError as exc:
        raise QueryError(f"{name}: {exc}") from None
    return query(text, env, target=target, cache_dir=cache_dir)


def _athena(sql: str, target: Target) -> tuple[Any, dict[str, Any]]:
    import awswrangler as wr
    import boto3
    from botocore.exceptions import BotoCoreError, ClientError

    from ops.analytics.schema import TableSchema

    # The same static checks as locally (parse, columns, day conditions) before anything is billed.
    analysis = analyse(sql, TableSchema.for_table(target.database, target.table))
    started = time.perf_counter()
    try:
        frame = wr.athena.read_sql_query(
            **athena_arguments(sql, target), boto3_session=boto3.Session(region_name=target.region)
        )
    except (ClientError, BotoCoreError) as exc:
        raise QueryError(f"Athena: {str(exc).splitlines()[0]}") from None
    except Exception as exc:
        if type(exc).__module__.startswith("awswrangler"):  # its exceptions share no base class
            raise QueryError(
                f"Athena: {type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}"
            ) from None
        raise
    metadata = getattr(frame, "query_metadata", None) or {}
    statistics = metadata.get("Statistics", {})
    return frame, {
        "engine": "athena",
        "bytes_scanned": int(statistics.get("DataScannedInBytes", 0)),
        "query_execution_id": metadata.get("QueryExecutionId"),
        "reused": bool(statistics.get("ResultReuseInformation", {}).get("ReusedPreviousResult")),
        "full_scans": analysis.full_scans,
        "seconds": round(time.perf_counter() - started, 3),
    }


def athena_arguments(sql: str, target: Target) -> dict[str, Any]:
    """Keyword arguments for wr.athena.read_sql_query (without the session)."""
    return {
        "sql": sql,
        "database": target.database,
        "workgroup": target.workgroup,
        # Plain query, no CTAS: result reuse does not apply to CTAS, and metric results are small.
        "ctas_approach": False,
        "athena_cache_settings": {
            "max_cache_seconds": CLIENT_CACHE_SECONDS,
            "max_cache_query_inspections": 50,
        },
        "result_reuse_configuration": {
            "ResultReuseByAgeConfiguration": {"Enabled": True, "MaxAgeInMinutes": RESULT_REUSE_MINUTES}
        },
    }


def _size(n: int) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return f"{n} B"
