"""R10: function and service roles are least-privilege: their inline policies allow no "*" or "service:*" actions.

Scope: aws_iam_role_policy, the inline policies this toolkit gives every function and service role.
Managed aws_iam_policy documents are out of scope on purpose: a permission boundary legitimately
allows "*" and subtracts with Deny statements.
"""

from __future__ import annotations

from typing import Any

from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck
from mbt_policy_lib import actions, allows, policy_document, statements, value


def _is_wildcard(action: str) -> bool:
    return action == "*" or action.endswith(":*")


class IamNoWildcardActions(BaseResourceCheck):
    def __init__(self) -> None:
        super().__init__(
            name='R10: inline policies of function and service roles allow no "*" or "service:*" actions and no NotAction',
            id="CKV_MBT_7",
            categories=[CheckCategories.IAM],
            supported_resources=["aws_iam_role_policy"],
        )

    def scan_resource_conf(self, conf: dict[str, Any]) -> CheckResult:
        self.evaluated_keys = ["policy"]
        document = policy_document(value(conf, "policy"))
        if document is None:
            return CheckResult.UNKNOWN  # not known until apply: decided by the source run
        for statement in statements(document):
            if not allows(statement):
                continue
            if "NotAction" in statement or any(_is_wildcard(a) for a in actions(statement)):
                return CheckResult.FAILED
        return CheckResult.PASSED


check = IamNoWildcardActions()
