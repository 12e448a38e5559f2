"""`ops analytics`: generate a synthetic history, run Athena SQL, print the metrics (ops/analytics/README.md)."""

from __future__ import annotations

import io
import json
import sys
import warnings
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from backend_core.usage_events import TABLE_NAME
from ops.errors import OpsError
from ops.report_console import print_at_natural_width

app = typer.Typer(no_args_is_help=True, help="Usage analytics: synthetic history, Athena SQL, metrics.")
out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)

# What `generate` builds in memory: a users x days activity matrix, then ~1.6 events per user-day
# (measured: 90 days x 10,000 users = 0.9 M user-days -> 1.4 M events, ~0.5 GB peak above the imports).
MAX_USER_DAYS = 5_000_000
EnvOption = Annotated[str, typer.Option("--env", help="local, dev, staging or prod")]


class Format(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


FormatOption = Annotated[
    Format, typer.Option("--format", help="table (for people), json or csv (for programs)")
]


def _date(value: str | None, name: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise OpsError(f"--{name} must be a date yyyy-MM-dd, got {value!r}") from None


def _range(since: str | None, until: str | None) -> tuple[date | None, date | None]:
    """--since/--until checked before anything is resolved or started: format, then order."""
    first, last = _date(since, "since"), _date(until, "until")
    if first and last and first > last:
        raise OpsError(f"--since {first} is after --until {last}")
    return first, last


@app.command()
def generate(
    env: EnvOption = "local",
    days: Annotated[int, typer.Option("--days", min=1, max=3660, help="days of history")] = 90,
    users: Annotated[
        int, typer.Option("--users", min=1, max=1_000_000, help="users who sign up over the history")
    ] = 10_000,
    seed: Annotated[
        int, typer.Option("--seed", help="random seed: the same seed and --end give the same history")
    ] = 1,
    end: Annotated[
        str | None, typer.Option("--end", help="last day (yyyy-MM-dd, UTC); default yesterday")
    ] = None,
    replace: Annotated[
        bool, typer.Option("--replace", help="delete what is under usage_events/ first")
    ] = False,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="say what would be deleted and written, change nothing")
    ] = False,
) -> None:
    """Write a synthetic usage history (Parquet by day) and its ground truth into the env's analytics bucket."""
    from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

    from ops.analytics import generator, publish
    from ops.analytics.target import resolve

    if env != "local":
        raise OpsError("generate writes synthetic events: it runs against the local stack only (--env local)")
    if days * users > MAX_USER_DAYS:
        raise OpsError(
            f"--days {days} x --users {users} = {days * users:,} user-days: the history is built in memory, "
            f"at most {MAX_USER_DAYS:,} (about 3 GB); ask for fewer days or users"
        )
    last = _date(end, "end") or (datetime.now(UTC).date() - timedelta(days=1))
    target = resolve(env)
    settings = generator.Settings(
        days=days,
        users=users,
        seed=seed,
        end=last,
        env=env,
        primary_region=target.region,
        dr_region=_dr_region(env),
    )
    where = f"s3://{target.bucket}/{TABLE_NAME}/"
    days_written = [(settings.start + timedelta(days=i)).isoformat() for i in range(days)]
    clashing = publish.existing_objects(target, days_written)
    existing = publish.existing_objects(target) if replace else clashing
    if clashing and not (replace or dry_run):
        raise OpsError(
            f"{len(clashing)} object(s) already in the partitions of {settings.start} to {settings.end} under "
            f"{where} (API events or an earlier history): rerun with --replace to delete everything under "
            "usage_events/ first (--dry-run shows what would change)"
        )
    plan = f"{days} days ({settings.start} to {settings.end}), {users} users, seed {seed}, failover day {settings.failover}"
    if dry_run:
        out.print(f"dry run: would delete {len(existing) if replace else 0} object(s) under {where}")
        out.print(f"dry run: would write {plan} to {where} and s3://{target.bucket}/{publish.TRUTH_KEY}")
        return
    with Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.completed}/{task.total}"),
        TimeElapsedColumn(),
        console=err,
    ) as progress:
        task = progress.add_task("generating events", total=7)
        history = generator.simulate(
            settings, lambda step, n: progress.update(task, advance=n, description=f"generating: {step}")
        )
        if existing:
            publish.delete(target, existing)
        # The ground truth is computed while the days are encoded and uploaded (publish.write).
        upload = progress.add_task("writing Parquet (and the ground truth)", total=len(history.days))
        result = publish.write(history, target, lambda n: progress.update(upload, advance=n))
    out.print(
        f"wrote {history.events:,} events ({plan}) as {result['objects']} Parquet objects, "
        f"{result['bytes'] / 2**20:.1f} MB, to {where}"
    )
    out.print(f"ground truth: {result['truth']}")


