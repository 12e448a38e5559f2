"""What the notebooks in notebooks/ import: the date range, the queries, and how they publish results.

    ctx = start(env, since, until)          # since/until None: the data's whole range locally,
                                            # the last 28 complete days in AWS
    frame = ctx.query("dau_wau_mau")        # a file of ops/analytics/queries over ctx's range
    ctx.publish("dau_wau_mau", frame)       # shows the table; tests read the rows from the output

`publish` attaches the rows to the cell output's metadata under "mbt/results" (not shown in the HTML),
so CI can check every number a notebook reports against the generator's ground truth.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from ops.analytics.engine import FullScanWarning, query_file
from ops.analytics.metrics import records
from ops.analytics.target import Target, resolve

RESULTS_KEY = "mbt/results"


@dataclass
class Context:
    env: str
    since: date
    until: date
    target: Target
    bytes_scanned: int = 0
    queries: list[str] = field(default_factory=list)

    def query(self, name: str) -> Any:
        """A query file over [since, until]; the bytes it scanned are added up for the footer."""
        with warnings.catch_warnings():
            warnings.simplefilter("error", FullScanWarning)  # the shared queries never scan everything
            frame = query_file(name, self.env, self.since, self.until, target=self.target)
        self.bytes_scanned += frame.attrs["analytics"]["bytes_scanned"]
        self.queries.append(name)
        return frame

    def publish(self, name: str, frame: Any, caption: str | None = None) -> None:
        """Show a table and attach its rows for the tests."""
        from IPython.display import Markdown, display

        if caption:
            display(Markdown(caption))
        display(frame, metadata={RESULTS_KEY: {name: records(frame)}})

    def publish_value(self, name: str, value: Any) -> None:
        """Attach a plain JSON value (a list of days, a number) for the tests; shown as text."""
        from IPython.display import display

        display({"text/plain": f"{name}: {value}"}, raw=True, metadata={RESULTS_KEY: {name: value}})

    def footer(self) -> str:
        return (
            f"env `{self.env}`, {self.since} to {self.until}: {len(self.queries)} queries, "
            f"{self.bytes_scanned / 2**20:.1f} MB scanned ({self.target.database}.{self.target.table})"
        )


def dr_region(ctx: Context) -> str:
    from ops.analytics.target import stack_outputs

    return stack_outputs(ctx.env).dr_region


def start(env: str = "local", since: date | str | None = None, until: date | str | None = None) -> Context:
    """Resolve the env and the date range (see the module docstring); plots get one style."""
    from ops.analytics import plots

    target = resolve(env)
    first, last = _range(target, since, until)
    plots.use_style()
    return Context(env, first, last, target)


def _range(target: Target, since: date | str | None, until: date | str | None) -> tuple[date, date]:
    def as_date(value: date | str | None) -> date | None:
        return value if isinstance(value, date) or value is None else date.fromisoformat(str(value))

    first, last = as_date(since), as_date(until)
    if first and last:
        return first, last
    if target.is_local:
        from ops.analytics.local_engine import LocalEngine

        engine = LocalEngine(target)
        days = list(engine.partitions(engine.table()))
        if not days:
            raise ValueError("no usage events yet: run `ops analytics generate --env local` (or use the API)")
        return first or date.fromisoformat(days[0]), last or date.fromisoformat(days[-1])
    last = last or datetime.now(UTC).date() - timedelta(days=1)
    return first or last - timedelta(days=27), last
