"""Usage analytics: one query layer over Athena (AWS) and DuckDB (the local stack), the SQL files every
consumer shares, the synthetic history generator and the notebook runner. README.md beside this file.

Public API (importing this package is cheap; pandas, DuckDB and awswrangler load on first use):

    from ops.analytics import query, query_file, metrics
    df = query("SELECT count(*) AS n FROM usage_events WHERE day = '2025-03-01'", env="local")
    df.attrs["analytics"]["bytes_scanned"]   # bytes read (local: Parquet files opened; AWS: Athena's figure)
"""

from __future__ import annotations

from typing import Any

__all__ = ["FullScanWarning", "QueryError", "metrics", "query", "query_file"]


def __getattr__(name: str) -> Any:
    import importlib

    if name in {"query", "query_file", "QueryError", "FullScanWarning"}:
        return getattr(importlib.import_module("ops.analytics.engine"), name)
    if name == "metrics":
        return importlib.import_module("ops.analytics.metrics")
    raise AttributeError(name)
