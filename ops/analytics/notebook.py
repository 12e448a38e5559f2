"""What the notebooks in notebooks/ import: the date range, the queries, and how they publish results.

    ctx = start(env, since, until)          # since/until None: the data's whole range locally,
                                            # the last 28 complete days in AWS
    ctx.overview()                          # the range and its requests, or "No data in this range"
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
from ops.errors import OpsError

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

    def overview(self) -> None:
        """The env and range, with the requests in it; a plain "No data in this range" banner when no
        signed-in user was active in it (a new env: health checks only), so empty charts read as empty."""
        from IPython.display import Markdown, display

        from ops.analytics.plots import NO_DATA

        hourly = self.query("requests_by_hour")  # 24 rows at most: the cheapest count by kind
        requests, signed_in = (
            int(hourly[c].sum()) if len(hourly) else 0 for c in ("requests", "user_requests")
        )
        where = f"**{self.env}**, {self.since} to {self.until}"
        if signed_in:
            display(Markdown(f"{where}: {requests:,} requests, {signed_in:,} of them from signed-in users."))
            return
        found = (
            f"{requests:,} requests, none from a signed-in user (health checks)" if requests else "no events"
        )
        hint = " or write a history (`ops analytics generate --env local`)" if self.target.is_local else ""
        display(
            Markdown(
                f"**{NO_DATA}** ({where}): {found}. The charts below are empty: choose another range{hint}."
            )
        )

    def publish(self, name: str, frame: Any, caption: str | None = None) -> None:
        """Show a table and attach its rows for the tests."""
        from IPython.display import Markdown, display

        from ops.analytics.plots import NO_DATA

        if caption:
            display(Markdown(caption))
        if frame.empty:  # a range without users is an answer, not an error: say so, in words
            display(
                {
                    "text/markdown": f"*{NO_DATA}* ({self.since} to {self.until}): no rows.",
                    "text/plain": NO_DATA,
                },
                raw=True,
                metadata={RESULTS_KEY: {name: []}},
            )
            return
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
    first, last = date_range(target, since, until)
    plots.use_style()
    return Context(env, first, last, target)


def date_range(target: Target, since: date | str | None, until: date | str | None) -> tuple[date, date]:
    """(first, last) day, both inclusive; a missing bound defaults as `start` says. OpsError (one line)
    for a malformed day, a first day after the last, or no data to default to locally."""

    def as_date(value: date | str | None, name: str) -> date | None:
        if value is None or isinstance(value, date):
            return value
        try:
            return date.fromisoformat(str(value))
        except ValueError:
            raise OpsError(f"{name} must be a date yyyy-MM-dd, got {value!r}") from None

    first, last = as_date(since, "since"), as_date(until, "until")
    if not (first and last):
        if target.is_local:
            from ops.analytics.local_engine import LocalEngine

            engine = LocalEngine(target)
            days = list(engine.partitions(engine.table()))
            if not days:
                raise OpsError(
                    f"no usage events in s3://{target.bucket}/ yet, so no range to default to: give --since "
                    "and --until, or write some (`ops analytics generate --env local`, or use the API)"
                )
            first, last = first or date.fromisoformat(days[0]), last or date.fromisoformat(days[-1])
        else:
            last = last or datetime.now(UTC).date() - timedelta(days=1)
            first = first or last - timedelta(days=27)
    if first > last:
        raise OpsError(f"since {first} is after until {last}")
    return first, last
