"""An env's API limits as its tfvars give them to Terraform: the stage's throttling (`api.rate_limit`,
`api.burst_limit`, the blueprint's `aws_apigatewayv2_stage.default_route_settings`) and the API function's
reserved concurrency (`api.functions.mobile_api.reserved_concurrency`, null = unreserved).

The local stack's fronts apply the same numbers (ops/local/throttle.py): one definition, read from the env's
file; `tests/terraform/test_plan_api_limits.py` checks them against each env's offline plan.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from ops.errors import OpsError

API_FUNCTION = "mobile_api"


@dataclass(frozen=True)
class ApiLimits:
    rate_limit: float  # requests per second, the token bucket's refill rate
    burst_limit: int  # the bucket's size
    reserved_concurrency: int | None  # concurrent executions of the API function; None = unreserved

    def describe(self) -> str:
        reserved = "unreserved" if self.reserved_concurrency is None else f"{self.reserved_concurrency}"
        return f"rate {self.rate_limit:g}/s, burst {self.burst_limit}, reserved concurrency {reserved}"


def _strip_comments(text: str) -> str:
    return re.sub(r"(?m)\s*(#|//).*$", "", text)


def _block(text: str, name: str) -> str | None:
    """The body of `name = { ... }` (balanced braces) at the first place it is assigned, or None."""
    found = re.search(rf"(?m)^\s*{re.escape(name)}\s*=\s*\{{", text)
    if found is None:
        return None
    depth, start = 1, found.end()
    for index in range(start, len(text)):
        depth += {"{": 1, "}": -1}.get(text[index], 0)
        if depth == 0:
            return text[start:index]
    return None


def api_limits(tfvars: Path) -> ApiLimits:
    """The env's API limits; OpsError names the setting that is missing."""
    text = _strip_comments(tfvars.read_text())
    api = _block(text, "api")
    if api is None:
        raise OpsError(f"{tfvars}: no `api = {{ ... }}` block (rate_limit, burst_limit)")
    numbers = {}
    for name in ("rate_limit", "burst_limit"):
        found = re.search(rf"(?m)^\s*{name}\s*=\s*([0-9.]+)\s*$", api)
        if found is None:
            raise OpsError(f"{tfvars}: api.{name} is not set")
        numbers[name] = float(found[1])
    functions = _block(api, "functions") or ""
    function = _block(functions, API_FUNCTION) or ""
    reserved = re.search(r"reserved_concurrency\s*=\s*(\d+)", function)
    return ApiLimits(
        rate_limit=numbers["rate_limit"],
        burst_limit=int(numbers["burst_limit"]),
        reserved_concurrency=int(reserved[1]) if reserved else None,
    )
