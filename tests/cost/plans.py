"""The three envs' deployments as the cost model reads them, from the offline plans `make validate` writes
(reports/plans/<env>.json; PLAN_REPORTS points elsewhere, as for tests/terraform), each read once."""

from __future__ import annotations

from ops.cost import deployment as deployments
from ops.cost.deployment import Deployment
from tests.prerequisites import missing

_loaded: dict[str, Deployment] = {}


def load(env: str) -> Deployment:
    if env not in _loaded:
        path = deployments.plan_path(env)
        if not path.is_file():
            missing(f"no offline plan at {path}: run `make validate` to produce it")
        _loaded[env] = deployments.load(env)
    return _loaded[env]
