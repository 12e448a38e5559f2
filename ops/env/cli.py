"""`ops env check|bootstrap|plan|apply|destroy|outputs --env X`: the cloud environments, from the one blueprint.

`make bootstrap ENV=x` creates the account's state backend; `make plan ENV=x` checks the env's data and
prerequisites (`ops env check`), then saves a plan; `make apply ENV=x` applies exactly that plan (prod asks
first) and then keeps the Cognito user pool replica in the DR region; `make destroy ENV=x` asks (or takes
`--yes`), has a dry run, and is refused for prod. docs/first-deploy.md has the order.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer

from ops.env import cognito_replica, env_check
from ops.env.credentials import caller_identity, require_credentials
from ops.env.envs import ENVS_DIR, TERRAFORM_DIR, CloudEnv, resolve
from ops.env.terraform_runner import TerraformRunner, repo_relative
from ops.errors import OpsError, describe

app = typer.Typer(
    no_args_is_help=True, help="Plan, apply, destroy and read a cloud environment (dev, staging, prod)."
)

EnvOption = Annotated[str, typer.Option("--env", help="dev, staging or prod (local: make up)")]
YesOption = Annotated[bool, typer.Option("--yes", help="Skip the confirmation prompt.")]
EnvsDirOption = Annotated[Path, typer.Option("--envs-dir", hidden=True, help="Where the env files are.")]


def _check_credentials(env: CloudEnv) -> dict:
    """Credentials found and accepted by AWS, or one line saying why not (before Terraform starts)."""
    source = require_credentials(env.name)
    identity = caller_identity(env.name, env.primary_region)
    typer.echo(
        f"env {env.name}: account {identity['Account']} as {identity['Arn']} (credentials from {source})",
        err=True,
    )
    return identity


def _lambda_quotas(env: CloudEnv) -> dict[str, float]:
    """The account's Lambda concurrency quota in both regions (Service Quotas), where the env needs one."""
    import boto3

    from ops.env.envs import tfvars_string

    regions = {env.primary_region, tfvars_string(env.tfvars, "dr_region") or "us-west-2"}
    quotas = {}
    for region in sorted(regions):
        answer = boto3.client("service-quotas", region_name=region).get_service_quota(
            ServiceCode="lambda", QuotaCode=env_check.LAMBDA_CONCURRENCY_QUOTA
        )
        quotas[region] = float(answer["Quota"]["Value"])
    return quotas


def _prepare(env_name: str) -> tuple[CloudEnv, TerraformRunner]:
    env = resolve(env_name)
    runner = TerraformRunner(env)  # finds the terraform command: a missing one is said before any AWS call
    _check_credentials(env)
    return env, runner


@app.command()
def check(
    env: EnvOption,
    offline: Annotated[
        bool, typer.Option("--offline", help="Only the files and environment variables, no AWS call.")
    ] = False,
    envs_dir: EnvsDirOption = ENVS_DIR,
) -> None:
    """What a first deploy needs: no placeholder left in the env's files (each listed with file:line and
    what to put there), push credentials, the CDN signing key; then the credentials (STS), the backend's
    account, and the Lambda concurrency quota the env's reserved concurrency needs."""
    cloud_env = resolve(env, envs_dir)
    findings = env_check.file_findings(cloud_env)
    for finding in findings:  # first, whatever the online part says: the list is what a person works through
        typer.echo(str(finding), err=True)
    if not offline:
        try:
            online = _online_findings(cloud_env)
        except OpsError as exc:
            if not findings:
                raise
            raise OpsError(
                f"env {cloud_env.name}: {len(findings)} thing(s) to set before a deploy (above; "
                f"docs/first-deploy.md), and the online checks did not run: {exc}",
                exc.exit_code,
            ) from None
        for finding in online:
            typer.echo(str(finding), err=True)
        findings += online
    if findings:
        raise OpsError(
            f"env {cloud_env.name}: {len(findings)} thing(s) to set before a deploy (above; docs/first-deploy.md)"
        )
    typer.echo(f"env {cloud_env.name}: ready to plan" + (" (files only: --offline)" if offline else ""))


