"""Which analytics resources an env name means: bucket, Glue database and table, Athena workgroup.

Everything comes from the stack-outputs document (ARCHITECTURE.md), the one contract every consumer reads:
- `local`: the running local stack's (MBT_LOCAL_STATE_DIR selects another state dir, as for `ops local`);
- a cloud env: the file named by MBT_STACK_OUTPUTS (what `make outputs ENV=x > file` printed: analysts
  need no Terraform state access), else the blueprint's Terraform outputs (`ops stack outputs`).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from ops.errors import OpsError
from ops.stack_outputs import StackOutputs

OUTPUTS_FILE_ENV = "MBT_STACK_OUTPUTS"


@dataclass(frozen=True)
class Target:
    env: str
    region: str
    endpoint_url: str | None  # the emulator's; None in AWS
    bucket: str
    database: str
    table: str
    workgroup: str

    @property
    def is_local(self) -> bool:
        return self.endpoint_url is not None

    @classmethod
    def from_outputs(cls, outputs: StackOutputs) -> Target:
        return cls(
            env=outputs.env,
            region=outputs.primary_region,
            endpoint_url=outputs.endpoint_url,
            bucket=outputs.analytics.bucket,
            database=outputs.analytics.database,
            table=outputs.analytics.table,
            workgroup=outputs.analytics.workgroup,
        )


def resolve(env: str) -> Target:
    """The Target of an env; OpsError (one line) when its outputs cannot be read."""
    return Target.from_outputs(stack_outputs(env))


def stack_outputs(env: str) -> StackOutputs:
    if env == "local":
        return _local_outputs(os.environ.get("MBT_LOCAL_STATE_DIR") or "")
    path = os.environ.get(OUTPUTS_FILE_ENV)
    if path:
        try:
            outputs = StackOutputs.model_validate(json.loads(Path(path).read_text()))
        except (OSError, ValueError) as exc:
            raise OpsError(
                f"{OUTPUTS_FILE_ENV}={path}: not a stack-outputs document ({exc.__class__.__name__})"
            ) from None
        if outputs.env != env:
            raise OpsError(f"{OUTPUTS_FILE_ENV}={path} describes env {outputs.env!r}, not {env!r}")
        return outputs
    return _cloud_outputs(env)


def _local_outputs(state_dir: str) -> StackOutputs:
    from ops.local import background_stack
    from ops.local.config import StackConfig
    from ops.paths import local_state_dir

    config = StackConfig(state_dir=local_state_dir(state_dir or None))
    return StackOutputs.model_validate(background_stack.state(config)["outputs"])


@cache
def _cloud_outputs(env: str) -> StackOutputs:
    """Read once per process: Terraform init + output takes seconds."""
    from ops.env.credentials import require_credentials
    from ops.env.deployed_outputs import deployed_outputs
    from ops.env.envs import resolve as resolve_env

    cloud_env = resolve_env(env)
    require_credentials(cloud_env.name)
    return deployed_outputs(cloud_env)
