"""R2: S3 replication also copies SSE-KMS objects, re-encrypted with a key in the destination region.

Without `source_selection_criteria.sse_kms_encrypted_objects` S3 silently skips every object encrypted
with a KMS key, which is every user-data object here (R9), so the DR copy would stay empty.
"""

from __future__ import annotations

from typing import Any

from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck
from mbt_policy_lib import blocks, is_configured_later, is_set, is_unknown, value


def _rule_verdict(rule: dict[str, Any]) -> CheckResult:
    criteria = [
        value(kms_objects, "status")
        for selection in blocks(rule, "source_selection_criteria")
        for kms_objects in blocks(selection, "sse_kms_encrypted_objects")
    ]
    if "Enabled" not in criteria:
        return CheckResult.FAILED
    encryption = [e for d in blocks(rule, "destination") for e in blocks(d, "encryption_configuration")]
    if not encryption:
        return CheckResult.FAILED
    key = value(encryption[0], "replica_kms_key_id")
    if is_set(key) or is_configured_later(key):
        return CheckResult.PASSED
    # replica_kms_key_id is required inside the block, so plan JSON omits it only while it is unknown.
    return CheckResult.UNKNOWN if key is None or is_unknown(key) else CheckResult.FAILED


class ReplicationIncludesKmsObjects(BaseResourceCheck):
    def __init__(self) -> None:
        super().__init__(
            name="R2: S3 replication rules replicate SSE-KMS objects and re-encrypt them with a destination key",
            id="CKV_MBT_14",
            categories=[CheckCategories.BACKUP_AND_RECOVERY],
            supported_resources=["aws_s3_bucket_replication_configuration"],
        )

    def scan_resource_conf(self, conf: dict[str, Any]) -> CheckResult:
        self.evaluated_keys = ["rule"]
        verdicts = [
            _rule_verdict(rule) for rule in blocks(conf, "rule") if value(rule, "status") == "Enabled"
        ]
        if not verdicts:
            return CheckResult.UNKNOWN  # nothing replicates: CKV2_MBT_1 reports that on the bucket
        for verdict in (CheckResult.FAILED, CheckResult.UNKNOWN):
            if verdict in verdicts:
                return verdict
        return CheckResult.PASSED


check = ReplicationIncludesKmsObjects()
