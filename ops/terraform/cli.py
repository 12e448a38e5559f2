"""`ops tf ...`: the offline Terraform checks."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ops.terraform.gates import GateOptions, Gates

app = typer.Typer(no_args_is_help=True, help="Offline Terraform checks (the `make validate` gates).")


@app.command("validate")
def validate(
    directory: Annotated[
        Path, typer.Option("--dir", help="Terraform tree (modules/, blueprint/, envs/).")
    ] = GateOptions.source_dir,
    env: Annotated[
        list[str] | None, typer.Option("--env", help="Env(s) to plan; default: every envs/*.tfvars.")
    ] = None,
    reports: Annotated[
        Path, typer.Option(help="Where plan JSON and checkov reports go.")
    ] = GateOptions.reports_dir,
    provider: Annotated[
        str, typer.Option(help="offline (stand-in) or registry (real provider, needs network).")
    ] = "offline",
    jobs: Annotated[int, typer.Option(help="Parallel Terraform runs.")] = GateOptions.jobs,
    gates: Annotated[
        str, typer.Option(help="Comma-separated subset of: fmt,validate,test,plan,artefacts,checkov.")
    ] = ",".join(GateOptions.gates),
) -> None:
    """fmt, validate, terraform test, offline plan per env, the planned zips, checkov: stop at the first failure."""
    if provider not in ("offline", "registry"):
        raise typer.BadParameter("must be offline or registry", param_hint="--provider")
    chosen = tuple(g.strip() for g in gates.split(",") if g.strip())
    unknown = sorted(set(chosen) - set(GateOptions.gates))
    if unknown or not chosen:
        raise typer.BadParameter(
            f"unknown gate(s) {unknown}; choose from {','.join(GateOptions.gates)}", param_hint="--gates"
        )
    options = GateOptions(
        gates=chosen,
        source_dir=directory,
        envs=list(env or []),
        reports_dir=reports,
        provider=provider,
        jobs=jobs,
    )  # type: ignore[arg-type]
    timings = Gates(options).run()
    typer.echo(f"all Terraform gates passed in {sum(timings.values()):.0f}s")