def _dr_region(env: str) -> str:
    from ops.analytics.target import stack_outputs

    return stack_outputs(env).dr_region


@app.command("query")
def run_query(
    sql: Annotated[str, typer.Argument(help="Athena SQL; :name parameters come from --param name=value")],
    env: EnvOption = "local",
    fmt: FormatOption = Format.table,
    param: Annotated[list[str] | None, typer.Option("--param", help="name=value (repeatable)")] = None,
) -> None:
    """Run one Athena SQL query (locally: DuckDB over the same Parquet) and print the result."""
    from ops.analytics.engine import FullScanWarning, query

    params = {}
    for item in param or []:
        name, sep, value = item.partition("=")
        if not sep or not name:
            raise OpsError(f"--param takes name=value, got {item!r}")
        params[name] = value
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always", FullScanWarning)
        frame = query(sql, env, params)
    for warning in caught:
        err.print(f"[yellow]warning:[/yellow] {warning.message}")
    _print(frame, fmt, title=None)
    stats = frame.attrs["analytics"]
    err.print(f"{stats['engine']}: {stats['bytes_scanned']:,} bytes scanned in {stats['seconds']:.2f} s")


@app.command()
def metrics(
    since: Annotated[str, typer.Option("--since", help="first day, yyyy-MM-dd")],
    until: Annotated[str, typer.Option("--until", help="last day, yyyy-MM-dd (inclusive)")],
    env: EnvOption = "local",
    fmt: FormatOption = Format.table,
    only: Annotated[list[str] | None, typer.Option("--only", help="a metric's name (repeatable)")] = None,
) -> None:
    """Every metric of ops/analytics/queries for a date range."""
    from ops.analytics import metrics as metric_set

    results = metric_set.compute(env, since, until, only)
    total = sum(frame.attrs["analytics"]["bytes_scanned"] for frame in results.values())
    if fmt == Format.json:
        document = {
            "env": env,
            "since": since,
            "until": until,
            "metrics": {name: metric_set.records(frame) for name, frame in results.items()},
            "bytes_scanned": {
                name: frame.attrs["analytics"]["bytes_scanned"] for name, frame in results.items()
            },
        }
        typer.echo(json.dumps(document, indent=1, default=str))
    else:
        for name, frame in results.items():
            _print(frame, fmt, title=name)
    if all(frame.empty for frame in results.values()):  # an answer, not an error: but say so
        err.print(
            f"no usage events in env {env!r} from {since} to {until}: every metric is empty", highlight=False
        )
    err.print(f"{len(results)} metrics, {total:,} bytes scanned")


@app.command()
def queries() -> None:
    """List the query files (each is also an Athena named query in the env's workgroup)."""
    from ops.analytics import catalog

    table = Table("name", "answers", "params")
    table.columns[0].no_wrap = True
    for sql_file in catalog.all_files():
        table.add_row(sql_file.name, sql_file.title, ", ".join(sql_file.params))
    out.print(table)


def _print(frame: Any, fmt: Format, title: str | None) -> None:
    from ops.analytics.metrics import records

    if fmt == Format.json:
        typer.echo(json.dumps(records(frame), indent=1, default=str))
        return
    if fmt == Format.csv:
        buffer = io.StringIO()
        if title:
            buffer.write(f"# {title}\n")
        frame.to_csv(buffer, index=False)
        sys.stdout.write(buffer.getvalue())
        return
    import pandas as pd

    table = Table(title=title)
    for column in frame.columns:  # never truncate or wrap a day, a route or a number: the table widens
        numeric = pd.api.types.is_numeric_dtype(frame[column])
        table.add_column(str(column), no_wrap=True, justify="right" if numeric else "left")
    for row in records(frame):
        table.add_row(*[_cell(v) for v in row.values()])
    print_at_natural_width(out, table)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


