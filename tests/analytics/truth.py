"""Compare what a query, the CLI or a notebook reported with the generator's ground truth."""

from __future__ import annotations

import math
from typing import Any


def mismatches(got: dict[str, list[dict[str, Any]]], truth: dict[str, list[dict[str, Any]]]) -> list[str]:
    """Every difference, as text; [] when everything agrees.

    Counts and days must be equal, ratios equal to 1e-9 relative, approximate percentiles within the rank
    range the truth gives (1 % rank error, Trino's approx_percentile accuracy).
    """
    problems = []
    for name, expected in truth.items():
        rows = got.get(name)
        if rows is None:
            problems.append(f"{name}: not reported")
            continue
        if len(rows) != len(expected):
            problems.append(f"{name}: {len(rows)} rows, expected {len(expected)}")
            continue
        for index, (row, want) in enumerate(zip(rows, expected, strict=True)):
            for key, value in want.items():
                have = row.get(key)
                if isinstance(value, dict):
                    ok = have is not None and value["low"] - 1e-9 <= have <= value["high"] + 1e-9
                elif isinstance(value, float):
                    ok = have is not None and math.isclose(have, value, rel_tol=1e-9)
                else:
                    ok = have == value
                if not ok:
                    problems.append(f"{name}[{index}].{key}: got {have!r}, expected {value!r}")
    return problems
