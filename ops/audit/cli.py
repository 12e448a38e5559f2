"""`ops audit`: is the archival policy applied as declared, and what does it save (ops/audit/README.md)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)

from ops.audit.env import AuditEnv
from ops.audit.lifecycle import SOURCES, audit_lifecycle
from ops.audit.report import as_json, as_markdown, plain_table, render_table
from ops.errors import OpsError
from ops.report_console import report_console

app = typer.Typer(no_args_is_help=True, help="Audits: the archival policy as declared, applied and priced.")
FORMATS = ("table", "json", "md")


@contextmanager
def _progress(
    console: Console, enabled: bool
) -> Iterator[Callable[[str, int | None], Callable[[int], None]]]:
    """Progress bars on stderr (the report itself goes to stdout or --out)."""
    if not enabled:
        yield lambda description, total: lambda n: None
        return
    columns = (
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
    )
    with Progress(*columns, console=console, transient=True) as bars:

        def start(description: str, total: int | None) -> Callable[[int], None]:
            task = bars.add_task(description, total=total)
            return lambda n: bars.advance(task, n)

        yield start


@app.command("lifecycle")
def lifecycle(
    env: Annotated[str, typer.Option("--env", help="local, dev, staging or prod")],
    output_format: Annotated[str, typer.Option("--format", help="table, json or md")] = "table",
    source: Annotated[
        str, typer.Option(help="object states from: auto (S3 Inventory where present), inventory, listing")
    ] = "auto",
    out: Annotated[Path | None, typer.Option(help="write the report to this file instead of stdout")] = None,
    progress: Annotated[bool, typer.Option(help="progress bars on stderr")] = True,
) -> None:
    """Declared vs actual bucket settings, objects by last use, monthly cost, TTL archive reconciliation.
    Exit 1 on any violation."""
    if output_format not in FORMATS:
        raise OpsError(f"--format must be one of {', '.join(FORMATS)}, not {output_format!r}")
    if source not in SOURCES:
        raise OpsError(f"--source must be one of {', '.join(SOURCES)}, not {source!r}")
    stderr = Console(stderr=True, soft_wrap=True)
    target = AuditEnv.resolve(env)
    with _progress(stderr, progress and stderr.is_terminal) as bars:
        report = audit_lifecycle(target, source=source, progress=bars)
    if output_format == "table" and out is None:
        render_table(report, report_console())
    else:
        text = {"json": as_json, "md": as_markdown, "table": plain_table}[output_format](report)
        if out is None:
            typer.echo(text, nl=False)
        else:
            out.parent.mkdir(parents=True, exist_ok=True)
            out.write_text(text)
            stderr.print(f"report written to {out}")
    if not report.passed:
        if output_format != "table" or out is not None:
            stderr.print(f"[red]FAILED[/red]: {len(report.violations)} violation(s)", highlight=False)
        raise typer.Exit(1)
