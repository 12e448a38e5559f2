"""R10: a role that people assume carries a permission boundary, so it cannot grant itself more."""

from __future__ import annotations

from typing import Any

from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck
from mbt_policy_lib import human_trust_statements, is_set, is_unknown, policy_document, value


class IamHumanRolesPermissionBoundary(BaseResourceCheck):
    def __init__(self) -> None:
        super().__init__(
            name="R10: IAM roles assumed by people (developer roles) carry a permissions boundary",
            id="CKV_MBT_10",
            categories=[CheckCategories.IAM],
            supported_resources=["aws_iam_role"],
        )

    def scan_resource_conf(self, conf: dict[str, Any]) -> CheckResult:
        self.evaluated_keys = ["assume_role_policy", "permissions_boundary"]
        document = policy_document(value(conf, "assume_role_policy"))
        if document is None:
            return CheckResult.UNKNOWN
        if not human_trust_statements(document):
            return CheckResult.UNKNOWN  # a service or federated role
        boundary = value(conf, "permissions_boundary")
        return CheckResult.PASSED if is_set(boundary) or is_unknown(boundary) else CheckResult.FAILED


check = IamHumanRolesPermissionBoundary()
