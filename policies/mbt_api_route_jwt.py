"""R10: every API route except the public ones of the route table requires the Cognito JWT authorizer.

A WebSocket API (the live channel, terraform/modules/live) has no JWT authorizer: its `$connect` route passes with a
`CUSTOM` (Lambda REQUEST) authorizer, the only way it authenticates; its later routes ride on the authorized
connection and carry an inline skip with that reason.

The public routes are read from terraform/contracts/api_routes.json (lambdas/backend_core/api_routes.py), the
table Terraform declares its routes from: the policy and the blueprint cannot disagree about which are public.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck
from mbt_policy_lib import is_set, is_unknown, is_unresolved, value

WEBSOCKET_CONNECT = "$connect"  # a route key only WebSocket APIs have
ROUTE_TABLE = Path(__file__).resolve().parents[1] / "terraform" / "contracts" / "api_routes.json"
PUBLIC_ROUTE_KEYS = frozenset(json.loads(ROUTE_TABLE.read_text())["public"])


class ApiRouteJwtAuthorizer(BaseResourceCheck):
    def __init__(self) -> None:
        super().__init__(
            name="R10: every HTTP API route except the public ones of the route table (GET /health) uses the JWT authorizer",
            id="CKV_MBT_5",
            categories=[CheckCategories.IAM],
            supported_resources=["aws_apigatewayv2_route"],
        )

    def scan_resource_conf(self, conf: dict[str, Any]) -> CheckResult:
        self.evaluated_keys = ["route_key", "authorization_type", "authorizer_id"]
        route_key = value(conf, "route_key")
        authorization = value(conf, "authorization_type")
        if any(is_unknown(raw) or is_unresolved(raw) for raw in (route_key, authorization)):
            return CheckResult.UNKNOWN  # set from a module input: the plan run decides
        if route_key in PUBLIC_ROUTE_KEYS:
            return CheckResult.PASSED
        if route_key == WEBSOCKET_CONNECT:
            authorizer = value(conf, "authorizer_id")
            has_authorizer = is_set(authorizer) or is_unknown(authorizer)
            return CheckResult.PASSED if authorization == "CUSTOM" and has_authorizer else CheckResult.FAILED
        if authorization != "JWT":
            return CheckResult.FAILED
        authorizer = value(conf, "authorizer_id")
        return CheckResult.PASSED if is_set(authorizer) or is_unknown(authorizer) else CheckResult.FAILED


check = ApiRouteJwtAuthorizer()
