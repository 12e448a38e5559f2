"""ops/env/deployed_outputs.py: the one reader of an applied env's stack-outputs document."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from ops.env.deployed_outputs import deployed_outputs
from ops.env.envs import resolve
from ops.errors import OpsError


class NotAppliedRoot:
    """A Terraform root as `terraform output` leaves it before the first apply: no outputs."""

    def __init__(self) -> None:
        self.initialised = False

    def init(self) -> None:
        self.initialised = True

    def outputs(self) -> dict:
        assert self.initialised, "outputs read before init"
        return {}


def test_an_env_never_applied_is_one_line_naming_the_command() -> None:
    runner = NotAppliedRoot()
    with pytest.raises(OpsError, match=r"env 'dev' has no stack_outputs yet: run `make apply ENV=dev`"):
        deployed_outputs(resolve("dev"), runner)  # type: ignore[arg-type]
    assert runner.initialised


def test_a_document_off_the_contract_is_refused() -> None:
    class Applied(NotAppliedRoot):
        def outputs(self) -> dict:
            return {"stack_outputs": {"env": "dev"}}

    with pytest.raises(ValidationError):
        deployed_outputs(resolve("dev"), Applied())  # type: ignore[arg-type]
