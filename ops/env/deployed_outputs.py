"""An applied env's stack-outputs document (the contract in ops/stack_outputs.py), read from its Terraform
state: one place for the analytics target, the failover drill and `ops env outputs`."""

from __future__ import annotations

from ops.env.envs import CloudEnv
from ops.env.terraform_runner import TerraformRunner
from ops.errors import OpsError
from ops.stack_outputs import StackOutputs


def deployed_outputs(env: CloudEnv, runner: TerraformRunner | None = None) -> StackOutputs:
    """Init the env's root and read its `stack_outputs` output (seconds: Terraform init + output).

    The caller has checked the credentials. Raises OpsError when the env has none yet (not applied), and
    whatever TerraformRunner raises (OpsError) when init or output fails."""
    runner = runner or TerraformRunner(env)
    runner.init()
    document = runner.outputs().get("stack_outputs")
    if document is None:
        raise OpsError(f"env {env.name!r} has no stack_outputs yet: run `make apply ENV={env.name}`")
    return StackOutputs.model_validate(document)
