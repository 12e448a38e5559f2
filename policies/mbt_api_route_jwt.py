"""R10: every API route except the public health check requires the Cognito JWT authorizer."""

from __future__ import annotations

from typing import Any

from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck
from mbt_policy_lib import is_set, is_unknown, is_unresolved, value

PUBLIC_ROUTE_KEYS = frozenset({"GET /health"})


class ApiRouteJwtAuthorizer(BaseResourceCheck):
    def __init__(self) -> None:
        super().__init__(
            name="R10: every HTTP API route except GET /health uses the JWT authorizer",
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
        if authorization != "JWT":
            return CheckResult.FAILED
        authorizer = value(conf, "authorizer_id")
        return CheckResult.PASSED if is_set(authorizer) or is_unknown(authorizer) else CheckResult.FAILED


check = ApiRouteJwtAuthorizer()
