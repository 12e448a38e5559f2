"""R11: nothing is archived before six months without access (an archived object answers 403 until restored)."""

from __future__ import annotations

from typing import Any

from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck
from mbt_policy_lib import (
    NO_ARCHIVE_BEFORE_DAYS,
    RESTORE_FIRST_STORAGE_CLASSES,
    as_int,
    blocks,
    has_dynamic,
    is_unknown,
    value,
)


class NoArchiveBefore180Days(BaseResourceCheck):
    def __init__(self) -> None:
        super().__init__(
            name="R11: no Intelligent-Tiering archive tier and no lifecycle transition of current objects to "
            "GLACIER/DEEP_ARCHIVE before 180 days (only objects inactive for more than six months are archived)",
            id="CKV_MBT_15",
            categories=[CheckCategories.BACKUP_AND_RECOVERY],
            supported_resources=[
                "aws_s3_bucket_intelligent_tiering_configuration",
                "aws_s3_bucket_lifecycle_configuration",
            ],
        )

    def scan_resource_conf(self, conf: dict[str, Any]) -> CheckResult:
        if self.entity_type == "aws_s3_bucket_intelligent_tiering_configuration":
            if value(conf, "status") == "Disabled":
                return CheckResult.PASSED
            self.evaluated_keys = ["tiering"]
            if has_dynamic(conf, "tiering"):
                return CheckResult.UNKNOWN  # the source run cannot see these blocks; the plan run decides
            return self._earliest([value(t, "days") for t in blocks(conf, "tiering")])
        self.evaluated_keys = ["rule"]
        if has_dynamic(conf, "rule") or any(has_dynamic(rule, "transition") for rule in blocks(conf, "rule")):
            return CheckResult.UNKNOWN
        days = [
            value(transition, "days")
            for rule in blocks(conf, "rule")
            if value(rule, "status") == "Enabled"
            for transition in blocks(rule, "transition")
            if value(transition, "storage_class") in RESTORE_FIRST_STORAGE_CLASSES
            and value(transition, "date") in (None, "")  # a fixed date says nothing about inactivity
        ]
        return self._earliest(days)

    @staticmethod
    def _earliest(raw_days: list[Any]) -> CheckResult:
        known = [d for d in (as_int(raw) for raw in raw_days) if d is not None]
        if any(d < NO_ARCHIVE_BEFORE_DAYS for d in known):
            return CheckResult.FAILED
        if any(is_unknown(raw) or as_int(raw) is None for raw in raw_days if raw not in (None, "")):
            return CheckResult.UNKNOWN
        return CheckResult.PASSED


check = NoArchiveBefore180Days()