def _online_findings(env: CloudEnv) -> list[env_check.Finding]:
    """The checks that ask AWS: the credentials (STS), the backend's account, the Lambda concurrency quota.
    Raises OpsError (one line) when AWS cannot be asked."""
    identity = _check_credentials(env)
    findings = env_check.account_findings(env, identity["Account"])
    if env_check.required_lambda_concurrency(env):
        try:
            quotas = _lambda_quotas(env)
        except Exception as exc:  # AccessDenied, throttling, an endpoint that does not answer: one line
            raise describe(exc) from None
        findings += env_check.concurrency_quota_findings(env, quotas)
    return findings


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
def destroy(
    env: EnvOption,
    yes: YesOption = False,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Plan the destroy and show it; change nothing.")
    ] = False,
) -> None:
    """Plan a destroy, show it, and apply it after a confirmation (or --yes); refused for prod."""
    cloud_env = resolve(env)
    if cloud_env.protected:
        raise OpsError(f"destroy is refused for {cloud_env.name}: remove it by hand if you really mean it")
    if not dry_run and not yes and not sys.stdin.isatty():
        raise OpsError(
            f"destroy of {cloud_env.name} deletes everything in it: rerun interactively, with --yes, "
            "or with --dry-run to see the plan"
        )
    cloud_env, runner = _prepare(env)
    runner.init()
    runner.plan(destroy=True)
    if dry_run:
        cloud_env.plan_file.unlink(missing_ok=True)
        typer.echo(f"dry run: the plan above is what `make destroy ENV={cloud_env.name}` would delete")
        return
    if not yes and not typer.confirm(
        f"destroy env {cloud_env.name} and every resource above (data included)?", default=False
    ):
        cloud_env.plan_file.unlink(missing_ok=True)
        raise OpsError(f"destroy of {cloud_env.name} cancelled", exit_code=1)
    runner.apply_saved_plan()


@app.command()
def bootstrap(env: EnvOption, yes: YesOption = False) -> None:
    """Create the account's Terraform state backend (terraform/state-backend) for this env's account."""
    from ops.env.envs import tfvars_string

    cloud_env = resolve(env)
    layout = tfvars_string(cloud_env.tfvars, "account_layout") or "per-env"
    identity = _check_credentials(cloud_env)
    state_file = TERRAFORM_DIR / "state-backend" / "state" / f"{identity['Account']}.tfstate"
    from ops.env.terraform_runner import terraform_env

    environment = terraform_env(cloud_env)  # its own data dir: never the blueprint's backend of this env
    environment["TF_DATA_DIR"] = str(cloud_env.data_dir.parent / f"bootstrap-{cloud_env.name}")
    runner = TerraformRunner(cloud_env, cwd=TERRAFORM_DIR / "state-backend", environment=environment)
    variables = [
        f"-var=owner={tfvars_string(cloud_env.tfvars, 'owner') or 'platform-team'}",
        f"-var=region={cloud_env.primary_region}",
        f"-var=account_layout={layout}",
    ]
    state_file.parent.mkdir(parents=True, exist_ok=True)
    runner.run_raw(["init", "-input=false"])
    runner.run_raw(
        ["apply", "-input=false", f"-state={state_file}", *variables, *(["-auto-approve"] if yes else [])]
    )
    typer.echo(
        f"state backend of account {identity['Account']} ready (state: {repo_relative(state_file)}); put its "
        "`bucket` and `kms_key_alias_arn` outputs into terraform/envs/*.backend.hcl (docs/first-deploy.md)"
    )


@app.command()
def outputs(env: EnvOption) -> None:
    """Print the env's stack-outputs document (the contract in ops/stack_outputs.py)."""
    from ops.env.deployed_outputs import deployed_outputs

    cloud_env, runner = _prepare(env)
    typer.echo(json.dumps(deployed_outputs(cloud_env, runner).model_dump(mode="json"), indent=2))
