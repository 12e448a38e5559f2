"""`ops cost`: what an env costs a month at each audience size, and what to change (ops/cost/README.md)."""

from __future__ import annotations

import json
import re
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from ops.errors import OpsError
from ops.report_console import report_console

app = typer.Typer(no_args_is_help=True, help="Monthly cost per service by audience size, and what to change.")
out = report_console()
err = Console(stderr=True, soft_wrap=True)

DEFAULT_AUDIENCES = "1000,100000,1000000"
MAX_AUDIENCE = 1e9
MAX_AUDIENCES = 12
STALE_DAYS = 180  # warn when the price table was last compared with AWS's pages longer ago than this


class Format(StrEnum):
    table = "table"
    json = "json"
    md = "md"


class AdviceLevel(StrEnum):
    actionable = "actionable"
    all = "all"
    none = "none"


EnvOption = Annotated[
    str, typer.Option("--env", help="the env whose offline plan is priced: dev, staging or prod")
]


def parse_audiences(value: str) -> list[float]:
    """'1000,100000,1e6' or '1k,100k,1M' -> [1000.0, 100000.0, 1000000.0]; OpsError (one line) otherwise."""
    found = []
    for item in (part.strip() for part in value.split(",")):
        match = re.fullmatch(r"(\d+(?:\.\d+)?(?:e\d+)?)\s*([kKmM]?)", item)
        if not match:
            raise OpsError(
                f"--mau takes audience sizes separated by commas (e.g. 1000,100000 or 1k,100k,1M), got {item!r}"
            )
        mau = float(match[1]) * {"": 1, "k": 1e3, "m": 1e6}[match[2].lower()]
        if not 1 <= mau <= MAX_AUDIENCE:
            raise OpsError(f"--mau: an audience is between 1 and {MAX_AUDIENCE:,.0f} MAU, got {item!r}")
        found.append(mau)
    if len(found) > MAX_AUDIENCES:
        raise OpsError(f"--mau takes at most {MAX_AUDIENCES} audience sizes, got {len(found)}")
    return sorted(set(found))


def _cloud_env(env: str) -> None:
    from ops.env.envs import available_envs

    if env == "local":
        return  # deployment.load explains what to do instead
    names = available_envs()
    if env not in names:
        raise OpsError(f"unknown env {env!r}: choose one of {', '.join(names)}")


