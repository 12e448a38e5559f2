"""R9: data at rest is encrypted with a customer-managed KMS key (never an AWS-managed one).

S3 is covered by the graph check CKV2_MBT_8, which can see the bucket's data_class tag (access-log
target buckets can only use SSE-S3).
"""

from __future__ import annotations

from typing import Any

from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck
from mbt_policy_lib import (
    blocks,
    is_configured_later,
    is_customer_managed_key,
    is_unknown,
    is_unresolved,
    truthy,
    value,
)

# resource type -> the argument holding its KMS key
KEY_ARGUMENT = {
    "aws_sns_topic": "kms_master_key_id",
    "aws_sqs_queue": "kms_master_key_id",
    "aws_cloudwatch_log_group": "kms_key_id",
}


class CustomerManagedKeyEncryption(BaseResourceCheck):
    def __init__(self) -> None:
        super().__init__(
            name="R9: DynamoDB (and its replicas), SNS, SQS and CloudWatch Logs are encrypted with a customer-managed KMS key",
            id="CKV_MBT_1",
            categories=[CheckCategories.ENCRYPTION],
            supported_resources=[*KEY_ARGUMENT, "aws_dynamodb_table"],
        )

    def scan_resource_conf(self, conf: dict[str, Any]) -> CheckResult:
        resource_type = self.entity_type
        if resource_type in KEY_ARGUMENT:
            return self._key(value(conf, KEY_ARGUMENT[resource_type]))
        return self._table(conf)

    @staticmethod
    def _key(raw: Any) -> CheckResult:
        if is_configured_later(raw):
            # Set to a value computed at apply: a key this plan creates. AWS-managed keys are
            # literal aliases (alias/aws/...), known at plan time, so they never land here.
            return CheckResult.PASSED
        if is_unknown(raw) or is_unresolved(raw):
            return CheckResult.UNKNOWN  # known after apply, or a module input: the plan run decides
        return CheckResult.PASSED if is_customer_managed_key(raw) else CheckResult.FAILED

    def _table(self, conf: dict[str, Any]) -> CheckResult:
        sse = blocks(conf, "server_side_encryption")
        if not sse or not truthy(value(sse[0], "enabled")):
            return CheckResult.FAILED
        results = [self._key(value(sse[0], "kms_key_arn"))]
        # Each replica is encrypted in its own region, so it needs its own customer-managed key.
        results += [self._key(value(replica, "kms_key_arn")) for replica in blocks(conf, "replica")]
        return _worst(results)


def _worst(results: list[CheckResult]) -> CheckResult:
    if CheckResult.FAILED in results:
        return CheckResult.FAILED
    if CheckResult.UNKNOWN in results:
        return CheckResult.UNKNOWN
    return CheckResult.PASSED


check = CustomerManagedKeyEncryption()
