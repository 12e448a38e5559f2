"""The metrics: every file of ops/analytics/queries run for one date range.

    compute(env, since, until) -> {name: DataFrame}   # in file-name order; stats in df.attrs["analytics"]
    compute(env, since, until, only=["dau_wau_mau"])

`since` and `until` are dates (or 'yyyy-MM-dd'), both inclusive. Raises QueryError / OpsError as query().
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from pathlib import Path
from typing import Any

from ops.analytics import catalog
from ops.analytics.engine import QueryError, query_file
from ops.analytics.target import Target, resolve

NAMES = tuple(f.name for f in catalog.all_files())


def compute(
    env: str,
    since: date | str,
    until: date | str,
    only: Iterable[str] | None = None,
    *,
    target: Target | None = None,
    cache_dir: Path | None = None,
) -> dict[str, Any]:
    names = list(only) if only else list(NAMES)
    unknown = sorted(set(names) - set(NAMES))
    if unknown:
        raise QueryError(f"no metric named {', '.join(unknown)} (known: {', '.join(NAMES)})")
    first, last = _day(since, "since"), _day(until, "until")
    if first > last:
        raise QueryError(f"--since {first} is after --until {last}")
    target = target or resolve(env)
    return {name: query_file(name, env, first, last, target=target, cache_dir=cache_dir) for name in names}


def records(frame: Any) -> list[dict[str, Any]]:
    """A result as JSON-ready rows (NA -> None, numpy scalars -> Python)."""
    import pandas as pd

    rows = []
    for row in frame.astype(object).where(pd.notna(frame), None).to_dict(orient="records"):
        rows.append({k: (v.item() if hasattr(v, "item") else v) for k, v in row.items()})
    return rows


def _day(value: date | str, name: str) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise QueryError(f"--{name} must be a date yyyy-MM-dd, got {value!r}") from None
