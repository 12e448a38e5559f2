"""Fixtures over the envs' deployments (tests/cost/plans.py reads them from the offline plans)."""

from __future__ import annotations

import pytest

from ops.cost.deployment import Deployment
from ops.env.envs import available_envs
from tests.cost.plans import load

ENVS = available_envs()  # every terraform/envs/*.tfvars


@pytest.fixture(params=ENVS)
def env_deployment(request: pytest.FixtureRequest) -> Deployment:
    return load(request.param)


@pytest.fixture
def prod() -> Deployment:
    return load("prod")
