"""R1: an API stage writes access logs and throttles by default, so a burst cannot run up the bill."""

from __future__ import annotations

from typing import Any

from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck
from mbt_policy_lib import as_int, blocks, is_set, is_unknown, is_unresolved, value


def _known_or_set(raw: Any) -> bool:
    return is_set(raw) or is_unknown(raw)


class ApiStageLogsAndThrottling(BaseResourceCheck):
    def __init__(self) -> None:
        super().__init__(
            name="R1: HTTP API stages have access logging and default route throttling (burst and rate limits)",
            id="CKV_MBT_6",
            categories=[CheckCategories.LOGGING],
            supported_resources=["aws_apigatewayv2_stage"],
        )

    def scan_resource_conf(self, conf: dict[str, Any]) -> CheckResult:
        self.evaluated_keys = ["access_log_settings", "default_route_settings"]
        logs = blocks(conf, "access_log_settings")
        if not logs or not all(_known_or_set(value(logs[0], key)) for key in ("destination_arn", "format")):
            return CheckResult.FAILED
        defaults = blocks(conf, "default_route_settings")
        if not defaults:
            return CheckResult.FAILED
        undecided = False
        for limit in ("throttling_burst_limit", "throttling_rate_limit"):
            raw = value(defaults[0], limit)
            if is_unknown(raw) or is_unresolved(raw):
                undecided = True  # e.g. var.throttling.rate_limit in a module: the plan run decides
                continue
            number = as_int(raw)
            if number is None or number <= 0:
                return CheckResult.FAILED
        return CheckResult.UNKNOWN if undecided else CheckResult.PASSED


check = ApiStageLogsAndThrottling()
