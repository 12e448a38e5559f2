"""`ops local`: run the whole backend on this machine (moto + stand-ins), and turn its knobs."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from ops.errors import OpsError
from ops.local import background_stack
from ops.local.config import MAX_INACTIVE_DAYS, Ports, StackConfig
from ops.paths import local_state_dir

app = typer.Typer(
    no_args_is_help=True, help="The local stack: the backend on one machine, offline, two regions."
)
replication_app = typer.Typer(no_args_is_help=True, help="Replicator knobs (S3 replication + global tables).")
region_app = typer.Typer(no_args_is_help=True, help="Drill knobs: take a region's front down or bring it up.")
app.add_typer(replication_app, name="replication")
app.add_typer(region_app, name="region")
out = Console(soft_wrap=True)  # one message, one line (tables still fit the terminal)
_DEFAULTS = Ports()


def _config(**ports: int) -> StackConfig:
    return StackConfig(state_dir=local_state_dir(), ports=Ports(**ports) if ports else Ports())


@app.command()
def up(
    moto_port: Annotated[int, typer.Option(help="moto (AWS emulator) port")] = _DEFAULTS.moto,
    primary_port: Annotated[int, typer.Option(help="primary-region API front")] = _DEFAULTS.primary,
    dr_port: Annotated[int, typer.Option(help="DR-region API front")] = _DEFAULTS.dr,
    public_port: Annotated[int, typer.Option(help="failover front (the public name)")] = _DEFAULTS.public,
    control_port: Annotated[int, typer.Option(help="control endpoint")] = _DEFAULTS.control,
    live_primary_port: Annotated[
        int, typer.Option(help="primary-region live channel (WebSocket)")
    ] = _DEFAULTS.live_primary,
    live_dr_port: Annotated[int, typer.Option(help="DR-region live channel (WebSocket)")] = _DEFAULTS.live_dr,
    timeout: Annotated[float, typer.Option(help="seconds to wait for readiness")] = 60.0,
    functions_dir: Annotated[
        Path | None,
        typer.Option(
            help="where the function packages are imported from (default: lambdas/ of this checkout)"
        ),
    ] = None,
) -> None:
    """Start the stack in the background and wait until every part is healthy."""
    config = _config(
        moto=moto_port,
        primary=primary_port,
        dr=dr_port,
        public=public_port,
        control=control_port,
        live_primary=live_primary_port,
        live_dr=live_dr_port,
    )
    if functions_dir is not None:
        config = config.model_copy(update={"functions_dir": functions_dir.resolve()})
    try:
        state, notes = background_stack.start(config, timeout=timeout)
    except background_stack.AlreadyRunning as exc:
        out.print(str(exc))
        return
    for note in notes:
        out.print(f"[yellow]note:[/yellow] {note}")
    out.print(f"local stack ready in {state['ready_seconds']:.1f} s (pid {state['pid']})")
    _print_where(state)


@app.command()
def down() -> None:
    """Stop the stack by its pid (nothing is left running)."""
    out.print(background_stack.stop(_config()))


@app.command()
def status(
    as_json: Annotated[bool, typer.Option("--json", help="print the status document")] = False,
) -> None:
    """Health of every part, the knobs, and the memory of the stack process."""
    config = _config()
    if background_stack.running_pid(config) is None:
        stale = background_stack.stale_pid(config)
        hint = f" (stale pid file for pid {stale}; `ops local down` clears it)" if stale else ""
        out.print(f"the local stack is not running{hint}; start it with `make up`")
        raise typer.Exit(3)
    state = background_stack.state(config)
    document = background_stack.call(config, "GET", "/status")
    if as_json:
        typer.echo(json.dumps(document, indent=2))
    else:
        table = Table("component", "healthy", "detail")
        for name, comp in document["components"].items():
            detail = comp.get("crashed") or comp.get("url") or ""
            if name.startswith("front."):
                detail = (
                    f"{comp['url']} -> {comp['serves']}"
                    if comp["healthy"]
                    else f"{comp['url']}: {comp['reason']}"
                )
            elif name == "moto" and comp.get("dark_regions"):
                detail = f"dark (outage knob): {', '.join(comp['dark_regions'])}"
            elif name == "replicator":
                detail = (
                    f"paused={comp['paused']} lag={comp['lag_seconds']}s pending="
                    f"{_count(comp['pending_items'])}+{_count(comp['pending_objects'])} applied={comp['items_applied']}"
                    f"+{comp['objects_applied']} errors={comp['errors']}"
                )
            elif name == "event_sources":
                detail = "; ".join(
                    f"{mapping}: {m['batches']} batches, {m['delivered']} ok"
                    for mapping, m in comp["mappings"].items()
                ) + (f"; last error: {comp['last_error']}" if comp.get("last_error") else "")
            elif name == "ttl_sweeper":
                detail = f"{comp['expired']} expired in {comp['sweeps']} sweeps"
            elif name == "archive_tiers":
                detail = (
                    f"{comp['archived']} archived, {comp['restoring']} restoring, "
                    f"{comp.get('restores_completed', 0)} restored"
                    + (f"; {comp['last_error']}" if comp.get("last_error") else "")
                )
            elif name == "log_subscription":
                detail = (
                    f"{comp['shipped']} usage lines shipped, {comp['pending']} queued, {comp['expired']} expired"
                    + (f"; last error: {comp['last_error']}" if comp.get("last_error") else "")
                )
            elif name == "firehose_conversion":
                detail = (
                    f"{comp['records']} records in {comp['objects']} objects, {comp['failed']} failed"
                    + (f"; {comp['problems']}" if comp.get("problems") else "")
                )
            table.add_row(name, "yes" if comp["healthy"] else "[red]NO[/red]", str(detail))
        out.print(table)
        regions = ", ".join(
            f"{k} {'up' if v == 'up' else '[red]DOWN[/red] (outage knob: its front and AWS calls answer 503)'}"
            for k, v in document["regions"].items()
        )
        out.print(f"regions: {regions}; memory {document['memory_mb']} MB; pid {document['pid']}")
        out.print(f"logs: {state['log_dir']}")
        for problem in document.get("problems", []):
            out.print(f"[red]not healthy:[/red] {problem}")
    if not document["healthy"]:
        raise typer.Exit(1)


@app.command()
def logs(
    follow: Annotated[
        bool, typer.Option("--follow", "-f", help="Keep printing new lines (Ctrl-C stops).")
    ] = False,
    requests_only: Annotated[
        bool, typer.Option("--requests", help="Only the request lines (method, route, status, latency, id).")
    ] = False,
    lines: Annotated[
        int, typer.Option("--lines", "-n", min=0, help="How many last lines to show first.")
    ] = 50,
) -> None:
    """The local stack's log: the last lines, then (--follow) new ones as they come."""
    import time
    from collections import deque

    path = _config().log_file
    if not path.is_file():
        raise OpsError(f"no local stack log at {path}: start the stack with `make up`")

    def wanted(line: str) -> bool:
        return not requests_only or " ops.local.requests: request " in line

    with path.open(encoding="utf-8", errors="replace") as handle:
        for line in deque((line for line in handle if wanted(line)), maxlen=lines):
            typer.echo(line, nl=False)
        while follow:
            line = handle.readline()
            if not line:
                if background_stack.running_pid(_config()) is None:
                    typer.echo("(the local stack stopped)", err=True)
                    return
                time.sleep(0.25)
                continue
            if wanted(line):
                typer.echo(line, nl=False)


