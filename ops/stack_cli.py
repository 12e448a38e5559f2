"""`ops stack outputs --env ENV`: the stack-outputs document (docs/architecture.md) of an environment."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from ops.stack_outputs import StackOutputs

app = typer.Typer(no_args_is_help=True, help="What a deployed (or local) environment exposes.")


@app.command()
def outputs(env: Annotated[str, typer.Option("--env", help="local, dev, staging or prod")] = "local") -> None:
    """Print the stack-outputs document as JSON: the running local stack's, or a cloud env's Terraform outputs."""
    if env != "local":
        from ops.env.cli import outputs as cloud_outputs

        cloud_outputs(env)  # validates the env name, checks credentials, reads the blueprint's stack_outputs
        return
    from ops.local import background_stack
    from ops.local.config import StackConfig
    from ops.paths import local_state_dir

    state = background_stack.state(StackConfig(state_dir=local_state_dir()))
    document = StackOutputs.model_validate(state["outputs"])
    typer.echo(json.dumps(document.model_dump(mode="json"), indent=2))
