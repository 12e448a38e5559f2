"""R9: S3 origins are reached through origin access control (OAC), never a legacy origin access identity."""

from __future__ import annotations

from typing import Any

from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck
from mbt_policy_lib import blocks, is_set, is_unknown, value


class CloudFrontOriginAccessControl(BaseResourceCheck):
    def __init__(self) -> None:
        super().__init__(
            name="R9: CloudFront S3 origins use origin access control (OAC), never a legacy origin access identity (OAI)",
            id="CKV_MBT_4",
            categories=[CheckCategories.GENERAL_SECURITY],
            supported_resources=["aws_cloudfront_distribution"],
        )

    def scan_resource_conf(self, conf: dict[str, Any]) -> CheckResult:
        self.evaluated_keys = ["origin"]
        for origin in blocks(conf, "origin"):
            for s3_config in blocks(origin, "s3_origin_config"):
                if is_set(value(s3_config, "origin_access_identity")):
                    return CheckResult.FAILED
            if blocks(origin, "custom_origin_config") or blocks(origin, "vpc_origin_config"):
                continue  # not an S3 origin
            control = value(origin, "origin_access_control_id")
            if not (is_set(control) or is_unknown(control)):
                return CheckResult.FAILED
        return CheckResult.PASSED


check = CloudFrontOriginAccessControl()
