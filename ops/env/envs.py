"""Environments as data: terraform/envs/<env>.tfvars plus <env>.backend.hcl for the blueprint."""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from ops.errors import OpsError
from ops.paths import REPO_ROOT

TERRAFORM_DIR = REPO_ROOT / "terraform"
BLUEPRINT_DIR = TERRAFORM_DIR / "blueprint"
ENVS_DIR = TERRAFORM_DIR / "envs"
# Saved plans live outside the tree (never committed); OPS_ENV_PLANS_DIR moves them (tests, CI workspaces).
PLANS_DIR = Path(os.environ.get("OPS_ENV_PLANS_DIR") or REPO_ROOT / ".cache" / "terraform" / "plans")
PROTECTED_ENVS = frozenset({"prod"})


@dataclass(frozen=True)
class CloudEnv:
    name: str
    tfvars: Path
    backend: Path

    @property
    def protected(self) -> bool:
        return self.name in PROTECTED_ENVS

    @property
    def primary_region(self) -> str:
        """`primary_region` of the env's tfvars (the blueprint's default, us-east-1, when it is not set)."""
        found = re.search(r'^\s*primary_region\s*=\s*"([a-z0-9-]+)"', self.tfvars.read_text(), re.M)
        return found[1] if found else "us-east-1"

    @property
    def plan_file(self) -> Path:
        return PLANS_DIR / f"{self.name}.tfplan"

    @property
    def data_dir(self) -> Path:
        """Per-env .terraform directory, so switching envs never re-points another env's backend."""
        return REPO_ROOT / ".cache" / "terraform" / "data" / self.name


def tfvars_string(path: Path, name: str) -> str | None:
    """A top-level string setting of a tfvars file (`name = "value"`), or None when it is not set."""
    found = re.search(rf'^{re.escape(name)}\s*=\s*"([^"]*)"', path.read_text(), re.M)
    return found[1] if found else None


def available_envs(envs_dir: Path = ENVS_DIR) -> list[str]:
    return sorted(p.stem for p in envs_dir.glob("*.tfvars"))


def resolve(name: str, envs_dir: Path = ENVS_DIR) -> CloudEnv:
    """The env's files, or a one-line error that says what to do instead."""
    if name == "local":
        raise OpsError("ENV=local runs on the AWS emulator, not Terraform: use `make up` (and `make down`)")
    names = available_envs(envs_dir)
    if name not in names:
        raise OpsError(f"unknown env {name!r}: choose one of {', '.join(names) or '(none)'} or local")
    backend = envs_dir / f"{name}.backend.hcl"
    if not backend.is_file():
        raise OpsError(f"env {name!r} has no backend config at {backend.relative_to(REPO_ROOT)}")
    return CloudEnv(name=name, tfvars=envs_dir / f"{name}.tfvars", backend=backend)