def _date(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise OpsError(f"--until must be a date yyyy-MM-dd, got {value!r}") from None


def _profile(usage: Path | None, from_analytics: int | None, analytics_env: str, until: str | None):
    from ops.cost import profile as profiles

    base = profiles.load(usage)
    if from_analytics is None:
        return base
    from ops.cost.measure import measure

    with err.status(
        f"measuring the usage profile from {analytics_env}'s usage events ({from_analytics} days)"
    ):
        measured = measure(analytics_env, from_analytics, base, _date(until))
    err.print(f"usage profile: {measured.name}")
    return measured


def _check_routes(profile, served: tuple[str, ...]) -> None:
    from ops.cost.profile import check_routes
    from ops.cost.route_work import ROUTES

    if served:
        check_routes(profile, set(served))
    unmodelled = sorted(r for r, n in profile.requests_per_active_day.items() if n and r not in ROUTES)
    if unmodelled:
        raise OpsError(
            f"no work model for route(s) {', '.join(unmodelled)}: add them to ops/cost/route_work.py"
        )


@app.command("estimate")
def estimate_command(
    env: EnvOption,
    mau: Annotated[
        str, typer.Option("--mau", help="audience sizes, comma-separated (1000,100000 or 1k,100k,1M)")
    ] = DEFAULT_AUDIENCES,
    usage: Annotated[
        Path | None,
        typer.Option(
            "--usage", help="usage profile (.toml or .json); default ops/cost/profiles/default.toml"
        ),
    ] = None,
    from_analytics: Annotated[
        int | None,
        typer.Option(
            "--from-analytics",
            min=1,
            max=3660,
            metavar="DAYS",
            help="measure the traffic from the last DAYS days of usage events (the rest from --usage)",
        ),
    ] = None,
    analytics_env: Annotated[
        str | None,
        typer.Option(
            "--analytics-env",
            help="whose usage events --from-analytics reads (default: --env; local: the local stack)",
        ),
    ] = None,
    until: Annotated[
        str | None,
        typer.Option(
            "--until",
            help="last day --from-analytics reads, yyyy-MM-dd (default: yesterday, or the local history's last day)",
        ),
    ] = None,
    fmt: Annotated[
        Format, typer.Option("--format", help="table (for people), md (Markdown) or json")
    ] = Format.table,
    advice: Annotated[
        AdviceLevel,
        typer.Option("--advice", help="actionable (needed, change, consider), all, or none"),
    ] = AdviceLevel.all,
    plot: Annotated[
        Path | None, typer.Option("--plot", help="also write a PNG of monthly cost against MAU per service")
    ] = None,
    free_tier: Annotated[
        bool,
        typer.Option(
            "--free-tier", help="take AWS's always-free units off (account-wide: one env per account)"
        ),
    ] = False,
) -> None:
    """Monthly cost per service and in total at each audience size, the DR standby apart, with advice."""
    from ops.cost import deployment as deployments
    from ops.cost import report
    from ops.cost.coverage import unpriced
    from ops.pricing import load as load_prices

    _cloud_env(env)
    audiences = parse_audiences(mau)
    if plot is not None and plot.suffix.lower() != ".png":
        raise OpsError(f"--plot writes a PNG: give a file name ending in .png, not {plot.name!r}")
    if from_analytics is None and (analytics_env or until):
        raise OpsError("--analytics-env and --until go with --from-analytics DAYS")
    prices = load_prices()
    d = deployments.load(env)
    profile = _profile(usage, from_analytics, analytics_env or env, until)
    _check_routes(profile, d.routes)
    missing = unpriced(d.resource_types)
    if missing:
        err.print(
            f"[yellow]warning:[/yellow] not priced (no model in ops/cost/coverage.py): {', '.join(missing)}"
        )
    if prices.age_days() > STALE_DAYS:
        err.print(
            f"[yellow]warning:[/yellow] the price table was checked {prices.age_days()} days ago "
            f"({prices.checked_on}): compare it with AWS's pages (ops cost prices)"
        )
    runs = report.run(d, profile, audiences, prices, free_tier, with_advice=advice != AdviceLevel.none)
    plotted = None
    if plot is not None:
        from ops.cost.plot import cost_vs_mau, write

        plotted = str(write(cost_vs_mau(d, profile, audiences, prices, free_tier), plot))
    doc = report.document(
        d, profile, runs, prices, plan=str(deployments.plan_path(env)), unpriced=missing, plot=plotted
    )
    if fmt == Format.json:
        typer.echo(json.dumps(doc, indent=1))
    elif fmt == Format.md:
        typer.echo(report.markdown(doc, advice.value), nl=False)
    else:
        _print_tables(doc, advice.value)
    if plotted:
        err.print(f"wrote {plotted}")


def _print_tables(doc: dict, level: str) -> None:
    from ops.cost import report

    for title, header, rows, totals in report.cost_tables(doc):
        table = Table(*header, title=title, title_justify="left")
        for column in table.columns[1:]:
            column.justify = "right"
        for i, row in enumerate(rows):
            table.add_row(
                *row,
                style="bold" if i >= len(rows) - totals else None,
                end_section=i == len(rows) - totals - 1,
            )
        out.print(table)
    if level != "none":
        header, rows, details = report.advice_rows(doc, level)
        if rows:
            table = Table(*header, title=report.ADVICE_TITLE, title_justify="left")
            for column in table.columns[1:]:
                column.justify = "right"
            for row in rows:
                table.add_row(*row)
            out.print(table)
            for d in details:
                out.print(
                    f"[bold]{d['topic']}[/bold]: {escape(d['change'])} ({escape(d['setting'])}). At {d['at']}: {escape(d['why'])}",
                    highlight=False,
                )
    for note in sorted({n for e in doc["estimates"] for n in e["notes"]}):
        out.print(f"note: {escape(note)}", highlight=False)


@app.command("profile")
def profile_command(
    env: Annotated[
        str, typer.Option("--env", help="whose usage events to read: local, dev, staging or prod")
    ],
    days: Annotated[int, typer.Option("--days", min=1, max=3660, help="days of usage events to read")] = 30,
    usage: Annotated[
        Path | None,
        typer.Option("--usage", help="the profile whose other fields are kept (default: the default)"),
    ] = None,
    until: Annotated[str | None, typer.Option("--until", help="last day, yyyy-MM-dd")] = None,
    out_file: Annotated[
        Path | None, typer.Option("--out", help="write the measured profile (JSON) here")
    ] = None,
) -> None:
    """Measure a usage profile from the env's usage events (what --from-analytics uses); print or save it."""
    from ops.cost import profile as profiles

    measured = _profile(usage, days, env, until)
    if out_file is None:
        typer.echo(json.dumps(measured.document(), indent=1))
        return
    try:
        profiles.save(measured, out_file)
    except OSError as exc:
        raise OpsError(f"cannot write the profile to {out_file}: {exc.strerror or exc}") from None
    err.print(f"wrote {out_file} (use it with: ops cost estimate --env ENV --usage {out_file})")


@app.command("prices")
def prices_command(
    region: Annotated[str | None, typer.Option("--region", help="only this region (or global)")] = None,
    fmt: Annotated[Format, typer.Option("--format", help="table, md or json")] = Format.table,
    types: Annotated[
        bool,
        typer.Option("--types", help="list how each Terraform resource type is priced (or why it is free)"),
    ] = False,
) -> None:
    """Every rate of the price table with its unit, tiers, free units and source, and the table's age."""
    from ops.cost.coverage import RESOURCE_PRICING, Priced
    from ops.pricing import load as load_prices

    prices = load_prices()
    if types:
        rows = [
            [t, "priced", ", ".join(p.meters) + f" ({p.how})"]
            if isinstance(p, Priced)
            else [t, "free", p.reason]
            for t, p in sorted(RESOURCE_PRICING.items())
        ]
        _emit(
            ["resource type", "how", "meters or reason"],
            rows,
            fmt,
            "How the cost model prices each resource type",
        )
        return
    regions = [region] if region else [*prices.regions, "global"]
    unknown = [r for r in regions if r not in prices.rates]
    if unknown:
        raise OpsError(
            f"no prices for region {unknown[0]!r} (priced: {', '.join([*prices.regions, 'global'])})"
        )
    rows = []
    for r in regions:
        for meter, rate in sorted(prices.rates[r].items()):
            tiers = _tiers(rate.tiers)
            per = f"per {rate.per:,.0f} {rate.unit}" if rate.per != 1 else f"per {rate.unit}"
            free = f"{rate.free_per_month:,.0f}" if rate.free_per_month else ""
            rows.append([r, meter, f"{tiers} USD {per}", free, prices.source_of(rate)])
    title = (
        f"AWS list prices ({prices.currency}) in ops/pricing/aws_prices.json, checked {prices.checked_on} "
        f"({prices.age_days()} days ago)"
    )
    _emit(["region", "meter", "price", "free a month", "source"], rows, fmt, title)


def _tiers(tiers: tuple[tuple[float | None, float], ...]) -> str:
    """'0.09 up to 10,240; 0.085 up to 51,200; 0.05 above 51,200' (a single tier: its price)."""
    if len(tiers) == 1:
        return f"{tiers[0][1]:g}"
    parts, below = [], 0.0
    for upto, usd in tiers:
        parts.append(f"{usd:g} up to {upto:,.0f}" if upto is not None else f"{usd:g} above {below:,.0f}")
        below = upto or below
    return "; ".join(parts)


def _emit(header: list[str], rows: list[list[str]], fmt: Format, title: str) -> None:
    if fmt == Format.json:
        typer.echo(
            json.dumps({"title": title, "rows": [dict(zip(header, r, strict=True)) for r in rows]}, indent=1)
        )
    elif fmt == Format.md:
        from ops.cost.report import md_table

        typer.echo("\n".join([f"**{title}**", "", *md_table(header, rows)]))
    else:
        table = Table(title=title, title_justify="left")
        for name in header:
            table.add_column(name, overflow="fold")  # a meter or a source URL wraps whole, never "…"
        for row in rows:
            table.add_row(*row)
        out.print(table)
