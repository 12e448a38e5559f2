"""`ops drill run|recover|history`: failover drills with measured RTO and RPO, against the local stack or a
cloud env. Exit codes: 0 passed, 1 a target or check failed, 2 refused (nothing changed), 3 aborted with
the env possibly still failed over (the state file says what to undo: `ops drill recover`).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Annotated, Any

import psutil
import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from ops.drill import report as report_files
from ops.drill import targets as env_targets
from ops.drill.envs import DrillEnv, load, state_path
from ops.drill.model import EXIT_ABORTED, EXIT_REFUSED, FAULTS, MODES, DrillOptions, Step
from ops.drill.state import StateFile
from ops.errors import OpsError

app = typer.Typer(
    no_args_is_help=True,
    help="DR drills: fail over to the DR region, measure RTO and RPO, fail back, report.",
)
err = Console(stderr=True, soft_wrap=True)  # progress and messages; stdout is the report with --json
PROTECTED_ENVS = frozenset({"prod"})
DEFAULT_REPORT_DIR = Path("reports/drills")

EnvOption = Annotated[str, typer.Option("--env", help="local, dev, staging or prod")]


def refuse(message: str) -> None:
    """Exit 2 with one line: nothing was changed."""
    raise OpsError(f"refused: {message} (nothing was changed)", exit_code=EXIT_REFUSED)


def plan_lines(options: DrillOptions, cut: str) -> list[str]:
    """Every step a run would take, for the dry run."""
    targets = env_targets.for_env(options.env, options.rto_target, options.rpo_target)
    lines = [
        "refuse if an earlier drill left a state file, the env is already failed over, or alarms are in ALARM",
        "preflight (read-only): table replica ACTIVE, media replication rule, user pool replica, "
        "DR push platforms, DR API health, DR functions and event-source mappings",
        "create a consumer and a provider (no email sent), sign both in (SRP); write profiles, a subscription, "
        "a device and a media object through the API",
    ]
    if options.inject:
        lines.append(f"inject {options.inject}: {FAULTS[options.inject]}")
    lines += [
        f"start the probe: {options.probe_rate:g} write+read ticks/s through the public name",
        f"write RPO canaries (table item, media object) and time their replication (up to {targets.rpo_seconds:g} s)",
    ]
    if options.mode == "failover":
        lines += [
            f"cut the primary region off: {cut}",
            f"measure RTO (target {targets.rto_seconds:g} s): detection, switch, first write+read served by DR",
            f"measure RPO (target {targets.rpo_seconds:g} s): acknowledged writes missing in DR",
            "in DR: sign in an existing user against the DR user pool, report sign-up/password reset, "
            "write, download the media object, deliver a push",
            f"stay failed over {options.hold_seconds:g} s, then fail back: restore the primary, undo the fault, "
            "check DR's writes reached it, wait for steady state served by the primary",
        ]
    else:
        lines.append("sign in against the DR user pool (no failover)")
    lines += [
        "remove the canaries, the users and their data (both regions)",
        f"write {options.report_dir}/{options.env}/<run id>/report.json, report.md, timeline.png; "
        "append history.jsonl; redraw trend.png",
    ]
    return [f"{i}. {line}" for i, line in enumerate(lines, 1)]


def _cut_description(env: str) -> str:
    if env == "local":
        return "`ops local region down primary` (front 503, every AWS call to the region fails)"
    return "invert the primary's Route 53 health check (or set the ARC routing control Off, where configured)"


def _previous_state(path: Path) -> str | None:
    state = StateFile(path)
    if not state.exists():
        return None
    document = state.read()
    pid = document.get("pid")
    alive = isinstance(pid, int) and pid != os.getpid() and psutil.pid_exists(pid) and _is_drill(pid)
    changed = ", ".join(c.get("fault") or c["kind"] for c in document["changes"]) or "nothing recorded yet"
    if alive:
        return f"a drill is running now (run {document.get('run_id')}, pid {pid}; state file {path})"
    return (
        f"an earlier drill (run {document.get('run_id')}) left state behind in {path} ({changed}): "
        f"run `ops drill recover --env {document.get('env')}`"
    )


def _print_step(step: Step) -> None:
    mark = (
        "[green]ok[/green]"
        if step.ok
        else ("[red]FAILED[/red]" if step.critical else "[yellow]note[/yellow]")
    )
    err.print(
        f"  {mark} {step.phase}/{step.name} ({step.seconds:.2f} s): {escape(step.detail)}", highlight=False
    )


@app.command()
def run(
    env: EnvOption,
    mode: Annotated[str, typer.Option(help="failover or non-destructive")] = "failover",
    inject: Annotated[str | None, typer.Option(help=f"fault: {', '.join(FAULTS)}")] = None,
    report_dir: Annotated[Path, typer.Option(help="reports go to DIR/<env>/<run id>/")] = DEFAULT_REPORT_DIR,
    yes: Annotated[
        bool, typer.Option("--yes", help="really run against prod (default there: --dry-run)")
    ] = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="print every step, change nothing")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="print report.json to stdout")] = False,
    probe_rate: Annotated[float, typer.Option(min=0.5, max=50, help="probe ticks per second")] = 5.0,
    warmup: Annotated[float, typer.Option(min=0, help="seconds of probing before the cut")] = 2.0,
    hold: Annotated[float, typer.Option(min=0, help="seconds failed over after the first success")] = 2.0,
    steady: Annotated[float, typer.Option(min=0, help="seconds of steady state after failback")] = 2.0,
    failback_timeout: Annotated[float, typer.Option(min=1, help="seconds allowed for failback")] = 60.0,
    rto_target: Annotated[
        float | None, typer.Option(min=0.1, help="override the env's RTO target (s)")
    ] = None,
    rpo_target: Annotated[
        float | None, typer.Option(min=0.1, help="override the env's RPO target (s)")
    ] = None,
) -> None:
    """Run a drill. Prod runs only with --yes; without it, a dry run."""
    if mode not in MODES:
        raise OpsError(f"--mode must be one of {', '.join(MODES)}, not {mode!r}")
    if inject is not None and inject not in FAULTS:
        raise OpsError(f"--inject must be one of {', '.join(FAULTS)}, not {inject!r}")
    options = DrillOptions(
        env=env,
        mode=mode,  # type: ignore[arg-type]
        inject=inject,
        report_dir=report_dir,
        yes=yes,
        dry_run=dry_run or (env in PROTECTED_ENVS and not yes),
        probe_rate=probe_rate,
        warmup_seconds=warmup,
        hold_seconds=hold,
        steady_seconds=steady,
        failback_timeout=failback_timeout,
        rto_target=rto_target,
        rpo_target=rpo_target,
    )
    _check_report_dir(report_dir / env)
    path = state_path(env)
    if options.dry_run:
        why = "" if dry_run else f" ({env} runs only with --yes)"
        err.print(f"dry run{why}: nothing will be changed. A {mode} drill of {env} would:", highlight=False)
        for line in plan_lines(options, _cut_description(env)):
            typer.echo(line)
        previous = _previous_state(path)
        if previous:
            err.print(f"[yellow]note:[/yellow] a real run would be refused now: {escape(previous)}")
        return
    previous = _previous_state(path)
    if previous:
        refuse(previous)
    drill_env = load(env)
    reason = drill_env.refusal()
    if reason:
        refuse(reason)
    code = execute(drill_env, options, as_json)
    raise typer.Exit(code)


def _check_report_dir(directory: Path) -> None:
    """Refuse (exit 2, nothing changed) when the report could not be written there: found before the
    drill, not after it has run. Creates nothing: the nearest existing folder must be writable."""
    existing = directory
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if not existing.is_dir() or not os.access(existing, os.W_OK | os.X_OK):
        refuse(f"cannot write reports under {directory}: {existing} is not a writable folder")


def execute(drill_env: DrillEnv, options: DrillOptions, as_json: bool = False) -> int:
    """Run the drill on an env already checked for refusals; write the report; the exit code."""
    from ops.drill.runner import Drill

    targets = env_targets.for_env(options.env, options.rto_target, options.rpo_target)
    with err.status(f"{options.mode} drill of {options.env}") as status:
        drill = Drill(
            drill_env,
            options,
            targets,
            on_step=_print_step,
            on_phase=lambda text: status.update(f"{options.mode} drill of {options.env}: {text}"),
        )
        err.print(
            f"drill {drill.run_id}: {options.mode} of {options.env}"
            + (f", injecting {options.inject}" if options.inject else ""),
            highlight=False,
        )
        document = drill.run()
    run_dir = report_files.write(document, options.report_dir)
    _summary(document, run_dir)
    if as_json:
        typer.echo(json.dumps(document, indent=2))
    return int(document["exit_code"])


def _summary(document: dict[str, Any], run_dir: Path) -> None:
    targets = document["targets"]
    table = Table("measure", "value", "target")
    rto, rpo = document.get("rto_seconds"), document.get("rpo_seconds")
    table.add_row("RTO", "n/a" if rto is None else f"{rto:.3f} s", f"{targets['rto_seconds']:g} s")
    table.add_row("RPO", "n/a" if rpo is None else f"{rpo:.3f} s", f"{targets['rpo_seconds']:g} s")
    table.add_row("lost writes at failover", str(document.get("lost_writes")), "")
    table.add_row("wall time", f"{document['wall_seconds']:.1f} s", "")
    err.print(table)
    if document["exit_code"] == EXIT_ABORTED:
        err.rule("[bold red]FAILBACK INCOMPLETE[/bold red]")
        err.print(
            f"[bold red]the env {document['env']} may still be failed over: {escape(str(document.get('aborted')))}. "
            f"State kept; run `ops drill recover --env {document['env']}`.[/bold red]"
        )
    elif document["passed"]:
        err.print(f"[green]drill passed[/green]; report: {run_dir}/report.md")
    else:
        err.print(
            "[red]drill FAILED[/red]: "
            + escape("; ".join(document["failed"]) or str(document.get("aborted")))
        )
        err.print(f"report: {run_dir}/report.md")


@app.command()
def recover(
    env: EnvOption,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="say what would be undone, change nothing")
    ] = False,
) -> None:
    """Undo what an interrupted drill left changed (from its state file), clean up, remove the state file."""
    from ops.drill.runner import cleanup

    state = StateFile(state_path(env))
    if not state.exists():
        err.print(f"nothing to recover for {env}: no drill state file ({state.path})")
        return
    document = state.read()
    pid = document.get("pid")
    if isinstance(pid, int) and pid != os.getpid() and psutil.pid_exists(pid) and _is_drill(pid):
        refuse(f"the drill that wrote {state.path} is still running (pid {pid})")
    changes = [c for c in document["changes"] if c["kind"] != "users"]
    if dry_run:
        for change in reversed(changes):
            typer.echo(f"undo {change.get('fault') or change['kind']} ({change.get('how', '')})")
        typer.echo("remove the drill's users and their data; remove the state file")
        return
    drill_env = load(env)
    for change in reversed(changes):
        drill_env.undo(change)
        document["changes"].remove(change)
        state.write(document)
        err.print(f"undid {change.get('fault') or change['kind']}")
    check = cleanup(drill_env, document)
    err.print(check.detail)
    state.remove()
    err.print(f"recovered {env} from drill {document.get('run_id')}; state file removed")


def _is_drill(pid: int) -> bool:
    try:
        return any("drill" in part for part in psutil.Process(pid).cmdline())
    except psutil.Error:
        return False


@app.command()
def history(env: EnvOption, report_dir: Annotated[Path, typer.Option()] = DEFAULT_REPORT_DIR) -> None:
    """The env's drills so far (history.jsonl), and the RTO/RPO trend chart redrawn."""
    path = report_dir / env / "history.jsonl"
    runs = report_files.read_history(path)
    if not runs:
        err.print(f"no drills recorded for {env} ({path})")
        return
    table = Table("run", "mode", "fault", "RTO s", "RPO s", "lost", "passed")
    for r in runs:
        table.add_row(
            r["run_id"],
            r["mode"],
            r.get("inject") or "",
            "" if r.get("rto_seconds") is None else f"{r['rto_seconds']:.3f}",
            "" if r.get("rpo_seconds") is None else f"{r['rpo_seconds']:.3f}",
            "" if r.get("lost_writes") is None else str(r["lost_writes"]),
            "yes" if r.get("passed") else "NO",
        )
    Console().print(table)
    report_files.trend_chart(runs, report_dir / env / "trend.png")
    err.print(f"trend: {report_dir / env / 'trend.png'}")