@app.command()
def seed() -> None:
    """Create the demo users (one consumer, one provider); print their credentials and the request
    collection's variables (docs/requests/*.http) with their ID tokens."""
    from ops.local.seed import collection_variables, seed_users

    state = background_stack.state(_config())
    users = seed_users(state)
    for role, user in users.items():  # plain lines: a table would truncate the password
        out.print(f"{role}: email {user.email}  password {user.password}  sub {user.sub}", soft_wrap=True)
    out.print(
        "sign in with SRP (USER_SRP_AUTH, as the app client allows) against the pool in `ops stack outputs --env local`"
    )
    out.print(
        "request collection variables (docs/requests/*.http; the tokens are ID tokens, valid 60 minutes):"
    )
    for name, value in collection_variables(state, users).items():
        typer.echo(f"@{name} = {value}")  # echo, not rich: a token must never wrap or be marked up


@app.command()
def token(
    user: Annotated[
        str, typer.Option("--user", help="consumer or provider (the demo users of `ops local seed`)")
    ],
) -> None:
    """Print a fresh ID token of a demo user on stdout (for `Authorization: Bearer ...`); the user gets a new
    password, printed on stderr, as `ops local seed` gives."""
    from ops.local.seed import seed_user

    signed_in = seed_user(background_stack.state(_config()), user)
    typer.echo(f"{signed_in.email}: new password {signed_in.password}", err=True)
    typer.echo(signed_in.id_token)


@app.command()
def reset() -> None:
    """Empty tables, buckets and queues in both regions (resources stay); knobs back to normal."""
    background_stack.call(_config(), "POST", "/reset")
    out.print("local stack state reset")


@app.command("ttl-sweep")
def ttl_sweep() -> None:
    """Expire items past their TTL now (the TTL stand-in also runs every 5 s)."""
    expired = background_stack.call(_config(), "POST", "/ttl/sweep")["expired"]
    out.print(f"TTL stand-in deleted {expired} expired item(s) (both regions)")


