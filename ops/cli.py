"""`ops`: the operator command line. Each area registers its own typer sub-app here.

Every mistake an operator can make ends in one line on stderr and a non-zero exit, never a traceback:
`main` runs the app without click's standalone mode and translates what comes out (usage errors, OpsError,
and through `ops.errors.describe` everything else: AWS credentials and regions, unreachable endpoints,
missing files, invalid JSON). OPS_DEBUG=1 shows the traceback of an unexpected error instead.
"""

from __future__ import annotations

import json
import os
import sys

import typer
from rich.console import Console
from rich.markup import escape

from ops import contracts
from ops.errors import OpsError, describe, one_line

app = typer.Typer(
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_show_locals=False,
    help="Operate the mobile backend toolkit.",
)
err = Console(stderr=True, soft_wrap=True)  # one-line errors stay one line when piped
DISTRIBUTION = "mobile-backend-toolkit"


def version() -> str:
    """The installed distribution's version (pyproject.toml `version`, also the CHANGELOG's top entry)."""
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as installed_version

    try:
        return installed_version(DISTRIBUTION)
    except PackageNotFoundError:  # run from a tree that was never installed: read pyproject itself
        import tomllib

        from ops.paths import REPO_ROOT

        pyproject = REPO_ROOT / "pyproject.toml"
        return tomllib.loads(pyproject.read_text())["project"]["version"]


def _print_version(value: bool) -> None:
    if value:
        typer.echo(f"ops {version()}")
        raise typer.Exit()


@app.callback()
def _root(
    show_version: bool = typer.Option(
        False, "--version", callback=_print_version, is_eager=True, help="Print the version and exit."
    ),
) -> None:
    """Operate the mobile backend toolkit."""


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
    "env": "ops.env.cli",
    "build": "ops.lambda_build",
    "stack": "ops.stack_cli",
    "drill": "ops.drill.cli",
    "analytics": "ops.analytics.cli",
    "audit": "ops.audit.cli",
    "cost": "ops.cost.cli",
    "users": "ops.users.cli",
}


_registered: set[str] = set()


def _register_sub_apps() -> None:
    import importlib

    for name, module_name in SUB_APPS.items():  # imported here: `ops --help` stays quick
        if name not in _registered:  # once per process: tests call main() many times
            app.add_typer(importlib.import_module(module_name).app, name=name)
            _registered.add(name)


# typer ships its own copy of click (typer._click) in some versions and uses click in others: find the
# exception classes through a public one instead of importing either.
_CLICK_EXCEPTION = next(c for c in typer.BadParameter.__mro__ if c.__name__ == "ClickException")
_USAGE_ERROR = next(c for c in typer.BadParameter.__mro__ if c.__name__ == "UsageError")


def fail(message: str, exit_code: int) -> None:
    err.print(
        f"[red]error:[/red] {escape(one_line(message))}", highlight=False
    )  # Terraform text has [brackets]
    sys.exit(exit_code)


def main(argv: list[str] | None = None) -> None:
    _register_sub_apps()
    try:
        result = app(args=argv, prog_name="ops", standalone_mode=False)
    except _USAGE_ERROR as exc:
        if not exc.format_message():  # a group called without a command: its help is already printed
            sys.exit(exc.exit_code)
        command = exc.ctx.command_path if exc.ctx is not None else "ops"
        fail(f"{exc.format_message().rstrip('.')} (see: {command} --help)", exc.exit_code)
    except _CLICK_EXCEPTION as exc:
        fail(exc.format_message(), exc.exit_code)
    except (KeyboardInterrupt, typer.Abort):
        err.print("aborted")
        sys.exit(130)
    except Exception as exc:
        if os.environ.get("OPS_DEBUG") and not isinstance(exc, OpsError):
            raise
        error = describe(exc)
        fail(str(error), error.exit_code)
    sys.exit(result if isinstance(result, int) else 0)


def print_json(document: object) -> None:
    typer.echo(json.dumps(document, indent=2, sort_keys=False))
