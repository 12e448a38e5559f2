"""Run the real Terraform (the project's `terraform` command) on the blueprint for one env."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ops.env.envs import BLUEPRINT_DIR, CloudEnv
from ops.errors import OpsError
from ops.paths import REPO_ROOT
from ops.terraform.binary import terraform_binary
from ops.terraform.diagnostics import first_error_line


def terraform_env(env: CloudEnv) -> dict[str, str]:
    """Real providers from the registry (ops.terraform.terraform_rc), a per-env data dir, no prompts."""
    from ops.terraform.terraform_rc import provider_source, terraform_environment

    environment = terraform_environment(provider_source("registry"))
    environment.update({"TF_DATA_DIR": str(env.data_dir), "TF_IN_AUTOMATION": "1", "CHECKPOINT_DISABLE": "1"})
    return environment


@dataclass
class TerraformRunner:
    env: CloudEnv
    binary: str = field(default_factory=terraform_binary)
    cwd: Path = BLUEPRINT_DIR
    environment: dict[str, str] | None = None

    def _run(self, args: Sequence[str], capture: bool = False) -> subprocess.CompletedProcess[str]:
        environment = self.environment if self.environment is not None else terraform_env(self.env)
        self.env.data_dir.mkdir(parents=True, exist_ok=True)
        proc = subprocess.run(
            [self.binary, *args],
            cwd=self.cwd,
            env=environment,
            text=True,
            capture_output=capture,
            check=False,
        )
        if proc.returncode != 0:
            reason = first_error_line(proc.stderr or proc.stdout) if capture else "see the output above"
            raise OpsError(f"terraform {args[0]} failed for env {self.env.name!r} ({reason})", exit_code=1)
        return proc

    def run_raw(self, args: Sequence[str]) -> None:
        """Any Terraform command in `cwd`, with the env's data dir and live output (bootstrap)."""
        self._run(args)

    def init(self) -> None:
        self._run(["init", "-input=false", "-reconfigure", f"-backend-config={self.env.backend}"])

    def plan(self, destroy: bool = False) -> Path:
        self.env.plan_file.parent.mkdir(parents=True, exist_ok=True)
        args = ["plan", "-input=false", f"-var-file={self.env.tfvars}", f"-out={self.env.plan_file}"]
        self._run([*args, "-destroy"] if destroy else args)
        return self.env.plan_file

    def apply_saved_plan(self) -> None:
        if not self.env.plan_file.is_file():
            raise OpsError(
                f"no saved plan for env {self.env.name!r}: run `make plan ENV={self.env.name}` first"
            )
        self._run(["apply", "-input=false", str(self.env.plan_file)])
        self.env.plan_file.unlink()  # a plan is applied once; the next apply needs a fresh plan

    def outputs(self) -> dict:
        proc = self._run(["output", "-json"], capture=True)
        document = json.loads(proc.stdout or "{}")
        return {name: entry.get("value") for name, entry in document.items()}


def repo_relative(path: Path) -> str:
    try:
        return os.path.relpath(path, REPO_ROOT)
    except ValueError:
        return str(path)
