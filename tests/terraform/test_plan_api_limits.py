"""The local stack's throttle reads each env's API limits from its tfvars (ops/env/api_limits.py); this keeps
that reading in step with what Terraform plans from the same file: the stage's throttling at both sites and
the API function's reserved concurrency."""

from __future__ import annotations

from ops.env.api_limits import API_FUNCTION, ApiLimits, api_limits
from tests.terraform.conftest import REPO


def planned_limits(plan: dict) -> dict[str, ApiLimits]:
    """Per site module (module.api_primary, module.api_dr): the limits the plan gives it."""
    stages, reserved = {}, {}
    for change in plan["resource_changes"]:
        site = change["address"].split(".aws_", 1)[0]
        after = change["change"]["after"] or {}
        if change["type"] == "aws_apigatewayv2_stage" and site.startswith(
            "module.api_"
        ):  # not the live channel's
            stages[site] = after["default_route_settings"][0]
        elif change["type"] == "aws_lambda_function" and change["address"].endswith(f'["{API_FUNCTION}"]'):
            value = after.get("reserved_concurrent_executions")
            reserved[site] = None if value in (None, -1) else int(value)  # -1: the provider's "unreserved"
    assert stages.keys() == reserved.keys() and len(stages) == 2, (stages.keys(), reserved.keys())
    return {
        site: ApiLimits(
            rate_limit=float(stage["throttling_rate_limit"]),
            burst_limit=int(stage["throttling_burst_limit"]),
            reserved_concurrency=reserved[site],
        )
        for site, stage in stages.items()
    }


def test_the_local_throttle_reads_the_limits_terraform_plans(plan: dict) -> None:
    env = plan["_env"]
    read = api_limits(REPO / "terraform" / "envs" / f"{env}.tfvars")
    for site, planned in planned_limits(plan).items():
        assert planned == read, (
            f"{env} {site}: planned {planned.describe()}, the local stack reads {read.describe()}"
        )
