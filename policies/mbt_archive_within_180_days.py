"""R11: an archival rule reaches an archive tier within 180 days (objects inactive for six months)."""

from __future__ import annotations

from typing import Any

from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.resource.base_resource_check import BaseResourceCheck
from mbt_policy_lib import (
    ARCHIVE_STORAGE_CLASSES,
    ARCHIVE_WITHIN_DAYS,
    as_int,
    blocks,
    has_dynamic,
    is_unknown,
    value,
)


class ArchiveWithin180Days(BaseResourceCheck):
    def __init__(self) -> None:
        super().__init__(
            name="R11: Intelligent-Tiering DEEP_ARCHIVE_ACCESS and lifecycle archive transitions start within 180 days",
            id="CKV_MBT_11",
            categories=[CheckCategories.BACKUP_AND_RECOVERY],
            supported_resources=[
                "aws_s3_bucket_intelligent_tiering_configuration",
                "aws_s3_bucket_lifecycle_configuration",
            ],
        )

    def scan_resource_conf(self, conf: dict[str, Any]) -> CheckResult:
        if self.entity_type == "aws_s3_bucket_intelligent_tiering_configuration":
            return self._intelligent_tiering(conf)
        return self._lifecycle(conf)

    def _intelligent_tiering(self, conf: dict[str, Any]) -> CheckResult:
        self.evaluated_keys = ["status", "tiering"]
        if value(conf, "status") == "Disabled":
            return CheckResult.FAILED
        if has_dynamic(conf, "tiering"):
            return CheckResult.UNKNOWN  # the source run cannot see these blocks; the plan run decides
        deep = [t for t in blocks(conf, "tiering") if value(t, "access_tier") == "DEEP_ARCHIVE_ACCESS"]
        if not deep:
            return CheckResult.FAILED
        days = as_int(value(deep[0], "days"))
        if days is None:
            return CheckResult.UNKNOWN
        return CheckResult.PASSED if days <= ARCHIVE_WITHIN_DAYS else CheckResult.FAILED

    def _lifecycle(self, conf: dict[str, Any]) -> CheckResult:
        """Only the earliest archive transition matters; later ones (GLACIER, then DEEP_ARCHIVE) are fine."""
        self.evaluated_keys = ["rule"]
        earliest: int | None = None
        unknown = False
        for rule in blocks(conf, "rule"):
            if value(rule, "status") != "Enabled":
                continue
            for transition in blocks(rule, "transition"):
                if value(transition, "storage_class") not in ARCHIVE_STORAGE_CLASSES:
                    continue
                days = as_int(value(transition, "days"))
                if days is None:
                    unknown = unknown or is_unknown(value(transition, "days"))
                    continue
                earliest = days if earliest is None else min(earliest, days)
        if earliest is None:
            # A lifecycle without archive transitions (expiry only, or Intelligent-Tiering) is not in scope.
            return CheckResult.UNKNOWN
        if earliest <= ARCHIVE_WITHIN_DAYS:
            return CheckResult.PASSED
        return CheckResult.UNKNOWN if unknown else CheckResult.FAILED


check = ArchiveWithin180Days()
