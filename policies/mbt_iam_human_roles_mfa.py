"""R10: a role that people assume (an AWS principal in its trust policy) requires MFA."""

from __future__ import annotations

from typing import Any

from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck
from mbt_policy_lib import condition_values, human_trust_statements, policy_document, value


def _requires_mfa(statement: dict[str, Any]) -> bool:
    present = condition_values(statement, ("Bool", "BoolIfExists"), "aws:MultiFactorAuthPresent")
    if present and all(v.lower() == "true" for v in present):
        return True
    return bool(
        condition_values(statement, ("NumericLessThan", "NumericLessThanEquals"), "aws:MultiFactorAuthAge")
    )


class IamHumanRolesRequireMfa(BaseResourceCheck):
    def __init__(self) -> None:
        super().__init__(
            name="R10: IAM roles assumed by people (AWS principals) require MFA (aws:MultiFactorAuthPresent)",
            id="CKV_MBT_8",
            categories=[CheckCategories.IAM],
            supported_resources=["aws_iam_role"],
        )

    def scan_resource_conf(self, conf: dict[str, Any]) -> CheckResult:
        self.evaluated_keys = ["assume_role_policy"]
        document = policy_document(value(conf, "assume_role_policy"))
        if document is None:
            return CheckResult.UNKNOWN
        human = human_trust_statements(document)
        if not human:
            return CheckResult.UNKNOWN  # a service or federated role: not this check's concern
        return CheckResult.PASSED if all(_requires_mfa(s) for s in human) else CheckResult.FAILED


check = IamHumanRolesRequireMfa()
