"""R12: each aws provider configuration sets default_tags with project, env and owner.

Source framework only: checkov's plan parser drops a provider's nested blocks (default_tags among them),
so in the plan framework CKV_MBT_12 checks the merged tags_all of every resource instead.
"""

from __future__ import annotations

from typing import Any

from checkov.common.models.enums import CheckCategories, CheckResult
from checkov.terraform.checks.provider.base_check import BaseProviderCheck
from mbt_policy_lib import REQUIRED_TAGS, blocks, is_set, value


class ProviderDefaultTags(BaseProviderCheck):
    def __init__(self) -> None:
        super().__init__(
            name="R12: every aws provider (primary and aws.dr) sets default_tags with project, env and owner",
            id="CKV_MBT_13",
            categories=[CheckCategories.CONVENTION],
            supported_provider=["aws"],
        )

    def scan_provider_conf(self, conf: dict[str, Any]) -> CheckResult:
        if "start_line" in conf:
            return CheckResult.UNKNOWN  # a provider read from plan JSON: default_tags are not carried
        self.evaluated_keys = ["default_tags"]
        defaults = blocks(conf, "default_tags")
        tags = value(defaults[0], "tags") if defaults else None
        if not isinstance(tags, dict):
            return CheckResult.FAILED
        return (
            CheckResult.PASSED if all(is_set(tags.get(key)) for key in REQUIRED_TAGS) else CheckResult.FAILED
        )


check = ProviderDefaultTags()