@app.command()
def report(
    env: EnvOption = "local",
    since: Annotated[
        str | None, typer.Option("--since", help="first day (default: the data's first, locally)")
    ] = None,
    until: Annotated[
        str | None, typer.Option("--until", help="last day (default: the data's last, locally)")
    ] = None,
    out_dir: Annotated[
        str, typer.Option("--out", help="where the executed notebooks and HTML go")
    ] = "reports/analytics",
    only: Annotated[
        list[str] | None, typer.Option("--only", help="a notebook's name, e.g. 01_usage_overview")
    ] = None,
) -> None:
    """Execute every notebook against the env (papermill) and render each as HTML."""
    from pathlib import Path

    from ops.analytics import notebook as notebooks_api
    from ops.analytics import report as notebook_report
    from ops.analytics.target import resolve

    _range(since, until)
    chosen = notebook_report.notebooks(only)
    # Everything a notebook's first cells would refuse, refused here before a kernel starts: the env, a
    # stopped stack, the range (malformed, reversed, or nothing to default to).
    first, last = notebooks_api.date_range(resolve(env), since, until)
    target_dir = Path(out_dir).resolve()
    for notebook in chosen:
        err.print(f"running {notebook.name} ({first} to {last}) ...")
        executed = notebook_report.execute(notebook, target_dir, env, first.isoformat(), last.isoformat())
        html = notebook_report.render_html(executed)
        out.print(f"{notebook.stem}: {html}")


@app.command("check-notebooks")
def check_notebooks(
    paths: Annotated[list[str] | None, typer.Argument(help="notebooks (default: notebooks/*.ipynb)")] = None,
) -> None:
    """Fail when a notebook is committed with outputs (make lint runs this)."""
    from pathlib import Path

    from ops.analytics import report as notebook_report

    files = [Path(p) for p in paths] if paths else sorted(notebook_report.NOTEBOOKS_DIR.glob("*.ipynb"))
    problems = notebook_report.unstripped(files)
    for problem in problems:
        err.print(problem)
    if problems:
        raise OpsError(
            f"{len(problems)} notebook problem(s): strip outputs (Kernel > Restart and clear outputs) before committing",
            exit_code=1,
        )
    out.print(f"{len(files)} notebook(s) stripped")


CHARTS = {
    "active-users": (("dau_wau_mau",), "active_users"),
    "retention": (("retention_weekly_cohorts",), "retention_heatmap"),
    "region-traffic": (("api_health_by_region_day",), "region_traffic"),
    "marketplace": (("provider_activity", "consumer_engagement"), "marketplace"),
}


@app.command()
def chart(
    name: Annotated[str, typer.Argument(help=f"one of: {', '.join(CHARTS)}")],
    out_file: Annotated[str, typer.Option("--out", help="PNG file to write")],
    env: EnvOption = "local",
    since: Annotated[
        str | None, typer.Option("--since", help="first day (default: the data's first, locally)")
    ] = None,
    until: Annotated[
        str | None, typer.Option("--until", help="last day (default: the data's last, locally)")
    ] = None,
) -> None:
    """Write one of the notebooks' charts as a PNG (the README's picture comes from here)."""
    from pathlib import Path

    from ops.analytics import notebook, plots

    if name not in CHARTS:
        raise OpsError(f"no chart {name!r} (known: {', '.join(CHARTS)})")
    path = Path(out_file)
    if path.suffix.lower() != ".png":
        raise OpsError(f"--out must be a .png file, got {out_file!r}")
    ctx = notebook.start(env, *_range(since, until))
    queries, function = CHARTS[name]
    frames = [ctx.query(q) for q in queries]
    if all(frame.empty for frame in frames):
        raise OpsError(
            f"no data for the {name} chart in env {env} from {ctx.since} to {ctx.until}: nothing to draw "
            "(choose another range; locally `ops analytics generate --env local` writes a history)"
        )
    extra = [notebook.dr_region(ctx)] if name == "region-traffic" else []
    figure = getattr(plots, function)(*frames, *extra)
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, dpi=100, metadata={"Software": None})
    out.print(f"{name}: {path} ({ctx.footer()})")
