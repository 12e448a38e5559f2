"""R9: a bucket policy denies every request that does not use TLS (aws:SecureTransport = false)."""

from __future__ import annotations

from typing import Any

from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck
from mbt_policy_lib import as_list, condition_values, policy_document, statements, value


def _denies_plain_http(statement: dict[str, Any]) -> bool:
    if statement.get("Effect") != "Deny":
        return False
    actions = {str(action) for action in as_list(statement.get("Action"))}
    if not actions & {"*", "s3:*"}:
        return False
    principal = statement.get("Principal")
    if isinstance(principal, dict):
        principal = principal.get("AWS")
    if "*" not in as_list(principal):
        return False
    secure = condition_values(statement, ("Bool", "BoolIfExists"), "aws:SecureTransport")
    return any(flag.lower() == "false" for flag in secure)


class BucketPolicyTlsOnly(BaseResourceCheck):
    def __init__(self) -> None:
        super().__init__(
            name="R9: S3 bucket policy denies all requests without TLS (aws:SecureTransport false)",
            id="CKV_MBT_2",
            categories=[CheckCategories.ENCRYPTION],
            supported_resources=["aws_s3_bucket_policy"],
        )

    def scan_resource_conf(self, conf: dict[str, Any]) -> CheckResult:
        self.evaluated_keys = ["policy"]
        document = policy_document(value(conf, "policy"))
        if document is None:
            # The policy embeds ARNs that only exist after apply: decided by the source run.
            return CheckResult.UNKNOWN
        if any(_denies_plain_http(statement) for statement in statements(document)):
            return CheckResult.PASSED
        return CheckResult.FAILED


check = BucketPolicyTlsOnly()