@app.command("firehose-flush")
def firehose_flush() -> None:
    """Deliver the buffered usage events now (the Firehose stand-in also delivers every buffering interval)."""
    document = background_stack.call(_config(), "POST", "/firehose/flush")
    for problem in document["problems"].values():
        out.print(f"[red]not delivered:[/red] {problem}")
    for delivery in document["deliveries"]:
        out.print(
            f"{delivery['stream']}: {delivery['records']} record(s) delivered, {delivery['failed']} to the error prefix"
        )
    if not document["deliveries"]:
        out.print("nothing buffered")
    if document["problems"]:
        raise typer.Exit(1)


@app.command()
def archive(
    inactive_days: Annotated[
        int,
        typer.Option(
            "--inactive-days",
            min=0,
            max=MAX_INACTIVE_DAYS,
            help="archive what was not used in this many days",
        ),
    ],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="say what would happen, change nothing")] = False,
) -> None:
    """The archive clock: media objects not used in N days become inactive (as if six months passed) and
    Intelligent-Tiering archives what S3 would have; archived objects then refuse reads until restored."""
    document = background_stack.call(
        _config(), "POST", "/archive", {"inactive_days": inactive_days, "dry_run": dry_run}
    )
    verb = "would make" if dry_run else "made"
    out.print(
        f"{verb} {document['made_inactive']} media object(s) inactive (not used in {inactive_days} days)"
    )
    table = Table("bucket", "region", "outcome", "objects")
    for bucket, outcome in document["buckets"].items():
        if "skipped" in outcome:
            table.add_row(bucket, outcome["label"], outcome["skipped"], "")
            continue
        counts = {k: v for k, v in outcome.items() if k not in ("label", "region")}
        for index, (what, count) in enumerate(counts.items() or [("no media objects", 0)]):
            table.add_row(
                bucket if index == 0 else "", outcome["label"] if index == 0 else "", what, str(count)
            )
    out.print(table)


@app.command()
def inventory() -> None:
    """Write the media buckets' S3 Inventory reports now (S3 delivers them daily)."""
    reports = background_stack.call(_config(), "POST", "/inventory")["reports"]
    for report in reports:
        out.print(f"{report['source_bucket']}: {report['objects']} object(s) -> {report['manifest']}")
    if not reports:
        out.print("no inventory configuration is enabled (or its region is dark)")


@replication_app.command("pause")
def replication_pause() -> None:
    """Stop applying changes to the DR region (the backlog is kept)."""
    _print_replication(background_stack.call(_config(), "POST", "/replication/pause"))


@replication_app.command("resume")
def replication_resume() -> None:
    """Apply the backlog and keep replicating."""
    _print_replication(background_stack.call(_config(), "POST", "/replication/resume"))


@replication_app.command("lag")
def replication_lag(seconds: Annotated[float, typer.Argument(help="delay added to every change")]) -> None:
    """Apply each change no earlier than SECONDS after it was written."""
    if not math.isfinite(seconds) or seconds < 0:
        raise OpsError(f"replication lag must be a number of seconds, 0 or more, not {seconds!r}")
    _print_replication(background_stack.call(_config(), "POST", "/replication/lag", {"seconds": seconds}))


@region_app.command("down")
def region_down(region: Annotated[str, typer.Argument(help="primary or dr")]) -> None:
    """Make the region dark, as in an outage: its API front and every AWS call to it answer 503."""
    _set_region(region, "down")


@region_app.command("up")
def region_up(region: Annotated[str, typer.Argument(help="primary or dr")]) -> None:
    """Bring the region's front back."""
    _set_region(region, "up")


def _set_region(region: str, state: str) -> None:
    if region not in ("primary", "dr"):
        raise OpsError(f"region must be 'primary' or 'dr', not {region!r}")
    document = background_stack.call(_config(), "POST", f"/regions/{region}/{state}")
    out.print(", ".join(f"{k} {v}" for k, v in document["regions"].items()))


def _print_replication(document: dict) -> None:
    out.print(
        f"replication {'paused' if document['paused'] else 'running'}, lag {document['lag_seconds']} s, "
        f"pending {_count(document['pending_items'])} items + {_count(document['pending_objects'])} objects"
    )


def _count(value: int | None) -> str:
    return "?" if value is None else str(value)  # None: a dark region cannot be asked


def _print_where(state: dict) -> None:
    outputs = state["outputs"]
    table = Table("what", "where")
    table.add_row("AWS emulator (moto)", outputs["endpoint_url"])
    for name in ("primary", "dr", "public"):
        table.add_row(f"API front: {name}", outputs["api"][name])
    table.add_row("control endpoint", state["control_url"])
    table.add_row("user pool / client", f"{outputs['auth']['user_pool_id']} / {outputs['auth']['client_id']}")
    table.add_row("table", outputs["table"]["name"])
    table.add_row(
        "media buckets", f"{outputs['media']['bucket']['primary']} -> {outputs['media']['bucket']['dr']}"
    )
    table.add_row("API handler", state["handlers"].get("api.primary", "?"))
    table.add_row("logs", state["log_dir"])
    out.print(table)
    out.print("outputs: `ops stack outputs --env local`; demo users: `ops local seed`; stop: `make down`")
