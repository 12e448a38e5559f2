"""`ops`: the operator command line. Each area registers its own typer sub-app here."""

from __future__ import annotations

import json
import sys

import typer
from rich.console import Console
from rich.markup import escape

from ops import contracts
from ops.errors import OpsError

app = typer.Typer(
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_show_locals=False,
    help="Operate the mobile backend toolkit.",
)
err = Console(stderr=True, soft_wrap=True)  # one-line errors stay one line when piped

contracts_app = typer.Typer(no_args_is_help=True, help="The shared contracts exported for Terraform.")
app.add_typer(contracts_app, name="contracts")


@contracts_app.command("export")
def contracts_export() -> None:
    """Write terraform/contracts/*.json from the Python definitions."""
    for path in contracts.export():
        typer.echo(f"wrote {path.relative_to(contracts.CONTRACTS_DIR.parent.parent)}")


@contracts_app.command("check")
def contracts_check() -> None:
    """Fail when terraform/contracts/*.json differ from the Python definitions."""
    stale = contracts.drifted()
    if stale:
        raise OpsError(f"contracts out of date: {', '.join(stale)} (run: ops contracts export)")
    typer.echo("contracts up to date")


# name -> module exposing a typer `app`. Each area owns its module, so areas never edit each other's files.
SUB_APPS = {
    "tf": "ops.terraform.cli",
    "local": "ops.local.cli",
    "env": "ops.deploy.cli",
    "build": "ops.lambda_build",
    "stack": "ops.stack_cli",
    "analytics": "ops.analytics.cli",
}


def _register_sub_apps() -> None:
    import importlib

    for name, module_name in SUB_APPS.items():  # imported here: `ops --help` stays quick
        app.add_typer(importlib.import_module(module_name).app, name=name)


def main() -> None:
    _register_sub_apps()
    try:
        app()  # standalone: usage errors print typer's own message and exit 2
    except OpsError as exc:
        err.print(f"[red]error:[/red] {escape(str(exc))}", highlight=False)  # Terraform text has [brackets]
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        err.print("aborted")
        sys.exit(130)


def print_json(document: object) -> None:
    typer.echo(json.dumps(document, indent=2, sort_keys=False))
