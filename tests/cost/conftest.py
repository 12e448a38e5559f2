"""Fixtures over the envs' deployments (tests/cost/plans.py reads them from the offline plans)."""

from __future__ import annotations

import pytest

from ops.cost.deployment import Deployment
from ops.env.envs import available_envs
from tests.cost.plans import load
from tests.gate_reports import require_reports

ENVS = available_envs()  # every terraform/envs/*.tfvars


@pytest.fixture(autouse=True)
def _gate_reports_ready() -> None:
    """Under `make test` the gates run inside the suite: wait for their plans (tests/gate_reports.py); the
    CLI tests read them through `ops cost` itself."""
    require_reports()


@pytest.fixture(params=ENVS)
def env_deployment(request: pytest.FixtureRequest) -> Deployment:
    return load(request.param)


@pytest.fixture
def prod() -> Deployment:
    return load("prod")
