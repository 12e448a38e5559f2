"""`ops env plan|apply|destroy|outputs --env X`: the cloud environments, from the one blueprint.

`make plan ENV=x` saves a plan; `make apply ENV=x` applies exactly that plan (prod asks first) and then
keeps the Cognito user pool replica in the DR region; `make destroy ENV=x` is refused for prod.
"""

from __future__ import annotations

import json
import sys
from typing import Annotated

import typer

from ops.deploy import cognito_replica
from ops.deploy.credentials import caller_identity, require_credentials
from ops.deploy.envs import CloudEnv, resolve
from ops.deploy.terraform_runner import TerraformRunner, repo_relative
from ops.errors import OpsError

app = typer.Typer(
    no_args_is_help=True, help="Plan, apply, destroy and read a cloud environment (dev, staging, prod)."
)

EnvOption = Annotated[str, typer.Option("--env", help="dev, staging or prod (local: make up)")]
YesOption = Annotated[bool, typer.Option("--yes", help="Skip the confirmation prompt (prod apply).")]


def _check_credentials(env: CloudEnv) -> None:
    """Credentials found and accepted by AWS, or one line saying why not (before Terraform starts)."""
    source = require_credentials(env.name)
    identity = caller_identity(env.name, env.primary_region)
    typer.echo(
        f"env {env.name}: account {identity['Account']} as {identity['Arn']} (credentials from {source})",
        err=True,
    )


def _prepare(env_name: str) -> tuple[CloudEnv, TerraformRunner]:
    env = resolve(env_name)
    runner = TerraformRunner(env)  # finds the terraform command: a missing one is said before any AWS call
    _check_credentials(env)
    return env, runner


@app.command()
def check(env: EnvOption) -> None:
    """Resolve the env and check its AWS credentials with STS: which account and identity they are."""
    _check_credentials(resolve(env))


@app.command()
def plan(env: EnvOption) -> None:
    """init with the env's backend, then plan with its tfvars into a saved plan file."""
    cloud_env, runner = _prepare(env)
    runner.init()
    plan_file = runner.plan()
    typer.echo(f"saved plan: {repo_relative(plan_file)} (apply it with: make apply ENV={cloud_env.name})")


def confirm_protected(env: CloudEnv, yes: bool, action: str) -> None:
    if not env.protected or yes:
        return
    if not sys.stdin.isatty():
        raise OpsError(f"{action} of {env.name} needs confirmation: rerun interactively or with --yes")
    if not typer.confirm(f"{action} the saved plan on {env.name}?", default=False):
        raise OpsError(f"{action} of {env.name} cancelled", exit_code=1)


@app.command()
def apply(env: EnvOption, yes: YesOption = False) -> None:
    """Apply the saved plan (prod asks first), then keep the DR user pool replica."""
    cloud_env = resolve(env)
    if not cloud_env.plan_file.is_file():
        raise OpsError(
            f"no saved plan for env {cloud_env.name!r}: run `make plan ENV={cloud_env.name}` first"
        )
    confirm_protected(cloud_env, yes, "apply")
    cloud_env, runner = _prepare(env)
    runner.init()
    runner.apply_saved_plan()
    _post_apply(runner)


def _post_apply(runner: TerraformRunner) -> None:
    import boto3

    outputs = runner.outputs()
    pool_id = outputs.get("user_pool_id")
    region = outputs.get("user_pool_replica_region")
    stack = outputs.get("stack_outputs") or {}
    if not pool_id or not region:
        raise OpsError("apply done, but the blueprint outputs lack user_pool_id/user_pool_replica_region")
    client = boto3.client("cognito-idp", region_name=stack.get("primary_region"))
    result = cognito_replica.ensure_user_pool_replica(client, pool_id, region)
    typer.echo(result.message(), err=result.action == "unavailable")


@app.command()
def destroy(env: EnvOption) -> None:
    """Plan a destroy and apply it; refused for prod."""
    cloud_env = resolve(env)
    if cloud_env.protected:
        raise OpsError(f"destroy is refused for {cloud_env.name}: remove it by hand if you really mean it")
    cloud_env, runner = _prepare(env)
    runner.init()
    runner.plan(destroy=True)
    runner.apply_saved_plan()


@app.command()
def outputs(env: EnvOption) -> None:
    """Print the env's stack-outputs document (the contract in ops/stack_outputs.py)."""
    from ops.stack_outputs import StackOutputs

    cloud_env, runner = _prepare(env)
    runner.init()
    document = runner.outputs().get("stack_outputs")
    if document is None:
        raise OpsError(
            f"env {cloud_env.name!r} has no stack_outputs yet: run `make apply ENV={cloud_env.name}`"
        )
    typer.echo(json.dumps(StackOutputs.model_validate(document).model_dump(mode="json"), indent=2))
