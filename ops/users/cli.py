"""`ops users list-applications|approve|reject|onboard`: provider applications and onboarding repair
(ops/users/applications.py)."""

from __future__ import annotations

import getpass
import json
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from backend_core.provider_application_store import ProviderApplication

app = typer.Typer(no_args_is_help=True, help="The env's users: provider applications, onboarding repair.")
console = Console()

EnvOption = Annotated[str, typer.Option("--env", help="local, dev, staging or prod")]
UserArg = Annotated[
    str, typer.Argument(help="The applicant's user id (their sub, as list-applications shows).")
]
ByOption = Annotated[
    str | None, typer.Option("--by", help="Who decides (recorded); default: this login name.")
]
DryRun = Annotated[bool, typer.Option("--dry-run", help="Say what would change; change nothing.")]


def _applications(env: str):
    """The env's applications, through its stack outputs: the local stack's emulator, or AWS with the
    operator's own credentials (checked when the outputs are read)."""
    from ops.analytics.target import stack_outputs
    from ops.users.applications import Applications

    outputs = stack_outputs(env)
    region, endpoint = outputs.primary_region, outputs.endpoint_url
    if endpoint:
        from ops.local.aws import client

        return Applications(
            outputs, client("dynamodb", region, endpoint), client("cognito-idp", region, endpoint)
        )
    import boto3

    session = boto3.session.Session(region_name=region)
    return Applications(outputs, session.client("dynamodb"), session.client("cognito-idp"))


@app.command("list-applications")
def list_applications(
    env: EnvOption = "local",
    status: Annotated[str, typer.Option("--status", help="pending, approved or rejected")] = "pending",
    as_json: Annotated[bool, typer.Option("--json", help="JSON lines for scripts.")] = False,
) -> None:
    """The provider applications in one status, oldest first."""
    found = _applications(env).list(status)
    if as_json:
        for a in found:
            typer.echo(json.dumps(a.__dict__))
        return
    console.print(applications_table(found, f"{status} provider applications ({env}): {len(found)}"))


def applications_table(found: list[ProviderApplication], title: str) -> Table:
    """The applications as a table; the user id is never shortened (operators paste it into approve/reject), the
    other columns wrap instead."""
    table = Table(title=title)
    table.add_column("user id", no_wrap=True, min_width=36)
    for column in ("email", "business", "requested", "decided", "reason"):
        table.add_column(column, overflow="fold")
    for a in found:
        table.add_row(
            a.user_id, a.email or "", a.business_name, a.requested_at, a.decided_at or "", a.reason or ""
        )
    return table


@app.command()
def approve(user_id: UserArg, env: EnvOption = "local", by: ByOption = None, dry_run: DryRun = False) -> None:
    """Approve a pending application: the user joins `providers` (from their next token on)."""
    decision = _applications(env).approve(user_id, by or getpass.getuser(), dry_run)
    _report(decision)


@app.command()
def reject(
    user_id: UserArg,
    reason: Annotated[
        str,
        typer.Option(
            "--reason", help="Why (recorded with the decision; the API does not show it: tell the applicant)."
        ),
    ],
    env: EnvOption = "local",
    by: ByOption = None,
    dry_run: DryRun = False,
) -> None:
    """Reject a pending application with a reason; the user may apply again."""
    decision = _applications(env).reject(user_id, by or getpass.getuser(), reason, dry_run)
    _report(decision)


@app.command()
def onboard(user_id: UserArg, env: EnvOption = "local", dry_run: DryRun = False) -> None:
    """Add a user the onboarding trigger failed for to `consumers` (from their next token on)."""
    steps = _applications(env).onboard(user_id, dry_run)
    prefix = "would " if dry_run else ""
    for step in steps:
        console.print(f"{prefix}{step}", highlight=False)
    console.print(
        "dry run: nothing changed" if dry_run else f"{user_id}: onboarded",
        style="yellow" if dry_run else "green",
    )


def _report(decision) -> None:
    prefix = "would " if decision.dry_run else ""
    for step in decision.steps:
        console.print(f"{prefix}{step}", highlight=False)
    if decision.dry_run:
        console.print("dry run: nothing changed", style="yellow")
    else:
        console.print(f"{decision.application.user_id}: {decision.application.status}", style="green")
