"""R10: a role that people assume carries a permission boundary, so it cannot grant itself more.

Every job-function role (developer, read-only, analyst) needs one; only the break-glass administrator
role, tagged job_function = "admin", is exempt (a boundary would defeat its purpose).
"""

from __future__ import annotations

from typing import Any

from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck
from mbt_policy_lib import human_trust_statements, is_set, is_unknown, policy_document, value

BREAK_GLASS_JOB_FUNCTION = "admin"


class IamHumanRolesPermissionBoundary(BaseResourceCheck):
    def __init__(self) -> None:
        super().__init__(
            name='R10: IAM roles assumed by people (developer and other job roles) carry a permissions boundary; only job_function="admin" is exempt',
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
        tags = value(conf, "tags")
        if isinstance(tags, dict) and value(tags, "job_function") == BREAK_GLASS_JOB_FUNCTION:
            return CheckResult.UNKNOWN  # the break-glass administrator
        boundary = value(conf, "permissions_boundary")
        return CheckResult.PASSED if is_set(boundary) or is_unknown(boundary) else CheckResult.FAILED


check = IamHumanRolesPermissionBoundary()
