"""R10: the CI role trusts only this repository's OIDC subject (no long-lived keys, no wildcard repos)."""

from __future__ import annotations

import re
from typing import Any

from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck
from mbt_policy_lib import (
    actions,
    allows,
    condition_values,
    is_unresolved,
    policy_document,
    principals,
    statements,
    value,
)

# repo:OWNER/REPO[:qualifier]; owner and repo must be literal, the qualifier (branch, environment) may use wildcards.
PINNED_SUBJECT = re.compile(r"^repo:[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+(:.+)?$")
# Cognito identity pools also use web identity federation; they are app users, not CI.
NOT_CI_FEDERATION = ("cognito-identity.amazonaws.com",)


def _ci_statements(document: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        s
        for s in statements(document)
        if allows(s)
        and "sts:AssumeRoleWithWebIdentity" in actions(s)
        and principals(s, "Federated")
        and not any(p in NOT_CI_FEDERATION for p in principals(s, "Federated"))
    ]


def _verdict(statement: dict[str, Any]) -> CheckResult:
    subjects = condition_values(statement, ("StringEquals", "StringLike"), ":sub")
    audiences = condition_values(statement, ("StringEquals",), ":aud")
    if not (subjects and audiences):
        return CheckResult.FAILED
    resolved = [s for s in subjects if not is_unresolved(s)]
    if not all(PINNED_SUBJECT.match(s) for s in resolved):
        return CheckResult.FAILED
    # "repo:${var.github_repository}:..." is decided by the plan run, where the variable has its value.
    return CheckResult.PASSED if len(resolved) == len(subjects) else CheckResult.UNKNOWN


class CiRoleOidcSubjectPinned(BaseResourceCheck):
    def __init__(self) -> None:
        super().__init__(
            name="R10: CI role OIDC trust is pinned to the repository subject (repo:OWNER/REPO) and audience",
            id="CKV_MBT_9",
            categories=[CheckCategories.IAM],
            supported_resources=["aws_iam_role"],
        )

    def scan_resource_conf(self, conf: dict[str, Any]) -> CheckResult:
        self.evaluated_keys = ["assume_role_policy"]
        document = policy_document(value(conf, "assume_role_policy"))
        if document is None:
            return CheckResult.UNKNOWN
        ci = _ci_statements(document)
        if not ci:
            return CheckResult.UNKNOWN  # not an OIDC-federated CI role
        verdicts = {_verdict(s) for s in ci}
        for verdict in (CheckResult.FAILED, CheckResult.UNKNOWN):
            if verdict in verdicts:
                return verdict
        return CheckResult.PASSED


check = CiRoleOidcSubjectPinned()
